//! What each operation declares about its signature and idempotency key, in the spec:
//!
//! ```yaml
//! x-stablemint:
//!   signedField: userId                 # the body property the signature covers
//!   # or: signedParameter: sessionId    # a path, query or header parameter, by name
//!   # or: auth: none                    # no api_key, timestamp or signature headers
//!   idempotencyKeyField: idempotencyKey # optional: the body property for the key
//! ```

use serde_json::{Map, Value};

/// The vendor extension that declares an operation's signing and idempotency.
pub const EXTENSION: &str = "x-stablemint";

/// The header parameters the generic flow fills in: the API key, the timestamp and the
/// signature.
pub const AUTH_HEADERS: [&str; 3] = ["api_key", "timestamp", "signature"];

/// The keys [`EXTENSION`] takes.
const KEYS: [&str; 4] = [
    "signedField",
    "signedParameter",
    "auth",
    "idempotencyKeyField",
];

/// What an operation declares in [`EXTENSION`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    /// What the signature covers.
    pub signature: Signature,
    /// The request body property (wire name) that carries the idempotency key, if the
    /// operation has one. Without it, a `POST` or `PATCH` is never retried once it may
    /// have reached the server.
    pub idempotency_key_field: Option<String>,
}

/// What an operation's signature covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signature {
    /// A property of the JSON request body, by wire name (`signedField`).
    Field(String),
    /// A path, query or header parameter, by name (`signedParameter`).
    Parameter(String),
    /// Nothing: the operation sends no authentication headers (`auth: none`).
    None,
}

impl Signature {
    /// How the spec writes it: `signedField: userId`.
    pub fn describe(&self) -> String {
        match self {
            Signature::Field(field) => format!("signedField: {field}"),
            Signature::Parameter(name) => format!("signedParameter: {name}"),
            Signature::None => "auth: none".to_owned(),
        }
    }
}

/// Reads an operation's declaration. `here` names the operation in errors
/// (`GET /session/{sessionId} (getSession)`); `signed_headers` is whether it declares
/// the three authentication headers as required header parameters.
///
/// Only the form is checked here; whether the named field or parameter exists is
/// checked against the operation's body and parameters by the caller.
pub(crate) fn parse(
    operation: &Value,
    here: &str,
    signed_headers: bool,
) -> Result<Declaration, String> {
    let declared = operation.get(EXTENSION).ok_or_else(|| {
        if signed_headers {
            format!(
                "{here} sends the signature headers but does not say what the signature \
                 covers; add `{EXTENSION}: {{signedField: <body property>}}` or \
                 `{EXTENSION}: {{signedParameter: <parameter>}}` to the operation (and \
                 `idempotencyKeyField: <property>` if it takes an idempotency key)"
            )
        } else {
            format!(
                "{here} declares neither the authentication headers (`api_key`, \
                 `timestamp`, `signature`) nor `{EXTENSION}: {{auth: none}}`; declare the \
                 three headers and what the signature covers, or say that the operation \
                 is not signed with `auth: none`"
            )
        }
    })?;
    let Value::Object(map) = declared else {
        return Err(format!(
            "{here}: `{EXTENSION}` must be an object with one of `signedField`, \
             `signedParameter` or `auth`, and optionally `idempotencyKeyField`"
        ));
    };
    if let Some(unknown) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!(
            "{here}: `{EXTENSION}` has an unknown key `{unknown}`; it takes {}",
            KEYS.map(|k| format!("`{k}`")).join(", ")
        ));
    }
    let forms: Vec<&str> = ["signedField", "signedParameter", "auth"]
        .into_iter()
        .filter(|k| map.contains_key(*k))
        .collect();
    let signature = match forms.as_slice() {
        [] => {
            return Err(format!(
                "{here} does not say what the signature covers; add `signedField: \
                 <body property>`, `signedParameter: <parameter>` or `auth: none` to its \
                 `{EXTENSION}`"
            ));
        }
        [_, _, ..] => {
            return Err(format!(
                "{here}: `{EXTENSION}` declares {}; declare exactly one of `signedField`, \
                 `signedParameter` and `auth`",
                forms
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ));
        }
        ["signedField"] => Signature::Field(name(map, "signedField", here)?),
        ["signedParameter"] => Signature::Parameter(name(map, "signedParameter", here)?),
        _ => match map.get("auth") {
            Some(Value::String(none)) if none == "none" => Signature::None,
            _ => {
                return Err(format!(
                    "{here}: `{EXTENSION}.auth` takes only `none`; a signed operation \
                     declares `signedField` or `signedParameter` instead"
                ));
            }
        },
    };
    match (&signature, signed_headers) {
        (Signature::None, true) => {
            return Err(format!(
                "{here} declares `auth: none` but also the authentication headers; remove \
                 the `api_key`, `timestamp` and `signature` parameters, or declare what the \
                 signature covers"
            ));
        }
        (Signature::Field(_) | Signature::Parameter(_), false) => {
            return Err(format!(
                "{here} is signed ({}) but does not declare the authentication headers; \
                 add `api_key`, `timestamp` and `signature` as required header parameters",
                signature.describe()
            ));
        }
        _ => {}
    }
    let idempotency_key_field = match map.get("idempotencyKeyField") {
        None => None,
        Some(_) => Some(name(map, "idempotencyKeyField", here)?),
    };
    Ok(Declaration {
        signature,
        idempotency_key_field,
    })
}

/// A non-empty string under `key`.
fn name(map: &Map<String, Value>, key: &str, here: &str) -> Result<String, String> {
    match map.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        _ => Err(format!(
            "{here}: `{EXTENSION}.{key}` must be a name: {}",
            match key {
                "signedParameter" => "a path, query or header parameter of the operation",
                _ => "the wire name of a request body property",
            }
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parsed(declared: Value, signed: bool) -> Result<Declaration, String> {
        parse(&json!({ EXTENSION: declared }), "GET /x (x)", signed)
    }

    #[test]
    fn each_form_reads() {
        assert_eq!(
            parsed(
                json!({"signedField": "userId", "idempotencyKeyField": "k"}),
                true
            ),
            Ok(Declaration {
                signature: Signature::Field("userId".into()),
                idempotency_key_field: Some("k".into()),
            })
        );
        assert_eq!(
            parsed(json!({"signedParameter": "sessionId"}), true)
                .unwrap()
                .signature,
            Signature::Parameter("sessionId".into())
        );
        assert_eq!(
            parsed(json!({"auth": "none"}), false).unwrap().signature,
            Signature::None
        );
    }

    #[test]
    fn wrong_forms_are_refused_naming_the_operation_and_the_fix() {
        for (declared, signed, says) in [
            (json!({}), true, "does not say what the signature covers"),
            (
                json!({"signedField": "a", "auth": "none"}),
                true,
                "declare exactly one of",
            ),
            (json!({"auth": "basic"}), false, "takes only `none`"),
            (
                json!({"auth": "none"}),
                true,
                "but also the authentication headers",
            ),
            (
                json!({"signedParameter": "id"}),
                false,
                "does not declare the authentication",
            ),
            (json!({"signedField": ""}), true, "must be a name"),
            (
                json!({"signedFeild": "a"}),
                true,
                "unknown key `signedFeild`",
            ),
            (json!("userId"), true, "must be an object"),
        ] {
            let error = parsed(declared.clone(), signed).unwrap_err();
            assert!(error.starts_with("GET /x (x)"), "{error}");
            assert!(error.contains(says), "{declared}: {error}");
        }
        let missing = parse(&json!({}), "GET /x (x)", false).unwrap_err();
        assert!(missing.contains("auth: none"), "{missing}");
        let missing = parse(&json!({}), "GET /x (x)", true).unwrap_err();
        assert!(missing.contains("signedParameter"), "{missing}");
    }
}
