//! An operation's path, query and header parameters: read as the client sends them,
//! checked against the spec (presence, kind, the rule of their `format`), every problem
//! at once.
//!
//! A problem is reported at the pointer `/<name>` (`/<name>/<index>` for an item of a
//! list), as the client reports the same rules.

use hyper::HeaderMap;
use serde_json::{Map, Value};
use stablemint_validate::{ValidationError, push_token};
use stablemint_wire::{Location, OperationSpec, ParameterKind, ParameterSpec, UnknownFields};

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
pub(crate) fn read(
    operation: &'static OperationSpec,
    path: &[(&'static str, String)],
    query: Option<&str>,
    headers: &HeaderMap,
    unknown: UnknownFields,
    errors: &mut Vec<ValidationError>,
) -> Parameters {
    let query: Vec<(String, String)> = query
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    if unknown == UnknownFields::Reject {
        let known = || {
            operation
                .parameters
                .iter()
                .filter(|p| p.location == Location::Query)
                .map(|p| p.name)
        };
        let mut reported: Vec<&str> = Vec::new();
        for (name, _) in &query {
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
                pointer(name, None),
                "unknown",
                format!("is not a query parameter of {}; {hint}", operation.id),
            ));
        }
    }
    let mut parameters = Parameters::default();
    for spec in operation.parameters {
        let texts: Vec<String> = match spec.location {
            Location::Path => path
                .iter()
                .filter(|(name, _)| *name == spec.name)
                .map(|(_, value)| value.clone())
                .collect(),
            Location::Query => query
                .iter()
                .filter(|(name, _)| name == spec.name)
                .map(|(_, value)| value.clone())
                .collect(),
            Location::Header => {
                let mut texts = Vec::new();
                for value in headers.get_all(spec.name) {
                    match value.to_str() {
                        Ok(text) => texts.push(text.to_owned()),
                        Err(_) => errors.push(ValidationError::new(
                            pointer(spec.name, None),
                            "type",
                            "the header is not visible ASCII text; send it as text",
                        )),
                    }
                }
                texts
            }
        };
        if let Some(given) = check(spec, texts, errors) {
            parameters.values.push((spec.name, given));
        }
    }
    parameters
}

/// The value of one parameter, or `None` (with the problem in `errors`) when it is
/// missing or wrong.
fn check(
    spec: &'static ParameterSpec,
    texts: Vec<String>,
    errors: &mut Vec<ValidationError>,
) -> Option<Given> {
    let location = spec.location.as_str();
    if texts.is_empty() {
        if spec.required {
            errors.push(ValidationError::new(
                pointer(spec.name, None),
                "required",
                format!("a required {location} parameter is missing; add it"),
            ));
        }
        return None;
    }
    if spec.kind != ParameterKind::StringArray && texts.len() > 1 {
        errors.push(ValidationError::new(
            pointer(spec.name, None),
            "type",
            format!("the {location} parameter is given more than once; send it once"),
        ));
        return None;
    }
    let mut fine = true;
    for (index, text) in texts.iter().enumerate() {
        let index = (spec.kind == ParameterKind::StringArray).then_some(index);
        if !spec.kind.accepts(text) {
            errors.push(ValidationError::new(
                pointer(spec.name, index),
                "type",
                format!(
                    "the {location} parameter must be {}; fix its value",
                    spec.kind.describe()
                ),
            ));
            fine = false;
        } else if let Some(rule) = spec.rule
            && let Err(invalid) = rule(text)
        {
            errors.push(ValidationError::from_invalid(
                pointer(spec.name, index),
                invalid,
            ));
            fine = false;
        }
    }
    if !fine {
        return None;
    }
    Some(match spec.kind {
        ParameterKind::StringArray => Given::Many(texts),
        _ => Given::One(texts.into_iter().next().unwrap_or_default()),
    })
}

fn pointer(name: &str, index: Option<usize>) -> String {
    let mut pointer = String::new();
    push_token(&mut pointer, name);
    if let Some(index) = index {
        pointer.push('/');
        pointer.push_str(&index.to_string());
    }
    pointer
}

#[cfg(test)]
mod tests {
    use hyper::header::HeaderValue;
    use stablemint_wire::{Auth, Method, ResponseSpec, Status};

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
        let mut errors = Vec::new();
        let parameters = read(
            &OPERATION,
            &[("id", "a b".to_owned())],
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
    fn an_unknown_parameter_gets_a_hint_and_values_are_never_repeated() {
        let mut errors = Vec::new();
        read(
            &OPERATION,
            &[("id", "x".to_owned())],
            Some("active=true&curency=secret-value"),
            &HeaderMap::new(),
            UnknownFields::Reject,
            &mut errors,
        );
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message().contains("did you mean `currency`?"));
        assert!(!errors[0].message().contains("secret-value"));
        let mut errors = Vec::new();
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
