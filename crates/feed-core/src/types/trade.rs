//! The normalized trade, and its JSON-line form.

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
    pub fn write_json_line(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"exchange\":");
        push_json_string(out, &self.exchange);
        out.extend_from_slice(b",\"symbol\":");
        push_json_string(out, self.symbol.as_str());
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
                let mut buffer = [0_u8; 40];
                out.extend_from_slice(digits_of(u128::from(*number), &mut buffer));
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
        let mut line = Vec::with_capacity(192);
        self.write_json_line(&mut line);
        line.pop();
        String::from_utf8_lossy(&line).into_owned()
    }
}

/// Appends a decimal exactly as `Decimal`'s `Display` prints it (every digit of its scale),
/// without the formatting machinery, which is most of the cost of a JSON line otherwise.
pub fn push_decimal(out: &mut Vec<u8>, value: &Decimal) {
    let mantissa = value.mantissa();
    let scale = value.scale() as usize;
    if mantissa < 0 {
        out.push(b'-');
    }
    let mut buffer = [0_u8; 40];
    let digits = digits_of(mantissa.unsigned_abs(), &mut buffer);
    if scale == 0 {
        out.extend_from_slice(digits);
    } else if digits.len() > scale {
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        out.extend_from_slice(whole);
        out.push(b'.');
        out.extend_from_slice(fraction);
    } else {
        out.extend_from_slice(b"0.");
        out.resize(out.len() + scale - digits.len(), b'0');
        out.extend_from_slice(digits);
    }
}

/// The decimal digits of `value`, written at the end of `buffer`, two at a time.
fn digits_of(mut value: u128, buffer: &mut [u8; 40]) -> &[u8] {
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let mut at = buffer.len();
    while value > u128::from(u64::MAX) {
        at -= 1;
        buffer[at] = b'0' + (value % 10) as u8;
        value /= 10;
    }
    let mut small = value as u64;
    while small >= 100 {
        let pair = (small % 100) as usize * 2;
        small /= 100;
        at -= 2;
        buffer[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if small >= 10 {
        let pair = small as usize * 2;
        at -= 2;
        buffer[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        at -= 1;
        buffer[at] = b'0' + small as u8;
    }
    &buffer[at..]
}

fn push_json_string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    for &byte in text.as_bytes() {
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0..=0x1f => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(byte >> 4)]);
                out.push(HEX[usize::from(byte & 0xf)]);
            }
            _ => out.push(byte),
        }
    }
    out.push(b'"');
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
        trade.id = Some(TradeId::Text("naïve \u{1}€".into()));
        let value: serde_json::Value = serde_json::from_str(&trade.to_json_line()).unwrap();
        assert_eq!(value["id"], "naïve \u{1}€");
        trade.id = None;
        let value: serde_json::Value = serde_json::from_str(&trade.to_json_line()).unwrap();
        assert!(value["id"].is_null());
    }

    #[test]
    fn push_decimal_prints_what_display_prints() {
        let texts = [
            "0",
            "0.000",
            "1",
            "-1",
            "0.5",
            "-0.5",
            "0.00000001",
            "37000.10",
            "123456789.123456789",
            "1700000000.123456789",
            "79228162514264337593543950335",
            "-7922816251426433759354395033.5",
            "0.0000000000000000000000000001",
            "18446744073709551616",
            "100",
        ];
        for text in texts {
            let value = Decimal::from_str(text).unwrap();
            let mut out = Vec::new();
            push_decimal(&mut out, &value);
            assert_eq!(String::from_utf8(out).unwrap(), value.to_string(), "{text}");
        }
        for _ in 0..10_000 {
            let value = Decimal::new(fastrand::i64(..), fastrand::u32(0..=18));
            let mut out = Vec::new();
            push_decimal(&mut out, &value);
            assert_eq!(String::from_utf8(out).unwrap(), value.to_string());
        }
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
