//! [`Path`]: where in the value a rule is being checked.

use std::fmt::Write as _;

/// A location inside the value being validated.
///
/// A linked list on the stack: each step borrows its parent, so building a path costs
/// nothing and allocates nothing. It is rendered to an RFC 6901 JSON Pointer
/// ([`to_pointer`](Path::to_pointer)) only when an error is pushed.
///
/// ```
/// use stablemint_validate::Path;
///
/// let root = Path::root();
/// let kyc = root.field("userKyc");
/// let dob = kyc.field("dateOfBirth");
/// assert_eq!(dob.to_pointer(), "/userKyc/dateOfBirth");
/// assert_eq!(root.to_pointer(), "");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    step: Step,
}

/// The last step of a [`Path`].
#[derive(Clone, Copy, Debug)]
enum Step {
    Root,
    Field(&'static str),
    Index(usize),
}

impl<'a> Path<'a> {
    /// The whole value; its pointer is `""`.
    pub const fn root() -> Path<'static> {
        Path {
            parent: None,
            step: Step::Root,
        }
    }

    /// The member `wire_name` (its JSON name, not the Rust field name) of this location.
    pub fn field(&'a self, wire_name: &'static str) -> Path<'a> {
        Path {
            parent: Some(self),
            step: Step::Field(wire_name),
        }
    }

    /// The element `index` (from 0) of the list at this location.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            step: Step::Index(index),
        }
    }

    /// The RFC 6901 JSON Pointer of this location: `""` for the root, else one
    /// `/segment` per step, with `~` written as `~0` and `/` as `~1`.
    pub fn to_pointer(&self) -> String {
        let mut pointer = String::with_capacity(self.pointer_len());
        self.write_pointer(&mut pointer);
        pointer
    }

    /// The exact length of the pointer, so rendering it allocates once.
    fn pointer_len(&self) -> usize {
        let own = match self.step {
            Step::Root => 0,
            Step::Field(name) => 1 + name.len() + name.matches(['~', '/']).count(),
            Step::Index(index) => 1 + decimal_len(index),
        };
        own + self.parent.map_or(0, Path::pointer_len)
    }

    fn write_pointer(&self, out: &mut String) {
        if let Some(parent) = self.parent {
            parent.write_pointer(out);
        }
        match self.step {
            Step::Root => {}
            Step::Field(name) => push_token(out, name),
            Step::Index(index) => {
                // Writing to a `String` cannot fail.
                let _ = write!(out, "/{index}");
            }
        }
    }
}

/// The number of decimal digits of `n` (1 for 0).
fn decimal_len(n: usize) -> usize {
    // `ilog10` of a `usize` is at most 19, so the cast is lossless.
    n.checked_ilog10().map_or(1, |log| log as usize + 1)
}

/// Appends `/` and `token` to the RFC 6901 JSON Pointer `pointer`, with `~` written as
/// `~0` and `/` as `~1`: the one place the workspace escapes a pointer's tokens.
///
/// ```
/// let mut pointer = String::from("/customFields");
/// stablemint_validate::push_token(&mut pointer, "a/b~c");
/// assert_eq!(pointer, "/customFields/a~1b~0c");
/// ```
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_the_empty_pointer() {
        assert_eq!(Path::root().to_pointer(), "");
    }

    #[test]
    fn fields_and_indices_join_with_slashes() {
        let root = Path::root();
        let items = root.field("items");
        let third = items.index(2);
        let name = third.field("name");
        assert_eq!(name.to_pointer(), "/items/2/name");
        assert_eq!(root.index(0).to_pointer(), "/0");
    }

    #[test]
    fn tilde_and_slash_are_escaped_per_rfc_6901() {
        let root = Path::root();
        let odd = root.field("a/b~c");
        let after = odd.field("~01");
        assert_eq!(after.to_pointer(), "/a~1b~0c/~001");
    }

    #[test]
    fn large_indices_and_exact_capacity() {
        for index in [0, 9, 10, 99, 100, 12345, usize::MAX] {
            let root = Path::root();
            let at = root.index(index);
            let pointer = at.to_pointer();
            assert_eq!(pointer, format!("/{index}"));
            assert_eq!(pointer.len(), at.pointer_len());
        }
        let root = Path::root();
        let field = root.field("x/~y");
        assert_eq!(field.to_pointer().len(), field.pointer_len());
    }
}
