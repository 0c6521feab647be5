//! OKX's `trades` channel: several trades per push.

use std::borrow::Cow;

use feed_core::runtime::FrameError;

use crate::parsed::ParsedFrame;
use feed_core::types::millis_to_seconds;
use feed_core::{Side, Symbol, Trade};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, malformed};
use crate::parse::{integer, scalar_text, trade_id};

/// The channel name.
pub(super) const CHANNEL: &str = "trades";

/// One element of a `trades` push's `data`, as documented:
///
/// ```json
/// {"arg":{"channel":"trades","instId":"BTC-USDT"},
///  "data":[{"instId":"BTC-USDT","tradeId":"130639474","px":"42219.9","sz":"0.12060306",
///           "side":"buy","ts":"1630048897897","count":"3","seqId":1234}]}
/// ```
///
/// `tradeId` is the last trade id of the aggregation (`count` trades of one taker order at
/// one price), `px`/`sz` price and quantity (base currency for spot) as decimal strings,
/// `side` the taker's side, `ts` the fill time in milliseconds as a string. `data` may
/// hold several trades.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OkxTrade<'a> {
    #[serde(borrow)]
    inst_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    trade_id: Option<&'a RawValue>,
    #[serde(borrow)]
    px: Option<&'a RawValue>,
    #[serde(borrow)]
    sz: Option<&'a RawValue>,
    #[serde(borrow)]
    side: Option<Cow<'a, str>>,
    #[serde(borrow)]
    ts: Option<&'a RawValue>,
}

/// Every trade of `data`, or none when one of them is malformed.
pub(super) fn push_trades(
    data: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let trades: Vec<OkxTrade<'_>> =
        serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    let before = out.events.len();
    for trade in &trades {
        if let Err(error) = push_trade(trade, context, out) {
            out.events.truncate(before);
            return Err(error);
        }
    }
    Ok(())
}

fn push_trade(
    trade: &OkxTrade<'_>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let missing = |field: &str| FrameError::Malformed(format!("trade without '{field}'"));
    let inst_id = trade.inst_id.as_deref().ok_or_else(|| missing("instId"))?;
    let Some(symbol) = context.markets.symbol(inst_id) else {
        return Ok(()); // a market this feed did not subscribe to
    };
    out.events
        .push(feed_core::Event::Trade(normalize(trade, symbol, context)?));
    Ok(())
}

fn normalize(
    trade: &OkxTrade<'_>,
    symbol: &Symbol,
    context: &FrameContext<'_>,
) -> Result<Trade, FrameError> {
    let missing = |field: &str| FrameError::Malformed(format!("trade without '{field}'"));
    let side = match trade.side.as_deref().ok_or_else(|| missing("side"))? {
        "buy" => Side::Buy,
        "sell" => Side::Sell,
        other => {
            return Err(FrameError::Malformed(format!(
                "side is neither buy nor sell: {other:?}"
            )))
        }
    };
    let price = scalar_text(trade.px.ok_or_else(|| missing("px"))?, "px")?;
    let amount = scalar_text(trade.sz.ok_or_else(|| missing("sz"))?, "sz")?;
    Ok(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side,
        amount: decimal(&amount, "sz")?,
        price: decimal(&price, "px")?,
        id: Some(trade_id(
            trade.trade_id.ok_or_else(|| missing("tradeId"))?,
            "tradeId",
        )?),
        timestamp: millis_to_seconds(integer(trade.ts.ok_or_else(|| missing("ts"))?, "ts")?),
        receipt_timestamp: context.receipt,
    })
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;
    use std::sync::Arc;

    use feed_core::TradeId;
    use rust_decimal::Decimal;

    use super::*;
    use crate::exchanges::okx::frame::parse_frame;
    use crate::markets::{Market, MarketMap};
    use crate::testing::parse_with;

    /// The trades push from OKX's documentation.
    const DOCUMENTED_TRADES: &str = r#"{
      "arg": {"channel": "trades", "instId": "BTC-USDT"},
      "data": [
        {"instId": "BTC-USDT", "tradeId": "130639474", "px": "42219.9", "sz": "0.12060306",
         "side": "buy", "ts": "1630048897897", "count": "3", "seqId": 1234}
      ]
    }"#;

    fn parse(frame: &str) -> Result<Vec<Trade>, FrameError> {
        let markets = [
            Market::new("BTC", "USDT", "BTC-USDT"),
            Market::new("ETH", "USDT", "ETH-USDT"),
        ];
        parse_with(parse_frame, &markets, "OKX", "1630048898.25", frame)
    }

    #[test]
    fn documented_trade_normalizes_field_by_field() {
        let trades = parse(DOCUMENTED_TRADES).unwrap();
        assert_eq!(
            trades,
            vec![Trade {
                exchange: "OKX".into(),
                symbol: Symbol::parse("BTC-USDT").unwrap(),
                side: Side::Buy, // side is the taker's
                amount: Decimal::from_str("0.12060306").unwrap(),
                price: Decimal::from_str("42219.9").unwrap(),
                id: Some(TradeId::Number(130_639_474)),
                timestamp: Decimal::from_str("1630048897.897").unwrap(),
                receipt_timestamp: Decimal::from_str("1630048898.25").unwrap(),
            }]
        );
    }

    #[test]
    fn every_trade_of_a_frame_in_order_with_scale_kept() {
        let frame = r#"{"arg":{"channel":"trades","instId":"ETH-USDT"},"data":[
          {"instId":"ETH-USDT","tradeId":"500","px":"2000.10","sz":"1.500","side":"sell","ts":"1630048897001","count":"1","seqId":7},
          {"instId":"ETH-USDT","tradeId":"503","px":"2000.00","sz":"0.001","side":"buy","ts":"1630048897002","count":"3","seqId":8}]}"#;
        let trades = parse(frame).unwrap();
        assert_eq!(trades.len(), 2);
        assert_eq!(
            (trades[0].side, trades[0].id.clone()),
            (Side::Sell, Some(TradeId::Number(500)))
        );
        assert_eq!(trades[0].price.to_string(), "2000.10");
        assert_eq!(trades[0].amount.to_string(), "1.500");
        assert_eq!(trades[0].timestamp.to_string(), "1630048897.001");
        assert_eq!(
            (trades[1].side, trades[1].id.clone()),
            (Side::Buy, Some(TradeId::Number(503)))
        );
        assert_eq!(trades[1].price.to_string(), "2000.00");
        assert_eq!(trades[1].timestamp.to_string(), "1630048897.002");
    }

    #[test]
    fn pong_acks_and_notices_carry_no_trade() {
        assert!(parse("pong").unwrap().is_empty());
        let ack = r#"{"id":"1512","event":"subscribe","arg":{"channel":"trades","instId":"BTC-USDT"},"connId":"a4d3ae55"}"#;
        assert!(parse(ack).unwrap().is_empty());
        let unsubscribed = r#"{"event":"unsubscribe","arg":{"channel":"trades","instId":"BTC-USDT"},"connId":"a4d3ae55"}"#;
        assert!(parse(unsubscribed).unwrap().is_empty());
        let notice = r#"{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade. Please reconnect.","connId":"a4d3ae55"}"#;
        assert!(parse(notice).unwrap().is_empty());
        let other_channel = r#"{"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","last":"9999.99"}]}"#;
        assert!(parse(other_channel).unwrap().is_empty());
    }

    #[test]
    fn documented_errors_are_exchange_errors_with_code_and_message() {
        let documented = r#"{"id":"1512","event":"error","code":"60012","msg":"Invalid request: {\"op\": \"subscribe\", \"argss\":[{ \"channel\" : \"trades\", \"instId\" : \"BTC-USD-191227\"}]}","connId":"a4d3ae55"}"#;
        assert_eq!(
            parse(documented).unwrap_err(),
            FrameError::Exchange(
                r#"code 60012: Invalid request: {"op": "subscribe", "argss":[{ "channel" : "trades", "instId" : "BTC-USD-191227"}]}"#
                    .into()
            )
        );
        let unknown = r#"{"event":"error","msg":"Wrong URL or channel:trades,instId:BTC-USDX doesn't exist. Please use the correct URL, channel and parameters referring to API document.","code":"60018","connId":"b2b0944b"}"#;
        assert!(matches!(
            parse(unknown).unwrap_err(),
            FrameError::Exchange(text) if text.starts_with("code 60018: Wrong URL or channel:trades,instId:BTC-USDX")
        ));
    }

    #[test]
    fn unsubscribed_markets_are_skipped_and_garbage_is_malformed() {
        let other = DOCUMENTED_TRADES.replace("BTC-USDT", "BTC-USDC");
        assert!(parse(&other).unwrap().is_empty());
        assert!(matches!(parse("ping"), Err(FrameError::Malformed(_))));
        assert!(matches!(parse("not json"), Err(FrameError::Malformed(_))));
        assert!(matches!(
            parse(r#"{"foo":1}"#),
            Err(FrameError::Malformed(_))
        ));
        let not_an_array = r#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":{"px":"1"}}"#;
        assert!(matches!(parse(not_an_array), Err(FrameError::Malformed(_))));
        let no_price = DOCUMENTED_TRADES.replace(r#""px": "42219.9","#, "");
        assert!(
            matches!(parse(&no_price), Err(FrameError::Malformed(text)) if text.contains("'px'"))
        );
        let bad_side = DOCUMENTED_TRADES.replace(r#""side": "buy""#, r#""side": "BUY""#);
        assert!(matches!(parse(&bad_side), Err(FrameError::Malformed(_))));
        let bad_time = DOCUMENTED_TRADES.replace("1630048897897", "2021-08-27");
        assert!(matches!(parse(&bad_time), Err(FrameError::Malformed(_))));
    }

    #[test]
    fn a_malformed_trade_drops_the_whole_frame() {
        let frame = r#"{"arg":{"channel":"trades","instId":"ETH-USDT"},"data":[
          {"instId":"ETH-USDT","tradeId":"500","px":"2000.10","sz":"1.5","side":"sell","ts":"1630048897001"},
          {"instId":"ETH-USDT","tradeId":"501","px":"oops","sz":"1","side":"buy","ts":"1630048897002"}]}"#;
        let markets = MarketMap::new([Market::new("ETH", "USDT", "ETH-USDT")]);
        let exchange: Arc<str> = "OKX".into();
        let context = FrameContext {
            connection: None,
            markets: &markets,
            exchange: &exchange,
            receipt: Decimal::ONE,
        };
        let mut out = ParsedFrame::default();
        assert!(matches!(
            parse_frame(frame, &context, &mut out),
            Err(FrameError::Malformed(text)) if text.contains("px")
        ));
        assert!(out.events.is_empty(), "{out:?}");
    }
}
