//! Kraken (WebSocket v2) against a loopback stand-in speaking its documented wire format.

mod common;

use std::str::FromStr;
use std::sync::Arc;

use common::{collect_trades, feed_for, json, start_error, via_proxy};
use feed_core::{Side, TradeId};
use feed_testkit::proxies::{start_microsocks, MICROSOCKS_EGRESS};
use feed_testkit::{CannedResponse, ExchangeScript, ScriptedExchange, ServerFrame};
use rust_decimal::Decimal;

/// The documented AssetPairs shape: REST names XBT and XDG as v1 does, one pair is
/// `cancel_only`, one is a dark pool.
const ASSET_PAIRS: &str = r#"{"error":[],"result":{
 "XXBTZUSD":{"altname":"XBTUSD","wsname":"XBT/USD","aclass_base":"currency","base":"XXBT",
             "aclass_quote":"currency","quote":"ZUSD","lot":"unit","cost_decimals":5,"pair_decimals":1,
             "lot_decimals":8,"lot_multiplier":1,"fee_volume_currency":"ZUSD","ordermin":"0.0001",
             "costmin":"0.5","tick_size":"0.1","status":"online"},
 "XETHZUSD":{"altname":"ETHUSD","wsname":"ETH/USD","aclass_base":"currency","base":"XETH",
             "aclass_quote":"currency","quote":"ZUSD","pair_decimals":2,"lot_decimals":8,
             "ordermin":"0.002","costmin":"0.5","tick_size":"0.01","status":"online"},
 "XDGUSD":{"altname":"XDGUSD","wsname":"XDG/USD","base":"XXDG","quote":"ZUSD","status":"online"},
 "MATICUSD":{"altname":"MATICUSD","wsname":"MATIC/USD","base":"MATIC","quote":"ZUSD","status":"cancel_only"},
 "XXBTZUSD.d":{"altname":"XBTUSD.d","base":"XXBT","quote":"ZUSD","status":"online"}}}"#;

const SUBSCRIBE: &str = r#"{"method":"subscribe","params":{"channel":"trade","symbol":["BTC/USD","ETH/USD"],"snapshot":false},"req_id":1}"#;

fn ack(symbol: &str) -> ServerFrame {
    serde_json::json!({"method": "subscribe",
                       "result": {"channel": "trade", "snapshot": false, "symbol": symbol},
                       "success": true, "req_id": 1,
                       "time_in": "2023-09-25T09:04:31.742599Z",
                       "time_out": "2023-09-25T09:04:31.742648Z"})
    .to_string()
    .into()
}

/// A documented `trade` update; prices and quantities are written as JSON numbers, digit
/// for digit: `(symbol, side, price, qty, trade_id, timestamp)`.
fn trades(trades: &[(&str, &str, &str, &str, u64, &str)]) -> ServerFrame {
    let data: Vec<String> = trades
        .iter()
        .map(|(symbol, side, price, qty, id, time)| {
            format!(
                r#"{{"symbol":"{symbol}","side":"{side}","price":{price},"qty":{qty},"ord_type":"limit","trade_id":{id},"timestamp":"{time}"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"channel":"trade","type":"update","data":[{}]}}"#,
        data.join(",")
    )
    .into()
}

/// Sends the documented status on connect; answers the documented subscribe with one ack
/// per symbol, a heartbeat, a server ping, trades of both symbols and of DOGE/USD (listed,
/// not subscribed), a documented failure, and one more trade; anything else with a failure.
fn script(markets: CannedResponse) -> ExchangeScript {
    ExchangeScript {
        markets_path: "/0/public/AssetPairs".into(),
        markets,
        on_connect: vec![
            r#"{"channel":"status","data":[{"api_version":"v2","connection_id":13834774380200032777,"system":"online","version":"2.0.0"}],"type":"update"}"#.into(),
        ],
        on_message: Arc::new(|message: &str| {
            if json(message) != json(SUBSCRIBE) {
                return vec![
                    r#"{"error":"unexpected request","method":"subscribe","success":false}"#.into(),
                ];
            }
            vec![
                ack("BTC/USD"),
                ack("ETH/USD"),
                r#"{"channel":"heartbeat"}"#.into(),
                ServerFrame::Ping,
                trades(&[
                    ("BTC/USD", "buy", "37000.10", "0.50000000", 81_000_001, "2023-09-25T07:48:36.925533Z"),
                    ("DOGE/USD", "buy", "0.0612345", "1000", 9_000_001, "2023-09-25T07:48:36.925600Z"),
                    ("ETH/USD", "sell", "1580.5", "1.25", 60_000_007, "2023-09-25T07:48:37Z"),
                ]),
                r#"{"error":"Currency pair not supported XBT/FOO","method":"subscribe","req_id":1,"success":false,"symbol":"XBT/FOO","time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z"}"#.into(),
                trades(&[("BTC/USD", "sell", "37000.2", "1e-05", 81_000_002, "2023-09-25T07:48:38.1Z")]),
            ]
        }),
    }
}

fn assert_documented_trades(trades: &[feed_core::Trade]) {
    assert_eq!(trades.len(), 3, "{trades:#?}");
    let first = &trades[0];
    assert_eq!(&*first.exchange, "KRAKEN");
    assert_eq!(first.symbol.as_str(), "BTC-USD");
    assert_eq!(first.side, Side::Buy);
    assert_eq!(
        first.price.to_string(),
        "37000.10",
        "the JSON number's digits are kept"
    );
    assert_eq!(first.amount.to_string(), "0.50000000");
    assert_eq!(first.id, Some(TradeId::Number(81_000_001)));
    assert_eq!(
        first.timestamp,
        Decimal::from_str("1695628116.925533").unwrap()
    );
    assert!(first.receipt_timestamp > first.timestamp);
    let second = &trades[1];
    assert_eq!(&*second.exchange, "KRAKEN");
    assert_eq!(second.symbol.as_str(), "ETH-USD");
    assert_eq!(second.side, Side::Sell);
    assert_eq!(second.price.to_string(), "1580.5");
    assert_eq!(second.amount.to_string(), "1.25");
    assert_eq!(second.id, Some(TradeId::Number(60_000_007)));
    assert_eq!(second.timestamp, Decimal::from(1_695_628_117));
    let third = &trades[2];
    assert_eq!(third.symbol.as_str(), "BTC-USD");
    assert_eq!(third.side, Side::Sell);
    assert_eq!(third.price.to_string(), "37000.2");
    assert_eq!(third.amount, Decimal::from_str("0.00001").unwrap());
    assert_eq!(third.id, Some(TradeId::Number(81_000_002)));
    assert_eq!(third.timestamp, Decimal::from_str("1695628118.1").unwrap());
}

#[tokio::test]
async fn subscribes_as_documented_and_normalizes_trades() {
    let standin = ScriptedExchange::start(script(CannedResponse::ok(ASSET_PAIRS)))
        .await
        .unwrap();
    let feed = feed_for("kraken", &["BTC-USD", "ETH-USD"], &standin, "/v2");
    let (trades, stats) = collect_trades(&standin, feed, 3).await;

    let received: Vec<serde_json::Value> = standin.received().iter().map(|m| json(m)).collect();
    assert_eq!(received, vec![json(SUBSCRIBE)], "v2 symbols, snapshot off");
    assert_documented_trades(&trades);
    assert_eq!(standin.pongs(), 1, "the server's ping was answered");
    assert_eq!(
        stats.frames, 7,
        "status, 2 acks, heartbeat, 2 trade frames, error (the ping is no data frame)"
    );
    assert_eq!(stats.trades, 3, "DOGE/USD skipped");
    assert_eq!(stats.exchange_errors, 1);
    assert_eq!(stats.parse_errors, 0);
}

#[tokio::test]
async fn legacy_rest_names_are_not_symbols() {
    let standin = ScriptedExchange::start(script(CannedResponse::ok(ASSET_PAIRS)))
        .await
        .unwrap();
    let feed = feed_for("kraken", &["XBT-USD"], &standin, "/v2");
    let error = start_error(&standin, feed).await.to_string();
    assert!(
        error.contains("kraken has no market XBT-USD (did you mean ") && error.contains("BTC-USD"),
        "{error}"
    );
    assert_eq!(standin.websocket.connection_count(), 0);
}

#[tokio::test]
async fn a_market_list_error_stops_the_start() {
    let standin = ScriptedExchange::start(script(CannedResponse::ok(
        r#"{"error":["EService:Unavailable"]}"#,
    )))
    .await
    .unwrap();
    let feed = feed_for("kraken", &["BTC-USD"], &standin, "/v2");
    let error = start_error(&standin, feed).await.to_string();
    assert!(
        error.contains("kraken: unexpected market list: EService:Unavailable"),
        "{error}"
    );
    assert_eq!(standin.websocket.connection_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_through_a_real_socks5_proxy_with_a_password() {
    let proxy = start_microsocks("feeduser", "pw", MICROSOCKS_EGRESS).expect("start microsocks");
    let standin = ScriptedExchange::start(script(CannedResponse::ok(ASSET_PAIRS)))
        .await
        .unwrap();
    let feed = via_proxy(
        feed_for("kraken", &["BTC-USD", "ETH-USD"], &standin, "/v2"),
        "kraken",
        &proxy.url("socks5"),
    );
    let (trades, stats) = collect_trades(&standin, feed, 3).await;
    assert_documented_trades(&trades);
    assert!(stats.route.starts_with("socks5://"), "{}", stats.route);
    assert!(
        !stats.route.contains(":pw@"),
        "password redacted: {}",
        stats.route
    );
    let egress = std::net::IpAddr::V4(MICROSOCKS_EGRESS);
    assert_eq!(
        standin.rest.peer_ips(),
        vec![egress],
        "REST went through microsocks"
    );
    assert_eq!(
        standin.websocket.peer_ips(),
        vec![egress],
        "WebSocket went through microsocks"
    );
}
