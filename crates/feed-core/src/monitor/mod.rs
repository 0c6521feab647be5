//! Seeing feeds from outside the process: Prometheus metrics at `/metrics`, liveness at
//! `/health`, and one log line per feed per interval with its rates and lag.
//!
//! Everything here reads the feeds' [`FeedStats`]; nothing is recorded twice. A
//! [`FeedMonitor`] is the list of a handler's feeds with their staleness thresholds
//! ([`crate::FeedHandler::monitor`]); [`MetricsServer`] serves it over HTTP, and the handler
//! runs the [`report`] loop while feeds run.
//!
//! ```no_run
//! # async fn example(feed: impl feed_core::Feed) -> std::io::Result<()> {
//! use feed_core::monitor::{MetricsServer, MonitorSettings};
//! use feed_core::{Callbacks, FeedHandler};
//!
//! let mut handler = FeedHandler::new().with_monitoring(MonitorSettings::default());
//! handler.add_feed(feed, Callbacks::new());
//! let server = MetricsServer::bind("127.0.0.1:9898".parse().unwrap()).await?;
//! let handler = handler.serve_metrics(server);
//! let _reports = handler.run().await;
//! # Ok(()) }
//! ```

mod exporter;
mod health;
pub mod report;
mod server;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::runtime::FeedStats;

pub use exporter::render_metrics;
pub use health::{FeedHealth, HealthReport};
pub use server::MetricsServer;

/// Thresholds and intervals of monitoring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitorSettings {
    /// A feed without a frame for this long is stale (`/health` answers 503).
    pub stale_after: Duration,
    /// Per-feed overrides of `stale_after`, by feed name (quiet markets need longer).
    pub stale_after_by_feed: BTreeMap<String, Duration>,
    /// A feed whose median lag over a report interval is above this logs a warning.
    pub lag_warning: Duration,
    /// How often each feed logs its line (rates, lag, reconnects).
    pub report_every: Duration,
}

impl Default for MonitorSettings {
    /// Stale after 60 s, lag warning above 5 s, a line per feed every 60 s.
    fn default() -> Self {
        MonitorSettings {
            stale_after: Duration::from_secs(60),
            stale_after_by_feed: BTreeMap::new(),
            lag_warning: Duration::from_secs(5),
            report_every: Duration::from_secs(60),
        }
    }
}

impl MonitorSettings {
    /// The staleness threshold of the feed named `name`.
    #[must_use]
    pub fn stale_after_for(&self, name: &str) -> Duration {
        self.stale_after_by_feed
            .get(name)
            .copied()
            .unwrap_or(self.stale_after)
    }
}

/// One monitored feed.
#[derive(Debug, Clone)]
pub struct MonitoredFeed {
    /// Its name.
    pub name: String,
    /// Its exchange id.
    pub exchange: String,
    /// Its live counters.
    pub stats: FeedStats,
    /// Stale without a frame for this long.
    pub stale_after: Duration,
}

/// The feeds of a handler (and the sinks they feed, if any), as monitoring sees them.
/// Cheap to clone.
#[derive(Clone, Default)]
pub struct FeedMonitor {
    feeds: Arc<Vec<MonitoredFeed>>,
    sinks: Option<Arc<crate::sink::Sinks>>,
}

impl std::fmt::Debug for FeedMonitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedMonitor")
            .field("feeds", &self.feeds)
            .field("sinks", &self.sinks.as_ref().map(|sinks| sinks.len()))
            .finish()
    }
}

impl FeedMonitor {
    /// A monitor of these feeds.
    #[must_use]
    pub fn new(feeds: Vec<MonitoredFeed>) -> Self {
        FeedMonitor {
            feeds: Arc::new(feeds),
            sinks: None,
        }
    }

    /// The same, with the sinks' figures in `/metrics` too.
    #[must_use]
    pub fn with_sinks(mut self, sinks: Arc<crate::sink::Sinks>) -> Self {
        self.sinks = Some(sinks);
        self
    }

    /// The feeds, in the order they were added.
    #[must_use]
    pub fn feeds(&self) -> &[MonitoredFeed] {
        &self.feeds
    }

    /// The sinks' live figures (none without sinks).
    #[must_use]
    pub fn sinks(&self) -> Vec<crate::sink::SinkFigures> {
        self.sinks
            .as_ref()
            .map(|sinks| sinks.figures())
            .unwrap_or_default()
    }

    /// Which feeds are live now.
    #[must_use]
    pub fn health(&self) -> HealthReport {
        HealthReport::of(self)
    }
}

/// A trade that arrived `lag_millis` after its exchange timestamp.
#[cfg(test)]
pub(crate) fn test_trade(lag_millis: i64) -> crate::Event {
    use rust_decimal::Decimal;
    let timestamp = Decimal::new(1_700_000_000_000, 3);
    crate::Event::Trade(crate::Trade {
        exchange: Arc::from("BINANCE"),
        symbol: crate::Symbol::new("BTC", "USDT"),
        side: crate::Side::Buy,
        amount: Decimal::ONE,
        price: Decimal::ONE,
        id: None,
        timestamp,
        receipt_timestamp: timestamp + Decimal::new(lag_millis, 3),
    })
}
