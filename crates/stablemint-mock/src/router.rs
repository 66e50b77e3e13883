//! Which operation a request is for, from the spec's path templates.
//!
//! As OpenAPI says, a concrete path is matched before a templated one
//! (`/session/embedded` before `/session/{sessionId}`): of the templates that match a
//! path, the one with a literal segment where the others have a variable wins, from
//! the left. The method is looked up on that path only, so a known path with another
//! method is a 405 with the path's methods in `Allow`.

use stablemint_wire::{Method, OperationSpec};

/// A request matched to an operation, with its path parameters.
pub(crate) struct Matched {
    pub(crate) operation: &'static OperationSpec,
    /// `(name, value)`, the value as sent (percent-encoded: decoding it, and refusing
    /// what does not decode to text, is the parameters' check); in the path's order.
    pub(crate) path_parameters: Vec<(&'static str, String)>,
}

/// Why a request matches no operation.
pub(crate) enum Unmatched {
    /// No path template matches.
    NotFound,
    /// The path is known, but not with this method; the methods it has.
    MethodNotAllowed(Vec<Method>),
}

/// The routes of a server: its operations, grouped by path template.
pub(crate) struct Router {
    paths: Vec<Route>,
}

struct Route {
    template: &'static str,
    segments: Vec<Segment>,
    operations: Vec<&'static OperationSpec>,
}

enum Segment {
    Literal(&'static str),
    Variable(&'static str),
}

impl Router {
    pub(crate) fn new(operations: &'static [OperationSpec]) -> Self {
        let mut paths: Vec<Route> = Vec::new();
        for operation in operations {
            match paths.iter_mut().find(|r| r.template == operation.path) {
                Some(route) => route.operations.push(operation),
                None => paths.push(Route {
                    template: operation.path,
                    segments: segments(operation.path),
                    operations: vec![operation],
                }),
            }
        }
        Self { paths }
    }

    /// What the server serves, for a 404's message: `POST /session/embedded, GET
    /// /session/{sessionId}`, the first ten and how many more.
    pub(crate) fn listing(&self) -> String {
        let all: Vec<String> = self
            .paths
            .iter()
            .flat_map(|route| {
                route
                    .operations
                    .iter()
                    .map(move |op| format!("{} {}", op.method, route.template))
            })
            .collect();
        let mut listed = all.iter().take(10).cloned().collect::<Vec<_>>().join(", ");
        if all.len() > 10 {
            listed.push_str(&format!(" and {} more", all.len() - 10));
        }
        listed
    }

    /// The operation for `method` on `path` (without the query).
    pub(crate) fn route(&self, method: &str, path: &str) -> Result<Matched, Unmatched> {
        let parts: Vec<&str> = path.split('/').skip(1).collect();
        let best = self
            .paths
            .iter()
            .filter(|route| matches(route, &parts))
            .max_by(|a, b| specificity(a).cmp(&specificity(b)))
            .ok_or(Unmatched::NotFound)?;
        let method = Method::parse(method);
        let Some(operation) = best.operations.iter().find(|op| Some(op.method) == method) else {
            let mut allowed: Vec<Method> = best.operations.iter().map(|op| op.method).collect();
            allowed.sort();
            return Err(Unmatched::MethodNotAllowed(allowed));
        };
        let path_parameters = best
            .segments
            .iter()
            .zip(&parts)
            .filter_map(|(segment, part)| match segment {
                Segment::Variable(name) => Some((*name, (*part).to_owned())),
                Segment::Literal(_) => None,
            })
            .collect();
        Ok(Matched {
            operation,
            path_parameters,
        })
    }
}

fn segments(template: &'static str) -> Vec<Segment> {
    template
        .split('/')
        .skip(1)
        .map(|segment| {
            match segment
                .strip_prefix('{')
                .and_then(|rest| rest.strip_suffix('}'))
            {
                Some(name) => Segment::Variable(name),
                None => Segment::Literal(segment),
            }
        })
        .collect()
}

/// Whether `parts` (the path's segments) fit the route: the same number, literals
/// equal, and every variable a non-empty segment.
fn matches(route: &Route, parts: &[&str]) -> bool {
    route.segments.len() == parts.len()
        && route
            .segments
            .iter()
            .zip(parts)
            .all(|(segment, part)| match segment {
                Segment::Literal(literal) => literal == part,
                Segment::Variable(_) => !part.is_empty(),
            })
}

/// Literal segments count for more than variables, the leftmost first.
fn specificity(route: &Route) -> Vec<bool> {
    route
        .segments
        .iter()
        .map(|s| matches!(s, Segment::Literal(_)))
        .collect()
}

#[cfg(test)]
mod tests {
    use stablemint_wire::{Auth, OperationSpec, ResponseSpec, Status};

    use super::*;

    const fn operation(id: &'static str, method: Method, path: &'static str) -> OperationSpec {
        OperationSpec {
            id,
            method,
            path,
            parameters: &[],
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
        }
    }

    static OPERATIONS: [OperationSpec; 4] = [
        operation("create", Method::Post, "/session/embedded"),
        operation("get", Method::Get, "/session/{sessionId}"),
        operation("delete", Method::Delete, "/session/{sessionId}"),
        operation("note", Method::Put, "/session/{sessionId}/note"),
    ];

    /// The operation's id and the path parameters, or the status and `Allow`.
    type Found = Result<(&'static str, Vec<(&'static str, String)>), String>;

    fn found(method: &str, path: &str) -> Found {
        match Router::new(&OPERATIONS).route(method, path) {
            Ok(m) => Ok((m.operation.id, m.path_parameters)),
            Err(Unmatched::NotFound) => Err("404".into()),
            Err(Unmatched::MethodNotAllowed(allowed)) => Err(format!(
                "405 {}",
                allowed
                    .iter()
                    .map(|m| m.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            )),
        }
    }

    #[test]
    fn concrete_paths_win_and_variables_are_taken_as_sent() {
        assert_eq!(found("POST", "/session/embedded"), Ok(("create", vec![])));
        assert_eq!(
            found("GET", "/session/a%20b%2Fc"),
            Ok(("get", vec![("sessionId", "a%20b%2Fc".to_owned())]))
        );
        assert_eq!(
            found("PUT", "/session/s-1/note"),
            Ok(("note", vec![("sessionId", "s-1".to_owned())]))
        );
        // `/session/embedded` is a concrete path: GET is not allowed there.
        assert_eq!(found("GET", "/session/embedded"), Err("405 POST".into()));
        assert_eq!(found("PATCH", "/session/x"), Err("405 GET,DELETE".into()));
        assert_eq!(found("BREW", "/session/x"), Err("405 GET,DELETE".into()));
    }

    #[test]
    fn the_listing_names_every_operation_up_to_ten() {
        assert_eq!(
            Router::new(&OPERATIONS).listing(),
            "POST /session/embedded, GET /session/{sessionId}, DELETE /session/{sessionId}, \
             PUT /session/{sessionId}/note"
        );
    }

    #[test]
    fn unknown_paths_are_not_found() {
        for path in [
            "/",
            "/session",
            "/session/",
            "/session/x/y",
            "/session/x/note/z",
            "",
        ] {
            assert_eq!(found("GET", path), Err("404".into()), "{path:?}");
        }
    }
}
