//! # feed-proxy: which proxy each exchange connection takes
//!
//! The settings model of feedhandler. Every exchange makes two kinds of connection
//! ([`ConnectionKind::Http`] for REST, [`ConnectionKind::Websocket`] for streams); each can
//! go through its own proxy ([`ProxyConfig`]: `http`, `https`, `socks4`, `socks4a`, `socks5`,
//! `socks5h`, with credentials), or through a [`ProxyPool`] of several (a single proxy is a
//! pool of one). [`ProxySettings`] holds a default pair of pools ([`ConnectionProxies`]) and
//! per-exchange overrides, and resolves a route with [`ProxySettings::get_pool`]: the
//! exchange's own entry for that kind, else the default's, else direct; nothing at all
//! while `enabled` is false.
//!
//! Settings are built in code or loaded from YAML with `FEED_*` environment variables on
//! top ([`ConfigSources`], [`ProxySettings::load`]); loading collects every problem and
//! names each key with the file line or environment variable it came from. Passwords are
//! [`Secret`]s: no `Debug`, `Display` or error message shows them.
//!
//! ```
//! use feed_proxy::{ConnectionKind, ConnectionProxies, ProxyConfig, ProxySettings};
//!
//! let settings = ProxySettings::enabled().with_exchange(
//!     "backpack",
//!     ConnectionProxies::both(ProxyConfig::new("socks5h://user:pw@10.0.0.1:1080")?),
//! );
//! let pool = settings.get_pool("backpack", ConnectionKind::Websocket).unwrap();
//! assert_eq!(pool.first().url().to_string(), "socks5h://user:***@10.0.0.1:1080");
//! assert!(settings.get_pool("binance", ConnectionKind::Http).is_none()); // direct
//! # Ok::<(), feed_proxy::ProxyConfigError>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod config;
mod kind;
mod load;
mod pool;
mod problem;
mod proxies;
mod reader;
mod scheme;
mod secret;
mod settings;
mod sources;
mod url;
mod yaml_lines;

pub use config::{
    checked_timeout, ProxyConfig, ProxyConfigError, DEFAULT_TIMEOUT_SECONDS, TIMEOUT_SECONDS_RANGE,
};
pub use kind::ConnectionKind;
pub use load::read_proxy_settings;
pub use pool::{ProxyPool, ProxyPoolError};
pub use problem::{closest_matches, ConfigProblem, ConfigProblems, Origin};
pub use proxies::ConnectionProxies;
pub use reader::{join_key, shown_key, ConfigReader};
pub use scheme::ProxyScheme;
pub use secret::Secret;
pub use settings::ProxySettings;
pub use sources::{ConfigSources, ENV_PREFIX, ENV_SEPARATOR};
pub use url::{ProxyCredentials, ProxyUrl, ProxyUrlError};
pub use yaml_lines::KeyLines;
