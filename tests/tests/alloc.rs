//! The valid path allocates nothing: every rule, paths, `ValidationErrors` and a whole
//! `Validate::validate` call, counted with a global allocator.
//!
//! The count is per thread, so tests running in parallel do not disturb each other.

use std::alloc::{GlobalAlloc, Layout, System};
use std::borrow::Cow;
use std::cell::Cell;
use std::hint::black_box;

use stablemint_validate::__private as private;
use stablemint_validate::{
    Path, Validate, ValidationErrors, currency_minor_units, fits_precision, fraction_digits,
    is_alpha2, is_currency, is_date, is_email, is_positive, rules,
};

thread_local! {
    // `const` and no destructor: touching it never allocates.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

struct Counting;

fn count_one() {
    let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
}

// SAFETY: every method forwards to `System` unchanged and only bumps a counter.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// How many allocations `f` makes on this thread.
fn allocations(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

#[test]
fn the_counter_counts() {
    assert_eq!(allocations(|| drop(black_box(String::from("x")))), 1);
    assert_eq!(
        allocations(|| drop(black_box(Vec::<u8>::with_capacity(8)))),
        1
    );
    assert_eq!(
        allocations(|| drop(black_box(Path::root().to_pointer()))),
        0
    );
    let root = Path::root();
    let field = root.field("a");
    assert_eq!(allocations(|| drop(black_box(field.to_pointer()))), 1);
}

#[test]
fn rules_allocate_nothing_on_valid_input() {
    let n = allocations(|| {
        assert!(black_box(is_alpha2(black_box("DE"))));
        assert!(black_box(is_date(black_box("2000-02-29"))));
        assert!(black_box(is_email(black_box("jane.doe+tag@example.co.uk"))));
        assert!(black_box(is_currency(black_box("EUR"))));
        assert!(black_box(currency_minor_units(black_box("BHD"))).is_some());
        assert!(black_box(is_positive(black_box(10.25))));
        assert_eq!(black_box(fraction_digits(black_box(0.1 + 0.2))), Some(17));
        assert_eq!(black_box(fraction_digits(black_box(5e-324))), Some(324));
        assert!(black_box(fits_precision(
            black_box(10.25),
            black_box("EUR")
        )));
        assert!(rules::alpha2(black_box("XK")).is_ok());
        assert!(rules::date(black_box("1990-04-27")).is_ok());
        assert!(rules::email(black_box("a@b.example")).is_ok());
        assert!(rules::currency(black_box("JPY")).is_ok());
        assert!(rules::positive(black_box(0.01)).is_ok());
        assert!(rules::precision(black_box(1.234), black_box("BHD")).is_ok());
    });
    assert_eq!(n, 0);
}

#[test]
fn yes_no_rules_allocate_nothing_on_invalid_input_either() {
    let n = allocations(|| {
        assert!(!black_box(is_alpha2(black_box("UK"))));
        assert!(!black_box(is_date(black_box("1900-02-29"))));
        assert!(!black_box(is_email(black_box("a@[192.0.2.1]"))));
        assert!(!black_box(is_currency(black_box("HRK"))));
        assert!(!black_box(is_positive(black_box(f64::NAN))));
        assert!(!black_box(fits_precision(
            black_box(10.123),
            black_box("EUR")
        )));
        // Static messages: the string rules' errors do not allocate.
        assert!(rules::alpha2(black_box("UK")).is_err());
        assert!(rules::currency(black_box("BGN")).is_err());
        assert!(rules::date(black_box("1990-02-30")).is_err());
        assert!(rules::email(black_box("nobody")).is_err());
    });
    assert_eq!(n, 0);
}

#[test]
fn paths_and_an_empty_error_list_allocate_nothing() {
    let n = allocations(|| {
        let root = Path::root();
        let kyc = root.field("userKyc");
        let items = kyc.field("items");
        let third = items.index(2);
        black_box(&third);
        let errors = ValidationErrors::new();
        assert!(errors.is_empty());
        assert!(black_box(errors).into_result().is_ok());
    });
    assert_eq!(n, 0);
}

/// What `#[derive(Validate)]` writes, by hand, so this test does not depend on the derive.
struct Kyc {
    date_of_birth: Option<String>,
    citizenship: Cow<'static, str>,
}

impl Validate for Kyc {
    fn validate_at(&self, at: &Path<'_>, errors: &mut ValidationErrors) {
        private::str_rule(&self.date_of_birth, at, "dateOfBirth", errors, rules::date);
        private::str_rule(
            &self.citizenship,
            at,
            "citizenshipCountryCode",
            errors,
            rules::alpha2,
        );
    }
}

struct Request {
    user_email: String,
    currency: String,
    amount: Option<f64>,
    fee: f32,
    user_kyc: Option<Kyc>,
    beneficiaries: Vec<Kyc>,
    reference: Box<str>,
}

impl Validate for Request {
    fn validate_at(&self, at: &Path<'_>, errors: &mut ValidationErrors) {
        private::str_rule(&self.user_email, at, "userEmail", errors, rules::email);
        private::str_rule(&self.currency, at, "currency", errors, rules::currency);
        private::f64_rule(&self.amount, at, "amount", errors, rules::positive);
        private::precision(&self.amount, &self.currency, at, "amount", errors);
        private::f64_rule(&self.fee, at, "fee", errors, rules::positive);
        private::precision(&self.fee, &self.currency, at, "fee", errors);
        private::nested(&self.user_kyc, at, "userKyc", errors);
        private::nested(&self.beneficiaries, at, "beneficiaries", errors);
        private::custom(&self.reference, at, "reference", errors, |r| {
            if r.is_empty() {
                Err(stablemint_validate::Invalid::new(
                    "custom",
                    "a reference is required",
                ))
            } else {
                Ok(())
            }
        });
    }
}

fn kyc(date: &str) -> Kyc {
    Kyc {
        date_of_birth: Some(date.to_owned()),
        citizenship: Cow::Borrowed("DE"),
    }
}

fn request() -> Request {
    Request {
        user_email: "jane@example.com".to_owned(),
        currency: "EUR".to_owned(),
        amount: Some(10.25),
        fee: 0.1,
        user_kyc: Some(kyc("1990-04-27")),
        beneficiaries: vec![kyc("1985-01-31"), kyc("2000-02-29")],
        reference: "INV-1".into(),
    }
}

#[test]
fn validating_a_valid_request_allocates_nothing() {
    let valid = request();
    let n = allocations(|| assert!(black_box(&valid).validate().is_ok()));
    assert_eq!(n, 0);
}

#[test]
fn the_hand_written_request_does_report_errors() {
    // Guards the test above: the same machinery finds every problem when there are some.
    let mut invalid = request();
    invalid.amount = Some(10.123);
    invalid.fee = -1.0;
    invalid.beneficiaries[1].date_of_birth = Some("2001-02-29".to_owned());
    invalid.reference = "".into();
    let errors = invalid.validate().err().unwrap_or_default();
    let pointers: Vec<&str> = errors.iter().map(|e| e.pointer()).collect();
    assert_eq!(
        pointers,
        [
            "/amount",
            "/fee",
            "/beneficiaries/1/dateOfBirth",
            "/reference"
        ]
    );
}

/// The same through `#[derive(Validate)]`: the generated code must not allocate either.
#[derive(Validate)]
struct DerivedRequest {
    #[validate(email)]
    user_email: String,
    #[validate(currency)]
    currency: String,
    #[validate(positive, precision = currency)]
    amount: f64,
    #[validate(nested)]
    user_kyc: Option<DerivedKyc>,
    #[validate(nested)]
    beneficiaries: Vec<DerivedKyc>,
}

#[derive(Validate)]
struct DerivedKyc {
    #[validate(date)]
    date_of_birth: Option<String>,
    #[validate(alpha2)]
    citizenship: Box<str>,
}

#[test]
fn a_derived_impl_allocates_nothing_on_valid_input() {
    let kyc = || DerivedKyc {
        date_of_birth: Some("1990-04-27".to_owned()),
        citizenship: "XK".into(),
    };
    let mut request = DerivedRequest {
        user_email: "jane@example.com".to_owned(),
        currency: "BHD".to_owned(),
        amount: 1.234,
        user_kyc: Some(kyc()),
        beneficiaries: vec![kyc(), kyc()],
    };
    let n = allocations(|| assert!(black_box(&request).validate().is_ok()));
    assert_eq!(n, 0);

    // And it does check: one bad leaf deep inside is found.
    request.beneficiaries[1].citizenship = "UK".into();
    let errors = request.validate().err().unwrap_or_default();
    let pointers: Vec<&str> = errors.iter().map(|e| e.pointer()).collect();
    assert_eq!(pointers, ["/beneficiaries/1/citizenship"]);
}

/// The generated request type of stablemint-raw, every field set and valid: what the
/// client validates before each call.
#[test]
fn validating_the_generated_request_allocates_nothing() {
    let request: stablemint_raw::types::EmbeddedSessionRequest =
        serde_json::from_str(stablemint_tests::FULL_REQUEST_JSON).unwrap();
    let n = allocations(|| assert!(black_box(&request).validate().is_ok()));
    assert_eq!(n, 0);
    // And the counter does see the invalid path allocate (for the error list).
    let mut invalid = request.clone();
    invalid.user_country_code = "de".into();
    assert!(allocations(|| assert!(black_box(&invalid).validate().is_err())) > 0);
}
