//! The hot path of Upbit `trade` messages: the documented layout read without serde.
//!
//! Any surprise declines (`None`), and the serde path ([`super::frame`]) reads the frame
//! instead, reporting whatever is wrong with it; so the fast path never changes what a frame
//! means, only how fast a well-formed one is read. `trade_fast_tests` checks that both paths
//! give the same events on the fuzz corpus and on generated frames.

use feed_core::types::millis_to_seconds;
use feed_core::Side;

use super::frame::market_of;
use crate::adapter::FrameContext;
use crate::parse::fast::{
    number_text, string, trade_event, trade_id, typed_flat_frame, whole_number, whole_or_declined,
};
use crate::parsed::ParsedFrame;

/// The keys that are read, in the order their values are given.
const KEYS: [&str; 7] = [
    "code",
    "trade_timestamp",
    "trade_price",
    "trade_volume",
    "ask_bid",
    "sequential_id",
    "stream_type",
];

/// The keys of keep-alive answers and errors, which the serde path reads.
const ANSWER_KEYS: &[&str] = &["status", "error"];

/// The trade of a `trade` message (DEFAULT format) in the documented layout:
///
/// ```json
/// {"type":"trade","code":"KRW-BTC","timestamp":1676965220452,"trade_date":"2023-02-21",
///  "trade_time":"07:40:20","trade_timestamp":1676965220395,"trade_price":32292000,
///  "trade_volume":0.03096742,"ask_bid":"BID","prev_closing_price":31883000.00000000,
///  "change":"RISE","change_price":409000.00000000,"sequential_id":1676965220395000,
///  "stream_type":"REALTIME"}
/// ```
///
/// A flat object (no whitespace, no escapes) whose keys may come in any order: `type`
/// exactly `trade`; `code` a string (an order book's unit count, `KRW-BTC.15`, dropped as
/// the serde path does); `trade_price` and `trade_volume` numbers or strings, read as
/// written; `trade_timestamp` (ms) a whole number or a numeric string; `ask_bid` `ASK` (a
/// sell) or `BID` (a buy); `sequential_id` a plain whole number or a string; `stream_type`
/// (optional) a string; any other key a string, number or boolean, not read. A frame with
/// `status` or `error` declines. A `SNAPSHOT` trade (a past one) gives no event, and a code
/// not subscribed is skipped, as the serde path does.
///
/// `None` (and no event pushed) when the frame is not in this layout or the trade would not
/// normalize: the serde path then reads it.
pub(super) fn push_trade(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    whole_or_declined(out, |out| {
        let [code, time, price, volume, ask_bid, id, stream_type] =
            typed_flat_frame(frame, "trade", KEYS, ANSWER_KEYS)?;
        let Some(symbol) = context.markets.symbol(market_of(string(code)?)) else {
            return Some(()); // a market this feed did not subscribe to
        };
        let side = match string(ask_bid)? {
            "ASK" => Side::Sell,
            "BID" => Side::Buy,
            _ => return None,
        };
        let time = whole_number(time)?;
        let id = trade_id(id?)?;
        let snapshot = match stream_type {
            None => false,
            Some(value) => string(Some(value))? == "SNAPSHOT",
        };
        let event = trade_event(
            context,
            symbol,
            side,
            number_text(volume)?,
            number_text(price)?,
            Some(id),
            millis_to_seconds(time),
        )?;
        if !snapshot {
            out.events.push(event);
        }
        Some(())
    })
}
