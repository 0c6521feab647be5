//! The hot path of HTX `market.$symbol.trade.detail` pushes: the documented layout of the
//! decompressed text read without serde.
//!
//! Any surprise declines (`None`), and [`super::frame`]'s serde path reads the frame
//! instead, reporting whatever is wrong with it; so the fast path never changes what a frame
//! means, only how fast a well-formed one is read. `trade_fast_tests` checks that both paths
//! give the same events on the fuzz corpus and on generated frames.

use feed_core::types::millis_to_seconds;
use feed_core::Symbol;

use crate::adapter::FrameContext;
use crate::parse::fast::{
    buy_or_sell, flat_fields, number_text, string, trade_event, trade_id, whole_number,
    whole_or_declined,
};
use crate::parse::{JsonCursor, Scalar};
use crate::parsed::ParsedFrame;

/// The fields of a trade the serde path requires (each once), in this order.
const TRADE_KEYS: [&str; 5] = ["ts", "tradeId", "amount", "price", "direction"];

/// The trades of a trade detail push in the documented layout (several trades per tick):
///
/// ```json
/// {"ch":"market.btcusdt.trade.detail","ts":1630994963175,
///  "tick":{"id":137005445109,"ts":1630994963173,
///          "data":[{"id":137005445109359286410323766,"ts":1630994963173,
///                   "tradeId":102523573486,"amount":0.006754,"price":52648.62,
///                   "direction":"buy"}]}}
/// ```
///
/// The envelope exactly so (no whitespace, `ts` a whole number), of a subscribed market (a
/// push of another declines: the serde path skips it); `tick` an object whose keys may come
/// in any order: `data` once, any other (`id`, `ts`) a string, number or boolean; each
/// element of `data` a flat object (no whitespace, no escapes) whose keys may come in any
/// order: `ts` (milliseconds) a whole number, `tradeId` a plain whole number or a string,
/// `amount`/`price` numbers (or strings), `direction` `buy` or `sell`, each once; any other
/// key (the long `id`, ...) a string, number or boolean, not read.
///
/// `None` (and no event pushed) when the frame is not in this layout or a trade would not
/// normalize: the serde path then reads it.
pub(super) fn push_trades(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    let topic = frame.strip_prefix(r#"{"ch":"market."#)?;
    let (market, rest) = topic.split_once('.')?;
    let symbol = context.markets.symbol(market)?;
    let mut cursor = JsonCursor::new(rest.strip_prefix(r#"trade.detail","ts":"#)?);
    whole_or_declined(out, |out| {
        cursor.integer()?;
        cursor.expect(r#","tick":"#)?;
        let mut data = false;
        cursor.object(|key, cursor| {
            if key != "data" {
                return cursor.scalar().map(drop); // id, ts: not read
            }
            if std::mem::replace(&mut data, true) {
                return None; // a second `data`
            }
            cursor
                .array(|cursor| push_trade(flat_fields(cursor, TRADE_KEYS)?, symbol, context, out))
        })?;
        cursor.expect("}")?;
        (data && cursor.at_end()).then_some(())
    })
}

/// One trade's fields, in the order of [`TRADE_KEYS`], as the event of `symbol`.
fn push_trade(
    [ts, id, amount, price, direction]: [Option<Scalar<'_>>; 5],
    symbol: &Symbol,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    let side = buy_or_sell(string(direction)?)?;
    let (amount, price) = (number_text(amount)?, number_text(price)?);
    let (id, time) = (trade_id(id?)?, millis_to_seconds(whole_number(ts)?));
    out.events.push(trade_event(
        context,
        symbol,
        side,
        amount,
        price,
        Some(id),
        time,
    )?);
    Some(())
}
