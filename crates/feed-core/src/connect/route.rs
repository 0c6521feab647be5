//! Route resolution: which proxy pool (or none) the connections of an exchange take.
//!
//! The one source of truth is [`ProxySettings`]: a feed's own settings when it has them,
//! else the process-wide settings given to [`init_proxy_system`], else direct. Proxy
//! environment variables (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`) are never used; if set,
//! one warning says so.

use std::fmt;
use std::sync::{Arc, Once, RwLock};

use feed_proxy::{ConnectionKind, ProxyConfig, ProxyPool, ProxySettings};

static PROCESS_SETTINGS: RwLock<Option<Arc<ProxySettings>>> = RwLock::new(None);

/// Installs process-wide proxy settings: from now on every connection that names its
/// exchange takes the route they give, with no change to feed or adapter code. Calling it
/// again replaces the settings for connections made afterwards.
pub fn init_proxy_system(settings: ProxySettings) {
    warn_about_proxy_environment();
    tracing::info!(
        enabled = settings.is_enabled(),
        exchanges = settings.exchanges().count(),
        has_default = settings.default_proxies().is_some(),
        "proxy system initialized"
    );
    *PROCESS_SETTINGS
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::new(settings));
}

/// Removes the process-wide settings: connections without their own settings go direct.
pub fn clear_proxy_system() {
    *PROCESS_SETTINGS
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
}

/// The process-wide settings, if [`init_proxy_system`] was called.
#[must_use]
pub fn process_proxy_settings() -> Option<Arc<ProxySettings>> {
    PROCESS_SETTINGS
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

/// The route of an exchange's connections of one kind: direct, or a proxy pool (a single
/// proxy is a pool of one). Each connection then takes one [`Egress`]: a member of the
/// pool, chosen by the connector.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Route {
    /// Straight to the exchange.
    Direct,
    /// Through a member of this pool.
    Pool(ProxyPool),
}

impl Route {
    /// Resolves the route of `exchange`'s `kind` connection: `own` settings if given, else the
    /// process-wide ones, else direct.
    #[must_use]
    pub fn resolve(exchange: &str, kind: ConnectionKind, own: Option<&ProxySettings>) -> Route {
        warn_about_proxy_environment();
        let process = process_proxy_settings();
        let settings = own.or(process.as_deref());
        match settings.and_then(|settings| settings.get_pool(exchange, kind)) {
            Some(pool) => Route::Pool(pool.clone()),
            None => Route::Direct,
        }
    }

    /// The pool, if any.
    #[must_use]
    pub fn pool(&self) -> Option<&ProxyPool> {
        match self {
            Route::Direct => None,
            Route::Pool(pool) => Some(pool),
        }
    }

    /// `direct`, the one proxy's redacted URL, or `pool [a, b, c]` (redacted): how errors
    /// name the route.
    #[must_use]
    pub fn name(&self) -> String {
        match self {
            Route::Direct => "direct".to_owned(),
            Route::Pool(pool) if pool.len() == 1 => pool.first().url().to_string(),
            Route::Pool(pool) => format!("pool [{}]", pool.redacted_urls()),
        }
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Route::Direct => f.write_str("direct"),
            Route::Pool(pool) => write!(f, "{pool}"),
        }
    }
}

/// The way out of one connection: direct, or the one pool member it took.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Egress {
    /// Straight to the exchange.
    Direct,
    /// Through this proxy.
    Proxy(ProxyConfig),
}

impl Egress {
    /// The proxy, if any.
    #[must_use]
    pub fn proxy(&self) -> Option<&ProxyConfig> {
        match self {
            Egress::Direct => None,
            Egress::Proxy(proxy) => Some(proxy),
        }
    }

    /// The redacted proxy URL, or `None` when direct (for errors).
    #[must_use]
    pub fn redacted_proxy(&self) -> Option<String> {
        self.proxy().map(|proxy| proxy.url().to_string())
    }

    /// `direct`, or the proxy's URL with any password masked (`socks5h://user:***@host:1080`):
    /// the egress as logs, summaries and metric labels name it.
    #[must_use]
    pub fn name(&self) -> String {
        match self {
            Egress::Direct => "direct".to_owned(),
            Egress::Proxy(proxy) => proxy.url().to_string(),
        }
    }
}

impl fmt::Display for Egress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Egress::Direct => f.write_str("direct"),
            Egress::Proxy(proxy) => write!(f, "{proxy}"),
        }
    }
}

/// The proxy environment variables other tools honour and we deliberately do not.
pub const IGNORED_PROXY_VARIABLES: [&str; 6] = [
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
];

/// Logs, once per process, that proxy environment variables are ignored (names only; the
/// values may hold passwords).
pub fn warn_about_proxy_environment() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let set: Vec<&str> = IGNORED_PROXY_VARIABLES
            .into_iter()
            .filter(|name| std::env::var_os(name).is_some())
            .collect();
        if !set.is_empty() {
            tracing::warn!(
                variables = %set.join(", "),
                "proxy environment variables are ignored: feedhandler routes every HTTP and \
                 WebSocket connection by its own settings, so REST and streams of an exchange \
                 always take the same route. Configure proxies under `proxy:` in the config \
                 file, or with FEED_PROXY__ENABLED=true together with \
                 FEED_PROXY__DEFAULT__HTTP__URL and FEED_PROXY__DEFAULT__WEBSOCKET__URL"
            );
        }
    });
}
