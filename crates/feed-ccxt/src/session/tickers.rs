//! [`Tickers`]: the last whole ticker of each symbol of a connection, onto which
//! [`TickerPatch`]es are merged (see [`TickerPatch`] for the rules).

use std::collections::HashMap;
use std::sync::Arc;

use feed_core::{Symbol, Ticker};

use crate::parsed::TickerPatch;

/// One connection's merged tickers.
#[derive(Debug, Default)]
pub(super) struct Tickers {
    last: HashMap<Symbol, Ticker>,
}

impl Tickers {
    /// Applies `patch`; the merged ticker when it is whole and changed.
    pub(super) fn apply(&mut self, exchange: &Arc<str>, patch: TickerPatch) -> Option<Ticker> {
        if patch.snapshot {
            let (Some(bid), Some(ask)) = (patch.bid, patch.ask) else {
                self.last.remove(&patch.symbol);
                return None;
            };
            let ticker = Ticker {
                exchange: Arc::clone(exchange),
                symbol: patch.symbol.clone(),
                bid,
                bid_size: patch.bid_size,
                ask,
                ask_size: patch.ask_size,
                timestamp: patch.timestamp,
                receipt_timestamp: patch.receipt_timestamp,
            };
            self.last.insert(patch.symbol, ticker.clone());
            return Some(ticker);
        }
        let last = self.last.get_mut(&patch.symbol)?;
        let before = (last.bid, last.bid_size, last.ask, last.ask_size);
        if let Some(bid) = patch.bid {
            last.bid = bid;
        }
        if patch.bid_size.is_some() {
            last.bid_size = patch.bid_size;
        }
        if let Some(ask) = patch.ask {
            last.ask = ask;
        }
        if patch.ask_size.is_some() {
            last.ask_size = patch.ask_size;
        }
        if patch.timestamp.is_some() {
            last.timestamp = patch.timestamp;
        }
        last.receipt_timestamp = patch.receipt_timestamp;
        (before != (last.bid, last.bid_size, last.ask, last.ask_size)).then(|| last.clone())
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;

    use super::*;

    fn decimal(text: &str) -> Option<Decimal> {
        Some(Decimal::from_str(text).unwrap())
    }

    fn patch(snapshot: bool, bid: Option<Decimal>, ask: Option<Decimal>) -> TickerPatch {
        TickerPatch {
            symbol: Symbol::parse("BTC-USDT-PERP").unwrap(),
            snapshot,
            bid,
            bid_size: None,
            ask,
            ask_size: None,
            timestamp: decimal("1"),
            receipt_timestamp: Decimal::TWO,
        }
    }

    #[test]
    fn deltas_merge_onto_the_last_snapshot_and_never_before_one() {
        let exchange: Arc<str> = "BYBIT".into();
        let mut tickers = Tickers::default();
        assert_eq!(
            tickers.apply(&exchange, patch(false, decimal("1"), None)),
            None
        );
        let first = tickers
            .apply(&exchange, patch(true, decimal("10"), decimal("11")))
            .unwrap();
        assert_eq!((first.bid, first.ask), (Decimal::TEN, Decimal::from(11)));
        let mut sized = patch(false, decimal("10.5"), None);
        sized.ask_size = decimal("3");
        let merged = tickers.apply(&exchange, sized).unwrap();
        assert_eq!(
            (merged.bid, merged.ask, merged.ask_size, merged.bid_size),
            (
                Decimal::from_str("10.5").unwrap(),
                Decimal::from(11),
                decimal("3"),
                None
            )
        );
        // Nothing of the quote changed: nothing delivered.
        assert_eq!(
            tickers.apply(&exchange, patch(false, decimal("10.5"), None)),
            None
        );
        // A snapshot with an empty side forgets the quote until the next snapshot.
        assert_eq!(
            tickers.apply(&exchange, patch(true, decimal("10"), None)),
            None
        );
        assert_eq!(
            tickers.apply(&exchange, patch(false, None, decimal("12"))),
            None
        );
    }
}
