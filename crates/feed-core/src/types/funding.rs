//! [`Funding`]: the funding rate of a perpetual swap.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::json::{
    push_decimal_string, push_key, push_line_head, push_line_tail, push_optional_decimal,
    push_optional_decimal_string,
};
use super::Symbol;

/// A funding rate update (cryptofeed's `FUNDING`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Funding {
    /// The exchange, upper case.
    pub exchange: Arc<str>,
    /// The normalized symbol (a perpetual).
    pub symbol: Symbol,
    /// The mark price, where given.
    pub mark_price: Option<Decimal>,
    /// The current funding rate (a fraction per funding interval: `0.0001` is 0.01 %).
    pub rate: Decimal,
    /// The predicted next rate, where given.
    pub predicted_rate: Option<Decimal>,
    /// When the next funding happens (seconds since the epoch), where given.
    pub next_funding_time: Option<Decimal>,
    /// The exchange's time of the update, where given.
    pub timestamp: Option<Decimal>,
    /// Arrival of the frame.
    pub receipt_timestamp: Decimal,
}

impl Funding {
    /// Appends the JSON line: cryptofeed's `Funding.to_dict()` fields plus `channel` and
    /// `receipt_timestamp`:
    ///
    /// `{"exchange":"BINANCE_FUTURES","symbol":"BTC-USDT-PERP","channel":"funding","mark_price":"37000.5","rate":"0.0001","next_funding_time":1700006400,"predicted_rate":null,"timestamp":1700000000.123,"receipt_timestamp":1700000000.2}`
    pub fn write_json_line(&self, out: &mut Vec<u8>) {
        push_line_head(out, &self.exchange, self.symbol.as_str(), "funding");
        push_key(out, "mark_price");
        push_optional_decimal_string(out, self.mark_price.as_ref());
        push_key(out, "rate");
        push_decimal_string(out, &self.rate);
        push_key(out, "next_funding_time");
        push_optional_decimal(out, self.next_funding_time.as_ref());
        push_key(out, "predicted_rate");
        push_optional_decimal_string(out, self.predicted_rate.as_ref());
        push_line_tail(out, self.timestamp.as_ref(), &self.receipt_timestamp);
    }
}
