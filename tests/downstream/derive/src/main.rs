//! Derives `Validate` on its own type with only `stablemint` (and serde) as a
//! dependency: `stablemint::Validate` is the trait and the derive, and
//! `#[validate(crate = "stablemint::validate")]` tells the derive where its runtime is.

use stablemint::Validate;

#[derive(serde::Serialize, Validate)]
#[serde(rename_all = "camelCase")]
#[validate(crate = "stablemint::validate")]
struct Signup {
    #[validate(email)]
    contact_email: String,
    #[validate(alpha2)]
    country: String,
    #[validate(positive, precision = currency)]
    deposit: f64,
    #[validate(currency)]
    currency: String,
}

fn main() {
    let errors = Signup {
        contact_email: "not-an-address".into(),
        country: "DE".into(),
        deposit: 10.005,
        currency: "EUR".into(),
    }
    .validate()
    .unwrap_err();
    let found: Vec<String> = errors
        .iter()
        .map(|e| format!("{} {}", e.pointer(), e.code()))
        .collect();
    println!("{}", found.join(", "));
}
