//! Which Rust type typify 0.8 generates for a schema, as progenitor 0.15.1 drives it in
//! this project (`format: date` converted to `String`). The classifier compares the two
//! sides' types to decide the Rust level of rules whose level depends on it.
//!
//! What typify does, read from its source and checked by the tests below against what
//! this crate generates:
//!
//! - a string with `minLength`, `maxLength` or `pattern` (even `minLength: 0`) becomes a
//!   newtype over `String` that validates in `TryFrom`; `format: uuid` gives `Uuid`,
//!   whatever the constraints; `format: date` with a constraint is no longer matched by
//!   the project's conversion and becomes `chrono::NaiveDate`; a format that typify does
//!   not know (`email`, `iso4217`) is a plain `String`;
//! - an integer's type follows its `format` and its bounds: `minimum: 0` gives `u64`,
//!   `minimum: 1` gives `NonZeroU64` (`NonZeroU32` with `int32`);
//! - a number is `f32` with `format: float`, `f64` otherwise; bounds change nothing;
//! - `nullable: true` wraps the type in `Option`.

use serde_json::Value;

/// The Rust type typify generates for `schema`, as a short display string (`String`,
/// `i64`, `NonZeroU64`, `Vec<String>`, `types::UserKyc`, `a validated newtype`).
///
/// Two schemas with the same result generate the same Rust type (in the same place).
pub(crate) fn rust_type(schema: &Value) -> String {
    let Some(map) = schema.as_object() else {
        return "serde_json::Value".into();
    };
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        return match reference.strip_prefix("#/components/schemas/") {
            Some(name) => format!("types::{name}"),
            None => reference.to_owned(),
        };
    }
    let inner = match map.get("type").and_then(Value::as_str) {
        _ if map.contains_key("enum") => "an enum".to_owned(),
        Some("string") => string_type(schema),
        Some("integer") => integer_type(schema),
        Some("number") => match map.get("format").and_then(Value::as_str) {
            Some("float") => "f32".into(),
            _ => "f64".into(),
        },
        Some("boolean") => "bool".into(),
        Some("array") => {
            let items = map
                .get("items")
                .map_or("serde_json::Value".into(), rust_type);
            if map.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
                format!("a set of {items}")
            } else {
                format!("Vec<{items}>")
            }
        }
        Some("object") => {
            if map.contains_key("properties") {
                "a struct".into()
            } else {
                "serde_json::Map".into()
            }
        }
        Some(other) => other.to_owned(),
        None if map.contains_key("properties") => "a struct".into(),
        None => ["allOf", "oneOf", "anyOf"]
            .into_iter()
            .find(|k| map.contains_key(*k))
            .map_or("serde_json::Value".into(), |k| format!("an `{k}` type")),
    };
    if map.get("nullable").and_then(Value::as_bool) == Some(true) {
        format!("Option<{inner}>")
    } else {
        inner
    }
}

fn string_type(schema: &Value) -> String {
    let constrained = ["minLength", "maxLength", "pattern"]
        .iter()
        .any(|k| schema.get(*k).is_some());
    match schema.get("format").and_then(Value::as_str) {
        Some("uuid") => "Uuid".into(),
        Some("date") if constrained => "NaiveDate".into(),
        Some("date-time") => "DateTime<Utc>".into(),
        Some("ip") => "IpAddr".into(),
        Some("ipv4") => "Ipv4Addr".into(),
        Some("ipv6") => "Ipv6Addr".into(),
        _ if constrained => "a validated newtype".into(),
        _ => "String".into(),
    }
}

/// typify's integer formats, most restrictive first: format, type, non-zero type, and
/// the type's range.
const INTEGERS: &[(&str, &str, &str, f64, f64)] = &[
    ("int8", "i8", "NonZeroU8", i8::MIN as f64, i8::MAX as f64),
    ("uint8", "u8", "NonZeroU8", u8::MIN as f64, u8::MAX as f64),
    (
        "int16",
        "i16",
        "NonZeroU16",
        i16::MIN as f64,
        i16::MAX as f64,
    ),
    (
        "uint16",
        "u16",
        "NonZeroU16",
        u16::MIN as f64,
        u16::MAX as f64,
    ),
    ("int", "i32", "NonZeroU32", i32::MIN as f64, i32::MAX as f64),
    (
        "int32",
        "i32",
        "NonZeroU32",
        i32::MIN as f64,
        i32::MAX as f64,
    ),
    (
        "uint",
        "u32",
        "NonZeroU32",
        u32::MIN as f64,
        u32::MAX as f64,
    ),
    (
        "uint32",
        "u32",
        "NonZeroU32",
        u32::MIN as f64,
        u32::MAX as f64,
    ),
    (
        "int64",
        "i64",
        "NonZeroU64",
        i64::MIN as f64,
        i64::MAX as f64,
    ),
    (
        "uint64",
        "u64",
        "NonZeroU64",
        u64::MIN as f64,
        u64::MAX as f64,
    ),
];

/// typify 0.8's `convert_integer`, for OpenAPI 3.0's boolean `exclusiveMinimum` and
/// `exclusiveMaximum`.
fn integer_type(schema: &Value) -> String {
    let number = |k: &str| schema.get(k).and_then(Value::as_f64);
    let flag = |k: &str| schema.get(k).and_then(Value::as_bool) == Some(true);
    let mut min = number("minimum").map(|m| if flag("exclusiveMinimum") { m + 1.0 } else { m });
    let mut max = number("maximum").map(|m| if flag("exclusiveMaximum") { m - 1.0 } else { m });
    let multiple = schema.get("multipleOf").is_some();
    if let Some(format) = schema.get("format").and_then(Value::as_str)
        && let Some((_, ty, nz, imin, imax)) = INTEGERS.iter().find(|row| row.0 == format)
    {
        let valid_min = min.is_none_or(|m| m >= *imin);
        let valid_max = max.is_none_or(|m| m <= *imax);
        if !multiple && valid_min && valid_max {
            return if min == Some(1.0) { nz } else { ty }.to_string();
        }
        min = min.or(Some(*imin));
        max = max.or(Some(*imax));
    }
    let same = |a: f64, b: f64| (a - b).abs() <= f64::EPSILON;
    let found = match (min, max) {
        (None, Some(max)) => INTEGERS
            .iter()
            .rev()
            .find(|row| same(row.4, max))
            .map(|row| row.1),
        (Some(min), None) => INTEGERS.iter().rev().find_map(|row| {
            if min == 1.0 {
                Some(row.2)
            } else {
                same(row.3, min).then_some(row.1)
            }
        }),
        (Some(min), Some(max)) => INTEGERS.iter().rev().find_map(|row| {
            if min == 1.0 {
                Some(row.2)
            } else {
                (same(row.4, max) && same(row.3, min)).then_some(row.1)
            }
        }),
        (None, None) => None,
    };
    found.unwrap_or("i64").to_owned()
}

#[cfg(test)]
mod tests {
    //! The model against what this crate generates for one schema with a property of
    //! each kind.

    use super::rust_type;
    use serde_json::Value;

    const PROPERTIES: &str = r##"
        plain: {type: string}
        email: {type: string, format: email}
        max: {type: string, maxLength: 5}
        min: {type: string, minLength: 2}
        min0: {type: string, minLength: 0}
        id: {type: string, format: uuid}
        id_max: {type: string, format: uuid, maxLength: 50}
        day: {type: string, format: date}
        choice: {type: string, enum: [a, b]}
        int: {type: integer}
        int32: {type: integer, format: int32}
        int64: {type: integer, format: int64}
        min_0: {type: integer, minimum: 0}
        min_1: {type: integer, minimum: 1}
        min_neg: {type: integer, minimum: -5}
        max_10: {type: integer, maximum: 10}
        int32_min_0: {type: integer, format: int32, minimum: 0}
        int32_min_1: {type: integer, format: int32, minimum: 1}
        int64_min_5: {type: integer, format: int64, minimum: 5}
        num: {type: number}
        float: {type: number, format: float}
        double: {type: number, format: double}
        num_min: {type: number, minimum: 0}
        flag: {type: boolean}
        list: {type: array, items: {type: string}}
        map: {type: object, additionalProperties: true}
        maybe: {type: string, nullable: true}
        other: {$ref: "#/components/schemas/Other"}
    "##;

    /// Schemas the generator refuses, because their code would not compile without
    /// crates `stablemint-raw` does not depend on (`regress`, `chrono`) or a rule cannot
    /// be put on their newtype. A spec edit may still add them, so the model must know
    /// them: they are probed through progenitor alone, whose choice for them is the
    /// generator's (the `date` conversion does not match a constrained date).
    const REFUSED: &str = r##"
        email_max: {type: string, format: email, maxLength: 50}
        pattern: {type: string, pattern: "^a+$"}
        day_max: {type: string, format: date, maxLength: 10}
    "##;

    /// The generated struct's fields as (wire name, Rust type with the `Option` of
    /// optional fields and the paths removed, and newtypes and enums named by kind),
    /// through the project's generator or, for [`REFUSED`], progenitor alone.
    fn generated_fields(properties: &str, refused: bool) -> Vec<(String, String)> {
        let properties: String = properties
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| format!("        {}\n", l.trim()))
            .collect();
        // One signed operation, as every operation of this project is.
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    post:\n      \
             operationId: a\n      x-stablemint: {{signedField: signed}}\n      parameters:\n        \
             - {{name: api_key, in: header, required: true, schema: {{type: string}}}}\n        \
             - {{name: timestamp, in: header, required: true, schema: {{type: integer}}}}\n        \
             - {{name: signature, in: header, required: true, schema: {{type: string}}}}\n      \
             requestBody:\n        required: true\n        content:\n          \
             application/json:\n            schema: {{$ref: '#/components/schemas/Probe'}}\n      \
             responses:\n        '200':\n          description: ok\n          content:\n            \
             application/json:\n              schema: {{$ref: '#/components/schemas/Probe'}}\n\
             components:\n  schemas:\n    \
             Other: {{type: object, properties: {{x: {{type: string}}}}}}\n    Probe:\n      \
             type: object\n      required: [signed]\n      properties:\n        \
             signed: {{type: string}}\n{properties}"
        );
        let file: syn::File = if refused {
            let value: Value = serde_yaml::from_str(&spec).unwrap();
            let spec: openapiv3::OpenAPI = serde_json::from_value(value).unwrap();
            let mut settings = progenitor::GenerationSettings::default();
            settings.with_interface(progenitor::InterfaceStyle::Positional);
            let tokens = progenitor::Generator::new(&settings)
                .generate_tokens(&spec)
                .expect("progenitor generates the refused probes");
            syn::parse2(tokens).expect("generated code parses")
        } else {
            let client =
                stablemint_codegen::generate_from_str(&spec, std::path::Path::new("probe.yaml"))
                    .expect("the probe spec generates")
                    .client;
            syn::parse_str(&client).expect("generated code parses")
        };
        let types = file
            .items
            .iter()
            .find_map(|i| match i {
                syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|c| &c.1),
                _ => None,
            })
            .expect("a types module");
        let kind = |name: &str| {
            types.iter().find_map(|item| match item {
                syn::Item::Struct(s) if s.ident == name => {
                    Some(if matches!(s.fields, syn::Fields::Unnamed(_)) {
                        "a validated newtype".to_owned()
                    } else {
                        "a struct".to_owned()
                    })
                }
                syn::Item::Enum(e) if e.ident == name => Some("an enum".to_owned()),
                _ => None,
            })
        };
        let probe = types
            .iter()
            .find_map(|item| match item {
                syn::Item::Struct(s) if s.ident == "Probe" => Some(s),
                _ => None,
            })
            .expect("struct Probe");
        probe
            .fields
            .iter()
            .map(|field| {
                let wire = field.ident.as_ref().unwrap().to_string();
                let ty = &field.ty;
                let text = quote::quote!(#ty).to_string().replace(' ', "");
                let text = text
                    .strip_prefix("::std::option::Option<")
                    .and_then(|t| t.strip_suffix('>'))
                    .unwrap_or(&text)
                    .to_owned();
                let shown = if let Some(k) = kind(&text) {
                    if text == "Other" {
                        "types::Other".into()
                    } else {
                        k
                    }
                } else {
                    text.replace("::std::string::", "")
                        .replace("::std::vec::", "")
                        .replace("::std::num::", "")
                        .replace("::chrono::naive::", "")
                        .replace("::uuid::", "")
                        .replace("::serde_json::", "serde_json::")
                        .replace(
                            "serde_json::Map<String,serde_json::Value>",
                            "serde_json::Map",
                        )
                };
                (wire, shown)
            })
            .collect()
    }

    #[test]
    fn model_matches_what_typify_generates() {
        // `signed` is the probe operation's signed field, not one of the probes.
        let generated: Vec<(String, String)> = generated_fields(PROPERTIES, false)
            .into_iter()
            .chain(generated_fields(REFUSED, true))
            .filter(|(wire, _)| wire != "signed")
            .collect();
        let mut schemas: Value = serde_yaml::from_str(PROPERTIES).unwrap();
        let refused: Value = serde_yaml::from_str(REFUSED).unwrap();
        let schemas = schemas.as_object_mut().unwrap();
        schemas.extend(refused.as_object().unwrap().clone());
        assert_eq!(generated.len(), schemas.len(), "{generated:?}");
        for (wire, ty) in &generated {
            let modelled = rust_type(&schemas[wire]);
            // typify turns `nullable` into an `Option` that the optional field's own
            // `Option` absorbs.
            let modelled = modelled
                .strip_prefix("Option<")
                .and_then(|t| t.strip_suffix('>'))
                .map_or(modelled.clone(), str::to_owned);
            assert_eq!(&modelled, ty, "property `{wire}`");
        }
        // The facts the rule table relies on, spelled out.
        let of = |wire: &str| generated.iter().find(|(w, _)| w == wire).unwrap().1.clone();
        assert_eq!(of("max"), "a validated newtype");
        assert_eq!(of("min0"), "a validated newtype");
        assert_eq!(of("email"), "String");
        assert_eq!(of("email_max"), "a validated newtype");
        assert_eq!(of("id_max"), "Uuid");
        assert_eq!(of("day"), "String");
        assert_eq!(of("day_max"), "NaiveDate");
        assert_eq!(of("min_0"), "u64");
        assert_eq!(of("min_1"), "NonZeroU64");
        assert_eq!(of("int32_min_1"), "NonZeroU32");
        assert_eq!(of("num_min"), "f64");
        assert_eq!(of("choice"), "an enum");
    }
}
