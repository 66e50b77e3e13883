//! `custom` with plain, qualified, `Self::` and generic function paths, several on one field.

// Generated code must not warn; the structs are only type-checked, never built.
#![deny(warnings)]
#![allow(dead_code)]

use stablemint_validate::{Invalid, Validate};

mod checks {
    use stablemint_validate::Invalid;

    pub fn not_blank(value: &String) -> Result<(), Invalid> {
        if value.trim().is_empty() {
            return Err(Invalid::new("not_blank", "must not be blank"));
        }
        Ok(())
    }

    pub fn short<T: AsRef<str>>(value: &T) -> Result<(), Invalid> {
        if value.as_ref().len() > 35 {
            return Err(Invalid::new("too_long", "use at most 35 bytes"));
        }
        Ok(())
    }
}

fn even(value: &u32) -> Result<(), Invalid> {
    if value % 2 != 0 {
        return Err(Invalid::new("even", "must be even"));
    }
    Ok(())
}

#[derive(Validate)]
struct Order {
    #[validate(custom = checks::not_blank, custom = checks::short::<String>)]
    reference: String,
    #[validate(custom = even)]
    quantity: u32,
    #[validate(custom = Self::known_tag)]
    tag: Vec<String>,
    #[validate(custom = crate::checks::not_blank)]
    #[validate(email)]
    contact: String,
}

impl Order {
    fn known_tag(tags: &Vec<String>) -> Result<(), Invalid> {
        if tags.iter().any(|tag| tag.is_empty()) {
            return Err(Invalid::new("tag", "tags must not be empty"));
        }
        Ok(())
    }
}

fn assert_validate<T: Validate>() {}

fn main() {
    assert_validate::<Order>();
}
