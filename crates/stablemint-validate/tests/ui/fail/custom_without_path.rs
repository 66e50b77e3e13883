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
    #[validate(custom = { checks::id }, email)]
    e: String,
}

fn main() {}
