//! Schemas of both sides: `$ref`s, type and format, enums, length and range
//! constraints, and properties, recursively.

use std::collections::BTreeSet;

use serde_json::Value;
use stablemint_codegen::spec::{self, follow, pointer_segment};

use super::{
    At, Dir, Pair, Scope, Seen, Site, Walker, change_words, object_at, prefix, ref_of, show, str_at,
};
use crate::escape::code;
use crate::rust_type::rust_type;

impl Walker<'_> {
    /// Compares one schema of each side, following `$ref`s, and then its properties and
    /// items.
    pub(super) fn schema(&mut self, site: &Site<'_>, pair: Pair<'_, '_>, seen: &mut Seen) {
        let op = site.operation;
        let (b_ref, h_ref) = (ref_of(pair.base), ref_of(pair.head));
        if b_ref != h_ref {
            let id = match site.scope {
                Scope::Body => Some(format!("{}-ref-changed", prefix(site.dir, Scope::Body))),
                Scope::Property => {
                    Some(format!("{}-ref-changed", prefix(site.dir, Scope::Property)))
                }
                Scope::Parameter => None,
            };
            if let Some(id) = id {
                let shown = |r: Option<&str>| r.map_or("an inline schema".to_owned(), code);
                self.emit(
                    &id,
                    op,
                    At::head(pair.head_at),
                    format!(
                        "{} changed from {} to {}",
                        site.what(),
                        shown(b_ref),
                        shown(h_ref)
                    ),
                    None,
                    &[pair.base_at, pair.head_at],
                );
            }
        }
        let rust = (rust_type(pair.base), rust_type(pair.head));
        let rust = Some((rust.0.as_str(), rust.1.as_str()));
        let (b, b_at) = follow(self.base, pair.base, pair.base_at);
        let (h, h_at) = follow(self.head, pair.head, pair.head_at);
        if !seen.insert((b_at.clone(), h_at.clone())) {
            return;
        }
        if !b.is_object() || !h.is_object() {
            return;
        }
        // Facet changes point at the schema that holds them: the property itself, or
        // the component it refers to.
        let at = h_at.as_str();
        self.type_format(site, b, &b_at, h, &h_at, at, rust);
        if site.scope != Scope::Body {
            self.enumeration(site, b, &b_at, h, &h_at, at, rust);
            self.constraints(site, b, &b_at, h, &h_at, at, rust);
        }
        if site.scope != Scope::Parameter {
            self.properties(site, b, &b_at, h, &h_at, seen);
        }
        if let (Some(bi), Some(hi)) = (b.get("items"), h.get("items")) {
            let name = if site.name.is_empty() {
                "items".to_owned()
            } else {
                format!("{}/items", site.name)
            };
            let inner = Site {
                operation: site.operation,
                dir: site.dir,
                scope: if site.scope == Scope::Parameter {
                    Scope::Parameter
                } else {
                    Scope::Property
                },
                name: &name,
            };
            let (bi_at, hi_at) = (format!("{b_at}/items"), format!("{h_at}/items"));
            self.schema(
                &inner,
                Pair {
                    base: bi,
                    base_at: &bi_at,
                    head: hi,
                    head_at: &hi_at,
                },
                seen,
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn type_format(
        &mut self,
        site: &Site<'_>,
        b: &Value,
        b_at: &str,
        h: &Value,
        h_at: &str,
        at: &str,
        rust: Option<(&str, &str)>,
    ) {
        let (bt, ht) = (str_at(b, "type"), str_at(h, "type"));
        let (bf, hf) = (str_at(b, "format"), str_at(h, "format"));
        if bt == ht && bf == hf {
            return;
        }
        // JSON bodies are strongly typed; parameters travel as text, where any value
        // can be read as a string.
        let strongly_typed = site.scope != Scope::Parameter;
        let subtype = |sub: Option<&str>, sup: Option<&str>| {
            sub == sup || (sub == Some("integer") && sup == Some("number"))
        };
        let type_contained = |to: Option<&str>, from: Option<&str>| {
            (to.is_some() && from.is_some() && subtype(from, to))
                || (!strongly_typed && (to.is_none() || to == Some("string")))
        };
        let prefix = prefix(site.dir, site.scope);
        let suffix = match site.dir {
            Dir::Request => {
                let type_breaking = bt != ht && ht.is_some() && !type_contained(ht, bt);
                let format_breaking = bf != hf && !format_contained(ht, hf, bf);
                if type_breaking || format_breaking {
                    "type-changed"
                } else {
                    "type-generalized"
                }
            }
            Dir::Response => {
                let narrowed = bt != ht && bt.is_some() && ht.is_some() && subtype(ht, bt);
                let type_breaking =
                    bt != ht && !narrowed && bt.is_some() && !type_contained(bt, ht);
                let format_breaking = bf != hf && !format_contained(bt, bf, hf);
                if type_breaking || format_breaking {
                    let widened = bt != ht && bt.is_some() && ht.is_some() && subtype(bt, ht);
                    if widened {
                        "type-generalized"
                    } else {
                        "type-changed"
                    }
                } else {
                    "type-specialized"
                }
            }
        };
        let dimension = match (bt != ht, bf != hf) {
            (true, true) => "type/format",
            (true, false) => "type",
            _ => "format",
        };
        let mut covers = vec![
            format!("{b_at}/type"),
            format!("{h_at}/type"),
            format!("{b_at}/format"),
            format!("{h_at}/format"),
        ];
        // What only one side's type has (an array's `items`, a map's
        // `additionalProperties`) comes and goes with the type.
        for key in ["items", "additionalProperties"] {
            match (b.get(key), h.get(key)) {
                (Some(_), None) => covers.push(format!("{b_at}/{key}")),
                (None, Some(_)) => covers.push(format!("{h_at}/{key}")),
                _ => {}
            }
        }
        self.emit(
            &format!("{prefix}-{suffix}"),
            site.operation,
            At::head(at),
            format!(
                "{dimension} of {} changed from {} to {}",
                site.what(),
                code(&type_format(bt, bf)),
                code(&type_format(ht, hf))
            ),
            rust,
            &covers.iter().map(String::as_str).collect::<Vec<_>>(),
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn enumeration(
        &mut self,
        site: &Site<'_>,
        b: &Value,
        b_at: &str,
        h: &Value,
        h_at: &str,
        at: &str,
        rust: Option<(&str, &str)>,
    ) {
        let (be, he) = (
            b.get("enum").and_then(Value::as_array),
            h.get("enum").and_then(Value::as_array),
        );
        let prefix = prefix(site.dir, site.scope);
        let covers_owned = [format!("{b_at}/enum"), format!("{h_at}/enum")];
        let covers = [covers_owned[0].as_str(), covers_owned[1].as_str()];
        match (be, he) {
            (None, None) => {}
            (None, Some(_)) => {
                self.emit(
                    &format!("{prefix}-became-enum"),
                    site.operation,
                    At::head(at),
                    format!("{} became an enum", site.what()),
                    rust,
                    &covers,
                );
            }
            (Some(_), None) => {
                self.emit(
                    &format!("{prefix}-became-not-enum"),
                    site.operation,
                    At::head(at),
                    format!("{} is no longer an enum", site.what()),
                    rust,
                    &covers,
                );
            }
            (Some(be), Some(he)) => {
                let mut explained = true;
                for value in be.iter().filter(|v| !he.contains(v)) {
                    let subject = value.to_string();
                    explained &= self.emit(
                        &format!("{prefix}-enum-value-removed"),
                        site.operation,
                        At::head(at).about(&subject),
                        format!("enum value {} removed from {}", show(value), site.what()),
                        rust,
                        &[],
                    );
                }
                for value in he.iter().filter(|v| !be.contains(v)) {
                    let subject = value.to_string();
                    explained &= self.emit(
                        &format!("{prefix}-enum-value-added"),
                        site.operation,
                        At::head(at).about(&subject),
                        format!("enum value {} added to {}", show(value), site.what()),
                        rust,
                        &[],
                    );
                }
                // A new order of the same values changes nothing.
                if explained {
                    self.cover(&covers);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn constraints(
        &mut self,
        site: &Site<'_>,
        b: &Value,
        b_at: &str,
        h: &Value,
        h_at: &str,
        at: &str,
        rust: Option<(&str, &str)>,
    ) {
        let prefix = prefix(site.dir, site.scope);
        let what = site.what();
        // (keyword, rule name, how a missing value counts)
        for (keyword, name) in [
            ("maxLength", "max-length"),
            ("minLength", "min-length"),
            ("maximum", "max"),
            ("minimum", "min"),
        ] {
            let (braw, hraw) = (b.get(keyword), h.get(keyword));
            // A value that is not a number is left to the structural pass.
            if braw == hraw || [braw, hraw].iter().flatten().any(|v| !v.is_number()) {
                continue;
            }
            let (bv, hv) = (braw.and_then(Value::as_f64), hraw.and_then(Value::as_f64));
            let (bv, hv) = if keyword == "minLength" {
                // A missing minLength is 0, as oasdiff reads it: setting one increases it.
                (bv.or(Some(0.0)), hv.or(Some(0.0)))
            } else {
                (bv, hv)
            };
            let action = match (bv, hv) {
                (None, Some(_)) => "set",
                (Some(_), None) => "unset",
                (Some(x), Some(y)) if y > x => "increased",
                (Some(x), Some(y)) if y < x => "decreased",
                _ => continue,
            };
            let covers = [format!("{b_at}/{keyword}"), format!("{h_at}/{keyword}")];
            self.emit(
                &format!("{prefix}-{name}-{action}"),
                site.operation,
                At::head(at),
                format!(
                    "`{keyword}` of {what} {}",
                    change_words(b.get(keyword), h.get(keyword))
                ),
                rust,
                &[&covers[0], &covers[1]],
            );
        }
        let (bp, hp) = (str_at(b, "pattern"), str_at(h, "pattern"));
        if bp != hp {
            let action = match (bp, hp) {
                (None, _) => "added",
                (_, None) => "removed",
                (_, Some(".*")) if site.dir == Dir::Request => "generalized",
                _ => "changed",
            };
            let covers = [format!("{b_at}/pattern"), format!("{h_at}/pattern")];
            self.emit(
                &format!("{prefix}-pattern-{action}"),
                site.operation,
                At::head(at),
                format!(
                    "`pattern` of {what} {}",
                    change_words(b.get("pattern"), h.get("pattern"))
                ),
                rust,
                &[&covers[0], &covers[1]],
            );
        }
    }

    fn properties(
        &mut self,
        site: &Site<'_>,
        b: &Value,
        b_at: &str,
        h: &Value,
        h_at: &str,
        seen: &mut Seen,
    ) {
        let bp = object_at(b, "/properties");
        let hp = object_at(h, "/properties");
        let required = |v: &Value| -> BTreeSet<String> {
            spec::required_properties(v)
                .into_iter()
                .map(str::to_owned)
                .collect()
        };
        let (br, hr) = (required(b), required(h));
        let path = |name: &str| {
            if site.name.is_empty() {
                name.to_owned()
            } else {
                format!("{}/{name}", site.name)
            }
        };
        let op = site.operation;
        let request = site.dir == Dir::Request;
        // typify derives `Default` for a struct with no required property.
        let default_lost = (br.is_empty() && !hr.is_empty()).then_some((
            "a struct that derives `Default`",
            "a struct without `Default`",
        ));
        for name in hp.keys().filter(|k| !bp.contains_key(*k)) {
            let at = format!("{h_at}/properties/{}", pointer_segment(name));
            let req = hr.contains(name);
            let id = match (request, req) {
                (true, true) => "new-required-request-property",
                (true, false) => "new-optional-request-property",
                (false, true) => "response-required-property-added",
                (false, false) => "response-optional-property-added",
            };
            let presence = if req { "required" } else { "optional" };
            let direction = if request { "request" } else { "response" };
            self.emit(
                id,
                op,
                At::head(&at),
                format!(
                    "{presence} {direction} property {} added",
                    code(&path(name))
                ),
                default_lost.filter(|_| req),
                &[&at],
            );
        }
        for (name, bprop) in bp {
            let Some(hprop) = hp.get(name) else {
                let at = format!("{b_at}/properties/{}", pointer_segment(name));
                let req = br.contains(name);
                let id = match (request, req) {
                    (true, _) => "request-property-removed",
                    (false, true) => "response-required-property-removed",
                    (false, false) => "response-optional-property-removed",
                };
                let direction = if request { "request" } else { "response" };
                let presence = if req {
                    "required "
                } else if request {
                    ""
                } else {
                    "optional "
                };
                self.emit(
                    id,
                    op,
                    At::base(&at),
                    format!(
                        "{presence}{direction} property {} removed",
                        code(&path(name))
                    ),
                    None,
                    &[&at],
                );
                continue;
            };
            let segment = pointer_segment(name);
            let (bprop_at, hprop_at) = (
                format!("{b_at}/properties/{segment}"),
                format!("{h_at}/properties/{segment}"),
            );
            let name_path = path(name);
            let inner = Site {
                operation: op,
                dir: site.dir,
                scope: Scope::Property,
                name: &name_path,
            };
            let (rb, rh) = (br.contains(name), hr.contains(name));
            if rb != rh {
                let id = match (request, rh) {
                    (true, true) => "request-property-became-required",
                    (true, false) => "request-property-became-optional",
                    (false, true) => "response-property-became-required",
                    (false, false) => "response-property-became-optional",
                };
                let became = if rh { "required" } else { "optional" };
                self.emit(
                    id,
                    op,
                    At::head(&hprop_at),
                    format!("{} became {became}", inner.what()),
                    None,
                    &[],
                );
            }
            self.schema(
                &inner,
                Pair {
                    base: bprop,
                    base_at: &bprop_at,
                    head: hprop,
                    head_at: &hprop_at,
                },
                seen,
            );
        }
        // Every name that entered or left `required` is a property added, removed or
        // made required or optional above; a new order changes nothing.
        let explained = br
            .symmetric_difference(&hr)
            .all(|name| bp.contains_key(name) || hp.contains_key(name));
        if explained {
            self.cover(&[&format!("{b_at}/required"), &format!("{h_at}/required")]);
        }
    }
}

/// oasdiff's isFormatContained: whether a value of format `from` is always a valid
/// value of format `to` for a schema of type `ty`.
fn format_contained(ty: Option<&str>, to: Option<&str>, from: Option<&str>) -> bool {
    matches!(
        (ty, to, from),
        (_, None, _)
            | (Some("number"), Some("double"), Some("float"))
            | (Some("integer"), Some("int64"), Some("int32"))
            | (Some("string"), Some("date-time"), Some("date" | "time"))
    )
}

fn type_format(ty: Option<&str>, format: Option<&str>) -> String {
    match (ty, format) {
        (Some(t), Some(f)) => format!("{t}/{f}"),
        (Some(t), None) => t.to_owned(),
        (None, Some(f)) => f.to_owned(),
        (None, None) => "any".to_owned(),
    }
}
