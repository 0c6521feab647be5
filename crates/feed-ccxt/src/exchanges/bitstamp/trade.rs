//! Bitstamp trades: `live_trades_<pair>` <https://www.bitstamp.net/websocket/v2/>.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::micros_to_seconds;
use feed_core::{Event, Side, Symbol, Trade};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, integer, malformed, trade_id};
use crate::parsed::ParsedFrame;

/// The `data` of a `trade` event, as documented:
///
/// ```json
/// {"data":{"id":288014064,"timestamp":"1687962048","amount":0.00284,
///   "amount_str":"0.00284000","price":30478,"price_str":"30478","type":1,
///   "microtimestamp":"1687962048178000","buy_order_id":1634934838558721,
///   "sell_order_id":1634934839877632},"channel":"live_trades_btcusd","event":"trade"}
/// ```
///
/// `type` is the taker's side (0 buy, 1 sell); `amount_str`/`price_str` are the exact
/// decimals (`amount`/`price` the same as JSON numbers, read only when the strings are
/// absent); `microtimestamp` the trade time in microseconds.
#[derive(Deserialize)]
struct LiveTrade<'a> {
    #[serde(borrow)]
    id: &'a RawValue,
    #[serde(borrow)]
    amount: Option<&'a RawValue>,
    #[serde(borrow)]
    amount_str: Option<Cow<'a, str>>,
    #[serde(borrow)]
    price: Option<&'a RawValue>,
    #[serde(borrow)]
    price_str: Option<Cow<'a, str>>,
    #[serde(rename = "type")]
    kind: u8,
    #[serde(borrow)]
    microtimestamp: &'a RawValue,
}

fn exact(
    text: Option<&Cow<'_, str>>,
    number: Option<&RawValue>,
    field: &str,
) -> Result<rust_decimal::Decimal, FrameError> {
    match (text, number) {
        (Some(text), _) => decimal(text, field),
        (None, Some(raw)) => decimal(raw.get().trim_matches('"'), field),
        (None, None) => Err(FrameError::Malformed(format!("a trade without '{field}'"))),
    }
}

pub(super) fn push_trade(
    symbol: &Symbol,
    data: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let trade: LiveTrade<'_> = serde_json::from_str(data.get()).map_err(|e| malformed(&e))?;
    let side = match trade.kind {
        0 => Side::Buy,
        1 => Side::Sell,
        other => return Err(FrameError::Malformed(format!("trade type {other}"))),
    };
    out.events.push(Event::Trade(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side,
        amount: exact(trade.amount_str.as_ref(), trade.amount, "amount")?,
        price: exact(trade.price_str.as_ref(), trade.price, "price")?,
        id: Some(trade_id(trade.id, "id")?),
        timestamp: micros_to_seconds(integer(trade.microtimestamp, "microtimestamp")?),
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use feed_core::TradeId;

    use super::*;
    use crate::exchanges::bitstamp::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_with;

    const DOCUMENTED: &str = r#"{"data":{"id":288014064,"timestamp":"1687962048","amount":0.00284,"amount_str":"0.00284000","price":30478,"price_str":"30478","type":1,"microtimestamp":"1687962048178000","buy_order_id":1634934838558721,"sell_order_id":1634934839877632},"channel":"live_trades_btcusd","event":"trade"}"#;

    #[test]
    fn documented_trade_normalizes_field_by_field() {
        let markets = [Market::new("BTC", "USD", "btcusd")];
        let trades =
            parse_with(parse_frame, &markets, "BITSTAMP", "1687962049", DOCUMENTED).unwrap();
        let trade = &trades[0];
        assert_eq!(trade.exchange.as_ref(), "BITSTAMP");
        assert_eq!(trade.symbol.as_str(), "BTC-USD");
        assert_eq!(trade.side, Side::Sell, "type 1: the taker sold");
        assert_eq!(trade.amount.to_string(), "0.00284000");
        assert_eq!(trade.price.to_string(), "30478");
        assert_eq!(trade.id, Some(TradeId::Number(288_014_064)));
        assert_eq!(trade.timestamp.to_string(), "1687962048.178000");
        let buy = DOCUMENTED.replace(r#""type":1"#, r#""type":0"#);
        assert_eq!(
            parse_with(parse_frame, &markets, "BITSTAMP", "1", &buy).unwrap()[0].side,
            Side::Buy
        );
        let bad = DOCUMENTED.replace(r#""type":1"#, r#""type":7"#);
        assert!(parse_with(parse_frame, &markets, "BITSTAMP", "1", &bad).is_err());
        let other = DOCUMENTED.replace("live_trades_btcusd", "live_trades_etheur");
        assert!(parse_with(parse_frame, &markets, "BITSTAMP", "1", &other)
            .unwrap()
            .is_empty());
    }
}
