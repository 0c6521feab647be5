//! The hot path of Kraken WebSocket v2 `trade` updates: the documented layout read without
//! serde.
//!
//! Any surprise declines (`None`), and [`super::frame`]'s serde path reads the frame
//! instead, reporting whatever is wrong with it; so the fast path never changes what a frame
//! means, only how fast a well-formed one is read. `trade_fast_tests` checks that both paths
//! give the same events on the fuzz corpus and on generated frames.

use feed_core::{Event, Trade};

use crate::adapter::FrameContext;
use crate::parse::fast::{scalar, side_any_case, text, trade_id, whole_or_declined};
use crate::parse::{parse_decimal, rfc3339_to_seconds, JsonCursor, Scalar};
use crate::parsed::ParsedFrame;

/// The trades of a `trade` update in the documented layout:
///
/// ```json
/// {"channel":"trade","type":"update","data":[
///   {"symbol":"MATIC/USD","side":"buy","price":0.5147,"qty":6423.46326,"ord_type":"limit",
///    "trade_id":4665846,"timestamp":"2023-09-25T07:48:36.925533Z"}]}
/// ```
///
/// The envelope exactly so (no whitespace; snapshots, which the serde path skips, decline);
/// each element of `data` a flat object (no whitespace, no escapes) whose keys may come in
/// any order: `symbol`, `side` and `timestamp` strings, `price` and `qty` numbers or
/// strings, `trade_id` (optional) a plain whole number or a string, any other key
/// (`ord_type`, ...) a string, number or boolean, not read. Trades of markets not
/// subscribed are skipped, as the serde path does.
///
/// `None` (and no event pushed) when the frame is not in this layout or a trade would not
/// normalize: the serde path then reads it.
pub(super) fn push_trades(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    whole_or_declined(out, |out| read_update(frame, context, out))
}

fn read_update(frame: &str, context: &FrameContext<'_>, out: &mut ParsedFrame) -> Option<()> {
    let mut cursor = JsonCursor::new(frame);
    cursor.expect(r#"{"channel":"trade","type":"update","data":"#)?;
    cursor.array(|cursor| push_trade(cursor, context, out))?;
    cursor.expect("}")?;
    cursor.at_end().then_some(())
}

/// The fields of one trade that are read, as sent.
#[derive(Default)]
struct TradeText<'a> {
    symbol: Option<&'a str>,
    side: Option<&'a str>,
    price: Option<&'a str>,
    qty: Option<&'a str>,
    trade_id: Option<Scalar<'a>>,
    timestamp: Option<&'a str>,
}

/// Fills an empty slot with a number or a string, as written.
fn number<'a>(slot: &mut Option<&'a str>, value: Scalar<'a>) -> Option<()> {
    match (&slot, value) {
        (None, Scalar::Text(text) | Scalar::Integer(text) | Scalar::Number(text)) => {
            *slot = Some(text);
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
        "symbol" => text(&mut fields.symbol, value),
        "side" => text(&mut fields.side, value),
        "price" => number(&mut fields.price, value),
        "qty" => number(&mut fields.qty, value),
        "timestamp" => text(&mut fields.timestamp, value),
        "trade_id" => scalar(&mut fields.trade_id, value),
        _ => Some(()), // ord_type, ...: not needed
    })?;
    // The serde path requires these, even of a trade it then skips.
    let (symbol, side, price, qty, timestamp) = (
        fields.symbol?,
        fields.side?,
        fields.price?,
        fields.qty?,
        fields.timestamp?,
    );
    let Some(symbol) = context.markets.symbol(symbol) else {
        return Some(()); // a market this feed did not subscribe to
    };
    let side = side_any_case(side)?;
    let timestamp = rfc3339_to_seconds(timestamp)?;
    let amount = parse_decimal(qty)?;
    let price = parse_decimal(price)?;
    let id = match fields.trade_id {
        Some(value) => Some(trade_id(value)?),
        None => None,
    };
    out.events.push(Event::Trade(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side,
        amount,
        price,
        id,
        timestamp,
        receipt_timestamp: context.receipt,
    }));
    Some(())
}
