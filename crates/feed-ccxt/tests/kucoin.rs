//! KuCoin against a loopback stand-in speaking its documented wire format: the connect
//! token over REST before every connection, the welcome, acks by id, pings every
//! `pingInterval` of the token answer, trades and tickers of two markets, error frames.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use common::{collect_events, json, start_error};
use feed_ccxt::CcxtFeed;
use feed_core::{Channel, Event, EventKind, Side, Symbol, TradeId};
use feed_testkit::{
    start_dynamic_http_server, CannedResponse, ExchangeScript, LoopbackServer, MessageScript,
    ScriptedExchange, ServerFrame,
};

/// Two trading markets, one not trading, one more to show the list is read whole.
const SYMBOLS: &str = r#"{"code":"200000","data":[
 {"symbol":"BTC-USDT","name":"BTC-USDT","baseCurrency":"BTC","quoteCurrency":"USDT","feeCurrency":"USDT","market":"USDS","baseMinSize":"0.00001","quoteMinSize":"0.1","baseMaxSize":"10000000000","quoteMaxSize":"99999999","baseIncrement":"0.00000001","quoteIncrement":"0.000001","priceIncrement":"0.1","priceLimitRate":"0.1","minFunds":"0.1","isMarginEnabled":true,"enableTrading":true,"feeCategory":1,"makerFeeCoefficient":"1.00","takerFeeCoefficient":"1.00","st":false},
 {"symbol":"ETH-USDT","name":"ETH-USDT","baseCurrency":"ETH","quoteCurrency":"USDT","enableTrading":true},
 {"symbol":"XRP-USDT","name":"XRP-USDT","baseCurrency":"XRP","quoteCurrency":"USDT","enableTrading":true},
 {"symbol":"OLD-USDT","name":"OLD-USDT","baseCurrency":"OLD","quoteCurrency":"USDT","enableTrading":false}]}"#;

/// The token answer: the stand-in's WebSocket as the instance server, a token that needs
/// percent-encoding, and a short ping interval so that the test sees pings.
fn bullet(websocket: &str) -> String {
    format!(
        r#"{{"code":"200000","data":{{"token":"2neAiuYvAU61ZD+XANAG=.28mIdGU0xg==","instanceServers":[{{"endpoint":"{websocket}","encrypt":true,"protocol":"websocket","pingInterval":300,"pingTimeout":10000}}]}}}}"#
    )
}

/// A REST server trusted as the stand-in's: the market list and the token, every request
/// target logged.
async fn rest(standin: &ScriptedExchange) -> (LoopbackServer, Arc<Mutex<Vec<String>>>) {
    let targets = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&targets);
    let token = bullet(&standin.websocket_url("/endpoint"));
    let server = start_dynamic_http_server(
        std::net::Ipv4Addr::LOCALHOST.into(),
        Some(standin.cert.server_config()),
        move |target| {
            log.lock().unwrap().push(target.to_owned());
            match target {
                "/api/v2/symbols" => Some(CannedResponse::ok(SYMBOLS)),
                "/api/v1/bullet-public" => Some(CannedResponse::ok(token.clone())),
                _ => None,
            }
        },
    )
    .await
    .unwrap();
    (server, targets)
}

fn matched(symbol: &str, id: u64, side: &str, price: &str, size: &str, nanos: &str) -> ServerFrame {
    format!(
        r#"{{"type":"message","topic":"/market/match:{symbol}","subject":"trade.l3match","data":{{"makerOrderId":"671b5007389355000701b1d3","price":"{price}","sequence":"{id}","side":"{side}","size":"{size}","symbol":"{symbol}","takerOrderId":"671b50161777ff00074c168d","time":"{nanos}","tradeId":"{id}","type":"match"}}}}"#
    )
    .into()
}

fn ticker(symbol: &str, bid: &str, ask: &str, time: i64) -> ServerFrame {
    format!(
        r#"{{"type":"message","topic":"/market/ticker:{symbol}","subject":"trade.ticker","data":{{"sequence":"1545896668986","price":"{bid}","size":"0.011","bestAsk":"{ask}","bestAskSize":"0.18","bestBid":"{bid}","bestBidSize":"0.036","Time":{time}}}}}"#
    )
    .into()
}

fn ack(id: u64) -> ServerFrame {
    format!(r#"{{"id":"{id}","type":"ack"}}"#).into()
}

/// Answers pings with pongs (and a fresh ticker, so that the test sees the ping arrived),
/// the trades subscription with its ack, trades of both markets, a trade of a market not
/// subscribed, an error naming no request, and one more trade; the tickers subscription
/// with its ack and a ticker; a topic it does not know with an error naming the request.
/// With `close_first`, the first connection gets one trade and is closed at its first ping.
fn on_message(closed: Arc<AtomicBool>, close_first: bool) -> MessageScript {
    Arc::new(move |message: &str| {
        let request = json(message);
        match request["type"].as_str() {
            Some("ping") => {
                assert_eq!(request, json(r#"{"id":"ping","type":"ping"}"#));
                if close_first && !closed.swap(true, Ordering::SeqCst) {
                    return vec![ServerFrame::Close];
                }
                vec![
                    r#"{"id":"ping","type":"pong"}"#.into(),
                    ticker("ETH-USDT", "2000.1", "2000.2", 1_704_873_323_999),
                ]
            }
            Some("subscribe") => {
                assert_eq!(request["privateChannel"], false, "{message}");
                assert_eq!(request["response"], true, "{message}");
                let id = request["id"].as_u64().expect("a numeric id");
                match request["topic"].as_str().unwrap_or_default() {
                    "/market/match:BTC-USDT,ETH-USDT" => {
                        if close_first && !closed.load(Ordering::SeqCst) {
                            return vec![
                                ack(id),
                                matched("BTC-USDT", 11, "buy", "67523", "0.003", "1729843222921000000"),
                            ];
                        }
                        vec![
                            ack(id),
                            matched("BTC-USDT", 11067996, "buy", "67523", "0.003", "1729843222921000000"),
                            matched("ETH-USDT", 5, "sell", "2500.10", "1.50000", "1729843222921000123"),
                            matched("XRP-USDT", 7, "sell", "0.5", "10", "1729843222921000124"),
                            r#"{"id":"","type":"error","code":401,"data":"token is invalid"}"#.into(),
                            matched("BTC-USDT", 11067997, "sell", "67522.9", "1", "1729843222922000000"),
                        ]
                    }
                    "/market/ticker:BTC-USDT,ETH-USDT" => vec![
                        ack(id),
                        ticker("BTC-USDT", "67522.9", "67523", 1_704_873_323_416),
                    ],
                    topic => vec![format!(
                        r#"{{"id":"{id}","type":"error","code":404,"data":"topic {topic} is not found"}}"#
                    )
                    .into()],
                }
            }
            _ => vec![],
        }
    })
}

async fn standin(close_first: bool) -> ScriptedExchange {
    ScriptedExchange::start(ExchangeScript {
        markets_path: "/unused".into(),
        markets: CannedResponse::ok("{}"),
        on_connect: vec![r#"{"id":"hQvf8jkno","type":"welcome"}"#.into()],
        on_message: on_message(Arc::new(AtomicBool::new(false)), close_first),
    })
    .await
    .unwrap()
}

fn feed(symbols: &[&str], channels: Vec<Channel>, rest: &LoopbackServer) -> CcxtFeed {
    let symbols = symbols.iter().map(|s| Symbol::parse(s).unwrap()).collect();
    CcxtFeed::new("kucoin", symbols, channels)
        .unwrap()
        .with_rest_endpoint(format!("https://localhost:{}", rest.port()))
}

fn count(events: &[Event], kind: EventKind) -> usize {
    events.iter().filter(|event| event.kind() == kind).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_first_then_subscribes_acks_pings_and_normalizes_trades_and_tickers() {
    let standin = standin(false).await;
    let (rest, targets) = rest(&standin).await;
    let feed = feed(
        &["BTC-USDT", "ETH-USDT"],
        vec![Channel::Trades, Channel::Ticker],
        &rest,
    );
    let (events, stats) = collect_events(
        &standin,
        feed,
        &[EventKind::Trade, EventKind::Ticker],
        |events| count(events, EventKind::Trade) >= 3 && count(events, EventKind::Ticker) >= 2,
    )
    .await;

    assert_eq!(
        targets.lock().unwrap()[..2],
        ["/api/v2/symbols", "/api/v1/bullet-public"]
    );
    let received = standin.received();
    assert_eq!(
        json(&received[0]),
        serde_json::json!({"id":1,"type":"subscribe","topic":"/market/match:BTC-USDT,ETH-USDT","privateChannel":false,"response":true})
    );
    assert_eq!(
        json(&received[1]),
        serde_json::json!({"id":2,"type":"subscribe","topic":"/market/ticker:BTC-USDT,ETH-USDT","privateChannel":false,"response":true})
    );
    assert!(received[2..]
        .iter()
        .all(|m| m == r#"{"id":"ping","type":"ping"}"#));
    assert!(
        received.len() >= 3,
        "pinged every pingInterval: {received:?}"
    );

    let trades: Vec<&feed_core::Trade> = events
        .iter()
        .filter_map(|event| match event {
            Event::Trade(trade) => Some(trade),
            _ => None,
        })
        .collect();
    assert_eq!(trades.len(), 3, "{trades:#?}");
    assert_eq!(&*trades[0].exchange, "KUCOIN");
    assert_eq!(trades[0].symbol.as_str(), "BTC-USDT");
    assert_eq!(trades[0].side, Side::Buy, "side is the taker's");
    assert_eq!(trades[0].price.to_string(), "67523");
    assert_eq!(trades[0].amount.to_string(), "0.003");
    assert_eq!(trades[0].id, Some(TradeId::Number(11_067_996)));
    assert_eq!(trades[0].timestamp.to_string(), "1729843222.921000000");
    assert!(trades[0].receipt_timestamp > trades[0].timestamp);
    assert_eq!(trades[1].symbol.as_str(), "ETH-USDT");
    assert_eq!(trades[1].side, Side::Sell);
    assert_eq!(trades[1].price.to_string(), "2500.10");
    assert_eq!(trades[1].amount.to_string(), "1.50000");
    assert_eq!(trades[1].timestamp.to_string(), "1729843222.921000123");
    assert_eq!(
        (
            trades[2].symbol.as_str(),
            trades[2].side,
            trades[2].id.clone()
        ),
        ("BTC-USDT", Side::Sell, Some(TradeId::Number(11_067_997)))
    );

    let tickers: Vec<&feed_core::Ticker> = events
        .iter()
        .filter_map(|event| match event {
            Event::Ticker(ticker) => Some(ticker),
            _ => None,
        })
        .collect();
    assert_eq!(tickers[0].symbol.as_str(), "BTC-USDT");
    assert_eq!(tickers[0].bid.to_string(), "67522.9");
    assert_eq!(tickers[0].bid_size.unwrap().to_string(), "0.036");
    assert_eq!(tickers[0].ask.to_string(), "67523");
    assert_eq!(tickers[0].ask_size.unwrap().to_string(), "0.18");
    assert_eq!(tickers[0].timestamp.unwrap().to_string(), "1704873323.416");
    assert_eq!(tickers[1].symbol.as_str(), "ETH-USDT", "sent on a ping");

    assert_eq!(stats.trades, 3);
    assert_eq!(stats.exchange_errors, 1, "the error naming no request");
    assert_eq!(stats.parse_errors, 0);
    assert_eq!(stats.rejected, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_topic_stops_the_start_with_the_exchange_words() {
    let standin = standin(false).await;
    let (rest, _) = rest(&standin).await;
    let error = start_error(&standin, feed(&["XRP-USDT"], vec![Channel::Trades], &rest))
        .await
        .to_string();
    assert!(
        error.contains("code 404: topic /market/match:XRP-USDT is not found"),
        "{error}"
    );
    let error = start_error(&standin, feed(&["OLD-USDT"], vec![Channel::Trades], &rest))
        .await
        .to_string();
    assert!(error.contains("kucoin has no market OLD-USDT"), "{error}");
}

/// Through a real SOCKS5 proxy with a password (microsocks): the market list, the token
/// before each connection and both WebSocket connections leave through it; the stand-in
/// closes the first connection, and the reconnect asks for a new token first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_and_the_stream_go_through_a_socks5_proxy_on_every_connection() {
    use feed_testkit::proxies::{start_microsocks, MICROSOCKS_EGRESS};
    let proxy =
        start_microsocks("feeds", "pa55-word", MICROSOCKS_EGRESS).expect("start microsocks");
    let standin = standin(true).await;
    let (rest, targets) = rest(&standin).await;
    let feed = common::via_proxy(
        feed(&["BTC-USDT", "ETH-USDT"], vec![Channel::Trades], &rest),
        "kucoin",
        &proxy.url("socks5h"),
    );
    let (events, stats) = collect_events(&standin, feed, &[EventKind::Trade], |events| {
        count(events, EventKind::Trade) >= 4
    })
    .await;
    assert_eq!(
        count(&events, EventKind::Trade),
        4,
        "1 before the close, 3 after"
    );
    assert!(
        stats.route.starts_with("socks5h://feeds:***@127.0.0.1:"),
        "{}",
        stats.route
    );
    assert_eq!(stats.connections, 2);
    assert_eq!(
        *targets.lock().unwrap(),
        [
            "/api/v2/symbols",
            "/api/v1/bullet-public",
            "/api/v1/bullet-public"
        ],
        "a new token before the reconnect"
    );
    let egress = std::net::IpAddr::V4(MICROSOCKS_EGRESS);
    assert_eq!(rest.peer_ips(), vec![egress], "REST only via the proxy");
    assert_eq!(
        standin.websocket.peer_ips(),
        vec![egress],
        "the stream via the proxy"
    );
}
