use stablemint_validate::Validate;

#[derive(Validate)]
struct Request {
    #[validate(emial)]
    email: String,
    #[validate(Currency)]
    currency: String,
    #[validate(dive)]
    kyc: Option<String>,
    #[validate(length)]
    name: String,
    #[validate(rules::alpha2)]
    country: String,
}

fn main() {}
