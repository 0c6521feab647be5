//! TCP helpers that are not proxies themselves: a TLS front for an HTTP proxy (to test
//! `https://` proxies with the real tinyproxy behind it) and a listener that accepts and
//! then never answers (to test timeouts).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use rustls::ServerConfig;
use tokio::net::TcpStream;

use crate::listener::LoopbackServer;

/// Terminates TLS on a loopback port and relays the plain bytes to `upstream`.
///
/// # Errors
/// When the address cannot be bound.
pub async fn start_tls_front(
    upstream: SocketAddr,
    tls: Arc<ServerConfig>,
) -> std::io::Result<LoopbackServer> {
    LoopbackServer::start(
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        Some(tls),
        move |mut io, _peer| {
            Box::pin(async move {
                if let Ok(mut upstream) = TcpStream::connect(upstream).await {
                    let _ = tokio::io::copy_bidirectional(&mut io, &mut upstream).await;
                }
            })
        },
    )
    .await
}

/// Accepts connections and holds them open without ever sending a byte.
///
/// # Errors
/// When the address cannot be bound.
pub async fn start_silent_listener() -> std::io::Result<LoopbackServer> {
    LoopbackServer::start(IpAddr::V4(Ipv4Addr::LOCALHOST), None, |io, _peer| {
        Box::pin(async move {
            tokio::time::sleep(std::time::Duration::from_secs(600)).await;
            drop(io);
        })
    })
    .await
}
