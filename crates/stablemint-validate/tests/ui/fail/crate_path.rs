use stablemint_validate::Validate;

#[derive(Validate)]
#[validate(crate = 5)]
struct Number {
    #[validate(email)]
    email: String,
}

#[derive(Validate)]
#[validate(crate = "not a path!")]
struct Text {
    #[validate(email)]
    email: String,
}

#[derive(Validate)]
#[validate(crate = "stablemint_validate", crate = "stablemint_validate")]
struct Twice {
    #[validate(email)]
    email: String,
}

fn main() {}
