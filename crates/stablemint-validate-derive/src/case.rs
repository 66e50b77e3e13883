//! serde's `rename_all` casings, applied to field names the way serde_derive applies them, so
//! that a JSON Pointer names the key that is actually on the wire.

/// One of the casings serde accepts in `#[serde(rename_all = "...")]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenameRule {
    /// `lowercase`
    Lower,
    /// `UPPERCASE`
    Upper,
    /// `PascalCase`
    Pascal,
    /// `camelCase`
    Camel,
    /// `snake_case`
    Snake,
    /// `SCREAMING_SNAKE_CASE`
    ScreamingSnake,
    /// `kebab-case`
    Kebab,
    /// `SCREAMING-KEBAB-CASE`
    ScreamingKebab,
}

impl RenameRule {
    /// The casing serde spells `name`, or `None` when serde does not know it either (serde
    /// reports that itself, so the derive stays quiet).
    pub fn from_serde_name(name: &str) -> Option<Self> {
        Some(match name {
            "lowercase" => Self::Lower,
            "UPPERCASE" => Self::Upper,
            "PascalCase" => Self::Pascal,
            "camelCase" => Self::Camel,
            "snake_case" => Self::Snake,
            "SCREAMING_SNAKE_CASE" => Self::ScreamingSnake,
            "kebab-case" => Self::Kebab,
            "SCREAMING-KEBAB-CASE" => Self::ScreamingKebab,
            _ => return None,
        })
    }

    /// The wire name serde gives a field called `field` (a Rust snake_case identifier,
    /// without `r#`).
    pub fn apply_to_field(self, field: &str) -> String {
        match self {
            // Rust field names are already lower snake case.
            Self::Lower | Self::Snake => field.to_owned(),
            Self::Upper | Self::ScreamingSnake => field.to_ascii_uppercase(),
            Self::Pascal => pascal(field),
            Self::Camel => {
                let pascal = pascal(field);
                let mut chars = pascal.chars();
                match chars.next() {
                    Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
                    None => pascal,
                }
            }
            Self::Kebab => field.replace('_', "-"),
            Self::ScreamingKebab => field.to_ascii_uppercase().replace('_', "-"),
        }
    }
}

/// Drops every `_` and upper-cases the letter after it (and the first letter).
fn pascal(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut capitalize = true;
    for ch in field.chars() {
        if ch == '_' {
            capitalize = true;
        } else if capitalize {
            out.push(ch.to_ascii_uppercase());
            capitalize = false;
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::RenameRule::{self, *};

    const ALL: [(&str, RenameRule); 8] = [
        ("lowercase", Lower),
        ("UPPERCASE", Upper),
        ("PascalCase", Pascal),
        ("camelCase", Camel),
        ("snake_case", Snake),
        ("SCREAMING_SNAKE_CASE", ScreamingSnake),
        ("kebab-case", Kebab),
        ("SCREAMING-KEBAB-CASE", ScreamingKebab),
    ];

    #[test]
    fn serde_names_round_trip() {
        for (name, rule) in ALL {
            assert_eq!(RenameRule::from_serde_name(name), Some(rule), "{name}");
        }
        assert_eq!(RenameRule::from_serde_name("camelcase"), None);
        assert_eq!(RenameRule::from_serde_name(""), None);
    }

    #[test]
    fn casings_match_serde_for_field_names() {
        // (field, [lower, UPPER, Pascal, camel, snake, SCREAMING_SNAKE, kebab, SCREAMING-KEBAB])
        let cases: [(&str, [&str; 8]); 4] = [
            (
                "user_country_code",
                [
                    "user_country_code",
                    "USER_COUNTRY_CODE",
                    "UserCountryCode",
                    "userCountryCode",
                    "user_country_code",
                    "USER_COUNTRY_CODE",
                    "user-country-code",
                    "USER-COUNTRY-CODE",
                ],
            ),
            (
                "amount",
                [
                    "amount", "AMOUNT", "Amount", "amount", "amount", "AMOUNT", "amount", "AMOUNT",
                ],
            ),
            (
                "address_line_1",
                [
                    "address_line_1",
                    "ADDRESS_LINE_1",
                    "AddressLine1",
                    "addressLine1",
                    "address_line_1",
                    "ADDRESS_LINE_1",
                    "address-line-1",
                    "ADDRESS-LINE-1",
                ],
            ),
            (
                "_private",
                [
                    "_private", "_PRIVATE", "Private", "private", "_private", "_PRIVATE",
                    "-private", "-PRIVATE",
                ],
            ),
        ];
        for (field, expected) in cases {
            for ((name, rule), want) in ALL.into_iter().zip(expected) {
                assert_eq!(rule.apply_to_field(field), want, "{name} of {field}");
            }
        }
    }

    #[test]
    fn degenerate_names_do_not_panic() {
        assert_eq!(Camel.apply_to_field("__"), "");
        assert_eq!(Camel.apply_to_field("é_x"), "éX");
        assert_eq!(Pascal.apply_to_field(""), "");
    }
}
