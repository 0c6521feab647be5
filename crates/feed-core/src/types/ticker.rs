//! [`Ticker`]: the best bid and ask of a symbol.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::json::{
    push_decimal_string, push_key, push_line_head, push_line_tail, push_optional_decimal_string,
};
use super::Symbol;

/// Best bid and offer (cryptofeed's `TICKER`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticker {
    /// The exchange, upper case.
    pub exchange: Arc<str>,
    /// The normalized symbol.
    pub symbol: Symbol,
    /// Best bid price.
    pub bid: Decimal,
    /// Size at the best bid, where given.
    pub bid_size: Option<Decimal>,
    /// Best ask price.
    pub ask: Decimal,
    /// Size at the best ask, where given.
    pub ask_size: Option<Decimal>,
    /// The exchange's time of the quote, where given.
    pub timestamp: Option<Decimal>,
    /// Arrival of the frame.
    pub receipt_timestamp: Decimal,
}

impl Ticker {
    /// Appends the JSON line: cryptofeed's `Ticker.to_dict()` fields plus the sizes,
    /// `channel` and `receipt_timestamp`:
    ///
    /// `{"exchange":"BINANCE_FUTURES","symbol":"BTC-USDT-PERP","channel":"ticker","bid":"37000.1","bid_size":"2.5","ask":"37000.2","ask_size":"0.1","timestamp":1700000000.123,"receipt_timestamp":1700000000.2}`
    pub fn write_json_line(&self, out: &mut Vec<u8>) {
        push_line_head(out, &self.exchange, self.symbol.as_str(), "ticker");
        push_key(out, "bid");
        push_decimal_string(out, &self.bid);
        push_key(out, "bid_size");
        push_optional_decimal_string(out, self.bid_size.as_ref());
        push_key(out, "ask");
        push_decimal_string(out, &self.ask);
        push_key(out, "ask_size");
        push_optional_decimal_string(out, self.ask_size.as_ref());
        push_line_tail(out, self.timestamp.as_ref(), &self.receipt_timestamp);
    }
}
