use stablemint_validate::Validate;

#[derive(Validate)]
struct Typo {
    #[validate(precision = curency)]
    amount: f64,
    currency: String,
}

#[derive(Validate)]
struct Unrelated {
    #[validate(precision = money)]
    amount: f64,
    currency: String,
    settlement_currency: Option<String>,
}

#[derive(Validate)]
struct NoStrings {
    #[validate(precision = currency)]
    amount: f64,
}

fn main() {}
