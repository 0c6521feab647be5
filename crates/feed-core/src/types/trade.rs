//! The normalized trade, and its JSON-line form.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::json::{push_decimal, push_json_string, push_line_head, push_u64};
use super::side::Side;
use super::symbol::Symbol;

/// An exchange's identifier of a trade: numeric for most exchanges, text for some
/// (Bybit uses UUIDs).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TradeId {
    /// A numeric id.
    Number(u64),
    /// A textual id.
    Text(Box<str>),
}

impl std::fmt::Display for TradeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TradeId::Number(number) => write!(f, "{number}"),
            TradeId::Text(text) => f.write_str(text),
        }
    }
}

/// One public trade, normalized.
///
/// Prices and amounts are [`Decimal`]s with the scale the exchange sent (`"0.50000"` stays
/// `0.50000`); timestamps are seconds since the Unix epoch as exact decimals, with the
/// precision the exchange gives (milliseconds from Binance, nanoseconds from Coinbase).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trade {
    /// The exchange, upper case (`BINANCE`).
    pub exchange: Arc<str>,
    /// The normalized symbol (`BTC-USDT`).
    pub symbol: Symbol,
    /// The taker's side.
    pub side: Side,
    /// Quantity in the base asset.
    pub amount: Decimal,
    /// Price in the quote asset.
    pub price: Decimal,
    /// The exchange's trade id, when it has one.
    pub id: Option<TradeId>,
    /// When the exchange says the trade happened (seconds since the epoch).
    pub timestamp: Decimal,
    /// When the frame carrying it arrived here (seconds since the epoch, microseconds).
    pub receipt_timestamp: Decimal,
}

impl Trade {
    /// Appends the trade as one JSON line (with `\n`), the format `feedhandler run` and
    /// `feedhandler replay` print:
    ///
    /// `{"exchange":"BINANCE","symbol":"BTC-USDT","channel":"trades","side":"buy","amount":"0.5","price":"37000.1","id":"123","timestamp":1700000000.123,"receipt_timestamp":1700000001.2}`
    pub fn write_json_line(&self, out: &mut Vec<u8>) {
        push_line_head(out, &self.exchange, self.symbol.as_str(), Self::CHANNEL);
        self.write_json_after_head(out);
    }

    /// The `"channel"` of its JSON lines.
    pub(crate) const CHANNEL: &'static str = "trades";

    /// [`Self::write_json_line`] after the line head (`{"exchange":…,"channel":"trades"`).
    pub(crate) fn write_json_after_head(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b",\"side\":\"");
        out.extend_from_slice(self.side.as_str().as_bytes());
        // Decimals print digits, '.', and '-' only: no escaping needed.
        out.extend_from_slice(b"\",\"amount\":\"");
        push_decimal(out, &self.amount);
        out.extend_from_slice(b"\",\"price\":\"");
        push_decimal(out, &self.price);
        out.extend_from_slice(b"\",\"id\":");
        match &self.id {
            Some(TradeId::Number(number)) => {
                out.push(b'"');
                push_u64(out, *number);
                out.push(b'"');
            }
            Some(TradeId::Text(text)) => push_json_string(out, text),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"timestamp\":");
        push_decimal(out, &self.timestamp);
        out.extend_from_slice(b",\"receipt_timestamp\":");
        push_decimal(out, &self.receipt_timestamp);
        out.extend_from_slice(b"}\n");
    }

    /// The trade as one JSON line, without the trailing newline.
    #[must_use]
    pub fn to_json_line(&self) -> String {
        super::json::line_of(|out| self.write_json_line(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::millis_to_seconds;
    use std::str::FromStr;

    fn sample() -> Trade {
        Trade {
            exchange: "BINANCE".into(),
            symbol: Symbol::parse("BTC-USDT").unwrap(),
            side: Side::Buy,
            amount: Decimal::from_str("0.5").unwrap(),
            price: Decimal::from_str("37000.10").unwrap(),
            id: Some(TradeId::Number(123)),
            timestamp: millis_to_seconds(1_700_000_000_123),
            receipt_timestamp: Decimal::from_str("1700000001.2").unwrap(),
        }
    }

    #[test]
    fn json_line_matches_the_documented_format() {
        assert_eq!(
            sample().to_json_line(),
            r#"{"exchange":"BINANCE","symbol":"BTC-USDT","channel":"trades","side":"buy","amount":"0.5","price":"37000.10","id":"123","timestamp":1700000000.123,"receipt_timestamp":1700000001.2}"#
        );
    }

    #[test]
    fn json_line_is_valid_json_with_text_ids_escaped() {
        let mut trade = sample();
        trade.id = Some(TradeId::Text("a\"b\\c\n".into()));
        let value: serde_json::Value = serde_json::from_str(&trade.to_json_line()).unwrap();
        assert_eq!(value["id"], "a\"b\\c\n");
        trade.id = Some(TradeId::Text("naïve \u{1}€".into()));
        let value: serde_json::Value = serde_json::from_str(&trade.to_json_line()).unwrap();
        assert_eq!(value["id"], "naïve \u{1}€");
        trade.id = None;
        let value: serde_json::Value = serde_json::from_str(&trade.to_json_line()).unwrap();
        assert!(value["id"].is_null());
    }
}
