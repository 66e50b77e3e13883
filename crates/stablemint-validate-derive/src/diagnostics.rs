//! Compile-error plumbing shared by the parse and check phases: an accumulator so that every
//! mistake in one derive is reported in one go, and "did you mean" suggestions.

use proc_macro2::TokenStream;
use quote::ToTokens;

/// Every error found so far in one derive, reported together by [`Errors::finish`].
///
/// The phases keep going after an error so that a user fixing a struct sees all of its
/// problems at once instead of one per compile. Each error is filed under the part of the
/// struct it is about, so they come out in source order although the parse and check phases
/// find them in two passes.
#[derive(Default)]
pub struct Errors {
    found: Vec<(Origin, syn::Error)>,
}

/// The part of the struct an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// The struct itself: its shape or its own attributes.
    Container,
    /// The field at this position among the named fields.
    Field(usize),
}

impl Errors {
    /// Records `error` about `origin`.
    pub fn push(&mut self, origin: Origin, error: syn::Error) {
        self.found.push((origin, error));
    }

    /// `Err` with everything recorded, combined in source order, or `Ok` when nothing was.
    pub fn finish(mut self) -> syn::Result<()> {
        // Stable: one field's errors keep the order they were found in.
        self.found.sort_by_key(|&(origin, _)| origin);
        let mut errors = self.found.into_iter().map(|(_, error)| error);
        match errors.next() {
            Some(mut combined) => {
                combined.extend(errors);
                Err(combined)
            }
            None => Ok(()),
        }
    }
}

/// The candidate closest to `name`, if it is close enough to be what the user meant.
///
/// "Close enough" is an edit distance (with transpositions, so `emial` is one edit from
/// `email`) below half the candidate's length: `nest` suggests `nested`, but `dive` does not
/// suggest `date`.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lowered = name.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            (
                edit_distance(&lowered, &candidate.to_ascii_lowercase()),
                candidate,
            )
        })
        .filter(|&(distance, candidate)| distance * 2 < candidate.chars().count())
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// adjacent characters each cost one.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rolling rows: the swap case looks two rows back.
    let mut before_previous = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let substitution = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + substitution);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before_previous[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before_previous, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// `tokens` as a user would write them: `Option<u32>`, not `Option < u32 >`.
pub fn display_tokens(tokens: &impl ToTokens) -> String {
    let mut out = String::new();
    write_tokens(&mut out, tokens.to_token_stream());
    out
}

fn write_tokens(out: &mut String, tokens: TokenStream) {
    use proc_macro2::{Delimiter, Spacing, TokenTree};

    // Identifiers and literals are separated by a space; most punctuation hugs its
    // neighbours. `,` and `;` are followed by a space, `+`, `=` and `->` surrounded by one.
    let mut needs_space = false;
    let mut previous_punct = None;
    for token in tokens {
        let mut punct_char = None;
        match token {
            TokenTree::Ident(_) | TokenTree::Literal(_) => {
                if needs_space {
                    out.push(' ');
                }
                out.push_str(&token.to_string());
                needs_space = true;
            }
            TokenTree::Punct(punct) => {
                let ch = punct.as_char();
                let joint = punct.spacing() == Spacing::Joint;
                let spaced_before = matches!(ch, '+' | '=') || (ch == '-' && joint);
                if (needs_space && (ch == '\'' || spaced_before))
                    || (spaced_before && !out.is_empty() && !out.ends_with(' '))
                {
                    out.push(' ');
                }
                out.push(ch);
                let spaced_after = matches!(ch, ',' | ';' | '+' | '=')
                    || (ch == '>' && previous_punct == Some('-'));
                if spaced_after && !joint {
                    out.push(' ');
                }
                needs_space = false;
                punct_char = Some(ch);
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{ ", " }"),
                    Delimiter::None => ("", ""),
                };
                if needs_space && group.delimiter() == Delimiter::Brace {
                    out.push(' ');
                }
                out.push_str(open);
                write_tokens(out, group.stream());
                out.push_str(close);
                needs_space = true;
            }
        }
        previous_punct = punct_char;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::Span;

    #[test]
    fn errors_come_out_in_source_order() {
        let mut errors = Errors::default();
        assert!(Errors::default().finish().is_ok());
        errors.push(Origin::Field(1), syn::Error::new(Span::call_site(), "b1"));
        errors.push(Origin::Field(0), syn::Error::new(Span::call_site(), "a"));
        errors.push(Origin::Field(1), syn::Error::new(Span::call_site(), "b2"));
        errors.push(
            Origin::Container,
            syn::Error::new(Span::call_site(), "struct"),
        );
        let messages: Vec<String> = errors
            .finish()
            .expect_err("four errors")
            .into_iter()
            .map(|error| error.to_string())
            .collect();
        assert_eq!(messages, ["struct", "a", "b1", "b2"]);
    }

    const RULES: [&str; 9] = crate::model::RuleKind::NAMES;

    #[test]
    fn edit_distance_counts_each_kind_of_edit_once() {
        assert_eq!(edit_distance("email", "email"), 0);
        assert_eq!(edit_distance("emial", "email"), 1); // swap
        assert_eq!(edit_distance("emai", "email"), 1); // deletion
        assert_eq!(edit_distance("emaill", "email"), 1); // insertion
        assert_eq!(edit_distance("emeil", "email"), 1); // substitution
        assert_eq!(edit_distance("", "date"), 4);
        assert_eq!(edit_distance("date", ""), 4);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        // Swaps at either end of a word, where the look-back two rows and columns is
        // at its first and its farthest.
        assert_eq!(edit_distance("meail", "email"), 1);
        assert_eq!(edit_distance("emali", "email"), 1);
        assert_eq!(edit_distance("currenyc", "currency"), 1);
    }

    #[test]
    fn closest_suggests_only_plausible_rules() {
        assert_eq!(closest("emial", RULES), Some("email"));
        assert_eq!(closest("Email", RULES), Some("email"));
        assert_eq!(closest("nest", RULES), Some("nested"));
        assert_eq!(closest("postive", RULES), Some("positive"));
        assert_eq!(closest("alpha_2", RULES), Some("alpha2"));
        assert_eq!(closest("curency", RULES), Some("currency"));
        assert_eq!(closest("dive", RULES), None);
        assert_eq!(closest("length", RULES), None);
        assert_eq!(closest("", RULES), None);
    }

    #[test]
    fn display_tokens_reads_like_source() {
        let ty: syn::Type = syn::parse_quote!(::std::option::Option<::std::vec::Vec<&'a str>>);
        assert_eq!(
            display_tokens(&ty),
            "::std::option::Option<::std::vec::Vec<&'a str>>"
        );
        let ty: syn::Type = syn::parse_quote!(std::collections::HashMap<String, (u8, [i32; 4])>);
        assert_eq!(
            display_tokens(&ty),
            "std::collections::HashMap<String, (u8, [i32; 4])>"
        );
        let ty: syn::Type = syn::parse_quote!(Box<dyn Fn(u8) -> u8 + Send>);
        assert_eq!(display_tokens(&ty), "Box<dyn Fn(u8) -> u8 + Send>");
        let ty: syn::Type = syn::parse_quote!(Cow<'static, str>);
        assert_eq!(display_tokens(&ty), "Cow<'static, str>");
        // `+` after a closing `>`, and a lifetime after a keyword.
        let ty: syn::Type = syn::parse_quote!(Box<dyn Fn() -> Vec<u8> + Send>);
        assert_eq!(display_tokens(&ty), "Box<dyn Fn() -> Vec<u8> + Send>");
        let ty: syn::Type = syn::parse_quote!(Box<dyn 'static + Send>);
        assert_eq!(display_tokens(&ty), "Box<dyn 'static + Send>");
    }
}
