//! Binance against a loopback stand-in speaking its documented wire format.

mod common;

use std::str::FromStr;
use std::sync::Arc;

use common::{collect_trades, feed_for, json, start_error, via_proxy};
use feed_core::{Side, TradeId};
use feed_testkit::proxies::{start_dante, DANTE_EGRESS};
use feed_testkit::{CannedResponse, ExchangeScript, ScriptedExchange, ServerFrame};
use rust_decimal::Decimal;

const EXCHANGE_INFO: &str = r#"{"timezone":"UTC","serverTime":1565246363776,"rateLimits":[],"exchangeFilters":[],
"symbols":[
 {"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT","filters":[]},
 {"symbol":"ETHUSDT","status":"TRADING","baseAsset":"ETH","quoteAsset":"USDT","filters":[]},
 {"symbol":"BTCUSDC","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDC","filters":[]},
 {"symbol":"LUNAUSDT","status":"BREAK","baseAsset":"LUNA","quoteAsset":"USDT","filters":[]}]}"#;

fn agg_trade(symbol: &str, id: u64, price: &str, qty: &str, buyer_is_maker: bool) -> ServerFrame {
    ServerFrame::Text(format!(
        r#"{{"e":"aggTrade","E":1700000000124,"s":"{symbol}","a":{id},"p":"{price}","q":"{qty}","f":{id},"l":{id},"T":1700000000123,"m":{buyer_is_maker},"M":true}}"#
    ))
}

/// Answers the documented SUBSCRIBE with the ack, a server ping, trades of both symbols, a
/// trade of a symbol not subscribed, and a documented error; anything else with an error.
fn script(markets: CannedResponse) -> ExchangeScript {
    ExchangeScript {
        markets_path: "/api/v3/exchangeInfo".into(),
        markets,
        on_connect: vec![],
        on_message: Arc::new(|message: &str| {
            let expected = json(
                r#"{"method":"SUBSCRIBE","params":["btcusdt@aggTrade","ethusdt@aggTrade"],"id":1}"#,
            );
            if json(message) != expected {
                return vec![
                    r#"{"code":2,"msg":"Invalid request: unexpected subscription"}"#.into(),
                ];
            }
            vec![
                r#"{"result":null,"id":1}"#.into(),
                ServerFrame::Ping,
                agg_trade("BTCUSDT", 5001, "37000.10", "0.50000000", false),
                agg_trade("ETHUSDT", 9001, "2000.5", "1.25", true),
                agg_trade("BTCUSDC", 1, "37001.00", "1", false),
                r#"{"code": 2, "msg": "Invalid request: too many parameters"}"#.into(),
                agg_trade("BTCUSDT", 5002, "37000.20", "0.1", true),
            ]
        }),
    }
}

#[tokio::test]
async fn subscribes_as_documented_and_normalizes_trades() {
    let standin = ScriptedExchange::start(script(CannedResponse::ok(EXCHANGE_INFO)))
        .await
        .unwrap();
    let feed = feed_for("binance", &["BTC-USDT", "ETH-USDT"], &standin, "/ws");
    let (trades, stats) = collect_trades(&standin, feed, 3).await;

    assert_eq!(standin.received().len(), 1, "{:?}", standin.received());
    assert_eq!(trades.len(), 3, "{trades:#?}");
    let first = &trades[0];
    assert_eq!(&*first.exchange, "BINANCE");
    assert_eq!(first.symbol.as_str(), "BTC-USDT");
    assert_eq!(first.side, Side::Buy);
    assert_eq!(first.price.to_string(), "37000.10");
    assert_eq!(first.amount.to_string(), "0.50000000");
    assert_eq!(first.id, Some(TradeId::Number(5001)));
    assert_eq!(
        first.timestamp,
        Decimal::from_str("1700000000.123").unwrap()
    );
    assert!(first.receipt_timestamp > first.timestamp);
    let second = &trades[1];
    assert_eq!(
        (second.symbol.as_str(), second.side),
        ("ETH-USDT", Side::Sell)
    );
    assert_eq!(trades[2].id, Some(TradeId::Number(5002)));

    assert_eq!(standin.pongs(), 1, "the server's ping was answered");
    assert_eq!(stats.exchange_errors, 1);
    assert_eq!(stats.parse_errors, 0);
    assert_eq!(stats.frames, 6, "ack, 4 trades (one not subscribed), error");
}

#[tokio::test]
async fn an_unknown_symbol_fails_the_start_with_close_matches() {
    let standin = ScriptedExchange::start(script(CannedResponse::ok(EXCHANGE_INFO)))
        .await
        .unwrap();
    let feed = feed_for("binance", &["BTC-USDX"], &standin, "/ws");
    let error = start_error(&standin, feed).await.to_string();
    assert!(
        error.contains("binance has no market BTC-USDX (did you mean BTC-USDC, BTC-USDT?)"),
        "{error}"
    );
    assert_eq!(standin.websocket.connection_count(), 0);
}

#[tokio::test]
async fn a_region_block_suggests_a_proxy() {
    let blocked = CannedResponse {
        status: 451,
        body: r#"{"code":0,"msg":"Service unavailable from a restricted location according to 'b. Eligibility'."}"#.into(),
    };
    let standin = ScriptedExchange::start(script(blocked)).await.unwrap();
    let feed = feed_for("binance", &["BTC-USDT"], &standin, "/ws");
    let error = start_error(&standin, feed).await.to_string();
    assert!(
        error.contains("HTTP 451 Unavailable For Legal Reasons"),
        "{error}"
    );
    assert!(
        error.contains("proxy.exchanges.binance.http.url"),
        "{error}"
    );
    assert_eq!(standin.websocket.connection_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_through_a_real_socks5_proxy() {
    let dante = start_dante(DANTE_EGRESS).expect("start danted");
    let standin = ScriptedExchange::start(script(CannedResponse::ok(EXCHANGE_INFO)))
        .await
        .unwrap();
    let feed = via_proxy(
        feed_for("binance", &["BTC-USDT", "ETH-USDT"], &standin, "/ws"),
        "binance",
        &dante.url("socks5h"),
    );
    let (trades, stats) = collect_trades(&standin, feed, 3).await;
    assert_eq!(trades.len(), 3);
    assert!(
        stats.route.starts_with("socks5h://127.0.0.1:"),
        "{}",
        stats.route
    );
    let egress = std::net::IpAddr::V4(DANTE_EGRESS);
    assert_eq!(
        standin.rest.peer_ips(),
        vec![egress],
        "REST went through dante"
    );
    assert_eq!(
        standin.websocket.peer_ips(),
        vec![egress],
        "WebSocket went through dante"
    );
}

/// A subscription the exchange refuses stops the start, naming the exchange, the channel
/// and the symbol, before any event is delivered: never a silent feed.
#[tokio::test]
async fn a_refused_subscription_stops_the_start_naming_symbol_and_channel() {
    let refusing = ExchangeScript {
        markets_path: "/api/v3/exchangeInfo".into(),
        markets: CannedResponse::ok(EXCHANGE_INFO),
        on_connect: vec![],
        on_message: Arc::new(|message: &str| {
            let id = json(message)["id"].clone();
            vec![serde_json::json!({"error": {"code": 2, "msg": "Invalid request: stream not allowed"}, "id": id})
                .to_string()
                .into()]
        }),
    };
    let standin = ScriptedExchange::start(refusing).await.unwrap();
    let feed = feed_for("binance", &["BTC-USDT"], &standin, "/ws");
    let error = start_error(&standin, feed).await;
    let text = error.to_string();
    assert!(
        text.contains("binance rejected the subscription to TRADES BTC-USDT")
            && text.contains("stream not allowed"),
        "{text}"
    );
    assert_eq!(error.reports[0].stats.trades, 0, "nothing was delivered");
}
