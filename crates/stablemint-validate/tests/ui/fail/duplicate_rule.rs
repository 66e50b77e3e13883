use stablemint_validate::{Invalid, Validate};

fn check(_: &String) -> Result<(), Invalid> {
    Ok(())
}

#[derive(Validate)]
struct Request {
    #[validate(email, email)]
    email: String,
    #[validate(positive)]
    #[validate(positive, precision = currency, precision = settlement_currency)]
    amount: f64,
    currency: String,
    settlement_currency: String,
    #[validate(custom = check, custom = check)]
    reference: String,
}

fn main() {}
