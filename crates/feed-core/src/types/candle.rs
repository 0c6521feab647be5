//! [`Candle`]: an OHLCV bar.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::json::{
    push_decimal, push_decimal_string, push_json_string, push_key, push_line_head, push_line_tail,
    push_u64,
};
use super::Symbol;

/// An OHLCV candle (cryptofeed's `CANDLES`): sent while the bar is open and once closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candle {
    /// The exchange, upper case.
    pub exchange: Arc<str>,
    /// The normalized symbol.
    pub symbol: Symbol,
    /// The bar's start (seconds since the epoch).
    pub start: Decimal,
    /// Its end, as the venue gives it (Binance: the last millisecond of the bar).
    pub stop: Decimal,
    /// The interval as configured (`1m`, `1h`, ...).
    pub interval: Arc<str>,
    /// Trades in the bar, where given.
    pub trades: Option<u64>,
    /// Open price.
    pub open: Decimal,
    /// Close (latest) price.
    pub close: Decimal,
    /// High price.
    pub high: Decimal,
    /// Low price.
    pub low: Decimal,
    /// Volume in the base asset (or contracts).
    pub volume: Decimal,
    /// True once the bar is final.
    pub closed: bool,
    /// The exchange's time of the update, where given.
    pub timestamp: Option<Decimal>,
    /// Arrival of the frame.
    pub receipt_timestamp: Decimal,
}

impl Candle {
    /// Appends the JSON line: cryptofeed's `Candle.to_dict()` fields plus `channel` and
    /// `receipt_timestamp`:
    ///
    /// `{"exchange":"BINANCE","symbol":"BTC-USDT","channel":"candles","start":1700000040,"stop":1700000099.999,"interval":"1m","trades":5,"open":"37000","close":"37001","high":"37002","low":"36999","volume":"1.5","closed":false,"timestamp":1700000060.1,"receipt_timestamp":1700000060.2}`
    pub fn write_json_line(&self, out: &mut Vec<u8>) {
        push_line_head(out, &self.exchange, self.symbol.as_str(), "candles");
        push_key(out, "start");
        push_decimal(out, &self.start);
        push_key(out, "stop");
        push_decimal(out, &self.stop);
        push_key(out, "interval");
        push_json_string(out, &self.interval);
        push_key(out, "trades");
        match self.trades {
            Some(trades) => push_u64(out, trades),
            None => out.extend_from_slice(b"null"),
        }
        for (key, value) in [
            ("open", &self.open),
            ("close", &self.close),
            ("high", &self.high),
            ("low", &self.low),
            ("volume", &self.volume),
        ] {
            push_key(out, key);
            push_decimal_string(out, value);
        }
        push_key(out, "closed");
        out.extend_from_slice(if self.closed { b"true" } else { b"false" });
        push_line_tail(out, self.timestamp.as_ref(), &self.receipt_timestamp);
    }
}
