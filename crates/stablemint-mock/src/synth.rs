//! Answers made from the spec: a JSON value that validates against a response's schema.
//!
//! Each property's value comes from the first of:
//!
//! 1. the sources, in order: objects whose property of the same name is taken when its
//!    JSON type fits the schema (the mock's fixtures, then the request's own parameters
//!    and body, so that `GET /session/{sessionId}` answers with that `sessionId`; for an
//!    error body, the mock's own `code`, `message` and `errors`);
//! 2. a fresh value for `format: uuid`, drawn from the answer's generator, so that two
//!    created resources never share an id;
//! 3. the schema's `example` (or the response's, for the whole body);
//! 4. a value made up from the schema: the first `enum` value, `minimum`, a text
//!    of `minLength`, one item of an array, the required properties of an object.
//!
//! Optional properties are left out unless a source or an example gives them. The same
//! schema, sources and generator seed give the same value, so an idempotent replay is
//! the first answer byte for byte.

use serde_json::{Map, Number, Value};

/// How deep an answer may nest; deeper schemas (only a schema that contains itself goes
/// that deep) are cut with `null`.
const MAX_DEPTH: usize = 32;

/// What an answer is made from besides the schema.
pub(crate) struct Synth<'s> {
    /// Objects whose properties are taken by name, first match first.
    pub(crate) sources: Vec<&'s Map<String, Value>>,
    /// How many of the first sources are trusted to fit the schema already (the mock's
    /// own fixtures, written from the generated types): their values are taken whole,
    /// not made again item by item.
    pub(crate) trusted: usize,
    /// Draws the fresh ids.
    pub(crate) rng: fastrand::Rng,
    /// The server time, Unix seconds, for made-up dates.
    pub(crate) now: i64,
}

impl Synth<'_> {
    /// A value for `schema`; `example` is the response's own example, if it has one.
    pub(crate) fn answer(&mut self, schema: &Value, example: Option<&Value>) -> Value {
        let sources = self.sources.clone();
        let trusted = std::mem::take(&mut self.trusted);
        let answer = self.value_trusting(schema, &sources, trusted, example);
        self.trusted = trusted;
        answer
    }

    /// The top-level value, whose first `trusted` sources are taken whole.
    fn value_trusting(
        &mut self,
        schema: &Value,
        sources: &[&Map<String, Value>],
        trusted: usize,
        example: Option<&Value>,
    ) -> Value {
        if trusted == 0 || schema.get("type").and_then(Value::as_str) != Some("object") {
            return self.value(schema, sources, example, 0);
        }
        let Value::Object(mut out) = self.value(schema, &sources[trusted..], example, 0) else {
            return self.value(schema, sources, example, 0);
        };
        if let Some(Value::Object(properties)) = schema.get("properties") {
            for (name, property) in properties {
                let fixture = sources[..trusted]
                    .iter()
                    .find_map(|s| s.get(name).filter(|v| type_fits(v, property)));
                if let Some(value) = fixture {
                    out.insert(name.clone(), value.clone());
                }
            }
        }
        Value::Object(out)
    }

    fn value(
        &mut self,
        schema: &Value,
        sources: &[&Map<String, Value>],
        example: Option<&Value>,
        depth: usize,
    ) -> Value {
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            for part in parts {
                if let Value::Object(map) = self.value(part, sources, None, depth + 1) {
                    merged.extend(map);
                }
            }
            return Value::Object(merged);
        }
        if let Some(first) = ["oneOf", "anyOf"]
            .iter()
            .find_map(|k| schema.get(*k)?.as_array()?.first())
        {
            return self.value(first, sources, example, depth + 1);
        }
        let example = example.or_else(|| schema.get("example"));
        match schema.get("type").and_then(Value::as_str) {
            Some("object") => self.object(schema, sources, example, depth),
            Some("array") => self.array(schema, sources, example, depth),
            Some("string") => self.string(schema, example),
            Some("integer") => example
                .filter(|e| e.is_i64() || e.is_u64())
                .cloned()
                .unwrap_or_else(|| Value::from(integer(schema))),
            Some("number") => example
                .filter(|e| e.is_number())
                .cloned()
                .unwrap_or_else(|| number(schema)),
            Some("boolean") => example
                .filter(|e| e.is_boolean())
                .cloned()
                .unwrap_or(Value::Bool(true)),
            _ if schema.get("properties").is_some() => self.object(schema, sources, example, depth),
            _ => example.cloned().unwrap_or(Value::Null),
        }
    }

    fn object(
        &mut self,
        schema: &Value,
        sources: &[&Map<String, Value>],
        example: Option<&Value>,
        depth: usize,
    ) -> Value {
        let example = example.and_then(Value::as_object);
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut out = Map::new();
        let Some(Value::Object(properties)) = schema.get("properties") else {
            if let Some(example) = example {
                return Value::Object(example.clone());
            }
            return Value::Object(out);
        };
        for (name, property) in properties {
            let sourced = sources
                .iter()
                .find_map(|source| fitting(source.get(name)?, property));
            let inner_example = example.and_then(|e| e.get(name));
            let value = match sourced {
                Some(value) => {
                    let nested: Vec<&Map<String, Value>> = value.as_object().into_iter().collect();
                    match &value {
                        Value::Array(items) => self.items(property, items, depth),
                        Value::Object(_) if property.get("properties").is_some() => {
                            self.value(property, &nested, inner_example, depth + 1)
                        }
                        _ => value,
                    }
                }
                None if required.contains(&name.as_str())
                    || inner_example.is_some()
                    || property.get("example").is_some() =>
                {
                    self.value(property, &[], inner_example, depth + 1)
                }
                None => continue,
            };
            out.insert(name.clone(), value);
        }
        Value::Object(out)
    }

    /// A sourced array: each item made against the items' schema, with the sourced item
    /// (when it is an object) as the source of its properties.
    fn items(&mut self, schema: &Value, items: &[Value], depth: usize) -> Value {
        let item_schema = schema.get("items").unwrap_or(&Value::Null);
        Value::Array(
            items
                .iter()
                .map(|item| match item {
                    Value::Object(map) => self.value(item_schema, &[map], None, depth + 1),
                    other => fitting(other, item_schema)
                        .unwrap_or_else(|| self.value(item_schema, &[], None, depth + 1)),
                })
                .collect(),
        )
    }

    fn array(
        &mut self,
        schema: &Value,
        sources: &[&Map<String, Value>],
        example: Option<&Value>,
        depth: usize,
    ) -> Value {
        if let Some(Value::Array(items)) = example {
            return self.items(schema, items, depth);
        }
        let count = schema
            .get("minItems")
            .and_then(Value::as_u64)
            .unwrap_or(1)
            .clamp(1, 16);
        let items = schema.get("items").unwrap_or(&Value::Null);
        Value::Array(
            (0..count)
                .map(|_| self.value(items, sources, None, depth + 1))
                .collect(),
        )
    }

    fn string(&mut self, schema: &Value, example: Option<&Value>) -> Value {
        let format = schema.get("format").and_then(Value::as_str);
        if format == Some("uuid") {
            let bytes = self.rng.u128(..).to_le_bytes();
            return Value::from(
                uuid::Builder::from_random_bytes(bytes)
                    .into_uuid()
                    .to_string(),
            );
        }
        if let Some(example) = example.filter(|e| e.is_string()) {
            return example.clone();
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|values| values.iter().find(|v| v.is_string()))
        {
            return first.clone();
        }
        let text = match format {
            Some("date") => date(self.now),
            Some("date-time") => date_time(self.now),
            Some("email") => "user@example.com".to_owned(),
            Some("uri") => "https://example.com/".to_owned(),
            Some("iso3166-alpha2") => "DE".to_owned(),
            Some("iso4217") => "EUR".to_owned(),
            _ => "text".to_owned(),
        };
        let min = schema
            .get("minLength")
            .and_then(Value::as_u64)
            .map_or(0, |n| usize::try_from(n.min(4096)).unwrap_or(0));
        let max = schema
            .get("maxLength")
            .and_then(Value::as_u64)
            .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
        let mut text: String = text.chars().take(max).collect();
        while text.chars().count() < min {
            text.push('x');
        }
        Value::from(text)
    }
}

/// `value` if its JSON type is what `schema` takes, converting the texts that
/// parameters arrive as into numbers and booleans where the schema asks for those.
pub(crate) fn fitting(value: &Value, schema: &Value) -> Option<Value> {
    let ty = schema.get("type").and_then(Value::as_str);
    match (ty, value) {
        (Some("string"), Value::String(text)) => {
            let fits = match schema.get("format").and_then(Value::as_str) {
                Some("uuid") => uuid::Uuid::parse_str(text).is_ok(),
                _ => true,
            };
            let in_enum = schema
                .get("enum")
                .and_then(Value::as_array)
                .is_none_or(|values| values.contains(value));
            (fits && in_enum).then(|| value.clone())
        }
        (Some("integer"), Value::Number(n)) if n.is_i64() || n.is_u64() => Some(value.clone()),
        (Some("integer"), Value::String(text)) => text.parse::<i64>().ok().map(Value::from),
        (Some("number"), Value::Number(_)) => Some(value.clone()),
        (Some("number"), Value::String(text)) => text
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number),
        (Some("boolean"), Value::Bool(_)) => Some(value.clone()),
        (Some("boolean"), Value::String(text)) => match text.as_str() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        (Some("array"), Value::Array(_)) => Some(value.clone()),
        (Some("object"), Value::Object(_)) => Some(value.clone()),
        (None, Value::Object(_)) if schema.get("properties").is_some() => Some(value.clone()),
        _ => None,
    }
}

/// Whether `value` has the JSON type `schema` asks for (for an array, and the type of
/// its items), without looking deeper: enough for values the mock made itself.
fn type_fits(value: &Value, schema: &Value) -> bool {
    fn matches(value: &Value, schema: &Value) -> bool {
        match (schema.get("type").and_then(Value::as_str), value) {
            (Some("string"), Value::String(_)) | (Some("boolean"), Value::Bool(_)) => true,
            (Some("integer"), Value::Number(n)) => n.is_i64() || n.is_u64(),
            (Some("number"), Value::Number(_)) => true,
            (Some("object"), Value::Object(_)) | (Some("array"), Value::Array(_)) => true,
            _ => false,
        }
    }
    match (value, schema.get("items")) {
        (Value::Array(items), Some(item_schema)) => {
            matches(value, schema) && items.iter().all(|item| matches(item, item_schema))
        }
        _ => matches(value, schema),
    }
}

fn integer(schema: &Value) -> i64 {
    let minimum = schema.get("minimum").and_then(Value::as_f64);
    let exclusive = schema.get("exclusiveMinimum").and_then(Value::as_bool) == Some(true);
    let mut value = match minimum {
        Some(min) if exclusive => min.floor() as i64 + 1,
        Some(min) => min.ceil() as i64,
        None => 0,
    };
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
        value = value.min(max.floor() as i64);
    }
    value
}

fn number(schema: &Value) -> Value {
    let minimum = schema.get("minimum").and_then(Value::as_f64);
    let exclusive = schema.get("exclusiveMinimum").and_then(Value::as_bool) == Some(true);
    let value = match minimum {
        Some(min) if exclusive => min + 1.0,
        Some(min) => min,
        None => 0.0,
    };
    Number::from_f64(value).map_or(Value::from(0), Value::Number)
}

/// `unix_seconds` as an RFC 3339 time in UTC, `2026-12-06T08:30:00Z`, within the years
/// 0001 to 9999.
fn date_time(unix_seconds: i64) -> String {
    let day = date(unix_seconds);
    let in_day = unix_seconds.rem_euclid(86_400);
    let (hour, minute, second) = (in_day / 3600, in_day % 3600 / 60, in_day % 60);
    format!("{day}T{hour:02}:{minute:02}:{second:02}Z")
}

/// `YYYY-MM-DD` of Unix seconds, clamped to years 1 to 9999.
fn date(unix_seconds: i64) -> String {
    match stablemint_wire::civil_date(unix_seconds) {
        (year, _, _) if year < 1 => "0001-01-01".to_owned(),
        (year, _, _) if year > 9999 => "9999-12-31".to_owned(),
        (year, month, day) => format!("{year:04}-{month:02}-{day:02}"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn synth<'s>(sources: Vec<&'s Map<String, Value>>, seed: u64) -> Synth<'s> {
        Synth {
            sources,
            trusted: 0,
            rng: fastrand::Rng::with_seed(seed),
            now: 1_700_000_000,
        }
    }

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!("a JSON object"),
        }
    }

    const SESSION: &str = r#"{"type":"object","required":["sessionId","status","expiresAt","count"],
        "properties":{"sessionId":{"type":"string"},"status":{"type":"string","enum":["open","closed"]},
        "expiresAt":{"type":"integer","format":"int64"},"count":{"type":"integer","minimum":3},
        "note":{"type":"string"},"id":{"type":"string","format":"uuid"},
        "tags":{"type":"array","items":{"type":"string"},"example":["a"]}}}"#;

    #[test]
    fn required_properties_are_made_up_and_optional_ones_need_a_source() {
        let schema: Value = serde_json::from_str(SESSION).unwrap();
        let answer = synth(vec![], 1).answer(&schema, None);
        assert_eq!(
            answer,
            json!({"sessionId": "text", "status": "open", "expiresAt": 0, "count": 3, "tags": ["a"]})
        );
    }

    #[test]
    fn sources_fill_by_name_when_the_type_fits() {
        let schema: Value = serde_json::from_str(SESSION).unwrap();
        let fixtures = object(json!({"expiresAt": 1_700_000_900, "status": "gone"}));
        let request = object(json!({"sessionId": "s-1", "count": "12", "note": 5, "id": "nope"}));
        let answer = synth(vec![&fixtures, &request], 1).answer(&schema, None);
        assert_eq!(answer["sessionId"], "s-1");
        assert_eq!(answer["expiresAt"], 1_700_000_900);
        // Not in the enum, not a number, not a UUID: made up instead.
        assert_eq!(answer["status"], "open");
        assert_eq!(answer["count"], 12);
        assert!(answer.get("note").is_none());
        assert!(answer.get("id").is_none());
    }

    #[test]
    fn fresh_ids_follow_the_seed() {
        let schema = json!({"type": "object", "required": ["id"],
            "properties": {"id": {"type": "string", "format": "uuid", "example": "same"}}});
        let one = synth(vec![], 7).answer(&schema, None);
        assert_eq!(one, synth(vec![], 7).answer(&schema, None));
        assert_ne!(one, synth(vec![], 8).answer(&schema, None));
        let id = uuid::Uuid::parse_str(one["id"].as_str().unwrap()).unwrap();
        assert_eq!(id.get_version_num(), 4);
    }

    #[test]
    fn sourced_arrays_of_objects_are_made_item_by_item() {
        let schema = json!({"type": "object", "required": ["errors"], "properties": {
            "errors": {"type": "array", "items": {"type": "object",
                "required": ["pointer", "code"],
                "properties": {"pointer": {"type": "string"}, "code": {"type": "string"},
                               "detail": {"type": "string"}}}}}});
        let own = object(json!({"errors": [
            {"pointer": "/a", "code": "email", "message": "m"},
            {"pointer": "/b", "code": "date"},
        ]}));
        let answer = synth(vec![&own], 1).answer(&schema, None);
        assert_eq!(
            answer,
            json!({"errors": [{"pointer": "/a", "code": "email"}, {"pointer": "/b", "code": "date"}]})
        );
    }

    #[test]
    fn the_responses_example_is_the_base_and_arrays_and_formats_are_made_up() {
        let schema = json!({"type": "object",
            "required": ["when", "day", "list", "link", "mail"], "properties": {
            "when": {"type": "string", "format": "date-time"},
            "day": {"type": "string", "format": "date"},
            "list": {"type": "array", "minItems": 2, "items": {"type": "boolean"}},
            "link": {"type": "string", "format": "uri"},
            "mail": {"type": "string", "format": "email"},
            "named": {"type": "string"}}});
        let example = json!({"named": "from the example"});
        let answer = synth(vec![], 1).answer(&schema, Some(&example));
        assert_eq!(
            answer,
            json!({"when": "2023-11-14T22:13:20Z", "day": "2023-11-14", "list": [true, true],
                   "link": "https://example.com/", "mail": "user@example.com",
                   "named": "from the example"})
        );
        // Every value fits its format as the client's rules read it.
        assert!(stablemint_validate::is_uri(
            answer["link"].as_str().unwrap()
        ));
        assert!(stablemint_validate::is_email(
            answer["mail"].as_str().unwrap()
        ));
        assert!(stablemint_validate::is_date(
            answer["day"].as_str().unwrap()
        ));
        assert_eq!(date_time(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn a_schema_that_contains_itself_ends() {
        let mut schema = json!({"type": "object", "required": ["next"], "properties": {}});
        for _ in 0..40 {
            schema =
                json!({"type": "object", "required": ["next"], "properties": {"next": schema}});
        }
        let answer = synth(vec![], 1).answer(&schema, None);
        assert!(answer.to_string().contains("null"));
    }

    #[test]
    fn dates_at_the_ends() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(951_782_400), "2000-02-29");
        assert_eq!(date(i64::MIN / 2), "0001-01-01");
        assert_eq!(date(i64::MAX / 2), "9999-12-31");
    }
}
