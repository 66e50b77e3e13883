use stablemint_validate::Validate;

#[derive(Validate)]
struct Request {
    #[validate(custom)]
    a: String,
    #[validate(custom = "checks::id")]
    b: String,
    #[validate(custom(checks::id))]
    c: String,
    #[validate(custom = |_| Ok(()))]
    d: String,
}

fn main() {}
