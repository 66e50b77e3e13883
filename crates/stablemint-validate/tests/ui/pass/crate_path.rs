// The runtime crate under another name, as a crate that re-exports the derive offers
// it: `#[validate(crate = "...")]` names the path, as `#[serde(crate = "...")]` does.
mod reexported {
    pub use stablemint_validate as validate;
}

use reexported::validate::Validate;

#[derive(serde::Serialize, Validate)]
#[serde(rename_all = "camelCase")]
#[validate(crate = "reexported::validate")]
struct Request {
    #[validate(email)]
    user_email: String,
}

fn main() {
    let errors = Request {
        user_email: "nope".to_owned(),
    }
    .validate()
    .unwrap_err();
    assert_eq!(errors.iter().next().map(|e| e.pointer()), Some("/userEmail"));
}
