//! Upbit trades: the `trade` type <https://docs.upbit.com/kr/reference/websocket-trade>.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Side, Symbol, Trade};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, integer, malformed, trade_id};
use crate::parsed::ParsedFrame;

/// A trade (DEFAULT format), as documented:
///
/// ```json
/// {"type":"trade","code":"KRW-BTC","timestamp":1676965220452,"trade_date":"2023-02-21",
///  "trade_time":"07:40:20","trade_timestamp":1676965220395,"trade_price":32292000,
///  "trade_volume":0.03096742,"ask_bid":"BID","prev_closing_price":31883000.00000000,
///  "change":"RISE","change_price":409000.00000000,"sequential_id":1676965220395000,
///  "stream_type":"SNAPSHOT"}
/// ```
///
/// `ask_bid` is the taker's side (`ASK` a sell, `BID` a buy); `trade_timestamp` (ms) the
/// trade's time; `sequential_id` the unique trade id. A `SNAPSHOT` trade is a past one and
/// is skipped; `REALTIME` ones are delivered.
#[derive(Deserialize)]
struct WireTrade<'a> {
    #[serde(borrow)]
    trade_timestamp: &'a RawValue,
    #[serde(borrow)]
    trade_price: &'a RawValue,
    #[serde(borrow)]
    trade_volume: &'a RawValue,
    #[serde(borrow)]
    ask_bid: Cow<'a, str>,
    #[serde(borrow)]
    sequential_id: &'a RawValue,
    #[serde(borrow)]
    stream_type: Option<Cow<'a, str>>,
}

pub(super) fn push_trade(
    symbol: &Symbol,
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let trade: WireTrade<'_> = serde_json::from_str(frame).map_err(|e| malformed(&e))?;
    let side = match trade.ask_bid.as_ref() {
        "ASK" => Side::Sell,
        "BID" => Side::Buy,
        other => return Err(FrameError::Malformed(format!("ask_bid {other:?}"))),
    };
    let event = Event::Trade(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side,
        amount: decimal(trade.trade_volume.get().trim_matches('"'), "trade_volume")?,
        price: decimal(trade.trade_price.get().trim_matches('"'), "trade_price")?,
        id: Some(trade_id(trade.sequential_id, "sequential_id")?),
        timestamp: millis_to_seconds(integer(trade.trade_timestamp, "trade_timestamp")?),
        receipt_timestamp: context.receipt,
    });
    if trade.stream_type.as_deref() != Some("SNAPSHOT") {
        out.events.push(event);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use feed_core::TradeId;

    use super::*;
    use crate::exchanges::upbit::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_with;

    const DOCUMENTED: &str = r#"{"type":"trade","code":"KRW-BTC","timestamp":1676965220452,"trade_date":"2023-02-21","trade_time":"07:40:20","trade_timestamp":1676965220395,"trade_price":32292000,"trade_volume":0.03096742,"ask_bid":"BID","prev_closing_price":31883000.00000000,"change":"RISE","change_price":409000.00000000,"sequential_id":1676965220395000,"stream_type":"SNAPSHOT"}"#;

    #[test]
    fn documented_trade_normalizes_field_by_field_and_snapshots_are_skipped() {
        let markets = [Market::new("BTC", "KRW", "KRW-BTC")];
        assert!(
            parse_with(parse_frame, &markets, "UPBIT", "1", DOCUMENTED)
                .unwrap()
                .is_empty(),
            "a SNAPSHOT trade is a past trade"
        );
        let realtime = DOCUMENTED.replace("SNAPSHOT", "REALTIME");
        let trades = parse_with(parse_frame, &markets, "UPBIT", "1676965221", &realtime).unwrap();
        assert_eq!(trades.len(), 1);
        let trade = &trades[0];
        assert_eq!(trade.exchange.as_ref(), "UPBIT");
        assert_eq!(trade.symbol.as_str(), "BTC-KRW");
        assert_eq!(trade.side, Side::Buy);
        assert_eq!(trade.price.to_string(), "32292000");
        assert_eq!(trade.amount.to_string(), "0.03096742");
        assert_eq!(trade.id, Some(TradeId::Number(1_676_965_220_395_000)));
        assert_eq!(trade.timestamp.to_string(), "1676965220.395");
        assert_eq!(trade.receipt_timestamp.to_string(), "1676965221");
        let ask = realtime.replace(r#""ask_bid":"BID""#, r#""ask_bid":"ASK""#);
        assert_eq!(
            parse_with(parse_frame, &markets, "UPBIT", "1", &ask).unwrap()[0].side,
            Side::Sell
        );
        let bad = realtime.replace(r#""ask_bid":"BID""#, r#""ask_bid":"MID""#);
        assert!(parse_with(parse_frame, &markets, "UPBIT", "1", &bad).is_err());
    }
}
