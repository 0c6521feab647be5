//! The hot path of Coinbase `market_trades` messages: the documented layout read without
//! serde.
//!
//! Any surprise declines (`None`), and the serde path ([`super::frame`]) reads the frame
//! instead, reporting whatever is wrong with it; so the fast path never changes what a frame
//! means, only how fast a well-formed one is read. `trade_fast_tests` checks that both paths
//! give the same events (and the same `sequence_num`) on the fuzz corpus and on generated
//! frames.

use feed_core::Side;

use crate::adapter::FrameContext;
use crate::parse::fast::{
    flat_fields, side_any_case, string, trade_event, trade_id, whole_or_declined,
};
use crate::parse::{rfc3339_to_seconds, JsonCursor};
use crate::parsed::ParsedFrame;

/// The trades of a `market_trades` message of `update` events in the documented layout:
///
/// ```json
/// {"channel":"market_trades","client_id":"","timestamp":"2023-02-09T20:19:35.39625135Z",
///  "sequence_num":0,
///  "events":[{"type":"update","trades":[{"trade_id":"000000000","product_id":"ETH-USD",
///             "price":"1260.01","size":"0.3","side":"BUY","time":"2019-08-14T20:42:27.265Z"}]}]}
/// ```
///
/// The envelope exactly so (no whitespace; `client_id` and `timestamp` any string without
/// escapes, not read; `sequence_num` a whole number that fits a `u64`, handed to the session
/// as the serde path does); each event exactly `{"type":"update","trades":[...]}` (a
/// `snapshot`, which the serde path skips, declines); each trade a flat object (no
/// whitespace, no escapes) whose keys may come in any order: `product_id`, `price`, `size`,
/// `side` and `time` strings, `trade_id` a string or a plain whole number, any other key a
/// string, number or boolean, not read. `side` is the maker's (see `trade.rs`): `BUY` is a
/// taker sell, `SELL` a taker buy, in any letter case as the serde path reads it. Trades of
/// products not subscribed are skipped, as the serde path does.
///
/// `None` (and no event pushed, no sequence set) when the frame is not in this layout or a
/// trade would not normalize (another side, a price that is no exact decimal, a time that
/// is no RFC 3339 UTC time, ...): the serde path then reads it.
pub(super) fn push_trades(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    whole_or_declined(out, |out| {
        let mut cursor = JsonCursor::new(frame);
        cursor.expect(r#"{"channel":"market_trades","client_id":"#)?;
        cursor.string()?;
        cursor.expect(r#","timestamp":"#)?;
        cursor.string()?;
        cursor.expect(r#","sequence_num":"#)?;
        let sequence = cursor.integer()?.parse::<u64>().ok()?;
        cursor.expect(r#","events":"#)?;
        cursor.array(|cursor| {
            cursor.expect(r#"{"type":"update","trades":"#)?;
            cursor.array(|cursor| push_trade(cursor, context, out))?;
            cursor.expect("}")
        })?;
        cursor.expect("}")?;
        if !cursor.at_end() {
            return None;
        }
        out.sequence = Some(sequence);
        Some(())
    })
}

/// The keys of a trade that are read, in the order [`flat_fields`] gives their values.
const TRADE_KEYS: [&str; 6] = ["trade_id", "product_id", "price", "size", "side", "time"];

fn push_trade(
    cursor: &mut JsonCursor<'_>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    let [id, product_id, price, size, side, time] = flat_fields(cursor, TRADE_KEYS)?;
    // The serde path requires all of them (all strings but the id), even of a trade it
    // then skips.
    let id = id?;
    let [Some(product_id), Some(price), Some(size), Some(side), Some(time)] =
        [product_id, price, size, side, time].map(string)
    else {
        return None;
    };
    let Some(symbol) = context.markets.symbol(product_id) else {
        return Some(()); // a product this feed did not subscribe to
    };
    // The wire's side is the maker's: the taker is on the other side.
    let side = match side_any_case(side)? {
        Side::Buy => Side::Sell,
        Side::Sell => Side::Buy,
    };
    let timestamp = rfc3339_to_seconds(time)?;
    let id = trade_id(id)?;
    out.events.push(trade_event(
        context,
        symbol,
        side,
        size,
        price,
        Some(id),
        timestamp,
    )?);
    Some(())
}
