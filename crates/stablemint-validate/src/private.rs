//! What `#[derive(Validate)]` expands to calls of. Not a public API: it may change in any
//! release without notice.
//!
//! Each helper builds the field's path on the stack and renders it only when it pushes an
//! error, so a valid value costs no allocation.

use std::borrow::Cow;

use crate::rules::amount::widen_f32;
use crate::{Invalid, Path, Validate, ValidationError, ValidationErrors};

/// A field a string rule can read: `String`, `str`, `Box<str>`, `Cow<str>`, references
/// to those, and `Option`s of them (`None` is skipped).
pub trait StrField {
    /// The text to check, or `None` to skip the rule.
    fn as_str_field(&self) -> Option<&str>;
}

impl StrField for str {
    fn as_str_field(&self) -> Option<&str> {
        Some(self)
    }
}

impl StrField for String {
    fn as_str_field(&self) -> Option<&str> {
        Some(self)
    }
}

impl StrField for Cow<'_, str> {
    fn as_str_field(&self) -> Option<&str> {
        Some(self)
    }
}

impl<T: StrField + ?Sized> StrField for Box<T> {
    fn as_str_field(&self) -> Option<&str> {
        (**self).as_str_field()
    }
}

impl<T: StrField + ?Sized> StrField for &T {
    fn as_str_field(&self) -> Option<&str> {
        (**self).as_str_field()
    }
}

impl<T: StrField> StrField for Option<T> {
    fn as_str_field(&self) -> Option<&str> {
        self.as_ref().and_then(StrField::as_str_field)
    }
}

/// A field an amount rule can read: `f64`, `f32`, references to those, and `Option`s of
/// them (`None` is skipped).
pub trait F64Field {
    /// The amount to check, or `None` to skip the rule.
    fn as_f64_field(&self) -> Option<f64>;
}

impl F64Field for f64 {
    fn as_f64_field(&self) -> Option<f64> {
        Some(*self)
    }
}

/// Widened through its shortest decimal, so `0.1_f32` is checked as `0.1`.
impl F64Field for f32 {
    fn as_f64_field(&self) -> Option<f64> {
        Some(widen_f32(*self))
    }
}

impl<T: F64Field + ?Sized> F64Field for &T {
    fn as_f64_field(&self) -> Option<f64> {
        (**self).as_f64_field()
    }
}

impl<T: F64Field> F64Field for Option<T> {
    fn as_f64_field(&self) -> Option<f64> {
        self.as_ref().and_then(F64Field::as_f64_field)
    }
}

/// Applies the string `rule` to `field`, reporting at `at/wire`.
pub fn str_rule<F: StrField + ?Sized>(
    field: &F,
    at: &Path<'_>,
    wire: &'static str,
    errors: &mut ValidationErrors,
    rule: fn(&str) -> Result<(), Invalid>,
) {
    if let Some(value) = field.as_str_field()
        && let Err(invalid) = rule(value)
    {
        errors.push(ValidationError::at(&at.field(wire), invalid));
    }
}

/// Applies the amount `rule` to `field`, reporting at `at/wire`.
pub fn f64_rule<F: F64Field + ?Sized>(
    field: &F,
    at: &Path<'_>,
    wire: &'static str,
    errors: &mut ValidationErrors,
    rule: fn(f64) -> Result<(), Invalid>,
) {
    if let Some(value) = field.as_f64_field()
        && let Err(invalid) = rule(value)
    {
        errors.push(ValidationError::at(&at.field(wire), invalid));
    }
}

/// Checks `amount` against the minor unit of `currency`, reporting at `at/wire` (the
/// amount's field). Skipped when either is `None`.
pub fn precision<A: F64Field + ?Sized, C: StrField + ?Sized>(
    amount: &A,
    currency: &C,
    at: &Path<'_>,
    wire: &'static str,
    errors: &mut ValidationErrors,
) {
    if let (Some(amount), Some(currency)) = (amount.as_f64_field(), currency.as_str_field())
        && let Err(invalid) = crate::rules::precision(amount, currency)
    {
        errors.push(ValidationError::at(&at.field(wire), invalid));
    }
}

/// Validates the nested value `field` at `at/wire`.
pub fn nested<T: Validate + ?Sized>(
    field: &T,
    at: &Path<'_>,
    wire: &'static str,
    errors: &mut ValidationErrors,
) {
    field.validate_at(&at.field(wire), errors);
}

/// Runs a user's `check` on `field`, reporting at `at/wire`.
pub fn custom<T: ?Sized>(
    field: &T,
    at: &Path<'_>,
    wire: &'static str,
    errors: &mut ValidationErrors,
    check: impl FnOnce(&T) -> Result<(), Invalid>,
) {
    if let Err(invalid) = check(field) {
        errors.push(ValidationError::at(&at.field(wire), invalid));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;

    fn run(apply: impl FnOnce(&Path<'_>, &mut ValidationErrors)) -> Vec<String> {
        let root = Path::root();
        let kyc = root.field("userKyc");
        let mut errors = ValidationErrors::new();
        apply(&kyc, &mut errors);
        errors.iter().map(ToString::to_string).collect()
    }

    fn date_report<F: StrField + ?Sized>(field: &F) -> Vec<String> {
        run(|at, e| str_rule(field, at, "dateOfBirth", e, rules::date))
    }

    #[test]
    fn str_fields_of_every_accepted_shape() {
        let owned = String::from("1990-02-30");
        let boxed: Box<str> = "1990-02-30".into();
        let cow: Cow<'_, str> = Cow::Borrowed("1990-02-30");
        let reference: &str = "1990-02-30";
        let some = Some(String::from("1990-02-30"));
        let some_ref = Some("1990-02-30");
        let expected = [
            "/userKyc/dateOfBirth: not a calendar date in YYYY-MM-DD form: that month has no such day (date)",
        ];
        assert_eq!(date_report(&owned), expected);
        assert_eq!(date_report(&boxed), expected);
        assert_eq!(date_report(&cow), expected);
        assert_eq!(date_report(reference), expected);
        assert_eq!(date_report(&reference), expected);
        assert_eq!(date_report(&some), expected);
        assert_eq!(date_report(&some_ref), expected);
        assert!(date_report(&None::<String>).is_empty());
        let valid = String::from("1990-02-28");
        assert!(run(|at, e| str_rule(&valid, at, "dateOfBirth", e, rules::date)).is_empty());
    }

    #[test]
    fn f64_fields_of_every_accepted_shape() {
        let expected =
            ["/userKyc/amount: the amount must be a finite number greater than 0 (positive)"];
        assert_eq!(
            run(|at, e| f64_rule(&-1.0_f64, at, "amount", e, rules::positive)),
            expected
        );
        assert_eq!(
            run(|at, e| f64_rule(&-1.0_f32, at, "amount", e, rules::positive)),
            expected
        );
        assert_eq!(
            run(|at, e| f64_rule(&Some(f64::NAN), at, "amount", e, rules::positive)),
            expected
        );
        assert_eq!(
            run(|at, e| f64_rule(&&0.0_f64, at, "amount", e, rules::positive)),
            expected
        );
        assert!(run(|at, e| f64_rule(&None::<f64>, at, "amount", e, rules::positive)).is_empty());
        assert!(run(|at, e| f64_rule(&Some(1.5_f32), at, "amount", e, rules::positive)).is_empty());
    }

    /// What a rule reads from `field`, with `F` (the impl used) spelled out by the caller.
    fn number<F: F64Field + ?Sized>(field: &F) -> Option<f64> {
        field.as_f64_field()
    }

    fn text<F: StrField + ?Sized>(field: &F) -> Option<&str> {
        field.as_str_field()
    }

    #[test]
    fn number_fields_read_the_value_itself() {
        // Every shape hands the rules the stored number, not merely some number.
        for x in [10.25, -3.5, 0.0, 1e300] {
            assert_eq!(number::<f64>(&x), Some(x));
            assert_eq!(number::<&f64>(&&x), Some(x));
            assert_eq!(number::<&&f64>(&&&x), Some(x));
            assert_eq!(number::<Option<f64>>(&Some(x)), Some(x));
            assert_eq!(number::<Option<&f64>>(&Some(&x)), Some(x));
        }
        assert_eq!(number::<f32>(&10.12), Some(10.12));
        assert_eq!(number::<&f32>(&&-2.5), Some(-2.5));
        assert_eq!(number::<Option<f32>>(&Some(0.1)), Some(0.1));
        assert_eq!(number::<Option<f64>>(&None), None);
        assert_eq!(number::<Option<&f32>>(&None), None);
        assert!(number::<f64>(&f64::NAN).is_some_and(f64::is_nan));
    }

    #[test]
    fn text_fields_read_the_text_itself() {
        let owned = String::from("EUR");
        assert_eq!(text::<String>(&owned), Some("EUR"));
        assert_eq!(text::<str>("EUR"), Some("EUR"));
        assert_eq!(text::<&str>(&"EUR"), Some("EUR"));
        assert_eq!(text::<Box<str>>(&"EUR".into()), Some("EUR"));
        assert_eq!(text::<Cow<'_, str>>(&Cow::Borrowed("EUR")), Some("EUR"));
        assert_eq!(text::<Option<&String>>(&Some(&owned)), Some("EUR"));
        assert_eq!(text::<Option<String>>(&None), None);
    }

    #[test]
    fn precision_reads_the_sibling_currency() {
        let currency = String::from("EUR");
        let expected = ["/userKyc/amount: EUR allows at most 2 decimal places (precision)"];
        assert_eq!(
            run(|at, e| precision(&10.123_f64, &currency, at, "amount", e)),
            expected
        );
        assert!(run(|at, e| precision(&10.12_f64, &currency, at, "amount", e)).is_empty());
        // An f32 is checked as the decimal it prints as, not as its binary expansion.
        assert!(run(|at, e| precision(&10.12_f32, &currency, at, "amount", e)).is_empty());
        assert!(
            run(|at, e| precision(&Some(10.123_f64), &None::<String>, at, "amount", e)).is_empty()
        );
        assert!(run(|at, e| precision(&None::<f64>, &currency, at, "amount", e)).is_empty());
    }

    #[test]
    fn custom_and_nested_report_at_the_field() {
        let failing = |_: &String| Err(Invalid::new("custom", "bad id"));
        let id = String::from("x");
        assert_eq!(
            run(|at, e| custom(&id, at, "id", e, failing)),
            ["/userKyc/id: bad id (custom)"]
        );
        assert!(run(|at, e| custom(&id, at, "id", e, |_| Ok(()))).is_empty());

        struct AlwaysInvalid;
        impl Validate for AlwaysInvalid {
            fn validate_at(&self, at: &Path<'_>, errors: &mut ValidationErrors) {
                errors.push(ValidationError::at(at, Invalid::new("custom", "nope")));
            }
        }
        let list = vec![AlwaysInvalid];
        assert_eq!(
            run(|at, e| nested(&list, at, "items", e)),
            ["/userKyc/items/0: nope (custom)"]
        );
        assert_eq!(
            run(|at, e| nested(&Some(AlwaysInvalid), at, "one", e)),
            ["/userKyc/one: nope (custom)"]
        );
    }
}
