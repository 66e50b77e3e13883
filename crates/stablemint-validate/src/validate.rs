//! The [`Validate`] trait and its impls for containers, so `#[validate(nested)]` works on
//! `T`, `Option<T>`, `Box<T>` and `Vec<T>` alike.

use crate::{Path, ValidationErrors};

/// A value that can check itself and report every problem at once.
///
/// Usually derived with `#[derive(Validate)]`; implement [`validate_at`] by hand for
/// types the derive does not cover.
///
/// [`validate_at`]: Validate::validate_at
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not implement `Validate`, so it cannot be validated",
    label = "`{Self}` does not implement `Validate`",
    note = "add `#[derive(Validate)]` to `{Self}`, implement `Validate` for it by hand, or remove `#[validate(nested)]` from the field"
)]
pub trait Validate {
    /// Validates the whole value, collecting every error.
    ///
    /// Allocates nothing when the value is valid.
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        self.validate_at(&Path::root(), &mut errors);
        errors.into_result()
    }

    /// Validates this value as a part of a larger one located at `at`, pushing every
    /// error into `errors`.
    ///
    /// Must not allocate when everything is valid: build child paths with
    /// [`Path::field`] and [`Path::index`], and render a pointer only for an error.
    fn validate_at(&self, at: &Path<'_>, errors: &mut ValidationErrors);
}

/// Validates the referenced value at the same path.
impl<T: Validate + ?Sized> Validate for &T {
    fn validate_at(&self, at: &Path<'_>, errors: &mut ValidationErrors) {
        (**self).validate_at(at, errors);
    }
}

/// Validates the boxed value at the same path.
impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate_at(&self, at: &Path<'_>, errors: &mut ValidationErrors) {
        (**self).validate_at(at, errors);
    }
}

/// `None` is valid; `Some` is validated at the same path.
impl<T: Validate> Validate for Option<T> {
    fn validate_at(&self, at: &Path<'_>, errors: &mut ValidationErrors) {
        if let Some(value) = self {
            value.validate_at(at, errors);
        }
    }
}

/// Each element is validated at `at/index`.
impl<T: Validate> Validate for [T] {
    fn validate_at(&self, at: &Path<'_>, errors: &mut ValidationErrors) {
        for (index, element) in self.iter().enumerate() {
            element.validate_at(&at.index(index), errors);
        }
    }
}

/// Each element is validated at `at/index`.
impl<T: Validate, const N: usize> Validate for [T; N] {
    fn validate_at(&self, at: &Path<'_>, errors: &mut ValidationErrors) {
        self.as_slice().validate_at(at, errors);
    }
}

/// Each element is validated at `at/index`.
impl<T: Validate> Validate for Vec<T> {
    fn validate_at(&self, at: &Path<'_>, errors: &mut ValidationErrors) {
        self.as_slice().validate_at(at, errors);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Invalid, ValidationError};

    /// Valid unless negative; reports at the path it is given.
    struct NonNegative(i32);

    impl Validate for NonNegative {
        fn validate_at(&self, at: &Path<'_>, errors: &mut ValidationErrors) {
            if self.0 < 0 {
                errors.push(ValidationError::at(
                    at,
                    Invalid::new("custom", "must be >= 0"),
                ));
            }
        }
    }

    fn pointers(errors: Result<(), ValidationErrors>) -> Vec<String> {
        errors
            .err()
            .map(|e| e.iter().map(|e| e.pointer().to_owned()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn containers_keep_or_extend_the_path() {
        assert_eq!(pointers(NonNegative(-1).validate()), [""]);
        let by_ref = &NonNegative(-1);
        assert_eq!(
            pointers(<&NonNegative as Validate>::validate(&by_ref)),
            [""]
        );
        assert_eq!(pointers(Box::new(NonNegative(-1)).validate()), [""]);
        assert_eq!(pointers(Some(NonNegative(-1)).validate()), [""]);
        assert!(None::<NonNegative>.validate().is_ok());
        let list = vec![
            NonNegative(1),
            NonNegative(-1),
            NonNegative(2),
            NonNegative(-3),
        ];
        assert_eq!(pointers(list.validate()), ["/1", "/3"]);
        assert_eq!(pointers(list.as_slice().validate()), ["/1", "/3"]);
        assert_eq!(pointers([NonNegative(-1)].validate()), ["/0"]);
        let boxed: Box<[NonNegative]> = vec![NonNegative(-1)].into_boxed_slice();
        assert_eq!(pointers(boxed.validate()), ["/0"]);
    }

    #[test]
    fn nested_lists_index_each_level() {
        let grid = vec![vec![NonNegative(0)], vec![NonNegative(0), NonNegative(-1)]];
        let root = Path::root();
        let rows = root.field("rows");
        let mut errors = ValidationErrors::new();
        grid.validate_at(&rows, &mut errors);
        assert_eq!(pointers(errors.into_result()), ["/rows/1/1"]);
    }
}
