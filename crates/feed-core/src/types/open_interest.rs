//! [`OpenInterest`]: the open interest of a derivative.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::json::{
    push_decimal_string, push_key, push_line_head, push_line_tail, push_optional_decimal_string,
};
use super::Symbol;

/// Open interest (cryptofeed's `OPEN_INTEREST`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenInterest {
    /// The exchange, upper case.
    pub exchange: Arc<str>,
    /// The normalized symbol.
    pub symbol: Symbol,
    /// Open interest in the venue's unit (contracts, or the base asset where the venue
    /// counts so).
    pub open_interest: Decimal,
    /// Its value in the quote (or settle) currency, where given.
    pub notional: Option<Decimal>,
    /// The exchange's time of the figure, where given.
    pub timestamp: Option<Decimal>,
    /// Arrival of the frame or REST answer.
    pub receipt_timestamp: Decimal,
}

impl OpenInterest {
    /// Appends the JSON line: cryptofeed's `OpenInterest.to_dict()` fields plus `notional`,
    /// `channel` and `receipt_timestamp`:
    ///
    /// `{"exchange":"BINANCE_FUTURES","symbol":"BTC-USDT-PERP","channel":"open_interest","open_interest":"10659.509","notional":null,"timestamp":1589437530.011,"receipt_timestamp":1589437530.2}`
    pub fn write_json_line(&self, out: &mut Vec<u8>) {
        push_line_head(out, &self.exchange, self.symbol.as_str(), "open_interest");
        push_key(out, "open_interest");
        push_decimal_string(out, &self.open_interest);
        push_key(out, "notional");
        push_optional_decimal_string(out, self.notional.as_ref());
        push_line_tail(out, self.timestamp.as_ref(), &self.receipt_timestamp);
    }
}
