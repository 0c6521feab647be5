//! Binance USDⓈ-M futures against loopback stand-ins speaking its documented wire format:
//! books and tickers on the `/public` route (a true book streamed as `depthUpdate` diffs
//! with `pu`, REST snapshots of its current state, skipped updates that must resync), and
//! trades, funding, liquidations, candles and polled open interest on the `/market` route.

mod common;

use std::str::FromStr;
use std::sync::{Arc, Mutex};

use common::books::{
    assert_book_gaps, assert_books_match_truth, assert_caught_up, book_feed, query_value,
    run_until_finished, top_pairs, Key,
};
use common::{collect_events, json};
use feed_ccxt::{AdapterError, CcxtFeed};
use feed_core::{Channel, Event, EventKind, Feed, Side, Symbol, TradeId};
use feed_testkit::books::{
    BookStandIn, BookWire, Change, Fault, Reply, Side as BookSide, StreamScript, TrueBook, Update,
};
use feed_testkit::{
    start_dynamic_http_server, CannedResponse, ExchangeScript, ScriptedExchange, ServerFrame,
};
use rust_decimal::Decimal;

/// The market list: two perpetuals and a quarterly delivery contract.
const EXCHANGE_INFO: &str = r#"{"timezone":"UTC","serverTime":1700000000000,"rateLimits":[],"exchangeFilters":[],"assets":[],
"symbols":[
 {"symbol":"BTCUSDT","pair":"BTCUSDT","contractType":"PERPETUAL","deliveryDate":4133404800000,"status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT","marginAsset":"USDT"},
 {"symbol":"ETHUSDT","pair":"ETHUSDT","contractType":"PERPETUAL","deliveryDate":4133404800000,"status":"TRADING","baseAsset":"ETH","quoteAsset":"USDT","marginAsset":"USDT"},
 {"symbol":"BTCUSDT_261226","pair":"BTCUSDT","contractType":"CURRENT_QUARTER","deliveryDate":1798272000000,"status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT","marginAsset":"USDT"}]}"#;

fn decimal(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn symbols(names: &[&str]) -> Vec<Symbol> {
    names
        .iter()
        .map(|name| Symbol::parse(name).unwrap())
        .collect()
}

/// The subscribe message's streams.
fn streams(request: &serde_json::Value) -> Vec<String> {
    request["params"]
        .as_array()
        .map(|params| {
            params
                .iter()
                .filter_map(|param| param.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

// ---- /public: books and tickers -------------------------------------------------------

struct FuturesBookWire;

fn levels(changes: &[Change], side: BookSide) -> String {
    let pairs: Vec<[&str; 2]> = changes
        .iter()
        .filter(|change| change.side == side)
        .map(|change| [change.price.as_str(), change.size.as_str()])
        .collect();
    serde_json::to_string(&pairs).unwrap()
}

/// A book ticker of `symbol` in the documented layout; the second symbol's comes wrapped in
/// the combined-stream form.
fn book_ticker(symbol: &str, index: usize) -> String {
    let raw = format!(
        r#"{{"e":"bookTicker","u":{},"E":1700000000{index}10,"T":1700000000{index}09,"s":"{symbol}","b":"3700{index}.10","B":"2.500","a":"3700{index}.20","A":"0.100"}}"#,
        400_900_217 + index
    );
    if index == 0 {
        raw
    } else {
        let stream = format!("{}@bookTicker", symbol.to_ascii_lowercase());
        format!(r#"{{"stream":"{stream}","data":{raw}}}"#)
    }
}

impl BookWire for FuturesBookWire {
    fn on_message(&self, message: &str) -> Reply {
        let request = json(message);
        let streams = streams(&request);
        let mut frames = vec![serde_json::json!({"result": null, "id": request["id"]}).to_string()];
        frames.extend(
            streams
                .iter()
                .filter_map(|stream| stream.strip_suffix("@bookTicker"))
                .enumerate()
                .map(|(index, symbol)| book_ticker(&symbol.to_ascii_uppercase(), index)),
        );
        Reply {
            frames,
            subscribe: streams
                .iter()
                .filter_map(|stream| stream.strip_suffix("@depth@100ms"))
                .map(str::to_ascii_uppercase)
                .collect(),
        }
    }

    /// The documented layout (the parser's hot path), `pu` the last id before the update.
    fn update_frame(&self, symbol: &str, update: &Update, _book: &TrueBook) -> String {
        format!(
            r#"{{"e":"depthUpdate","E":{},"T":{},"s":"{symbol}","U":{},"u":{},"pu":{},"b":{},"a":{}}}"#,
            update.timestamp_ms,
            update.timestamp_ms - 1,
            update.first_id,
            update.last_id,
            update.prev_id,
            levels(&update.changes, BookSide::Bid),
            levels(&update.changes, BookSide::Ask),
        )
    }

    fn snapshot_request(&self, target: &str) -> Option<String> {
        let query = target.strip_prefix("/fapi/v1/depth?")?;
        assert_eq!(
            query_value(query, "limit"),
            Some("100"),
            "the documented limit chosen for book_depth 5: {query}"
        );
        query_value(query, "symbol").map(str::to_owned)
    }

    fn snapshot_body(&self, _symbol: &str, book: &TrueBook, last_id: u64) -> String {
        serde_json::json!({
            "lastUpdateId": last_id, "E": 1_700_000_000_000_i64, "T": 1_699_999_999_999_i64,
            "bids": top_pairs(book, BookSide::Bid, 100), "asks": top_pairs(book, BookSide::Ask, 100),
        })
        .to_string()
    }

    fn markets(&self) -> (String, String) {
        ("/fapi/v1/exchangeInfo".into(), EXCHANGE_INFO.into())
    }
}

fn exchange_symbol(symbol: &Symbol) -> String {
    format!("{}{}", symbol.base(), symbol.quote())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_route_books_equal_the_true_book_gaps_resync_and_tickers_arrive() {
    let script = StreamScript {
        updates: 300,
        faults: vec![(80, Fault::Skip), (200, Fault::Skip)],
        ..StreamScript::default()
    };
    let standin = BookStandIn::start(FuturesBookWire, script).await.unwrap();
    let feed = book_feed(
        "binance_futures",
        &["BTC-USDT-PERP", "ETH-USDT-PERP"],
        vec![Channel::L2Book, Channel::Ticker],
        &standin,
        "",
        5,
    );
    let (delivered, stats) = run_until_finished(&standin, feed).await;

    assert_eq!(standin.received().len(), 1, "{:?}", standin.received());
    let subscribe = json(&standin.received()[0]);
    assert_eq!(
        subscribe,
        serde_json::json!({"method": "SUBSCRIBE", "id": 1, "params": [
            "btcusdt@depth@100ms", "btcusdt@bookTicker", "ethusdt@depth@100ms", "ethusdt@bookTicker"
        ]})
    );

    let truth = standin.truth();
    let checked =
        assert_books_match_truth(&delivered.books, &truth, exchange_symbol, Key::Sequence, 5);
    assert!(checked > 50, "books were delivered ({checked})");
    assert_caught_up(&delivered.books, &truth, exchange_symbol, 5);
    assert!(delivered
        .books
        .iter()
        .all(|book| book.symbol.as_str().ends_with("-USDT-PERP")));

    // A skipped update breaks `pu == previous u` for that symbol alone, then its snapshot is
    // fetched again.
    assert_book_gaps(
        &delivered.gaps,
        &["BTC-USDT-PERP", "ETH-USDT-PERP"],
        2,
        "sequence: expected pu=",
    );
    assert_eq!(stats.gaps, 4);
    assert_eq!(
        stats.requests,
        2 + 4,
        "one snapshot per symbol, one per gap"
    );
    assert_eq!(stats.request_errors, 0);
    assert_eq!(stats.parse_errors + stats.exchange_errors, 0);

    let tickers: Vec<&feed_core::Ticker> = delivered
        .others
        .iter()
        .filter_map(|event| match event {
            Event::Ticker(ticker) => Some(ticker),
            _ => None,
        })
        .collect();
    assert_eq!(tickers.len(), 2, "{:#?}", delivered.others);
    let (btc, eth) = (tickers[0], tickers[1]);
    assert_eq!(&*btc.exchange, "BINANCE_FUTURES");
    assert_eq!(btc.symbol.as_str(), "BTC-USDT-PERP");
    assert_eq!(
        (
            btc.bid.to_string(),
            btc.bid_size.map(|size| size.to_string())
        ),
        ("37000.10".into(), Some("2.500".into()))
    );
    assert_eq!(
        (
            btc.ask.to_string(),
            btc.ask_size.map(|size| size.to_string())
        ),
        ("37000.20".into(), Some("0.100".into()))
    );
    assert_eq!(
        btc.timestamp,
        Some(decimal("1700000000.009")),
        "the transaction time"
    );
    assert!(btc.receipt_timestamp > decimal("1700000000"));
    assert_eq!(eth.symbol.as_str(), "ETH-USDT-PERP");
    assert_eq!(
        (eth.bid, eth.ask),
        (decimal("37001.10"), decimal("37001.20"))
    );
    assert_eq!(eth.timestamp, Some(decimal("1700000000.109")));
}

// ---- /market: trades, funding, liquidations, candles; open interest over REST ---------

const SUBSCRIBED_STREAMS: [&str; 8] = [
    "btcusdt@aggTrade",
    "btcusdt@markPrice@1s",
    "btcusdt@forceOrder",
    "btcusdt@kline_5m",
    "btcusdt_261226@aggTrade",
    "btcusdt_261226@markPrice@1s",
    "btcusdt_261226@forceOrder",
    "btcusdt_261226@kline_5m",
];

/// The answer to the expected SUBSCRIBE: the ack, a ping, one frame of each kind (raw and
/// wrapped), a delivery contract's funding-less mark price, a ticker of a channel not asked
/// for, an event not delivered, a trade of a market not asked for and a documented error.
fn market_frames() -> Vec<ServerFrame> {
    let kline = |closed: bool| {
        format!(
            r#"{{"e":"kline","E":1700000160000,"s":"BTCUSDT_261226","k":{{"t":1700000100000,"T":1700000399999,"s":"BTCUSDT_261226","i":"5m","f":7,"L":11,"o":"37500.0","c":"37520.5","h":"37530.0","l":"37490.1","v":"12.345","n":5,"x":{closed},"q":"463000.1","V":"6.000","Q":"225000.0","B":"0"}}}}"#
        )
    };
    vec![
        r#"{"result":null,"id":1}"#.into(),
        ServerFrame::Ping,
        r#"{"e":"aggTrade","E":1700000000124,"s":"BTCUSDT","a":5933014,"p":"37000.10","q":"0.500","f":100,"l":105,"T":1700000000123,"m":true}"#.into(),
        r#"{"stream":"btcusdt_261226@aggTrade","data":{"e":"aggTrade","E":1700000000224,"s":"BTCUSDT_261226","a":77,"p":"37500.0","q":"1.250","f":9,"l":9,"T":1700000000223,"m":false}}"#.into(),
        r#"{"e":"markPriceUpdate","E":1700000001000,"s":"BTCUSDT","p":"37001.50000000","i":"36999.90000000","P":"37000.00000000","r":"0.00010000","T":1700006400000}"#.into(),
        r#"{"e":"markPriceUpdate","E":1700000001000,"s":"BTCUSDT_261226","p":"37510.00000000","i":"36999.90000000","P":"37000.00000000","r":"","T":0}"#.into(),
        r#"{"stream":"btcusdt@forceOrder","data":{"e":"forceOrder","E":1700000002000,"o":{"s":"BTCUSDT","S":"SELL","o":"LIMIT","f":"IOC","q":"0.014","p":"36900.5","ap":"36910.0","X":"FILLED","l":"0.014","z":"0.014","T":1700000001999}}}"#.into(),
        kline(false).into(),
        kline(true).into(),
        r#"{"e":"bookTicker","u":1,"E":1700000003000,"T":1700000003000,"s":"BTCUSDT","b":"1","B":"1","a":"2","A":"1"}"#.into(),
        r#"{"e":"24hrTicker","E":1700000003000,"s":"BTCUSDT","p":"1","P":"0.01","w":"1","c":"1","Q":"1","o":"1","h":"1","l":"1","v":"1","q":"1","O":0,"C":1,"F":0,"L":1,"n":1}"#.into(),
        r#"{"e":"aggTrade","E":1700000003000,"s":"ETHUSDT","a":1,"p":"2000","q":"1","f":1,"l":1,"T":1700000003000,"m":true}"#.into(),
        r#"{"code": 2, "msg": "Invalid request: too many parameters"}"#.into(),
        r#"{"e":"aggTrade","E":1700000004124,"s":"BTCUSDT","a":5933015,"p":"37000.20","q":"0.100","f":106,"l":106,"T":1700000004123,"m":false}"#.into(),
    ]
}

fn market_script() -> ExchangeScript {
    ExchangeScript {
        markets_path: "/fapi/v1/exchangeInfo".into(),
        markets: CannedResponse::ok(EXCHANGE_INFO),
        on_connect: vec![],
        on_message: Arc::new(|message: &str| {
            let expected = serde_json::json!({
                "method": "SUBSCRIBE", "params": SUBSCRIBED_STREAMS, "id": 1
            });
            if json(message) != expected {
                return vec![
                    r#"{"code":2,"msg":"Invalid request: unexpected subscription"}"#.into(),
                ];
            }
            market_frames()
        }),
    }
}

/// REST answers by target: the market list and each contract's open interest.
fn rest_answer(target: &str) -> Option<CannedResponse> {
    let body = match target {
        "/fapi/v1/exchangeInfo" => EXCHANGE_INFO.to_owned(),
        "/fapi/v1/openInterest?symbol=BTCUSDT" => {
            r#"{"openInterest":"10659.509","symbol":"BTCUSDT","time":1700000000500}"#.to_owned()
        }
        "/fapi/v1/openInterest?symbol=BTCUSDT_261226" => {
            r#"{"openInterest":"1234.000","symbol":"BTCUSDT_261226","time":1700000000600}"#
                .to_owned()
        }
        _ => return None,
    };
    Some(CannedResponse::ok(body))
}

fn count(events: &[Event], kind: EventKind) -> usize {
    events.iter().filter(|event| event.kind() == kind).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn market_route_channels_and_polled_open_interest_normalize_field_by_field() {
    let standin = ScriptedExchange::start(market_script()).await.unwrap();
    let targets = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&targets);
    let rest = start_dynamic_http_server(
        std::net::Ipv4Addr::LOCALHOST.into(),
        Some(standin.cert.server_config()),
        move |target| {
            log.lock().unwrap().push(target.to_owned());
            rest_answer(target)
        },
    )
    .await
    .unwrap();
    let channels = vec![
        Channel::Trades,
        Channel::Funding,
        Channel::Liquidations,
        Channel::Candles,
        Channel::OpenInterest,
    ];
    let feed = CcxtFeed::new(
        "binance_futures",
        symbols(&["BTC-USDT-PERP", "BTC-USDT-26DEC26"]),
        channels,
    )
    .unwrap()
    .with_candle_interval("5m")
    .unwrap()
    .with_rest_endpoint(format!("https://localhost:{}", rest.port()))
    .with_websocket_endpoint(standin.websocket_url(""));
    let kinds = [
        EventKind::Trade,
        EventKind::Funding,
        EventKind::Liquidation,
        EventKind::Candle,
        EventKind::OpenInterest,
        EventKind::Ticker,
    ];
    let (events, stats) = collect_events(&standin, feed, &kinds, |events| {
        count(events, EventKind::Trade) >= 3
            && count(events, EventKind::Candle) >= 2
            && count(events, EventKind::OpenInterest) >= 2
    })
    .await;

    assert_eq!(standin.received().len(), 1, "{:?}", standin.received());
    assert_eq!(standin.pongs(), 1, "the ping was answered");
    assert_eq!(stats.exchange_errors, 1, "the documented error frame");
    assert_eq!(stats.parse_errors, 0);
    let kinds_seen: Vec<EventKind> = events.iter().map(Event::kind).collect();
    assert!(
        !kinds_seen.contains(&EventKind::Ticker),
        "TICKER was not asked for"
    );

    let trades: Vec<&feed_core::Trade> = events
        .iter()
        .filter_map(|event| match event {
            Event::Trade(trade) => Some(trade),
            _ => None,
        })
        .collect();
    assert_eq!(trades.len(), 3, "{trades:#?}");
    assert_eq!(&*trades[0].exchange, "BINANCE_FUTURES");
    assert_eq!(trades[0].symbol.as_str(), "BTC-USDT-PERP");
    assert_eq!(trades[0].side, Side::Sell, "the buyer made the market");
    assert_eq!(
        (trades[0].price.to_string(), trades[0].amount.to_string()),
        ("37000.10".into(), "0.500".into())
    );
    assert_eq!(trades[0].id, Some(TradeId::Number(5_933_014)));
    assert_eq!(trades[0].timestamp, decimal("1700000000.123"));
    assert_eq!(trades[1].symbol.as_str(), "BTC-USDT-26DEC26");
    assert_eq!(
        (trades[1].side, trades[1].amount.to_string()),
        (Side::Buy, "1.250".into())
    );
    assert_eq!(trades[2].id, Some(TradeId::Number(5_933_015)));

    let funding: Vec<&feed_core::Funding> = events
        .iter()
        .filter_map(|event| match event {
            Event::Funding(funding) => Some(funding),
            _ => None,
        })
        .collect();
    assert_eq!(
        funding.len(),
        1,
        "none for the delivery contract: {funding:#?}"
    );
    assert_eq!(funding[0].symbol.as_str(), "BTC-USDT-PERP");
    assert_eq!(funding[0].mark_price, Some(decimal("37001.50000000")));
    assert_eq!(funding[0].rate.to_string(), "0.00010000");
    assert_eq!(funding[0].predicted_rate, None);
    assert_eq!(funding[0].next_funding_time, Some(decimal("1700006400")));
    assert_eq!(funding[0].timestamp, Some(decimal("1700000001")));

    let Some(Event::Liquidation(liquidation)) = events
        .iter()
        .find(|event| event.kind() == EventKind::Liquidation)
    else {
        panic!("no liquidation: {events:#?}")
    };
    assert_eq!(liquidation.symbol.as_str(), "BTC-USDT-PERP");
    assert_eq!(liquidation.side, Side::Sell);
    assert_eq!(
        (
            liquidation.quantity.to_string(),
            liquidation.price.to_string()
        ),
        ("0.014".into(), "36900.5".into())
    );
    assert_eq!(
        (liquidation.id.as_deref(), &*liquidation.status),
        (None, "filled")
    );
    assert_eq!(liquidation.timestamp, Some(decimal("1700000001.999")));

    let candles: Vec<&feed_core::Candle> = events
        .iter()
        .filter_map(|event| match event {
            Event::Candle(candle) => Some(candle),
            _ => None,
        })
        .collect();
    assert_eq!(candles.len(), 2);
    let bar = candles[0];
    assert_eq!(bar.symbol.as_str(), "BTC-USDT-26DEC26");
    assert_eq!(
        (bar.start, bar.stop),
        (decimal("1700000100"), decimal("1700000399.999"))
    );
    assert_eq!(&*bar.interval, "5m");
    assert_eq!(bar.trades, Some(5));
    assert_eq!(
        [&bar.open, &bar.close, &bar.high, &bar.low, &bar.volume].map(ToString::to_string),
        ["37500.0", "37520.5", "37530.0", "37490.1", "12.345"].map(str::to_owned)
    );
    assert_eq!((bar.closed, candles[1].closed), (false, true));
    assert_eq!(bar.timestamp, Some(decimal("1700000160")));

    let interest: Vec<&feed_core::OpenInterest> = events
        .iter()
        .filter_map(|event| match event {
            Event::OpenInterest(interest) => Some(interest),
            _ => None,
        })
        .collect();
    assert_eq!(interest.len(), 2, "{interest:#?}");
    assert_eq!(interest[0].symbol.as_str(), "BTC-USDT-PERP");
    assert_eq!(interest[0].open_interest.to_string(), "10659.509");
    assert_eq!(interest[0].notional, None);
    assert_eq!(interest[0].timestamp, Some(decimal("1700000000.5")));
    assert_eq!(interest[1].symbol.as_str(), "BTC-USDT-26DEC26");
    assert_eq!(interest[1].open_interest.to_string(), "1234.000");

    let targets = targets.lock().unwrap().clone();
    for target in [
        "/fapi/v1/exchangeInfo",
        "/fapi/v1/openInterest?symbol=BTCUSDT",
        "/fapi/v1/openInterest?symbol=BTCUSDT_261226",
    ] {
        assert!(
            targets.iter().any(|seen| seen == target),
            "{target}: {targets:?}"
        );
    }
}

// ---- routes --------------------------------------------------------------------------

#[test]
fn a_feed_connects_to_its_route_and_one_mixing_routes_is_refused() {
    let feed_of = |channels: Vec<Channel>| {
        let mut feed =
            CcxtFeed::new("binance_futures", symbols(&["BTC-USDT-PERP"]), channels).unwrap();
        feed.load_markets(EXCHANGE_INFO, false).unwrap();
        feed
    };
    let books = feed_of(vec![
        Channel::L2Book,
        Channel::Ticker,
        Channel::OpenInterest,
    ]);
    assert_eq!(books.websocket_url(), "wss://fstream.binance.com/public/ws");
    let market = feed_of(vec![Channel::Trades, Channel::Candles]);
    assert_eq!(
        market.websocket_url(),
        "wss://fstream.binance.com/market/ws"
    );

    let error = CcxtFeed::new(
        "binance_futures",
        symbols(&["BTC-USDT-PERP"]),
        vec![Channel::Trades, Channel::L2Book, Channel::Funding],
    )
    .unwrap_err();
    assert!(
        matches!(error, AdapterError::IncompatibleChannels { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "binance_futures: Binance USD-M serves L2_BOOK on wss://fstream.binance.com/public \
         and TRADES, FUNDING on /market, and a feed has one connection: configure them as two \
         feeds (OPEN_INTEREST may join either)"
    );
}

/// Derivatives through a real proxy: with a SOCKS5 proxy that wants a password (microsocks),
/// the market list, every open-interest poll and the stream all leave through it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_market_list_polls_and_stream_all_go_through_a_socks5_proxy_with_a_password() {
    use feed_testkit::proxies::{start_microsocks, MICROSOCKS_EGRESS};
    let proxy =
        start_microsocks("feeds", "pa55-word", MICROSOCKS_EGRESS).expect("start microsocks");
    let standin = ScriptedExchange::start(market_script()).await.unwrap();
    let rest = start_dynamic_http_server(
        std::net::Ipv4Addr::LOCALHOST.into(),
        Some(standin.cert.server_config()),
        rest_answer,
    )
    .await
    .unwrap();
    let feed = CcxtFeed::new(
        "binance_futures",
        symbols(&["BTC-USDT-PERP", "BTC-USDT-26DEC26"]),
        vec![
            Channel::Trades,
            Channel::Funding,
            Channel::Liquidations,
            Channel::Candles,
            Channel::OpenInterest,
        ],
    )
    .unwrap()
    .with_candle_interval("5m")
    .unwrap()
    .with_rest_endpoint(format!("https://localhost:{}", rest.port()))
    .with_websocket_endpoint(standin.websocket_url(""));
    let feed = common::via_proxy(feed, "binance_futures", &proxy.url("socks5h"));
    let (events, stats) = collect_events(
        &standin,
        feed,
        &[
            EventKind::Trade,
            EventKind::OpenInterest,
            EventKind::Funding,
        ],
        |events| {
            count(events, EventKind::Trade) >= 3 && count(events, EventKind::OpenInterest) >= 1
        },
    )
    .await;
    assert_eq!(count(&events, EventKind::Trade), 3);
    assert!(count(&events, EventKind::OpenInterest) >= 1);
    assert_eq!(count(&events, EventKind::Funding), 1);
    assert!(
        stats.route.starts_with("socks5h://feeds:***@127.0.0.1:"),
        "{}",
        stats.route
    );
    let egress = std::net::IpAddr::V4(MICROSOCKS_EGRESS);
    assert!(
        rest.connection_count() >= 2,
        "the market list and a poll at least"
    );
    assert_eq!(rest.peer_ips(), vec![egress], "REST only via the proxy");
    assert_eq!(
        standin.websocket.peer_ips(),
        vec![egress],
        "the stream via the proxy"
    );
}
