//! The proxies of one exchange (or of the default): one pool per connection kind.

use crate::config::ProxyConfig;
use crate::kind::ConnectionKind;
use crate::pool::ProxyPool;

/// Proxy pools for the HTTP and the WebSocket connections; either may be absent.
///
/// A single proxy is a pool of one: [`ConnectionProxies::both`] and the other one-proxy
/// constructors keep working; [`ConnectionProxies::pools`] and the `with_*_pool` builders
/// take pools.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionProxies {
    /// The pool for REST calls.
    pub http: Option<ProxyPool>,
    /// The pool for WebSocket streams.
    pub websocket: Option<ProxyPool>,
    /// In an exchange's own entry: the kinds this entry names no proxy for connect directly
    /// instead of falling back to the default (`proxy.exchanges.ID.direct: true`).
    pub direct: bool,
}

impl ConnectionProxies {
    /// Separate proxies (or none) for each kind.
    #[must_use]
    pub fn new(http: Option<ProxyConfig>, websocket: Option<ProxyConfig>) -> Self {
        Self::pools(http.map(ProxyPool::from), websocket.map(ProxyPool::from))
    }

    /// Separate pools (or none) for each kind.
    #[must_use]
    pub fn pools(http: Option<ProxyPool>, websocket: Option<ProxyPool>) -> Self {
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
        Self::both_pool(ProxyPool::from(proxy))
    }

    /// The same pool for HTTP and WebSocket.
    #[must_use]
    pub fn both_pool(pool: ProxyPool) -> Self {
        Self::pools(Some(pool.clone()), Some(pool))
    }

    /// A proxy for HTTP only; WebSocket falls through to the default.
    #[must_use]
    pub fn http_only(proxy: ProxyConfig) -> Self {
        Self::pools(Some(ProxyPool::from(proxy)), None)
    }

    /// A proxy for WebSocket only; HTTP falls through to the default.
    #[must_use]
    pub fn websocket_only(proxy: ProxyConfig) -> Self {
        Self::pools(None, Some(ProxyPool::from(proxy)))
    }

    /// The same entry with this pool for HTTP.
    #[must_use]
    pub fn with_http_pool(mut self, pool: ProxyPool) -> Self {
        self.http = Some(pool);
        self
    }

    /// The same entry with this pool for WebSocket.
    #[must_use]
    pub fn with_websocket_pool(mut self, pool: ProxyPool) -> Self {
        self.websocket = Some(pool);
        self
    }

    /// The pool for one kind of connection.
    #[must_use]
    pub fn get(&self, kind: ConnectionKind) -> Option<&ProxyPool> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy(url: &str) -> ProxyConfig {
        ProxyConfig::new(url).unwrap()
    }

    #[test]
    fn one_proxy_is_a_pool_of_one() {
        let both = ConnectionProxies::both(proxy("socks5://p:1080"));
        for kind in ConnectionKind::ALL {
            let pool = both.get(kind).unwrap();
            assert_eq!(pool.members(), &[proxy("socks5://p:1080")]);
        }
    }

    #[test]
    fn the_pool_builders_set_each_kind() {
        let pool = ProxyPool::new(vec![proxy("socks5://a:1"), proxy("http://b:2")]).unwrap();
        let entry = ConnectionProxies::default()
            .with_websocket_pool(pool.clone())
            .with_http_pool(ProxyPool::from(proxy("http://c:3")));
        assert_eq!(entry.websocket.as_ref(), Some(&pool));
        assert_eq!(entry.http.as_ref().unwrap().len(), 1);
        assert!(!entry.direct);
        let both = ConnectionProxies::both_pool(pool.clone());
        assert_eq!(both.http, Some(pool.clone()));
        assert_eq!(both.websocket, Some(pool));
    }
}
