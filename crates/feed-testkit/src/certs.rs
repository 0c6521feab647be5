//! Certificates for loopback TLS servers: a throwaway CA (written to a PEM file that a
//! config's `tls.ca_file` can name) and a server certificate it signs for `localhost` and
//! the loopback addresses tests use.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls::ServerConfig;
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// A CA, a server certificate signed by it, and the rustls server configuration using it.
pub struct TestCertificate {
    dir: tempfile::TempDir,
    ca_pem: String,
    server_config: Arc<ServerConfig>,
}

/// Names every test server certificate is valid for.
pub const SERVER_NAMES: [&str; 6] = [
    "localhost",
    "127.0.0.1",
    "127.0.0.2",
    "127.0.0.3",
    "127.0.0.4",
    "::1",
];

impl TestCertificate {
    /// Generates a fresh CA and server certificate.
    ///
    /// # Errors
    /// When generation or writing the CA file fails.
    pub fn generate() -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "feedhandler test CA");
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate()?)?;

        let server_key = KeyPair::generate()?;
        let names: Vec<String> = SERVER_NAMES.iter().map(|name| (*name).to_owned()).collect();
        let mut server_params = CertificateParams::new(names)?;
        server_params
            .distinguished_name
            .push(DnType::CommonName, "feedhandler loopback exchange");
        let server_cert = server_params.signed_by(&server_key, &ca)?;

        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
        let server_config =
            ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()?
                .with_no_client_auth()
                .with_single_cert(vec![server_cert.der().clone(), ca.der().clone()], key)?;

        let dir = tempfile::tempdir()?;
        let ca_pem = ca.pem();
        std::fs::write(dir.path().join("ca.pem"), &ca_pem)?;
        Ok(TestCertificate {
            dir,
            ca_pem,
            server_config: Arc::new(server_config),
        })
    }

    /// The CA certificate as PEM.
    #[must_use]
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// A PEM file holding the CA certificate (lives as long as `self`).
    #[must_use]
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// The directory holding the CA file.
    #[must_use]
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The server side TLS configuration.
    #[must_use]
    pub fn server_config(&self) -> Arc<ServerConfig> {
        Arc::clone(&self.server_config)
    }
}
