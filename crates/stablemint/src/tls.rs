//! Choosing rustls's crypto provider, so users never meet reqwest's "no process-level
//! CryptoProvider" panic.

use crate::Error;

/// Installs the provider chosen by this crate's features (`ring` by default, or
/// `aws-lc-rs`) as the process default, unless the application installed one already:
/// then its choice stands.
pub(crate) fn install_crypto_provider() -> Result<(), Error> {
    #[cfg(feature = "aws-lc-rs")]
    {
        // An error means a provider is already installed, which is fine.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    }
    #[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
    {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        return Err(Error::Config(
            "no TLS crypto provider: enable the `ring` or `aws-lc-rs` feature of stablemint, \
             or install a rustls CryptoProvider before building the client"
                .into(),
        ));
    }
    Ok(())
}
