//! Coinbase Advanced Trade against a loopback stand-in speaking its documented wire format.

mod common;

use std::str::FromStr;
use std::sync::Arc;

use common::{collect_trades, feed_for, json, start_error};
use feed_core::{Side, TradeId};
use feed_testkit::{CannedResponse, ExchangeScript, ScriptedExchange, ServerFrame};
use rust_decimal::Decimal;

/// The documented "List Public Products" shape: three online spot markets, a "-USDC" twin
/// of a "-USD" product (not a market: its trades arrive as "-USD"), a delisted product and
/// a future.
const PRODUCTS: &str = r#"{"products":[
 {"product_id":"BTC-USD","price":"64123.45","base_increment":"0.00000001","quote_increment":"0.01",
  "status":"online","cancel_only":false,"trading_disabled":false,"product_type":"SPOT",
  "quote_currency_id":"USD","base_currency_id":"BTC","is_disabled":false,"view_only":false,
  "alias":"","alias_to":["BTC-USDC"]},
 {"product_id":"BTC-USDC","status":"online","trading_disabled":false,"product_type":"SPOT",
  "quote_currency_id":"USDC","base_currency_id":"BTC","is_disabled":false,"alias":"BTC-USD","alias_to":[]},
 {"product_id":"ETH-USD","status":"online","trading_disabled":false,"product_type":"SPOT",
  "quote_currency_id":"USD","base_currency_id":"ETH","is_disabled":false},
 {"product_id":"SOL-USD","status":"online","trading_disabled":false,"product_type":"SPOT",
  "quote_currency_id":"USD","base_currency_id":"SOL","is_disabled":false},
 {"product_id":"OLD-USD","status":"delisted","trading_disabled":true,"product_type":"SPOT",
  "quote_currency_id":"USD","base_currency_id":"OLD","is_disabled":false},
 {"product_id":"BIT-28FEB25-CDE","status":"online","trading_disabled":false,"product_type":"FUTURE",
  "quote_currency_id":"USD","base_currency_id":"BIT","is_disabled":false}],
 "num_products":6}"#;

/// A documented `market_trades` message with one event of `kind` holding these
/// `(trade_id, product_id, price, size, side, time)` trades.
fn market_trades(
    sequence: u64,
    kind: &str,
    trades: &[(&str, &str, &str, &str, &str, &str)],
) -> ServerFrame {
    let trades: Vec<serde_json::Value> = trades
        .iter()
        .map(|(id, product, price, size, side, time)| {
            serde_json::json!({"trade_id": id, "product_id": product, "price": price,
                               "size": size, "side": side, "time": time})
        })
        .collect();
    serde_json::json!({"channel": "market_trades", "client_id": "",
                       "timestamp": "2023-02-09T20:19:35.39625135Z", "sequence_num": sequence,
                       "events": [{"type": kind, "trades": trades}]})
    .to_string()
    .into()
}

fn subscriptions(sequence: u64, heartbeats: bool) -> ServerFrame {
    let mut current = serde_json::json!({"market_trades": ["BTC-USD", "ETH-USD"]});
    if heartbeats {
        current["heartbeats"] = serde_json::json!(["heartbeats"]);
    }
    serde_json::json!({"channel": "subscriptions", "client_id": "",
                       "timestamp": "2023-02-09T20:32:50.714964855Z", "sequence_num": sequence,
                       "events": [{"subscriptions": current}]})
    .to_string()
    .into()
}

/// Answers the documented market_trades subscribe with its ack, a snapshot (to be skipped),
/// an update of three trades (one of a product not subscribed), an error, and an update of
/// one more trade; the heartbeats subscribe with its ack and a heartbeat; anything else
/// with an error.
fn script() -> ExchangeScript {
    ExchangeScript {
        markets_path: "/api/v3/brokerage/market/products".into(),
        markets: CannedResponse::ok(PRODUCTS),
        on_connect: vec![],
        on_message: Arc::new(|message: &str| {
            let trades_subscribe = json(
                r#"{"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channel":"market_trades"}"#,
            );
            let heartbeats_subscribe = json(r#"{"type":"subscribe","channel":"heartbeats"}"#);
            if json(message) == trades_subscribe {
                vec![
                    subscriptions(0, false),
                    market_trades(
                        1,
                        "snapshot",
                        &[
                            (
                                "629147000",
                                "BTC-USD",
                                "64000.00",
                                "1",
                                "BUY",
                                "2023-02-09T20:10:00.1Z",
                            ),
                            (
                                "81264000",
                                "ETH-USD",
                                "1600.00",
                                "2",
                                "SELL",
                                "2023-02-09T20:11:00.2Z",
                            ),
                        ],
                    ),
                    market_trades(
                        2,
                        "update",
                        &[
                            (
                                "629147539",
                                "BTC-USD",
                                "64123.45",
                                "0.00150000",
                                "SELL",
                                "2023-02-09T20:19:35.396251350Z",
                            ),
                            (
                                "73001",
                                "SOL-USD",
                                "20.10",
                                "3",
                                "BUY",
                                "2023-02-09T20:19:35.4Z",
                            ),
                            (
                                "81264223",
                                "ETH-USD",
                                "1650.10",
                                "2.5",
                                "BUY",
                                "2023-02-09T20:19:35.512Z",
                            ),
                        ],
                    ),
                    r#"{"type":"error","message":"failure to subscribe"}"#.into(),
                    market_trades(
                        3,
                        "update",
                        &[(
                            "629147540",
                            "BTC-USD",
                            "64123.46",
                            "0.1",
                            "BUY",
                            "2023-02-09T20:19:36Z",
                        )],
                    ),
                ]
            } else if json(message) == heartbeats_subscribe {
                vec![
                    subscriptions(4, true),
                    r#"{"channel":"heartbeats","client_id":"","timestamp":"2023-06-23T20:31:26.122969572Z","sequence_num":5,"events":[{"current_time":"2023-06-23 20:31:56.121961769 +0000 UTC m=+91717.525857105","heartbeat_counter":"3049"}]}"#.into(),
                ]
            } else {
                vec![r#"{"type":"error","message":"unexpected subscribe message"}"#.into()]
            }
        }),
    }
}

#[tokio::test]
async fn subscribes_as_documented_and_normalizes_trades() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let feed = feed_for("coinbase", &["BTC-USD", "ETH-USD"], &standin, "/");
    let (trades, stats) = collect_trades(&standin, feed, 3).await;

    let received: Vec<serde_json::Value> = standin.received().iter().map(|m| json(m)).collect();
    assert_eq!(
        received,
        vec![
            json(
                r#"{"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channel":"market_trades"}"#
            ),
            json(r#"{"type":"subscribe","channel":"heartbeats"}"#),
        ],
        "one subscribe per channel, as documented"
    );
    assert_eq!(trades.len(), 3, "{trades:#?}");
    let first = &trades[0];
    assert_eq!(&*first.exchange, "COINBASE");
    assert_eq!(first.symbol.as_str(), "BTC-USD");
    // Coinbase's side is the maker's: the wire's SELL is a taker buy.
    assert_eq!(first.side, Side::Buy);
    assert_eq!(first.price.to_string(), "64123.45");
    assert_eq!(first.amount.to_string(), "0.00150000");
    assert_eq!(first.id, Some(TradeId::Number(629_147_539)));
    assert_eq!(
        first.timestamp,
        Decimal::from_str("1675973975.396251350").unwrap(),
        "nanoseconds kept"
    );
    assert!(first.receipt_timestamp > first.timestamp);
    let second = &trades[1];
    assert_eq!(&*second.exchange, "COINBASE");
    assert_eq!(second.symbol.as_str(), "ETH-USD");
    assert_eq!(second.side, Side::Sell);
    assert_eq!(second.price.to_string(), "1650.10");
    assert_eq!(second.amount.to_string(), "2.5");
    assert_eq!(second.id, Some(TradeId::Number(81_264_223)));
    assert_eq!(
        second.timestamp,
        Decimal::from_str("1675973975.512").unwrap()
    );
    let third = &trades[2];
    assert_eq!(third.symbol.as_str(), "BTC-USD");
    assert_eq!(third.side, Side::Sell);
    assert_eq!(third.price.to_string(), "64123.46");
    assert_eq!(third.amount.to_string(), "0.1");
    assert_eq!(third.id, Some(TradeId::Number(629_147_540)));
    assert_eq!(third.timestamp, Decimal::from(1_675_973_976));

    assert_eq!(
        stats.frames, 7,
        "ack, snapshot, 2 updates, error; heartbeats ack, heartbeat"
    );
    assert_eq!(stats.trades, 3, "snapshot and SOL-USD trades skipped");
    assert_eq!(stats.exchange_errors, 1);
    assert_eq!(stats.parse_errors, 0);
}

#[tokio::test]
async fn a_usdc_twin_is_not_a_market() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let feed = feed_for("coinbase", &["BTC-USDC"], &standin, "/");
    let error = start_error(&standin, feed).await.to_string();
    assert!(
        error.contains("coinbase has no market BTC-USDC (did you mean ")
            && error.contains("BTC-USD"),
        "{error}"
    );
    assert_eq!(standin.websocket.connection_count(), 0);
}
