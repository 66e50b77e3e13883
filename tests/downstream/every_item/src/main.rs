//! Uses every public item of the generated API of the classifier fuzz's base spec
//! (`stablemint_tests::classifier_fuzz::base_spec`: today's spec, the operations of
//! `tests/fixtures/every-shape.yaml` and a few enums and constraints), the way a
//! caller may: every type built with its builder setting every field, rebuilt from a
//! value, defaulted where it derives `Default`, (de)serialised, validated where it
//! derives `Validate`; every field read as its exact type (by value: a reference would
//! let a newtype pass for the `String` it derefs to); every enum variant named;
//! every method of `Client` and every `_with` method called with every setter of its
//! options; the declared error bodies read through `ApiError::decoded`.
//!
//! It is only type-checked, never run: an edit of the spec that the classifier calls
//! non-breaking must leave it compiling. `classifier_fuzz --print-api` lists the API
//! it must cover.

use std::collections::BTreeSet;
use std::time::Duration;

use stablemint::types::builder;
use stablemint::types::error::ConversionError;
use stablemint::types::{
    AllowedPaymentMethod, CreateProbeRefund400Error, EmbeddedSessionRequest,
    EmbeddedSessionResponse, IntoOptional, PaymentMethodCountry, ProbeFieldProblem, ProbeNote,
    ProbeProblem, ProbeRefund, ProbeRefundRequest, ProbeRefundRequestNote,
    ProbeRefundRequestReason, ProbeServiceStatus, ProbeStatus, ProbeStatusPhase, ProbeStatusState,
    SavedBank, UserKyc,
};
use stablemint::{Client, Credentials, Error, Response, RetryPolicy, Validate, options};

type Failure = Box<dyn std::error::Error>;

fn optional<T>(value: impl IntoOptional<T>) -> Option<T> {
    value.into_optional()
}

fn uuid() -> uuid::Uuid {
    uuid::Uuid::nil()
}

// The request types: built, read back, validated.

fn user_kyc() -> Result<UserKyc, ConversionError> {
    UserKyc::builder()
        .full_name("Jane Doe")
        .citizenship_country_code("DE")
        .residence_address("Hauptstrasse 1, Berlin")
        .date_of_birth("1990-02-28")
        .place_of_birth(Some("Hamburg".to_owned()))
        .gender(None)
        .mobile_phone("+4915112345678")
        .personal_identification_number("T22000129")
        .try_into()
}

fn read_user_kyc(kyc: &UserKyc) -> usize {
    let full_name: Option<String> = kyc.full_name.clone();
    let citizenship: Option<String> = kyc.citizenship_country_code.clone();
    let address: Option<String> = kyc.residence_address.clone();
    let born: Option<String> = kyc.date_of_birth.clone();
    let place: Option<String> = kyc.place_of_birth.clone();
    let gender: Option<String> = kyc.gender.clone();
    let phone: Option<String> = kyc.mobile_phone.clone();
    let id: Option<String> = kyc.personal_identification_number.clone();
    [
        full_name,
        citizenship,
        address,
        born,
        place,
        gender,
        phone,
        id,
    ]
    .iter()
    .filter(|f| f.is_some())
    .count()
}

fn embedded_session_request() -> Result<EmbeddedSessionRequest, ConversionError> {
    let mut custom = serde_json::Map::new();
    custom.insert("order".to_owned(), serde_json::Value::from(77));
    EmbeddedSessionRequest::builder()
        .user_id("user-1")
        .user_email("jane@example.com")
        .user_country_code("DE")
        .currency("EUR")
        .amount(12.5_f64)
        .idempotency_key("order-77")
        .website_reference("order-77")
        .user_kyc(user_kyc()?)
        .custom_fields(custom)
        .try_into()
}

fn read_embedded_session_request(request: &EmbeddedSessionRequest) -> String {
    let user_id: String = request.user_id.clone();
    let email: String = request.user_email.clone();
    let country: String = request.user_country_code.clone();
    let currency: String = request.currency.clone();
    let amount: Option<f64> = request.amount.clone();
    let key: Option<String> = request.idempotency_key.clone();
    let reference: Option<String> = request.website_reference.clone();
    let kyc: Option<UserKyc> = request.user_kyc.clone();
    let custom: serde_json::Map<String, serde_json::Value> = request.custom_fields.clone();
    format!(
        "{user_id} {email} {country} {currency} {amount:?} {key:?} {reference:?} {} {}",
        kyc.as_ref().map_or(0, read_user_kyc),
        custom.len()
    )
}

fn refund_request() -> Result<ProbeRefundRequest, Failure> {
    let note: ProbeRefundRequestNote = "Customer called".try_into()?;
    let from_string = ProbeRefundRequestNote::try_from(String::from("Customer called"))?;
    let parsed: ProbeRefundRequestNote = "Customer called".parse()?;
    let text: &String = &note;
    let owned: String = String::from(from_string.clone());
    let same = note == parsed && from_string <= parsed && text == &owned;
    let mut notes = BTreeSet::new();
    notes.insert(note.clone());
    let request = ProbeRefundRequest::builder()
        .user_id("user-1")
        .probe_id("p-1")
        .amount(12.5_f64)
        .currency("EUR")
        .reason(ProbeRefundRequestReason::Duplicate)
        .note(if same { Some(note) } else { None })
        .try_into()?;
    Ok(request)
}

fn read_refund_request(request: &ProbeRefundRequest) -> String {
    let user_id: String = request.user_id.clone();
    let probe_id: String = request.probe_id.clone();
    let amount: f64 = request.amount.clone();
    let currency: String = request.currency.clone();
    let reason: Option<ProbeRefundRequestReason> = request.reason.clone();
    let note: Option<ProbeRefundRequestNote> = request.note.clone();
    let reason = match reason {
        Some(ProbeRefundRequestReason::Duplicate) => "duplicate".to_owned(),
        Some(ProbeRefundRequestReason::Fraudulent) => "fraudulent".to_owned(),
        Some(ProbeRefundRequestReason::Requested) => "requested".to_owned(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    format!(
        "{user_id} {probe_id} {amount} {currency} {reason} {:?}",
        note.as_deref()
    )
}

fn reasons() -> Result<Vec<ProbeRefundRequestReason>, ConversionError> {
    let parsed: ProbeRefundRequestReason = "fraudulent".parse()?;
    let from_str = ProbeRefundRequestReason::try_from("requested")?;
    let from_string = ProbeRefundRequestReason::try_from(String::from("duplicate"))?;
    let copied = parsed;
    let mut set = std::collections::HashSet::new();
    set.insert(copied);
    let ordered = from_str.max(from_string);
    Ok(vec![parsed, from_str, from_string, ordered])
}

fn session_note() -> Result<ProbeNote, ConversionError> {
    ProbeNote::builder()
        .user_id("user-1")
        .note("Deliver to the back door.")
        .idempotency_key("note-1")
        .try_into()
}

fn read_session_note(note: &ProbeNote) -> String {
    let user_id: String = note.user_id.clone();
    let text: String = note.note.clone();
    let key: Option<String> = note.idempotency_key.clone();
    format!("{user_id} {text} {key:?}")
}

// The response types: built (as tests build them), read.

fn payment_method_country() -> Result<PaymentMethodCountry, ConversionError> {
    PaymentMethodCountry::builder()
        .code("DE")
        .name("Germany")
        .try_into()
}

fn read_payment_method_country(country: &PaymentMethodCountry) -> String {
    let code: Option<String> = country.code.clone();
    let name: Option<String> = country.name.clone();
    format!("{code:?} {name:?}")
}

fn allowed_payment_method() -> Result<AllowedPaymentMethod, ConversionError> {
    AllowedPaymentMethod::builder()
        .payment_method(3_i32)
        .country_codes(vec![payment_method_country()?])
        .try_into()
}

fn read_allowed_payment_method(method: &AllowedPaymentMethod) -> String {
    let id: Option<i32> = method.payment_method.clone();
    let countries: Vec<PaymentMethodCountry> = method.country_codes.clone();
    let countries: Vec<String> = countries.iter().map(read_payment_method_country).collect();
    format!("{id:?} {countries:?}")
}

fn saved_bank() -> Result<SavedBank, ConversionError> {
    SavedBank::builder()
        .country("DE")
        .logo("https://example.com/logo.png")
        .bank_name("Example Bank")
        .bank_id(42_i64)
        .last_used("2026-01-01T00:00:00Z")
        .validated(true)
        .try_into()
}

fn read_saved_bank(bank: &SavedBank) -> String {
    let country: Option<String> = bank.country.clone();
    let logo: Option<String> = bank.logo.clone();
    let name: Option<String> = bank.bank_name.clone();
    let id: Option<i64> = bank.bank_id.clone();
    let used: Option<String> = bank.last_used.clone();
    let validated: Option<bool> = bank.validated.clone();
    format!("{country:?} {logo:?} {name:?} {id:?} {used:?} {validated:?}")
}

fn embedded_session_response() -> Result<EmbeddedSessionResponse, ConversionError> {
    EmbeddedSessionResponse::builder()
        .session_id(uuid())
        .expires_at(1_764_150_000_i64)
        .allowed_payment_methods(vec![allowed_payment_method()?])
        .saved_banks(vec![saved_bank()?])
        .reference("SM-1")
        .try_into()
}

fn read_embedded_session_response(response: &EmbeddedSessionResponse) -> String {
    let id: uuid::Uuid = response.session_id.clone();
    let expires: i64 = response.expires_at.clone();
    let methods: Vec<AllowedPaymentMethod> = response.allowed_payment_methods.clone();
    let banks: Vec<SavedBank> = response.saved_banks.clone();
    let reference: String = response.reference.clone();
    let methods: Vec<String> = methods.iter().map(read_allowed_payment_method).collect();
    let banks: Vec<String> = banks.iter().map(read_saved_bank).collect();
    format!("{id} {expires} {methods:?} {banks:?} {reference}")
}

fn session_status() -> Result<ProbeStatus, ConversionError> {
    ProbeStatus::builder()
        .probe_id("p-1")
        .status("open")
        .expires_at(1_764_150_000_i64)
        .reference("SM-1")
        .phase(ProbeStatusPhase::Open)
        .state(ProbeStatusState::Completed)
        .attempts(1_i32)
        .try_into()
}

fn read_session_status(status: &ProbeStatus) -> String {
    let id: String = status.probe_id.clone();
    let state: String = status.status.clone();
    let expires: i64 = status.expires_at.clone();
    let reference: Option<String> = status.reference.clone();
    let phase: Option<ProbeStatusPhase> = status.phase.clone();
    let attempts: Option<i32> = status.attempts.clone();
    let phase = match phase {
        Some(ProbeStatusPhase::Open) => "open".to_owned(),
        Some(ProbeStatusPhase::Paid) => "paid".to_owned(),
        Some(ProbeStatusPhase::Expired) => "expired".to_owned(),
        Some(ProbeStatusPhase::Unknown(value)) => value,
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let where_: ProbeStatusState = status.state.clone();
    let where_ = match where_ {
        ProbeStatusState::Open => "open".to_owned(),
        ProbeStatusState::Completed => "completed".to_owned(),
        ProbeStatusState::Expired => "expired".to_owned(),
        ProbeStatusState::Unknown(value) => value,
        other => other.to_string(),
    };
    format!("{id} {state} {expires} {reference:?} {phase} {where_} {attempts:?}")
}

fn phases() -> Result<Vec<ProbeStatusPhase>, ConversionError> {
    let parsed: ProbeStatusPhase = "paid".parse()?;
    let from_str = ProbeStatusPhase::try_from("open")?;
    let from_string = ProbeStatusPhase::try_from(String::from("expired"))?;
    let mut set = std::collections::HashSet::new();
    set.insert(parsed.clone());
    Ok(vec![parsed, from_str.min(from_string)])
}

fn refund() -> Result<ProbeRefund, ConversionError> {
    ProbeRefund::builder()
        .refund_id(uuid())
        .amount(12.5_f64)
        .currency("EUR")
        .try_into()
}

fn read_refund(refund: &ProbeRefund) -> String {
    let id: uuid::Uuid = refund.refund_id.clone();
    let amount: f64 = refund.amount.clone();
    let currency: String = refund.currency.clone();
    format!("{id} {amount} {currency}")
}

fn service_status() -> Result<ProbeServiceStatus, ConversionError> {
    ProbeServiceStatus::builder()
        .status("up")
        .time(1_764_150_000_i64)
        .try_into()
}

fn read_service_status(status: &ProbeServiceStatus) -> String {
    let state: String = status.status.clone();
    let time: i64 = status.time.clone();
    format!("{state} {time}")
}

// The declared error bodies.

fn field_problem() -> Result<ProbeFieldProblem, ConversionError> {
    ProbeFieldProblem::builder()
        .pointer("/amount")
        .code("positive")
        .message("must be positive")
        .try_into()
}

fn read_field_problem(problem: &ProbeFieldProblem) -> String {
    let pointer: String = problem.pointer.clone();
    let code: String = problem.code.clone();
    let message: String = problem.message.clone();
    format!("{pointer} {code} {message}")
}

fn problem() -> Result<ProbeProblem, ConversionError> {
    ProbeProblem::builder()
        .code("not_found")
        .message("no such session")
        .try_into()
}

fn read_problem(problem: &ProbeProblem) -> String {
    let code: String = problem.code.clone();
    let message: String = problem.message.clone();
    format!("{code} {message}")
}

fn create_probe_refund_400() -> Result<CreateProbeRefund400Error, ConversionError> {
    CreateProbeRefund400Error::builder()
        .code("invalid")
        .message("the refund is not possible")
        .errors(vec![field_problem()?])
        .try_into()
}

fn read_create_refund_400(error: &CreateProbeRefund400Error) -> String {
    let code: String = error.code.clone();
    let message: String = error.message.clone();
    let errors: Vec<ProbeFieldProblem> = error.errors.clone();
    let errors: Vec<String> = errors.iter().map(read_field_problem).collect();
    format!("{code} {message} {errors:?}")
}

/// Every builder started from `Default` and from a value, every `Default` type, and
/// every type through JSON and `Clone`/`Debug`.
fn builders_and_derives() -> Result<Vec<String>, Failure> {
    let kyc: UserKyc = builder::UserKyc::from(user_kyc()?).gender("x").try_into()?;
    let request: EmbeddedSessionRequest =
        builder::EmbeddedSessionRequest::from(embedded_session_request()?)
            .user_kyc(kyc.clone())
            .try_into()?;
    let refund_request: ProbeRefundRequest = builder::ProbeRefundRequest::from(refund_request()?)
        .reason(None)
        .try_into()?;
    let note: ProbeNote = builder::ProbeNote::from(session_note()?).try_into()?;
    let country: PaymentMethodCountry = builder::PaymentMethodCountry::default().try_into()?;
    let method: AllowedPaymentMethod =
        builder::AllowedPaymentMethod::from(allowed_payment_method()?).try_into()?;
    let bank: SavedBank = builder::SavedBank::from(saved_bank()?).try_into()?;
    let response: EmbeddedSessionResponse =
        builder::EmbeddedSessionResponse::from(embedded_session_response()?).try_into()?;
    let status: ProbeStatus = builder::ProbeStatus::from(session_status()?).try_into()?;
    let refund: ProbeRefund = builder::ProbeRefund::from(refund()?).try_into()?;
    let service: ProbeServiceStatus =
        builder::ProbeServiceStatus::from(service_status()?).try_into()?;
    let field: ProbeFieldProblem = builder::ProbeFieldProblem::from(field_problem()?).try_into()?;
    let problem: ProbeProblem = builder::ProbeProblem::from(problem()?).try_into()?;
    let error: CreateProbeRefund400Error =
        builder::CreateProbeRefund400Error::from(create_probe_refund_400()?).try_into()?;
    let defaults = (
        UserKyc::default(),
        PaymentMethodCountry::default(),
        AllowedPaymentMethod::default(),
        SavedBank::default(),
        builder::UserKyc::default(),
        builder::EmbeddedSessionRequest::default(),
        builder::ProbeRefundRequest::default(),
        builder::ProbeNote::default(),
    );
    let builders = (
        builder::AllowedPaymentMethod::default(),
        builder::SavedBank::default(),
        builder::EmbeddedSessionResponse::default(),
        builder::ProbeStatus::default(),
        builder::ProbeRefund::default(),
        builder::ProbeServiceStatus::default(),
        builder::ProbeFieldProblem::default(),
        builder::ProbeProblem::default(),
        builder::CreateProbeRefund400Error::default(),
    );
    let validated = [
        kyc.validate().is_ok(),
        request.validate().is_ok(),
        refund_request.validate().is_ok(),
        note.validate().is_ok(),
        refund.validate().is_ok(),
    ];
    Ok(vec![
        serde_json::to_string(&kyc)?,
        serde_json::to_string(&request)?,
        serde_json::to_string(&refund_request)?,
        serde_json::to_string(&note)?,
        serde_json::to_string(&country)?,
        serde_json::to_string(&method)?,
        serde_json::to_string(&bank)?,
        serde_json::to_string(&response)?,
        serde_json::to_string(&status)?,
        serde_json::to_string(&refund)?,
        serde_json::to_string(&service)?,
        serde_json::to_string(&field)?,
        serde_json::to_string(&problem)?,
        serde_json::to_string(&error)?,
        serde_json::to_string(&reasons()?)?,
        serde_json::to_string(&phases()?)?,
        format!("{:?}", serde_json::from_str::<UserKyc>("{}")?),
        format!(
            "{:?}",
            serde_json::from_str::<ProbeRefundRequestNote>("\"n\"")?
        ),
        format!(
            "{:?}",
            serde_json::from_str::<ProbeStatusPhase>("\"open\"")?
        ),
        format!(
            "{:?}",
            serde_json::from_str::<ProbeRefundRequestReason>("\"requested\"")?
        ),
        format!(
            "{defaults:?} {builders:?} {validated:?} {:?}",
            status.clone()
        ),
        read_embedded_session_request(&request),
        read_refund_request(&refund_request),
        read_session_note(&note),
        read_embedded_session_response(&response),
        read_session_status(&status),
        read_refund(&refund),
        read_service_status(&service),
        read_problem(&problem),
        read_create_refund_400(&error),
        ConversionError::from("a").to_string(),
        ConversionError::from(String::from("b")).to_string(),
    ])
}

/// What every call's error offers.
fn read_error(error: &Error) -> String {
    let mut out = format!("{error} {:?} {}", error.status(), error.attempts());
    if let Error::Api(api) = error {
        if let Some(body) = api.decoded::<CreateProbeRefund400Error>() {
            out.push_str(&read_create_refund_400(body));
        }
        if let Some(body) = api.decoded::<ProbeProblem>() {
            out.push_str(&read_problem(body));
        }
    }
    if let Error::Validation(errors) = error {
        out.push_str(&errors.to_string());
    }
    out
}

fn read_response<T>(response: &Response<T>) -> String {
    format!(
        "{:?} {:?} {}",
        response.idempotency_key(),
        response.request_id(),
        response.attempts()
    )
}

/// Every method of `Client`, and every `_with` method with every setter of its options.
async fn calls(client: &Client) -> Result<Vec<String>, Failure> {
    let retry = RetryPolicy::default();
    let timeout = Duration::from_secs(5);
    let total = Duration::from_secs(30);
    let mut out = Vec::new();

    let request = embedded_session_request()?;
    let session: Response<EmbeddedSessionResponse> =
        client.create_embedded_session(&request).await?;
    out.push(read_embedded_session_response(&session));
    out.push(read_response(&session));
    let options = options::CreateEmbeddedSessionOptions::new()
        .timeout(timeout)
        .total_timeout(total)
        .retry(retry.clone());
    let session: EmbeddedSessionResponse = client
        .create_embedded_session_with(&request, &options)
        .await?
        .into_inner();
    out.push(read_embedded_session_response(&session));

    let refund_request = refund_request()?;
    match client.create_probe_refund(&refund_request).await {
        Ok(refund) => out.push(read_refund(&refund)),
        Err(error) => out.push(read_error(&error)),
    }
    let options = options::CreateProbeRefundOptions::new()
        .timeout(timeout)
        .total_timeout(total)
        .retry(retry.clone());
    let refund: Response<ProbeRefund> = client
        .create_probe_refund_with(&refund_request, &options)
        .await?;
    out.push(read_refund(&refund));

    let deleted: Response<()> = client.delete_probe("p-1").await?;
    out.push(read_response(&deleted));
    let options = options::DeleteProbeOptions::new()
        .timeout(timeout)
        .total_timeout(total)
        .retry(retry.clone());
    let deleted: Response<()> = client.delete_probe_with("p-1", &options).await?;
    out.push(read_response(&deleted));

    let service: Response<ProbeServiceStatus> = client.get_probe_service_status().await?;
    out.push(read_service_status(&service));
    let options = options::GetProbeServiceStatusOptions::new()
        .timeout(timeout)
        .total_timeout(total)
        .retry(retry.clone());
    let service: Response<ProbeServiceStatus> =
        client.get_probe_service_status_with(&options).await?;
    out.push(read_service_status(&service));

    let status: Response<ProbeStatus> = client.get_probe("p-1").await?;
    out.push(read_session_status(&status));
    let options = options::GetProbeOptions::new()
        .x_trace_id("trace-1")
        .timeout(timeout)
        .total_timeout(total)
        .retry(retry.clone());
    let status: Response<ProbeStatus> = client.get_probe_with("p-1", &options).await?;
    out.push(read_session_status(&status));

    let sessions: Response<Vec<ProbeStatus>> = client.list_probes("user-1").await?;
    out.extend(sessions.iter().map(read_session_status));
    let options = options::ListProbesOptions::new()
        .limit(5_i32)
        .active(true)
        .status(["open", "paid"])
        .currency("EUR")
        .since("2026-01-31")
        .timeout(timeout)
        .total_timeout(total)
        .retry(retry.clone());
    let sessions: Response<Vec<ProbeStatus>> = client.list_probes_with("user-1", &options).await?;
    out.extend(sessions.iter().map(read_session_status));

    let note = session_note()?;
    let stored: Response<ProbeNote> = client.put_probe_note("p-1", &note).await?;
    out.push(read_session_note(&stored));
    let options = options::PutProbeNoteOptions::new()
        .timeout(timeout)
        .total_timeout(total)
        .retry(retry.clone());
    let stored: Response<ProbeNote> = client.put_probe_note_with("p-1", &note, &options).await?;
    out.push(read_session_note(&stored));

    let amended: Response<ProbeNote> = client.amend_probe_note("p-1", &note).await?;
    out.push(read_session_note(&amended));
    let options = options::AmendProbeNoteOptions::new()
        .timeout(timeout)
        .total_timeout(total)
        .retry(retry);
    let amended: Response<ProbeNote> = client.amend_probe_note_with("p-1", &note, &options).await?;
    out.push(read_session_note(&amended));

    out.push(format!("{:?}", optional::<String>("text")));
    Ok(out)
}

fn main() -> Result<(), Failure> {
    let client = Client::builder(Credentials::new("key-0001", "secret"))
        .base_url("http://127.0.0.1:9")
        .build()?;
    let lines = builders_and_derives()?;
    // Type-checked only: the calls' future is made and dropped, never run.
    let future = calls(&client);
    drop(future);
    println!("{}", lines.len());
    Ok(())
}
