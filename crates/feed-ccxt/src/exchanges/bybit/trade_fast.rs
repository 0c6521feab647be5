//! The hot path of Bybit `publicTrade.<symbol>` frames: the documented layout read without
//! serde.
//!
//! Any surprise declines (`None`), and [`super::frame`]'s serde path reads the frame
//! instead, reporting whatever is wrong with it; so the fast path never changes what a frame
//! means, only how fast a well-formed one is read. `trade_fast_tests` checks that both paths
//! give the same events on the fuzz corpus and on generated frames.

use feed_core::types::millis_to_seconds;
use feed_core::{Event, Side, Trade};

use super::trade::TRADE_TOPIC_PREFIX;
use crate::adapter::FrameContext;
use crate::parse::fast::{text, whole_or_declined};
use crate::parse::{parse_decimal, trade_id_from_text, JsonCursor, Scalar};
use crate::parsed::ParsedFrame;

/// The trades of a `publicTrade` frame in the documented layout:
///
/// ```json
/// {"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1672304486868,
///  "data":[{"T":1672304486865,"s":"BTCUSDT","S":"Buy","v":"0.001","p":"16578.50",
///           "L":"PlusTick","i":"20f43950-d8dd-5b31-9112-a178eb6023af","BT":false}]}
/// ```
///
/// The envelope exactly so (no whitespace), `type` and `ts` in either order (the live
/// stream sends `ts` first); each element of `data` a flat object (no whitespace, no
/// escapes) whose keys may come in any order (the live spot stream sends
/// `"i","T","p","v","S","s","BT","RPI"`): `T` a whole number, `s`, `S`, `v`, `p` and `i`
/// strings, any other key (`L`, `BT`, `RPI`, `seq`, ...) a string, whole number or boolean,
/// not read. Trades of markets not subscribed are skipped, as the serde path does.
///
/// `None` (and no event pushed) when the frame is not in this layout or a trade would not
/// normalize (a side other than `Buy`/`Sell`, a size that is no exact decimal, ...): the
/// serde path then reads it.
pub(super) fn push_trades(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    whole_or_declined(out, |out| read_frame(frame, context, out))
}

fn read_frame(frame: &str, context: &FrameContext<'_>, out: &mut ParsedFrame) -> Option<()> {
    let mut cursor = JsonCursor::new(frame);
    cursor.expect(r#"{"topic":"#)?;
    if !cursor.string()?.starts_with(TRADE_TOPIC_PREFIX) {
        return None;
    }
    type_and_ts(&mut cursor)?;
    cursor.expect(r#","data":"#)?;
    cursor.array(|cursor| push_trade(cursor, context, out))?;
    cursor.expect("}")?;
    cursor.at_end().then_some(())
}

/// After the `topic`, an envelope's `,"type":"..."` and `,"ts":N` in either order (the
/// docs write `type` first, the live stream sends `ts` first): the type and the `ts` as
/// written (a JSON integer).
pub(super) fn type_and_ts<'a>(cursor: &mut JsonCursor<'a>) -> Option<(&'a str, &'a str)> {
    if cursor.expect(r#","type":"#).is_some() {
        let kind = cursor.string()?;
        cursor.expect(r#","ts":"#)?;
        Some((kind, cursor.integer()?))
    } else {
        cursor.expect(r#","ts":"#)?;
        let ts = cursor.integer()?;
        cursor.expect(r#","type":"#)?;
        Some((cursor.string()?, ts))
    }
}

/// The fields of one trade that are read, as sent.
#[derive(Default)]
struct TradeText<'a> {
    time: Option<&'a str>,
    symbol: Option<&'a str>,
    side: Option<&'a str>,
    size: Option<&'a str>,
    price: Option<&'a str>,
    id: Option<&'a str>,
}

/// Fills an empty slot with a whole number, as written.
fn integer<'a>(slot: &mut Option<&'a str>, value: Scalar<'a>) -> Option<()> {
    match (&slot, value) {
        (None, Scalar::Integer(number)) => {
            *slot = Some(number);
            Some(())
        }
        _ => None,
    }
}

fn push_trade(
    cursor: &mut JsonCursor<'_>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    let mut fields = TradeText::default();
    cursor.flat_object(|key, value| match key {
        "T" => integer(&mut fields.time, value),
        "s" => text(&mut fields.symbol, value),
        "S" => text(&mut fields.side, value),
        "v" => text(&mut fields.size, value),
        "p" => text(&mut fields.price, value),
        "i" => text(&mut fields.id, value),
        _ => Some(()), // L, BT, RPI, seq, ...: not needed
    })?;
    // The serde path requires every field, even of a trade it then skips.
    let time = fields.time?.parse::<i64>().ok()?;
    let (symbol, side, size, price, id) = (
        fields.symbol?,
        fields.side?,
        fields.size?,
        fields.price?,
        fields.id?,
    );
    let Some(symbol) = context.markets.symbol(symbol) else {
        return Some(()); // a market this feed did not subscribe to
    };
    let side = match side {
        "Buy" => Side::Buy,
        "Sell" => Side::Sell,
        _ => return None,
    };
    out.events.push(Event::Trade(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side,
        amount: parse_decimal(size)?,
        price: parse_decimal(price)?,
        id: Some(trade_id_from_text(id)),
        timestamp: millis_to_seconds(time),
        receipt_timestamp: context.receipt,
    }));
    Some(())
}
