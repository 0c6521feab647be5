//! TRADES: the `spot.trades` channel.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::{Side, Trade};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, integer, malformed, parse_decimal, scalar_text, trade_id};
use crate::parsed::ParsedFrame;

/// The `result` of a `spot.trades` update, as documented:
///
/// ```json
/// {"time":1606292218,"time_ms":1606292218231,"channel":"spot.trades","event":"update",
///  "result":{"id":309143071,"create_time":1606292218,"create_time_ms":"1606292218213.4578",
///            "side":"sell","currency_pair":"GT_USDT","amount":"16.4700000000",
///            "price":"0.4705000000","range":"2390902-2390902"}}
/// ```
///
/// `side` is the taker's side, `amount` in the base currency, `create_time_ms` the time in
/// milliseconds with a fraction, as a string. (An array of such objects is read too.)
#[derive(Deserialize)]
struct GateTrade<'a> {
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    create_time: Option<&'a RawValue>,
    #[serde(borrow)]
    create_time_ms: Option<&'a RawValue>,
    #[serde(borrow, default)]
    side: Cow<'a, str>,
    #[serde(borrow, default)]
    currency_pair: Cow<'a, str>,
    #[serde(borrow)]
    amount: Option<&'a RawValue>,
    #[serde(borrow)]
    price: Option<&'a RawValue>,
}

/// Milliseconds as decimal text (`"1606292218213.4578"`), in seconds, exactly.
pub(super) fn millis_text_to_seconds(text: &str) -> Option<Decimal> {
    let mut value = parse_decimal(text)?;
    let scale = value.scale().checked_add(3)?;
    value.set_scale(scale).ok()?;
    Some(value)
}

fn required<'a>(raw: Option<&'a RawValue>, field: &str) -> Result<&'a RawValue, FrameError> {
    raw.ok_or_else(|| FrameError::Malformed(format!("a trade without {field}")))
}

fn timestamp(trade: &GateTrade<'_>) -> Result<Decimal, FrameError> {
    if let Some(raw) = trade.create_time_ms {
        let text = scalar_text(raw, "create_time_ms")?;
        return millis_text_to_seconds(&text).ok_or_else(|| {
            FrameError::Malformed(format!("create_time_ms is not a time: {text:?}"))
        });
    }
    let seconds = integer(required(trade.create_time, "create_time")?, "create_time")?;
    Ok(Decimal::from(seconds))
}

fn push_trade(
    trade: &GateTrade<'_>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let Some(symbol) = context.markets.symbol(&trade.currency_pair) else {
        return Ok(());
    };
    let side = match trade.side.as_ref() {
        "buy" => Side::Buy,
        "sell" => Side::Sell,
        other => {
            return Err(FrameError::Malformed(format!(
                "side is neither buy nor sell: {other:?}"
            )))
        }
    };
    let price = scalar_text(required(trade.price, "price")?, "price")?;
    let amount = scalar_text(required(trade.amount, "amount")?, "amount")?;
    out.events.push(feed_core::Event::Trade(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side,
        amount: decimal(&amount, "amount")?,
        price: decimal(&price, "price")?,
        id: trade.id.map(|raw| trade_id(raw, "id")).transpose()?,
        timestamp: timestamp(trade)?,
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}

/// The trade(s) of a `spot.trades` result of a listed market, or none when one is malformed.
pub(super) fn push_trades(
    result: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let trades: Vec<GateTrade<'_>> = if result.get().trim_start().starts_with('[') {
        serde_json::from_str(result.get()).map_err(|error| malformed(&error))?
    } else {
        vec![serde_json::from_str(result.get()).map_err(|error| malformed(&error))?]
    };
    crate::parse::each_or_none(&trades, out, |trade, out| push_trade(trade, context, out))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use feed_core::{Symbol, TradeId};

    use super::*;
    use crate::exchanges::gateio::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_with;

    pub(crate) const DOCUMENTED: &str = r#"{"time":1606292218,"time_ms":1606292218231,"channel":"spot.trades","event":"update","result":{"id":309143071,"create_time":1606292218,"create_time_ms":"1606292218213.4578","side":"sell","currency_pair":"GT_USDT","amount":"16.4700000000","price":"0.4705000000","range":"2390902-2390902"}}"#;

    fn parse(frame: &str) -> Result<Vec<Trade>, FrameError> {
        let markets = [Market::new("GT", "USDT", "GT_USDT")];
        parse_with(parse_frame, &markets, "GATEIO", "1606292218.5", frame)
    }

    #[test]
    fn documented_trade_field_by_field() {
        let trades = parse(DOCUMENTED).unwrap();
        assert_eq!(
            trades,
            vec![Trade {
                exchange: "GATEIO".into(),
                symbol: Symbol::parse("GT-USDT").unwrap(),
                side: Side::Sell,
                amount: Decimal::from_str("16.4700000000").unwrap(),
                price: Decimal::from_str("0.4705000000").unwrap(),
                id: Some(TradeId::Number(309_143_071)),
                timestamp: Decimal::from_str("1606292218.2134578").unwrap(),
                receipt_timestamp: Decimal::from_str("1606292218.5").unwrap(),
            }]
        );
        assert_eq!(trades[0].amount.to_string(), "16.4700000000");
    }

    #[test]
    fn other_markets_bad_fields_and_arrays() {
        assert!(parse(&DOCUMENTED.replace("GT_USDT", "ETH_USDT"))
            .unwrap()
            .is_empty());
        let buy = parse(&DOCUMENTED.replace(r#""sell""#, r#""buy""#)).unwrap();
        assert_eq!(buy[0].side, Side::Buy);
        for bad in [
            DOCUMENTED.replace(r#""sell""#, r#""both""#),
            DOCUMENTED.replace(r#""0.4705000000""#, r#""x""#),
            DOCUMENTED.replace(r#""1606292218213.4578""#, r#""soon""#),
        ] {
            assert!(
                matches!(parse(&bad), Err(FrameError::Malformed(_))),
                "{bad}"
            );
        }
        let seconds_only = DOCUMENTED.replace(r#""create_time_ms":"1606292218213.4578","#, "");
        assert_eq!(
            parse(&seconds_only).unwrap()[0].timestamp,
            Decimal::from(1_606_292_218)
        );
        let object = r#"{"id":1,"create_time_ms":"1606292218213","side":"buy","currency_pair":"GT_USDT","amount":"1","price":"2"}"#;
        let array = format!(
            r#"{{"channel":"spot.trades","event":"update","result":[{object},{}]}}"#,
            object.replace(r#""id":1"#, r#""id":2"#)
        );
        let two = parse(&array).unwrap();
        assert_eq!(two.len(), 2);
        assert_eq!(two[1].id, Some(TradeId::Number(2)));
        assert_eq!(two[0].timestamp.to_string(), "1606292218.213");
    }
}
