//! Kraken WebSocket v2 `trade` frames.

use std::borrow::Cow;

use feed_core::runtime::FrameError;

use crate::parsed::ParsedFrame;
use feed_core::{Side, Trade};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, malformed, rfc3339_to_seconds, scalar_text, trade_id};

/// One trade of a `trade` frame's `data` array, as documented:
///
/// ```json
/// {"channel":"trade","type":"snapshot","data":[
///   {"symbol":"MATIC/USD","side":"buy","price":0.5147,"qty":6423.46326,"ord_type":"limit",
///    "trade_id":4665846,"timestamp":"2023-09-25T07:48:36.925533Z"},
///   {"symbol":"MATIC/USD","side":"buy","price":0.5147,"qty":1136.19677815,"ord_type":"limit",
///    "trade_id":4665847,"timestamp":"2023-09-25T07:49:36.925603Z"}]}
/// ```
///
/// Updates are the same with `"type":"update"`; one frame may carry several trades.
/// `side` is "the side of the taker order". `price` and `qty` are JSON numbers: their text
/// is read as it is (never through `f64`) so the exchange's digits are kept; strings are
/// accepted too. `trade_id` is "a sequence number, unique per book"; `timestamp` is RFC 3339.
/// Snapshot frames (sent only if asked for, and this adapter asks for none) are skipped:
/// they repeat past trades.
#[derive(Deserialize)]
struct KrakenTrade<'a> {
    #[serde(borrow)]
    symbol: Cow<'a, str>,
    #[serde(borrow)]
    side: Cow<'a, str>,
    #[serde(borrow)]
    price: &'a RawValue,
    #[serde(borrow)]
    qty: &'a RawValue,
    #[serde(borrow)]
    trade_id: Option<&'a RawValue>,
    #[serde(borrow)]
    timestamp: Cow<'a, str>,
}

/// A `trade` frame of this `type`, with its `data`.
pub(super) fn push_trade_frame(
    kind: Option<&str>,
    data: Option<&RawValue>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    if kind == Some("snapshot") {
        return Ok(());
    }
    let data = data.ok_or_else(|| FrameError::Malformed("trade without 'data'".into()))?;
    let trades: Vec<KrakenTrade<'_>> =
        serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    for trade in &trades {
        push_trade(trade, context, out)?;
    }
    Ok(())
}

fn push_trade(
    trade: &KrakenTrade<'_>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let Some(symbol) = context.markets.symbol(&trade.symbol) else {
        return Ok(()); // a market this feed did not subscribe to
    };
    let side = if trade.side.eq_ignore_ascii_case("buy") {
        Side::Buy
    } else if trade.side.eq_ignore_ascii_case("sell") {
        Side::Sell
    } else {
        return Err(FrameError::Malformed(format!(
            "side is neither buy nor sell: {:?}",
            trade.side
        )));
    };
    let timestamp = rfc3339_to_seconds(&trade.timestamp).ok_or_else(|| {
        FrameError::Malformed(format!(
            "timestamp is not an RFC 3339 time: {:?}",
            trade.timestamp
        ))
    })?;
    out.events.push(feed_core::Event::Trade(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side,
        amount: decimal(&scalar_text(trade.qty, "qty")?, "qty")?,
        price: decimal(&scalar_text(trade.price, "price")?, "price")?,
        id: trade
            .trade_id
            .map(|raw| trade_id(raw, "trade_id"))
            .transpose()?,
        timestamp,
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use feed_core::Symbol;
    use rust_decimal::Decimal;

    use feed_core::TradeId;

    use super::super::frame::parse_frame;
    use super::*;
    use crate::markets::Market;
    use crate::testing::parse_with;

    /// The trade payload from Kraken's documentation (a snapshot).
    const DOCUMENTED_TRADE: &str = r#"{
      "channel": "trade",
      "type": "snapshot",
      "data": [
        {"symbol": "MATIC/USD", "side": "buy", "price": 0.5147, "qty": 6423.46326, "ord_type": "limit",
         "trade_id": 4665846, "timestamp": "2023-09-25T07:48:36.925533Z"},
        {"symbol": "MATIC/USD", "side": "buy", "price": 0.5147, "qty": 1136.19677815, "ord_type": "limit",
         "trade_id": 4665847, "timestamp": "2023-09-25T07:49:36.925603Z"}
      ]
    }"#;

    fn parse(frame: &str) -> Result<Vec<Trade>, FrameError> {
        let markets = [
            Market::new("MATIC", "USD", "MATIC/USD"),
            Market::new("BTC", "USD", "BTC/USD"),
        ];
        parse_with(parse_frame, &markets, "KRAKEN", "1695628177.5", frame)
    }

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn update() -> String {
        DOCUMENTED_TRADE.replace(r#""type": "snapshot""#, r#""type": "update""#)
    }

    #[test]
    fn the_documented_trades_as_an_update_normalize_field_by_field() {
        let trade = |amount, id, timestamp| Trade {
            exchange: "KRAKEN".into(),
            symbol: Symbol::parse("MATIC-USD").unwrap(),
            side: Side::Buy,
            amount: dec(amount),
            price: dec("0.5147"),
            id: Some(TradeId::Number(id)),
            timestamp: dec(timestamp),
            receipt_timestamp: dec("1695628177.5"),
        };
        let trades = parse(&update()).unwrap();
        assert_eq!(
            trades,
            vec![
                trade("6423.46326", 4_665_846, "1695628116.925533"),
                trade("1136.19677815", 4_665_847, "1695628176.925603"),
            ]
        );
        assert_eq!(
            trades[1].amount.to_string(),
            "1136.19677815",
            "no f64 rounding"
        );
    }

    #[test]
    fn the_documented_snapshot_is_skipped() {
        assert_eq!(parse(DOCUMENTED_TRADE).unwrap(), vec![]);
    }

    #[test]
    fn sells_exponents_strings_and_unsubscribed_markets() {
        let frame = r#"{"channel":"trade","type":"update","data":[
          {"symbol":"BTC/USD","side":"sell","price":37000.10,"qty":1e-05,"ord_type":"market","trade_id":98765,"timestamp":"2023-09-25T07:48:36Z"},
          {"symbol":"ETH/USD","side":"buy","price":2000.5,"qty":1,"ord_type":"limit","trade_id":5,"timestamp":"2023-09-25T07:48:36Z"},
          {"symbol":"BTC/USD","side":"buy","price":"37000.20","qty":"0.50000000","ord_type":"limit","trade_id":"98766","timestamp":"2023-09-25T07:48:37.1Z"}]}"#;
        let trades = parse(frame).unwrap();
        assert_eq!(trades.len(), 2, "ETH/USD is not subscribed");
        assert_eq!(trades[0].side, Side::Sell);
        assert_eq!(trades[0].price.to_string(), "37000.10");
        assert_eq!(trades[0].amount, dec("0.00001"));
        assert_eq!(trades[0].id, Some(TradeId::Number(98_765)));
        assert_eq!(trades[1].price.to_string(), "37000.20");
        assert_eq!(trades[1].amount.to_string(), "0.50000000");
        assert_eq!(trades[1].id, Some(TradeId::Number(98_766)));
        assert_eq!(trades[1].timestamp, dec("1695628117.1"));
    }

    #[test]
    fn acks_heartbeats_status_and_pongs_carry_no_trade() {
        for frame in [
            r#"{"method":"subscribe","result":{"channel":"trade","snapshot":true,"symbol":"MATIC/USD"},"success":true,"time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z"}"#,
            r#"{"method":"subscribe","result":{"channel":"trade","snapshot":false,"symbol":"BTC/USD","warnings":["tick_size is deprecated"]},"success":true,"time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z","req_id":1}"#,
            r#"{"channel":"heartbeat"}"#,
            r#"{"channel":"status","data":[{"api_version":"v2","connection_id":13834774380200032777,"system":"online","version":"2.0.0"}],"type":"update"}"#,
            r#"{"channel":"status","data":[{"api_version":"v2","connection_id":1,"system":"maintenance","version":"2.0.0"}],"type":"update"}"#,
            r#"{"method":"pong","req_id":101,"time_in":"2023-09-24T14:10:23.799685Z","time_out":"2023-09-24T14:10:23.799703Z"}"#,
            r#"{"channel":"book","type":"update","data":[]}"#,
        ] {
            assert_eq!(parse(frame).unwrap(), vec![], "{frame}");
        }
    }

    #[test]
    fn failures_are_exchange_errors() {
        assert_eq!(
            parse(r#"{"error":"Currency pair not supported XBT/FOO","method":"subscribe","req_id":1,"success":false,"symbol":"XBT/FOO","time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z"}"#)
                .unwrap_err(),
            FrameError::Exchange("Currency pair not supported XBT/FOO".into())
        );
        assert_eq!(
            parse(r#"{"method":"subscribe","success":false,"req_id":1}"#).unwrap_err(),
            FrameError::Exchange(
                r#"subscribe failed: {"method":"subscribe","success":false,"req_id":1}"#.into()
            )
        );
        assert_eq!(
            parse(r#"{"Error":"Exceeded msg rate"}"#).unwrap_err(),
            FrameError::Exchange("Exceeded msg rate".into())
        );
    }

    #[test]
    fn garbage_is_malformed() {
        let update = update();
        for (frame, expected) in [
            ("not json".to_owned(), "expected"),
            (r#"{"foo":1}"#.to_owned(), "neither"),
            (
                r#"{"channel":"trade","type":"update"}"#.to_owned(),
                "'data'",
            ),
            (update.replace(r#""price": 0.5147, "#, ""), "price"),
            (update.replace("0.5147", "true"), "price"),
            (update.replace("6423.46326", r#""12x""#), "qty"),
            (update.replace(r#""side": "buy""#, r#""side": "b""#), "side"),
            (
                update.replace("2023-09-25T07:48:36.925533Z", "now"),
                "timestamp",
            ),
            (update.replace("4665846", "-4665846"), "trade_id"),
        ] {
            match parse(&frame) {
                Err(FrameError::Malformed(text)) => assert!(text.contains(expected), "{text}"),
                other => panic!("{frame}: {other:?}"),
            }
        }
    }
}
