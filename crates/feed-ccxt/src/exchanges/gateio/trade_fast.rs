//! The hot path of Gate `spot.trades` updates: the documented layout read without serde.
//!
//! Any surprise declines (`None`), and [`super::frame`]'s serde path reads the frame
//! instead, reporting whatever is wrong with it; so the fast path never changes what a frame
//! means, only how fast a well-formed one is read. `trade_fast_tests` checks that both paths
//! give the same events on the fuzz corpus and on generated frames.

use rust_decimal::Decimal;

use super::trade::millis_text_to_seconds;
use crate::adapter::FrameContext;
use crate::parse::fast::{
    buy_or_sell, flat_fields, number_text, string, trade_event, trade_id, whole_frame, whole_number,
};
use crate::parse::{JsonCursor, Scalar};
use crate::parsed::ParsedFrame;

/// The trade(s) of a `spot.trades` update in the documented layout:
///
/// ```json
/// {"time":1606292218,"time_ms":1606292218231,"channel":"spot.trades","event":"update",
///  "result":{"id":309143071,"create_time":1606292218,"create_time_ms":"1606292218213.4578",
///            "side":"sell","currency_pair":"GT_USDT","amount":"16.4700000000",
///            "price":"0.4705000000","range":"2390902-2390902"}}
/// ```
///
/// The envelope exactly so (no whitespace, no `error`); `result` one trade or an array of
/// them (as the serde path reads), each a flat object (no whitespace, no escapes) whose keys
/// may come in any order: `side` and `currency_pair` strings, `amount` and `price` strings
/// or numbers, `create_time_ms` (milliseconds with a fraction) or else `create_time`
/// (seconds) a string or number, `id` (where sent) a string or plain whole number, any
/// other key (`range`, ...) a string, number or boolean, not read. Trades of markets not
/// subscribed are skipped, as the serde path does.
///
/// `None` (and no event pushed) when the frame is not in this layout or a trade would not
/// normalize (a side other than `buy`/`sell`, an amount that is no exact decimal, ...): the
/// serde path then reads it.
pub(super) fn push_trades(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    whole_frame(frame, out, |cursor, out| {
        cursor.expect(r#"{"time":"#)?;
        cursor.integer()?;
        cursor.expect(r#","time_ms":"#)?;
        cursor.integer()?;
        cursor.expect(r#","channel":"spot.trades","event":"update","result":"#)?;
        let mut trade =
            |cursor: &mut JsonCursor<'_>| push_trade(flat_fields(cursor, KEYS)?, context, out);
        if cursor.clone().expect("[").is_some() {
            cursor.array(trade)?;
        } else {
            trade(cursor)?;
        }
        cursor.expect("}")
    })
}

/// The keys of a trade that are read, in the order [`flat_fields`] gives their values.
const KEYS: [&str; 7] = [
    "id",
    "create_time",
    "create_time_ms",
    "side",
    "currency_pair",
    "amount",
    "price",
];

fn push_trade(
    [id, create_time, create_time_ms, side, pair, amount, price]: [Option<Scalar<'_>>; 7],
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    // The serde path reads `side` and `currency_pair` as strings (when sent) of every
    // trade, even of one it then skips.
    let (Some(side), Some(pair)) = (string(side), string(pair)) else {
        return None;
    };
    let Some(symbol) = context.markets.symbol(pair) else {
        return Some(()); // a market this feed did not subscribe to
    };
    let side = buy_or_sell(side)?;
    let (price, amount) = (number_text(price)?, number_text(amount)?);
    let id = match id {
        Some(id) => Some(trade_id(id)?),
        None => None,
    };
    let timestamp = timestamp(create_time_ms, create_time)?;
    out.events.push(trade_event(
        context, symbol, side, amount, price, id, timestamp,
    )?);
    Some(())
}

/// `create_time_ms` in seconds exactly, or else the whole seconds of `create_time`.
fn timestamp(millis: Option<Scalar<'_>>, seconds: Option<Scalar<'_>>) -> Option<Decimal> {
    match millis {
        Some(millis) => millis_text_to_seconds(number_text(Some(millis))?),
        None => Some(Decimal::from(whole_number(seconds)?)),
    }
}
