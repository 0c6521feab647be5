//! The normalized trade, and its JSON-line form.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use rust_decimal::Decimal;

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

/// Seconds since the epoch from a count of milliseconds, exactly.
#[must_use]
pub fn millis_to_seconds(millis: i64) -> Decimal {
    Decimal::new(millis, 3)
}

/// Seconds since the epoch from a count of microseconds, exactly.
#[must_use]
pub fn micros_to_seconds(micros: i64) -> Decimal {
    Decimal::new(micros, 6)
}

/// Seconds since the epoch from a count of nanoseconds, exactly.
#[must_use]
pub fn nanos_to_seconds(nanos: i64) -> Decimal {
    Decimal::new(nanos, 9)
}

/// Now, as seconds since the epoch with microsecond precision.
#[must_use]
pub fn now_seconds() -> Decimal {
    let micros = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_micros()).unwrap_or(i64::MAX)
        });
    micros_to_seconds(micros)
}

impl Trade {
    /// Appends the trade as one JSON line (with `\n`), the format `feedhandler run` and
    /// `feedhandler replay` print:
    ///
    /// `{"exchange":"BINANCE","symbol":"BTC-USDT","side":"buy","amount":"0.5","price":"37000.1","id":"123","timestamp":1700000000.123,"receipt_timestamp":1700000001.2}`
    pub fn write_json_line(&self, out: &mut String) {
        out.push_str("{\"exchange\":");
        push_json_string(out, &self.exchange);
        out.push_str(",\"symbol\":");
        push_json_string(out, self.symbol.as_str());
        out.push_str(",\"side\":\"");
        out.push_str(self.side.as_str());
        // Decimals print digits, '.', and '-' only: no escaping needed.
        let _ = write!(
            out,
            "\",\"amount\":\"{}\",\"price\":\"{}\",\"id\":",
            self.amount, self.price
        );
        match &self.id {
            Some(TradeId::Number(number)) => {
                let _ = write!(out, "\"{number}\"");
            }
            Some(TradeId::Text(text)) => push_json_string(out, text),
            None => out.push_str("null"),
        }
        let _ = writeln!(
            out,
            ",\"timestamp\":{},\"receipt_timestamp\":{}}}",
            self.timestamp, self.receipt_timestamp
        );
    }

    /// The trade as one JSON line, without the trailing newline.
    #[must_use]
    pub fn to_json_line(&self) -> String {
        let mut line = String::with_capacity(192);
        self.write_json_line(&mut line);
        line.pop();
        line
    }
}

fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
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
            r#"{"exchange":"BINANCE","symbol":"BTC-USDT","side":"buy","amount":"0.5","price":"37000.10","id":"123","timestamp":1700000000.123,"receipt_timestamp":1700000001.2}"#
        );
    }

    #[test]
    fn json_line_is_valid_json_with_text_ids_escaped() {
        let mut trade = sample();
        trade.id = Some(TradeId::Text("a\"b\\c\n".into()));
        let value: serde_json::Value = serde_json::from_str(&trade.to_json_line()).unwrap();
        assert_eq!(value["id"], "a\"b\\c\n");
        trade.id = None;
        let value: serde_json::Value = serde_json::from_str(&trade.to_json_line()).unwrap();
        assert!(value["id"].is_null());
    }

    #[test]
    fn timestamps_keep_their_precision() {
        assert_eq!(
            nanos_to_seconds(1_700_000_000_123_456_789).to_string(),
            "1700000000.123456789"
        );
        assert_eq!(
            micros_to_seconds(1_700_000_000_000_001).to_string(),
            "1700000000.000001"
        );
    }
}
