//! The JSON shape of each schema type, as the spec states it.
//!
//! serde stops at the first problem and ignores properties it does not know. To report
//! every missing property, every wrong type and every unknown property at once (with a
//! hint drawn from the wire names), a reader of JSON input needs the shape itself:
//! `cargo xtask gen` implements [`WireShape`] for every component schema with
//! properties, from the spec. Like the operation descriptions, these are data that
//! generated code builds, so they are not `#[non_exhaustive]`.

/// A schema type whose JSON shape is known. Implemented by the generated code, for
/// every component schema with properties.
pub trait WireShape {
    /// The shape of this type's JSON object.
    const SHAPE: &'static ObjectShape;
}

/// The properties of a JSON object.
#[derive(Debug)]
pub struct ObjectShape {
    /// The schema's name in the spec.
    pub name: &'static str,
    /// Its properties, in the spec's order.
    pub properties: &'static [Property],
}

impl ObjectShape {
    /// The property with this wire name.
    pub fn property(&self, wire_name: &str) -> Option<&'static Property> {
        self.properties.iter().find(|p| p.name == wire_name)
    }
}

/// One property of an object.
#[derive(Debug)]
pub struct Property {
    /// The wire name (`userEmail`).
    pub name: &'static str,
    /// The Rust field and builder method (`user_email`).
    pub field: &'static str,
    /// Whether the spec lists it as required.
    pub required: bool,
    /// The JSON it takes.
    pub kind: Kind,
}

/// The JSON a property takes.
#[derive(Debug)]
pub enum Kind {
    /// A string.
    String,
    /// Any number.
    Number,
    /// A whole number that fits in an `i32`.
    Int32,
    /// A whole number that fits in an `i64`.
    Int64,
    /// `true` or `false`.
    Boolean,
    /// An array of items of one kind.
    Array(&'static Kind),
    /// An object of a known shape.
    Object(&'static ObjectShape),
    /// An object with any properties, each value of one kind.
    Map(&'static Kind),
    /// Anything: the spec does not constrain it, or states it in a way this description
    /// does not cover (serde still checks it when the value is read).
    Any,
}

impl Kind {
    /// What a value of this kind is, for messages: "a string", "an array".
    pub fn describe(&self) -> &'static str {
        match self {
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::Int32 => "a whole number (32-bit)",
            Kind::Int64 => "a whole number (64-bit)",
            Kind::Boolean => "true or false",
            Kind::Array(_) => "an array",
            Kind::Object(_) | Kind::Map(_) => "an object",
            Kind::Any => "any value",
        }
    }
}
