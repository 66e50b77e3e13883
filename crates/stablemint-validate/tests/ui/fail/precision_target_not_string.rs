use stablemint_validate::Validate;

#[derive(Validate)]
struct Request {
    #[validate(precision = fee)]
    amount: f64,
    fee: f64,
    #[validate(precision = currencies)]
    total: Option<f64>,
    currencies: Vec<String>,
}

// Both the rule's own field and its target are wrong: both are reported.
#[derive(Validate)]
struct BothWrong {
    #[validate(precision = currencyy)]
    count: u32,
    currency: String,
}

fn main() {}
