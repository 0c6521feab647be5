//! The hot path of Hyperliquid `trades` messages: the documented shape read without serde.
//!
//! Any surprise declines (`None`), and [`super::frame`]'s serde path reads the frame
//! instead, reporting whatever is wrong with it; so the fast path never changes what a frame
//! means, only how fast a well-formed one is read. `trade_fast_tests` checks that both paths
//! give the same events on the fuzz corpus and on generated frames.

use feed_core::types::millis_to_seconds;
use feed_core::Side;

use crate::adapter::FrameContext;
use crate::parse::fast::{
    number_text, object_fields, string, trade_event, trade_id, whole_number, whole_or_declined,
};
use crate::parse::{JsonCursor, Scalar};
use crate::parsed::ParsedFrame;

/// The fields of a `WsTrade` the serde path reads (each at most once), in this order.
const TRADE_KEYS: [&str; 6] = ["coin", "side", "px", "sz", "time", "tid"];

/// The trades of a `trades` message of `WsTrade`s:
///
/// ```json
/// {"channel":"trades","data":[{"coin":"BTC","side":"B","px":"97432.5","sz":"0.1",
///   "hash":"0x2a5f8cbd2c7e4e1a9b3d6f0e8c1b7a4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
///   "time":1734076800123,"tid":512093762541133,
///   "users":["0x1111111111111111111111111111111111111111","0x2222222222222222222222222222222222222222"]}]}
/// ```
///
/// The envelope exactly so (no whitespace); each element of `data` an object (no
/// whitespace, no escapes) whose keys may come in any order: `coin` and `side` (`B` or `A`)
/// strings, `px`/`sz` decimal strings (or numbers), `time` (milliseconds) a whole number,
/// `tid` (optional) a plain whole number or a string, `users` an array of strings, any other
/// key (`hash`, ...) a string, number or boolean, not read. Trades of coins not subscribed
/// are skipped, as the serde path does.
///
/// `None` (and no event pushed) when the message is not in this shape or a trade would not
/// normalize: the serde path then reads it.
pub(super) fn push_trades(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    let data = frame.strip_prefix(r#"{"channel":"trades","data":"#)?;
    let mut cursor = JsonCursor::new(data);
    whole_or_declined(out, |out| {
        cursor.array(|cursor| {
            let fields = object_fields(cursor, TRADE_KEYS, &["users"])?;
            push_trade(fields, context, out)
        })?;
        cursor.expect("}")?;
        cursor.at_end().then_some(())
    })
}

/// One trade's fields, in the order of [`TRADE_KEYS`]: its event pushed, or nothing for a
/// coin not subscribed.
fn push_trade(
    [coin, side, price, size, time, tid]: [Option<Scalar<'_>>; 6],
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    let Some(symbol) = context.markets.symbol(string(coin)?) else {
        // A coin this feed did not subscribe to; the serde path still wants `side` a
        // string when there is one.
        return match side {
            None | Some(Scalar::Text(_)) => Some(()),
            Some(_) => None,
        };
    };
    let side = match string(side)? {
        "B" => Side::Buy, // the aggressor bought
        "A" => Side::Sell,
        _ => return None,
    };
    let timestamp = millis_to_seconds(whole_number(time)?);
    let id = match tid {
        Some(tid) => Some(trade_id(tid)?),
        None => None,
    };
    let event = trade_event(
        context,
        symbol,
        side,
        number_text(size)?,
        number_text(price)?,
        id,
        timestamp,
    )?;
    out.events.push(event);
    Some(())
}
