//! The two forms a `#[derive(Validate)]` input goes through: [`Input`], what the attributes
//! say (built by `syntax`), and [`Validate`], what is valid to emit (built by `check`).

use proc_macro2::{Ident, Span};
use syn::{ExprPath, Generics, Type};

use crate::case::RenameRule;

// ---------------------------------------------------------------------------------------
// Parsed form.
// ---------------------------------------------------------------------------------------

/// A struct with named fields, as its attributes describe it.
pub struct Input {
    /// The struct's name.
    pub ident: Ident,
    /// The struct's generics, copied onto the impl.
    pub generics: Generics,
    /// The container's `#[serde(rename_all = "...")]` (serialize side), if any.
    pub rename_all: Option<RenameRule>,
    /// The container's `#[validate(crate = "...")]`: the path the runtime crate is
    /// reached by, when it is not `::stablemint_validate`.
    pub krate: Option<syn::Path>,
    /// Every named field, including those without `#[validate]`: `precision = x` may name
    /// any of them.
    pub fields: Vec<Field>,
}

/// One named field.
pub struct Field {
    /// The field's name, as declared (possibly `r#type`).
    pub ident: Ident,
    /// The field's type, as written.
    pub ty: Type,
    /// `#[serde(rename = "...")]` (serialize side), if any.
    pub rename: Option<String>,
    /// Whether the field has `#[serde(flatten)]`: its contents sit in the parent object.
    pub flatten: bool,
    /// Every rule from every `#[validate(...)]` on the field, in source order.
    pub rules: Vec<Rule>,
}

/// One rule as written, e.g. `email` or `precision = currency`.
#[derive(Clone)]
pub struct Rule {
    /// The rule's name token: errors about the rule point here.
    pub span: Span,
    /// What the rule does.
    pub kind: RuleKind,
}

/// The rules a field may carry.
#[derive(Clone)]
pub enum RuleKind {
    /// `alpha2`: an ISO 3166-1 alpha-2 country code.
    Alpha2,
    /// `date`: a `YYYY-MM-DD` calendar date.
    Date,
    /// `email`: an e-mail address.
    Email,
    /// `uri`: an absolute URI.
    Uri,
    /// `currency`: an active ISO 4217 currency code.
    Currency,
    /// `positive`: a finite number above zero.
    Positive,
    /// `precision = currency`: no more decimal places than the sibling field's currency
    /// allows.
    Precision {
        /// The sibling field holding the currency code, as written in the attribute.
        currency: Ident,
    },
    /// `nested`: the field's own `Validate` impl, one pointer segment deeper.
    Nested,
    /// `custom = path::to::check`: a user function `fn(&T) -> Result<(), Invalid>`.
    Custom {
        /// The function, as written.
        check: ExprPath,
    },
}

impl RuleKind {
    /// Every rule name, in the order the documentation lists them.
    pub const NAMES: [&'static str; 9] = [
        "alpha2",
        "date",
        "email",
        "uri",
        "currency",
        "positive",
        "precision",
        "nested",
        "custom",
    ];

    /// The name the rule is written as.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Alpha2 => "alpha2",
            Self::Date => "date",
            Self::Email => "email",
            Self::Uri => "uri",
            Self::Currency => "currency",
            Self::Positive => "positive",
            Self::Precision { .. } => "precision",
            Self::Nested => "nested",
            Self::Custom { .. } => "custom",
        }
    }

    /// The field types the rule accepts, judged from the type as written.
    pub fn accepts(&self) -> Accepts {
        match self {
            Self::Alpha2 | Self::Date | Self::Email | Self::Uri | Self::Currency => Accepts::Str,
            Self::Positive | Self::Precision { .. } => Accepts::Float,
            Self::Nested | Self::Custom { .. } => Accepts::Any,
        }
    }
}

/// A family of field types a rule works on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Accepts {
    /// `String`, `&str`, `Cow<str>`, `Box<str>`, or an `Option` of one.
    Str,
    /// `f64`, `f32`, or an `Option` of one.
    Float,
    /// Anything: the generated code's trait bounds do the checking.
    Any,
}

impl Accepts {
    /// The accepted types, for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Str => "`String`, `&str`, `Cow<str>`, `Box<str>`, or an `Option` of one",
            Self::Float => "`f64`, `f32`, or an `Option` of one",
            Self::Any => "any type",
        }
    }
}

// ---------------------------------------------------------------------------------------
// Checked form.
// ---------------------------------------------------------------------------------------

/// A struct whose every rule has been checked against its field: ready to emit.
pub struct Validate {
    /// The path of the runtime crate: `::stablemint_validate`, or the container's
    /// `crate = "..."`.
    pub krate: syn::Path,
    /// The struct's name.
    pub ident: Ident,
    /// The struct's generics, as declared.
    pub generics: Generics,
    /// The type parameters that a `nested` field's type mentions: each gets a `Validate`
    /// bound on the impl.
    pub nested_params: Vec<Ident>,
    /// The fields that carry at least one rule, in declaration order.
    pub fields: Vec<ValidateField>,
}

/// A field with its rules.
pub struct ValidateField {
    /// The field's name, as declared (`self.#member`).
    pub member: Ident,
    /// Where the field's value sits relative to the struct's own path.
    pub location: Location,
    /// The rules, in source order.
    pub rules: Vec<Rule>,
}

/// Where a field's value sits in the serialized struct.
pub enum Location {
    /// Under its own key, the wire name (after `rename` / `rename_all`).
    Key(String),
    /// `#[serde(flatten)]`: its keys are merged into the parent object.
    Flattened,
}
