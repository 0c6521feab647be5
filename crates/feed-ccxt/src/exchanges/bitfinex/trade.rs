//! TRADES: the `trades` channel's `te` (trade executed) messages.

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Side, Symbol, Trade};
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, integer, malformed, scalar_text, trade_id};
use crate::parsed::ParsedFrame;

/// A `te` message's trade, as documented:
///
/// ```json
/// [17470,"te",[401597395,1574694478808,0.005,7245.3]]
/// ```
///
/// `[ID, MTS, AMOUNT, PRICE]`: a positive `AMOUNT` is a buy (the taker bought), a negative
/// one a sell; `MTS` the time in ms. (The snapshot of past trades after subscribing and
/// the `tu` repeats are not delivered.)
pub(super) fn push_trade(
    trade: &RawValue,
    symbol: &Symbol,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let fields: Vec<&RawValue> =
        serde_json::from_str(trade.get()).map_err(|error| malformed(&error))?;
    let [id, time, amount, price, ..] = fields[..] else {
        return Err(FrameError::Malformed(
            "a trade that is not [ID, MTS, AMOUNT, PRICE]".into(),
        ));
    };
    let amount = decimal(&scalar_text(amount, "AMOUNT")?, "AMOUNT")?;
    let side = if amount.is_sign_negative() {
        Side::Sell
    } else {
        Side::Buy
    };
    out.events.push(Event::Trade(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side,
        amount: amount.abs(),
        price: decimal(&scalar_text(price, "PRICE")?, "PRICE")?,
        id: Some(trade_id(id, "ID")?),
        timestamp: millis_to_seconds(integer(time, "MTS")?),
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}
