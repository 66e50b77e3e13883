//! Reading a request from JSON text, with every problem reported at once and pointing at
//! its field.
//!
//! serde alone stops at the first problem and silently ignores properties it does not
//! know (a misspelled `idempotencykey` would be dropped, and a retried request would
//! create a second session). So the text is first checked against the type's shape from
//! the spec ([`WireShape`]): it must be a JSON object, every required property present,
//! every property of the right JSON type, and (unless allowed) no unknown property. The
//! problems found are set aside, the value is repaired so that it can be read, and the
//! request's own rules ([`Validate`]) are checked too, except on the repaired fields.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use stablemint_validate::{Validate, ValidationError, ValidationErrors, push_token};

use crate::shape::{Kind, ObjectShape, WireShape};

/// What to do with a property the spec does not define.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UnknownFields {
    /// Report it, with code `unknown` and a hint drawn from the wire names. The default:
    /// a misspelled field would otherwise be silently dropped.
    #[default]
    Reject,
    /// Leave it out, as serde does.
    Ignore,
}

/// Parses a generated request type from JSON and validates it, reporting every problem
/// as a [`ValidationError`] with the JSON Pointer of its field.
///
/// Codes: `json` (not JSON at all, at the pointer `""`), `duplicate` (an object key given
/// twice, see [`read_json`]), `type` (the request is not an object, or a field has the
/// wrong JSON type), `required` (a required field is missing), `unknown` (a field the
/// API does not define, with [`UnknownFields::Reject`]: "did you mean
/// `idempotencyKey`?"), and past those the request's own rules (see [`Validate`]). All
/// problems are reported at once, sorted by pointer. Like every validation error, the
/// messages never repeat the offending value.
///
/// This reads the type alone; [`parse_request`](crate::parse_request) also checks what
/// the operation adds (its idempotency key).
pub fn parse_json<T>(json: &str, unknown: UnknownFields) -> Result<T, ValidationErrors>
where
    T: DeserializeOwned + Validate + WireShape,
{
    from_value(&read_json(json)?, unknown)
}

/// Checks that `value` is a valid request of type `T`, as [`parse_json`] reads it, and
/// drops the result: the [`BodyCheck`](crate::BodyCheck) of an operation whose body is a
/// `T`, as a plain function pointer per type.
pub fn check_value<T>(value: &Value, unknown: UnknownFields) -> Result<(), ValidationErrors>
where
    T: DeserializeOwned + Validate + WireShape,
{
    from_value::<T>(value, unknown).map(drop)
}

/// Reads JSON text into a value, refusing what two readers could read differently: an
/// object key given twice (`{"userId": "a", "userId": "b"}`, which some readers take as
/// `a` and serde as `b`) is an error with code `duplicate` at the pointer of the second
/// one, every such key at once. Text that is not JSON is one error with code `json` at
/// the pointer `""`, saying where.
///
/// ```
/// let errors = stablemint_wire::read_json(r#"{"a": {"b": 1, "b": 2}, "a": 3}"#).unwrap_err();
/// let found: Vec<_> = errors.iter().map(|e| (e.pointer(), e.code())).collect();
/// assert_eq!(found, [("/a", "duplicate"), ("/a/b", "duplicate")]);
/// ```
pub fn read_json(json: &str) -> Result<Value, ValidationErrors> {
    let mut walk = Walk {
        at: String::new(),
        duplicates: Vec::new(),
    };
    let mut reader = serde_json::Deserializer::from_str(json);
    let value = serde::de::DeserializeSeed::deserialize(&mut walk, &mut reader)
        .and_then(|value| reader.end().map(|()| value))
        .map_err(|e| single(syntax_error(&e)))?;
    if walk.duplicates.is_empty() {
        return Ok(value);
    }
    Err(collect(
        walk.duplicates
            .into_iter()
            .map(|pointer| {
                ValidationError::new(
                    pointer,
                    "duplicate",
                    "this key is given more than once in its object, so readers could take \
                     either value; give it once",
                )
            })
            .collect(),
    ))
}

/// Reads a `T` out of `value`, reporting every problem (see [`parse_json`]).
pub(crate) fn from_value<T>(value: &Value, unknown: UnknownFields) -> Result<T, ValidationErrors>
where
    T: DeserializeOwned + Validate + WireShape,
{
    if !value.is_object() {
        return Err(single(ValidationError::new(
            "",
            "type",
            format!(
                "the request must be a JSON object with the fields of {}",
                T::SHAPE.name
            ),
        )));
    }
    let mut found = Found {
        errors: Vec::new(),
        repaired: Vec::new(),
        unknown,
    };
    // Most requests fit their shape and are read as they are; only one that does not
    // is copied, to be repaired so that the rest of it can still be checked.
    let repaired;
    let value = if fits(value, &Kind::Object(T::SHAPE), unknown) {
        value
    } else {
        let mut copy = value.clone();
        found.object(&mut copy, T::SHAPE, &mut String::new());
        repaired = copy;
        &repaired
    };
    let request: T = match serde_path_to_error::deserialize(value) {
        Ok(request) => request,
        Err(error) => {
            // The shape did not cover this (an enum value, a number out of range):
            // report it with the rest.
            found.errors.push(serde_error(&error));
            return Err(collect(found.errors));
        }
    };
    if let Err(errors) = request.validate() {
        for error in errors {
            if !found.repaired.iter().any(|r| is_within(error.pointer(), r)) {
                found.errors.push(error);
            }
        }
    }
    if found.errors.is_empty() {
        Ok(request)
    } else {
        Err(collect(found.errors))
    }
}

/// Whether `value` fits `kind` with nothing to report: what [`Found`] would find no
/// fault with.
fn fits(value: &Value, kind: &Kind, unknown: UnknownFields) -> bool {
    if !is_of_kind(value, kind) {
        return false;
    }
    match (kind, value) {
        (Kind::Array(items), Value::Array(values)) => {
            values.iter().all(|item| fits(item, items, unknown))
        }
        (Kind::Map(values), Value::Object(map)) => {
            map.values().all(|item| fits(item, values, unknown))
        }
        (Kind::Object(shape), Value::Object(map)) => {
            let known = unknown == UnknownFields::Ignore
                || map.keys().all(|key| shape.property(key).is_some());
            known
                && shape
                    .properties
                    .iter()
                    .all(|property| match map.get(property.name) {
                        None => !property.required,
                        Some(Value::Null) if !property.required => true,
                        Some(item) => fits(item, &property.kind, unknown),
                    })
        }
        _ => true,
    }
}

/// Whether `value` is of the JSON type `kind` takes (its items and properties aside).
fn is_of_kind(value: &Value, kind: &Kind) -> bool {
    match (kind, value) {
        (Kind::Any, _) => true,
        (Kind::String, Value::String(_)) => true,
        (Kind::Number, Value::Number(_)) => true,
        (Kind::Int32, Value::Number(n)) => n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        (Kind::Int64, Value::Number(n)) => n.is_i64(),
        (Kind::Boolean, Value::Bool(_)) => true,
        (Kind::Array(_), Value::Array(_)) => true,
        (Kind::Object(_) | Kind::Map(_), Value::Object(_)) => true,
        _ => false,
    }
}

/// Builds a [`Value`] as serde_json does, noting every object key given twice.
struct Walk {
    /// The pointer of the value being read.
    at: String,
    duplicates: Vec<String>,
}

impl<'de> serde::de::DeserializeSeed<'de> for &mut Walk {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, reader: D) -> Result<Value, D::Error> {
        reader.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for &mut Walk {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        loop {
            let len = self.at.len();
            self.at.push('/');
            self.at.push_str(&out.len().to_string());
            let item = items.next_element_seed(&mut *self);
            self.at.truncate(len);
            match item? {
                Some(item) => out.push(item),
                None => return Ok(Value::Array(out)),
            }
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut entries: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = entries.next_key::<String>()? {
            let len = self.at.len();
            push_token(&mut self.at, &key);
            if out.contains_key(&key) {
                self.duplicates.push(self.at.clone());
            }
            let value = entries.next_value_seed(&mut *self);
            self.at.truncate(len);
            out.insert(key, value?);
        }
        Ok(Value::Object(out))
    }
}

fn single(error: ValidationError) -> ValidationErrors {
    collect(vec![error])
}

/// The errors sorted by pointer, as [`Validate`] orders its own.
fn collect(mut errors: Vec<ValidationError>) -> ValidationErrors {
    errors.sort_by(|a, b| a.pointer().cmp(b.pointer()));
    let mut out = ValidationErrors::new();
    for error in errors {
        out.push(error);
    }
    out
}

/// Whether `pointer` is `prefix` or inside it.
fn is_within(pointer: &str, prefix: &str) -> bool {
    pointer == prefix
        || pointer
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The problems found so far, and the pointers whose values were replaced or removed.
struct Found {
    errors: Vec<ValidationError>,
    repaired: Vec<String>,
    unknown: UnknownFields,
}

impl Found {
    /// Checks an object against `shape`, repairing it in place.
    fn object(&mut self, value: &mut Value, shape: &'static ObjectShape, at: &mut String) {
        let Value::Object(map) = value else {
            return;
        };
        let unknown: Vec<String> = map
            .keys()
            .filter(|key| shape.property(key).is_none())
            .cloned()
            .collect();
        for key in unknown {
            map.remove(&key);
            if self.unknown == UnknownFields::Reject {
                let pointer = child(at, &key);
                self.errors.push(ValidationError::new(
                    pointer.clone(),
                    "unknown",
                    unknown_message(&key, shape),
                ));
                self.repaired.push(pointer);
            }
        }
        for property in shape.properties {
            let len = at.len();
            push_token(at, property.name);
            match map.get_mut(property.name) {
                None if property.required => {
                    self.errors.push(ValidationError::new(
                        at.clone(),
                        "required",
                        "a required field is missing; add it",
                    ));
                    self.repaired.push(at.clone());
                    map.insert(property.name.to_owned(), placeholder(&property.kind));
                }
                None => {}
                Some(Value::Null) if !property.required => {}
                Some(slot) => {
                    let fits = self.value(slot, &property.kind, at);
                    match (fits, property.required) {
                        (true, _) => {}
                        (false, true) => *slot = placeholder(&property.kind),
                        (false, false) => {
                            map.remove(property.name);
                        }
                    }
                }
            }
            at.truncate(len);
        }
    }

    /// Checks one value; false (with the error recorded) when its JSON type is wrong,
    /// so that the caller replaces or removes it.
    fn value(&mut self, value: &mut Value, kind: &'static Kind, at: &mut String) -> bool {
        if !is_of_kind(value, kind) {
            let what = if value.is_null() {
                format!("must not be null: give {}", kind.describe())
            } else if matches!(kind, Kind::Int32 | Kind::Int64)
                && value.as_number().is_some_and(|n| n.is_i64() || n.is_u64())
            {
                format!("must be {}: this one is out of range", kind.describe())
            } else {
                format!(
                    "must be {}, not {}; fix the value's type",
                    kind.describe(),
                    json_type(value)
                )
            };
            self.errors
                .push(ValidationError::new(at.clone(), "type", what));
            self.repaired.push(at.clone());
            return false;
        }
        match (kind, value) {
            (Kind::Object(shape), value) => self.object(value, shape, at),
            (Kind::Array(items), Value::Array(values)) => {
                for (index, item) in values.iter_mut().enumerate() {
                    let len = at.len();
                    at.push('/');
                    at.push_str(&index.to_string());
                    if !self.value(item, items, at) {
                        *item = placeholder(items);
                    }
                    at.truncate(len);
                }
            }
            (Kind::Map(values), Value::Object(map)) => {
                for (key, item) in map.iter_mut() {
                    let len = at.len();
                    push_token(at, key);
                    if !self.value(item, values, at) {
                        *item = placeholder(values);
                    }
                    at.truncate(len);
                }
            }
            _ => {}
        }
        true
    }
}

/// A value of the right JSON type, put where a value was missing or wrong so that the
/// rest of the request can still be read and checked.
fn placeholder(kind: &Kind) -> Value {
    match kind {
        Kind::String => Value::String(String::new()),
        Kind::Number | Kind::Int32 | Kind::Int64 => Value::from(1),
        Kind::Boolean => Value::Bool(false),
        Kind::Array(_) => Value::Array(Vec::new()),
        Kind::Map(_) => Value::Object(Map::new()),
        Kind::Object(shape) => {
            let mut map = Map::new();
            for property in shape.properties.iter().filter(|p| p.required) {
                map.insert(property.name.to_owned(), placeholder(&property.kind));
            }
            Value::Object(map)
        }
        Kind::Any => Value::Null,
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "a whole number",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn child(at: &str, key: &str) -> String {
    let mut pointer = at.to_owned();
    push_token(&mut pointer, key);
    pointer
}

/// "is not a field of X; did you mean `y`?", or the list of fields when none is close.
fn unknown_message(key: &str, shape: &ObjectShape) -> String {
    let names = || shape.properties.iter().map(|p| p.name);
    match closest(key, names()) {
        Some(name) => format!(
            "is not a field of {}; did you mean `{name}`? (nothing was sent)",
            shape.name
        ),
        None => {
            let listed: Vec<String> = names().map(|name| format!("`{name}`")).collect();
            format!(
                "is not a field of {}; its fields are {}",
                shape.name,
                listed.join(", ")
            )
        }
    }
}

/// The name among `names` closest to `key`: the same letters in another case, or within
/// a small edit distance (an exchange of two neighbours counts as one edit); `None` when
/// none is close. How "did you mean" hints are chosen for unknown properties and
/// parameters.
///
/// ```
/// let names = ["userId", "idempotencyKey"];
/// assert_eq!(stablemint_wire::closest("idempotencykey", names), Some("idempotencyKey"));
/// assert_eq!(stablemint_wire::closest("colour", names), None);
/// ```
pub fn closest<'n>(key: &str, names: impl IntoIterator<Item = &'n str>) -> Option<&'n str> {
    let lower = key.to_lowercase();
    let names: Vec<&'n str> = names.into_iter().collect();
    if let Some(name) = names.iter().find(|n| n.to_lowercase() == lower) {
        return Some(name);
    }
    let allowed = (key.chars().count() / 4).clamp(1, 3);
    names
        .iter()
        .map(|name| (edit_distance(&lower, &name.to_lowercase()), *name))
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

/// Levenshtein distance, counting an exchange of two neighbours as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Long keys are never close to a wire name; this also bounds the work.
    if a.len().abs_diff(b.len()) > 3 || a.len() > 64 {
        return usize::MAX;
    }
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// An error serde found that the shape did not, at its pointer, without the value.
fn serde_error(error: &serde_path_to_error::Error<serde_json::Error>) -> ValidationError {
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

fn syntax_error(error: &serde_json::Error) -> ValidationError {
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
    fn edit_distance_counts_swaps_as_one() {
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("abc", "acb"), 1);
        assert_eq!(edit_distance("currency", "curency"), 1);
        assert_eq!(edit_distance("a", "abcdef"), usize::MAX);
    }

    /// The optimal-string-alignment distance, by its definition: what `edit_distance`
    /// computes for strings within its bounds.
    fn reference(a: &[char], b: &[char]) -> usize {
        match (a, b) {
            ([], _) => b.len(),
            (_, []) => a.len(),
            ([.., x], [.., y]) => {
                let (a1, b1) = (&a[..a.len() - 1], &b[..b.len() - 1]);
                let mut best = (reference(a1, b) + 1)
                    .min(reference(a, b1) + 1)
                    .min(reference(a1, b1) + usize::from(x != y));
                if a.len() > 1 && b.len() > 1 && *x == b[b.len() - 2] && a[a.len() - 2] == *y {
                    best = best.min(reference(&a[..a.len() - 2], &b[..b.len() - 2]) + 1);
                }
                best
            }
        }
    }

    /// Every string of up to `max` letters from `alphabet`.
    fn words(alphabet: &[char], max: usize) -> Vec<Vec<char>> {
        let mut all = vec![Vec::new()];
        let mut last = vec![Vec::new()];
        for _ in 0..max {
            let next: Vec<Vec<char>> = last
                .iter()
                .flat_map(|w| {
                    alphabet.iter().map(move |c| {
                        let mut w = w.clone();
                        w.push(*c);
                        w
                    })
                })
                .collect();
            all.extend(next.iter().cloned());
            last = next;
        }
        all
    }

    #[test]
    fn edit_distance_is_the_reference_on_every_short_pair() {
        let words = words(&['a', 'b', 'c'], 4);
        for a in &words {
            for b in &words {
                let (x, y): (String, String) = (a.iter().collect(), b.iter().collect());
                let expected = if a.len().abs_diff(b.len()) > 3 {
                    usize::MAX
                } else {
                    reference(a, b)
                };
                assert_eq!(edit_distance(&x, &y), expected, "{x:?} {y:?}");
            }
        }
    }

    #[test]
    fn edit_distance_bounds() {
        // Three letters apart in length is still measured; four is not.
        assert_eq!(edit_distance("abc", "abcxyz"), 3);
        assert_eq!(edit_distance("abc", "abcwxyz"), usize::MAX);
        let long = "a".repeat(64);
        assert_eq!(edit_distance(&long, &long), 0);
        let longer = "a".repeat(65);
        assert_eq!(edit_distance(&longer, &longer), usize::MAX);
    }

    #[test]
    fn the_edits_allowed_grow_with_the_key() {
        // A key of 8 letters may be 2 edits away, not 3.
        assert_eq!(closest("abcdefXY", ["abcdefgh"]), Some("abcdefgh"));
        assert_eq!(closest("abcdeXYZ", ["abcdefgh"]), None);
        // Short keys get one edit.
        assert_eq!(closest("ab", ["ax"]), Some("ax"));
        assert_eq!(closest("ab", ["xy"]), None);
        // Of two candidates, the nearer wins.
        assert_eq!(
            closest("abcdefgX", ["abcdefXY", "abcdefgh"]),
            Some("abcdefgh")
        );
    }

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

    #[test]
    fn json_types_for_messages() {
        assert_eq!(json_type(&Value::from(u64::MAX)), "a whole number");
        assert_eq!(json_type(&Value::from(-1)), "a whole number");
        assert_eq!(json_type(&Value::from(1.5)), "a number");
    }

    #[test]
    fn within_a_pointer() {
        assert!(is_within("/userKyc/dateOfBirth", "/userKyc"));
        assert!(is_within("/userKyc", "/userKyc"));
        assert!(!is_within("/userKycX", "/userKyc"));
    }

    #[test]
    fn the_closest_name_wins_and_far_names_are_not_offered() {
        let names = ["userId", "userEmail", "idempotencyKey"];
        assert_eq!(closest("idempotencykey", names), Some("idempotencyKey"));
        assert_eq!(closest("userEmial", names), Some("userEmail"));
        assert_eq!(closest("zzz", names), None);
    }
}
