//! Per-feed counters, readable while the feed runs.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::types::EventKind;

/// Live counters of one feed. Cheap to clone (shared).
#[derive(Debug, Default, Clone)]
pub struct FeedStats(Arc<Counters>);

#[derive(Debug, Default)]
struct Counters {
    frames: AtomicU64,
    events: [AtomicU64; EventKind::COUNT],
    parse_errors: AtomicU64,
    exchange_errors: AtomicU64,
    callback_errors: AtomicU64,
    reconnects: AtomicU64,
    connections: AtomicU64,
    requests: AtomicU64,
    request_errors: AtomicU64,
    route: Mutex<String>,
}

/// A snapshot of a feed's counters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// Frames received (text or binary data frames).
    pub frames: u64,
    /// Trades delivered to callbacks.
    pub trades: u64,
    /// Book updates delivered.
    pub books: u64,
    /// Gaps reported (sequence gaps, checksum mismatches, crossed books, reconnects).
    pub gaps: u64,
    /// Subscriptions the exchange rejected or never acknowledged.
    pub rejected: u64,
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
    /// REST requests made by sessions (book snapshots).
    pub requests: u64,
    /// Of those, the ones that failed.
    pub request_errors: u64,
    /// The WebSocket route last used (redacted).
    pub route: String,
}

impl FeedStats {
    pub(crate) fn add_frame(&self) {
        self.0.frames.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn add_event(&self, kind: EventKind) {
        self.0.events[kind.index()].fetch_add(1, Ordering::Relaxed);
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
    pub(crate) fn add_request(&self, failed: bool) {
        self.0.requests.fetch_add(1, Ordering::Relaxed);
        if failed {
            self.0.request_errors.fetch_add(1, Ordering::Relaxed);
        }
    }
    pub(crate) fn add_connection(&self, route: String) {
        self.0.connections.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut slot) = self.0.route.lock() {
            *slot = route;
        }
    }

    /// Events of `kind` delivered so far.
    #[must_use]
    pub fn events(&self, kind: EventKind) -> u64 {
        self.0.events[kind.index()].load(Ordering::Relaxed)
    }

    /// The counters now.
    #[must_use]
    pub fn snapshot(&self) -> StatsSnapshot {
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        StatsSnapshot {
            frames: load(&self.0.frames),
            trades: self.events(EventKind::Trade),
            books: self.events(EventKind::Book),
            gaps: self.events(EventKind::Gap),
            rejected: self.events(EventKind::Rejected),
            parse_errors: load(&self.0.parse_errors),
            exchange_errors: load(&self.0.exchange_errors),
            callback_errors: load(&self.0.callback_errors),
            reconnects: load(&self.0.reconnects),
            connections: load(&self.0.connections),
            requests: load(&self.0.requests),
            request_errors: load(&self.0.request_errors),
            route: self
                .0
                .route
                .lock()
                .map(|route| route.clone())
                .unwrap_or_default(),
        }
    }
}
