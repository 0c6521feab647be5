//! The hot path of Bitfinex `te` (trade executed) messages: the documented layout read
//! without serde.
//!
//! Any surprise declines (`None`), and the serde path ([`super::frame`]) reads the frame
//! instead, reporting whatever is wrong with it; so the fast path never changes what a frame
//! means, only how fast a well-formed one is read. `trade_fast_tests` checks that both paths
//! give the same events on the fuzz corpus and on generated frames.

use feed_core::types::millis_to_seconds;
use feed_core::{Channel, Event, Side, Trade};

use super::state::{feed_of, State};
use crate::adapter::FrameContext;
use crate::parse::fast::{number_text, trade_id, whole_number, whole_or_declined};
use crate::parse::{parse_decimal, JsonCursor};
use crate::parsed::ParsedFrame;

/// The trade of a `te` message in the documented layout, with or without the `TIMESTAMP`
/// flag's time appended:
///
/// ```json
/// [17470,"te",[401597395,1574694478808,0.005,7245.3],1574694478809]
/// ```
///
/// Exactly so (no whitespace): the `chanId` a whole number, then `"te"`, then
/// `[ID, MTS, AMOUNT, PRICE]`: `ID` a plain whole number or a string, `MTS` (ms) a whole
/// number or a numeric string, `AMOUNT` and `PRICE` numbers or strings read as written; a
/// positive `AMOUNT` is a buy (the taker bought), a negative one a sell, its absolute value
/// the amount. The appended time, when sent, a whole number (not read, as on the serde
/// path). A `chanId` this connection does not know, or whose symbol the feed did not
/// subscribe to, is skipped, as the serde path does; one of a book or ticker channel
/// declines.
///
/// `None` (and no event pushed) when the frame is not in this layout or the trade would not
/// normalize: the serde path then reads it.
pub(super) fn push_trade(
    state: &State,
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    whole_or_declined(out, |out| read_te(state, frame, context, out))
}

fn read_te(
    state: &State,
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    let mut cursor = JsonCursor::new(frame);
    cursor.expect("[")?;
    let chan_id = cursor.integer()?.parse::<u64>().ok()?;
    cursor.expect(r#","te",["#)?;
    let id = cursor.scalar()?;
    cursor.expect(",")?;
    let time = cursor.scalar()?;
    cursor.expect(",")?;
    let amount = cursor.scalar()?;
    cursor.expect(",")?;
    let price = cursor.scalar()?;
    cursor.expect("]")?;
    if cursor.expect(",").is_some() {
        cursor.integer()?; // the TIMESTAMP flag's time
    }
    cursor.expect("]")?;
    if !cursor.at_end() {
        return None;
    }
    // The channel's symbol, resolved under the lock (no copy of its name).
    let Some(trades) = state.with(feed_of(context), chan_id, |info| {
        (info.channel == Channel::Trades).then(|| context.markets.symbol(&info.symbol))
    }) else {
        return Some(()); // a channel not (or no longer) subscribed on this connection
    };
    let Some(symbol) = trades? else {
        return Some(()); // a symbol this feed did not subscribe to
    };
    let amount = parse_decimal(number_text(Some(amount))?)?;
    let side = if amount.is_sign_negative() {
        Side::Sell
    } else {
        Side::Buy
    };
    let price = parse_decimal(number_text(Some(price))?)?;
    let id = trade_id(id)?;
    let time = whole_number(Some(time))?;
    out.events.push(Event::Trade(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side,
        amount: amount.abs(),
        price,
        id: Some(id),
        timestamp: millis_to_seconds(time),
        receipt_timestamp: context.receipt,
    }));
    Some(())
}
