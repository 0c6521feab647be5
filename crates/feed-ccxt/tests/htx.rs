//! HTX against a loopback stand-in that sends every frame gzip-compressed as HTX does:
//! server pings answered with the same number, `sub` acknowledged by id, several trades per
//! tick, best bid/offer, a market not subscribed, an error frame, a refused topic.

mod common;

use std::io::Write;
use std::sync::Arc;

use common::{collect_events, json, start_error};
use feed_ccxt::CcxtFeed;
use feed_core::{Channel, Event, EventKind, Side, Symbol, TradeId};
use feed_testkit::{CannedResponse, ExchangeScript, ScriptedExchange, ServerFrame};

const SYMBOLS: &str = r#"{"status":"ok","data":[
 {"base-currency":"btc","quote-currency":"usdt","price-precision":2,"amount-precision":6,"symbol-partition":"main","symbol":"btcusdt","state":"online","value-precision":8,"min-order-amt":0.0001,"max-order-amt":1000,"min-order-value":5,"leverage-ratio":5,"api-trading":"enabled"},
 {"base-currency":"eth","quote-currency":"usdt","symbol":"ethusdt","state":"online"},
 {"base-currency":"xrp","quote-currency":"usdt","symbol":"xrpusdt","state":"online"},
 {"base-currency":"old","quote-currency":"usdt","symbol":"oldusdt","state":"offline"}]}"#;

fn gzip(text: &str) -> ServerFrame {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text.as_bytes()).unwrap();
    ServerFrame::Binary(encoder.finish().unwrap())
}

/// Two trades of btcusdt in one tick (the second's amount in exponent notation, as a JSON
/// number may be written), then one of ethusdt.
const TRADES: &str = r#"{"ch":"market.btcusdt.trade.detail","ts":1630994963175,"tick":{"id":137005445109,"ts":1630994963173,"data":[{"id":137005445109359286410323766,"ts":1630994963173,"tradeId":102523573486,"amount":0.006754,"price":52648.62,"direction":"buy"},{"id":137005445109359286410323767,"ts":1630994963174,"tradeId":102523573487,"amount":1.50e-3,"price":52648.10,"direction":"sell"}]}}"#;
const ETH_TRADE: &str = r#"{"ch":"market.ethusdt.trade.detail","ts":1630994963180,"tick":{"id":1,"ts":1630994963179,"data":[{"id":2,"ts":1630994963179,"tradeId":900,"amount":2,"price":3500.5,"direction":"sell"}]}}"#;
const XRP_TRADE: &str = r#"{"ch":"market.xrpusdt.trade.detail","ts":1,"tick":{"id":1,"ts":1,"data":[{"id":1,"ts":1,"tradeId":1,"amount":1,"price":1,"direction":"buy"}]}}"#;

fn bbo(bid: &str) -> String {
    format!(
        r#"{{"ch":"market.btcusdt.bbo","ts":1630994555540,"tick":{{"seqId":137005172456,"ask":52659.23,"askSize":0.058146,"bid":{bid},"bidSize":0.132785,"quoteTime":1630994555540,"symbol":"btcusdt"}}}}"#
    )
}

/// A ping on connect; `sub`s answered with their ack and data; the pong with one more
/// ticker (so the test sees it arrived); an unknown topic refused by id.
fn script() -> ExchangeScript {
    ExchangeScript {
        markets_path: "/v1/common/symbols".into(),
        markets: CannedResponse::ok(SYMBOLS),
        on_connect: vec![gzip(r#"{"ping":1492420473027}"#)],
        on_message: Arc::new(|message: &str| {
            let request = json(message);
            if request.get("pong").is_some() {
                assert_eq!(message, r#"{"pong":1492420473027}"#);
                return vec![gzip(&bbo("52659.20"))];
            }
            let topic = request["sub"].as_str().unwrap_or_default().to_owned();
            let id = request["id"].as_str().unwrap_or_default().to_owned();
            let ack = gzip(&format!(
                r#"{{"id":"{id}","status":"ok","subbed":"{topic}","ts":1489474081631}}"#
            ));
            match topic.as_str() {
                "market.btcusdt.trade.detail" => vec![ack, gzip(TRADES), gzip(XRP_TRADE)],
                "market.ethusdt.trade.detail" => vec![
                    ack,
                    gzip(ETH_TRADE),
                    gzip(
                        r#"{"status":"error","err-code":"too-many-requests","err-msg":"rate limited"}"#,
                    ),
                ],
                "market.btcusdt.bbo" | "market.ethusdt.bbo" => vec![ack, gzip(&bbo("52659.22"))],
                _ => vec![gzip(&format!(
                    r#"{{"id":"{id}","status":"error","err-code":"bad-request","err-msg":"invalid topic {topic}","ts":1494301904959}}"#
                ))],
            }
        }),
    }
}

fn feed(standin: &ScriptedExchange, symbols: &[&str], channels: Vec<Channel>) -> CcxtFeed {
    let symbols = symbols.iter().map(|s| Symbol::parse(s).unwrap()).collect();
    CcxtFeed::new("htx", symbols, channels)
        .unwrap()
        .with_rest_endpoint(standin.rest_base())
        .with_websocket_endpoint(standin.websocket_url(""))
}

fn count(events: &[Event], kind: EventKind) -> usize {
    events.iter().filter(|event| event.kind() == kind).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gzip_frames_pings_acks_trades_and_tickers() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let feed = feed(
        &standin,
        &["BTC-USDT", "ETH-USDT"],
        vec![Channel::Trades, Channel::Ticker],
    );
    let (events, stats) = collect_events(
        &standin,
        feed,
        &[EventKind::Trade, EventKind::Ticker],
        |events| count(events, EventKind::Trade) >= 3 && count(events, EventKind::Ticker) >= 3,
    )
    .await;

    let received: Vec<serde_json::Value> = standin.received().iter().map(|m| json(m)).collect();
    let subs: Vec<&serde_json::Value> =
        received.iter().filter(|m| m.get("sub").is_some()).collect();
    assert_eq!(
        subs,
        [
            &serde_json::json!({"sub":"market.btcusdt.trade.detail","id":"1"}),
            &serde_json::json!({"sub":"market.btcusdt.bbo","id":"2"}),
            &serde_json::json!({"sub":"market.ethusdt.trade.detail","id":"3"}),
            &serde_json::json!({"sub":"market.ethusdt.bbo","id":"4"}),
        ]
    );
    assert_eq!(
        received.iter().filter(|m| m.get("pong").is_some()).count(),
        1,
        "the ping answered once"
    );

    let trades: Vec<&feed_core::Trade> = events
        .iter()
        .filter_map(|event| match event {
            Event::Trade(trade) => Some(trade),
            _ => None,
        })
        .collect();
    assert_eq!(trades.len(), 3, "{trades:#?}");
    assert_eq!(&*trades[0].exchange, "HTX");
    assert_eq!(trades[0].symbol.as_str(), "BTC-USDT");
    assert_eq!(trades[0].side, Side::Buy, "direction is the taker's");
    assert_eq!(trades[0].price.to_string(), "52648.62");
    assert_eq!(trades[0].amount.to_string(), "0.006754");
    assert_eq!(trades[0].id, Some(TradeId::Number(102_523_573_486)));
    assert_eq!(trades[0].timestamp.to_string(), "1630994963.173");
    assert_eq!(trades[1].side, Side::Sell);
    assert_eq!(
        trades[1].price.to_string(),
        "52648.10",
        "read from its text"
    );
    assert_eq!(trades[1].amount.to_string(), "0.00150");
    assert_eq!(trades[1].id, Some(TradeId::Number(102_523_573_487)));
    assert_eq!(
        (
            trades[2].symbol.as_str(),
            trades[2].side,
            trades[2].id.clone()
        ),
        ("ETH-USDT", Side::Sell, Some(TradeId::Number(900)))
    );
    assert_eq!(trades[2].price.to_string(), "3500.5");

    let tickers: Vec<&feed_core::Ticker> = events
        .iter()
        .filter_map(|event| match event {
            Event::Ticker(ticker) => Some(ticker),
            _ => None,
        })
        .collect();
    assert_eq!(tickers[0].symbol.as_str(), "BTC-USDT");
    assert_eq!(tickers[0].bid.to_string(), "52659.22");
    assert_eq!(tickers[0].bid_size.unwrap().to_string(), "0.132785");
    assert_eq!(tickers[0].ask.to_string(), "52659.23");
    assert_eq!(tickers[0].ask_size.unwrap().to_string(), "0.058146");
    assert_eq!(tickers[0].timestamp.unwrap().to_string(), "1630994555.540");
    assert!(
        tickers
            .iter()
            .any(|ticker| ticker.bid.to_string() == "52659.20"),
        "the ticker sent after the pong"
    );

    assert_eq!(stats.trades, 3);
    assert_eq!(stats.exchange_errors, 1, "the error naming no request");
    assert_eq!(stats.parse_errors, 0);
}

#[tokio::test]
async fn a_refused_topic_stops_the_start_with_the_exchange_words() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let error = start_error(
        &standin,
        feed(&standin, &["XRP-USDT"], vec![Channel::Ticker]),
    )
    .await
    .to_string();
    assert!(
        error.contains("bad-request: invalid topic market.xrpusdt.bbo"),
        "{error}"
    );
    let error = start_error(
        &standin,
        feed(&standin, &["OLD-USDT"], vec![Channel::Trades]),
    )
    .await
    .to_string();
    assert!(error.contains("htx has no market OLD-USDT"), "{error}");
}
