//! [`SymbolBook`]: one symbol's book kept in sync with an exchange by its [`BookRules`],
//! never delivered from a broken state.
//!
//! The life of a symbol's book:
//!
//! 1. **Waiting.** No snapshot yet. With a REST snapshot source, deltas are buffered and
//!    the first one asks for the snapshot ([`BookOutcome::WantSnapshot`]); with a stream
//!    source, deltas before the stream's snapshot are dropped.
//! 2. **Snapshot.** The book is replaced. For a REST snapshot with id `L`, buffered deltas
//!    older than `L` are dropped and the rest are joined by the rule's join condition; a
//!    buffer that starts after the snapshot means the snapshot is too old, and another is
//!    asked for. The book is delivered ([`BookOutcome::Synced`]).
//! 3. **Live.** Each delta must continue the previous one by the sequence rule; after
//!    applying it, the book must not be crossed, its checksum (when the exchange sends one)
//!    must match, and (for a REST snapshot of limited depth) the levels known to be complete
//!    must still cover the delivered depth.
//! 4. **Broken.** Any failure drops the book ([`BookOutcome::Broken`] with the reason) and
//!    returns to waiting: the caller reports a gap and resynchronizes (refetch or
//!    resubscribe). Nothing from the broken state is ever delivered.

use std::collections::VecDeque;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::message::{BookMessage, BookMessageKind, LevelUpdate};
use super::order_book::{BookSide, LevelChange, OrderBook};
use super::rules::{BookRules, SequenceRule, SnapshotSource};
use crate::types::{L2Book, Level, Symbol};

/// The most deltas kept while waiting for a REST snapshot; older ones are dropped (the
/// join then tells whether the snapshot still fits).
pub const MAX_BUFFERED_DELTAS: usize = 10_000;

/// What a subscription's book is asked to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookParams {
    /// Levels per side delivered (`book_depth`).
    pub depth: usize,
    /// Levels per side the stream keeps, when it keeps a fixed depth.
    pub stream_depth: Option<usize>,
    /// Levels per side a REST snapshot was asked for: a side that came back full is only
    /// known down to its last level (levels beyond it may exist unseen).
    pub snapshot_depth: Option<usize>,
    /// Fraction digits of prices, where a checksum needs them (Kraken).
    pub price_scale: Option<u32>,
    /// Fraction digits of sizes, where a checksum needs them.
    pub size_scale: Option<u32>,
}

impl BookParams {
    /// Delivering `depth` levels, nothing else known.
    #[must_use]
    pub fn with_depth(depth: usize) -> Self {
        BookParams {
            depth,
            stream_depth: None,
            snapshot_depth: None,
            price_scale: None,
            size_scale: None,
        }
    }
}

/// What a message did to the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookOutcome {
    /// Nothing to deliver: buffered, stale, dropped while waiting, or an empty update.
    Quiet,
    /// The book changed; deliver it if its top changed.
    Changed,
    /// A snapshot was applied: deliver the book.
    Synced,
    /// Waiting and no REST snapshot has been asked for: ask for one (the delta was kept).
    WantSnapshot,
    /// The book is broken and was dropped: report a gap and resynchronize.
    Broken(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum SyncState {
    Waiting { snapshot_requested: bool },
    Live { joined: bool },
}

/// A delta with its levels borrowed (as parsed) or owned (while buffered).
#[derive(Debug, Clone)]
struct Delta<Levels> {
    first_id: Option<u64>,
    last_id: Option<u64>,
    prev_id: Option<u64>,
    checksum: Option<u32>,
    timestamp: Option<Decimal>,
    levels: Levels,
}

/// A delta kept while waiting for a snapshot.
type BufferedDelta = Delta<Vec<LevelUpdate>>;
/// A delta as it arrives.
type DeltaView<'a> = Delta<&'a [LevelUpdate]>;

impl BufferedDelta {
    fn view(&self) -> DeltaView<'_> {
        Delta {
            first_id: self.first_id,
            last_id: self.last_id,
            prev_id: self.prev_id,
            checksum: self.checksum,
            timestamp: self.timestamp,
            levels: &self.levels,
        }
    }
}

impl DeltaView<'_> {
    fn to_owned_delta(&self) -> BufferedDelta {
        Delta {
            first_id: self.first_id,
            last_id: self.last_id,
            prev_id: self.prev_id,
            checksum: self.checksum,
            timestamp: self.timestamp,
            levels: self.levels.to_vec(),
        }
    }
}

/// One symbol's book and its synchronization state.
#[derive(Debug, Clone)]
pub struct SymbolBook {
    symbol: Symbol,
    params: BookParams,
    book: OrderBook,
    state: SyncState,
    last_id: Option<u64>,
    last_timestamp: Option<Decimal>,
    buffer: VecDeque<BufferedDelta>,
    /// Worst bid / ask a full REST snapshot side reached: beyond it levels may be unseen.
    bid_floor: Option<Decimal>,
    ask_ceiling: Option<Decimal>,
    delivered_bids: Vec<Level>,
    delivered_asks: Vec<Level>,
    scratch_bids: Vec<Level>,
    scratch_asks: Vec<Level>,
    /// The worst delivered bid and ask when the delivered depth was full: a change beyond
    /// them cannot change what is delivered.
    bid_edge: Option<Decimal>,
    ask_edge: Option<Decimal>,
    /// A change reached the delivered levels since the last delivery.
    top_changed: bool,
    resyncs: u64,
    /// The texts of the levels of the last checksum (only the changed ones are written
    /// again).
    level_texts: super::LevelTexts,
}

impl SymbolBook {
    /// A book waiting for its first snapshot.
    #[must_use]
    pub fn new(symbol: Symbol, params: BookParams) -> Self {
        SymbolBook {
            symbol,
            params,
            book: OrderBook::new(),
            state: SyncState::Waiting {
                snapshot_requested: false,
            },
            last_id: None,
            last_timestamp: None,
            buffer: VecDeque::new(),
            bid_floor: None,
            ask_ceiling: None,
            delivered_bids: Vec::new(),
            delivered_asks: Vec::new(),
            scratch_bids: Vec::new(),
            scratch_asks: Vec::new(),
            bid_edge: None,
            ask_edge: None,
            top_changed: true,
            resyncs: 0,
            level_texts: super::LevelTexts::new(),
        }
    }

    /// The symbol.
    #[must_use]
    pub fn symbol(&self) -> &Symbol {
        &self.symbol
    }

    /// The parameters.
    #[must_use]
    pub fn params(&self) -> &BookParams {
        &self.params
    }

    /// The levels (whatever the state: only trust them while [`SymbolBook::is_live`]).
    #[must_use]
    pub fn book(&self) -> &OrderBook {
        &self.book
    }

    /// True once a snapshot was applied and nothing broke since.
    #[must_use]
    pub fn is_live(&self) -> bool {
        matches!(self.state, SyncState::Live { .. })
    }

    /// The id of the last update applied.
    #[must_use]
    pub fn last_id(&self) -> Option<u64> {
        self.last_id
    }

    /// How many times the book broke and was dropped.
    #[must_use]
    pub fn resyncs(&self) -> u64 {
        self.resyncs
    }

    /// Deltas waiting for a REST snapshot.
    #[must_use]
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    /// True while a REST snapshot has been asked for and not applied.
    #[must_use]
    pub fn snapshot_requested(&self) -> bool {
        matches!(
            self.state,
            SyncState::Waiting {
                snapshot_requested: true
            }
        )
    }

    /// The REST snapshot request failed: the next delta asks again.
    pub fn snapshot_failed(&mut self) {
        if let SyncState::Waiting { snapshot_requested } = &mut self.state {
            *snapshot_requested = false;
        }
    }

    /// Drops the book and waits for a new snapshot (after a reconnect or an unsubscribe).
    /// Deltas buffered so far are dropped too.
    pub fn reset(&mut self) {
        self.book.clear();
        self.level_texts.invalidate();
        self.buffer.clear();
        self.state = SyncState::Waiting {
            snapshot_requested: false,
        };
        self.last_id = None;
        self.bid_floor = None;
        self.ask_ceiling = None;
        self.delivered_bids.clear();
        self.delivered_asks.clear();
        self.bid_edge = None;
        self.ask_edge = None;
        self.top_changed = true;
    }

    /// Drops the book for a resync the caller starts now (a lost message): with a REST
    /// snapshot source the snapshot counts as asked for, so buffered deltas do not ask again.
    pub fn resync(&mut self, rules: &BookRules) {
        self.reset();
        self.resyncs += 1;
        if rules.snapshot == SnapshotSource::Rest {
            self.state = SyncState::Waiting {
                snapshot_requested: true,
            };
        }
    }

    /// Applies one message under `rules`.
    pub fn apply(
        &mut self,
        rules: &BookRules,
        message: &BookMessage,
        levels: &[LevelUpdate],
    ) -> BookOutcome {
        let outcome = match message.kind {
            BookMessageKind::Snapshot => self.apply_snapshot(rules, message, levels),
            BookMessageKind::Delta => self.apply_delta(rules, &view_of(message, levels)),
        };
        if let BookOutcome::Broken(_) = &outcome {
            self.resyncs += 1;
        }
        outcome
    }

    fn break_book(
        &mut self,
        rules: &BookRules,
        reason: String,
        keep: Option<BufferedDelta>,
    ) -> BookOutcome {
        self.reset();
        if rules.snapshot == SnapshotSource::Rest {
            // The caller refetches now; newer deltas (this one included) join that snapshot.
            self.state = SyncState::Waiting {
                snapshot_requested: true,
            };
            if let Some(delta) = keep {
                self.buffer.push_back(delta);
            }
        }
        BookOutcome::Broken(reason)
    }

    fn apply_snapshot(
        &mut self,
        rules: &BookRules,
        message: &BookMessage,
        levels: &[LevelUpdate],
    ) -> BookOutcome {
        if rules.snapshot == SnapshotSource::Rest && self.is_live() {
            return BookOutcome::Quiet; // a late answer to an earlier request
        }
        self.book.clear();
        self.level_texts.invalidate();
        for level in levels {
            if let Err(reason) = check_level(level) {
                return self.break_book(rules, format!("snapshot: {reason}"), None);
            }
            if self.book.apply(level.side, level.price, level.size) == LevelChange::OutOfRange {
                return self.break_book(
                    rules,
                    format!("snapshot: price {} out of range", level.price),
                    None,
                );
            }
        }
        self.last_id = message.last_id;
        self.last_timestamp = message.timestamp.or(self.last_timestamp);
        self.set_window(levels);
        self.delivered_bids.clear();
        self.delivered_asks.clear();
        self.top_changed = true;
        if rules.snapshot == SnapshotSource::Stream {
            self.state = SyncState::Live { joined: true };
            return match self.verify(rules, message.checksum) {
                Ok(()) => BookOutcome::Synced,
                Err(reason) => self.break_book(rules, reason, None),
            };
        }
        self.state = SyncState::Live { joined: false };
        let snapshot_id = message.last_id.unwrap_or(0);
        if let Some(first) = self
            .buffer
            .iter()
            .find(|delta| !is_stale(rules, snapshot_id, &delta.view()))
        {
            let first = first.view();
            if !joins(rules, snapshot_id, &first) && starts_after(rules, snapshot_id, &first) {
                // The buffer begins after the snapshot: the snapshot is too old.
                self.book.clear();
                self.level_texts.invalidate();
                self.state = SyncState::Waiting {
                    snapshot_requested: false,
                };
                return BookOutcome::WantSnapshot;
            }
        }
        let buffered: Vec<BufferedDelta> = self.buffer.drain(..).collect();
        for delta in &buffered {
            if let BookOutcome::Broken(reason) = self.apply_delta(rules, &delta.view()) {
                return BookOutcome::Broken(reason);
            }
        }
        if let Err(reason) = self.verify(rules, None) {
            return self.break_book(rules, reason, None);
        }
        BookOutcome::Synced
    }

    fn set_window(&mut self, levels: &[LevelUpdate]) {
        self.bid_floor = None;
        self.ask_ceiling = None;
        let Some(limit) = self.params.snapshot_depth else {
            return;
        };
        if levels
            .iter()
            .filter(|level| level.side == BookSide::Bid)
            .count()
            >= limit
        {
            self.bid_floor = self.book.bids().last().map(|level| level.price);
        }
        if levels
            .iter()
            .filter(|level| level.side == BookSide::Ask)
            .count()
            >= limit
        {
            self.ask_ceiling = self.book.asks().last().map(|level| level.price);
        }
    }

    fn apply_delta(&mut self, rules: &BookRules, delta: &DeltaView<'_>) -> BookOutcome {
        match self.state {
            SyncState::Waiting { snapshot_requested } => {
                if rules.snapshot == SnapshotSource::Stream {
                    return BookOutcome::Quiet;
                }
                if self.buffer.len() >= MAX_BUFFERED_DELTAS {
                    self.buffer.pop_front();
                }
                self.buffer.push_back(delta.to_owned_delta());
                if snapshot_requested {
                    return BookOutcome::Quiet;
                }
                self.state = SyncState::Waiting {
                    snapshot_requested: true,
                };
                BookOutcome::WantSnapshot
            }
            SyncState::Live { joined } => {
                let last = self.last_id.unwrap_or(0);
                if !joined {
                    if is_stale(rules, last, delta) {
                        return BookOutcome::Quiet;
                    }
                    if !joins(rules, last, delta) {
                        let reason = format!(
                            "snapshot join: snapshot {}={last}, first update {}={} {}={}",
                            rules.names.last,
                            rules.names.first,
                            show(delta.first_id),
                            rules.names.last,
                            show(delta.last_id)
                        );
                        return self.break_book(rules, reason, Some(delta.to_owned_delta()));
                    }
                    self.state = SyncState::Live { joined: true };
                } else {
                    match follows(rules, last, delta) {
                        Continuity::Follows => {}
                        Continuity::Stale => return BookOutcome::Quiet,
                        Continuity::Gap(reason) => {
                            return self.break_book(rules, reason, Some(delta.to_owned_delta()));
                        }
                    }
                }
                for level in delta.levels {
                    if !self.top_changed {
                        self.top_changed = match level.side {
                            BookSide::Bid => self.bid_edge.is_none_or(|edge| level.price >= edge),
                            BookSide::Ask => self.ask_edge.is_none_or(|edge| level.price <= edge),
                        };
                    }
                    if let Err(reason) = check_level(level) {
                        return self.break_book(rules, reason, None);
                    }
                    self.level_texts.touched(level.side, &level.price);
                    if self.book.apply(level.side, level.price, level.size)
                        == LevelChange::OutOfRange
                    {
                        return self.break_book(
                            rules,
                            format!("price {} out of range", level.price),
                            None,
                        );
                    }
                }
                if delta.last_id.is_some() {
                    self.last_id = delta.last_id;
                }
                if delta.timestamp.is_some() {
                    self.last_timestamp = delta.timestamp;
                }
                match self.verify(rules, delta.checksum) {
                    Ok(()) if delta.levels.is_empty() => BookOutcome::Quiet,
                    Ok(()) => BookOutcome::Changed,
                    Err(reason) => self.break_book(rules, reason, None),
                }
            }
        }
    }

    /// Truncation, then the integrity checks of a book that just changed.
    fn verify(&mut self, rules: &BookRules, checksum: Option<u32>) -> Result<(), String> {
        if rules.truncate_to_stream_depth {
            if let Some(depth) = self.params.stream_depth {
                let before = (self.book.len(BookSide::Bid), self.book.len(BookSide::Ask));
                self.book.truncate(depth);
                if (self.book.len(BookSide::Bid), self.book.len(BookSide::Ask)) != before {
                    self.level_texts.invalidate();
                }
            }
        }
        if self.book.is_crossed() {
            let (bid, ask) = (self.book.best_bid(), self.book.best_ask());
            return Err(format!(
                "crossed book: best bid {} >= best ask {}",
                bid.map_or_else(String::new, |level| level.price.to_string()),
                ask.map_or_else(String::new, |level| level.price.to_string())
            ));
        }
        if let (Some(expected), Some(compute)) = (checksum, rules.checksum) {
            let computed = compute(&self.book, &self.params, &mut self.level_texts);
            if computed != expected {
                return Err(format!(
                    "checksum mismatch: the exchange sent {expected}, the book gives {computed}"
                ));
            }
        }
        self.check_window()
    }

    /// A full REST snapshot side is only known down to its last level: the delivered depth
    /// must stay inside what is known.
    fn check_window(&self) -> Result<(), String> {
        let depth = self.params.depth;
        if let Some(floor) = self.bid_floor {
            let known = self
                .book
                .bids()
                .take_while(|level| level.price >= floor)
                .take(depth)
                .count();
            if known < depth {
                return Err(format!(
                    "the snapshot's depth no longer covers {depth} bid levels (known down to {floor})"
                ));
            }
        }
        if let Some(ceiling) = self.ask_ceiling {
            let known = self
                .book
                .asks()
                .take_while(|level| level.price <= ceiling)
                .take(depth)
                .count();
            if known < depth {
                return Err(format!(
                    "the snapshot's depth no longer covers {depth} ask levels (known up to {ceiling})"
                ));
            }
        }
        Ok(())
    }

    /// The book to deliver: after a snapshot (`force`), or when its top `depth` levels
    /// differ from the last delivered. `None` while not live or unchanged.
    pub fn delivery(
        &mut self,
        force: bool,
        exchange: &Arc<str>,
        receipt: Decimal,
    ) -> Option<L2Book> {
        if !self.is_live() {
            return None;
        }
        if !force && !self.top_changed {
            return None;
        }
        self.top_changed = false;
        let depth = self.params.depth;
        self.book
            .top_into(depth, &mut self.scratch_bids, &mut self.scratch_asks);
        let edge = |levels: &[Level]| (levels.len() == depth).then(|| levels[depth - 1].price);
        self.bid_edge = edge(&self.scratch_bids);
        self.ask_edge = edge(&self.scratch_asks);
        if !force
            && self.scratch_bids == self.delivered_bids
            && self.scratch_asks == self.delivered_asks
        {
            return None;
        }
        std::mem::swap(&mut self.scratch_bids, &mut self.delivered_bids);
        std::mem::swap(&mut self.scratch_asks, &mut self.delivered_asks);
        Some(L2Book {
            exchange: Arc::clone(exchange),
            symbol: self.symbol.clone(),
            bids: self.delivered_bids.clone(),
            asks: self.delivered_asks.clone(),
            sequence: self.last_id,
            timestamp: self.last_timestamp,
            receipt_timestamp: receipt,
        })
    }
}

fn view_of<'a>(message: &BookMessage, levels: &'a [LevelUpdate]) -> DeltaView<'a> {
    Delta {
        first_id: message.first_id,
        last_id: message.last_id,
        prev_id: message.prev_id,
        checksum: message.checksum,
        timestamp: message.timestamp,
        levels,
    }
}

fn check_level(level: &LevelUpdate) -> Result<(), String> {
    if level.size.is_sign_negative() && !level.size.is_zero() {
        return Err(format!("negative size {} at {}", level.size, level.price));
    }
    if level.price.is_sign_negative() && !level.price.is_zero() {
        return Err(format!("negative price {}", level.price));
    }
    Ok(())
}

fn show(id: Option<u64>) -> String {
    id.map_or_else(|| "none".to_owned(), |id| id.to_string())
}

/// A delta entirely older than the snapshot `snapshot_id`.
fn is_stale(rules: &BookRules, snapshot_id: u64, delta: &DeltaView<'_>) -> bool {
    let last = delta.last_id.unwrap_or(0);
    match rules.sequence {
        SequenceRule::FirstLast | SequenceRule::Consecutive => last <= snapshot_id,
        SequenceRule::PreviousLast => last < snapshot_id,
        SequenceRule::None => false,
    }
}

/// The first delta applied after the snapshot `snapshot_id` fits it.
fn joins(rules: &BookRules, snapshot_id: u64, delta: &DeltaView<'_>) -> bool {
    let (first, last) = (delta.first_id.or(delta.last_id), delta.last_id);
    match (rules.sequence, first, last) {
        (SequenceRule::FirstLast, Some(first), Some(last)) => {
            first <= snapshot_id + 1 && snapshot_id < last
        }
        (SequenceRule::PreviousLast, Some(first), Some(last)) => {
            first <= snapshot_id && snapshot_id <= last
        }
        (SequenceRule::Consecutive, _, Some(last)) => last == snapshot_id + 1,
        (SequenceRule::None, _, _) => true,
        _ => false,
    }
}

/// The delta starts after the snapshot (there is a hole between them).
fn starts_after(rules: &BookRules, snapshot_id: u64, delta: &DeltaView<'_>) -> bool {
    let first = delta.first_id.or(delta.last_id).unwrap_or(0);
    match rules.sequence {
        SequenceRule::FirstLast | SequenceRule::Consecutive => first > snapshot_id + 1,
        SequenceRule::PreviousLast => first > snapshot_id,
        SequenceRule::None => false,
    }
}

/// How a delta relates to the last applied id.
enum Continuity {
    /// It continues the book: apply it.
    Follows,
    /// It is entirely older than the book: skip it.
    Stale,
    /// Updates were missed.
    Gap(String),
}

/// The delta continues from the last applied id `last` under the rule. Binance's current
/// procedure accepts overlapping deltas (`U <= id + 1 <= u`: sizes are absolute, so
/// re-applying is exact) and skips deltas with `u <= id`; Bybit's documents the same for
/// its ids (`u <= id` skipped, `u > id + 1` a gap).
fn follows(rules: &BookRules, last: u64, delta: &DeltaView<'_>) -> Continuity {
    let names = rules.names;
    match rules.sequence {
        SequenceRule::None => Continuity::Follows,
        SequenceRule::FirstLast => match (delta.first_id, delta.last_id) {
            (_, Some(end)) if end <= last => Continuity::Stale,
            (Some(first), Some(_)) if first <= last + 1 => Continuity::Follows,
            (first, _) => Continuity::Gap(format!(
                "sequence: expected {}={}, got {}",
                names.first,
                last + 1,
                show(first)
            )),
        },
        SequenceRule::PreviousLast => match delta.prev_id {
            Some(prev) if prev == last => Continuity::Follows,
            other => Continuity::Gap(format!(
                "sequence: expected {}={last}, got {}",
                names.prev,
                show(other)
            )),
        },
        SequenceRule::Consecutive => match delta.last_id {
            Some(id) if id <= last => Continuity::Stale,
            Some(id) if id == last + 1 => Continuity::Follows,
            other => Continuity::Gap(format!(
                "sequence: expected {}={}, got {}",
                names.last,
                last + 1,
                show(other)
            )),
        },
    }
}
