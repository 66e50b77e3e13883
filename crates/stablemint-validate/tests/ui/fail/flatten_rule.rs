use stablemint_validate::Validate;

#[derive(serde::Serialize, Validate)]
struct Extra {
    #[validate(email)]
    contact: String,
}

#[derive(serde::Serialize, Validate)]
struct Request {
    #[serde(flatten)]
    #[validate(nested, custom = check)]
    extra: Extra,
}

fn check(_: &Extra) -> Result<(), stablemint_validate::Invalid> {
    Ok(())
}

fn main() {}
