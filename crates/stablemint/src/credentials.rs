//! API credentials.

use std::fmt;

use zeroize::Zeroizing;

/// An API key and its secret.
///
/// The secret is wiped from memory when the credentials are dropped, and never appears in
/// `Debug` output; the key shows only its last four characters.
///
/// ```
/// let credentials = stablemint::Credentials::new("pk_live_1234abcd", "s3cr3t");
/// assert_eq!(
///     format!("{credentials:?}"),
///     r#"Credentials { api_key: "************abcd", api_secret: "** redacted **" }"#,
/// );
/// ```
#[derive(Clone)]
pub struct Credentials {
    api_key: String,
    api_secret: Zeroizing<String>,
}

impl Credentials {
    /// Credentials from the key and secret shown in the StableMint dashboard.
    pub fn new(api_key: impl Into<String>, api_secret: impl Into<String>) -> Self {
        Self {
            api_key: api_key.into(),
            api_secret: Zeroizing::new(api_secret.into()),
        }
    }

    /// The API key, sent in the `api_key` header.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    pub(crate) fn api_secret(&self) -> &str {
        &self.api_secret
    }

    /// The key with all but its last four characters replaced by `*`: how the key is
    /// shown in `Debug` output and logs.
    ///
    /// ```
    /// let credentials = stablemint::Credentials::new("ключ-1234", "s3cr3t");
    /// assert_eq!(credentials.masked_key(), "*****1234");
    /// ```
    pub fn masked_key(&self) -> String {
        stablemint_wire::masked(&self.api_key)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &self.masked_key())
            .field("api_secret", &"** redacted **")
            .finish()
    }
}
