//! The `tls:` section: extra trusted root certificates.
//!
//! ```yaml
//! tls:
//!   ca_file: extra-roots.pem   # PEM; relative to the config file's folder
//! ```

use std::path::{Path, PathBuf};

use feed_proxy::{join_key, ConfigReader};

/// TLS settings shared by every HTTP and WebSocket connection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsConfig {
    /// Extra root CAs trusted in addition to the built-in web roots.
    pub ca_file: Option<PathBuf>,
}

/// Reads `tls:` and checks that `ca_file` holds at least one PEM certificate.
pub fn read_tls(reader: &mut ConfigReader<'_>, base_dir: &Path) -> TlsConfig {
    if reader.section("tls", &["ca_file"]).is_none() {
        return TlsConfig::default();
    }
    let key = join_key("tls", "ca_file");
    let Some(file) = reader.value::<String>(&key) else {
        return TlsConfig::default();
    };
    let path = base_dir.join(file);
    match feed_core::connect::load_ca_file(&path) {
        Ok(_) => TlsConfig {
            ca_file: Some(path),
        },
        Err(error) => {
            reader.problem(&key, error.to_string());
            TlsConfig::default()
        }
    }
}
