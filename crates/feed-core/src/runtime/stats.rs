//! Per-feed counters, readable while the feed runs.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Live counters of one feed. Cheap to clone (shared).
#[derive(Debug, Default, Clone)]
pub struct FeedStats(Arc<Counters>);

#[derive(Debug, Default)]
struct Counters {
    frames: AtomicU64,
    trades: AtomicU64,
    parse_errors: AtomicU64,
    exchange_errors: AtomicU64,
    callback_errors: AtomicU64,
    reconnects: AtomicU64,
    connections: AtomicU64,
    route: Mutex<String>,
}

/// A snapshot of a feed's counters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// Frames received (text or binary data frames).
    pub frames: u64,
    /// Trades delivered to callbacks.
    pub trades: u64,
    /// Frames that did not parse.
    pub parse_errors: u64,
    /// Error frames the exchange sent.
    pub exchange_errors: u64,
    /// Callbacks that returned an error or panicked.
    pub callback_errors: u64,
    /// Connections lost and re-established (or attempted).
    pub reconnects: u64,
    /// Connections successfully opened.
    pub connections: u64,
    /// The WebSocket route last used (redacted).
    pub route: String,
}

impl FeedStats {
    pub(crate) fn add_frame(&self) {
        self.0.frames.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn add_trades(&self, count: u64) {
        self.0.trades.fetch_add(count, Ordering::Relaxed);
    }
    pub(crate) fn add_parse_error(&self) {
        self.0.parse_errors.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn add_exchange_error(&self) {
        self.0.exchange_errors.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn add_callback_error(&self) {
        self.0.callback_errors.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn add_reconnect(&self) {
        self.0.reconnects.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn add_connection(&self, route: String) {
        self.0.connections.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut slot) = self.0.route.lock() {
            *slot = route;
        }
    }

    /// The counters now.
    #[must_use]
    pub fn snapshot(&self) -> StatsSnapshot {
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        StatsSnapshot {
            frames: load(&self.0.frames),
            trades: load(&self.0.trades),
            parse_errors: load(&self.0.parse_errors),
            exchange_errors: load(&self.0.exchange_errors),
            callback_errors: load(&self.0.callback_errors),
            reconnects: load(&self.0.reconnects),
            connections: load(&self.0.connections),
            route: self
                .0
                .route
                .lock()
                .map(|route| route.clone())
                .unwrap_or_default(),
        }
    }
}
