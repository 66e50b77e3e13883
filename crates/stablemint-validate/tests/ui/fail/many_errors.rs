//! One derive with several mistakes: every one is reported, each on its own token, and
//! the type still implements `Validate` so that its uses add no errors of their own.

use stablemint_validate::Validate;

#[derive(serde::Serialize, serde::Deserialize, Validate)]
#[serde(rename_all = "camelCase")]
struct PaymentRequest {
    #[validate(emial)]
    payer_email: String,
    #[validate(positive, precision = curency)]
    amount: f64,
    #[validate(currency, currency)]
    currency: String,
    #[validate(alpha2)]
    country: u16,
    #[validate(custom)]
    reference: String,
}

fn main() {
    let request = PaymentRequest {
        payer_email: String::new(),
        amount: 1.0,
        currency: String::new(),
        country: 0,
        reference: String::new(),
    };
    let _ = request.validate();
}
