//! HTX trades: `market.$symbol.trade.detail`
//! <https://huobiapi.github.io/docs/spot/v1/en/#trade-detail>.

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Side, Symbol, Trade};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, integer, malformed, trade_id};
use crate::parsed::ParsedFrame;

/// The `tick` of a trade detail push, as documented (several trades per tick):
///
/// ```json
/// {"ch":"market.btcusdt.trade.detail","ts":1630994963175,
///  "tick":{"id":137005445109,"ts":1630994963173,
///          "data":[{"id":137005445109359286410323766,"ts":1630994963173,
///                   "tradeId":102523573486,"amount":0.006754,"price":52648.62,
///                   "direction":"buy"}]}}
/// ```
///
/// `direction` is the taker's side; `ts` the trade time in ms; `tradeId` the unique trade
/// id (the long `id` is not used); `amount`/`price` JSON numbers read from their text.
#[derive(Deserialize)]
struct Tick<'a> {
    #[serde(borrow)]
    data: Vec<TradeDetail<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TradeDetail<'a> {
    #[serde(borrow)]
    ts: &'a RawValue,
    #[serde(borrow)]
    trade_id: &'a RawValue,
    #[serde(borrow)]
    amount: &'a RawValue,
    #[serde(borrow)]
    price: &'a RawValue,
    #[serde(borrow)]
    direction: std::borrow::Cow<'a, str>,
}

/// Every trade of a tick, or none when one is malformed.
pub(super) fn push_trades(
    symbol: &Symbol,
    tick: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let tick: Tick<'_> = serde_json::from_str(tick.get()).map_err(|e| malformed(&e))?;
    let mut trades = Vec::with_capacity(tick.data.len());
    for detail in &tick.data {
        let side = match detail.direction.as_ref() {
            "buy" => Side::Buy,
            "sell" => Side::Sell,
            other => return Err(FrameError::Malformed(format!("direction {other:?}"))),
        };
        trades.push(Event::Trade(Trade {
            exchange: context.exchange.clone(),
            symbol: symbol.clone(),
            side,
            amount: decimal(detail.amount.get().trim_matches('"'), "amount")?,
            price: decimal(detail.price.get().trim_matches('"'), "price")?,
            id: Some(trade_id(detail.trade_id, "tradeId")?),
            timestamp: millis_to_seconds(integer(detail.ts, "ts")?),
            receipt_timestamp: context.receipt,
        }));
    }
    out.events.extend(trades);
    Ok(())
}

#[cfg(test)]
mod tests {
    use feed_core::TradeId;

    use super::*;
    use crate::exchanges::htx::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_with;

    const DOCUMENTED: &str = r#"{"ch":"market.btcusdt.trade.detail","ts":1630994963175,"tick":{"id":137005445109,"ts":1630994963173,"data":[{"id":137005445109359286410323766,"ts":1630994963173,"tradeId":102523573486,"amount":0.006754,"price":52648.62,"direction":"buy"}]}}"#;

    #[test]
    fn documented_trade_detail_normalizes_field_by_field() {
        let markets = [Market::new("BTC", "USDT", "btcusdt")];
        let trades = parse_with(parse_frame, &markets, "HTX", "1630994964", DOCUMENTED).unwrap();
        assert_eq!(trades.len(), 1);
        let trade = &trades[0];
        assert_eq!(trade.exchange.as_ref(), "HTX");
        assert_eq!(trade.symbol.as_str(), "BTC-USDT");
        assert_eq!(trade.side, Side::Buy);
        assert_eq!(trade.amount.to_string(), "0.006754");
        assert_eq!(trade.price.to_string(), "52648.62");
        assert_eq!(trade.id, Some(TradeId::Number(102_523_573_486)));
        assert_eq!(trade.timestamp.to_string(), "1630994963.173");
        let two = DOCUMENTED.replace(
            r#""direction":"buy"}]"#,
            r#""direction":"buy"},{"id":1,"ts":1630994963174,"tradeId":102523573487,"amount":1e-5,"price":52648.6,"direction":"sell"}]"#,
        );
        let trades = parse_with(parse_frame, &markets, "HTX", "1", &two).unwrap();
        assert_eq!(trades.len(), 2);
        assert_eq!(trades[1].side, Side::Sell);
        assert_eq!(trades[1].amount.to_string(), "0.00001");
        let bad = two.replace(r#""direction":"sell""#, r#""direction":"up""#);
        assert!(parse_with(parse_frame, &markets, "HTX", "1", &bad).is_err());
    }
}
