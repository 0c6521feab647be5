//! Binance USDⓈ-M futures against loopback stand-ins speaking its documented wire format:
//! books and tickers on the `/public` route (a true book streamed as `depthUpdate` diffs
//! with `pu`, REST snapshots of its current state, skipped updates that must resync), and
//! trades, funding, liquidations, candles and polled open interest on the `/market` route.

mod common;

use common::binance_derivatives::{
    assert_requested, count, decimal, no_extra, rows, run_books, symbols, ChannelsCase,
    FuturesBookWire,
};
use feed_ccxt::CcxtFeed;
use feed_core::{Channel, Event, EventKind, Feed, Symbol};
use feed_testkit::{CannedResponse, ServerFrame};

/// The market list: two perpetuals and a quarterly delivery contract.
const EXCHANGE_INFO: &str = r#"{"timezone":"UTC","serverTime":1700000000000,"rateLimits":[],"exchangeFilters":[],"assets":[],
"symbols":[
 {"symbol":"BTCUSDT","pair":"BTCUSDT","contractType":"PERPETUAL","deliveryDate":4133404800000,"status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT","marginAsset":"USDT"},
 {"symbol":"ETHUSDT","pair":"ETHUSDT","contractType":"PERPETUAL","deliveryDate":4133404800000,"status":"TRADING","baseAsset":"ETH","quoteAsset":"USDT","marginAsset":"USDT"},
 {"symbol":"BTCUSDT_261226","pair":"BTCUSDT","contractType":"CURRENT_QUARTER","deliveryDate":1798272000000,"status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT","marginAsset":"USDT"}]}"#;

// ---- /public: books and tickers -------------------------------------------------------

/// USD-M's wire: `/fapi`, no pair in the frames.
const FUTURES_BOOK_WIRE: FuturesBookWire = FuturesBookWire {
    rest_prefix: "/fapi",
    exchange_info: EXCHANGE_INFO,
    coin_m: false,
    extra: no_extra,
};

fn exchange_symbol(symbol: &Symbol) -> String {
    format!("{}{}", symbol.base(), symbol.quote())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_route_books_equal_the_true_book_gaps_resync_and_tickers_arrive() {
    let delivered = run_books(
        FUTURES_BOOK_WIRE,
        "binance_futures",
        &["BTC-USDT-PERP", "ETH-USDT-PERP"],
        vec![Channel::L2Book, Channel::Ticker],
        &[
            "btcusdt@depth@100ms",
            "btcusdt@bookTicker",
            "ethusdt@depth@100ms",
            "ethusdt@bookTicker",
        ],
        exchange_symbol,
    )
    .await;

    // Book tickers at their transaction time `T`, the second wrapped.
    assert_eq!(
        rows(&delivered.others, EventKind::Ticker),
        [
            "BINANCE_FUTURES BTC-USDT-PERP bid 37000.10 x Some(2.500) ask 37000.20 x Some(0.100) at 1700000000.009",
            "BINANCE_FUTURES ETH-USDT-PERP bid 37001.10 x Some(2.500) ask 37001.20 x Some(0.100) at 1700000000.109",
        ],
        "{:#?}",
        delivered.others
    );
    assert!(delivered.others.iter().all(
        |event| matches!(event, Event::Ticker(t) if t.receipt_timestamp > decimal("1700000000"))
    ));
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn market_route_channels_and_polled_open_interest_normalize_field_by_field() {
    let (events, targets) = ChannelsCase {
        exchange_id: "binance_futures",
        rest_prefix: "/fapi",
        exchange_info: EXCHANGE_INFO,
        streams: &SUBSCRIBED_STREAMS,
        frames: market_frames,
        rest: rest_answer,
        symbols: &["BTC-USDT-PERP", "BTC-USDT-26DEC26"],
        channels: vec![
            Channel::Trades,
            Channel::Funding,
            Channel::Liquidations,
            Channel::Candles,
            Channel::OpenInterest,
        ],
    }
    .run()
    .await;
    assert_eq!(
        count(&events, EventKind::Ticker),
        0,
        "TICKER was not asked for"
    );
    assert_eq!(
        rows(&events, EventKind::Trade),
        [
            "BINANCE_FUTURES BTC-USDT-PERP Sell 37000.10 x 0.500 id Some(Number(5933014)) at 1700000000.123",
            "BINANCE_FUTURES BTC-USDT-26DEC26 Buy 37500.0 x 1.250 id Some(Number(77)) at 1700000000.223",
            "BINANCE_FUTURES BTC-USDT-PERP Buy 37000.20 x 0.100 id Some(Number(5933015)) at 1700000004.123",
        ],
        "the buyer made the market of the first (a Sell)"
    );
    assert_eq!(
        rows(&events, EventKind::Funding),
        ["BINANCE_FUTURES BTC-USDT-PERP mark Some(37001.50000000) rate 0.00010000 predicted None next 1700006400 at 1700000001"],
        "none for the delivery contract"
    );
    assert_eq!(
        rows(&events, EventKind::Liquidation),
        ["BINANCE_FUTURES BTC-USDT-PERP Sell 0.014 x 36900.5 id None filled at 1700000001.999"]
    );
    assert_eq!(
        rows(&events, EventKind::Candle),
        [
            "BINANCE_FUTURES BTC-USDT-26DEC26 5m 1700000100..1700000399.999 trades Some(5) ohlcv 37500.0 37530.0 37490.1 37520.5 12.345 closed false at 1700000160",
            "BINANCE_FUTURES BTC-USDT-26DEC26 5m 1700000100..1700000399.999 trades Some(5) ohlcv 37500.0 37530.0 37490.1 37520.5 12.345 closed true at 1700000160",
        ]
    );
    assert_eq!(
        rows(&events, EventKind::OpenInterest),
        [
            "BINANCE_FUTURES BTC-USDT-PERP 10659.509 notional None at 1700000000.5",
            "BINANCE_FUTURES BTC-USDT-26DEC26 1234.000 notional None at 1700000000.6",
        ]
    );
    assert_requested(
        &targets,
        &[
            "/fapi/v1/exchangeInfo",
            "/fapi/v1/openInterest?symbol=BTCUSDT",
            "/fapi/v1/openInterest?symbol=BTCUSDT_261226",
        ],
    );
}

// ---- routes --------------------------------------------------------------------------

#[test]
fn a_feed_connects_to_its_route_and_one_mixing_routes_gets_a_connection_per_route() {
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
    assert_eq!(
        books.websocket_url(0),
        "wss://fstream.binance.com/public/ws"
    );
    let market = feed_of(vec![Channel::Trades, Channel::Candles]);
    assert_eq!(
        market.websocket_url(0),
        "wss://fstream.binance.com/market/ws"
    );

    let mixed = feed_of(vec![Channel::Trades, Channel::L2Book, Channel::Funding]);
    assert_eq!(mixed.connections(), 2);
    assert_eq!(
        mixed.websocket_url(0),
        "wss://fstream.binance.com/market/ws"
    );
    assert_eq!(
        mixed.websocket_url(1),
        "wss://fstream.binance.com/public/ws"
    );
    let carried: Vec<Vec<Channel>> = mixed
        .connection_plans()
        .iter()
        .map(|plan| plan.subscriptions.iter().map(|s| s.channel).collect())
        .collect();
    assert_eq!(
        carried,
        [
            vec![Channel::Trades, Channel::Funding],
            vec![Channel::L2Book]
        ]
    );
}

/// Derivatives through a real proxy: with a SOCKS5 proxy that wants a password (microsocks),
/// the market list, every open-interest poll and the stream all leave through it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_market_list_polls_and_stream_all_go_through_a_socks5_proxy_with_a_password() {
    use common::binance_derivatives::{logged_rest, market_script};
    use feed_testkit::proxies::{start_microsocks, MICROSOCKS_EGRESS};
    let proxy =
        start_microsocks("feeds", "pa55-word", MICROSOCKS_EGRESS).expect("start microsocks");
    let standin = feed_testkit::ScriptedExchange::start(market_script(
        "/fapi/v1/exchangeInfo",
        EXCHANGE_INFO,
        &SUBSCRIBED_STREAMS,
        market_frames,
    ))
    .await
    .unwrap();
    let (rest, targets) = logged_rest(&standin, rest_answer).await;
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
    let (events, stats) = common::collect_events(
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
    assert_eq!(count(&events, EventKind::Funding), 1);
    assert!(count(&events, EventKind::OpenInterest) >= 1);
    assert!(
        stats.route.starts_with("socks5h://feeds:***@127.0.0.1:"),
        "{}",
        stats.route
    );
    assert_requested(
        &targets,
        &[
            "/fapi/v1/exchangeInfo",
            "/fapi/v1/openInterest?symbol=BTCUSDT",
        ],
    );
    let egress = std::net::IpAddr::V4(MICROSOCKS_EGRESS);
    assert_eq!(rest.peer_ips(), vec![egress], "REST only via the proxy");
    assert_eq!(
        standin.websocket.peer_ips(),
        vec![egress],
        "the stream via the proxy"
    );
}
