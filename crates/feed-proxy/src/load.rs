//! The `proxy:` section of a configuration, read into [`ProxySettings`].
//!
//! ```yaml
//! proxy:
//!   enabled: true
//!   default:
//!     http: { url: "socks5://proxy:1080", timeout_seconds: 30 }
//!     websocket: { url: "socks5://proxy:1081" }
//!   exchanges:
//!     okx:   # a pool: connections spread over the members
//!       websocket: { urls: ["socks5h://a:1080", "http://c:3128"], timeout_seconds: 10 }
//!     binance:
//!       http: { url: "http://binance-proxy:8080", timeout_seconds: 15 }
//!     coinbase:
//!       direct: true      # no default proxy for this exchange
//! ```
//!
//! Wherever `url` is allowed, `urls` (a list, never empty) may stand instead; both at once
//! is a problem. From the environment, `urls` is a comma-separated list:
//! `FEED_PROXY__DEFAULT__WEBSOCKET__URLS=socks5h://a:1080,http://c:3128`.

use std::path::Path;

use crate::config::{checked_timeout, ProxyConfig, DEFAULT_TIMEOUT_SECONDS};
use crate::kind::ConnectionKind;
use crate::pool::ProxyPool;
use crate::problem::ConfigProblems;
use crate::proxies::ConnectionProxies;
use crate::reader::{join_key, ConfigReader};
use crate::settings::ProxySettings;
use crate::sources::ConfigSources;
use crate::url::ProxyUrl;

impl ProxySettings {
    /// Loads the `proxy:` section of a YAML file, with `FEED_PROXY__*` environment
    /// variables on top. Other sections of the file are not looked at.
    ///
    /// # Errors
    /// Every problem found: a missing or malformed file, unknown keys, bad URLs, timeouts
    /// out of range, values of the wrong type; each names its key and origin.
    pub fn load(path: &Path) -> Result<Self, ConfigProblems> {
        let sources = ConfigSources::load(path).map_err(|problem| ConfigProblems(vec![problem]))?;
        Self::from_sources(&sources)
    }

    /// Settings from `FEED_PROXY__*` environment variables alone.
    ///
    /// # Errors
    /// As [`ProxySettings::load`].
    pub fn from_environment() -> Result<Self, ConfigProblems> {
        Self::from_sources(&ConfigSources::from_environment())
    }

    /// The `proxy` section of already loaded layers.
    ///
    /// # Errors
    /// As [`ProxySettings::load`].
    pub fn from_sources(sources: &ConfigSources) -> Result<Self, ConfigProblems> {
        let mut reader = ConfigReader::new(sources);
        let settings = read_proxy_settings(&mut reader, "proxy");
        reader.finish().map(|()| settings)
    }
}

/// Reads a proxy section at `key` (normally `proxy`), recording problems in `reader`.
/// An absent section means proxies are disabled.
pub fn read_proxy_settings(reader: &mut ConfigReader<'_>, key: &str) -> ProxySettings {
    if reader
        .section(key, &["enabled", "default", "exchanges"])
        .is_none()
    {
        return ProxySettings::disabled();
    }
    let enabled_key = join_key(key, "enabled");
    let enabled_given = reader.contains(&enabled_key);
    let enabled = reader.value::<bool>(&enabled_key).unwrap_or(false);
    let mut settings = ProxySettings::disabled().with_enabled(enabled);
    if let Some(default) = read_connection_proxies(reader, &join_key(key, "default"), false) {
        settings = settings.with_default(default);
    }
    let exchanges_key = join_key(key, "exchanges");
    for exchange_id in reader.keys(&exchanges_key) {
        let exchange_key = join_key(&exchanges_key, &exchange_id);
        if let Some(proxies) = read_connection_proxies(reader, &exchange_key, true) {
            settings = settings.with_exchange(&exchange_id, proxies);
        }
    }
    if !enabled_given && settings.has_proxy_urls() {
        // Proxies written down but not switched on would silently mean direct: fail closed.
        reader.problem(
            &enabled_key,
            "proxy.enabled is not set, but proxy URLs are configured: set it to true to use \
             them, or false to connect directly",
        );
    }
    settings
}

/// `http` and `websocket` proxies of a section; an exchange's own section (`may_be_direct`)
/// may also say `direct: true` to opt out of the default.
fn read_connection_proxies(
    reader: &mut ConfigReader<'_>,
    key: &str,
    may_be_direct: bool,
) -> Option<ConnectionProxies> {
    let kinds = ConnectionKind::ALL.map(ConnectionKind::config_key);
    let allowed: Vec<&str> = kinds
        .iter()
        .copied()
        .chain(may_be_direct.then_some("direct"))
        .collect();
    reader.section(key, &allowed)?;
    let http = read_proxy_pool(reader, &join_key(key, ConnectionKind::Http.config_key()));
    let websocket = read_proxy_pool(
        reader,
        &join_key(key, ConnectionKind::Websocket.config_key()),
    );
    let direct = may_be_direct
        && reader
            .value::<bool>(&join_key(key, "direct"))
            .unwrap_or(false);
    Some(ConnectionProxies {
        http,
        websocket,
        direct,
    })
}

/// One kind's proxies: `{ url }` (a pool of one) or `{ urls: [...] }`, with the pool's
/// `timeout_seconds` given to every member.
fn read_proxy_pool(reader: &mut ConfigReader<'_>, key: &str) -> Option<ProxyPool> {
    reader.section(key, &["url", "urls", "timeout_seconds"])?;
    let url_key = join_key(key, "url");
    let urls_key = join_key(key, "urls");
    let urls = match (reader.contains(&url_key), reader.contains(&urls_key)) {
        (true, true) => {
            reader.problem(
                &urls_key,
                format!("give either `url` (one proxy) or `urls` (a pool), not both, in {key}"),
            );
            None
        }
        (false, true) => read_urls(reader, &urls_key),
        (_, false) => reader.required::<String>(&url_key).and_then(|text| {
            ProxyUrl::parse(&text)
                .map_err(|error| reader.problem(&url_key, error.to_string()))
                .ok()
                .map(|url| vec![url])
        }),
    };
    let timeout = read_timeout(reader, &join_key(key, "timeout_seconds"));
    let (urls, timeout) = (urls?, timeout?);
    let members = urls
        .into_iter()
        .map(|url| ProxyConfig::from_url(url).with_timeout_seconds(u64::from(timeout)))
        .collect::<Result<Vec<_>, _>>()
        .ok()?;
    ProxyPool::new(members).ok()
}

/// The members of `urls`: a YAML list of strings, or one comma-separated string (how an
/// environment variable gives a list). Each bad URL is a problem naming its item; an
/// empty list is a problem.
fn read_urls(reader: &mut ConfigReader<'_>, key: &str) -> Option<Vec<ProxyUrl>> {
    let value = reader.sources().find(key)?;
    let (items, listed): (Vec<String>, bool) = if value.as_str().is_some() {
        let text = reader.value::<String>(key)?;
        let items = text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect();
        (items, false)
    } else {
        (reader.value::<Vec<String>>(key)?, true)
    };
    if items.is_empty() {
        reader.problem(
            key,
            "urls must list at least one proxy (an empty pool would mean no route at all);              remove the key to connect directly",
        );
        return None;
    }
    let mut urls = Vec::with_capacity(items.len());
    let mut all_good = true;
    for (index, item) in items.iter().enumerate() {
        match ProxyUrl::parse(item) {
            Ok(url) => urls.push(url),
            Err(error) => {
                all_good = false;
                if listed {
                    reader.problem(&join_key(key, &index.to_string()), error.to_string());
                } else {
                    reader.problem(key, format!("item {}: {error}", index + 1));
                }
            }
        }
    }
    all_good.then_some(urls)
}

/// `timeout_seconds`, the default when absent; `None` (and a problem) when out of range.
fn read_timeout(reader: &mut ConfigReader<'_>, timeout_key: &str) -> Option<u16> {
    match reader.value::<i64>(timeout_key) {
        None => Some(DEFAULT_TIMEOUT_SECONDS),
        Some(seconds) => {
            let checked = u64::try_from(seconds)
                .ok()
                .and_then(|s| checked_timeout(s).ok());
            if checked.is_none() {
                reader.problem(
                    timeout_key,
                    format!("timeout_seconds must be between 1 and 300 (found {seconds})"),
                );
            }
            checked
        }
    }
}
