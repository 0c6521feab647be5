//! The hot path of Backpack `trade.<symbol>` stream frames: the documented layout read
//! without serde.
//!
//! Any surprise declines (`None`), and [`super::frame`]'s serde path reads the frame
//! instead, reporting whatever is wrong with it; so the fast path never changes what a frame
//! means, only how fast a well-formed one is read. `trade_fast_tests` checks that both paths
//! give the same events on the fuzz corpus and on generated frames.

use feed_core::types::micros_to_seconds;
use feed_core::Side;

use crate::adapter::FrameContext;
use crate::parse::fast::{
    flat_fields, number_text, string, trade_event, trade_id, whole_number, whole_or_declined,
};
use crate::parse::{JsonCursor, Scalar};
use crate::parsed::ParsedFrame;

/// The keys of a stream payload the serde path knows (a second value for any of them is an
/// error there, so it declines here), in this order.
const PAYLOAD_KEYS: [&str; 12] = ["e", "s", "p", "q", "t", "T", "m", "E", "U", "u", "a", "b"];

/// The start of a frame in the documented order (the live stream sends `data` first).
const STREAM_FIRST: &str = r#"{"stream":"#;

/// The trade of a `trade.<symbol>` stream frame in the documented layout:
///
/// ```json
/// {"stream":"trade.SOL_USDC","data":{"e":"trade","E":1694688638091000,"s":"SOL_USDC",
///  "p":"18.68","q":"0.122","b":"111063114377265150","a":"111063114585735170","t":12345,
///  "T":1694688638089000,"m":true}}
/// ```
///
/// or as the live stream sends it, `data` first and its keys in alphabetical order, times as
/// strings:
///
/// ```json
/// {"data":{"E":"1754601477746429","T":"1754601477744000","a":"5121860761","b":"5121861755",
///  "e":"trade","m":false,"p":"3870.25","q":"0.0008","s":"ETH_USDC","t":10782547},
///  "stream":"trade.ETH_USDC"}
/// ```
///
/// The envelope exactly so (no whitespace; `stream` a string, in either place); `data` a
/// flat object (no whitespace, no escapes) whose keys may come in any order: `e` the string
/// `trade`, `s` a string, `p`/`q` decimal numbers or strings, `t` a whole number or a
/// string, `T` (microseconds) a whole number or a numeric string, `m` a boolean, any other
/// key a string, number or boolean, not read. A trade of a market not subscribed is
/// skipped, as the serde path does.
///
/// `None` (and no event pushed) when the frame is not in this layout or the trade would not
/// normalize: the serde path then reads it.
pub(super) fn push_trade(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    let stream_first = frame.starts_with(STREAM_FIRST);
    let mut cursor = JsonCursor::new(frame);
    whole_or_declined(out, |out| {
        if stream_first {
            cursor.expect(STREAM_FIRST)?;
            cursor.string()?;
            cursor.expect(r#","data":"#)?;
            read_payload(&mut cursor, context, out)?;
        } else {
            cursor.expect(r#"{"data":"#)?;
            read_payload(&mut cursor, context, out)?;
            cursor.expect(r#","stream":"#)?;
            cursor.string()?;
        }
        cursor.expect("}")?;
        cursor.at_end().then_some(())
    })
}

/// The stream payload: its trade pushed, or nothing for a market not subscribed.
fn read_payload(
    cursor: &mut JsonCursor<'_>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    let [kind, symbol, price, amount, id, time, maker, ..] = flat_fields(cursor, PAYLOAD_KEYS)?;
    if string(kind)? != "trade" {
        return None; // depth, bookTicker, ...: the serde path tells them apart
    }
    let Some(symbol) = context.markets.symbol(string(symbol)?) else {
        return Some(()); // a market this feed did not subscribe to
    };
    let side = match maker? {
        Scalar::Boolean(true) => Side::Sell, // the buyer is the maker: the taker sold
        Scalar::Boolean(false) => Side::Buy,
        _ => return None,
    };
    let timestamp = micros_to_seconds(whole_number(time)?);
    let event = trade_event(
        context,
        symbol,
        side,
        number_text(amount)?,
        number_text(price)?,
        Some(trade_id(id?)?),
        timestamp,
    )?;
    out.events.push(event);
    Some(())
}
