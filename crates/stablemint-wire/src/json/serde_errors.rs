//! The errors serde and serde_json report, as [`ValidationError`]s at their pointer and
//! without the value they quote.

use stablemint_validate::{ValidationError, push_token};

/// An error serde found that the shape did not, at its pointer, without the value.
pub(super) fn serde_error(
    error: &serde_path_to_error::Error<serde_json::Error>,
) -> ValidationError {
    use serde_path_to_error::Segment;

    let mut pointer = String::new();
    for segment in error.path().iter() {
        match segment {
            Segment::Seq { index } => {
                pointer.push('/');
                pointer.push_str(&index.to_string());
            }
            Segment::Map { key } | Segment::Enum { variant: key } => push_token(&mut pointer, key),
            Segment::Unknown => pointer.push_str("/-"),
        }
    }
    ValidationError::new(
        pointer,
        "type",
        format!("{}; fix the value", redact(&error.inner().to_string())),
    )
}

/// Text that is not JSON: one `json` error at `""`, saying where and whether it ended
/// too early.
pub(super) fn syntax_error(error: &serde_json::Error) -> ValidationError {
    let what = if error.is_eof() {
        "the JSON ends too early"
    } else {
        "not valid JSON"
    };
    ValidationError::new(
        "",
        "json",
        format!(
            "{what} at line {} column {}; fix the syntax",
            error.line(),
            error.column()
        ),
    )
}

/// serde's message without the value it quotes: "invalid value: string \"x\", expected
/// one of ..." becomes "invalid value: string, expected one of ...". The last
/// ", expected " is the one serde wrote: the quoted value may hold the words too.
fn redact(message: &str) -> String {
    let message = message.split(" at line ").next().unwrap_or(message);
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let kind = rest.split([' ', ',']).next().unwrap_or("value");
            let expected = rest
                .rsplit_once(", expected ")
                .map(|(_, e)| format!(", expected {e}"))
                .unwrap_or_default();
            return format!("{prefix}{kind}{expected}");
        }
    }
    if message.starts_with("invalid length") {
        return message.split(',').next().unwrap_or(message).to_owned();
    }
    // "unknown variant `x`, expected `a` or `b`": the choices come from the type, the
    // variant from the input.
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        return match rest.rsplit_once(", expected ") {
            Some((_, expected)) => format!("unknown variant, expected {expected}"),
            None => "unknown variant".to_owned(),
        };
    }
    message.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_what_the_type_says() {
        assert_eq!(
            redact("invalid length 3, expected 2 elements at line 1 column 5"),
            "invalid length 3"
        );
        assert_eq!(
            redact("invalid type: string \"x\", expected u8 at line 1 column 5"),
            "invalid type: string, expected u8"
        );
        assert_eq!(redact("unknown variant `x`"), "unknown variant");
        assert_eq!(redact("missing field `code`"), "missing field `code`");
    }
}
