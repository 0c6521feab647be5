//! The hot path of Gemini v2 `trade` messages: the documented layout read without serde.
//!
//! Any surprise declines (`None`), and the serde path ([`super::frame`]) reads the frame
//! instead, reporting whatever is wrong with it; so the fast path never changes what a frame
//! means, only how fast a well-formed one is read. `trade_fast_tests` checks that both paths
//! give the same events on the fuzz corpus and on generated frames.

use feed_core::types::millis_to_seconds;

use crate::adapter::FrameContext;
use crate::parse::fast::{
    buy_or_sell, string, trade_event, trade_id, typed_flat_frame, whole_number, whole_or_declined,
};
use crate::parsed::ParsedFrame;

/// The keys that are read, in the order their values are given.
const KEYS: [&str; 6] = ["symbol", "timestamp", "price", "quantity", "side", "tid"];

/// The keys of error answers, which the serde path reads.
const ERROR_KEYS: &[&str] = &["result", "reason", "message"];

/// The trade of a `trade` message in the documented layout:
///
/// ```json
/// {"type":"trade","symbol":"BTCUSD","event_id":3575573053,"timestamp":151231241,
///  "price":"9004.21000000","quantity":"0.09110000","side":"buy","tid":2840140800042677}
/// ```
///
/// A flat object (no whitespace, no escapes) whose keys may come in any order: `type`
/// exactly `trade`; `symbol`, `price`, `quantity` and `side` strings; `timestamp` (ms) a
/// whole number or a numeric string; `tid` a plain whole number or a string; any other key
/// (`event_id`, ...) a string, number or boolean, not read. A frame with `result`,
/// `reason` or `message` (an error answer) declines. `side` is the taker's, `buy` or
/// `sell`. A symbol not subscribed is skipped, as the serde path does.
///
/// `None` (and no event pushed) when the frame is not in this layout or the trade would not
/// normalize (another side, a price that is no exact decimal, ...): the serde path then
/// reads it.
pub(super) fn push_trade(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    whole_or_declined(out, |out| {
        let [symbol, timestamp, price, quantity, side, tid] =
            typed_flat_frame(frame, "trade", KEYS, ERROR_KEYS)?;
        let Some(symbol) = context.markets.symbol(string(symbol)?) else {
            return Some(()); // a symbol this feed did not subscribe to
        };
        let side = buy_or_sell(string(side)?)?;
        let time = whole_number(timestamp)?;
        let id = trade_id(tid?)?;
        out.events.push(trade_event(
            context,
            symbol,
            side,
            string(quantity)?,
            string(price)?,
            Some(id),
            millis_to_seconds(time),
        )?);
        Some(())
    })
}
