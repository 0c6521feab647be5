//! Bitget spot against a loopback stand-in speaking its documented v2 wire format:
//! `subscribe` with one arg per channel and symbol, one ack per arg, trade snapshots
//! (skipped) and updates, tickers, the text `ping`/`pong`, refusals and error events.

mod common;

use std::str::FromStr;
use std::sync::Arc;

use common::{collect_events, collect_trades, json, start_error, QuickKeepAlive};
use feed_ccxt::CcxtFeed;
use feed_core::{Channel, Event, EventKind, Side, Symbol, TradeId};
use feed_testkit::{CannedResponse, ExchangeScript, ScriptedExchange, ServerFrame};
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// Online symbols, and one in `gray` (not tradable yet).
const SYMBOLS: &str = r#"{"code":"00000","msg":"success","requestTime":1695808949356,"data":[
 {"symbol":"BTCUSDT","baseCoin":"BTC","quoteCoin":"USDT","minTradeAmount":"0.0001","maxTradeAmount":"10000","takerFeeRate":"0.001","makerFeeRate":"0.001","pricePrecision":"2","quantityPrecision":"6","quotePrecision":"8","status":"online","minTradeUSDT":"5"},
 {"symbol":"ETHUSDT","baseCoin":"ETH","quoteCoin":"USDT","status":"online"},
 {"symbol":"NEWUSDT","baseCoin":"NEW","quoteCoin":"USDT","status":"gray"}]}"#;

fn number(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// A documented `trade` push: `(ts, price, size, side, tradeId)` per trade.
fn trades(action: &str, inst_id: &str, fills: &[(&str, &str, &str, &str, &str)]) -> ServerFrame {
    let data: Vec<Value> = fills
        .iter()
        .map(|(ts, price, size, side, id)| {
            json!({"ts": ts, "price": price, "size": size, "side": side, "tradeId": id})
        })
        .collect();
    ServerFrame::Text(
        json!({"action": action, "arg": {"instType": "SPOT", "channel": "trade", "instId": inst_id}, "data": data, "ts": 1_695_716_761_589_u64})
            .to_string(),
    )
}

/// A documented `ticker` push.
fn ticker(inst_id: &str, bid: &str, bid_size: &str, ask: &str, ask_size: &str) -> ServerFrame {
    ServerFrame::Text(
        json!({"action": "snapshot", "arg": {"instType": "SPOT", "channel": "ticker", "instId": inst_id},
               "data": [{"instId": inst_id, "lastPr": ask, "open24h": "27000.5", "high24h": "30668.5", "low24h": "26999.0",
                         "change24h": "-0.00002", "bidPr": bid, "askPr": ask, "bidSz": bid_size, "askSz": ask_size,
                         "baseVolume": "1.21", "quoteVolume": "32729.7", "openUtc": "27000.5", "changeUtc24h": "0",
                         "ts": "1695702438018"}], "ts": 1_695_702_438_029_u64})
        .to_string(),
    )
}

/// One ack per arg; trades: a snapshot of past trades, an update of two trades, an
/// update of ETH, one of a symbol not subscribed and an error event naming nothing;
/// tickers: one per symbol; `ping`: `pong` and one more trade.
fn script() -> ExchangeScript {
    ExchangeScript {
        markets_path: "/api/v2/spot/public/symbols".into(),
        markets: CannedResponse::ok(SYMBOLS),
        on_connect: vec![],
        on_message: Arc::new(|message: &str| {
            if message == "ping" {
                return vec![
                    "pong".into(),
                    trades(
                        "update",
                        "ETHUSDT",
                        &[("1695716770000", "1600.10", "2.5000", "sell", "9002")],
                    ),
                ];
            }
            let request = json(message);
            assert_eq!(request["op"], "subscribe", "{message}");
            let mut frames: Vec<ServerFrame> = request["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|arg| ServerFrame::Text(json!({"event": "subscribe", "arg": arg}).to_string()))
                .collect();
            let channels: Vec<&str> = request["args"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|arg| arg["channel"].as_str())
                .collect();
            if channels.contains(&"trade") {
                frames.extend([
                    trades(
                        "snapshot",
                        "BTCUSDT",
                        &[("1695716700000", "26000.0", "1.000", "buy", "1")],
                    ),
                    trades(
                        "update",
                        "BTCUSDT",
                        &[
                            ("1695716760565", "27000.5", "0.0010", "buy", "1111111111"),
                            ("1695716760570", "27000.4", "0.2000", "sell", "1111111112"),
                        ],
                    ),
                    trades(
                        "update",
                        "SOLUSDT",
                        &[("1695716760571", "20.1", "1", "buy", "5")],
                    ),
                    r#"{"event":"error","code":30002,"msg":"Unrecognized request: hello"}"#.into(),
                    trades(
                        "update",
                        "ETHUSDT",
                        &[("1695716760600", "1600.00", "1.0000", "buy", "9001")],
                    ),
                ]);
            }
            if channels.contains(&"ticker") {
                frames.extend([
                    ticker("BTCUSDT", "27000.0", "2.71", "27000.5", "8.760"),
                    ticker("ETHUSDT", "1599.99", "10", "1600.01", "0.5"),
                ]);
            }
            frames
        }),
    }
}

fn symbols() -> Vec<Symbol> {
    vec![
        Symbol::parse("BTC-USDT").unwrap(),
        Symbol::parse("ETH-USDT").unwrap(),
    ]
}

fn feed(standin: &ScriptedExchange, channels: Vec<Channel>) -> CcxtFeed {
    CcxtFeed::new("bitget", symbols(), channels)
        .unwrap()
        .with_rest_endpoint(standin.rest_base())
        .with_websocket_endpoint(standin.websocket_url("/v2/ws/public"))
}

#[tokio::test]
async fn subscribes_as_documented_and_normalizes_trades_and_tickers() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let (events, stats) = collect_events(
        &standin,
        feed(&standin, vec![Channel::Trades, Channel::Ticker]),
        &[EventKind::Trade, EventKind::Ticker],
        |events| events.len() >= 5,
    )
    .await;

    let received = standin.received();
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(
        json(&received[0]),
        json!({"op": "subscribe", "args": [
            {"instType": "SPOT", "channel": "trade", "instId": "BTCUSDT"},
            {"instType": "SPOT", "channel": "ticker", "instId": "BTCUSDT"},
            {"instType": "SPOT", "channel": "trade", "instId": "ETHUSDT"},
            {"instType": "SPOT", "channel": "ticker", "instId": "ETHUSDT"},
        ]})
    );
    let trades: Vec<_> = events
        .iter()
        .filter_map(|event| match event {
            Event::Trade(trade) => Some(trade.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        trades.len(),
        3,
        "the snapshot's past trade is skipped: {trades:#?}"
    );
    let first = &trades[0];
    assert_eq!(&*first.exchange, "BITGET");
    assert_eq!(first.symbol.as_str(), "BTC-USDT");
    assert_eq!(first.side, Side::Buy);
    assert_eq!(first.amount.to_string(), "0.0010");
    assert_eq!(first.price.to_string(), "27000.5");
    assert_eq!(first.id, Some(TradeId::Number(1_111_111_111)));
    assert_eq!(first.timestamp.to_string(), "1695716760.565");
    assert!(first.receipt_timestamp > first.timestamp);
    let second = &trades[1];
    assert_eq!(
        (second.symbol.as_str(), second.side, second.id.clone()),
        ("BTC-USDT", Side::Sell, Some(TradeId::Number(1_111_111_112)))
    );
    assert_eq!(
        (second.price.to_string(), second.amount.to_string()),
        ("27000.4".into(), "0.2000".into())
    );
    let third = &trades[2];
    assert_eq!(
        (third.symbol.as_str(), third.side, third.id.clone()),
        ("ETH-USDT", Side::Buy, Some(TradeId::Number(9001)))
    );
    assert_eq!(third.price.to_string(), "1600.00");
    assert_eq!(third.timestamp, number("1695716760.600"));

    let tickers: Vec<_> = events
        .iter()
        .filter_map(|event| match event {
            Event::Ticker(ticker) => Some(ticker.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(tickers.len(), 2, "{tickers:#?}");
    let btc = tickers
        .iter()
        .find(|t| t.symbol.as_str() == "BTC-USDT")
        .unwrap();
    assert_eq!(&*btc.exchange, "BITGET");
    assert_eq!(
        (btc.bid.to_string(), btc.ask.to_string()),
        ("27000.0".into(), "27000.5".into())
    );
    assert_eq!(btc.bid_size, Some(number("2.71")));
    assert_eq!(
        btc.ask_size.map(|size| size.to_string()),
        Some("8.760".into())
    );
    assert_eq!(btc.timestamp, Some(number("1695702438.018")));
    let eth = tickers
        .iter()
        .find(|t| t.symbol.as_str() == "ETH-USDT")
        .unwrap();
    assert_eq!(
        (eth.bid.to_string(), eth.ask.to_string()),
        ("1599.99".into(), "1600.01".into())
    );

    assert_eq!(stats.trades, 3);
    assert_eq!(stats.exchange_errors, 1, "the error event naming nothing");
    assert_eq!(stats.parse_errors, 0);
    assert_eq!(
        stats.frames, 11,
        "4 acks, 4 trade pushes, the error, 2 tickers"
    );
}

#[tokio::test]
async fn sends_the_text_ping_and_takes_the_pong() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let bitget = feed_ccxt::adapter("bitget").unwrap();
    let feed = CcxtFeed::with_adapter(
        Arc::new(QuickKeepAlive(bitget)),
        symbols(),
        vec![Channel::Trades],
    )
    .unwrap()
    .with_rest_endpoint(standin.rest_base())
    .with_websocket_endpoint(standin.websocket_url("/v2/ws/public"));
    // The fourth trade only comes after the stand-in answered the first `ping`.
    let (trades, stats) = collect_trades(&standin, feed, 4).await;

    let received = standin.received();
    assert_eq!(
        received[1], "ping",
        "the keep-alive is the plain text ping: {received:?}"
    );
    assert_eq!(trades.len(), 4, "{trades:#?}");
    let fourth = &trades[3];
    assert_eq!(
        (fourth.symbol.as_str(), fourth.side, fourth.id.clone()),
        ("ETH-USDT", Side::Sell, Some(TradeId::Number(9002)))
    );
    assert_eq!(fourth.amount.to_string(), "2.5000");
    assert_eq!(stats.parse_errors, 0, "pong is recognised");
}

#[tokio::test]
async fn a_refused_arg_fails_the_feed_naming_the_reason() {
    let standin = ScriptedExchange::start(ExchangeScript {
        on_message: Arc::new(|message: &str| {
            let request = json(message);
            let args = request["args"].as_array().unwrap();
            vec![
                ServerFrame::Text(json!({"event": "subscribe", "arg": args[0]}).to_string()),
                ServerFrame::Text(
                    json!({"event": "error", "arg": args[1], "code": 30001, "op": "subscribe",
                           "msg": "instType:SPOT,channel:trade,instId:ETHUSDT doesn't exist"})
                    .to_string(),
                ),
            ]
        }),
        ..script()
    })
    .await
    .unwrap();
    let error = start_error(&standin, feed(&standin, vec![Channel::Trades]))
        .await
        .to_string();
    assert!(
        error.contains("bitget rejected the subscription to TRADES ETH-USDT: code 30001: instType:SPOT,channel:trade,instId:ETHUSDT doesn't exist"),
        "{error}"
    );
}

#[tokio::test]
async fn a_gray_symbol_is_not_a_market() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let feed = CcxtFeed::new(
        "bitget",
        vec![Symbol::parse("NEW-USDT").unwrap()],
        vec![Channel::Trades],
    )
    .unwrap()
    .with_rest_endpoint(standin.rest_base())
    .with_websocket_endpoint(standin.websocket_url("/v2/ws/public"));
    let error = start_error(&standin, feed).await.to_string();
    assert!(error.contains("bitget has no market NEW-USDT"), "{error}");
    assert_eq!(standin.websocket.connection_count(), 0);
}
