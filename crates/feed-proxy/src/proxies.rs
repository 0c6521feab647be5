//! The proxies of one exchange (or of the default): one per connection kind.

use crate::config::ProxyConfig;
use crate::kind::ConnectionKind;

/// Proxies for the HTTP and the WebSocket connections; either may be absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionProxies {
    /// The proxy for REST calls.
    pub http: Option<ProxyConfig>,
    /// The proxy for WebSocket streams.
    pub websocket: Option<ProxyConfig>,
    /// In an exchange's own entry: the kinds this entry names no proxy for connect directly
    /// instead of falling back to the default (`proxy.exchanges.ID.direct: true`).
    pub direct: bool,
}

impl ConnectionProxies {
    /// Separate proxies (or none) for each kind.
    #[must_use]
    pub fn new(http: Option<ProxyConfig>, websocket: Option<ProxyConfig>) -> Self {
        ConnectionProxies {
            http,
            websocket,
            direct: false,
        }
    }

    /// An exchange entry that connects directly whatever the default says.
    #[must_use]
    pub fn direct() -> Self {
        ConnectionProxies {
            http: None,
            websocket: None,
            direct: true,
        }
    }

    /// The same proxy for HTTP and WebSocket.
    #[must_use]
    pub fn both(proxy: ProxyConfig) -> Self {
        ConnectionProxies {
            http: Some(proxy.clone()),
            websocket: Some(proxy),
            direct: false,
        }
    }

    /// A proxy for HTTP only; WebSocket falls through to the default.
    #[must_use]
    pub fn http_only(proxy: ProxyConfig) -> Self {
        ConnectionProxies {
            http: Some(proxy),
            websocket: None,
            direct: false,
        }
    }

    /// A proxy for WebSocket only; HTTP falls through to the default.
    #[must_use]
    pub fn websocket_only(proxy: ProxyConfig) -> Self {
        ConnectionProxies {
            http: None,
            websocket: Some(proxy),
            direct: false,
        }
    }

    /// The proxy for one kind of connection.
    #[must_use]
    pub fn get(&self, kind: ConnectionKind) -> Option<&ProxyConfig> {
        match kind {
            ConnectionKind::Http => self.http.as_ref(),
            ConnectionKind::Websocket => self.websocket.as_ref(),
        }
    }

    /// Fills in each kind `other` names, keeping ours where `other` has none; `direct` once
    /// either says so.
    pub fn overlay(&mut self, other: ConnectionProxies) {
        self.direct |= other.direct;
        if other.http.is_some() {
            self.http = other.http;
        }
        if other.websocket.is_some() {
            self.websocket = other.websocket;
        }
    }
}
