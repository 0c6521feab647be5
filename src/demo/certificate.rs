//! A certificate generated at start for the simulated exchange, and a client TLS
//! configuration that trusts it (plus the web roots).

use std::sync::Arc;

use rustls::{ClientConfig, ServerConfig};
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// The simulator's TLS configuration and the client configuration that trusts it.
pub struct DemoTls {
    /// For the simulator's HTTPS and WSS listeners.
    pub server: Arc<ServerConfig>,
    /// For feedhandler's connections to it.
    pub client: Arc<ClientConfig>,
}

/// Generates a self-signed certificate for `localhost` and `127.0.0.1`.
///
/// # Errors
/// When generation fails or rustls refuses the key.
pub fn generate() -> Result<DemoTls, Box<dyn std::error::Error + Send + Sync>> {
    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    let certified = rcgen::generate_simple_self_signed(names)?;
    let certificate = certified.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let server =
        ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(vec![certificate.clone()], key)?;
    let client = feed_core::connect::client_config(&[certificate])?;
    Ok(DemoTls {
        server: Arc::new(server),
        client,
    })
}
