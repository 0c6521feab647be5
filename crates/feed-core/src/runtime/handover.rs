//! [`Handover`]: what makes a make-before-break renewal seamless — no gap and no
//! duplicate — when one connection's data is replaced by another's.
//!
//! During a renewal the old connection keeps delivering while the new one subscribes, so
//! for a while both carry the same data. The handover records what the old connection
//! delivered in that overlap and then filters the new connection's events against it:
//! - trades (and liquidations) already delivered are dropped, by trade id (or, without
//!   one, by time, price, amount and side); once a symbol shows a trade the old connection
//!   never delivered, that symbol's filter ends (a connection delivers a symbol's trades in
//!   order);
//! - books, tickers and the other state channels never go back: an update at or before
//!   the old connection's last one (by the venue's sequence, else its timestamp) is
//!   dropped; the first newer one ends the filter for that symbol and channel.
//!
//! The filter lives at most [`HANDOVER_LIMIT`]: after that the new connection's events
//! pass untouched.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use rust_decimal::Decimal;
use tokio::time::Instant;

use crate::types::{Event, EventKind, Side, Symbol, TradeId};

/// The longest a handover filters the new connection's events.
pub(crate) const HANDOVER_LIMIT: Duration = Duration::from_secs(60);

/// What identifies one trade (or liquidation) across connections.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum TradeKey {
    /// By the venue's id.
    Id(TradeId),
    /// A liquidation by the venue's id.
    Named(String),
    /// Without an id: when, at what price, how much, which side.
    Fields(Option<Decimal>, Decimal, Decimal, Side),
}

/// Where an update of a state channel stands: the venue's sequence, else its timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Sequence(u64),
    Time(Decimal),
}

impl Position {
    /// True when `self` (the new connection's) is not past `old`.
    fn not_after(self, old: Position) -> bool {
        match (self, old) {
            (Position::Sequence(new), Position::Sequence(old)) => new <= old,
            (Position::Time(new), Position::Time(old)) => new <= old,
            // Not comparable: let it pass (never drop data on a guess).
            _ => false,
        }
    }
}

/// The old connection's overlap, then the filter over the new one's events.
#[derive(Debug, Default)]
pub(crate) struct Handover {
    trades: HashSet<(Symbol, TradeKey)>,
    /// Symbols whose trade filter is still on.
    trade_symbols: HashSet<Symbol>,
    positions: HashMap<(EventKind, Symbol), Position>,
    /// Set when filtering starts.
    until: Option<Instant>,
    /// Events dropped as already delivered.
    pub dropped: u64,
}

impl Handover {
    /// Records an event the old connection delivered.
    pub(crate) fn record(&mut self, event: &Event) {
        if let Some((symbol, key)) = trade_key(event) {
            self.trade_symbols.insert(symbol.clone());
            self.trades.insert((symbol, key));
        } else if let Some((kind, symbol, position)) = position(event) {
            self.positions.insert((kind, symbol), position);
        }
    }

    /// Starts filtering the new connection's events (from now, for [`HANDOVER_LIMIT`]).
    pub(crate) fn start_filtering(&mut self) {
        self.until = Some(Instant::now() + HANDOVER_LIMIT);
    }

    /// True while the filter still has work (recorded data not yet passed, time left).
    pub(crate) fn is_active(&self) -> bool {
        let in_time = self.until.is_none_or(|until| Instant::now() < until);
        in_time && (!self.trade_symbols.is_empty() || !self.positions.is_empty())
    }

    /// Whether the new connection's `event` is delivered (false: the old one did).
    pub(crate) fn admits(&mut self, event: &Event) -> bool {
        if let Some((symbol, key)) = trade_key(event) {
            if !self.trade_symbols.contains(&symbol) {
                return true;
            }
            if self.trades.remove(&(symbol.clone(), key)) {
                self.dropped += 1;
                return false;
            }
            // The first trade the old connection never delivered: this symbol is past.
            self.trade_symbols.remove(&symbol);
            self.trades.retain(|(recorded, _)| *recorded != symbol);
            return true;
        }
        if let Some((kind, symbol, new)) = position(event) {
            let key = (kind, symbol);
            if let Some(old) = self.positions.get(&key) {
                if new.not_after(*old) {
                    self.dropped += 1;
                    return false;
                }
                self.positions.remove(&key);
            }
        }
        true
    }
}

/// The identity of a trade or liquidation event.
fn trade_key(event: &Event) -> Option<(Symbol, TradeKey)> {
    match event {
        Event::Trade(trade) => Some((
            trade.symbol.clone(),
            match &trade.id {
                Some(id) => TradeKey::Id(id.clone()),
                None => {
                    TradeKey::Fields(Some(trade.timestamp), trade.price, trade.amount, trade.side)
                }
            },
        )),
        Event::Liquidation(liquidation) => Some((
            liquidation.symbol.clone(),
            match &liquidation.id {
                Some(id) => TradeKey::Named(id.clone()),
                None => TradeKey::Fields(
                    liquidation.timestamp,
                    liquidation.price,
                    liquidation.quantity,
                    liquidation.side,
                ),
            },
        )),
        _ => None,
    }
}

/// Where a state channel's update stands.
fn position(event: &Event) -> Option<(EventKind, Symbol, Position)> {
    let (symbol, position) = match event {
        Event::Book(book) => (
            &book.symbol,
            match (book.sequence, book.timestamp) {
                (Some(sequence), _) => Position::Sequence(sequence),
                (None, Some(time)) => Position::Time(time),
                (None, None) => return None,
            },
        ),
        Event::Ticker(ticker) => (&ticker.symbol, Position::Time(ticker.timestamp?)),
        Event::Funding(funding) => (&funding.symbol, Position::Time(funding.timestamp?)),
        Event::OpenInterest(open) => (&open.symbol, Position::Time(open.timestamp?)),
        Event::Candle(candle) => (&candle.symbol, Position::Time(candle.timestamp?)),
        _ => return None,
    };
    Some((event.kind(), symbol.clone(), position))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::types::{L2Book, Trade};

    fn trade(symbol: &str, id: u64) -> Event {
        Event::Trade(Trade {
            exchange: Arc::from("X"),
            symbol: Symbol::parse(symbol).unwrap(),
            side: Side::Buy,
            amount: Decimal::ONE,
            price: Decimal::from(100 + id),
            id: Some(TradeId::Number(id)),
            timestamp: Decimal::from(id),
            receipt_timestamp: Decimal::from(id),
        })
    }

    fn book(symbol: &str, sequence: u64) -> Event {
        Event::Book(L2Book {
            exchange: Arc::from("X"),
            symbol: Symbol::parse(symbol).unwrap(),
            bids: Vec::new(),
            asks: Vec::new(),
            sequence: Some(sequence),
            timestamp: None,
            receipt_timestamp: Decimal::ZERO,
        })
    }

    #[test]
    fn trades_the_old_connection_delivered_are_dropped_once() {
        let mut handover = Handover::default();
        for id in 5..=8 {
            handover.record(&trade("BTC-USDT", id));
        }
        handover.start_filtering();
        // The new connection subscribed at trade 6: 6, 7, 8 are duplicates, 9 is new.
        let admitted: Vec<bool> = (6..=10)
            .map(|id| handover.admits(&trade("BTC-USDT", id)))
            .collect();
        assert_eq!(admitted, [false, false, false, true, true]);
        assert_eq!(handover.dropped, 3);
        // Another symbol was never recorded: it passes.
        assert!(handover.admits(&trade("ETH-USDT", 7)));
        assert!(!handover.is_active());
    }

    #[test]
    fn books_never_go_back() {
        let mut handover = Handover::default();
        handover.record(&book("BTC-USDT", 100));
        handover.start_filtering();
        assert!(!handover.admits(&book("BTC-USDT", 90)));
        assert!(!handover.admits(&book("BTC-USDT", 100)));
        assert!(handover.admits(&book("BTC-USDT", 101)));
        assert!(handover.admits(&book("BTC-USDT", 102)));
        assert!(handover.admits(&book("ETH-USDT", 1)));
        assert!(!handover.is_active());
    }
}
