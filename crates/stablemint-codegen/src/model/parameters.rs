//! The parameters an operation binds, read from the parameters as written and checked:
//! path, query and header parameters that are text, numbers, booleans or lists of text,
//! the authentication headers set aside.

use stablemint_wire::{Location, ParameterKind};

use super::schema::{Schema, Schemas};
use super::written::WrittenParam;
use crate::declaration::AUTH_HEADERS;

/// One parameter.
pub(crate) struct ParamModel<'d> {
    /// Its name.
    pub name: &'d str,
    /// Where it goes.
    pub location: Location,
    /// `required: true`.
    pub required: bool,
    /// What its value is.
    pub kind: ParameterKind,
    /// The `format` of its value (of each item, for a list).
    pub format: Option<&'d str>,
    /// Its `description`.
    pub description: Option<&'d str>,
}

/// The operation's parameters (path-level ones overridden by the operation's own of the
/// same name and place), and the names of the authentication headers among them.
pub(super) fn read_parameters<'d>(
    schemas: &Schemas<'d>,
    path: &'d str,
    written: &[WrittenParam<'d>],
    here: &str,
) -> Result<(Vec<ParamModel<'d>>, Vec<&'static str>), String> {
    // The same name and place, as written (whatever their values are).
    let key = |p: &WrittenParam<'d>| (p.value.get("name"), p.value.get("in"));
    let mut declared: Vec<&WrittenParam<'d>> = Vec::new();
    for parameter in written {
        if !parameter.path_level {
            declared.retain(|p| key(p) != key(parameter));
        }
        declared.push(parameter);
    }

    let mut parameters = Vec::new();
    let mut auth = Vec::new();
    for parameter in declared {
        let name = parameter
            .name
            .filter(|n| !n.is_empty())
            .ok_or_else(|| format!("{here} has a parameter without a `name`"))?;
        let location = match parameter.location {
            Some("path") => Location::Path,
            Some("query") => Location::Query,
            Some("header") => Location::Header,
            other => {
                return Err(format!(
                    "{here}: parameter `{name}` is in `{}`; the generator binds path, query \
                     and header parameters only",
                    other.unwrap_or("?")
                ));
            }
        };
        let required = parameter.required;
        if location == Location::Header
            && let Some(auth_header) = AUTH_HEADERS.iter().find(|h| **h == name)
        {
            if !required {
                return Err(format!(
                    "{here}: the authentication header `{name}` must be `required: true`"
                ));
            }
            auth.push(*auth_header);
            continue;
        }
        if location == Location::Path && !required {
            return Err(format!(
                "{here}: path parameter `{name}` must be `required: true`, as OpenAPI requires"
            ));
        }
        if parameters.iter().any(|p: &ParamModel<'_>| p.name == name) {
            return Err(format!(
                "{here} has two parameters named `{name}`; the generated methods name \
                 arguments after parameters, so rename one"
            ));
        }
        let schema = parameter
            .schema
            .as_ref()
            .ok_or_else(|| format!("{here}: parameter `{name}` has no `schema`; give it one"))?;
        let (kind, format) = param_kind(schemas, schemas.resolve(schema)).ok_or_else(|| {
            format!(
                "{here}: parameter `{name}` must be a string, integer, number, boolean or an \
                 array of strings"
            )
        })?;
        parameters.push(ParamModel {
            name,
            location,
            required,
            kind,
            format,
            description: parameter.description,
        });
    }
    for variable in path_variables(path) {
        if !parameters
            .iter()
            .any(|p| p.location == Location::Path && p.name == variable)
        {
            return Err(format!(
                "{here}: the path has `{{{variable}}}` but no path parameter `{variable}`; \
                 declare it"
            ));
        }
    }
    for parameter in parameters.iter().filter(|p| p.location == Location::Path) {
        if !path_variables(path).any(|v| v == parameter.name) {
            return Err(format!(
                "{here}: path parameter `{}` does not appear in the path; add \
                 `{{{}}}` to it or move the parameter",
                parameter.name, parameter.name
            ));
        }
    }
    Ok((parameters, auth))
}

/// The `{name}`s of a path template, in order.
pub(crate) fn path_variables(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter_map(|segment| {
        segment
            .strip_prefix('{')
            .and_then(|rest| rest.strip_suffix('}'))
    })
}

/// The kind of a parameter whose schema (its `$ref` followed) is `schema`, and the
/// `format` of its value (of each item, for a list); `None` for a kind the generator
/// does not bind.
fn param_kind<'d>(
    schemas: &Schemas<'d>,
    schema: &Schema<'d>,
) -> Option<(ParameterKind, Option<&'d str>)> {
    let format = schema.format;
    let kind = match schema.ty? {
        "string" => ParameterKind::String,
        "integer" if format == Some("int32") => ParameterKind::Int32,
        "integer" => ParameterKind::Int64,
        "number" => ParameterKind::Number,
        "boolean" => ParameterKind::Boolean,
        "array" => {
            let items = schemas.resolve(schema.items.as_deref()?);
            if items.ty != Some("string") {
                return None;
            }
            return Some((ParameterKind::StringArray, items.format));
        }
        _ => return None,
    };
    Some((kind, format))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_variables_in_order() {
        let found: Vec<&str> = path_variables("/a/{x}/b/{y}").collect();
        assert_eq!(found, ["x", "y"]);
        assert_eq!(path_variables("/plain").count(), 0);
    }
}
