//! Written against the API as it is today: builds a request with the builders and reads
//! every response field.

use stablemint::types::{EmbeddedSessionRequest, EmbeddedSessionResponse, UserKyc};

fn request() -> Result<EmbeddedSessionRequest, Box<dyn std::error::Error>> {
    let kyc: UserKyc = UserKyc::builder()
        .full_name(Some("Jane Doe".to_owned()))
        .date_of_birth(Some("1990-02-28".to_owned()))
        .try_into()?;
    let request: EmbeddedSessionRequest = EmbeddedSessionRequest::builder()
        .user_id("user-1")
        .user_email("jane@example.com")
        .user_country_code("DE")
        .currency("EUR")
        .amount(Some(12.5))
        .user_kyc(Some(kyc))
        .try_into()?;
    Ok(request)
}

fn read(response: &EmbeddedSessionResponse) -> String {
    let mut out = format!(
        "{} {} {}",
        response.session_id, response.expires_at, response.reference
    );
    for method in &response.allowed_payment_methods {
        out.push_str(&format!(" {:?}", method.payment_method));
        for country in &method.country_codes {
            out.push_str(&format!(" {:?} {:?}", country.code, country.name));
        }
    }
    for bank in &response.saved_banks {
        out.push_str(&format!(
            " {:?} {:?} {:?} {:?} {:?} {:?}",
            bank.country, bank.logo, bank.bank_name, bank.bank_id, bank.last_used, bank.validated
        ));
    }
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let request = request()?;
    // A response as users get one: deserialised.
    let response: EmbeddedSessionResponse = serde_json::from_str(
        r#"{"sessionId": "5f0c6a52-8f3e-4c1b-9d2a-7b6e1f4a3c21", "expiresAt": 1,
            "allowedPaymentMethods": [], "reference": "SM-1"}"#,
    )?;
    println!("{} {}", request.user_id, read(&response));
    Ok(())
}
