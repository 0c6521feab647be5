//! The `exchanges:` section: which feeds to run.
//!
//! ```yaml
//! exchanges:
//!   backpack:                     # the feed's name
//!     exchange_class: CcxtFeed    # optional; CcxtFeed is the only class today
//!     exchange_id: backpack       # optional; defaults to the feed's name
//!     symbols: ["BTC-USDT"]       # or ALL, or ALL narrowed: {kind: perpetual, quote: USDT}
//!     channels: [TRADES, L2_BOOK]
//!     book_depth: 10              # optional: book levels per side delivered (1-1000)
//!     stale_after_seconds: 300    # optional: /health threshold of this feed (see metrics:)
//!     candle_interval: 1m         # optional: CANDLES interval, one the exchange documents
//!     endpoints:                  # optional: replace the documented base URLs
//!       rest: "https://127.0.0.1:8443"
//!       websocket: "wss://127.0.0.1:8444"
//! ```

use feed_core::{Channel, Symbol};
use feed_proxy::{join_key, ConfigReader};
use url::Url;

/// The feed classes a config can name.
pub const EXCHANGE_CLASSES: [&str; 1] = ["CcxtFeed"];

/// One feed of the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedConfig {
    /// The key under `exchanges:`.
    pub name: String,
    /// The exchange id (lower case), which also selects its proxies.
    pub exchange_id: String,
    /// Normalized symbols (empty with `every_market`).
    pub symbols: Vec<Symbol>,
    /// `symbols: ALL` (or a mapping narrowing it): every matching market of the list.
    pub every_market: Option<feed_ccxt::MarketFilter>,
    /// Channels.
    pub channels: Vec<Channel>,
    /// Book levels per side delivered (`L2_BOOK`).
    pub book_depth: usize,
    /// Base URL overrides.
    pub endpoints: EndpointOverrides,
    /// This feed's `/health` threshold, when it has its own.
    pub stale_after: Option<std::time::Duration>,
    /// The `CANDLES` interval, when set (else the adapter's default, `1m`).
    pub candle_interval: Option<String>,
}

/// Replacements for an exchange's documented base URLs (testnets, local replays, tests).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointOverrides {
    /// REST base URL (`http://` or `https://`).
    pub rest: Option<Url>,
    /// WebSocket URL (`ws://` or `wss://`).
    pub websocket: Option<Url>,
}

/// Reads every feed under `exchanges:`, recording problems in `reader`.
pub fn read_feeds(reader: &mut ConfigReader<'_>) -> Vec<FeedConfig> {
    let section = "exchanges";
    let mut feeds = Vec::new();
    for name in reader.keys(section) {
        let key = join_key(section, &name);
        if let Some(feed) = read_feed(reader, &key, &name) {
            feeds.push(feed);
        }
    }
    feeds
}

fn read_feed(reader: &mut ConfigReader<'_>, key: &str, name: &str) -> Option<FeedConfig> {
    reader.section(
        key,
        &[
            "exchange_class",
            "exchange_id",
            "symbols",
            "channels",
            "book_depth",
            "endpoints",
            "stale_after_seconds",
            "candle_interval",
        ],
    )?;
    let class_key = join_key(key, "exchange_class");
    if let Some(class) = reader.value::<String>(&class_key) {
        if !EXCHANGE_CLASSES.contains(&class.as_str()) {
            reader.problem(
                &class_key,
                format!(
                    "unknown exchange_class '{class}' (known: {})",
                    EXCHANGE_CLASSES.join(", ")
                ),
            );
        }
    }
    let id_key = join_key(key, "exchange_id");
    let exchange_id = reader
        .value::<String>(&id_key)
        .unwrap_or_else(|| name.to_owned())
        .to_ascii_lowercase();
    let symbols_key = join_key(key, "symbols");
    let every_market = read_every_market(reader, &symbols_key);
    let symbols = if every_market.is_some() {
        Some(Vec::new())
    } else {
        read_list(reader, &symbols_key, |text| {
            Symbol::parse(text).map_err(|error| error.to_string())
        })
    };
    let channels = read_list(reader, &join_key(key, "channels"), |text| {
        text.parse::<Channel>().map_err(|error| error.to_string())
    });
    let book_depth = read_book_depth(reader, &join_key(key, "book_depth"));
    let endpoints = read_endpoints(reader, &join_key(key, "endpoints"));
    let stale_after = super::metrics::read_seconds(
        reader,
        &join_key(key, "stale_after_seconds"),
        super::metrics::THRESHOLD_SECONDS,
    );
    let interval_key = join_key(key, "candle_interval");
    let candle_interval = reader.value::<String>(&interval_key);
    if let (Some(interval), Ok(adapter)) = (&candle_interval, feed_ccxt::adapter(&exchange_id)) {
        if let Err(error) = feed_ccxt::check_candle_interval(adapter.as_ref(), interval) {
            reader.problem(&interval_key, error.to_string());
        }
    }
    // Symbols one connection cannot carry together (Bybit: one stream per category).
    if let (Some(symbols), Some(channels), Ok(adapter)) =
        (&symbols, &channels, feed_ccxt::adapter(&exchange_id))
    {
        if let Err(detail) = adapter.check_symbols(symbols, channels) {
            reader.problem(&symbols_key, detail);
        }
    }
    let id_key = if reader.contains(&id_key) {
        id_key
    } else {
        key.to_owned()
    };
    check_adapter(
        reader,
        &id_key,
        &exchange_id,
        &join_key(key, "channels"),
        channels.as_deref(),
    );
    Some(FeedConfig {
        name: name.to_owned(),
        exchange_id,
        symbols: symbols?,
        every_market,
        channels: channels?,
        book_depth,
        endpoints,
        stale_after,
        candle_interval,
    })
}

/// The most book levels per side a feed may ask for.
pub const MAX_BOOK_DEPTH: usize = 1000;

/// `book_depth`: a whole number from 1 to [`MAX_BOOK_DEPTH`]; the default when absent.
fn read_book_depth(reader: &mut ConfigReader<'_>, key: &str) -> usize {
    let default = feed_ccxt::DEFAULT_BOOK_DEPTH;
    if !reader.contains(key) {
        return default;
    }
    match reader.value::<i64>(key) {
        Some(depth) if (1..=MAX_BOOK_DEPTH as i64).contains(&depth) => depth as usize,
        Some(_) => {
            reader.problem(
                key,
                format!("book_depth must be a whole number from 1 to {MAX_BOOK_DEPTH}"),
            );
            default
        }
        None => default,
    }
}

/// The exchange has an adapter, and the adapter provides every channel: so `check` rejects
/// what `run` could not start.
fn check_adapter(
    reader: &mut ConfigReader<'_>,
    id_key: &str,
    exchange_id: &str,
    channels_key: &str,
    channels: Option<&[Channel]>,
) {
    let adapter = match feed_ccxt::adapter(exchange_id) {
        Ok(adapter) => adapter,
        Err(error) => {
            reader.problem(id_key, error.to_string());
            return;
        }
    };
    if let Some(channels) = channels {
        if let Err(detail) = adapter.check_channels(channels) {
            reader.problem(channels_key, detail);
        }
    }
    for (index, channel) in channels.unwrap_or_default().iter().enumerate() {
        if !adapter.channels().contains(channel) {
            let supported: Vec<String> =
                adapter.channels().iter().map(ToString::to_string).collect();
            reader.problem(
                &join_key(channels_key, &index.to_string()),
                format!(
                    "{exchange_id} does not support channel {channel} (supported: {})",
                    supported.join(", ")
                ),
            );
        }
    }
}

/// `symbols: ALL`, or `symbols: {kind: perpetual, base: BTC, quote: USDT}` (each key
/// optional): every market of the list that matches. `None` for a list of symbols.
fn read_every_market(reader: &mut ConfigReader<'_>, key: &str) -> Option<feed_ccxt::MarketFilter> {
    let value = reader.sources().find(key)?;
    if let Some(text) = value.as_str() {
        if text.eq_ignore_ascii_case("ALL") {
            return Some(feed_ccxt::MarketFilter::all());
        }
        reader.problem(
            key,
            format!("expected a list of symbols, ALL, or a mapping such as {{kind: perpetual, quote: USDT}} (found the text '{text}')"),
        );
        return None;
    }
    value.as_dict()?;
    reader.section(key, &["kind", "base", "quote"])?;
    let kind_key = join_key(key, "kind");
    let kind = reader.value::<String>(&kind_key).and_then(|text| {
        match text.parse::<feed_core::InstrumentKind>() {
            Ok(kind) => Some(kind),
            Err(message) => {
                reader.problem(&kind_key, message);
                None
            }
        }
    });
    let mut asset = |name: &str| {
        reader
            .value::<String>(&join_key(key, name))
            .map(|text| text.to_ascii_uppercase())
    };
    Some(feed_ccxt::MarketFilter {
        kind,
        base: asset("base"),
        quote: asset("quote"),
    })
}

/// A required, non-empty list whose every item parses; each bad item is its own problem.
fn read_list<T>(
    reader: &mut ConfigReader<'_>,
    key: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Option<Vec<T>> {
    let items = reader.required::<Vec<String>>(key)?;
    if items.is_empty() {
        reader.problem(key, "the list is empty");
        return None;
    }
    let mut parsed = Vec::with_capacity(items.len());
    let mut all_good = true;
    for (index, item) in items.iter().enumerate() {
        match parse(item) {
            Ok(value) => parsed.push(value),
            Err(message) => {
                reader.problem(&join_key(key, &index.to_string()), message);
                all_good = false;
            }
        }
    }
    all_good.then_some(parsed)
}

fn read_endpoints(reader: &mut ConfigReader<'_>, key: &str) -> EndpointOverrides {
    if reader.section(key, &["rest", "websocket"]).is_none() {
        return EndpointOverrides::default();
    }
    EndpointOverrides {
        rest: read_url(reader, &join_key(key, "rest"), &["http", "https"]),
        websocket: read_url(reader, &join_key(key, "websocket"), &["ws", "wss"]),
    }
}

fn read_url(reader: &mut ConfigReader<'_>, key: &str, schemes: &[&str]) -> Option<Url> {
    let text = reader.value::<String>(key)?;
    match Url::parse(&text) {
        Ok(url) if schemes.contains(&url.scheme()) && url.host().is_some() => Some(url),
        Ok(url) if !schemes.contains(&url.scheme()) => {
            reader.problem(
                key,
                format!(
                    "unsupported scheme '{}' (expected {})",
                    url.scheme(),
                    schemes.join(" or ")
                ),
            );
            None
        }
        Ok(_) => {
            reader.problem(key, "the URL has no host");
            None
        }
        Err(error) => {
            reader.problem(key, format!("invalid URL: {error}"));
            None
        }
    }
}
