//! The delivered order book: the top levels of one symbol's book after a change.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::json::{push_decimal, push_decimal_string, push_key, push_line_head, push_u64};
use super::symbol::Symbol;

/// One price level: the total size resting at a price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Level {
    /// The price, with the scale the exchange sent.
    pub price: Decimal,
    /// The size at that price, with the scale the exchange sent.
    pub size: Decimal,
}

impl Level {
    /// A level.
    #[must_use]
    pub fn new(price: Decimal, size: Decimal) -> Self {
        Level { price, size }
    }
}

/// The top of one symbol's L2 book, delivered after its snapshot and after every frame
/// that changed its top `book_depth` levels.
///
/// A delivered book is never built on a broken state: when the exchange's data has a hole
/// (a skipped sequence number, a checksum mismatch, a crossed book, a reconnect), the
/// symbol's book is dropped, a [`super::Gap`] is delivered instead, and books flow again
/// only once the book is resynchronized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct L2Book {
    /// The exchange, upper case (`BINANCE`).
    pub exchange: Arc<str>,
    /// The normalized symbol.
    pub symbol: Symbol,
    /// Bids, best (highest) first, at most `book_depth`.
    pub bids: Vec<Level>,
    /// Asks, best (lowest) first, at most `book_depth`.
    pub asks: Vec<Level>,
    /// The exchange's sequence number or update id of the last update applied, if it has one.
    pub sequence: Option<u64>,
    /// The exchange's time of the last update applied (seconds since the epoch), if given.
    pub timestamp: Option<Decimal>,
    /// When the frame carrying the update arrived here.
    pub receipt_timestamp: Decimal,
}

impl L2Book {
    /// The best bid, if any.
    #[must_use]
    pub fn best_bid(&self) -> Option<&Level> {
        self.bids.first()
    }

    /// The best ask, if any.
    #[must_use]
    pub fn best_ask(&self) -> Option<&Level> {
        self.asks.first()
    }

    /// Best ask minus best bid, when both sides have a level.
    #[must_use]
    pub fn spread(&self) -> Option<Decimal> {
        Some(self.best_ask()?.price - self.best_bid()?.price)
    }

    /// The mid price, when both sides have a level.
    #[must_use]
    pub fn mid(&self) -> Option<Decimal> {
        Some((self.best_ask()?.price + self.best_bid()?.price) / Decimal::TWO)
    }

    /// Appends the book as one JSON line (with `\n`):
    ///
    /// `{"exchange":"BINANCE","symbol":"BTC-USDT","channel":"l2_book","bids":[["37000.10","0.5"]],"asks":[["37000.20","1.25"]],"sequence":160,"timestamp":1700000000.123,"receipt_timestamp":1700000001.2}`
    pub fn write_json_line(&self, out: &mut Vec<u8>) {
        push_line_head(out, &self.exchange, self.symbol.as_str(), Self::CHANNEL);
        self.write_json_after_head(out);
    }

    /// The `"channel"` of its JSON lines.
    pub(crate) const CHANNEL: &'static str = "l2_book";

    /// [`Self::write_json_line`] after the line head (`{"exchange":…,"channel":"l2_book"`).
    pub(crate) fn write_json_after_head(&self, out: &mut Vec<u8>) {
        push_key(out, "bids");
        push_levels(out, &self.bids);
        push_key(out, "asks");
        push_levels(out, &self.asks);
        push_key(out, "sequence");
        match self.sequence {
            Some(sequence) => push_u64(out, sequence),
            None => out.extend_from_slice(b"null"),
        }
        push_key(out, "timestamp");
        match &self.timestamp {
            Some(timestamp) => push_decimal(out, timestamp),
            None => out.extend_from_slice(b"null"),
        }
        push_key(out, "receipt_timestamp");
        push_decimal(out, &self.receipt_timestamp);
        out.extend_from_slice(b"}\n");
    }

    /// The book as one JSON line, without the trailing newline.
    #[must_use]
    pub fn to_json_line(&self) -> String {
        super::json::line_of(|out| self.write_json_line(out))
    }
}

fn push_levels(out: &mut Vec<u8>, levels: &[Level]) {
    out.push(b'[');
    for (index, level) in levels.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        out.push(b'[');
        push_decimal_string(out, &level.price);
        out.push(b',');
        push_decimal_string(out, &level.size);
        out.push(b']');
    }
    out.push(b']');
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn level(price: &str, size: &str) -> Level {
        Level::new(
            Decimal::from_str(price).unwrap(),
            Decimal::from_str(size).unwrap(),
        )
    }

    #[test]
    fn json_line_matches_the_documented_format() {
        let book = L2Book {
            exchange: "BINANCE".into(),
            symbol: Symbol::parse("BTC-USDT").unwrap(),
            bids: vec![level("37000.10", "0.5"), level("37000.00", "2")],
            asks: vec![level("37000.20", "1.25")],
            sequence: Some(160),
            timestamp: Some(Decimal::from_str("1700000000.123").unwrap()),
            receipt_timestamp: Decimal::from_str("1700000001.2").unwrap(),
        };
        assert_eq!(
            book.to_json_line(),
            r#"{"exchange":"BINANCE","symbol":"BTC-USDT","channel":"l2_book","bids":[["37000.10","0.5"],["37000.00","2"]],"asks":[["37000.20","1.25"]],"sequence":160,"timestamp":1700000000.123,"receipt_timestamp":1700000001.2}"#
        );
        assert_eq!(book.spread(), Some(Decimal::from_str("0.10").unwrap()));
        assert_eq!(book.mid(), Some(Decimal::from_str("37000.15").unwrap()));
        let empty = L2Book {
            bids: vec![],
            asks: vec![],
            sequence: None,
            timestamp: None,
            ..book
        };
        let value: serde_json::Value = serde_json::from_str(&empty.to_json_line()).unwrap();
        assert!(value["sequence"].is_null() && value["timestamp"].is_null());
        assert_eq!(value["bids"], serde_json::json!([]));
        assert_eq!(empty.mid(), None);
    }
}
