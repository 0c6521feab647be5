//! The hot path of Deribit `trades.{instrument_name}.{interval}` notifications: the
//! documented layout read without serde.
//!
//! Any surprise declines (`None`), and [`super::frame`]'s serde path reads the frame
//! instead, reporting whatever is wrong with it; so the fast path never changes what a frame
//! means, only how fast a well-formed one is read. `trade_fast_tests` checks that both paths
//! give the same events on the fuzz corpus and on generated frames.

use feed_core::types::millis_to_seconds;

use crate::adapter::FrameContext;
use crate::parse::fast::{
    buy_or_sell, flat_fields, number_text, string, trade_event, trade_id, whole_number,
    whole_or_declined,
};
use crate::parse::{JsonCursor, Scalar};
use crate::parsed::ParsedFrame;

/// The fields of a trade the serde path requires (of every trade, even one it then skips),
/// in this order.
const TRADE_KEYS: [&str; 6] = [
    "instrument_name",
    "direction",
    "amount",
    "price",
    "trade_id",
    "timestamp",
];

/// The trades of a `trades.*` notification in the documented layout:
///
/// ```json
/// {"jsonrpc":"2.0","method":"subscription","params":{"channel":"trades.BTC-PERPETUAL.100ms",
///  "data":[{"trade_seq":30289432,"trade_id":"48079254","timestamp":1590484156350,
///   "tick_direction":0,"price":8950.0,"mark_price":8948.9,"instrument_name":"BTC-PERPETUAL",
///   "index_price":8955.88,"direction":"sell","amount":10.0}]}}
/// ```
///
/// The envelope exactly so (no whitespace; the channel `trades.<instrument>.<interval>`);
/// each element of `data` a flat object (no whitespace, no escapes) whose keys may come in
/// any order: `instrument_name` and `direction` strings, `price` and `amount` numbers (or
/// strings), `trade_id` a string or a plain whole number, `timestamp` (milliseconds) a
/// whole number, each once; any other key (`trade_seq`, `tick_direction`, `mark_price`,
/// `index_price`, `iv`, `liquidation`, `block_trade_id`, ...) a string, number or boolean,
/// not read. Trades of instruments not subscribed are skipped, as the serde path does.
///
/// `None` (and no event pushed) when the frame is not in this layout or a trade would not
/// normalize (a direction other than `buy`/`sell`, a price that is no exact decimal, ...):
/// the serde path then reads it.
pub(super) fn push_trades(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    let rest = frame.strip_prefix(ENVELOPE)?;
    let mut cursor = JsonCursor::new(rest);
    whole_or_declined(out, |out| {
        let channel = cursor.string()?.strip_prefix("trades.")?;
        if channel.split('.').count() != 2 {
            return None; // not `trades.<instrument>.<interval>`: the serde path decides
        }
        cursor.expect(r#","data":"#)?;
        cursor.array(|cursor| push_trade(flat_fields(cursor, TRADE_KEYS)?, context, out))?;
        cursor.expect("}}")?;
        cursor.at_end().then_some(())
    })
}

/// A notification up to its channel's value.
const ENVELOPE: &str = r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"#;

/// One trade's fields, in the order of [`TRADE_KEYS`]: its event pushed, or nothing for an
/// instrument not subscribed.
fn push_trade(
    [instrument, direction, amount, price, id, time]: [Option<Scalar<'_>>; 6],
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    // The serde path requires every field, and the two names as strings, even of a trade
    // it then skips.
    let (instrument, direction) = (string(instrument)?, string(direction)?);
    let (amount, price, id, time) = (amount?, price?, id?, time?);
    let Some(symbol) = context.markets.symbol(instrument) else {
        return Some(()); // an instrument this feed did not subscribe to
    };
    let side = buy_or_sell(direction)?;
    let timestamp = millis_to_seconds(whole_number(Some(time))?);
    let event = trade_event(
        context,
        symbol,
        side,
        number_text(Some(amount))?,
        number_text(Some(price))?,
        Some(trade_id(id)?),
        timestamp,
    )?;
    out.events.push(event);
    Some(())
}
