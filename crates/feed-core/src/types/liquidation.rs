//! [`Liquidation`]: a forced liquidation order.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::json::{
    push_decimal_string, push_json_string, push_key, push_line_head, push_line_tail,
};
use super::{Side, Symbol};

/// A liquidation (cryptofeed's `LIQUIDATIONS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Liquidation {
    /// The exchange, upper case.
    pub exchange: Arc<str>,
    /// The normalized symbol.
    pub symbol: Symbol,
    /// The side of the liquidation order (`sell` liquidates a long position).
    pub side: Side,
    /// Quantity.
    pub quantity: Decimal,
    /// Price.
    pub price: Decimal,
    /// The exchange's id, where given.
    pub id: Option<String>,
    /// The order's status as the venue names it, lower case (`filled`, `new`, ...).
    pub status: Arc<str>,
    /// The exchange's time, where given.
    pub timestamp: Option<Decimal>,
    /// Arrival of the frame.
    pub receipt_timestamp: Decimal,
}

impl Liquidation {
    /// Appends the JSON line: cryptofeed's `Liquidation.to_dict()` fields plus `channel`
    /// and `receipt_timestamp`:
    ///
    /// `{"exchange":"BINANCE_FUTURES","symbol":"BTC-USDT-PERP","channel":"liquidations","side":"sell","quantity":"0.014","price":"9910","id":null,"status":"filled","timestamp":1568014460.893,"receipt_timestamp":1568014461.0}`
    pub fn write_json_line(&self, out: &mut Vec<u8>) {
        push_line_head(out, &self.exchange, self.symbol.as_str(), "liquidations");
        push_key(out, "side");
        push_json_string(out, self.side.as_str());
        push_key(out, "quantity");
        push_decimal_string(out, &self.quantity);
        push_key(out, "price");
        push_decimal_string(out, &self.price);
        push_key(out, "id");
        match &self.id {
            Some(id) => push_json_string(out, id),
            None => out.extend_from_slice(b"null"),
        }
        push_key(out, "status");
        push_json_string(out, &self.status);
        push_line_tail(out, self.timestamp.as_ref(), &self.receipt_timestamp);
    }
}
