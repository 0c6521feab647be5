//! The hot path of KuCoin `/market/match` messages: the documented layout read without
//! serde.
//!
//! Any surprise declines (`None`), and [`super::frame`]'s serde path reads the frame
//! instead, reporting whatever is wrong with it; so the fast path never changes what a frame
//! means, only how fast a well-formed one is read. `trade_fast_tests` checks that both paths
//! give the same events on the fuzz corpus and on generated frames.

use feed_core::types::nanos_to_seconds;

use crate::adapter::FrameContext;
use crate::parse::fast::{
    buy_or_sell, flat_fields, number_text, string, trade_event, whole_frame, whole_number,
};
use crate::parse::{trade_id_from_text, Scalar};
use crate::parsed::ParsedFrame;

/// The topic prefix of match messages (the symbol follows a `:`).
const MATCH: &str = "/market/match";

/// The trade of a match message in the documented layout:
///
/// ```json
/// {"type":"message","topic":"/market/match:BTC-USDT","subject":"trade.l3match",
///  "data":{"makerOrderId":"671b5007389355000701b1d3","price":"67523","sequence":"11067996",
///   "side":"buy","size":"0.003","symbol":"BTC-USDT","takerOrderId":"671b50161777ff00074c168d",
///   "time":"1729843222921000000","tradeId":"11067996","type":"match"}}
/// ```
///
/// The envelope exactly so (no whitespace), `type` before or after `topic` (KuCoin's
/// examples write both); `data` a flat object (no whitespace, no escapes) whose keys may
/// come in any order: `symbol`, `side`, `price` and `size` strings, `time` (nanoseconds)
/// and `tradeId` (where sent) strings or numbers, any other key (`makerOrderId`,
/// `sequence`, `type`, ...) a string, number or boolean, not read. A trade of a market not
/// subscribed is skipped, as the serde path does.
///
/// `None` (and no event pushed) when the frame is not in this layout or the trade would not
/// normalize (a side other than `buy`/`sell`, a size that is no exact decimal, ...): the
/// serde path then reads it.
pub(super) fn push_match(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    whole_frame(frame, out, |cursor, out| {
        let topic = if cursor.expect(r#"{"type":"message","topic":"#).is_some() {
            cursor.string()?
        } else {
            cursor.expect(r#"{"topic":"#)?;
            let topic = cursor.string()?;
            cursor.expect(r#","type":"message""#)?;
            topic
        };
        if topic.split_once(':').map_or(topic, |(prefix, _)| prefix) != MATCH {
            return None;
        }
        cursor.expect(r#","subject":"#)?;
        cursor.string()?;
        cursor.expect(r#","data":"#)?;
        let keys = ["symbol", "side", "price", "size", "time", "tradeId"];
        push_trade(flat_fields(cursor, keys)?, context, out)?;
        cursor.expect("}")
    })
}

fn push_trade(
    [symbol, side, price, size, time, id]: [Option<Scalar<'_>>; 6],
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    // The serde path requires these of every trade, even of one it then skips.
    let time = time?;
    let [Some(symbol), Some(side), Some(price), Some(size)] =
        [symbol, side, price, size].map(string)
    else {
        return None;
    };
    let Some(symbol) = context.markets.symbol(symbol) else {
        return Some(()); // a market this feed did not subscribe to
    };
    let side = buy_or_sell(side)?;
    let nanos = whole_number(Some(time))?;
    let id = match id {
        Some(id) => Some(trade_id_from_text(number_text(Some(id))?)),
        None => None,
    };
    let timestamp = nanos_to_seconds(nanos);
    out.events.push(trade_event(
        context, symbol, side, size, price, id, timestamp,
    )?);
    Some(())
}
