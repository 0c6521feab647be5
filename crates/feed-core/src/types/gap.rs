//! Gaps: where a symbol's data has a hole, so that recorded output says where it cannot be
//! trusted.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::channel::Channel;
use super::json::{push_decimal, push_json_string, push_key, push_line_head};
use super::symbol::Symbol;

/// A hole in one symbol's data on one channel: updates were skipped or lost (a sequence
/// gap, a checksum mismatch, a crossed book, a reconnect, events dropped by a sink).
///
/// For books, no book is delivered from the gap until the book is resynchronized (the next
/// [`super::L2Book`] of the symbol is a fresh, correct one). For trades, the trades of the
/// hole are missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// The exchange, upper case.
    pub exchange: Arc<str>,
    /// The normalized symbol.
    pub symbol: Symbol,
    /// The channel whose data has the hole.
    pub channel: Channel,
    /// What happened, e.g. `sequence: expected U=161, got 170`.
    pub reason: String,
    /// When it was noticed here.
    pub receipt_timestamp: Decimal,
}

impl Gap {
    /// Appends the gap as one JSON line (with `\n`):
    ///
    /// `{"exchange":"BINANCE","symbol":"BTC-USDT","channel":"gap","affects":"l2_book","reason":"sequence: expected U=161, got 170","receipt_timestamp":1700000001.2}`
    pub fn write_json_line(&self, out: &mut Vec<u8>) {
        push_line_head(out, &self.exchange, self.symbol.as_str(), "gap");
        out.extend_from_slice(b",\"affects\":\"");
        out.extend_from_slice(self.channel.json_name().as_bytes());
        out.push(b'"');
        push_key(out, "reason");
        push_json_string(out, &self.reason);
        push_key(out, "receipt_timestamp");
        push_decimal(out, &self.receipt_timestamp);
        out.extend_from_slice(b"}\n");
    }

    /// The gap as one JSON line, without the trailing newline.
    #[must_use]
    pub fn to_json_line(&self) -> String {
        super::json::line_of(|out| self.write_json_line(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn json_line_names_the_channel_and_the_reason() {
        let gap = Gap {
            exchange: "BINANCE".into(),
            symbol: Symbol::parse("BTC-USDT").unwrap(),
            channel: Channel::L2Book,
            reason: "sequence: expected U=161, got \"170\"".into(),
            receipt_timestamp: Decimal::from_str("1700000001.2").unwrap(),
        };
        assert_eq!(
            gap.to_json_line(),
            r#"{"exchange":"BINANCE","symbol":"BTC-USDT","channel":"gap","affects":"l2_book","reason":"sequence: expected U=161, got \"170\"","receipt_timestamp":1700000001.2}"#
        );
    }
}
