//! The books of one connection: a [`SymbolBook`] per subscribed symbol (made on its first
//! message), the REST snapshot requests in flight, and the pacing of resyncs so that a
//! symbol that keeps breaking cannot flood the exchange with requests.

use std::collections::HashMap;

use feed_core::book::{BookOutcome, BookRules, SymbolBook};
use feed_core::Symbol;
use rust_decimal::Decimal;

use crate::markets::FastMap;

/// Resyncs of one symbol closer together than this count as repeated.
const REPEAT_WINDOW_SECONDS: i64 = 60;
/// The longest a repeated resync waits.
const MAX_RESYNC_DELAY_SECONDS: i64 = 60;
/// Resyncs within the window that go at once before the backoff starts.
const IMMEDIATE_RESYNCS: u32 = 3;
/// A book still not in sync this long after its last resync (a refused resubscribe, a
/// snapshot that never came) is resynced again.
pub(crate) const STUCK_SECONDS: i64 = 30;

/// A symbol's book and its resync history.
pub(crate) struct BookSlot {
    pub book: SymbolBook,
    last_resync: Option<Decimal>,
    repeats: u32,
    /// Since when the book waits for a snapshot (`None` while live).
    pub waiting_since: Option<Decimal>,
}

impl BookSlot {
    pub(crate) fn new(book: SymbolBook, now: Decimal) -> Self {
        BookSlot {
            book,
            last_resync: None,
            repeats: 0,
            waiting_since: Some(now),
        }
    }

    /// True when the book has waited for a snapshot longer than [`STUCK_SECONDS`].
    pub(crate) fn is_stuck(&self, now: Decimal) -> bool {
        !self.book.is_live()
            && self
                .waiting_since
                .is_some_and(|since| now - since >= Decimal::from(STUCK_SECONDS))
    }

    /// When the next resync may happen: at once for the first three, then after 2, 4, 8 ...
    /// seconds (at most a minute) while resyncs keep coming within a minute of each other, so
    /// that a symbol that keeps breaking cannot flood the exchange.
    pub(crate) fn resync_due(&mut self, now: Decimal) -> Decimal {
        let repeated = self
            .last_resync
            .is_some_and(|last| now - last < Decimal::from(REPEAT_WINDOW_SECONDS));
        self.repeats = if repeated {
            self.repeats.saturating_add(1)
        } else {
            0
        };
        let delay = if self.repeats < IMMEDIATE_RESYNCS {
            0
        } else {
            (1_i64 << (self.repeats - IMMEDIATE_RESYNCS + 1).min(6)).min(MAX_RESYNC_DELAY_SECONDS)
        };
        let due = now + Decimal::from(delay);
        self.last_resync = Some(due);
        self.waiting_since = Some(due);
        due
    }
}

/// What a resync does, once due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resync {
    /// Request the REST snapshot.
    Fetch,
    /// Unsubscribe and subscribe again (the stream sends a new snapshot).
    Resubscribe,
}

/// The books of a connection.
#[derive(Default)]
pub(crate) struct Books {
    pub slots: FastMap<Symbol, BookSlot>,
    /// REST snapshot requests in flight: request id -> symbol.
    pub in_flight: HashMap<u64, Symbol>,
    /// Resyncs waiting for their time.
    pub delayed: Vec<(Decimal, Symbol, Resync)>,
    /// Symbols whose book changed in the frame being handled (`true`: deliver even if the
    /// top did not change, after a snapshot).
    pub touched: Vec<(Symbol, bool)>,
}

impl Books {
    pub(crate) fn touch(&mut self, symbol: &Symbol, outcome: &BookOutcome) {
        let force = matches!(outcome, BookOutcome::Synced);
        if let Some(entry) = self
            .touched
            .iter_mut()
            .find(|(touched, _)| touched == symbol)
        {
            entry.1 |= force;
        } else {
            self.touched.push((symbol.clone(), force));
        }
    }

    /// Resyncs that are due at `now`, removed from the waiting list.
    pub(crate) fn due(&mut self, now: Decimal) -> Vec<(Symbol, Resync)> {
        let mut due = Vec::new();
        self.delayed.retain(|(at, symbol, resync)| {
            if *at <= now {
                due.push((symbol.clone(), *resync));
                false
            } else {
                true
            }
        });
        due
    }

    pub(crate) fn resync_kind(rules: &BookRules) -> Resync {
        match rules.snapshot {
            feed_core::book::SnapshotSource::Rest => Resync::Fetch,
            feed_core::book::SnapshotSource::Stream => Resync::Resubscribe,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use feed_core::book::BookParams;

    #[test]
    fn repeated_resyncs_back_off_up_to_a_minute() {
        let symbol = Symbol::parse("BTC-USDT").unwrap();
        let mut slot = BookSlot::new(
            SymbolBook::new(symbol, BookParams::with_depth(10)),
            Decimal::ZERO,
        );
        let mut now = Decimal::from(1000);
        assert_eq!(slot.resync_due(now), now, "the first resync is immediate");
        let mut delays = Vec::new();
        for _ in 0..10 {
            now += Decimal::ONE;
            delays.push(slot.resync_due(now) - now);
        }
        let delays: Vec<i64> = delays.iter().map(|delay| delay.mantissa() as i64).collect();
        assert_eq!(delays, vec![0, 0, 2, 4, 8, 16, 32, 60, 60, 60]);
        let later = now + Decimal::from(200);
        assert_eq!(
            slot.resync_due(later),
            later,
            "quiet for a while: immediate again"
        );
    }
}
