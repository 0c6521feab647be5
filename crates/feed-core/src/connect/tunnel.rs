//! Opening a byte stream to an exchange endpoint along a route.
//!
//! direct:  resolve -> TCP -> [TLS to the exchange]
//! socks*:  TCP to the proxy -> SOCKS handshake -> [TLS to the exchange]
//! http:    TCP to the proxy -> CONNECT -> [TLS to the exchange]
//! https:   TCP to the proxy -> TLS to the proxy -> CONNECT -> [TLS to the exchange]
//!
//! Everything up to the open tunnel is bounded by the proxy's `timeout_seconds`; the TLS
//! handshake with the exchange has its own timeout. A proxy failure is an error: there is
//! no fallback to a direct connection.

use std::sync::Arc;
use std::time::Duration;

use feed_proxy::{ProxyConfig, ProxyScheme};
use rustls::ClientConfig;

use super::error::ConnectStage;
use super::http_tunnel::connect_tunnel;
use super::route::Egress;
use super::socks::{socks_targets, socks_tunnel, worth_another_address};
use super::stream::{ExchangeIo, ExchangeStream, HopStream};
use super::target::Target;
use super::tcp::{connect_any, resolve};
use super::tls::{tls_handshake, tls_to_proxy};

/// Timeouts of the stages a route does not set itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageTimeouts {
    /// Resolving and connecting to the exchange on a direct route.
    pub direct_connect: Duration,
    /// The TLS handshake with the exchange.
    pub tls_handshake: Duration,
    /// The WebSocket upgrade (request and response).
    pub websocket_handshake: Duration,
}

impl Default for StageTimeouts {
    fn default() -> Self {
        StageTimeouts {
            direct_connect: Duration::from_secs(10),
            tls_handshake: Duration::from_secs(10),
            websocket_handshake: Duration::from_secs(10),
        }
    }
}

/// Runs `future` under `limit`, turning expiry into [`ConnectStage::Timeout`].
pub(crate) async fn within<T>(
    limit: Duration,
    during: &'static str,
    future: impl std::future::Future<Output = Result<T, ConnectStage>>,
) -> Result<T, ConnectStage> {
    tokio::time::timeout(limit, future)
        .await
        .unwrap_or(Err(ConnectStage::Timeout {
            during,
            after: limit,
        }))
}

/// Opens a stream to `target` along `route`, with TLS to the exchange when the target
/// wants it.
///
/// # Errors
/// The [`ConnectStage`] that failed.
pub async fn open_stream(
    route: &Egress,
    target: &Target,
    tls: &Arc<ClientConfig>,
    timeouts: &StageTimeouts,
) -> Result<ExchangeStream, ConnectStage> {
    let hop = match route {
        Egress::Direct => {
            within(
                timeouts.direct_connect,
                "connecting to the exchange",
                async {
                    let addresses = resolve(&target.host, target.port).await?;
                    let stream = connect_any(&addresses)
                        .await
                        .map_err(ConnectStage::ExchangeConnect)?;
                    Ok(HopStream::Tcp(stream))
                },
            )
            .await?
        }
        Egress::Proxy(proxy) => {
            within(
                proxy.timeout(),
                "connecting to and negotiating with the proxy",
                open_tunnel(proxy, target, tls),
            )
            .await?
        }
    };
    if !target.tls {
        return Ok(ExchangeStream::new(ExchangeIo::Plain(hop)));
    }
    let stream = within(
        timeouts.tls_handshake,
        "in the TLS handshake with the exchange",
        tls_handshake(Arc::clone(tls), &target.host, hop, ConnectStage::Tls),
    )
    .await?;
    Ok(ExchangeStream::new(ExchangeIo::Tls(Box::new(stream))))
}

async fn open_tunnel(
    proxy: &ProxyConfig,
    target: &Target,
    tls: &Arc<ClientConfig>,
) -> Result<HopStream, ConnectStage> {
    let url = proxy.url();
    let addresses = resolve(url.host(), url.port())
        .await
        .map_err(|stage| ConnectStage::ProxyConnect(stage.to_string()))?;
    let connect_to_proxy = || async {
        connect_any(&addresses)
            .await
            .map_err(ConnectStage::ProxyConnect)
    };
    match url.scheme() {
        ProxyScheme::Http => {
            connect_tunnel(HopStream::Tcp(connect_to_proxy().await?), url, target).await
        }
        ProxyScheme::Https => {
            let hop = tls_to_proxy(Arc::clone(tls), url.host(), connect_to_proxy().await?).await?;
            connect_tunnel(hop, url, target).await
        }
        ProxyScheme::Socks4 | ProxyScheme::Socks4a | ProxyScheme::Socks5 | ProxyScheme::Socks5h => {
            let candidates = socks_targets(url.scheme(), target).await?;
            socks_any(url, &addresses, candidates)
                .await
                .map(HopStream::Tcp)
        }
    }
}

/// Asks the SOCKS proxy (at `proxy_addresses`) for each candidate target address in turn,
/// each on a fresh proxy connection, until the proxy reaches one; a refusal no other address
/// changes (credentials, protocol) ends it at once.
///
/// # Errors
/// The last refusal, or the first failure no other address changes.
pub(crate) async fn socks_any(
    url: &feed_proxy::ProxyUrl,
    proxy_addresses: &[std::net::SocketAddr],
    candidates: Vec<tokio_socks::TargetAddr<'static>>,
) -> Result<tokio::net::TcpStream, ConnectStage> {
    let mut last = None;
    for address in candidates {
        let stream = connect_any(proxy_addresses)
            .await
            .map_err(ConnectStage::ProxyConnect)?;
        match socks_tunnel(stream, url, address).await {
            Ok(stream) => return Ok(stream),
            Err(stage) if worth_another_address(&stage) => last = Some(stage),
            Err(stage) => return Err(stage),
        }
    }
    Err(last.unwrap_or_else(|| ConnectStage::TunnelRefused("no address to ask for".into())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use feed_testkit::proxies::{start_dante, DANTE_EGRESS};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A client-resolved SOCKS5 target with two addresses, the first of which the proxy
    /// cannot reach: the second is asked for, through a fresh proxy connection.
    #[tokio::test]
    async fn socks5_tries_the_next_resolved_address_when_the_proxy_cannot_reach_one() {
        let dante = start_dante(DANTE_EGRESS).expect("start danted");
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let open = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let open_address = open.local_addr().unwrap();
        tokio::spawn(async move {
            if let Ok((mut socket, _)) = open.accept().await {
                let _ = socket.write_all(b"hello").await;
            }
        });
        let url = feed_proxy::ProxyUrl::parse(&dante.url("socks5")).unwrap();
        let proxy: Vec<std::net::SocketAddr> = vec![format!("{}", dante.addr()).parse().unwrap()];
        let candidates = vec![
            tokio_socks::TargetAddr::Ip(closed),
            tokio_socks::TargetAddr::Ip(open_address),
        ];
        let mut stream = socks_any(&url, &proxy, candidates)
            .await
            .expect("the second address is reached");
        let mut greeting = [0_u8; 5];
        stream.read_exact(&mut greeting).await.unwrap();
        assert_eq!(&greeting, b"hello");
        let only_closed = vec![tokio_socks::TargetAddr::Ip(closed)];
        let error = socks_any(&url, &proxy, only_closed).await.unwrap_err();
        assert!(matches!(error, ConnectStage::TunnelRefused(_)), "{error:?}");
    }
}
