//! Reading JSON text into a value as serde_json does, refusing an object key given
//! twice (readers differ on which value wins) and saying where text that is not JSON
//! goes wrong.

use serde_json::{Map, Value};
use stablemint_validate::{ValidationError, ValidationErrors, push_token};

use super::serde_errors::syntax_error;
use super::{collect, single};

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
