//! Per-feed counters, readable while the feed runs (the run summary, the minute log line,
//! `/metrics` and `/health` all read them).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::lag::{bump, LagBuckets, LagHistogram, LagSummary};
use crate::connect::Egress;
use crate::types::{now_micros, Channel, Event, EventKind};

/// Live counters of one feed. Cheap to clone (shared).
#[derive(Debug, Clone)]
pub struct FeedStats(Arc<Counters>);

impl Default for FeedStats {
    fn default() -> Self {
        FeedStats(Arc::new(Counters {
            frames: AtomicU64::new(0),
            events: Default::default(),
            gaps: Default::default(),
            parse_errors: AtomicU64::new(0),
            exchange_errors: AtomicU64::new(0),
            callback_errors: AtomicU64::new(0),
            reconnects: AtomicU64::new(0),
            connections: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            request_errors: AtomicU64::new(0),
            subscriptions_active: AtomicU64::new(0),
            subscriptions_pending: AtomicU64::new(0),
            subscriptions_tracked: AtomicBool::new(false),
            started_micros: AtomicU64::new(clock_micros()),
            last_frame_micros: AtomicU64::new(0),
            running: AtomicBool::new(false),
            lag: LagHistogram::default(),
            connection: Mutex::new(Vec::new()),
        }))
    }
}

#[derive(Debug)]
struct Counters {
    frames: AtomicU64,
    events: [AtomicU64; EventKind::COUNT],
    /// Gaps by the channel they affect (indexed like [`Channel::ALL`]).
    gaps: [AtomicU64; Channel::ALL.len()],
    parse_errors: AtomicU64,
    exchange_errors: AtomicU64,
    callback_errors: AtomicU64,
    reconnects: AtomicU64,
    connections: AtomicU64,
    requests: AtomicU64,
    request_errors: AtomicU64,
    subscriptions_active: AtomicU64,
    subscriptions_pending: AtomicU64,
    /// The session reports its subscriptions ([`crate::FeedSession::subscriptions`]).
    subscriptions_tracked: AtomicBool,
    /// When the feed task started (µs since the epoch).
    started_micros: AtomicU64,
    /// Receipt time of the last frame (µs since the epoch), 0 before the first.
    last_frame_micros: AtomicU64,
    running: AtomicBool,
    lag: LagHistogram,
    /// By connection slot (0 for a feed's first or only connection).
    connection: Mutex<Vec<ConnectionState>>,
}

#[derive(Debug, Default, Clone)]
struct ConnectionState {
    number: u64,
    /// [`Egress::name`]: the redacted URL alone.
    route: String,
    /// The route as logs show it (with its timeout).
    route_text: String,
    up: bool,
    frames: u64,
    subscriptions: SubscriptionCounts,
}

/// One of the feed's current (or last) connections.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionSnapshot {
    /// 1 for the feed's first connection.
    pub number: u64,
    /// The route it took: `direct` or the proxy URL, redacted (never a password).
    pub route: String,
    /// Open now.
    pub up: bool,
    /// Frames it carried.
    pub frames: u64,
    /// Which of the feed's connections (0-based; a feed split over several connections
    /// has one slot per connection).
    pub slot: usize,
}

/// How many of the current connection's subscriptions are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SubscriptionCounts {
    /// Acknowledged (or proven by data).
    pub active: u64,
    /// Sent, waiting for the exchange's answer.
    pub pending: u64,
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
    /// Of those, gaps in order books: each one starts a resync of that book.
    pub book_resyncs: u64,
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
    /// The WebSocket routes of the current (or last) connections, each once (redacted).
    pub route: String,
    /// Exchange timestamp → receipt delay of the events that carry an exchange timestamp.
    pub lag: LagSummary,
}

impl FeedStats {
    // The frame and event counters have one writer, the feed's task: `bump` (no locked
    // instruction per frame). Everything else is rare and uses `fetch_add`.
    pub(crate) fn add_frame(&self, receipt_micros: i64) {
        bump(&self.0.frames, 1);
        self.0.last_frame_micros.store(
            u64::try_from(receipt_micros).unwrap_or(0),
            Ordering::Relaxed,
        );
    }

    /// Counts a delivered event, and its lag when it carries an exchange timestamp.
    pub(crate) fn add_event(&self, event: &Event) {
        let kind = event.kind();
        bump(&self.0.events[kind.index()], 1);
        if let Event::Gap(gap) = event {
            if let Some(index) = Channel::ALL.iter().position(|c| *c == gap.channel) {
                self.0.gaps[index].fetch_add(1, Ordering::Relaxed);
            }
        } else if let Some((exchange_time, receipt)) = event.timestamps() {
            self.0.lag.record(exchange_time, receipt);
        }
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

    /// Connection `number` of slot `slot` opened along `route`.
    pub(crate) fn add_connection(&self, slot: usize, number: u64, route: &Egress) {
        self.0.connections.fetch_add(1, Ordering::Relaxed);
        self.show_connection(slot, number, &route.name(), &route.to_string());
    }

    /// Shows slot `slot`'s connection `number` as open (again: a renewal that failed after
    /// its new connection was counted goes back to the old one).
    pub(crate) fn show_connection(&self, slot: usize, number: u64, name: &str, text: &str) {
        self.with_slot(slot, |state| {
            *state = ConnectionState {
                number,
                route: name.to_owned(),
                route_text: text.to_owned(),
                up: true,
                frames: 0,
                subscriptions: SubscriptionCounts::default(),
            };
        });
    }

    /// Connection `number` of slot `slot` closed after carrying `frames` (ignored when the
    /// slot has moved on to a newer connection: a renewal opens the new one first).
    pub(crate) fn connection_closed(&self, slot: usize, number: u64, frames: u64) {
        self.with_slot(slot, |state| {
            if state.number == number {
                state.up = false;
                state.frames = frames;
                state.subscriptions = SubscriptionCounts::default();
            }
        });
    }

    /// Connection `number` of slot `slot` carried `frames` so far (published about once a
    /// second).
    pub(crate) fn set_connection_frames(&self, slot: usize, number: u64, frames: u64) {
        self.with_slot(slot, |state| {
            if state.number == number {
                state.frames = frames;
            }
        });
    }

    /// The subscription states of slot `slot`'s connection `number`.
    pub(crate) fn set_subscriptions(&self, slot: usize, number: u64, counts: SubscriptionCounts) {
        self.0.subscriptions_tracked.store(true, Ordering::Relaxed);
        self.with_slot(slot, |state| {
            if state.number == number {
                state.subscriptions = counts;
            }
        });
    }

    /// Runs `change` on a slot's state (made if new), then refreshes the totals.
    fn with_slot(&self, slot: usize, change: impl FnOnce(&mut ConnectionState)) {
        let Ok(mut slots) = self.0.connection.lock() else {
            return;
        };
        if slots.len() <= slot {
            slots.resize_with(slot + 1, ConnectionState::default);
        }
        change(&mut slots[slot]);
        let (active, pending) = slots.iter().fold((0, 0), |(active, pending), state| {
            (
                active + state.subscriptions.active,
                pending + state.subscriptions.pending,
            )
        });
        self.0.subscriptions_active.store(active, Ordering::Relaxed);
        self.0
            .subscriptions_pending
            .store(pending, Ordering::Relaxed);
    }

    /// The feed task started (`true`) or ended (`false`).
    pub(crate) fn set_running(&self, running: bool) {
        if running {
            self.0
                .started_micros
                .store(clock_micros(), Ordering::Relaxed);
        }
        self.0.running.store(running, Ordering::Relaxed);
    }

    /// Events of `kind` delivered so far.
    #[must_use]
    pub fn events(&self, kind: EventKind) -> u64 {
        self.0.events[kind.index()].load(Ordering::Relaxed)
    }

    /// Gaps that affected `channel` so far.
    #[must_use]
    pub fn gaps(&self, channel: Channel) -> u64 {
        Channel::ALL
            .iter()
            .position(|c| *c == channel)
            .map_or(0, |index| self.0.gaps[index].load(Ordering::Relaxed))
    }

    /// Subscriptions of the current connections by state, summed over the feed's
    /// connections (updated about once a second); `None` when the feed's session does not
    /// report them.
    #[must_use]
    pub fn subscriptions(&self) -> Option<SubscriptionCounts> {
        self.0
            .subscriptions_tracked
            .load(Ordering::Relaxed)
            .then(|| SubscriptionCounts {
                active: self.0.subscriptions_active.load(Ordering::Relaxed),
                pending: self.0.subscriptions_pending.load(Ordering::Relaxed),
            })
    }

    /// The first slot's current (or last) connection; `None` before the first.
    #[must_use]
    pub fn connection(&self) -> Option<ConnectionSnapshot> {
        self.connections_now().into_iter().next()
    }

    /// Every slot's current (or last) connection, by slot; empty before the first.
    #[must_use]
    pub fn connections_now(&self) -> Vec<ConnectionSnapshot> {
        let Ok(slots) = self.0.connection.lock() else {
            return Vec::new();
        };
        slots
            .iter()
            .enumerate()
            .filter(|(_, state)| state.number > 0)
            .map(|(slot, state)| ConnectionSnapshot {
                number: state.number,
                route: state.route.clone(),
                up: state.up,
                frames: state.frames,
                slot,
            })
            .collect()
    }

    /// True while the feed's task runs (from start until it stops or gives up).
    #[must_use]
    pub fn is_running(&self) -> bool {
        self.0.running.load(Ordering::Relaxed)
    }

    /// Time since the last frame arrived or, before the first, since the feed started.
    #[must_use]
    pub fn silence(&self) -> Duration {
        let last = match self.0.last_frame_micros.load(Ordering::Relaxed) {
            0 => self.0.started_micros.load(Ordering::Relaxed),
            last => last,
        };
        Duration::from_micros(clock_micros().saturating_sub(last))
    }

    /// Time since the last frame; `None` before the first.
    #[must_use]
    pub fn since_last_frame(&self) -> Option<Duration> {
        match self.0.last_frame_micros.load(Ordering::Relaxed) {
            0 => None,
            last => Some(Duration::from_micros(clock_micros().saturating_sub(last))),
        }
    }

    /// The lag buckets now; [`LagBuckets::since`] of two gives an interval's figures.
    #[must_use]
    pub fn lag_buckets(&self) -> LagBuckets {
        self.0.lag.buckets()
    }

    /// `(sum in seconds, count, cumulative buckets)` of the lag, for an exporter.
    pub(crate) fn lag_prometheus(&self) -> (f64, u64, Vec<(f64, u64)>) {
        self.0.lag.prometheus()
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
            book_resyncs: self.gaps(Channel::L2Book),
            rejected: self.events(EventKind::Rejected),
            parse_errors: load(&self.0.parse_errors),
            exchange_errors: load(&self.0.exchange_errors),
            callback_errors: load(&self.0.callback_errors),
            reconnects: load(&self.0.reconnects),
            connections: load(&self.0.connections),
            requests: load(&self.0.requests),
            request_errors: load(&self.0.request_errors),
            route: self.routes_text(),
            lag: self.0.lag.summary(),
        }
    }
}

impl FeedStats {
    /// The routes of the current connections as logs show them, each once, in slot order
    /// (`direct`, or `socks5h://…:1080 (timeout 10s), http://…:3128 (timeout 10s)`).
    fn routes_text(&self) -> String {
        let Ok(slots) = self.0.connection.lock() else {
            return String::new();
        };
        let mut routes: Vec<&str> = Vec::new();
        for state in slots.iter().filter(|state| state.number > 0) {
            if !routes.contains(&state.route_text.as_str()) {
                routes.push(&state.route_text);
            }
        }
        routes.join(", ")
    }
}

/// Microseconds since the epoch, as the frame receipt stamps are.
fn clock_micros() -> u64 {
    u64::try_from(now_micros()).unwrap_or(0)
}
