//! What the classifier's tests share: a small spec with one of each kind of thing, and
//! edits of its parsed document by JSON Pointer.

#![allow(dead_code)]

use serde_json::{Value, json};
use stablemint_diff::{Report, Source, SpecError, classify};

pub const BASE: &str = r##"
openapi: 3.0.3
info: {title: Test, version: "1.0.0"}
paths:
  /items:
    post:
      operationId: createItem
      x-stablemint: {signedField: name, idempotencyKeyField: key}
      parameters:
        - {name: api_key, in: header, required: true, schema: {type: string}}
        - {name: verbose, in: query, required: false, schema: {type: boolean}}
        - {name: limit, in: query, required: false, schema: {type: integer, format: int32}}
        - {name: mode, in: query, required: false, schema: {type: string, enum: [fast, slow]}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/ItemRequest"}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Item"}
        "400":
          description: Bad request
  /items/{id}:
    get:
      operationId: getItem
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}}}
    delete:
      operationId: deleteItem
      deprecated: true
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "204": {description: Deleted}
components:
  schemas:
    ItemRequest:
      type: object
      required: [name, currency]
      properties:
        name: {type: string, description: The name.}
        key: {type: string}
        currency: {type: string, format: iso4217}
        email: {type: string}
        note: {type: string, maxLength: 100}
        code: {type: string}
        count: {type: integer, format: int32}
        size: {type: integer}
        price: {type: number}
        kind: {type: string, enum: [a, b]}
        meta:
          type: object
          properties:
            tag: {type: string}
        tags:
          type: array
          items: {$ref: "#/components/schemas/Tag"}
        owner: {$ref: "#/components/schemas/Owner"}
    Owner:
      type: object
      properties:
        nickname: {type: string}
        parent: {$ref: "#/components/schemas/Owner"}
    Tag:
      type: object
      required: [label]
      properties:
        label: {type: string}
    Item:
      type: object
      required: [id, status]
      properties:
        id: {type: string}
        status: {type: string, enum: [open, closed]}
        title: {type: string}
        score: {type: integer, format: int64}
        uid: {type: string}
        link: {type: string, pattern: "^https://", maxLength: 100}
        total: {type: number}
        tags: {type: array, items: {$ref: "#/components/schemas/Tag"}}
"##;

// Pointers used by many rows.
pub const POST: &str = "POST /items";
pub const OP: &str = "/paths/~1items/post";
pub const REQ: &str = "/components/schemas/ItemRequest";
pub const ITEM: &str = "/components/schemas/Item";

pub fn keep(_: &mut Value) {}

/// Sets the value at `pointer`, creating the last key.
pub fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let key = key.replace("~1", "/").replace("~0", "~");
    match doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent}"))
    {
        Value::Object(map) => {
            map.insert(key, value);
        }
        Value::Array(items) => items.push(value),
        _ => panic!("{parent} is not a container"),
    }
}

pub fn del(doc: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let key = key.replace("~1", "/").replace("~0", "~");
    match doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent}"))
    {
        Value::Object(map) => {
            map.remove(&key).unwrap_or_else(|| panic!("no {pointer}"));
        }
        Value::Array(items) => {
            items.remove(key.parse::<usize>().unwrap());
        }
        _ => panic!("{parent} is not a container"),
    }
}

pub fn require(doc: &mut Value, schema: &str, name: &str) {
    let list = doc.pointer_mut(&format!("{schema}/required")).unwrap();
    list.as_array_mut().unwrap().push(json!(name));
}

pub fn unrequire(doc: &mut Value, schema: &str, name: &str) {
    let list = doc.pointer_mut(&format!("{schema}/required")).unwrap();
    list.as_array_mut().unwrap().retain(|v| v != name);
}

pub fn run(base_edit: fn(&mut Value), head_edit: fn(&mut Value)) -> Report {
    let (base, head) = texts(base_edit, head_edit);
    compare(&base, &head).unwrap()
}

/// The base spec with `base_edit`, and with `head_edit` on top, as YAML texts.
pub fn texts(base_edit: fn(&mut Value), head_edit: fn(&mut Value)) -> (String, String) {
    let mut base: Value = serde_yaml::from_str(BASE).unwrap();
    let mut head = base.clone();
    base_edit(&mut base);
    base_edit(&mut head);
    head_edit(&mut head);
    (yaml(&base), yaml(&head))
}

/// The 1-based line of the first line that is `steps[last]` (trimmed), after a line
/// that is `steps[last - 1]`, and so on: a way to find a key in a YAML text without
/// the locator under test.
pub fn line_after(text: &str, steps: &[&str]) -> usize {
    let mut from = 0;
    for step in steps {
        from += text
            .lines()
            .skip(from)
            .position(|l| l.trim() == *step)
            .unwrap_or_else(|| panic!("no line {step:?} after line {from}:\n{text}"))
            + 1;
    }
    from
}

pub fn yaml(doc: &Value) -> String {
    serde_yaml::to_string(doc).unwrap()
}

pub fn compare(base: &str, head: &str) -> Result<Report, SpecError> {
    classify(
        Source::new("base.yaml", base),
        Source::new("head.yaml", head),
    )
}

/// A new required request property, a summary, and `nullable` (unclassified): one
/// change of each level.
pub fn three_levels(d: &mut Value) {
    set(
        d,
        &format!("{REQ}/properties/sku"),
        json!({"type": "string"}),
    );
    require(d, REQ, "sku");
    set(d, &format!("{OP}/summary"), json!("Create an item."));
    set(d, &format!("{ITEM}/properties/title/nullable"), json!(true));
}
