//! Binance COIN-M futures against loopback stand-ins speaking its documented wire format,
//! on its one stream path (`/ws`), so every feed here mixes channels: books, tickers and
//! trades together (a true book streamed as `depthUpdate` diffs with `pu` and `ps`, REST
//! snapshots of its current state under `/dapi`, skipped updates that must resync), then
//! trades, tickers, funding, liquidations, candles and polled open interest field by field.

mod common;

use common::binance_derivatives::{
    assert_requested, rows, run_books, symbols, ChannelsCase, FuturesBookWire,
};
use feed_ccxt::CcxtFeed;
use feed_core::{Channel, EventKind, Feed, Symbol};
use feed_testkit::{CannedResponse, ServerFrame};

/// The market list: an inverse perpetual and a quarterly of BTC, a perpetual of ETH, and a
/// quarterly no longer trading.
const EXCHANGE_INFO: &str = r#"{"timezone":"UTC","serverTime":1700000000000,
"rateLimits":[{"interval":"MINUTE","intervalNum":1,"limit":2400,"rateLimitType":"REQUEST_WEIGHT"}],
"symbols":[
 {"symbol":"BTCUSD_PERP","pair":"BTCUSD","contractType":"PERPETUAL","deliveryDate":4133404800000,"contractStatus":"TRADING","contractSize":100,"baseAsset":"BTC","quoteAsset":"USD","marginAsset":"BTC"},
 {"symbol":"ETHUSD_PERP","pair":"ETHUSD","contractType":"PERPETUAL","deliveryDate":4133404800000,"contractStatus":"TRADING","contractSize":10,"baseAsset":"ETH","quoteAsset":"USD","marginAsset":"ETH"},
 {"symbol":"BTCUSD_261226","pair":"BTCUSD","contractType":"CURRENT_QUARTER","deliveryDate":1798272000000,"contractStatus":"TRADING","contractSize":100,"baseAsset":"BTC","quoteAsset":"USD","marginAsset":"BTC"},
 {"symbol":"BTCUSD_260925","pair":"BTCUSD","contractType":"CURRENT_QUARTER","deliveryDate":1790323200000,"contractStatus":"DELIVERING","contractSize":100,"baseAsset":"BTC","quoteAsset":"USD","marginAsset":"BTC"}]}"#;

fn exchange_symbol(symbol: &Symbol) -> String {
    match symbol.as_str() {
        "BTC-USD-PERP" => "BTCUSD_PERP".into(),
        "BTC-USD-26DEC26" => "BTCUSD_261226".into(),
        other => panic!("not a market of this test: {other}"),
    }
}

// ---- books, tickers and trades on one connection --------------------------------------

/// One documented aggTrade (COIN-M's key order) per `@aggTrade` stream asked for.
fn trades_for(stream: &str) -> Vec<String> {
    let Some(symbol) = stream.strip_suffix("@aggTrade") else {
        return Vec::new();
    };
    vec![format!(
        r#"{{"e":"aggTrade","E":1700000000124,"a":424951,"s":"{}","p":"37000.1","q":"2","f":606073,"l":606073,"T":1700000000123,"m":false}}"#,
        symbol.to_ascii_uppercase()
    )]
}

const DELIVERY_BOOK_WIRE: FuturesBookWire = FuturesBookWire {
    rest_prefix: "/dapi",
    exchange_info: EXCHANGE_INFO,
    coin_m: true,
    extra: trades_for,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn books_equal_the_true_book_through_gaps_beside_tickers_and_trades() {
    // Snapshots come from /dapi/v1/depth: the wire answers nothing else.
    let delivered = run_books(
        DELIVERY_BOOK_WIRE,
        "binance_delivery",
        &["BTC-USD-PERP", "BTC-USD-26DEC26"],
        vec![Channel::L2Book, Channel::Ticker, Channel::Trades],
        &[
            "btcusd_perp@depth@100ms",
            "btcusd_perp@bookTicker",
            "btcusd_perp@aggTrade",
            "btcusd_261226@depth@100ms",
            "btcusd_261226@bookTicker",
            "btcusd_261226@aggTrade",
        ],
        exchange_symbol,
    )
    .await;

    assert_eq!(
        delivered.trades, 2,
        "one trade per symbol, beside the books"
    );
    assert_eq!(
        rows(&delivered.others, EventKind::Ticker),
        [
            "BINANCE_DELIVERY BTC-USD-PERP bid 37000.10 x Some(2.500) ask 37000.20 x Some(0.100) at 1700000000.009",
            "BINANCE_DELIVERY BTC-USD-26DEC26 bid 37001.10 x Some(2.500) ask 37001.20 x Some(0.100) at 1700000000.109",
        ],
        "COIN-M's layout, at the transaction time `T`: {:#?}",
        delivered.others
    );
}

// ---- the other channels, and open interest over REST ----------------------------------

const SUBSCRIBED_STREAMS: [&str; 10] = [
    "btcusd_perp@aggTrade",
    "btcusd_perp@bookTicker",
    "btcusd_perp@markPrice@1s",
    "btcusd_perp@forceOrder",
    "btcusd_perp@kline_5m",
    "btcusd_261226@aggTrade",
    "btcusd_261226@bookTicker",
    "btcusd_261226@markPrice@1s",
    "btcusd_261226@forceOrder",
    "btcusd_261226@kline_5m",
];

/// The answer to the expected SUBSCRIBE: the ack, a ping, one frame of each kind in COIN-M's
/// layouts (raw and wrapped), a delivery contract's funding-less mark price, events not
/// delivered, a trade of a market not asked for and a documented error.
fn channel_frames() -> Vec<ServerFrame> {
    let kline = |closed: bool| {
        format!(
            r#"{{"e":"kline","E":1700000160000,"s":"BTCUSD_PERP","k":{{"t":1700000100000,"T":1700000399999,"s":"BTCUSD_PERP","i":"5m","f":606400,"L":606430,"o":"37500.0","c":"37520.5","h":"37530.0","l":"37490.1","v":"1560","n":31,"x":{closed},"q":"4.15992184","V":"730","Q":"1.94668932","B":"0"}}}}"#
        )
    };
    vec![
        r#"{"result":null,"id":1}"#.into(),
        ServerFrame::Ping,
        r#"{"e":"aggTrade","E":1700000000124,"a":5933014,"s":"BTCUSD_PERP","p":"37000.1","q":"25","f":100,"l":105,"T":1700000000123,"m":true}"#.into(),
        r#"{"stream":"btcusd_261226@aggTrade","data":{"e":"aggTrade","E":1700000000224,"a":77,"s":"BTCUSD_261226","p":"37500.0","q":"3","f":9,"l":9,"T":1700000000223,"m":false}}"#.into(),
        r#"{"e":"bookTicker","u":17242169,"s":"BTCUSD_PERP","ps":"BTCUSD","b":"36999.9","B":"52","a":"37000.1","A":"11","T":1700000000555,"E":1700000000566}"#.into(),
        r#"{"e":"markPriceUpdate","E":1700000001000,"s":"BTCUSD_PERP","p":"37001.50000000","P":"37000.00000000","i":"36999.90000000","r":"0.00010000","T":1700006400000}"#.into(),
        r#"{"e":"markPriceUpdate","E":1700000001000,"s":"BTCUSD_261226","p":"37510.00000000","P":"37000.00000000","i":"36999.90000000","r":"","T":0}"#.into(),
        r#"{"stream":"btcusd_261226@forceOrder","data":{"e":"forceOrder","E":1700000002000,"o":{"s":"BTCUSD_261226","ps":"BTCUSD","S":"BUY","o":"LIMIT","f":"IOC","q":"7","p":"37600.5","ap":"37590.0","X":"FILLED","l":"7","z":"7","T":1700000001999}}}"#.into(),
        kline(false).into(),
        kline(true).into(),
        r#"{"e":"24hrTicker","E":1700000003000,"s":"BTCUSD_PERP","ps":"BTCUSD","p":"1","P":"0.01","w":"1","c":"1","Q":"1","o":"1","h":"1","l":"1","v":"1","q":"1","O":0,"C":1,"F":0,"L":1,"n":1}"#.into(),
        r#"{"e":"continuous_kline","E":1700000003000,"ps":"BTCUSD","ct":"PERPETUAL","k":{"t":1700000100000,"T":1700000399999,"i":"5m","f":1,"L":2,"o":"1","c":"1","h":"1","l":"1","v":"1","n":1,"x":false,"q":"1","V":"1","Q":"1","B":"0"}}"#.into(),
        r#"{"e":"aggTrade","E":1700000003000,"a":1,"s":"ETHUSD_PERP","p":"2000","q":"1","f":1,"l":1,"T":1700000003000,"m":true}"#.into(),
        r#"{"code": 2, "msg": "Invalid request: too many parameters"}"#.into(),
        r#"{"e":"aggTrade","E":1700000004124,"a":5933015,"s":"BTCUSD_PERP","p":"37000.2","q":"1","f":106,"l":106,"T":1700000004123,"m":false}"#.into(),
    ]
}

/// REST answers by target: the market list and each contract's open interest.
fn rest_answer(target: &str) -> Option<CannedResponse> {
    let body = match target {
        "/dapi/v1/exchangeInfo" => EXCHANGE_INFO,
        "/dapi/v1/openInterest?symbol=BTCUSD_PERP" => {
            r#"{"symbol":"BTCUSD_PERP","pair":"BTCUSD","openInterest":"15004","contractType":"PERPETUAL","time":1700000000500}"#
        }
        "/dapi/v1/openInterest?symbol=BTCUSD_261226" => {
            r#"{"symbol":"BTCUSD_261226","pair":"BTCUSD","openInterest":"2301","contractType":"CURRENT_QUARTER","time":1700000000600}"#
        }
        _ => return None,
    };
    Some(CannedResponse::ok(body))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn channels_in_contracts_and_polled_open_interest_normalize_field_by_field() {
    let (events, targets) = ChannelsCase {
        exchange_id: "binance_delivery",
        rest_prefix: "/dapi",
        exchange_info: EXCHANGE_INFO,
        streams: &SUBSCRIBED_STREAMS,
        frames: channel_frames,
        rest: rest_answer,
        symbols: &["BTC-USD-PERP", "BTC-USD-26DEC26"],
        channels: vec![
            Channel::Trades,
            Channel::Ticker,
            Channel::Funding,
            Channel::Liquidations,
            Channel::Candles,
            Channel::OpenInterest,
        ],
    }
    .run()
    .await;
    assert_eq!(
        rows(&events, EventKind::Trade),
        [
            "BINANCE_DELIVERY BTC-USD-PERP Sell 37000.1 x 25 id Some(Number(5933014)) at 1700000000.123",
            "BINANCE_DELIVERY BTC-USD-26DEC26 Buy 37500.0 x 3 id Some(Number(77)) at 1700000000.223",
            "BINANCE_DELIVERY BTC-USD-PERP Buy 37000.2 x 1 id Some(Number(5933015)) at 1700000004.123",
        ],
        "amounts in contracts, as sent; the buyer made the market of the first (a Sell)"
    );
    assert_eq!(
        rows(&events, EventKind::Ticker),
        ["BINANCE_DELIVERY BTC-USD-PERP bid 36999.9 x Some(52) ask 37000.1 x Some(11) at 1700000000.555"],
        "sizes in contracts"
    );
    assert_eq!(
        rows(&events, EventKind::Funding),
        ["BINANCE_DELIVERY BTC-USD-PERP mark Some(37001.50000000) rate 0.00010000 predicted None next 1700006400 at 1700000001"],
        "none for the delivery contract"
    );
    assert_eq!(
        rows(&events, EventKind::Liquidation),
        ["BINANCE_DELIVERY BTC-USD-26DEC26 Buy 7 x 37600.5 id None filled at 1700000001.999"],
        "the order's contracts and price"
    );
    assert_eq!(
        rows(&events, EventKind::Candle),
        [
            "BINANCE_DELIVERY BTC-USD-PERP 5m 1700000100..1700000399.999 trades Some(31) ohlcv 37500.0 37530.0 37490.1 37520.5 1560 closed false at 1700000160",
            "BINANCE_DELIVERY BTC-USD-PERP 5m 1700000100..1700000399.999 trades Some(31) ohlcv 37500.0 37530.0 37490.1 37520.5 1560 closed true at 1700000160",
        ],
        "the volume in contracts (`v`); continuous_kline is not delivered"
    );
    assert_eq!(
        rows(&events, EventKind::OpenInterest),
        [
            "BINANCE_DELIVERY BTC-USD-PERP 15004 notional None at 1700000000.5",
            "BINANCE_DELIVERY BTC-USD-26DEC26 2301 notional None at 1700000000.6",
        ],
        "contracts"
    );
    assert_requested(
        &targets,
        &[
            "/dapi/v1/exchangeInfo",
            "/dapi/v1/openInterest?symbol=BTCUSD_PERP",
            "/dapi/v1/openInterest?symbol=BTCUSD_261226",
        ],
    );
}

// ---- one path ----------------------------------------------------------------------------

#[test]
fn every_channel_mix_is_one_feed_on_ws() {
    let every = feed_ccxt::adapter("binance_delivery")
        .unwrap()
        .channels()
        .to_vec();
    assert_eq!(every.len(), 7);
    for channels in [
        every.clone(),
        vec![Channel::L2Book, Channel::Trades],
        vec![Channel::Ticker, Channel::Funding],
        vec![Channel::OpenInterest],
    ] {
        let mut feed = CcxtFeed::new(
            "binance_delivery",
            symbols(&["BTC-USD-PERP", "BTC-USD-26DEC26"]),
            channels.clone(),
        )
        .unwrap_or_else(|error| panic!("{channels:?}: {error}"));
        feed.load_markets(EXCHANGE_INFO, false).unwrap();
        assert_eq!(
            feed.websocket_url(0),
            "wss://dstream.binance.com/ws",
            "{channels:?}"
        );
    }
    let unknown = CcxtFeed::new(
        "binance_delivery",
        symbols(&["BTC-USD-25SEP26"]),
        vec![Channel::Trades],
    )
    .and_then(|mut feed| feed.load_markets(EXCHANGE_INFO, false).map(|()| feed));
    assert!(unknown.is_err(), "a DELIVERING contract is not a market");
}
