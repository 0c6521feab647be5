//! The hot path of Bitstamp `trade` events: the documented layout read without serde.
//!
//! Any surprise declines (`None`), and the serde path ([`super::frame`]) reads the frame
//! instead, reporting whatever is wrong with it; so the fast path never changes what a frame
//! means, only how fast a well-formed one is read. `trade_fast_tests` checks that both paths
//! give the same events on the fuzz corpus and on generated frames.

use feed_core::types::micros_to_seconds;
use feed_core::{Channel, Side};

use super::subscription::parse_channel;
use crate::adapter::FrameContext;
use crate::parse::fast::{
    flat_fields, number_text, string, text, trade_event, trade_id, whole_number, whole_or_declined,
};
use crate::parse::{JsonCursor, Scalar};
use crate::parsed::ParsedFrame;

/// The keys of `data` that are read, in the order [`flat_fields`] gives their values.
const DATA_KEYS: [&str; 7] = [
    "id",
    "amount",
    "amount_str",
    "price",
    "price_str",
    "type",
    "microtimestamp",
];

/// The values of `data`'s keys that are read.
type Data<'a> = [Option<Scalar<'a>>; 7];

/// The trade of a `trade` event on `live_trades_<pair>` in the documented layout:
///
/// ```json
/// {"data":{"id":288014064,"timestamp":"1687962048","amount":0.00284,
///   "amount_str":"0.00284000","price":30478,"price_str":"30478","type":1,
///   "microtimestamp":"1687962048178000","buy_order_id":1634934838558721,
///   "sell_order_id":1634934839877632},"channel":"live_trades_btcusd","event":"trade"}
/// ```
///
/// An object (no whitespace, no escapes) of `data`, `channel` and `event` in any order (any
/// other key a string, number or boolean, not read); `event` exactly `trade`, `channel`
/// a `live_trades_` one; `data` a flat object whose keys may come in any order: `type` 0
/// (the taker bought) or 1 (sold); `amount_str` and `price_str` (optional) strings, the
/// exact decimals, else `amount` and `price` numbers or strings, read as written;
/// `microtimestamp` (µs) a whole number or a numeric string; `id` a plain whole number or
/// a string; any other key (`timestamp`, `buy_order_id`, ...) a string, number or
/// boolean, not read. A pair not subscribed is skipped, as the serde path does.
///
/// `None` (and no event pushed) when the frame is not in this layout or the trade would not
/// normalize: the serde path then reads it.
pub(super) fn push_trade(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    whole_or_declined(out, |out| {
        let mut cursor = JsonCursor::new(frame);
        let (mut event, mut channel, mut data) = (None, None, None::<Data<'_>>);
        cursor.expect("{")?;
        loop {
            let key = cursor.string()?;
            cursor.expect(":")?;
            match key {
                "data" if data.is_none() => data = Some(flat_fields(&mut cursor, DATA_KEYS)?),
                "data" => return None, // twice
                "event" => text(&mut event, cursor.scalar()?)?,
                "channel" => text(&mut channel, cursor.scalar()?)?,
                _ => {
                    cursor.scalar()?;
                }
            }
            if cursor.expect("}").is_some() {
                break;
            }
            cursor.expect(",")?;
        }
        if !cursor.at_end() || event? != "trade" {
            return None;
        }
        let (Channel::Trades, pair) = parse_channel(channel?)? else {
            return None; // a trade event on a book channel: the serde path's error
        };
        let Some(symbol) = context.markets.symbol(pair) else {
            return Some(()); // a pair this feed did not subscribe to
        };
        let [id, amount, amount_str, price, price_str, kind, time] = data?;
        let side = match kind? {
            Scalar::Integer("0") => Side::Buy,
            Scalar::Integer("1") => Side::Sell,
            _ => return None,
        };
        let time = whole_number(time)?;
        let id = trade_id(id?)?;
        out.events.push(trade_event(
            context,
            symbol,
            side,
            exact(amount_str, amount)?,
            exact(price_str, price)?,
            Some(id),
            micros_to_seconds(time),
        )?);
        Some(())
    })
}

/// The decimal text of a value: its `_str` string when sent, else the number (or string)
/// itself, as the serde path reads them.
fn exact<'a>(text: Option<Scalar<'a>>, number: Option<Scalar<'a>>) -> Option<&'a str> {
    match text {
        Some(_) => string(text),
        None => number_text(number),
    }
}
