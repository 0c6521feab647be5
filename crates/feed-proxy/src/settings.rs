//! Process- or feed-wide proxy settings and the one rule that resolves a route.

use std::collections::BTreeMap;

use crate::kind::ConnectionKind;
use crate::pool::ProxyPool;
use crate::proxies::ConnectionProxies;

/// Which proxy each exchange's connections take.
///
/// Resolution ([`ProxySettings::get_pool`]): the exchange's own pool for that connection
/// kind, else the default's (unless the exchange's entry says `direct`), else none
/// (direct). When `enabled` is false nothing is proxied. A pool is never empty.
/// Exchange ids match case-insensitively.
///
/// # Examples
/// ```
/// use feed_proxy::{ConnectionKind, ConnectionProxies, ProxyConfig, ProxySettings};
///
/// let settings = ProxySettings::enabled()
///     .with_default(ConnectionProxies::both(ProxyConfig::new("socks5://proxy:1080")?))
///     .with_exchange(
///         "binance",
///         ConnectionProxies::http_only(ProxyConfig::new("http://binance-proxy:8080")?),
///     );
///
/// let binance_http = settings.get_pool("BINANCE", ConnectionKind::Http).unwrap();
/// assert_eq!(binance_http.first().url().to_string(), "http://binance-proxy:8080");
/// let binance_ws = settings.get_pool("binance", ConnectionKind::Websocket).unwrap();
/// assert_eq!(binance_ws.first().url().to_string(), "socks5://proxy:1080");
/// # Ok::<(), feed_proxy::ProxyConfigError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxySettings {
    enabled: bool,
    default: Option<ConnectionProxies>,
    /// Keyed by the lower-cased exchange id.
    exchanges: BTreeMap<String, ConnectionProxies>,
}

impl ProxySettings {
    /// Settings that proxy nothing (`enabled: false`, the default).
    #[must_use]
    pub fn disabled() -> Self {
        Self::default()
    }

    /// Enabled settings with no proxies yet; add them with the `with_` methods.
    #[must_use]
    pub fn enabled() -> Self {
        ProxySettings {
            enabled: true,
            ..Self::default()
        }
    }

    /// The same settings, switched on or off.
    #[must_use]
    pub fn with_enabled(mut self, enabled: bool) -> Self {
        self.enabled = enabled;
        self
    }

    /// The same settings with default proxies for every exchange.
    #[must_use]
    pub fn with_default(mut self, default: ConnectionProxies) -> Self {
        self.default = Some(default);
        self
    }

    /// The same settings with an exchange's own proxies. Kinds it leaves out fall through
    /// to the default. Adding the same exchange again (in any case) overlays the kinds it
    /// names.
    #[must_use]
    pub fn with_exchange(mut self, exchange_id: &str, proxies: ConnectionProxies) -> Self {
        self.exchanges
            .entry(exchange_id.to_ascii_lowercase())
            .or_default()
            .overlay(proxies);
        self
    }

    /// Whether proxies apply at all.
    #[must_use]
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// True when any proxy URL is configured (default or an exchange's), enabled or not.
    #[must_use]
    pub fn has_proxy_urls(&self) -> bool {
        self.default
            .iter()
            .chain(self.exchanges.values())
            .any(|proxies| proxies.http.is_some() || proxies.websocket.is_some())
    }

    /// The default proxies.
    #[must_use]
    pub fn default_proxies(&self) -> Option<&ConnectionProxies> {
        self.default.as_ref()
    }

    /// An exchange's own proxies (case-insensitive id), without the default.
    #[must_use]
    pub fn exchange_proxies(&self, exchange_id: &str) -> Option<&ConnectionProxies> {
        self.exchanges.get(&exchange_id.to_ascii_lowercase())
    }

    /// The exchanges that have their own entry (lower-cased ids) and their proxies.
    pub fn exchanges(&self) -> impl Iterator<Item = (&str, &ConnectionProxies)> {
        self.exchanges
            .iter()
            .map(|(id, proxies)| (id.as_str(), proxies))
    }

    /// The pool for one connection kind of one exchange, or `None` for a direct connection.
    #[must_use]
    pub fn get_pool(&self, exchange_id: &str, kind: ConnectionKind) -> Option<&ProxyPool> {
        if !self.enabled {
            return None;
        }
        let own = self.exchange_proxies(exchange_id);
        if let Some(pool) = own.and_then(|own| own.get(kind)) {
            return Some(pool);
        }
        if own.is_some_and(|own| own.direct) {
            return None;
        }
        self.default.as_ref().and_then(|default| default.get(kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ProxyConfig;

    fn proxy(url: &str) -> ProxyConfig {
        ProxyConfig::new(url).unwrap()
    }

    fn design_settings() -> ProxySettings {
        ProxySettings::enabled()
            .with_default(ConnectionProxies::new(
                Some(proxy("socks5://proxy:1080")),
                Some(proxy("socks5://proxy:1081")),
            ))
            .with_exchange(
                "binance",
                ConnectionProxies::http_only(proxy("http://binance-proxy:8080")),
            )
            .with_exchange(
                "backpack",
                ConnectionProxies::http_only(proxy("socks5://backpack-proxy:1080")),
            )
    }

    fn route(settings: &ProxySettings, id: &str, kind: ConnectionKind) -> Option<String> {
        settings.get_pool(id, kind).map(|pool| pool.redacted_urls())
    }

    #[test]
    fn exchange_entry_wins_then_default_then_direct() {
        let settings = design_settings();
        let http = ConnectionKind::Http;
        let ws = ConnectionKind::Websocket;
        assert_eq!(
            route(&settings, "binance", http).as_deref(),
            Some("http://binance-proxy:8080")
        );
        assert_eq!(
            route(&settings, "binance", ws).as_deref(),
            Some("socks5://proxy:1081")
        );
        assert_eq!(
            route(&settings, "kraken", http).as_deref(),
            Some("socks5://proxy:1080")
        );

        let no_default = ProxySettings::enabled()
            .with_exchange("binance", ConnectionProxies::http_only(proxy("http://b:1")));
        assert_eq!(route(&no_default, "binance", ws), None);
        assert_eq!(route(&no_default, "kraken", http), None);
    }

    #[test]
    fn exchange_ids_match_case_insensitively() {
        let settings = design_settings();
        for id in ["binance", "BINANCE", "Binance"] {
            assert_eq!(
                route(&settings, id, ConnectionKind::Http).as_deref(),
                Some("http://binance-proxy:8080"),
                "{id}"
            );
        }
        let upper = ProxySettings::enabled()
            .with_exchange("OKX", ConnectionProxies::both(proxy("socks5h://okx:1")));
        assert!(upper.get_pool("okx", ConnectionKind::Websocket).is_some());
    }

    #[test]
    fn a_direct_exchange_entry_opts_out_of_the_default() {
        let settings = design_settings()
            .with_exchange("coinbase", ConnectionProxies::direct())
            .with_exchange(
                "okx",
                ConnectionProxies {
                    http: Some(proxy("http://okx-proxy:8080").into()),
                    ..ConnectionProxies::direct()
                },
            );
        for kind in ConnectionKind::ALL {
            assert_eq!(route(&settings, "coinbase", kind), None, "{kind}");
        }
        assert_eq!(
            route(&settings, "okx", ConnectionKind::Http).as_deref(),
            Some("http://okx-proxy:8080")
        );
        assert_eq!(route(&settings, "okx", ConnectionKind::Websocket), None);
        assert_eq!(
            route(&settings, "kraken", ConnectionKind::Websocket).as_deref(),
            Some("socks5://proxy:1081")
        );
    }

    #[test]
    fn disabled_settings_resolve_nothing() {
        let settings = design_settings().with_enabled(false);
        for kind in ConnectionKind::ALL {
            assert_eq!(route(&settings, "binance", kind), None);
            assert_eq!(route(&settings, "kraken", kind), None);
        }
        assert_eq!(
            route(&ProxySettings::default(), "binance", ConnectionKind::Http),
            None
        );
    }

    #[test]
    fn adding_an_exchange_twice_overlays_the_kinds_it_names() {
        let settings = ProxySettings::enabled()
            .with_exchange("binance", ConnectionProxies::http_only(proxy("http://a:1")))
            .with_exchange(
                "BINANCE",
                ConnectionProxies::websocket_only(proxy("http://b:2")),
            );
        let own = settings.exchange_proxies("binance").unwrap();
        assert_eq!(own.http.as_ref().unwrap().redacted_urls(), "http://a:1");
        assert_eq!(
            own.websocket.as_ref().unwrap().redacted_urls(),
            "http://b:2"
        );
    }

    #[test]
    fn pools_resolve_by_the_same_rule() {
        let pool = ProxyPool::new(vec![proxy("socks5://a:1"), proxy("http://b:2")]).unwrap();
        let settings = ProxySettings::enabled()
            .with_default(ConnectionProxies::both_pool(pool.clone()))
            .with_exchange("coinbase", ConnectionProxies::direct())
            .with_exchange(
                "okx",
                ConnectionProxies::default()
                    .with_websocket_pool(ProxyPool::from(proxy("socks5://okx:1"))),
            );
        for kind in ConnectionKind::ALL {
            assert_eq!(settings.get_pool("kraken", kind), Some(&pool), "{kind}");
            assert_eq!(settings.get_pool("coinbase", kind), None, "{kind}");
        }
        assert_eq!(
            route(&settings, "okx", ConnectionKind::Websocket).as_deref(),
            Some("socks5://okx:1")
        );
        assert_eq!(settings.get_pool("okx", ConnectionKind::Http), Some(&pool));
        assert_eq!(
            settings
                .with_enabled(false)
                .get_pool("kraken", ConnectionKind::Http),
            None
        );
    }
}
