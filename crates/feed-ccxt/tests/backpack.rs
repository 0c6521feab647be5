//! Backpack against a loopback stand-in speaking its documented wire format.

mod common;

use std::str::FromStr;
use std::sync::Arc;

use common::{collect_trades, feed_for, json, start_error};
use feed_core::{Side, TradeId};
use feed_testkit::{CannedResponse, ExchangeScript, ScriptedExchange, ServerFrame};
use rust_decimal::Decimal;

/// Open spot markets, a perpetual sharing SOL/USDC with the spot market (the subscribe
/// message shows SOL-USDC maps to the spot `SOL_USDC`), and a closed book.
const MARKETS: &str = r#"[
 {"baseSymbol":"SOL","createdAt":"2025-01-21T06:34:54.691858","filters":{"price":{"tickSize":"0.01"},"quantity":{"stepSize":"0.01"}},
  "marketType":"SPOT","orderBookState":"Open","quoteSymbol":"USDC","symbol":"SOL_USDC","visible":true},
 {"baseSymbol":"SOL","createdAt":"2025-01-21T06:34:54.691858","filters":{},"fundingInterval":28800000,
  "marketType":"PERP","orderBookState":"Open","quoteSymbol":"USDC","symbol":"SOL_USDC_PERP","visible":true},
 {"baseSymbol":"BTC","createdAt":"2024-01-16T00:00:00","filters":{},
  "marketType":"SPOT","orderBookState":"Open","quoteSymbol":"USDC","symbol":"BTC_USDC","visible":true},
 {"baseSymbol":"ETH","createdAt":"2024-01-16T00:00:00","filters":{},
  "marketType":"SPOT","orderBookState":"Open","quoteSymbol":"USDC","symbol":"ETH_USDC","visible":true},
 {"baseSymbol":"OLD","createdAt":"2024-01-16T00:00:00","filters":{},
  "marketType":"SPOT","orderBookState":"Closed","quoteSymbol":"USDC","symbol":"OLD_USDC","visible":false}]"#;

/// The documented trade payload in its documented `{"stream":..,"data":..}` wrapper.
fn trade(symbol: &str, id: u64, price: &str, qty: &str, time: &str, maker: bool) -> ServerFrame {
    ServerFrame::Text(format!(
        r#"{{"stream":"trade.{symbol}","data":{{"e":"trade","E":{time},"s":"{symbol}","p":"{price}","q":"{qty}","b":"111063114377265150","a":"111063114585735170","t":{id},"T":{time},"m":{maker}}}}}"#
    ))
}

/// Answers the documented SUBSCRIBE with a server ping (Backpack's heartbeat), trades of
/// both symbols (times as numbers, as documented, and as strings, as live frames carry
/// them), a trade of a market not subscribed, the error frame for a bad stream, and one
/// more trade; anything else with that error.
fn script(markets: CannedResponse) -> ExchangeScript {
    ExchangeScript {
        markets_path: "/api/v1/markets".into(),
        markets,
        on_connect: vec![],
        on_message: Arc::new(|message: &str| {
            let expected =
                json(r#"{"method":"SUBSCRIBE","params":["trade.SOL_USDC","trade.BTC_USDC"]}"#);
            if json(message) != expected {
                return vec![
                    r#"{"id":null,"error":{"code":4006,"message":"Invalid stream"}}"#.into(),
                ];
            }
            vec![
                ServerFrame::Ping,
                trade(
                    "SOL_USDC",
                    12345,
                    "18.68",
                    "0.122",
                    "1694688638089000",
                    true,
                ),
                trade(
                    "BTC_USDC",
                    777,
                    "37000.10",
                    "0.50000",
                    r#""1754601477744001""#,
                    false,
                ),
                trade("ETH_USDC", 1, "2000.00", "1", "1694688638089000", false),
                r#"{"id":null,"error":{"code":4006,"message":"Invalid stream"}}"#.into(),
                trade("SOL_USDC", 12346, "18.70", "2", "1694688638100000", false),
            ]
        }),
    }
}

#[tokio::test]
async fn subscribes_as_documented_and_normalizes_trades() {
    let standin = ScriptedExchange::start(script(CannedResponse::ok(MARKETS)))
        .await
        .unwrap();
    let feed = feed_for("backpack", &["SOL-USDC", "BTC-USDC"], &standin, "");
    let (trades, stats) = collect_trades(&standin, feed, 3).await;

    assert_eq!(standin.received().len(), 1, "{:?}", standin.received());
    assert_eq!(trades.len(), 3, "{trades:#?}");
    let first = &trades[0];
    assert_eq!(&*first.exchange, "BACKPACK");
    assert_eq!(first.symbol.as_str(), "SOL-USDC");
    assert_eq!(first.side, Side::Sell, "m: true, the buyer is maker");
    assert_eq!(first.price.to_string(), "18.68");
    assert_eq!(first.amount.to_string(), "0.122");
    assert_eq!(first.id, Some(TradeId::Number(12345)));
    assert_eq!(first.timestamp.to_string(), "1694688638.089000");
    assert!(first.receipt_timestamp > first.timestamp);
    let second = &trades[1];
    assert_eq!(second.symbol.as_str(), "BTC-USDC");
    assert_eq!(second.side, Side::Buy);
    assert_eq!(second.price.to_string(), "37000.10");
    assert_eq!(second.amount.to_string(), "0.50000");
    assert_eq!(second.id, Some(TradeId::Number(777)));
    assert_eq!(
        second.timestamp,
        Decimal::from_str("1754601477.744001").unwrap()
    );
    let third = &trades[2];
    assert_eq!(
        (third.symbol.as_str(), third.side, third.id.clone()),
        ("SOL-USDC", Side::Buy, Some(TradeId::Number(12346)))
    );
    assert_eq!(third.price.to_string(), "18.70");
    assert_eq!(third.timestamp.to_string(), "1694688638.100000");

    assert_eq!(standin.pongs(), 1, "the server's ping was answered");
    assert_eq!(stats.trades, 3);
    assert_eq!(stats.exchange_errors, 1);
    assert_eq!(stats.parse_errors, 0);
    assert_eq!(
        stats.frames, 5,
        "4 trades (one not subscribed) and the error"
    );
}

#[tokio::test]
async fn a_closed_book_is_not_a_market() {
    let standin = ScriptedExchange::start(script(CannedResponse::ok(MARKETS)))
        .await
        .unwrap();
    let feed = feed_for("backpack", &["OLD-USDC"], &standin, "");
    let error = start_error(&standin, feed).await.to_string();
    assert!(error.contains("backpack has no market OLD-USDC"), "{error}");
    assert_eq!(standin.websocket.connection_count(), 0);
}
