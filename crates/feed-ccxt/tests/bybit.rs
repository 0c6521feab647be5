//! Bybit against a loopback stand-in speaking its documented wire format.

mod common;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use common::{collect_trades, feed_for, json, start_error};
use feed_core::runtime::KeepAlive;
use feed_core::{Side, TradeId};
use feed_testkit::{CannedResponse, ExchangeScript, ScriptedExchange, ServerFrame};
use rust_decimal::Decimal;

/// Twelve subscribed markets (two subscribe messages), XRPUSDT listed but not subscribed,
/// OLDUSDT not trading.
const SUBSCRIBED: [(&str, &str); 12] = [
    ("BTC-USDT", "BTCUSDT"),
    ("ETH-USDC", "ETHUSDC"),
    ("SOL-USDT", "SOLUSDT"),
    ("DOGE-USDT", "DOGEUSDT"),
    ("ADA-USDT", "ADAUSDT"),
    ("DOT-USDT", "DOTUSDT"),
    ("LTC-USDT", "LTCUSDT"),
    ("LINK-USDT", "LINKUSDT"),
    ("AVAX-USDT", "AVAXUSDT"),
    ("TON-USDT", "TONUSDT"),
    ("SUI-USDT", "SUIUSDT"),
    ("USDE-USDT", "USDEUSDT"),
];

fn instruments_info() -> String {
    let mut list: Vec<serde_json::Value> = SUBSCRIBED
        .iter()
        .chain(&[("XRP-USDT", "XRPUSDT"), ("OLD-USDT", "OLDUSDT")])
        .map(|(symbol, exchange_symbol)| {
            let (base, quote) = symbol.split_once('-').unwrap();
            let status = if *exchange_symbol == "OLDUSDT" {
                "Closed"
            } else {
                "Trading"
            };
            serde_json::json!({
                "symbol": exchange_symbol, "baseCoin": base, "quoteCoin": quote,
                "innovation": "0", "status": status, "marginTrading": "both",
                "lotSizeFilter": {"basePrecision": "0.000001", "quotePrecision": "0.00000001",
                    "minOrderQty": "0.000048", "maxOrderQty": "71.73956243",
                    "minOrderAmt": "1", "maxOrderAmt": "2000000"},
                "priceFilter": {"tickSize": "0.01"}
            })
        })
        .collect();
    list.reverse(); // the list order must not matter
    serde_json::json!({
        "retCode": 0, "retMsg": "OK",
        "result": {"category": "spot", "list": list},
        "retExtInfo": {}, "time": 1_672_712_468_011_u64
    })
    .to_string()
}

fn subscribe(exchange_symbols: &[(&str, &str)]) -> serde_json::Value {
    let args: Vec<String> = exchange_symbols
        .iter()
        .map(|(_, exchange_symbol)| format!("publicTrade.{exchange_symbol}"))
        .collect();
    serde_json::json!({"op": "subscribe", "args": args})
}

/// A documented `publicTrade` frame with these `(T, S, v, p, i)` trades.
fn trades(symbol: &str, trades: &[(i64, &str, &str, &str, &str)]) -> ServerFrame {
    let data: Vec<serde_json::Value> = trades
        .iter()
        .map(|(time, side, size, price, id)| {
            serde_json::json!({"T": time, "s": symbol, "S": side, "v": size, "p": price,
                               "L": "PlusTick", "i": id, "BT": false})
        })
        .collect();
    serde_json::json!({"topic": format!("publicTrade.{symbol}"), "type": "snapshot",
                       "ts": 1_700_000_000_999_u64, "data": data})
    .to_string()
    .into()
}

/// The documented spot ack, echoing the message's `req_id`.
fn ack(req_id: &serde_json::Value) -> ServerFrame {
    serde_json::json!({"success": true, "ret_msg": "subscribe",
                       "conn_id": "2324d924-aa4d-45b0-a858-7b8be29ab52b",
                       "req_id": req_id, "op": "subscribe"})
    .to_string()
    .into()
}

/// A message without its `req_id` (which every subscribe carries), and that `req_id`.
fn without_req_id(message: &str) -> (serde_json::Value, serde_json::Value) {
    let mut message = json(message);
    let req_id = message
        .as_object_mut()
        .and_then(|fields| fields.remove("req_id"))
        .unwrap_or(serde_json::Value::Null);
    (message, req_id)
}
const PONG: &str = r#"{"success":true,"ret_msg":"pong","conn_id":"0970e817-426e-429a-a679-ff7f55e0b16a","op":"ping"}"#;
const ERROR: &str = r#"{"success":false,"ret_msg":"Invalid symbol :[publicTrade.BTCUSDX]","conn_id":"d97jphrgig3od7574usg-6a3m1","req_id":"","op":"subscribe"}"#;

/// Answers the first documented subscribe (10 topics) with the ack of its `req_id`, a pong,
/// a frame of two BTCUSDT trades, a trade of XRPUSDT (not subscribed) and an ETHUSDC
/// trade; the second (2 topics) with its ack, an error and a USDEUSDT trade;
/// `{"op":"ping"}` with a pong; anything else with an error. Messages are compared
/// without their `req_id`.
fn script(markets: CannedResponse) -> ExchangeScript {
    ExchangeScript {
        markets_path: "/v5/market/instruments-info".into(),
        markets,
        on_connect: vec![],
        on_message: Arc::new(|message: &str| {
            let (message, req_id) = without_req_id(message);
            if message == subscribe(&SUBSCRIBED[..10]) {
                vec![
                    ack(&req_id),
                    PONG.into(),
                    trades(
                        "BTCUSDT",
                        &[
                            (
                                1_700_000_000_123,
                                "Buy",
                                "0.500000",
                                "37000.10",
                                "20f43950-d8dd-5b31-9112-a178eb6023af",
                            ),
                            (
                                1_700_000_000_124,
                                "Sell",
                                "0.001",
                                "37000.2",
                                "2290000000061666327",
                            ),
                        ],
                    ),
                    trades("XRPUSDT", &[(1_700_000_000_125, "Buy", "10", "0.5", "1")]),
                    trades(
                        "ETHUSDC",
                        &[(1_700_000_000_126, "Sell", "1.25", "2000.50", "77")],
                    ),
                ]
            } else if message == subscribe(&SUBSCRIBED[10..]) {
                vec![
                    ack(&req_id),
                    ERROR.into(),
                    trades(
                        "USDEUSDT",
                        &[(1_700_000_000_127, "Buy", "100", "1.0001", "78")],
                    ),
                ]
            } else if message == serde_json::json!({"op": "ping"}) {
                vec![PONG.into()]
            } else {
                vec![r#"{"success":false,"ret_msg":"unexpected message","conn_id":"x","op":"subscribe"}"#.into()]
            }
        }),
    }
}

fn symbols() -> Vec<&'static str> {
    SUBSCRIBED.iter().map(|(symbol, _)| *symbol).collect()
}

#[tokio::test]
async fn subscribes_in_batches_of_ten_and_normalizes_trades() {
    let standin = ScriptedExchange::start(script(CannedResponse::ok(instruments_info())))
        .await
        .unwrap();
    let feed = feed_for("bybit", &symbols(), &standin, "/v5/public/spot");
    assert_eq!(
        feed.adapter().keep_alive(),
        Some(KeepAlive::Text {
            interval: Duration::from_secs(20),
            message: r#"{"op":"ping"}"#.into(),
        })
    );
    let (trades, stats) = collect_trades(&standin, feed, 4).await;

    let (received, req_ids): (Vec<serde_json::Value>, Vec<serde_json::Value>) = standin
        .received()
        .iter()
        .map(|message| without_req_id(message))
        .unzip();
    assert_eq!(
        received,
        vec![subscribe(&SUBSCRIBED[..10]), subscribe(&SUBSCRIBED[10..])],
        "two documented subscribe messages"
    );
    assert_eq!(
        req_ids,
        vec![serde_json::json!("1"), serde_json::json!("11")],
        "each with its own req_id"
    );
    assert_eq!(trades.len(), 4, "{trades:#?}");

    let first = &trades[0];
    assert_eq!(&*first.exchange, "BYBIT");
    assert_eq!(first.symbol.as_str(), "BTC-USDT");
    assert_eq!(first.side, Side::Buy);
    assert_eq!(first.amount.to_string(), "0.500000");
    assert_eq!(first.price.to_string(), "37000.10");
    assert_eq!(
        first.id,
        Some(TradeId::Text("20f43950-d8dd-5b31-9112-a178eb6023af".into()))
    );
    assert_eq!(
        first.timestamp,
        Decimal::from_str("1700000000.123").unwrap()
    );
    assert!(first.receipt_timestamp > first.timestamp);

    let second = &trades[1];
    assert_eq!(second.symbol.as_str(), "BTC-USDT");
    assert_eq!(second.side, Side::Sell);
    assert_eq!(second.amount.to_string(), "0.001");
    assert_eq!(second.price.to_string(), "37000.2");
    assert_eq!(second.id, Some(TradeId::Number(2_290_000_000_061_666_327)));
    assert_eq!(
        second.timestamp,
        Decimal::from_str("1700000000.124").unwrap()
    );

    let third = &trades[2];
    assert_eq!(third.symbol.as_str(), "ETH-USDC");
    assert_eq!(third.side, Side::Sell);
    assert_eq!(third.amount.to_string(), "1.25");
    assert_eq!(third.price.to_string(), "2000.50");
    assert_eq!(third.id, Some(TradeId::Number(77)));
    assert_eq!(
        third.timestamp,
        Decimal::from_str("1700000000.126").unwrap()
    );

    let fourth = &trades[3];
    assert_eq!(fourth.symbol.as_str(), "USDE-USDT");
    assert_eq!(fourth.side, Side::Buy);
    assert_eq!(fourth.amount.to_string(), "100");
    assert_eq!(fourth.price.to_string(), "1.0001");
    assert_eq!(fourth.id, Some(TradeId::Number(78)));
    assert_eq!(
        fourth.timestamp,
        Decimal::from_str("1700000000.127").unwrap()
    );

    assert_eq!(stats.trades, 4);
    assert_eq!(stats.exchange_errors, 1);
    assert_eq!(stats.parse_errors, 0);
    assert_eq!(
        stats.frames, 8,
        "2 acks, pong, 4 trade frames (one not subscribed), error"
    );
}

#[tokio::test]
async fn an_unknown_symbol_fails_the_start_with_close_matches() {
    let standin = ScriptedExchange::start(script(CannedResponse::ok(instruments_info())))
        .await
        .unwrap();
    let feed = feed_for("bybit", &["OLD-USDT"], &standin, "/v5/public/spot");
    let error = start_error(&standin, feed).await.to_string();
    assert!(
        error.contains("bybit has no market OLD-USDT (did you mean "),
        "{error}"
    );
    assert_eq!(standin.websocket.connection_count(), 0);
}

#[tokio::test]
async fn a_ret_code_error_fails_the_start_with_ret_msg() {
    let body = r#"{"retCode":10001,"retMsg":"params error: category is invalid","result":{},"retExtInfo":{},"time":1672712468011}"#;
    let standin = ScriptedExchange::start(script(CannedResponse::ok(body)))
        .await
        .unwrap();
    let feed = feed_for("bybit", &["BTC-USDT"], &standin, "/v5/public/spot");
    let error = start_error(&standin, feed).await.to_string();
    assert!(
        error.contains(
            "bybit: unexpected market list: retCode 10001: params error: category is invalid"
        ),
        "{error}"
    );
    assert_eq!(standin.websocket.connection_count(), 0);
}
