//! [`CcxtSession`]: one connection of a [`crate::CcxtFeed`], for every exchange.
//!
//! The adapter parses; the session does the rest, the same way for every exchange:
//!
//! - **Subscribing.** On open, the adapter's subscribe messages are sent and their
//!   acknowledgements awaited ([`acks`]); a refusal, or silence past the timeout, becomes a
//!   [`SubscriptionRejected`] event naming the symbol and channel.
//! - **Filtering.** Records of markets or channels the feed did not ask for are dropped.
//! - **Books.** Each `L2_BOOK` symbol has a [`SymbolBook`] that applies the exchange's
//!   [`BookRules`]. A REST snapshot is requested over the exchange's HTTP route when the
//!   rules need one; a broken book (sequence gap, checksum mismatch, crossed) becomes a
//!   [`Gap`] for that symbol alone and a resync — refetch, or unsubscribe and subscribe
//!   again — paced so that a symbol that keeps breaking backs off. Books are delivered
//!   after a snapshot and whenever a frame changed their top `book_depth` levels.
//! - **Losing a message** (an exchange that numbers every message of a connection skipped a
//!   number) or **losing the connection** reports a gap for every subscription it carried;
//!   a lost message resyncs every book.

mod acks;
mod books;
mod index_memo;
mod liveness;
mod plan;
mod polls;
mod tickers;

use std::sync::Arc;

use feed_core::book::{BookBatch, BookOutcome, BookRules, SymbolBook};
use feed_core::runtime::{
    Action, FeedSession, Frame, FrameError, HttpMethod, HttpRequest, HttpResult, SessionOutput,
    SubscriptionCounts,
};
use feed_core::types::{Gap, SubscriptionRejected};
use feed_core::{Channel, Event, Symbol};
use rust_decimal::Decimal;

use crate::adapter::FrameContext;
use crate::parsed::ParsedFrame;
use acks::AckTracker;
use books::{BookSlot, Books, Resync};
use index_memo::IndexMemo;
use liveness::Liveness;
pub use plan::{split_plan, FeedPlan, DEFAULT_ACK_TIMEOUT_SECONDS};
use polls::Polls;
use tickers::Tickers;

/// One connection's protocol state for any registered exchange.
pub struct CcxtSession {
    plan: Arc<FeedPlan>,
    rules: Option<BookRules>,
    parsed: ParsedFrame,
    snapshot: BookBatch,
    acks: AckTracker,
    books: Books,
    rejected: Vec<bool>,
    next_request: u64,
    last_sequence: Option<u64>,
    polls: Polls,
    tickers: Tickers,
    /// The adapter's parse state of this connection, if it keeps one.
    connection_state: Option<Box<crate::adapter::ConnectionState>>,
    /// When each subscription last had data, and its usual cadence.
    liveness: Liveness,
    /// Subscription indices by symbol identity, for the per-frame lookups.
    indices: IndexMemo,
}

impl CcxtSession {
    /// A session of `plan`'s subscriptions.
    #[must_use]
    pub fn new(plan: Arc<FeedPlan>) -> Self {
        CcxtSession {
            rules: plan.adapter.book_rules(),
            acks: AckTracker::new(plan.ack_timeout),
            rejected: vec![false; plan.subscriptions.len()],
            connection_state: plan.adapter.connection_state(),
            plan,
            parsed: ParsedFrame::default(),
            snapshot: BookBatch::default(),
            books: Books::default(),
            next_request: 1,
            last_sequence: None,
            polls: Polls::default(),
            tickers: Tickers::default(),
            liveness: Liveness::default(),
            indices: IndexMemo::default(),
        }
    }

    /// Marks the subscriptions of the frame's events as alive (one lookup per run of
    /// events of the same symbol and channel, so a frame of one symbol costs one).
    fn mark_alive(&mut self, receipt: Decimal) {
        let now = seconds(receipt);
        let mut previous: Option<(Channel, &Symbol)> = None;
        for event in &self.parsed.events {
            let (Some(channel), Some(symbol)) = (event.kind().channel(), event.symbol()) else {
                continue;
            };
            if previous == Some((channel, symbol)) {
                continue;
            }
            previous = Some((channel, symbol));
            if let Some(index) = self.indices.index_of(&self.plan, channel, symbol) {
                self.liveness.seen(index, now);
            }
        }
    }

    /// Gaps and resubscriptions for the subscriptions silent far beyond their cadence.
    fn check_liveness(&mut self, now: Decimal, out: &mut SessionOutput) {
        let plan = Arc::clone(&self.plan);
        let silent = self.liveness.silent(
            seconds(now),
            |index| plan.subscriptions[index].channel,
            |index| self.rejected[index],
        );
        if silent.is_empty() {
            return;
        }
        let mut again = Vec::new();
        let mut books = Vec::new();
        for (index, quiet, usual) in silent {
            let subscription = &plan.subscriptions[index];
            let usual = usual.map_or_else(
                || "no cadence learned yet".to_owned(),
                |usual| format!("usually every {usual:.1}s"),
            );
            let reason = format!("no data for {quiet:.0}s ({usual}): resubscribed");
            tracing::warn!(exchange = %plan.exchange, symbol = %subscription.symbol, channel = %subscription.channel, %reason, "silent subscription");
            self.gap(&subscription.symbol, subscription.channel, reason, now, out);
            if subscription.channel == Channel::L2Book {
                books.push(subscription.symbol.clone());
            }
            again.push(subscription.clone());
        }
        self.resubscribe(&again, out);
        if let Some(rules) = self.rules {
            for symbol in &books {
                if let Some(slot) = self.books.slots.get_mut(symbol) {
                    slot.book.resync(&rules);
                }
            }
            if rules.snapshot == feed_core::book::SnapshotSource::Rest {
                self.resync_all(&books, Resync::Fetch, out);
            }
        }
    }

    /// The plan.
    #[must_use]
    pub fn plan(&self) -> &Arc<FeedPlan> {
        &self.plan
    }

    /// The book of `symbol`, if it has one yet (for tests and replays).
    #[must_use]
    pub fn book(&self, symbol: &Symbol) -> Option<&SymbolBook> {
        self.books.slots.get(symbol).map(|slot| &slot.book)
    }

    /// The symbols whose book is not in sync now (waiting for a snapshot).
    #[must_use]
    pub fn unsynced_books(&self) -> Vec<Symbol> {
        self.books
            .slots
            .values()
            .filter(|slot| !slot.book.is_live())
            .map(|slot| slot.book.symbol().clone())
            .collect()
    }

    /// REST snapshot requests in flight: their ids and URLs are the requests already
    /// queued as actions.
    #[must_use]
    pub fn requests_in_flight(&self) -> usize {
        self.books.in_flight.len()
    }

    fn refuse(&mut self, refusals: Vec<(usize, String)>, now: Decimal, out: &mut SessionOutput) {
        for (index, reason) in refusals {
            if std::mem::replace(&mut self.rejected[index], true) {
                continue;
            }
            let subscription = &self.plan.subscriptions[index];
            out.event(Event::Rejected(SubscriptionRejected {
                exchange: Arc::clone(&self.plan.exchange),
                symbol: subscription.symbol.clone(),
                channel: subscription.channel,
                reason,
                timestamp: now,
            }));
        }
    }

    /// The frame's ticker patches merged onto the connection's last tickers; a patch is
    /// data proving its subscription, like any event.
    fn merge_tickers(&mut self, waiting: bool, now: Decimal, out: &mut SessionOutput) {
        if !self.plan.has_channel(Channel::Ticker) {
            self.parsed.ticker_patches.clear();
            return;
        }
        for patch in self.parsed.ticker_patches.drain(..) {
            if let Some(index) = self.plan.index_of(Channel::Ticker, &patch.symbol) {
                self.liveness.seen(index, seconds(now));
                if waiting {
                    self.acks
                        .data(Channel::Ticker, index, &self.plan.subscriptions);
                }
            }
            if let Some(ticker) = self.tickers.apply(&self.plan.exchange, patch) {
                out.events.push(Event::Ticker(ticker));
            }
        }
    }

    fn gap(
        &self,
        symbol: &Symbol,
        channel: Channel,
        reason: String,
        now: Decimal,
        out: &mut SessionOutput,
    ) {
        out.event(Event::Gap(Gap {
            exchange: Arc::clone(&self.plan.exchange),
            symbol: symbol.clone(),
            channel,
            reason,
            receipt_timestamp: now,
        }));
    }

    /// Applies the book messages of `batch` (a frame's, or a REST snapshot's).
    fn apply_books(&mut self, from_snapshot: bool, now: Decimal, out: &mut SessionOutput) {
        let Some(rules) = self.rules else {
            return;
        };
        let batch = if from_snapshot {
            std::mem::take(&mut self.snapshot)
        } else {
            std::mem::take(&mut self.parsed.books)
        };
        for message in &batch.messages {
            let Some(index) = self
                .indices
                .index_of(&self.plan, Channel::L2Book, &message.symbol)
            else {
                continue; // not subscribed
            };
            if self.rejected[index] {
                continue;
            }
            self.acks
                .data(Channel::L2Book, index, &self.plan.subscriptions);
            self.liveness.seen(index, seconds(now));
            let plan = &self.plan;
            let slot = self
                .books
                .slots
                .entry(message.symbol.clone())
                .or_insert_with(|| {
                    let subscription = &plan.subscriptions[index];
                    let market = plan.markets.market(&subscription.symbol);
                    let params = plan.adapter.book_params(subscription, market);
                    BookSlot::new(SymbolBook::new(subscription.symbol.clone(), params), now)
                });
            if !from_snapshot
                && message.kind == feed_core::book::BookMessageKind::Snapshot
                && rules.snapshot == feed_core::book::SnapshotSource::Rest
                && slot.book.is_live()
            {
                // A whole book pushed on the stream of a REST-snapshot venue (Gate's `full`
                // pushes) replaces even a live book; only a late REST answer is ignored.
                slot.book.reset();
            }
            let outcome = slot.book.apply(&rules, message, batch.levels_of(message));
            if slot.book.is_live() {
                slot.waiting_since = None;
            } else if slot.waiting_since.is_none() {
                slot.waiting_since = Some(now);
            }
            match outcome {
                BookOutcome::Quiet => {}
                BookOutcome::Changed | BookOutcome::Synced => {
                    self.books.touch(&message.symbol, &outcome)
                }
                BookOutcome::WantSnapshot if from_snapshot => {
                    // The snapshot was older than the buffered diffs: fetch again, paced.
                    let due = slot.resync_due(now);
                    self.schedule(message.symbol.clone(), Resync::Fetch, due, now, out);
                }
                BookOutcome::WantSnapshot => self.resync(&message.symbol, Resync::Fetch, out),
                BookOutcome::Broken(reason) => {
                    tracing::warn!(exchange = %plan.exchange, symbol = %message.symbol, %reason, "book resync");
                    let due = slot.resync_due(now);
                    let symbol = message.symbol.clone();
                    self.gap(&symbol, Channel::L2Book, reason, now, out);
                    self.schedule(symbol, Books::resync_kind(&rules), due, now, out);
                }
            }
        }
        let mut batch = batch;
        batch.clear();
        if from_snapshot {
            self.snapshot = batch;
        } else {
            self.parsed.books = batch;
        }
        self.deliver_books(now, out);
    }

    fn deliver_books(&mut self, now: Decimal, out: &mut SessionOutput) {
        for (symbol, force) in self.books.touched.drain(..) {
            if let Some(slot) = self.books.slots.get_mut(&symbol) {
                if let Some(book) = slot.book.delivery(force, &self.plan.exchange, now) {
                    out.event(Event::Book(book));
                }
            }
        }
    }

    /// Books left waiting for a snapshot too long (a refused resubscribe, a snapshot that
    /// never came): resynced again, paced, never left silent.
    fn retry_stuck_books(&mut self, now: Decimal, out: &mut SessionOutput) {
        let Some(rules) = self.rules else {
            return;
        };
        let mut stuck: Vec<Symbol> = self
            .books
            .slots
            .iter()
            .filter(|(symbol, slot)| {
                slot.is_stuck(now)
                    && !self.books.in_flight.values().any(|asked| asked == *symbol)
                    && !self
                        .books
                        .delayed
                        .iter()
                        .any(|(_, delayed, _)| delayed == *symbol)
            })
            .map(|(symbol, _)| symbol.clone())
            .collect();
        stuck.sort();
        for symbol in stuck {
            tracing::warn!(exchange = %self.plan.exchange, %symbol, "the book is still not in sync {}s after its last resync; resyncing again", books::STUCK_SECONDS);
            if let Some(slot) = self.books.slots.get_mut(&symbol) {
                let due = slot.resync_due(now);
                self.schedule(symbol, Books::resync_kind(&rules), due, now, out);
            }
        }
    }

    /// A message of the connection was lost (its sequence number skipped): every
    /// subscription gets a gap, and every book resyncs.
    fn connection_gap(&mut self, reason: String, now: Decimal, out: &mut SessionOutput) {
        tracing::warn!(exchange = %self.plan.exchange, %reason, "a message was lost; every book resyncs");
        for (index, subscription) in self.plan.subscriptions.iter().enumerate() {
            if !self.rejected[index] {
                self.gap(
                    &subscription.symbol,
                    subscription.channel,
                    reason.clone(),
                    now,
                    out,
                );
            }
        }
        let Some(rules) = self.rules else {
            return;
        };
        let resync = Books::resync_kind(&rules);
        let mut symbols: Vec<Symbol> = self.books.slots.keys().cloned().collect();
        symbols.sort();
        let mut now_due = Vec::new();
        for symbol in symbols {
            if let Some(slot) = self.books.slots.get_mut(&symbol) {
                slot.book.resync(&rules);
                let due = slot.resync_due(now);
                if due <= now {
                    now_due.push(symbol);
                } else {
                    self.books.delayed.push((due, symbol, resync));
                }
            }
        }
        self.resync_all(&now_due, resync, out);
    }

    /// Requests every poll due at `now`.
    fn issue_polls(&mut self, now: Decimal, out: &mut SessionOutput) {
        let next_request = &mut self.next_request;
        for (id, _, url) in self.polls.due(now, || {
            let id = *next_request;
            *next_request += 1;
            id
        }) {
            out.request(HttpRequest {
                id,
                method: HttpMethod::Get,
                url,
                body: None,
                weight: 1,
            });
        }
    }

    /// A poll's answer: its events, or a warning and the next try at the next interval.
    fn poll_answered(
        &mut self,
        index: usize,
        result: HttpResult,
        receipt: Decimal,
        out: &mut SessionOutput,
    ) {
        let subscription = &self.plan.subscriptions[index];
        self.parsed.clear();
        let context = FrameContext {
            connection: self.connection_state.as_deref(),
            markets: &self.plan.markets,
            exchange: &self.plan.exchange,
            receipt,
        };
        let parsed = result.and_then(|body| {
            let text = String::from_utf8_lossy(&body);
            self.plan
                .adapter
                .parse_poll(&text, subscription, &context, &mut self.parsed)
                .map_err(|error| error.to_string())
        });
        match parsed {
            Ok(()) => out.events.append(&mut self.parsed.events),
            Err(error) => tracing::warn!(
                exchange = %self.plan.exchange,
                symbol = %subscription.symbol,
                channel = %subscription.channel,
                %error,
                "poll failed; trying again at the next interval"
            ),
        }
    }

    fn schedule(
        &mut self,
        symbol: Symbol,
        resync: Resync,
        due: Decimal,
        now: Decimal,
        out: &mut SessionOutput,
    ) {
        if due <= now {
            self.resync(&symbol, resync, out);
        } else {
            self.books.delayed.push((due, symbol, resync));
        }
    }

    fn resync(&mut self, symbol: &Symbol, resync: Resync, out: &mut SessionOutput) {
        self.resync_all(std::slice::from_ref(symbol), resync, out);
    }

    /// Resyncs these symbols' books: a REST request each, or one unsubscribe and one
    /// subscribe for them all (only the subscribe messages that carry them: not, say,
    /// Coinbase's heartbeats), to stay within the exchange's message rate.
    fn resync_all(&mut self, symbols: &[Symbol], resync: Resync, out: &mut SessionOutput) {
        let subscriptions: Vec<crate::adapter::Subscription> = symbols
            .iter()
            .filter_map(|symbol| self.plan.index_of(Channel::L2Book, symbol))
            .filter(|index| !self.rejected[*index])
            .map(|index| self.plan.subscriptions[index].clone())
            .collect();
        if subscriptions.is_empty() {
            return;
        }
        match resync {
            Resync::Fetch => {
                for subscription in &subscriptions {
                    let Some(url) = self
                        .plan
                        .adapter
                        .book_snapshot_url(&self.plan.rest_base, subscription)
                    else {
                        tracing::error!(exchange = %self.plan.exchange, "the adapter's book rules need a REST snapshot but it has no snapshot URL");
                        return;
                    };
                    let id = self.next_request;
                    self.next_request += 1;
                    self.books.in_flight.insert(id, subscription.symbol.clone());
                    out.request(HttpRequest {
                        id,
                        method: HttpMethod::Get,
                        url,
                        body: None,
                        weight: self.plan.adapter.book_snapshot_weight(subscription),
                    });
                }
            }
            Resync::Resubscribe => self.resubscribe(&subscriptions, out),
        }
    }

    /// Unsubscribes and subscribes these again: only the subscribe messages that carry
    /// them (not, say, Coinbase's heartbeats).
    fn resubscribe(&self, subscriptions: &[crate::adapter::Subscription], out: &mut SessionOutput) {
        for message in self.plan.adapter.unsubscribe_messages(subscriptions) {
            out.send(message);
        }
        let ids: Vec<u64> = subscriptions
            .iter()
            .map(|subscription| subscription.id)
            .collect();
        for request in self.plan.adapter.subscribe_messages(subscriptions) {
            if request.covers.iter().any(|id| ids.contains(id)) {
                out.send(request.message);
            }
        }
    }
}

/// Seconds as a float, for cadences (never for money): the mantissa over its power of ten,
/// a fraction of the cost of `Decimal::to_f64` (this runs once per frame).
fn seconds(time: Decimal) -> f64 {
    /// `10^n`, exact in an `f64` for every `n` up to 22.
    const EXACT_POWERS: [f64; 23] = {
        let mut powers = [1.0; 23];
        let mut n = 1;
        while n < 23 {
            powers[n] = powers[n - 1] * 10.0;
            n += 1;
        }
        powers
    };
    let mantissa = time.mantissa();
    let mantissa = i64::try_from(mantissa).map_or_else(|_| mantissa as f64, |small| small as f64);
    let scale = time.scale() as usize;
    mantissa
        / EXACT_POWERS
            .get(scale)
            .copied()
            .unwrap_or_else(|| 10_f64.powi(scale as i32))
}

impl FeedSession for CcxtSession {
    fn open(&mut self, now: Decimal, out: &mut SessionOutput) {
        let requests = self
            .plan
            .adapter
            .subscribe_messages(&self.plan.subscriptions);
        self.acks.expect(&requests, &self.plan.subscriptions, now);
        self.liveness = Liveness::new(self.plan.subscriptions.len(), seconds(now));
        for request in requests {
            out.send(request.message);
        }
        self.polls = Polls::new(
            self.plan.adapter.as_ref(),
            &self.plan.rest_base,
            &self.plan.subscriptions,
            now,
        );
        for index in self.polls.indices() {
            self.liveness.unwatch(index); // polled on its own schedule, not streamed
        }
        self.issue_polls(now, out);
    }

    fn frame(
        &mut self,
        frame: Frame<'_>,
        receipt: Decimal,
        out: &mut SessionOutput,
    ) -> Result<(), FrameError> {
        self.parsed.clear();
        let context = FrameContext {
            connection: self.connection_state.as_deref(),
            markets: &self.plan.markets,
            exchange: &self.plan.exchange,
            receipt,
        };
        let parsed = match frame {
            Frame::Text(text) => self
                .plan
                .adapter
                .parse_frame(text, &context, &mut self.parsed),
            Frame::Binary(bytes) => {
                self.plan
                    .adapter
                    .parse_binary_frame(bytes, &context, &mut self.parsed)
            }
        };
        if let Err(FrameError::Exchange(message)) = &parsed {
            // An error naming no subscription may be the refusal of one still waiting.
            if self.acks.is_waiting() {
                self.acks.apply(
                    &crate::parsed::Ack::Unattributed(message.clone()),
                    &self.plan.subscriptions,
                );
            }
        }
        parsed?;
        if let Some(sequence) = self.parsed.sequence {
            if let Some(last) = self.last_sequence.replace(sequence) {
                let expected = last.wrapping_add(1);
                if sequence != expected {
                    let reason = format!("message sequence: expected {expected}, got {sequence}");
                    self.connection_gap(reason, receipt, out);
                }
            }
        }
        for reply in self.parsed.replies.drain(..) {
            out.send(reply);
        }
        if !self.parsed.acks.is_empty() {
            let acks = std::mem::take(&mut self.parsed.acks);
            for ack in &acks {
                let refusals = self.acks.apply(ack, &self.plan.subscriptions);
                self.refuse(refusals, receipt, out);
            }
            self.parsed.acks = acks;
        }
        let waiting = self.acks.is_waiting();
        if !self.parsed.ticker_patches.is_empty() {
            self.merge_tickers(waiting, receipt, out);
        }
        if !self.parsed.events.is_empty() {
            self.mark_alive(receipt);
        }
        let wanted = |event: &Event| {
            event
                .kind()
                .channel()
                .is_none_or(|channel| self.plan.has_channel(channel))
        };
        if !waiting && self.parsed.events.iter().all(wanted) {
            // Nothing to filter or acknowledge: the whole batch at once.
            out.events.append(&mut self.parsed.events);
        }
        for event in self.parsed.events.drain(..) {
            if let (Some(channel), Some(symbol)) = (event.kind().channel(), event.symbol()) {
                if !self.plan.has_channel(channel) {
                    continue; // a stream the feed did not ask for (recordings, replays)
                }
                if waiting {
                    // Data proves its subscription.
                    if let Some(index) = self.plan.index_of(channel, symbol) {
                        self.acks.data(channel, index, &self.plan.subscriptions);
                    }
                }
            }
            out.events.push(event);
        }
        if !self.parsed.books.is_empty() {
            self.apply_books(false, receipt, out);
        }
        if let Some(reason) = self.parsed.reconnect.take() {
            out.actions.push(Action::Reconnect(reason));
        }
        Ok(())
    }

    fn response(&mut self, id: u64, result: HttpResult, receipt: Decimal, out: &mut SessionOutput) {
        if let Some(index) = self.polls.answered(id, receipt) {
            self.poll_answered(index, result, receipt, out);
            return;
        }
        let Some(symbol) = self.books.in_flight.remove(&id) else {
            return;
        };
        let Some(index) = self.plan.index_of(Channel::L2Book, &symbol) else {
            return;
        };
        let parsed = result.and_then(|body| {
            let text = String::from_utf8_lossy(&body);
            self.snapshot.clear();
            self.plan
                .adapter
                .parse_book_snapshot(&text, &self.plan.subscriptions[index], &mut self.snapshot)
                .map_err(|error| error.to_string())
        });
        match parsed {
            Ok(()) => self.apply_books(true, receipt, out),
            Err(error) => {
                tracing::warn!(exchange = %self.plan.exchange, %symbol, %error, "book snapshot failed; retrying");
                if let Some(slot) = self.books.slots.get_mut(&symbol) {
                    let due = slot.resync_due(receipt);
                    self.schedule(symbol, Resync::Fetch, due, receipt, out);
                }
            }
        }
    }

    fn tick(&mut self, now: Decimal, out: &mut SessionOutput) {
        if self.acks.is_waiting() {
            let refusals = self.acks.expire(now);
            self.refuse(refusals, now, out);
        } else {
            self.check_liveness(now, out);
        }
        self.retry_stuck_books(now, out);
        self.issue_polls(now, out);
        let due = self.books.due(now);
        for kind in [Resync::Fetch, Resync::Resubscribe] {
            let symbols: Vec<Symbol> = due
                .iter()
                .filter(|(_, resync)| *resync == kind)
                .map(|(symbol, _)| symbol.clone())
                .collect();
            self.resync_all(&symbols, kind, out);
        }
    }

    fn closed(&mut self, reason: Option<&str>, now: Decimal, out: &mut SessionOutput) {
        let Some(reason) = reason else {
            return;
        };
        for (index, subscription) in self.plan.subscriptions.iter().enumerate() {
            if self.rejected[index] {
                continue;
            }
            self.gap(
                &subscription.symbol,
                subscription.channel,
                format!("connection lost: {reason}"),
                now,
                out,
            );
        }
    }

    fn awaiting_acknowledgements(&self) -> bool {
        self.acks.is_waiting()
    }

    fn subscriptions(&self) -> Option<SubscriptionCounts> {
        let pending = self.acks.waiting();
        let rejected = self.rejected.iter().filter(|rejected| **rejected).count();
        let active = self.rejected.len().saturating_sub(pending + rejected);
        Some(SubscriptionCounts {
            active: active as u64,
            pending: pending as u64,
        })
    }
}

#[cfg(test)]
mod tests;
