//! OKX against a loopback stand-in speaking its documented wire format.

mod common;

use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{collect_trades, feed_for, json, start_error, via_proxy, QuickKeepAlive};
use feed_ccxt::CcxtFeed;
use feed_core::{Channel, Side, Symbol, Trade, TradeId};
use feed_testkit::proxies::{start_tinyproxy, TinyproxyOptions, TINYPROXY_EGRESS};
use feed_testkit::{CannedResponse, ExchangeScript, ScriptedExchange, ServerFrame};
use rust_decimal::Decimal;

/// The documented response: live spot instruments, one `preopen`.
const INSTRUMENTS: &str = r#"{"code":"0","msg":"","data":[
 {"baseCcy":"BTC","instId":"BTC-USDT","instType":"SPOT","lotSz":"0.00000001","minSz":"0.00001","quoteCcy":"USDT","state":"live","tickSz":"0.1"},
 {"baseCcy":"ETH","instId":"ETH-USDT","instType":"SPOT","lotSz":"0.000001","minSz":"0.0001","quoteCcy":"USDT","state":"live","tickSz":"0.01"},
 {"baseCcy":"BTC","instId":"BTC-USDC","instType":"SPOT","lotSz":"0.00000001","minSz":"0.00001","quoteCcy":"USDC","state":"live","tickSz":"0.1"},
 {"baseCcy":"NEWCOIN","instId":"NEWCOIN-USDT","instType":"SPOT","listTime":"1760000000000","quoteCcy":"USDT","state":"preopen","tickSz":"0.0001"}]}"#;

const SUBSCRIBE: &str = r#"{"op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"},{"channel":"trades","instId":"ETH-USDT"}]}"#;

/// A documented `trades` push of one instrument: `(tradeId, px, sz, side, ts)` per trade.
fn trades(inst_id: &str, fills: &[(&str, &str, &str, &str, &str)]) -> ServerFrame {
    let data: Vec<String> = fills
        .iter()
        .map(|(id, px, sz, side, ts)| {
            format!(
                r#"{{"instId":"{inst_id}","tradeId":"{id}","px":"{px}","sz":"{sz}","side":"{side}","ts":"{ts}","count":"1","seqId":1234}}"#
            )
        })
        .collect();
    ServerFrame::Text(format!(
        r#"{{"arg":{{"channel":"trades","instId":"{inst_id}"}},"data":[{}]}}"#,
        data.join(",")
    ))
}

fn ack(inst_id: &str) -> ServerFrame {
    ServerFrame::Text(format!(
        r#"{{"event":"subscribe","arg":{{"channel":"trades","instId":"{inst_id}"}},"connId":"a4d3ae55"}}"#
    ))
}

/// Answers the documented subscribe with an ack per arg, a push of two trades, a push of
/// one, a push of a market not subscribed, the documented error for an unknown instrument
/// and a service-upgrade notice; answers `ping` with `pong` (the first one followed by one
/// more trade); anything else with the documented error for a malformed request.
fn script(markets: CannedResponse) -> ExchangeScript {
    let pings = Arc::new(AtomicUsize::new(0));
    ExchangeScript {
        markets_path: "/api/v5/public/instruments".into(),
        markets,
        on_connect: vec![],
        on_message: Arc::new(move |message: &str| {
            if message == "ping" {
                if pings.fetch_add(1, Ordering::SeqCst) > 0 {
                    return vec!["pong".into()];
                }
                return vec![
                    "pong".into(),
                    trades(
                        "ETH-USDT",
                        &[("9002", "2000.50", "0.5", "buy", "1700000001000")],
                    ),
                ];
            }
            if serde_json::from_str::<serde_json::Value>(message).ok() != Some(json(SUBSCRIBE)) {
                return vec![r#"{"event":"error","code":"60012","msg":"Invalid request","connId":"a4d3ae55"}"#.into()];
            }
            vec![
                ack("BTC-USDT"),
                ack("ETH-USDT"),
                trades(
                    "BTC-USDT",
                    &[
                        ("130639474", "42219.9", "0.12060306", "buy", "1630048897897"),
                        ("130639477", "42219.80", "1.0", "sell", "1630048897898"),
                    ],
                ),
                trades(
                    "ETH-USDT",
                    &[("9001", "2000.5", "1.25000", "sell", "1700000000123")],
                ),
                trades(
                    "BTC-USDC",
                    &[("1", "42220.0", "1", "buy", "1700000000124")],
                ),
                r#"{"event":"error","msg":"Wrong URL or channel:trades,instId:BTC-USDX doesn't exist. Please use the correct URL, channel and parameters referring to API document.","code":"60018","connId":"b2b0944b"}"#.into(),
                r#"{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade. Please reconnect.","connId":"a4d3ae55"}"#.into(),
            ]
        }),
    }
}

fn assert_first_three(trades: &[Trade]) {
    let first = &trades[0];
    assert_eq!(&*first.exchange, "OKX");
    assert_eq!(first.symbol.as_str(), "BTC-USDT");
    assert_eq!(first.side, Side::Buy);
    assert_eq!(first.price.to_string(), "42219.9");
    assert_eq!(first.amount.to_string(), "0.12060306");
    assert_eq!(first.id, Some(TradeId::Number(130_639_474)));
    assert_eq!(
        first.timestamp,
        Decimal::from_str("1630048897.897").unwrap()
    );
    assert!(first.receipt_timestamp > first.timestamp);
    let second = &trades[1];
    assert_eq!(
        (second.symbol.as_str(), second.side, second.id.clone()),
        ("BTC-USDT", Side::Sell, Some(TradeId::Number(130_639_477)))
    );
    assert_eq!(second.price.to_string(), "42219.80");
    assert_eq!(second.amount.to_string(), "1.0");
    assert_eq!(second.timestamp.to_string(), "1630048897.898");
    let third = &trades[2];
    assert_eq!(
        (third.symbol.as_str(), third.side, third.id.clone()),
        ("ETH-USDT", Side::Sell, Some(TradeId::Number(9001)))
    );
    assert_eq!(third.price.to_string(), "2000.5");
    assert_eq!(third.amount.to_string(), "1.25000");
    assert_eq!(third.timestamp.to_string(), "1700000000.123");
}

#[tokio::test]
async fn subscribes_as_documented_and_normalizes_trades() {
    let standin = ScriptedExchange::start(script(CannedResponse::ok(INSTRUMENTS)))
        .await
        .unwrap();
    let feed = feed_for("okx", &["BTC-USDT", "ETH-USDT"], &standin, "/ws/v5/public");
    let (trades, stats) = collect_trades(&standin, feed, 3).await;

    assert_eq!(standin.received().len(), 1, "{:?}", standin.received());
    assert_eq!(json(&standin.received()[0]), json(SUBSCRIBE));
    assert_eq!(trades.len(), 3, "{trades:#?}");
    assert_first_three(&trades);
    assert_eq!(stats.trades, 3);
    assert_eq!(stats.exchange_errors, 1, "the 60018 error");
    assert_eq!(stats.parse_errors, 0);
    assert_eq!(
        stats.frames, 7,
        "2 acks, 3 pushes (one not subscribed), error, notice"
    );
}

#[tokio::test]
async fn sends_the_text_ping_and_takes_the_pong() {
    let standin = ScriptedExchange::start(script(CannedResponse::ok(INSTRUMENTS)))
        .await
        .unwrap();
    let okx = feed_ccxt::adapter("okx").unwrap();
    let symbols = vec![
        Symbol::parse("BTC-USDT").unwrap(),
        Symbol::parse("ETH-USDT").unwrap(),
    ];
    let feed = CcxtFeed::with_adapter(
        Arc::new(QuickKeepAlive(okx)),
        symbols,
        vec![Channel::Trades],
    )
    .unwrap()
    .with_rest_endpoint(standin.rest_base())
    .with_websocket_endpoint(standin.websocket_url("/ws/v5/public"));
    // The fourth trade only comes after the stand-in answered the first `ping`.
    let (trades, stats) = collect_trades(&standin, feed, 4).await;

    let received = standin.received();
    assert_eq!(received.len(), 2, "{received:?}");
    assert_eq!(json(&received[0]), json(SUBSCRIBE));
    assert_eq!(received[1], "ping", "the keep-alive is the plain text ping");
    assert_eq!(trades.len(), 4, "{trades:#?}");
    assert_first_three(&trades);
    let fourth = &trades[3];
    assert_eq!(
        (fourth.symbol.as_str(), fourth.side, fourth.id.clone()),
        ("ETH-USDT", Side::Buy, Some(TradeId::Number(9002)))
    );
    assert_eq!(fourth.price.to_string(), "2000.50");
    assert_eq!(fourth.timestamp.to_string(), "1700000001.000");
    assert_eq!(stats.exchange_errors, 1);
    assert_eq!(stats.parse_errors, 0, "the pong is not an error");
    assert_eq!(stats.frames, 9, "7 frames, then the pong and a push");
}

#[tokio::test]
async fn a_preopen_instrument_is_not_a_market() {
    let standin = ScriptedExchange::start(script(CannedResponse::ok(INSTRUMENTS)))
        .await
        .unwrap();
    let feed = feed_for("okx", &["NEWCOIN-USDT"], &standin, "/ws/v5/public");
    let error = start_error(&standin, feed).await.to_string();
    assert!(error.contains("okx has no market NEWCOIN-USDT"), "{error}");
    assert_eq!(standin.websocket.connection_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_through_a_real_http_connect_proxy() {
    let tinyproxy = start_tinyproxy(TinyproxyOptions::new()).expect("start tinyproxy");
    let standin = ScriptedExchange::start(script(CannedResponse::ok(INSTRUMENTS)))
        .await
        .unwrap();
    let feed = via_proxy(
        feed_for("okx", &["BTC-USDT", "ETH-USDT"], &standin, "/ws/v5/public"),
        "okx",
        &tinyproxy.url("http"),
    );
    let (trades, stats) = collect_trades(&standin, feed, 3).await;
    assert_eq!(trades.len(), 3, "{trades:#?}");
    assert_first_three(&trades);
    assert!(
        stats.route.starts_with("http://127.0.0.1:"),
        "{}",
        stats.route
    );
    let egress = std::net::IpAddr::V4(TINYPROXY_EGRESS);
    assert_eq!(
        standin.rest.peer_ips(),
        vec![egress],
        "REST went through tinyproxy"
    );
    assert_eq!(
        standin.websocket.peer_ips(),
        vec![egress],
        "WebSocket went through tinyproxy"
    );
}
