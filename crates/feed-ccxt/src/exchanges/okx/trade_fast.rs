//! The hot path of OKX `trades` pushes: the documented layout read without serde.
//!
//! Any surprise declines (`None`), and [`super::frame`]'s serde path reads the frame
//! instead, reporting whatever is wrong with it; so the fast path never changes what a frame
//! means, only how fast a well-formed one is read. `trade_fast_tests` checks that both paths
//! give the same events on the fuzz corpus and on generated frames.

use feed_core::types::millis_to_seconds;
use feed_core::{Event, Trade};

use crate::adapter::FrameContext;
use crate::parse::fast::{buy_or_sell, text, whole_or_declined};
use crate::parse::{parse_decimal, trade_id_from_text, JsonCursor};
use crate::parsed::ParsedFrame;

/// The trades of a `trades` push in the documented layout:
///
/// ```json
/// {"arg":{"channel":"trades","instId":"BTC-USDT"},
///  "data":[{"instId":"BTC-USDT","tradeId":"130639474","px":"42219.9","sz":"0.12060306",
///           "side":"buy","ts":"1630048897897","count":"3","seqId":1234}]}
/// ```
///
/// The envelope exactly so (no whitespace, `arg` then `data`); each element of `data` a flat
/// object (no whitespace, no escapes) whose keys may come in any order: `instId`,
/// `tradeId`, `px`, `sz`, `side` and `ts` strings, any other key (`count`, `seqId`,
/// `source`, ...) a string, whole number or boolean, not read. Trades of markets not
/// subscribed are skipped, as the serde path does.
///
/// `None` (and no event pushed) when the frame is not in this layout or a trade would not
/// normalize (a side other than `buy`/`sell`, a price that is no exact decimal, ...): the
/// serde path then reads it.
pub(super) fn push_trades(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    whole_or_declined(out, |out| read_push(frame, context, out))
}

fn read_push(frame: &str, context: &FrameContext<'_>, out: &mut ParsedFrame) -> Option<()> {
    let mut cursor = JsonCursor::new(frame);
    cursor.expect(r#"{"arg":{"channel":"trades","instId":"#)?;
    cursor.string()?;
    cursor.expect(r#"},"data":"#)?;
    cursor.array(|cursor| push_trade(cursor, context, out))?;
    cursor.expect("}")?;
    cursor.at_end().then_some(())
}

/// The fields of one trade that are read, as sent.
#[derive(Default)]
struct TradeText<'a> {
    inst_id: Option<&'a str>,
    trade_id: Option<&'a str>,
    px: Option<&'a str>,
    sz: Option<&'a str>,
    side: Option<&'a str>,
    ts: Option<&'a str>,
}

fn push_trade(
    cursor: &mut JsonCursor<'_>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    let mut fields = TradeText::default();
    cursor.flat_object(|key, value| match key {
        "instId" => text(&mut fields.inst_id, value),
        "tradeId" => text(&mut fields.trade_id, value),
        "px" => text(&mut fields.px, value),
        "sz" => text(&mut fields.sz, value),
        "side" => text(&mut fields.side, value),
        "ts" => text(&mut fields.ts, value),
        _ => Some(()), // count, seqId, source, ...: not needed
    })?;
    let Some(symbol) = context.markets.symbol(fields.inst_id?) else {
        return Some(()); // a market this feed did not subscribe to
    };
    let side = buy_or_sell(fields.side?)?;
    let amount = parse_decimal(fields.sz?)?;
    let price = parse_decimal(fields.px?)?;
    let id = trade_id_from_text(fields.trade_id?);
    let time = fields.ts?.parse::<i64>().ok()?;
    out.events.push(Event::Trade(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side,
        amount,
        price,
        id: Some(id),
        timestamp: millis_to_seconds(time),
        receipt_timestamp: context.receipt,
    }));
    Some(())
}
