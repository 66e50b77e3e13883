use stablemint_validate::Validate;

#[derive(Validate)]
#[validate(nested)]
struct Request {
    #[validate(email)]
    email: String,
}

fn main() {}
