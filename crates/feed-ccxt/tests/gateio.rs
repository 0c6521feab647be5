//! Gate spot against a loopback stand-in speaking its documented wire format: subscribe
//! requests (with `time` and `id`) and their answers, trades and best bid/ask pushes,
//! `spot.ping`/`spot.pong`, refusals and error frames.

mod common;

use std::str::FromStr;
use std::sync::Arc;

use common::{collect_events, collect_trades, json, start_error, QuickKeepAlive};
use feed_ccxt::CcxtFeed;
use feed_core::{Channel, Event, EventKind, Side, Symbol, TradeId};
use feed_testkit::{CannedResponse, ExchangeScript, ScriptedExchange, ServerFrame};
use rust_decimal::Decimal;

/// Tradable pairs and one that is not.
const CURRENCY_PAIRS: &str = r#"[
 {"id":"BTC_USDT","base":"BTC","base_name":"Bitcoin","quote":"USDT","quote_name":"Tether","fee":"0.2","min_base_amount":"0.00001","min_quote_amount":"3","amount_precision":6,"precision":1,"trade_status":"tradable","sell_start":1516378650,"buy_start":1516378650,"delisting_time":0,"type":"normal"},
 {"id":"ETH_USDT","base":"ETH","quote":"USDT","fee":"0.2","amount_precision":4,"precision":2,"trade_status":"tradable","sell_start":0,"buy_start":0},
 {"id":"OLD_USDT","base":"OLD","quote":"USDT","trade_status":"untradable"}]"#;

fn number(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// A documented `spot.trades` update.
fn trade(pair: &str, id: u64, side: &str, amount: &str, price: &str, ms: &str) -> ServerFrame {
    ServerFrame::Text(format!(
        r#"{{"time":1606292218,"time_ms":1606292218231,"channel":"spot.trades","event":"update","result":{{"id":{id},"create_time":1606292218,"create_time_ms":"{ms}","side":"{side}","currency_pair":"{pair}","amount":"{amount}","price":"{price}","range":"2390902-2390902"}}}}"#
    ))
}

/// A documented `spot.book_ticker` update.
fn book_ticker(
    pair: &str,
    bid: &str,
    bid_amount: &str,
    ask: &str,
    ask_amount: &str,
) -> ServerFrame {
    ServerFrame::Text(format!(
        r#"{{"time":1606293275,"time_ms":1606293275723,"channel":"spot.book_ticker","event":"update","result":{{"t":1606293275123,"u":48733182,"s":"{pair}","b":"{bid}","B":"{bid_amount}","a":"{ask}","A":"{ask_amount}"}}}}"#
    ))
}

fn ack(channel: &str, id: &serde_json::Value) -> ServerFrame {
    ServerFrame::Text(format!(
        r#"{{"time":1606292218,"time_ms":1606292218231,"id":{id},"conn_id":"b61f70b2e6bcca91","channel":"{channel}","event":"subscribe","result":{{"status":"success"}}}}"#
    ))
}

const PONG: &str = r#"{"time":1606292219,"time_ms":1606292219000,"conn_id":"b61f70b2e6bcca91","channel":"spot.pong","event":"","result":null}"#;

/// Checks the documented request shape (a `time` within a minute of now) and returns it.
fn request(message: &str) -> serde_json::Value {
    let request = json(message);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let time = request["time"].as_u64().expect("a time in seconds");
    assert!(time.abs_diff(now) < 60, "time {time}, now {now}");
    assert_eq!(request["event"], "subscribe");
    request
}

/// Answers each subscribe as documented, then streams: trades of both pairs (one array of
/// two), a trade of a pair not subscribed, an error frame naming no request, tickers; a
/// `spot.ping` gets its `spot.pong` and one more trade.
fn script() -> ExchangeScript {
    ExchangeScript {
        markets_path: "/api/v4/spot/currency_pairs".into(),
        markets: CannedResponse::ok(CURRENCY_PAIRS),
        on_connect: vec![],
        on_message: Arc::new(|message: &str| {
            if json(message) == json(r#"{"channel":"spot.ping"}"#) {
                return vec![
                    PONG.into(),
                    trade(
                        "ETH_USDT",
                        9002,
                        "buy",
                        "0.5000",
                        "2000.50",
                        "1606292220000",
                    ),
                ];
            }
            let request = request(message);
            match request["channel"].as_str() {
                Some("spot.trades") => {
                    assert_eq!(request["payload"], serde_json::json!(["BTC_USDT", "ETH_USDT"]));
                    vec![
                        ack("spot.trades", &request["id"]),
                        trade("BTC_USDT", 309143071, "sell", "0.016470", "37000.1", "1606292218213.4578"),
                        // Several records in one frame: `result` as an array.
                        ServerFrame::Text(r#"{"time":1606292218,"time_ms":1606292218300,"channel":"spot.trades","event":"update","result":[{"id":309143072,"create_time":1606292218,"create_time_ms":"1606292218250","side":"buy","currency_pair":"ETH_USDT","amount":"1.2500","price":"2000.00"},{"id":309143073,"create_time":1606292218,"create_time_ms":"1606292218260","side":"buy","currency_pair":"BTC_USDT","amount":"0.100000","price":"37000.2"}]}"#.into()),
                        trade("SOL_USDT", 1, "buy", "1", "20", "1606292218213"),
                        r#"{"time":1606292218,"time_ms":1606292218231,"channel":"spot.trades","event":"update","error":{"code":1,"message":"invalid argument"},"result":null}"#.into(),
                    ]
                }
                Some("spot.book_ticker") => {
                    assert_eq!(request["payload"], serde_json::json!(["BTC_USDT", "ETH_USDT"]));
                    vec![
                        ack("spot.book_ticker", &request["id"]),
                        book_ticker("BTC_USDT", "36999.9", "0.003341", "37000.0", "0.090000"),
                        book_ticker("ETH_USDT", "1999.99", "2.0000", "2000.01", "3.5000"),
                    ]
                }
                _ => vec![r#"{"time":1,"channel":"spot.unknown","event":"subscribe","error":{"code":2,"message":"unknown channel"},"result":null}"#.into()],
            }
        }),
    }
}

fn symbols() -> Vec<Symbol> {
    vec![
        Symbol::parse("BTC-USDT").unwrap(),
        Symbol::parse("ETH-USDT").unwrap(),
    ]
}

#[tokio::test]
async fn subscribes_as_documented_and_normalizes_trades_and_tickers() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let feed = CcxtFeed::new("gateio", symbols(), vec![Channel::Trades, Channel::Ticker])
        .unwrap()
        .with_rest_endpoint(standin.rest_base())
        .with_websocket_endpoint(standin.websocket_url("/ws/v4/"));
    let (events, stats) = collect_events(
        &standin,
        feed,
        &[EventKind::Trade, EventKind::Ticker],
        |events| events.len() >= 5,
    )
    .await;

    let received = standin.received();
    assert_eq!(received.len(), 2, "{received:?}");
    let trades: Vec<_> = events
        .iter()
        .filter_map(|event| match event {
            Event::Trade(trade) => Some(trade.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(trades.len(), 3, "{trades:#?}");
    let first = &trades[0];
    assert_eq!(&*first.exchange, "GATEIO");
    assert_eq!(first.symbol.as_str(), "BTC-USDT");
    assert_eq!(first.side, Side::Sell, "side is the taker's");
    assert_eq!(first.amount.to_string(), "0.016470");
    assert_eq!(first.price.to_string(), "37000.1");
    assert_eq!(first.id, Some(TradeId::Number(309_143_071)));
    assert_eq!(first.timestamp, number("1606292218.2134578"));
    assert!(first.receipt_timestamp > first.timestamp);
    let second = &trades[1];
    assert_eq!(
        (second.symbol.as_str(), second.side, second.id.clone()),
        ("ETH-USDT", Side::Buy, Some(TradeId::Number(309_143_072)))
    );
    assert_eq!(second.amount.to_string(), "1.2500");
    assert_eq!(second.price.to_string(), "2000.00");
    assert_eq!(second.timestamp.to_string(), "1606292218.250");
    let third = &trades[2];
    assert_eq!(
        (third.symbol.as_str(), third.side, third.id.clone()),
        ("BTC-USDT", Side::Buy, Some(TradeId::Number(309_143_073)))
    );
    assert_eq!(third.price.to_string(), "37000.2");

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
    assert_eq!(&*btc.exchange, "GATEIO");
    assert_eq!(btc.bid.to_string(), "36999.9");
    assert_eq!(
        btc.bid_size.map(|size| size.to_string()),
        Some("0.003341".into())
    );
    assert_eq!(btc.ask.to_string(), "37000.0");
    assert_eq!(
        btc.ask_size.map(|size| size.to_string()),
        Some("0.090000".into())
    );
    assert_eq!(btc.timestamp, Some(number("1606293275.123")));
    let eth = tickers
        .iter()
        .find(|t| t.symbol.as_str() == "ETH-USDT")
        .unwrap();
    assert_eq!(
        (eth.bid.to_string(), eth.ask.to_string()),
        ("1999.99".into(), "2000.01".into())
    );
    assert_eq!(eth.ask_size, Some(number("3.5000")));

    assert_eq!(stats.trades, 3);
    assert_eq!(
        stats.exchange_errors, 1,
        "the error frame naming no request"
    );
    assert_eq!(stats.parse_errors, 0);
    assert_eq!(stats.rejected, 0);
    assert_eq!(
        stats.frames, 8,
        "2 acks, 4 trade frames (one not subscribed), error, 2 tickers"
    );
}

#[tokio::test]
async fn sends_spot_ping_and_takes_the_pong() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let gateio = feed_ccxt::adapter("gateio").unwrap();
    let feed = CcxtFeed::with_adapter(
        Arc::new(QuickKeepAlive(gateio)),
        symbols(),
        vec![Channel::Trades],
    )
    .unwrap()
    .with_rest_endpoint(standin.rest_base())
    .with_websocket_endpoint(standin.websocket_url("/ws/v4/"));
    // The fourth trade only comes after the stand-in answered the first `spot.ping`.
    let (trades, stats) = collect_trades(&standin, feed, 4).await;

    let received = standin.received();
    assert_eq!(received[1], r#"{"channel":"spot.ping"}"#, "{received:?}");
    assert_eq!(trades.len(), 4, "{trades:#?}");
    let fourth = &trades[3];
    assert_eq!(
        (fourth.symbol.as_str(), fourth.side, fourth.id.clone()),
        ("ETH-USDT", Side::Buy, Some(TradeId::Number(9002)))
    );
    assert_eq!(fourth.timestamp.to_string(), "1606292220.000");
    assert_eq!(stats.parse_errors, 0, "the pong is recognised");
}

#[tokio::test]
async fn a_feed_whose_every_request_is_refused_fails_naming_the_reason() {
    let standin = ScriptedExchange::start(ExchangeScript {
        on_message: Arc::new(|message: &str| {
            let request = request(message);
            vec![ServerFrame::Text(format!(
                r#"{{"time":1606292218,"id":{},"channel":"spot.trades","event":"subscribe","error":{{"code":2,"message":"unknown currency pair"}},"result":null}}"#,
                request["id"]
            ))]
        }),
        ..script()
    })
    .await
    .unwrap();
    let feed = CcxtFeed::new("gateio", symbols(), vec![Channel::Trades])
        .unwrap()
        .with_rest_endpoint(standin.rest_base())
        .with_websocket_endpoint(standin.websocket_url("/ws/v4/"));
    // A refusal at start fails the feed, naming the subscription and Gate's words.
    let error = start_error(&standin, feed).await.to_string();
    assert!(
        error.contains(
            "gateio rejected the subscription to TRADES BTC-USDT: spot.trades: code 2: unknown currency pair"
        ),
        "{error}"
    );
}

#[tokio::test]
async fn an_untradable_pair_is_not_a_market() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let symbols = vec![Symbol::parse("OLD-USDT").unwrap()];
    let feed = CcxtFeed::new("gateio", symbols, vec![Channel::Trades])
        .unwrap()
        .with_rest_endpoint(standin.rest_base())
        .with_websocket_endpoint(standin.websocket_url("/ws/v4/"));
    let error = start_error(&standin, feed).await.to_string();
    assert!(error.contains("gateio has no market OLD-USDT"), "{error}");
    assert_eq!(standin.websocket.connection_count(), 0);
}
