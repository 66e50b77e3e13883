//! What the handwritten part of `stablemint` uses of the generated code.
//!
//! A few handwritten items are built on one generated type: `stablemint::request_from_json`
//! on `EmbeddedSessionRequest`, and the `stablemint` command and the merchant example on
//! `EmbeddedSession`'s `expiry()`, which the generator gives every answer with a required
//! `expiresAt` in Unix seconds. A spec edit that takes one of those away would make them
//! stop compiling, with an error inside their own sources; the generator stops first,
//! with a sentence that names the spec's part and the file.

/// One item of the generated Rust API that handwritten code uses.
pub struct HandwrittenUse {
    /// The start of its line in [`Output::rust_api`](crate::Output::rust_api), up to
    /// the end of the line or a space.
    pub item: &'static str,
    /// What else that line must contain (derives the handwritten code relies on).
    pub contains: &'static [&'static str],
    /// The handwritten code that uses it, and its file.
    pub used_by: &'static str,
    /// What the spec must keep for the generated code to give it.
    pub keep: &'static str,
}

/// Every item of the generated code that handwritten code in `stablemint` uses.
pub const HANDWRITTEN_USES: &[HandwrittenUse] = &[
    HandwrittenUse {
        item: "stablemint_raw struct types::EmbeddedSessionRequest",
        contains: &["serde::Deserialize", "stablemint_validate::Validate"],
        used_by: "`request_from_json` (crates/stablemint/src/json.rs)",
        keep: "the component schema `EmbeddedSessionRequest`, an object",
    },
    HandwrittenUse {
        item: "stablemint_raw impl stablemint_wire::shape::WireShape for types::EmbeddedSessionRequest",
        contains: &[],
        used_by: "`request_from_json` (crates/stablemint/src/json.rs)",
        keep: "`EmbeddedSessionRequest` as the JSON body of an operation",
    },
    HandwrittenUse {
        item: "stablemint_raw struct types::EmbeddedSessionResponse",
        contains: &[],
        used_by: "`EmbeddedSession` (crates/stablemint/src/response.rs)",
        keep: "the component schema `EmbeddedSessionResponse`, an object",
    },
    HandwrittenUse {
        item: "stablemint impl Expiring for types::EmbeddedSessionResponse",
        contains: &[],
        used_by: "`stablemint session create` (crates/stablemint-cli/src/main.rs) and the \
                  merchant example (examples/merchant), through `EmbeddedSession::expiry` \
                  and `expires_at_rfc3339`",
        keep: "`EmbeddedSessionResponse.expiresAt` required, with `type: integer` and \
               `format: int64` and no `minimum` or `maximum` (Unix seconds as an `i64`)",
    },
];

/// Whether `line` is the listing's line of `item`.
fn is_line_of(line: &str, item: &str) -> bool {
    line.strip_prefix(item)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
}

/// Checks that `rust_api` (a listing of the generated code) gives everything in
/// [`HANDWRITTEN_USES`]; the error names each use it does not give.
pub(crate) fn check(rust_api: &str) -> Result<(), String> {
    let missing: Vec<String> = HANDWRITTEN_USES
        .iter()
        .filter(|used| {
            !rust_api.lines().any(|line| {
                is_line_of(line, used.item) && used.contains.iter().all(|c| line.contains(c))
            })
        })
        .map(|used| {
            format!(
                "the generated `{}` is used by the handwritten {}, but this spec no longer \
                 gives it: keep {}, or change that code with this edit, and its entry in \
                 `HANDWRITTEN_USES` (crates/stablemint-codegen/src/handwritten.rs)",
                used.item.trim_start_matches("stablemint_raw "),
                used.used_by,
                used.keep,
            )
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A listing with exactly the used lines passes; dropping any one line, or a derive a
    /// use needs, is refused by name.
    #[test]
    fn every_use_is_needed_and_each_is_named_when_missing() {
        let listing: String = HANDWRITTEN_USES
            .iter()
            .map(|used| {
                let mut line = used.item.to_owned();
                for c in used.contains {
                    line.push(' ');
                    line.push_str(c);
                }
                line + "\n"
            })
            .collect();
        assert_eq!(check(&listing), Ok(()));
        for (index, used) in HANDWRITTEN_USES.iter().enumerate() {
            let without: String = listing
                .lines()
                .enumerate()
                .filter(|(i, _)| *i != index)
                .map(|(_, line)| format!("{line}\n"))
                .collect();
            let problem = check(&without).unwrap_err();
            assert!(problem.contains(used.keep), "{problem}");
            assert!(problem.contains(used.used_by), "{problem}");
            assert_eq!(problem.matches("no longer gives").count(), 1, "{problem}");
            assert!(problem.starts_with("the generated `"), "{problem}");
        }
        let underived = listing.replace(" stablemint_validate::Validate", "");
        assert!(check(&underived).unwrap_err().contains("json.rs"));
    }

    #[test]
    fn a_line_is_an_items_only_up_to_a_space() {
        let field = "stablemint_raw field types::EmbeddedSessionResponse::expires_at: i64";
        assert!(is_line_of(field, field));
        assert!(!is_line_of(&format!("{field}x"), field));
        assert!(!is_line_of(
            "stablemint_raw field types::EmbeddedSessionResponse::expires_at: i32",
            field
        ));
        assert!(is_line_of(
            "stablemint_raw struct types::EmbeddedSessionResponse #[non_exhaustive]",
            "stablemint_raw struct types::EmbeddedSessionResponse"
        ));
        assert!(!is_line_of(
            "stablemint_raw struct types::EmbeddedSessionResponseX",
            "stablemint_raw struct types::EmbeddedSessionResponse"
        ));
    }
}
