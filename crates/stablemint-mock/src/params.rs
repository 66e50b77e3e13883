//! An operation's path, query and header parameters: read as the client sends them,
//! checked against the spec (presence, kind, the rule of their `format`), every problem
//! at once.
//!
//! A problem is reported at the pointer `/<name>` (`/<name>/<index>` for an item of a
//! list), as the client reports the same rules.

use hyper::HeaderMap;
use serde_json::{Map, Value};
use stablemint_validate::{ValidationError, ValidationErrors};
use stablemint_wire::{
    Location, NotUtf8, OperationSpec, ParameterCheck, ParameterKind, QueryNotUtf8, UnknownFields,
    parameter_pointer,
};

/// The parameters of one request, by name, as text.
#[derive(Default)]
pub(crate) struct Parameters {
    values: Vec<(&'static str, Given)>,
}

/// A parameter's value as sent.
enum Given {
    One(String),
    Many(Vec<String>),
}

impl Parameters {
    /// The text of the single-valued parameter `name`, if it was given.
    pub(crate) fn text(&self, name: &str) -> Option<&str> {
        self.values.iter().find_map(|(n, given)| match given {
            Given::One(text) if *n == name => Some(text.as_str()),
            _ => None,
        })
    }

    /// Every parameter as JSON (texts; lists as arrays), by name in the spec's order:
    /// what an idempotency key is compared on, and what answers may echo.
    pub(crate) fn to_json(&self) -> Map<String, Value> {
        self.values
            .iter()
            .map(|(name, given)| {
                let value = match given {
                    Given::One(text) => Value::from(text.as_str()),
                    Given::Many(texts) => Value::from(texts.clone()),
                };
                ((*name).to_owned(), value)
            })
            .collect()
    }
}

/// Reads and checks the parameters of `operation`, adding every problem to `errors`.
///
/// `path` holds the path's variables as they were sent (percent-encoded). Every text is
/// decoded strictly (bytes that are not UTF-8 are a problem, never U+FFFD) and then
/// checked by `stablemint_wire::ParameterCheck`, the check the client runs before it
/// sends.
pub(crate) fn read(
    operation: &'static OperationSpec,
    path: &[(&'static str, String)],
    query: Option<&str>,
    headers: &HeaderMap,
    unknown: UnknownFields,
    errors: &mut ValidationErrors,
) -> Parameters {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for pair in stablemint_wire::decode_query(query.unwrap_or_default()) {
        match pair {
            Ok(pair) => pairs.push(pair),
            Err(QueryNotUtf8 { name }) => {
                let at = name
                    .as_deref()
                    .map_or_else(String::new, |n| parameter_pointer(n, None));
                errors.push(not_utf8(at, "the query parameter"));
            }
        }
    }
    let query = pairs;
    if unknown == UnknownFields::Reject {
        unknown_query_parameters(operation, &query, errors);
    }
    let mut parameters = Parameters::default();
    for spec in operation.parameters {
        let texts: Vec<String> = match spec.location {
            Location::Path => {
                let decoded: Result<Vec<String>, NotUtf8> = path
                    .iter()
                    .filter(|(name, _)| *name == spec.name)
                    .map(|(_, raw)| stablemint_wire::percent_decode(raw))
                    .collect();
                match decoded {
                    Ok(texts) => texts,
                    Err(NotUtf8) => {
                        errors.push(not_utf8(
                            parameter_pointer(spec.name, None),
                            "the path parameter",
                        ));
                        continue;
                    }
                }
            }
            Location::Query => query
                .iter()
                .filter(|(name, _)| name == spec.name)
                .map(|(_, value)| value.clone())
                .collect(),
            // Bytes that are not text become U+FFFD here, which the check refuses with
            // every other character a header cannot carry unchanged.
            Location::Header => headers
                .get_all(spec.name)
                .iter()
                .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
                .collect(),
        };
        let mut check = ParameterCheck::new(errors);
        if check.given(spec, &texts) && !texts.is_empty() {
            let given = match spec.kind {
                ParameterKind::StringArray => Given::Many(texts),
                _ => Given::One(texts.into_iter().next().unwrap_or_default()),
            };
            parameters.values.push((spec.name, given));
        }
    }
    parameters
}

/// Reports every query parameter the operation does not take, once each, with a hint.
fn unknown_query_parameters(
    operation: &OperationSpec,
    query: &[(String, String)],
    errors: &mut ValidationErrors,
) {
    let known = || {
        operation
            .parameters
            .iter()
            .filter(|p| p.location == Location::Query)
            .map(|p| p.name)
    };
    let mut reported: Vec<&str> = Vec::new();
    for (name, _) in query {
        if known().any(|k| k == name) || reported.contains(&name.as_str()) {
            continue;
        }
        reported.push(name);
        let hint = match stablemint_wire::closest(name, known()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => {
                let listed: Vec<String> = known().map(|k| format!("`{k}`")).collect();
                if listed.is_empty() {
                    "the operation takes no query parameter".to_owned()
                } else {
                    format!("its query parameters are {}", listed.join(", "))
                }
            }
        };
        errors.push(ValidationError::new(
            parameter_pointer(name, None),
            "unknown",
            format!("is not a query parameter of {}; {hint}", operation.id),
        ));
    }
}

/// A parameter whose percent-encoded bytes are not UTF-8: it stands for no text, so no
/// value (and no signature over one) can be read from it.
fn not_utf8(at: String, what: &str) -> ValidationError {
    ValidationError::new(
        at,
        "utf8",
        format!(
            "{what} holds percent-encoded bytes that are not UTF-8 text; encode the value \
             as UTF-8"
        ),
    )
}

#[cfg(test)]
mod tests {
    use hyper::header::HeaderValue;
    use stablemint_wire::{Auth, Method, ParameterSpec, ResponseSpec, Status};

    use super::*;

    static PARAMETERS: [ParameterSpec; 6] = [
        ParameterSpec {
            name: "id",
            location: Location::Path,
            required: true,
            kind: ParameterKind::String,
            rule: None,
        },
        ParameterSpec {
            name: "limit",
            location: Location::Query,
            required: false,
            kind: ParameterKind::Int32,
            rule: None,
        },
        ParameterSpec {
            name: "status",
            location: Location::Query,
            required: false,
            kind: ParameterKind::StringArray,
            rule: Some(stablemint_validate::rules::currency),
        },
        ParameterSpec {
            name: "active",
            location: Location::Query,
            required: true,
            kind: ParameterKind::Boolean,
            rule: None,
        },
        ParameterSpec {
            name: "X-Trace",
            location: Location::Header,
            required: false,
            kind: ParameterKind::String,
            rule: None,
        },
        ParameterSpec {
            name: "currency",
            location: Location::Query,
            required: false,
            kind: ParameterKind::String,
            rule: Some(stablemint_validate::rules::currency),
        },
    ];

    static OPERATION: OperationSpec = OperationSpec {
        id: "listThings",
        method: Method::Get,
        path: "/things/{id}",
        parameters: &PARAMETERS,
        auth: Auth::None,
        idempotency_key_field: None,
        body: None,
        success: ResponseSpec {
            status: Status::Code(204),
            schema: None,
            example: None,
            rust_type: None,
            decode: None,
        },
        errors: &[],
    };

    fn run(
        query: &str,
        headers: &[(&'static str, &str)],
    ) -> (Parameters, Vec<(String, &'static str)>) {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        let mut errors = ValidationErrors::new();
        let parameters = read(
            &OPERATION,
            &[("id", "a%20b".to_owned())],
            Some(query),
            &map,
            UnknownFields::Reject,
            &mut errors,
        );
        let found = errors
            .iter()
            .map(|e| (e.pointer().to_owned(), e.code()))
            .collect();
        (parameters, found)
    }

    #[test]
    fn good_parameters_are_read_as_sent() {
        let (parameters, errors) = run(
            "limit=5&active=true&status=EUR&status=CHF&currency=EUR",
            &[("x-trace", "t-1")],
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(parameters.text("id"), Some("a b"));
        assert_eq!(parameters.text("limit"), Some("5"));
        assert_eq!(parameters.text("X-Trace"), Some("t-1"));
        assert_eq!(
            Value::Object(parameters.to_json()),
            serde_json::json!({
                "id": "a b", "limit": "5", "status": ["EUR", "CHF"], "active": "true",
                "X-Trace": "t-1", "currency": "EUR",
            })
        );
    }

    #[test]
    fn every_problem_is_reported_at_its_pointer() {
        let (_, errors) = run(
            "limit=1.5&status=EUR&status=nope&curency=EUR&currency=EUR&currency=CHF",
            &[],
        );
        let expected: Vec<(String, &str)> = [
            ("/curency", "unknown"),
            ("/limit", "type"),
            ("/status/1", "currency"),
            ("/active", "required"),
            ("/currency", "type"),
        ]
        .iter()
        .map(|(p, c)| ((*p).to_owned(), *c))
        .collect();
        assert_eq!(errors, expected);
    }

    #[test]
    fn ambiguous_parameters_are_refused_at_their_pointer() {
        let (_, errors) = run("active=true&limit=+5", &[]);
        assert_eq!(errors, [("/limit".to_owned(), "type")]);
        let (_, errors) = run("active=true&limit=05", &[]);
        assert_eq!(errors, [("/limit".to_owned(), "type")]);
        let (_, errors) = run("active=true&currency=%ff%fe", &[]);
        assert_eq!(errors, [("/currency".to_owned(), "utf8")]);
        let (_, errors) = run("active=true&%ff=1", &[]);
        assert_eq!(errors, [(String::new(), "utf8")]);
        // The path's variable as sent, and a header, with a valid query.
        let with = |raw: &str, headers: &HeaderMap| {
            let mut errors = ValidationErrors::new();
            read(
                &OPERATION,
                &[("id", raw.to_owned())],
                Some("active=true"),
                headers,
                UnknownFields::Reject,
                &mut errors,
            );
            errors
                .iter()
                .map(|e| (e.pointer().to_owned(), e.code()))
                .collect::<Vec<_>>()
        };
        for raw in ["%ff%fe", "%C3"] {
            assert_eq!(
                with(raw, &HeaderMap::new()),
                [("/id".to_owned(), "utf8")],
                "{raw}"
            );
        }
        for raw in ["%2e%2e", "%2E", "."] {
            assert_eq!(
                with(raw, &HeaderMap::new()),
                [("/id".to_owned(), "path_segment")],
                "{raw}"
            );
        }
        let mut headers = HeaderMap::new();
        headers.append("x-trace", HeaderValue::from_bytes(b"caf\xe9").unwrap());
        assert_eq!(
            with("x", &headers),
            [("/X-Trace".to_owned(), "header_text")]
        );
    }

    #[test]
    fn an_unknown_parameter_gets_a_hint_and_values_are_never_repeated() {
        let mut errors = ValidationErrors::new();
        read(
            &OPERATION,
            &[("id", "x".to_owned())],
            Some("active=true&curency=secret-value"),
            &HeaderMap::new(),
            UnknownFields::Reject,
            &mut errors,
        );
        assert_eq!(errors.len(), 1);
        assert!(
            errors
                .iter()
                .next()
                .unwrap()
                .message()
                .contains("did you mean `currency`?")
        );
        assert!(
            !errors
                .iter()
                .next()
                .unwrap()
                .message()
                .contains("secret-value")
        );
        let mut errors = ValidationErrors::new();
        read(
            &OPERATION,
            &[("id", "x".to_owned())],
            Some("active=true&curency=x"),
            &HeaderMap::new(),
            UnknownFields::Ignore,
            &mut errors,
        );
        assert!(errors.is_empty());
    }
}
