//! Bybit public trades: the `publicTrade.<symbol>` topic
//! (<https://bybit-exchange.github.io/docs/v5/websocket/public/trade>).

use std::borrow::Cow;

use feed_core::runtime::FrameError;

use crate::parsed::ParsedFrame;
use feed_core::types::millis_to_seconds;
use feed_core::{Side, Trade};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, malformed, trade_id_from_text};

/// The topic prefix of public trades (`publicTrade.BTCUSDT`).
pub(super) const TRADE_TOPIC_PREFIX: &str = "publicTrade.";

/// One trade in the `data` array of a `publicTrade.<symbol>` frame, as documented:
///
/// ```json
/// {"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1672304486868,
///  "data":[{"T":1672304486865,"s":"BTCUSDT","S":"Buy","v":"0.001","p":"16578.50",
///           "L":"PlusTick","i":"20f43950-d8dd-5b31-9112-a178eb6023af","BT":false}]}
/// ```
///
/// `T` is the fill time in milliseconds, `S` the taker's side (`Buy`/`Sell`), `v`/`p` size
/// and price as decimal strings, `i` the trade id as a string (a UUID in the example,
/// digits on spot). `L` (futures only), `BT` (block trade), and the newer `RPI` and `seq`
/// are not needed. One frame carries up to 1024 trades, in matching order.
#[derive(Deserialize)]
struct PublicTrade<'a> {
    #[serde(rename = "T")]
    time: i64,
    #[serde(borrow, rename = "s")]
    symbol: Cow<'a, str>,
    #[serde(borrow, rename = "S")]
    side: Cow<'a, str>,
    #[serde(borrow, rename = "v")]
    size: Cow<'a, str>,
    #[serde(borrow, rename = "p")]
    price: Cow<'a, str>,
    #[serde(borrow, rename = "i")]
    id: Cow<'a, str>,
}

/// The trades of a `publicTrade` frame's `data`, all or none.
pub(super) fn push_trades(
    topic: &str,
    data: Option<&RawValue>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let data = data.ok_or_else(|| FrameError::Malformed(format!("{topic} without 'data'")))?;
    let trades: Vec<PublicTrade<'_>> =
        serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    let before = out.events.len();
    for trade in &trades {
        if let Err(error) = push_trade(trade, context, out) {
            out.events.truncate(before); // a frame is used whole or not at all
            return Err(error);
        }
    }
    Ok(())
}

fn push_trade(
    trade: &PublicTrade<'_>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let Some(symbol) = context.markets.symbol(&trade.symbol) else {
        return Ok(()); // a market this feed did not subscribe to
    };
    let side = match &*trade.side {
        "Buy" => Side::Buy,
        "Sell" => Side::Sell,
        other => {
            return Err(FrameError::Malformed(format!(
                "S is neither Buy nor Sell: {other:?}"
            )))
        }
    };
    out.events.push(feed_core::Event::Trade(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side,
        amount: decimal(&trade.size, "v")?,
        price: decimal(&trade.price, "p")?,
        id: Some(trade_id_from_text(&trade.id)),
        timestamp: millis_to_seconds(trade.time),
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;
    use std::sync::Arc;

    use feed_core::Symbol;
    use rust_decimal::Decimal;

    use feed_core::TradeId;

    use super::super::frame::parse_frame;
    use super::*;
    use crate::markets::{Market, MarketMap};

    /// The trade frame from Bybit's documentation.
    const DOCUMENTED_TRADE: &str = r#"{
      "topic": "publicTrade.BTCUSDT",
      "type": "snapshot",
      "ts": 1672304486868,
      "data": [
        {"T": 1672304486865, "s": "BTCUSDT", "S": "Buy", "v": "0.001", "p": "16578.50",
         "L": "PlusTick", "i": "20f43950-d8dd-5b31-9112-a178eb6023af", "BT": false}
      ]
    }"#;

    /// The documented spot subscribe ack.
    const DOCUMENTED_ACK: &str = r#"{"success": true, "ret_msg": "subscribe", "conn_id": "2324d924-aa4d-45b0-a858-7b8be29ab52b", "req_id": "10001", "op": "subscribe"}"#;

    /// The documented spot pong.
    const DOCUMENTED_PONG: &str = r#"{"success": true, "ret_msg": "pong", "conn_id": "0970e817-426e-429a-a679-ff7f55e0b16a", "op": "ping"}"#;

    /// A rejected subscription, as captured live.
    const SUBSCRIBE_ERROR: &str = r#"{"success": false, "ret_msg": "Invalid symbol :[publicTrade.BTCUSDX]", "conn_id": "d97jphrgig3od7574usg-6a3m1", "req_id": "sub-1", "op": "subscribe"}"#;

    fn parse(frame: &str) -> Result<Vec<Trade>, FrameError> {
        let markets = MarketMap::new([
            Market::new("BTC", "USDT", "BTCUSDT"),
            Market::new("ETH", "USDC", "ETHUSDC"),
        ]);
        let exchange: Arc<str> = "BYBIT".into();
        let context = FrameContext {
            connection: None,
            markets: &markets,
            exchange: &exchange,
            receipt: Decimal::from_str("1672304487.25").unwrap(),
        };
        let mut out = ParsedFrame::default();
        parse_frame(frame, &context, &mut out)?;
        assert!(out.replies.is_empty(), "Bybit frames never ask for a reply");
        Ok(out.trades().cloned().collect())
    }

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn documented_trade_normalizes_field_by_field() {
        assert_eq!(
            parse(DOCUMENTED_TRADE).unwrap(),
            vec![Trade {
                exchange: "BYBIT".into(),
                symbol: Symbol::parse("BTC-USDT").unwrap(),
                side: Side::Buy, // S is the taker's side
                amount: decimal("0.001"),
                price: decimal("16578.50"),
                id: Some(TradeId::Text("20f43950-d8dd-5b31-9112-a178eb6023af".into())),
                timestamp: decimal("1672304486.865"),
                receipt_timestamp: decimal("1672304487.25"),
            }]
        );
        let trades = parse(DOCUMENTED_TRADE).unwrap();
        assert_eq!(trades[0].price.to_string(), "16578.50", "scale is kept");
    }

    #[test]
    fn several_trades_per_frame_in_order_with_numeric_ids_and_newer_fields() {
        let frame = r#"{"topic":"publicTrade.ETHUSDC","type":"snapshot","ts":1700000000200,"data":[
          {"T":1700000000101,"s":"ETHUSDC","S":"Sell","v":"1.25000","p":"2000.5","i":"2290000000061666327","BT":false,"RPI":false,"seq":1783284617},
          {"T":1700000000102,"s":"ETHUSDC","S":"Buy","v":"0.1","p":"2000.51","i":"2290000000061666328","BT":true}]}"#;
        let trades = parse(frame).unwrap();
        assert_eq!(trades.len(), 2);
        let first = &trades[0];
        assert_eq!(first.symbol.as_str(), "ETH-USDC");
        assert_eq!(first.side, Side::Sell);
        assert_eq!(first.amount.to_string(), "1.25000");
        assert_eq!(first.price.to_string(), "2000.5");
        assert_eq!(first.id, Some(TradeId::Number(2_290_000_000_061_666_327)));
        assert_eq!(first.timestamp, decimal("1700000000.101"));
        let second = &trades[1];
        assert_eq!(second.side, Side::Buy);
        assert_eq!(second.id, Some(TradeId::Number(2_290_000_000_061_666_328)));
        assert_eq!(second.timestamp, decimal("1700000000.102"));
    }

    #[test]
    fn ids_are_numbers_only_when_plain_digits() {
        assert_eq!(trade_id_from_text("0"), TradeId::Number(0));
        assert_eq!(trade_id_from_text("123"), TradeId::Number(123));
        assert_eq!(trade_id_from_text("0123"), TradeId::Text("0123".into()));
        assert_eq!(trade_id_from_text("+5"), TradeId::Text("+5".into()));
        assert_eq!(
            trade_id_from_text("99999999999999999999"),
            TradeId::Text("99999999999999999999".into())
        );
        assert_eq!(trade_id_from_text(""), TradeId::Text("".into()));
    }

    #[test]
    fn acks_and_pongs_carry_no_trade() {
        assert!(parse(DOCUMENTED_ACK).unwrap().is_empty());
        assert!(parse(DOCUMENTED_PONG).unwrap().is_empty());
        // Linear-style ack and pong, and the option-style pong.
        assert!(parse(
            r#"{"success":true,"ret_msg":"","conn_id":"c","req_id":"","op":"subscribe"}"#
        )
        .unwrap()
        .is_empty());
        assert!(parse(
            r#"{"success":true,"ret_msg":"pong","conn_id":"c","req_id":"","op":"ping"}"#
        )
        .unwrap()
        .is_empty());
        assert!(parse(r#"{"args":["1672916271846"],"op":"pong"}"#)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn failures_are_exchange_errors_with_ret_msg() {
        assert_eq!(
            parse(SUBSCRIBE_ERROR).unwrap_err(),
            FrameError::Exchange("subscribe failed: Invalid symbol :[publicTrade.BTCUSDX]".into())
        );
        assert_eq!(
            parse(r#"{"success":false,"ret_msg":"args size >10","conn_id":"c","op":"subscribe"}"#)
                .unwrap_err(),
            FrameError::Exchange("subscribe failed: args size >10".into())
        );
        assert_eq!(
            parse(r#"{"success":false}"#).unwrap_err(),
            FrameError::Exchange("request failed: no ret_msg".into())
        );
    }

    #[test]
    fn unsubscribed_markets_and_other_topics_are_skipped() {
        let other = DOCUMENTED_TRADE.replace("BTCUSDT", "SOLUSDT");
        assert!(parse(&other).unwrap().is_empty());
        let mixed = r#"{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1,"data":[
          {"T":1,"s":"SOLUSDT","S":"Buy","v":"1","p":"2","i":"1"},
          {"T":2,"s":"BTCUSDT","S":"Sell","v":"3","p":"4","i":"2"}]}"#;
        let trades = parse(mixed).unwrap();
        assert_eq!(trades.len(), 1);
        assert_eq!(trades[0].id, Some(TradeId::Number(2)));
        assert!(
            parse(r#"{"topic":"orderbook.1.BTCUSDT","type":"snapshot","ts":1,"data":{"s":"BTCUSDT","b":[],"a":[],"u":1,"seq":1}}"#)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn garbage_and_undocumented_shapes_are_malformed() {
        let malformed = |frame: &str| matches!(parse(frame), Err(FrameError::Malformed(_)));
        assert!(malformed("not json"));
        assert!(malformed(r#"{"foo":1}"#));
        assert!(malformed(
            r#"{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1}"#
        ));
        assert!(malformed(
            r#"{"topic":"publicTrade.BTCUSDT","data":{"s":"BTCUSDT"}}"#
        ));
        let no_price = DOCUMENTED_TRADE.replace(r#""p": "16578.50","#, "");
        assert!(
            matches!(parse(&no_price), Err(FrameError::Malformed(text)) if text.contains("`p`"))
        );
        let bad_side = DOCUMENTED_TRADE.replace(r#""S": "Buy""#, r#""S": "buy""#);
        assert!(
            matches!(parse(&bad_side), Err(FrameError::Malformed(text)) if text.contains("\"buy\""))
        );
    }

    #[test]
    fn a_bad_trade_drops_the_whole_frame() {
        let frame = r#"{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1,"data":[
          {"T":1,"s":"BTCUSDT","S":"Buy","v":"1","p":"2","i":"1"},
          {"T":2,"s":"BTCUSDT","S":"Sell","v":"x","p":"4","i":"2"}]}"#;
        let markets = MarketMap::new([Market::new("BTC", "USDT", "BTCUSDT")]);
        let exchange: Arc<str> = "BYBIT".into();
        let context = FrameContext {
            connection: None,
            markets: &markets,
            exchange: &exchange,
            receipt: Decimal::ZERO,
        };
        let mut out = ParsedFrame::default();
        let error = parse_frame(frame, &context, &mut out).unwrap_err();
        assert_eq!(
            error,
            FrameError::Malformed("v is not a decimal: \"x\"".into())
        );
        assert!(out.events.is_empty(), "{out:?}");
    }
}
