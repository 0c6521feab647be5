//! KuCoin trades: `/market/match:{symbol}` <https://www.kucoin.com/docs-new/3470072w0>.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::nanos_to_seconds;
use feed_core::{Event, Side, Trade};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, malformed, scalar_text, trade_id_from_text};
use crate::parsed::ParsedFrame;

/// The `data` of a match message, as documented:
///
/// ```json
/// {"type":"message","topic":"/market/match:BTC-USDT","subject":"trade.l3match",
///  "data":{"makerOrderId":"671b5007389355000701b1d3","price":"67523","sequence":"11067996",
///   "side":"buy","size":"0.003","symbol":"BTC-USDT","takerOrderId":"671b50161777ff00074c168d",
///   "time":"1729843222921000000","tradeId":"11067996","type":"match"}}
/// ```
///
/// `side` is the taker's side, `time` nanoseconds since the epoch (a string), `tradeId`
/// the trade's id; `price`/`size` decimal strings.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Match<'a> {
    #[serde(borrow)]
    symbol: Cow<'a, str>,
    #[serde(borrow)]
    side: Cow<'a, str>,
    #[serde(borrow)]
    price: Cow<'a, str>,
    #[serde(borrow)]
    size: Cow<'a, str>,
    #[serde(borrow)]
    trade_id: Option<&'a RawValue>,
    #[serde(borrow)]
    time: &'a RawValue,
}

/// The trade of a match message's `data` (skipped for a market not subscribed).
pub(super) fn push_match(
    data: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let trade: Match<'_> = serde_json::from_str(data.get()).map_err(|e| malformed(&e))?;
    let Some(symbol) = context.markets.symbol(&trade.symbol) else {
        return Ok(());
    };
    let side = match trade.side.as_ref() {
        "buy" => Side::Buy,
        "sell" => Side::Sell,
        other => return Err(FrameError::Malformed(format!("trade side {other:?}"))),
    };
    let time = scalar_text(trade.time, "time")?;
    let nanos: i64 = time
        .parse()
        .map_err(|_| FrameError::Malformed(format!("trade time {time:?}")))?;
    let id = match trade.trade_id {
        Some(raw) => Some(trade_id_from_text(&scalar_text(raw, "tradeId")?)),
        None => None,
    };
    out.events.push(Event::Trade(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side,
        amount: decimal(&trade.size, "size")?,
        price: decimal(&trade.price, "price")?,
        id,
        timestamp: nanos_to_seconds(nanos),
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use feed_core::{Symbol, TradeId};
    use rust_decimal::Decimal;

    use super::*;
    use crate::exchanges::kucoin::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_with;

    const DOCUMENTED: &str = r#"{"type":"message","topic":"/market/match:BTC-USDT","subject":"trade.l3match","data":{"makerOrderId":"671b5007389355000701b1d3","price":"67523","sequence":"11067996","side":"buy","size":"0.003","symbol":"BTC-USDT","takerOrderId":"671b50161777ff00074c168d","time":"1729843222921000000","tradeId":"11067996","type":"match"}}"#;

    #[test]
    fn documented_match_normalizes_field_by_field() {
        let markets = [Market::new("BTC", "USDT", "BTC-USDT")];
        let trades =
            parse_with(parse_frame, &markets, "KUCOIN", "1729843223.5", DOCUMENTED).unwrap();
        assert_eq!(trades.len(), 1);
        let trade = &trades[0];
        assert_eq!(trade.exchange.as_ref(), "KUCOIN");
        assert_eq!(trade.symbol, Symbol::parse("BTC-USDT").unwrap());
        assert_eq!(trade.side, Side::Buy);
        assert_eq!(trade.price, Decimal::from_str("67523").unwrap());
        assert_eq!(trade.amount, Decimal::from_str("0.003").unwrap());
        assert_eq!(trade.id, Some(TradeId::Number(11_067_996)));
        assert_eq!(trade.timestamp.to_string(), "1729843222.921000000");
        assert_eq!(trade.receipt_timestamp.to_string(), "1729843223.5");
        let sell = DOCUMENTED.replace(r#""side":"buy""#, r#""side":"sell""#);
        assert_eq!(
            parse_with(parse_frame, &markets, "KUCOIN", "1", &sell).unwrap()[0].side,
            Side::Sell
        );
        let other = DOCUMENTED.replace("BTC-USDT", "ETH-USDT");
        assert!(parse_with(parse_frame, &markets, "KUCOIN", "1", &other)
            .unwrap()
            .is_empty());
        let bad = DOCUMENTED.replace(r#""price":"67523""#, r#""price":"x""#);
        assert!(parse_with(parse_frame, &markets, "KUCOIN", "1", &bad).is_err());
    }
}
