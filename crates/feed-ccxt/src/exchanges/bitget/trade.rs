//! TRADES: the `trade` channel.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Side, Symbol, Trade};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, each_or_none, integer, malformed, trade_id};
use crate::parsed::ParsedFrame;

/// One element of a `trade` push's `data`, as documented:
///
/// ```json
/// {"action":"snapshot","arg":{"instType":"SPOT","channel":"trade","instId":"BTCUSDT"},
///  "data":[{"ts":"1695716760565","price":"27000.5","size":"0.001","side":"buy","tradeId":"1111111111"},
///          {"ts":"1695716759514","price":"27000.0","size":"0.001","side":"sell","tradeId":"1111111111"}],
///  "ts":1695716761589}
/// ```
///
/// `side` is the taker's, `size` in the base coin, `ts` the fill time in ms as a string.
/// The first push after subscribing is `snapshot` (recent trades, already past): skipped;
/// `update` pushes are delivered, several trades each.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BitgetTrade<'a> {
    #[serde(borrow)]
    ts: &'a RawValue,
    #[serde(borrow)]
    price: Cow<'a, str>,
    #[serde(borrow)]
    size: Cow<'a, str>,
    #[serde(borrow)]
    side: Cow<'a, str>,
    #[serde(borrow)]
    trade_id: Option<&'a RawValue>,
}

fn push_trade(
    trade: &BitgetTrade<'_>,
    symbol: &Symbol,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let side = match trade.side.as_ref() {
        "buy" => Side::Buy,
        "sell" => Side::Sell,
        other => {
            return Err(FrameError::Malformed(format!(
                "side is neither buy nor sell: {other:?}"
            )))
        }
    };
    out.events.push(Event::Trade(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side,
        amount: decimal(&trade.size, "size")?,
        price: decimal(&trade.price, "price")?,
        id: trade
            .trade_id
            .map(|raw| trade_id(raw, "tradeId"))
            .transpose()?,
        timestamp: millis_to_seconds(integer(trade.ts, "ts")?),
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}

/// Every trade of an `update` push of a listed market (`inst_id` from the push's `arg`), or
/// none when one is malformed; `snapshot` pushes are checked and skipped.
pub(super) fn push_trades(
    action: &str,
    inst_id: &str,
    data: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let trades: Vec<BitgetTrade<'_>> =
        serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    if action == "snapshot" {
        return Ok(());
    }
    let Some(symbol) = context.markets.symbol(inst_id) else {
        return Ok(());
    };
    each_or_none(&trades, out, |trade, out| {
        push_trade(trade, symbol, context, out)
    })
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use feed_core::TradeId;
    use rust_decimal::Decimal;

    use super::*;
    use crate::exchanges::bitget::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_with;

    const DOCUMENTED: &str = r#"{"action":"snapshot","arg":{"instType":"SPOT","channel":"trade","instId":"BTCUSDT"},"data":[{"ts":"1695716760565","price":"27000.5","size":"0.001","side":"buy","tradeId":"1111111111"},{"ts":"1695716759514","price":"27000.0","size":"0.001","side":"sell","tradeId":"1111111111"}],"ts":1695716761589}"#;

    fn parse(frame: &str) -> Result<Vec<Trade>, FrameError> {
        let markets = [Market::new("BTC", "USDT", "BTCUSDT")];
        parse_with(parse_frame, &markets, "BITGET", "1695716761.6", frame)
    }

    #[test]
    fn the_documented_snapshot_is_skipped_and_its_update_read_field_by_field() {
        assert!(parse(DOCUMENTED).unwrap().is_empty(), "past trades");
        let update = DOCUMENTED.replace(r#""action":"snapshot""#, r#""action":"update""#);
        let trades = parse(&update).unwrap();
        assert_eq!(
            trades[0],
            Trade {
                exchange: "BITGET".into(),
                symbol: Symbol::parse("BTC-USDT").unwrap(),
                side: Side::Buy,
                amount: Decimal::from_str("0.001").unwrap(),
                price: Decimal::from_str("27000.5").unwrap(),
                id: Some(TradeId::Number(1_111_111_111)),
                timestamp: Decimal::from_str("1695716760.565").unwrap(),
                receipt_timestamp: Decimal::from_str("1695716761.6").unwrap(),
            }
        );
        assert_eq!(trades.len(), 2);
        assert_eq!(trades[1].side, Side::Sell);
        assert_eq!(trades[1].price.to_string(), "27000.0");
        assert!(parse(&update.replace("BTCUSDT", "ETHUSDT"))
            .unwrap()
            .is_empty());
        for bad in [
            update.replace(r#""side":"sell""#, r#""side":"x""#),
            update.replace(r#""price":"27000.0""#, r#""price":"x""#),
            DOCUMENTED
                .replace(r#""ts":"1695716759514""#, r#""ts":"soon""#)
                .replace("snapshot", "update"),
        ] {
            assert!(
                matches!(parse(&bad), Err(FrameError::Malformed(_))),
                "{bad}"
            );
        }
    }
}
