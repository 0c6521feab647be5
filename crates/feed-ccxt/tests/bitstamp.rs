//! Bitstamp against a loopback stand-in speaking its documented wire format: one
//! `bts:subscribe` per channel answered by `bts:subscription_succeeded`, heartbeats
//! answered, trades of two markets (and of one not subscribed), an error frame, and
//! `bts:request_reconnect` followed by a new connection.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use common::{collect_trades, json, QuickKeepAlive};
use feed_ccxt::CcxtFeed;
use feed_core::{Channel, Side, Symbol, TradeId};
use feed_testkit::{CannedResponse, ExchangeScript, MessageScript, ScriptedExchange, ServerFrame};

const PAIRS: &str = r#"[
 {"name":"BTC/USD","url_symbol":"btcusd","base_decimals":8,"counter_decimals":0,"instant_order_counter_decimals":2,"minimum_order":"10 USD","trading":"Enabled","instant_and_market_orders":"Enabled","description":"Bitcoin / U.S. dollar"},
 {"name":"ETH/EUR","url_symbol":"etheur","base_decimals":8,"counter_decimals":2,"trading":"Enabled"},
 {"name":"XRP/USD","url_symbol":"xrpusd","base_decimals":8,"counter_decimals":5,"trading":"Enabled"},
 {"name":"OLD/USD","url_symbol":"oldusd","base_decimals":8,"counter_decimals":2,"trading":"Disabled"}]"#;

fn trade(pair: &str, id: u64, kind: u8, amount: &str, price: &str, micros: &str) -> ServerFrame {
    format!(
        r#"{{"data":{{"id":{id},"timestamp":"1687962048","amount":{amount},"amount_str":"{amount}","price":{price},"price_str":"{price}","type":{kind},"microtimestamp":"{micros}","buy_order_id":1634934838558721,"sell_order_id":1634934839877632}},"channel":"live_trades_{pair}","event":"trade"}}"#
    )
    .into()
}

fn succeeded(channel: &str) -> ServerFrame {
    format!(r#"{{"event":"bts:subscription_succeeded","channel":"{channel}","data":{{}}}}"#).into()
}

/// With `reconnect_first`, the first connection's btcusd subscription is followed by
/// `bts:request_reconnect`; later ones by the usual trades.
fn on_message(reconnect_first: bool) -> MessageScript {
    let asked = Arc::new(AtomicBool::new(false));
    Arc::new(move |message: &str| {
        let request = json(message);
        match request["event"].as_str() {
            Some("bts:heartbeat") => vec![
                r#"{"event":"bts:heartbeat","channel":"","data":{"status":"success"}}"#.into(),
                trade("etheur", 99, 0, "0.1", "1800.00", "1687962049000001"),
            ],
            Some("bts:subscribe") => {
                let channel = request["data"]["channel"].as_str().unwrap_or_default();
                match channel {
                    "live_trades_btcusd" if reconnect_first && !asked.swap(true, Ordering::SeqCst) => vec![
                        succeeded(channel),
                        trade("btcusd", 1, 0, "0.5", "30000", "1687962048000000"),
                        r#"{"event":"bts:request_reconnect","channel":"","data":""}"#.into(),
                    ],
                    "live_trades_btcusd" => vec![
                        succeeded(channel),
                        trade("btcusd", 288014064, 1, "0.00284000", "30478", "1687962048178000"),
                        trade("xrpusd", 5, 0, "10", "0.5", "1687962048178001"),
                        r#"{"event":"bts:error","channel":"","data":{"code":null,"message":"Bad subscription string."}}"#.into(),
                        trade("btcusd", 288014065, 0, "1.5", "30478.5", "1687962048178002"),
                    ],
                    "live_trades_etheur" => vec![
                        succeeded(channel),
                        trade("etheur", 7, 1, "2.00000000", "1800.10", "1687962048200000"),
                    ],
                    _ => vec![r#"{"event":"bts:error","channel":"","data":{"code":null,"message":"Bad subscription string."}}"#.into()],
                }
            }
            _ => vec![],
        }
    })
}

async fn standin(reconnect_first: bool) -> ScriptedExchange {
    ScriptedExchange::start(ExchangeScript {
        markets_path: "/api/v2/trading-pairs-info/".into(),
        markets: CannedResponse::ok(PAIRS),
        on_connect: vec![],
        on_message: on_message(reconnect_first),
    })
    .await
    .unwrap()
}

/// A feed of TRADES for `symbols`, heartbeating every second.
fn feed(standin: &ScriptedExchange, symbols: &[&str]) -> CcxtFeed {
    let adapter = feed_ccxt::adapter("bitstamp").unwrap();
    let symbols = symbols.iter().map(|s| Symbol::parse(s).unwrap()).collect();
    CcxtFeed::with_adapter(
        Arc::new(QuickKeepAlive(adapter)),
        symbols,
        vec![Channel::Trades],
    )
    .unwrap()
    .with_rest_endpoint(standin.rest_base())
    .with_websocket_endpoint(standin.websocket_url(""))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribes_per_channel_heartbeats_and_normalizes_trades() {
    let standin = standin(false).await;
    let (trades, stats) =
        collect_trades(&standin, feed(&standin, &["BTC-USD", "ETH-EUR"]), 4).await;

    let received: Vec<serde_json::Value> = standin.received().iter().map(|m| json(m)).collect();
    assert_eq!(
        received[..2],
        [
            serde_json::json!({"event":"bts:subscribe","data":{"channel":"live_trades_btcusd"}}),
            serde_json::json!({"event":"bts:subscribe","data":{"channel":"live_trades_etheur"}}),
        ]
    );
    assert!(
        received[2..]
            .iter()
            .all(|m| *m == serde_json::json!({"event":"bts:heartbeat"})),
        "{received:?}"
    );
    assert!(received.len() >= 3, "a heartbeat was sent");

    assert_eq!(trades.len(), 4, "{trades:#?}");
    let first = &trades[0];
    assert_eq!(&*first.exchange, "BITSTAMP");
    assert_eq!(first.symbol.as_str(), "BTC-USD");
    assert_eq!(first.side, Side::Sell, "type 1: the taker sold");
    assert_eq!(first.amount.to_string(), "0.00284000");
    assert_eq!(first.price.to_string(), "30478");
    assert_eq!(first.id, Some(TradeId::Number(288_014_064)));
    assert_eq!(first.timestamp.to_string(), "1687962048.178000");
    assert_eq!(
        (
            trades[1].symbol.as_str(),
            trades[1].side,
            trades[1].price.to_string()
        ),
        ("BTC-USD", Side::Buy, "30478.5".to_owned())
    );
    assert_eq!(
        (
            trades[2].symbol.as_str(),
            trades[2].side,
            trades[2].amount.to_string()
        ),
        ("ETH-EUR", Side::Sell, "2.00000000".to_owned())
    );
    assert_eq!(
        trades[3].id,
        Some(TradeId::Number(99)),
        "sent on a heartbeat"
    );

    assert_eq!(stats.exchange_errors, 1);
    assert_eq!(stats.parse_errors, 0);
    assert_eq!(stats.connections, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reconnect_request_opens_a_new_connection_and_subscribes_again() {
    let standin = standin(true).await;
    let (trades, stats) = collect_trades(&standin, feed(&standin, &["BTC-USD"]), 3).await;
    assert_eq!(trades.len(), 3, "{trades:#?}");
    assert_eq!(trades[0].id, Some(TradeId::Number(1)));
    assert_eq!(
        trades[1].id,
        Some(TradeId::Number(288_014_064)),
        "after the reconnect"
    );
    assert_eq!(stats.connections, 2);
    assert!(stats.reconnects >= 1);
    let subscribes = standin
        .received()
        .iter()
        .filter(|m| m.contains("bts:subscribe"))
        .count();
    assert_eq!(subscribes, 2, "subscribed again on the new connection");
}

#[test]
fn ticker_is_refused_naming_the_channels_bitstamp_has() {
    let error = CcxtFeed::new(
        "bitstamp",
        vec![Symbol::parse("BTC-USD").unwrap()],
        vec![Channel::Ticker],
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "bitstamp does not support channel TICKER (supported: TRADES, L2_BOOK)"
    );
}
