//! TCP connections with TCP_NODELAY, trying each resolved address in turn.

use std::net::SocketAddr;

use tokio::net::TcpStream;

use super::error::ConnectStage;

/// Resolves `host` here (an IP address is taken as is).
///
/// # Errors
/// [`ConnectStage::Resolve`] when the name does not resolve.
pub async fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, ConnectStage> {
    let resolve_error = |detail: String| ConnectStage::Resolve {
        host: host.to_owned(),
        detail,
    };
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|error| resolve_error(error.to_string()))?
        .collect();
    if addresses.is_empty() {
        return Err(resolve_error("no addresses".into()));
    }
    Ok(addresses)
}

/// Connects to the first address that accepts, with TCP_NODELAY set.
///
/// # Errors
/// The last connection error, as text.
pub async fn connect_any(addresses: &[SocketAddr]) -> Result<TcpStream, String> {
    let mut last_error = String::from("no addresses");
    for address in addresses {
        match TcpStream::connect(address).await {
            Ok(stream) => {
                stream
                    .set_nodelay(true)
                    .map_err(|error| format!("setting TCP_NODELAY: {error}"))?;
                return Ok(stream);
            }
            Err(error) => last_error = format!("{address}: {error}"),
        }
    }
    Err(last_error)
}
