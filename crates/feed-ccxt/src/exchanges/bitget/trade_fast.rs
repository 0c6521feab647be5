//! The hot path of Bitget `trade` pushes: the documented layout read without serde.
//!
//! Any surprise declines (`None`), and [`super::frame`]'s serde path reads the frame
//! instead, reporting whatever is wrong with it; so the fast path never changes what a frame
//! means, only how fast a well-formed one is read. `trade_fast_tests` checks that both paths
//! give the same events on the fuzz corpus and on generated frames.

use feed_core::types::millis_to_seconds;
use feed_core::Symbol;

use crate::adapter::FrameContext;
use crate::parse::fast::{
    buy_or_sell, flat_fields, string, trade_event, trade_id, whole_frame, whole_number,
};
use crate::parse::Scalar;
use crate::parsed::ParsedFrame;

/// The trades of a `trade` push of `update` action in the documented layout:
///
/// ```json
/// {"action":"update","arg":{"instType":"SPOT","channel":"trade","instId":"BTCUSDT"},
///  "data":[{"ts":"1695716760565","price":"27000.5","size":"0.001","side":"buy","tradeId":"1111111111"},
///          {"ts":"1695716759514","price":"27000.0","size":"0.001","side":"sell","tradeId":"1111111112"}],
///  "ts":1695716761589}
/// ```
///
/// The envelope exactly so (no whitespace; the `snapshot` push after subscribing, which
/// the serde path checks and skips, declines); each element of `data` a flat object (no
/// whitespace, no escapes) whose keys may come in any order: `price`, `size` and `side`
/// strings, `ts` a string or number of milliseconds, `tradeId` (where sent) a string or
/// plain whole number, any other key a string, number or boolean, not read. The trades of
/// a market not subscribed are read and skipped, as the serde path does.
///
/// `None` (and no event pushed) when the frame is not in this layout or a trade would not
/// normalize (a side other than `buy`/`sell`, a size that is no exact decimal, ...): the
/// serde path then reads it.
pub(super) fn push_update(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    whole_frame(frame, out, |cursor, out| {
        cursor.expect(r#"{"action":"update","arg":{"instType":"#)?;
        cursor.string()?;
        cursor.expect(r#","channel":"trade","instId":"#)?;
        let symbol = context.markets.symbol(cursor.string()?);
        cursor.expect(r#"},"data":"#)?;
        cursor.array(|cursor| {
            let fields = flat_fields(cursor, ["ts", "price", "size", "side", "tradeId"])?;
            push_trade(fields, symbol, context, out)
        })?;
        cursor.expect(r#","ts":"#)?;
        cursor.integer()?;
        cursor.expect("}")
    })
}

/// One trade of the push's market (`None`: not subscribed, the trade is read and skipped).
fn push_trade(
    [ts, price, size, side, id]: [Option<Scalar<'_>>; 5],
    symbol: Option<&Symbol>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    // The serde path requires these of every trade, even of a push it then skips.
    let ts = ts?;
    let [Some(price), Some(size), Some(side)] = [price, size, side].map(string) else {
        return None;
    };
    let Some(symbol) = symbol else {
        return Some(()); // a market this feed did not subscribe to
    };
    let side = buy_or_sell(side)?;
    let id = match id {
        Some(id) => Some(trade_id(id)?),
        None => None,
    };
    let time = whole_number(Some(ts))?;
    let timestamp = millis_to_seconds(time);
    out.events.push(trade_event(
        context, symbol, side, size, price, id, timestamp,
    )?);
    Some(())
}
