//! TICKER: the `ticker` channel (best bid and ask with their sizes).

use feed_core::runtime::FrameError;
use feed_core::{Event, Symbol, Ticker};
use rust_decimal::Decimal;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, malformed, scalar_text};
use crate::parsed::ParsedFrame;

/// A ticker message of a trading pair, as documented (with the `TIMESTAMP` flag's time
/// appended):
///
/// ```json
/// [2,[10645,73.93854271,10647,75.22266119,731.60645389,0.0738,10644.00645389,14480.89849423,10766,9889.1449809],1574694478808]
/// ```
///
/// `[BID, BID_SIZE, ASK, ASK_SIZE, DAILY_CHANGE, DAILY_CHANGE_RELATIVE, LAST_PRICE,
/// VOLUME, HIGH, LOW]`: the best bid and ask with their sizes come first.
pub(super) fn push_ticker(
    values: &RawValue,
    timestamp: Option<Decimal>,
    symbol: &Symbol,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let fields: Vec<&RawValue> =
        serde_json::from_str(values.get()).map_err(|error| malformed(&error))?;
    let [bid, bid_size, ask, ask_size, ..] = fields[..] else {
        return Err(FrameError::Malformed(
            "a ticker without BID, BID_SIZE, ASK, ASK_SIZE".into(),
        ));
    };
    let number = |raw: &RawValue, field: &str| -> Result<Decimal, FrameError> {
        decimal(&scalar_text(raw, field)?, field)
    };
    out.events.push(Event::Ticker(Ticker {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        bid: number(bid, "BID")?,
        bid_size: Some(number(bid_size, "BID_SIZE")?),
        ask: number(ask, "ASK")?,
        ask_size: Some(number(ask_size, "ASK_SIZE")?),
        timestamp,
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}
