//! TLS: the built-in web roots plus any extra roots from `tls.ca_file`, for HTTP and
//! WebSocket alike, to exchanges and to `https://` proxies.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use rustls::ClientConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio_rustls::TlsConnector;

use super::error::ConnectStage;
use super::stream::HopStream;

/// What is wrong with an extra root certificate file.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    /// The file cannot be read or holds no PEM certificate.
    #[error("tls.ca_file {path}: {detail}")]
    CaFile {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// rustls refused the configuration.
    #[error("TLS configuration: {0}")]
    Rustls(#[from] rustls::Error),
}

/// Reads every certificate of a PEM file.
///
/// # Errors
/// [`TlsSetupError::CaFile`] when the file cannot be read, is not PEM, or has no certificate.
pub fn load_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsSetupError> {
    let error = |detail: String| TlsSetupError::CaFile {
        path: path.to_owned(),
        detail,
    };
    let certificates = CertificateDer::pem_file_iter(path)
        .map_err(|e| error(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| error(format!("not a valid PEM file: {e}")))?;
    if certificates.is_empty() {
        return Err(error("no CERTIFICATE block in the file".into()));
    }
    Ok(certificates)
}

/// A client TLS configuration trusting the web roots plus `extra_roots`.
///
/// # Errors
/// When an extra root is not a valid CA certificate or rustls refuses the setup.
pub fn client_config(
    extra_roots: &[CertificateDer<'static>],
) -> Result<Arc<ClientConfig>, TlsSetupError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for certificate in extra_roots {
        roots.add(certificate.clone())?;
    }
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(Arc::new(config))
}

static PROCESS_TLS: RwLock<Option<Arc<ClientConfig>>> = RwLock::new(None);

/// Trusts the certificates of `ca_file` (PEM) in addition to the web roots, for every
/// connection of this process from now on.
///
/// # Errors
/// As [`load_ca_file`] and [`client_config`].
pub fn init_tls_roots(ca_file: &Path) -> Result<(), TlsSetupError> {
    let config = client_config(&load_ca_file(ca_file)?)?;
    *PROCESS_TLS
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(config);
    Ok(())
}

/// The process-wide TLS configuration (web roots, plus `init_tls_roots`' if called).
#[must_use]
pub fn process_tls_config() -> Arc<ClientConfig> {
    if let Some(config) = PROCESS_TLS
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .as_ref()
    {
        return Arc::clone(config);
    }
    let mut slot = PROCESS_TLS
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    Arc::clone(slot.get_or_insert_with(|| {
        // The web roots alone always form a valid configuration.
        client_config(&[]).unwrap_or_else(|error| panic!("built-in TLS roots rejected: {error}"))
    }))
}

/// TLS handshake over `stream`, verifying the certificate against `host` (also the SNI).
///
/// # Errors
/// `make_stage` of the handshake error (the caller tells whether this is the proxy or the
/// exchange).
pub async fn tls_handshake<S>(
    config: Arc<ClientConfig>,
    host: &str,
    stream: S,
    make_stage: fn(String) -> ConnectStage,
) -> Result<tokio_rustls::client::TlsStream<S>, ConnectStage>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let name = ServerName::try_from(host.to_owned())
        .map_err(|error| make_stage(format!("invalid server name '{host}': {error}")))?;
    TlsConnector::from(config)
        .connect(name, stream)
        .await
        .map_err(|error| make_stage(error.to_string()))
}

/// Convenience for the hop to an `https://` proxy.
pub(crate) async fn tls_to_proxy(
    config: Arc<ClientConfig>,
    host: &str,
    stream: tokio::net::TcpStream,
) -> Result<HopStream, ConnectStage> {
    let tls = tls_handshake(config, host, stream, ConnectStage::ProxyTls).await?;
    Ok(HopStream::Tls(Box::new(tls)))
}
