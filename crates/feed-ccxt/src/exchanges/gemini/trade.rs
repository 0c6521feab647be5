//! Gemini trades: `trade` messages of the `l2` subscription
//! <https://docs.gemini.com/websocket/market-data/v2/level-2-data>.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Side, Symbol, Trade};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, integer, malformed, trade_id};
use crate::parsed::ParsedFrame;

/// A trade, as documented:
///
/// ```json
/// {"type":"trade","symbol":"BTCUSD","event_id":3575573053,"timestamp":151231241,
///  "price":"9004.21000000","quantity":"0.09110000","side":"buy","tid":2840140800042677}
/// ```
///
/// `side` is the taker's; `timestamp` in ms; `tid` the trade id (`event_id` names the
/// exchange event, not the trade).
#[derive(Deserialize)]
struct WireTrade<'a> {
    #[serde(borrow)]
    timestamp: &'a RawValue,
    #[serde(borrow)]
    price: Cow<'a, str>,
    #[serde(borrow)]
    quantity: Cow<'a, str>,
    #[serde(borrow)]
    side: Cow<'a, str>,
    #[serde(borrow)]
    tid: &'a RawValue,
}

/// The trade of a `trade` message.
pub(super) fn push_trade(
    symbol: &Symbol,
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let trade: WireTrade<'_> = serde_json::from_str(frame).map_err(|e| malformed(&e))?;
    let side = match trade.side.as_ref() {
        "buy" => Side::Buy,
        "sell" => Side::Sell,
        other => return Err(FrameError::Malformed(format!("side {other:?}"))),
    };
    out.events.push(Event::Trade(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side,
        amount: decimal(&trade.quantity, "quantity")?,
        price: decimal(&trade.price, "price")?,
        id: Some(trade_id(trade.tid, "tid")?),
        timestamp: millis_to_seconds(integer(trade.timestamp, "timestamp")?),
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use feed_core::TradeId;

    use super::*;
    use crate::exchanges::gemini::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_with;

    const DOCUMENTED: &str = r#"{"type":"trade","symbol":"BTCUSD","event_id":3575573053,"timestamp":151231241,"price":"9004.21000000","quantity":"0.09110000","side":"buy","tid":2840140800042677}"#;

    #[test]
    fn documented_trade_normalizes_field_by_field() {
        let markets = [Market::new("BTC", "USD", "BTCUSD")];
        let trades = parse_with(parse_frame, &markets, "GEMINI", "151232", DOCUMENTED).unwrap();
        assert_eq!(trades.len(), 1);
        let trade = &trades[0];
        assert_eq!(trade.exchange.as_ref(), "GEMINI");
        assert_eq!(trade.symbol.as_str(), "BTC-USD");
        assert_eq!(trade.side, Side::Buy);
        assert_eq!(trade.price.to_string(), "9004.21000000");
        assert_eq!(trade.amount.to_string(), "0.09110000");
        assert_eq!(trade.id, Some(TradeId::Number(2_840_140_800_042_677)));
        assert_eq!(trade.timestamp.to_string(), "151231.241");
        assert_eq!(trade.receipt_timestamp.to_string(), "151232");
        let sell = DOCUMENTED.replace(r#""side":"buy""#, r#""side":"sell""#);
        assert_eq!(
            parse_with(parse_frame, &markets, "GEMINI", "1", &sell).unwrap()[0].side,
            Side::Sell
        );
        let bad = DOCUMENTED.replace(r#""side":"buy""#, r#""side":"auction""#);
        assert!(parse_with(parse_frame, &markets, "GEMINI", "1", &bad).is_err());
        let other = DOCUMENTED.replace("BTCUSD", "ETHUSD");
        assert!(parse_with(parse_frame, &markets, "GEMINI", "1", &other)
            .unwrap()
            .is_empty());
    }
}
