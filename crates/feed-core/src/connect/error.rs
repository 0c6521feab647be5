//! Connection errors that say which exchange, which connection, which route, and which
//! stage failed.

use std::fmt;
use std::time::Duration;

use feed_proxy::ConnectionKind;

/// The stage at which a connection failed, with what the other side said.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectStage {
    /// The URL cannot be connected to (bad scheme, no host).
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// The exchange's host name did not resolve here.
    #[error("cannot resolve {host}: {detail}")]
    Resolve {
        /// The host name.
        host: String,
        /// The resolver's error.
        detail: String,
    },
    /// No TCP connection to the proxy (down, refused, unreachable).
    #[error("cannot connect to the proxy: {0}")]
    ProxyConnect(String),
    /// TLS to an `https://` proxy failed.
    #[error("TLS to the proxy failed: {0}")]
    ProxyTls(String),
    /// The proxy rejected our credentials or demands some.
    #[error("proxy authentication failed: {0}")]
    ProxyAuthentication(String),
    /// The proxy would not open the tunnel; carries its reply (status line or SOCKS code).
    #[error("the proxy refused the tunnel: {0}")]
    TunnelRefused(String),
    /// The proxy broke its protocol (closed early, sent garbage).
    #[error("proxy handshake failed: {0}")]
    ProxyProtocol(String),
    /// No TCP connection to the exchange on a direct route.
    #[error("cannot connect to the exchange: {0}")]
    ExchangeConnect(String),
    /// TLS with the exchange failed (certificate, name, protocol).
    #[error("TLS handshake with the exchange failed: {0}")]
    Tls(String),
    /// The WebSocket upgrade failed.
    #[error("WebSocket handshake failed: {0}")]
    WebSocketHandshake(String),
    /// The HTTP request failed after the connection was made.
    #[error("HTTP request failed: {0}")]
    Http(String),
    /// The exchange answered with a non-success HTTP status.
    #[error("HTTP {status}{reason}", reason = reason_suffix(*status))]
    HttpStatus {
        /// The status code.
        status: u16,
        /// The start of the body, for context.
        body: String,
    },
    /// Every member of the proxy pool is out after proxy-stage failures; no direct
    /// connection is made.
    #[error("every member of the proxy pool is out after failures{last}; next probe in {}s; no direct connection is made", next_probe_in.as_millis().div_ceil(1000), last = last_failure.as_ref().map_or_else(String::new, |stage| format!(" (last: {stage})")))]
    AllMembersOut {
        /// How many members the pool has.
        members: usize,
        /// Time until the first member may be probed again.
        next_probe_in: Duration,
        /// The last member failure of this connection attempt, if it tried one.
        last_failure: Option<Box<ConnectStage>>,
    },
    /// The [`super::ProxyProvider`] gave no members for a proxied route; no direct
    /// connection is made.
    #[error(
        "the proxy provider ({provider}) gave no proxy: {detail}; no direct connection is made"
    )]
    ProviderFailed {
        /// The provider's name.
        provider: String,
        /// What went wrong.
        detail: String,
    },
    /// A stage took longer than allowed.
    #[error("timed out after {}s while {during}", after.as_secs_f64())]
    Timeout {
        /// What was being waited for.
        during: &'static str,
        /// The limit.
        after: Duration,
    },
}

fn reason_suffix(status: u16) -> String {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .map_or_else(String::new, |reason| format!(" {reason}"))
}

impl ConnectStage {
    /// A short name of the stage, for logs and tests (`proxy_authentication`).
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            ConnectStage::InvalidUrl(_) => "invalid_url",
            ConnectStage::Resolve { .. } => "resolve",
            ConnectStage::ProxyConnect(_) => "proxy_connect",
            ConnectStage::ProxyTls(_) => "proxy_tls",
            ConnectStage::ProxyAuthentication(_) => "proxy_authentication",
            ConnectStage::TunnelRefused(_) => "tunnel_refused",
            ConnectStage::ProxyProtocol(_) => "proxy_protocol",
            ConnectStage::ExchangeConnect(_) => "exchange_connect",
            ConnectStage::Tls(_) => "tls",
            ConnectStage::WebSocketHandshake(_) => "websocket_handshake",
            ConnectStage::Http(_) => "http",
            ConnectStage::HttpStatus { .. } => "http_status",
            ConnectStage::Timeout { .. } => "timeout",
            ConnectStage::AllMembersOut { .. } => "all_members_out",
            ConnectStage::ProviderFailed { .. } => "provider_failed",
        }
    }

    /// True for a failure at or with the proxy (a retry must go through it again).
    #[must_use]
    pub fn is_proxy_failure(&self) -> bool {
        matches!(
            self,
            ConnectStage::ProxyConnect(_)
                | ConnectStage::ProxyTls(_)
                | ConnectStage::ProxyAuthentication(_)
                | ConnectStage::TunnelRefused(_)
                | ConnectStage::ProxyProtocol(_)
                | ConnectStage::AllMembersOut { .. }
                | ConnectStage::ProviderFailed { .. }
        )
    }
}

/// A failed connection: exchange, connection kind, route (proxy redacted), target, stage.
///
/// Display: `binance websocket via socks5://user:***@10.0.0.1:1080 to stream.binance.com:9443:
/// proxy authentication failed: ...`. A region block (HTTP 451/403 on a direct route) adds
/// how to route the exchange through a proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectError {
    /// The exchange id.
    pub exchange: String,
    /// HTTP or WebSocket.
    pub kind: ConnectionKind,
    /// The proxy, redacted; `None` on a direct route.
    pub proxy: Option<String>,
    /// `host:port` of the exchange endpoint.
    pub target: String,
    /// What failed.
    pub stage: ConnectStage,
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let route = match &self.proxy {
            Some(proxy) => format!("via {proxy}"),
            None => "direct".to_owned(),
        };
        write!(
            f,
            "{} {} connection ({route}) to {}: {}",
            self.exchange, self.kind, self.target, self.stage
        )?;
        if let ConnectStage::HttpStatus {
            status: 451 | 403, ..
        } = self.stage
        {
            let key = format!("proxy.exchanges.{}.{}", self.exchange, self.kind);
            match &self.proxy {
                None => write!(
                    f,
                    " - the exchange blocks requests from this region or address; route it \
                     through a proxy in an allowed region ({key}.url, or proxy.default)"
                )?,
                Some(_) => write!(
                    f,
                    " - the exchange blocks the proxy's region or address; choose a proxy in an \
                     allowed region ({key}.url)"
                )?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for ConnectError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(stage: ConnectStage, proxy: Option<&str>) -> ConnectError {
        ConnectError {
            exchange: "binance".into(),
            kind: ConnectionKind::Http,
            proxy: proxy.map(str::to_owned),
            target: "api.binance.com:443".into(),
            stage,
        }
    }

    #[test]
    fn names_exchange_kind_route_target_and_stage() {
        let text = error(
            ConnectStage::ProxyAuthentication("bad password".into()),
            Some("socks5://u:***@p:1080"),
        )
        .to_string();
        assert_eq!(
            text,
            "binance http connection (via socks5://u:***@p:1080) to api.binance.com:443: proxy authentication failed: bad password"
        );
    }

    #[test]
    fn region_block_suggests_a_proxy() {
        let stage = ConnectStage::HttpStatus {
            status: 451,
            body: String::new(),
        };
        let text = error(stage, None).to_string();
        assert!(
            text.contains("HTTP 451 Unavailable For Legal Reasons"),
            "{text}"
        );
        assert!(text.contains("proxy.exchanges.binance.http.url"), "{text}");
    }

    #[test]
    fn timeout_says_what_was_awaited() {
        let stage = ConnectStage::Timeout {
            during: "negotiating with the proxy",
            after: Duration::from_secs(2),
        };
        assert_eq!(
            stage.to_string(),
            "timed out after 2s while negotiating with the proxy"
        );
    }
}
