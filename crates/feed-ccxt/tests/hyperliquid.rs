//! Hyperliquid against a loopback stand-in speaking its documented wire format: the market
//! list answered on `POST /info`, every subscribe acknowledged with its echo and followed by
//! that channel's documented frames, `{"method":"ping"}` answered by `{"channel":"pong"}`.

mod common;

use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{collect_events, json, start_error, QuickKeepAlive};
use feed_ccxt::CcxtFeed;
use feed_core::runtime::StatsSnapshot;
use feed_core::{Channel, Event, EventKind, Side, Symbol, TradeId};
use feed_testkit::{CannedResponse, ExchangeScript, ScriptedExchange, ServerFrame};
use rust_decimal::Decimal;
use serde_json::Value;

/// The documented `meta` response: three listed perpetuals and a delisted one.
const META: &str = r#"{"universe":[
 {"name":"BTC","szDecimals":5,"maxLeverage":50},
 {"name":"ETH","szDecimals":4,"maxLeverage":50},
 {"name":"SOL","szDecimals":2,"maxLeverage":20},
 {"name":"LOOM","szDecimals":1,"maxLeverage":3,"isDelisted":true,"marginMode":"strictIsolated","onlyIsolated":true}],
 "marginTables":[[50,{"description":"","marginTiers":[{"lowerBound":"0.0","maxLeverage":50}]}]]}"#;

const DATA_KINDS: [EventKind; 6] = [
    EventKind::Trade,
    EventKind::Ticker,
    EventKind::Book,
    EventKind::Candle,
    EventKind::Funding,
    EventKind::OpenInterest,
];

/// The documented channels' frames for one subscribed feed.
fn frames_for(kind: &str, coin: &str) -> Vec<ServerFrame> {
    let text = |frame: String| ServerFrame::Text(frame);
    match (kind, coin) {
        ("trades", "BTC") => vec![
            text(r#"{"channel":"trades","data":[{"coin":"BTC","side":"B","px":"97432.5","sz":"0.1","hash":"0xabc","time":1734076800123,"tid":512093762541133,"users":["0x1","0x2"]},{"coin":"BTC","side":"A","px":"97432.0","sz":"0.02500","hash":"0xabd","time":1734076800124,"tid":87,"users":["0x3","0x1"]}]}"#.into()),
            // A coin not subscribed, a channel not asked for, and an error.
            text(r#"{"channel":"trades","data":[{"coin":"SOL","side":"B","px":"200.1","sz":"1","hash":"0x1","time":1734076800125,"tid":1,"users":["0x1","0x2"]}]}"#.into()),
            text(r#"{"channel":"allMids","data":{"mids":{"BTC":"97432.25"}}}"#.into()),
            text(r#"{"channel":"error","data":"Invalid subscription {\"type\":\"trades\",\"coin\":\"LOOM\"}"}"#.into()),
        ],
        ("trades", _) => vec![text(format!(
            r#"{{"channel":"trades","data":[{{"coin":"{coin}","side":"A","px":"3000.10","sz":"1.5","hash":"0xdef","time":1734076801000,"tid":9001,"users":["0x4","0x5"]}}]}}"#
        ))],
        ("bbo", _) => vec![
            text(format!(
                r#"{{"channel":"bbo","data":{{"coin":"{coin}","time":1708622398622,"bbo":[{{"px":"51225.0","sz":"0.25718","n":3}},null]}}}}"#
            )),
            text(format!(
                r#"{{"channel":"bbo","data":{{"coin":"{coin}","time":1708622398623,"bbo":[{{"px":"51225.0","sz":"0.25718","n":3}},{{"px":"51226.0","sz":"1.2","n":2}}]}}}}"#
            )),
        ],
        ("l2Book", _) => vec![text(format!(
            r#"{{"channel":"l2Book","data":{{"coin":"{coin}","time":1681923833000,"levels":[[{{"px":"19900","sz":"1","n":1}},{{"px":"19800","sz":"2","n":2}},{{"px":"19700","sz":"3","n":3}}],[{{"px":"20100","sz":"1","n":1}},{{"px":"20200","sz":"2","n":2}},{{"px":"20300","sz":"3","n":3}}]]}}}}"#
        ))],
        ("candle", _) => vec![
            text(format!(
                r#"{{"channel":"candle","data":{{"t":1681923600000,"T":1681924499999,"s":"{coin}","i":"15m","o":"29295.0","c":"29258.0","h":"29309.0","l":"29250.0","v":"0.98639","n":189}}}}"#
            )),
            // A bar whose close is still ahead (open), as the docs type it: in an array.
            text(format!(
                r#"{{"channel":"candle","data":[{{"t":4102444800000,"T":4102445699999,"s":"{coin}","i":"15m","o":"1.5","c":"1.6","h":"1.7","l":"1.4","v":"10","n":2}}]}}"#
            )),
        ],
        ("activeAssetCtx", _) => vec![text(format!(
            r#"{{"channel":"activeAssetCtx","data":{{"coin":"{coin}","ctx":{{"dayNtlVlm":"1169046.29406","funding":"0.0000125","impactPxs":["14.3047","14.3444"],"markPx":"14.3161","midPx":"14.314","openInterest":"688.11","oraclePx":"14.32","premium":"0.00031774","prevDayPx":"15.322"}}}}}}"#
        ))],
        _ => Vec::new(),
    }
}

/// Acknowledges every subscribe with its echo, then sends that feed's frames; answers each
/// ping with a pong (the first one followed by one more trade); anything else with an error.
fn script() -> ExchangeScript {
    let pings = Arc::new(AtomicUsize::new(0));
    ExchangeScript {
        markets_path: "/info".into(),
        markets: CannedResponse::ok(META),
        on_connect: vec![],
        on_message: Arc::new(move |message: &str| {
            let request: Value = serde_json::from_str(message).unwrap_or_default();
            match request["method"].as_str() {
                Some("ping") => {
                    let mut frames = vec![ServerFrame::from(r#"{"channel":"pong"}"#)];
                    if pings.fetch_add(1, Ordering::SeqCst) == 0 {
                        frames.push(ServerFrame::from(r#"{"channel":"trades","data":[{"coin":"ETH","side":"B","px":"3001","sz":"0.5","hash":"0x9","time":1734076802000,"tid":9002,"users":["0x4","0x5"]}]}"#));
                    }
                    frames
                }
                Some("subscribe") => {
                    let ack =
                        serde_json::json!({"channel": "subscriptionResponse", "data": request});
                    let kind = request["subscription"]["type"].as_str().unwrap_or_default();
                    let coin = request["subscription"]["coin"].as_str().unwrap_or_default();
                    let mut frames = vec![ServerFrame::Text(ack.to_string())];
                    frames.extend(frames_for(kind, coin));
                    frames
                }
                _ => vec![r#"{"channel":"error","data":"Invalid request"}"#.into()],
            }
        }),
    }
}

fn feed(standin: &ScriptedExchange, channels: Vec<Channel>) -> CcxtFeed {
    CcxtFeed::new(
        "hyperliquid",
        vec![
            Symbol::parse("BTC-USDC-PERP").unwrap(),
            Symbol::parse("ETH-USDC-PERP").unwrap(),
        ],
        channels,
    )
    .unwrap()
    .with_rest_endpoint(standin.rest_base())
    .with_websocket_endpoint(standin.websocket_url("/ws"))
    .with_candle_interval("15m")
    .unwrap()
}

fn every_channel() -> Vec<Channel> {
    feed_ccxt::adapter("hyperliquid")
        .unwrap()
        .channels()
        .to_vec()
}

fn decimal(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// The events of `kind` for `symbol`, in order.
fn of<'a>(events: &'a [Event], kind: EventKind, symbol: &str) -> Vec<&'a Event> {
    events
        .iter()
        .filter(|event| event.kind() == kind && event.symbol().map(Symbol::as_str) == Some(symbol))
        .collect()
}

/// The subscribe messages, one per feed: FUNDING and OPEN_INTEREST share `activeAssetCtx`.
fn assert_subscribed(received: &[String]) {
    let subscribes: Vec<Value> = received
        .iter()
        .map(|message| json(message))
        .filter(|message| message["method"] == "subscribe")
        .collect();
    let mut expected = Vec::new();
    for coin in ["BTC", "ETH"] {
        for subscription in [
            serde_json::json!({"type": "trades", "coin": coin}),
            serde_json::json!({"type": "bbo", "coin": coin}),
            serde_json::json!({"type": "l2Book", "coin": coin}),
            serde_json::json!({"type": "candle", "coin": coin, "interval": "15m"}),
            serde_json::json!({"type": "activeAssetCtx", "coin": coin}),
        ] {
            expected.push(serde_json::json!({"method": "subscribe", "subscription": subscription}));
        }
    }
    assert_eq!(subscribes, expected);
}

/// Every event of BTC, field by field; ETH's trade.
fn assert_documented_events(events: &[Event]) {
    let btc = "BTC-USDC-PERP";
    let trades: Vec<_> = of(events, EventKind::Trade, btc)
        .into_iter()
        .filter_map(|event| match event {
            Event::Trade(trade) => Some(trade),
            _ => None,
        })
        .collect();
    assert_eq!(trades.len(), 2, "{events:#?}");
    assert_eq!(&*trades[0].exchange, "HYPERLIQUID");
    assert_eq!(
        (trades[0].side, trades[0].id.clone()),
        (Side::Buy, Some(TradeId::Number(512_093_762_541_133)))
    );
    assert_eq!(
        (trades[0].price.to_string(), trades[0].amount.to_string()),
        ("97432.5".into(), "0.1".into())
    );
    assert_eq!(trades[0].timestamp, decimal("1734076800.123"));
    assert!(trades[0].receipt_timestamp > trades[0].timestamp);
    assert_eq!(
        (trades[1].side, trades[1].amount.to_string()),
        (Side::Sell, "0.02500".into())
    );
    let Event::Trade(eth) = of(events, EventKind::Trade, "ETH-USDC-PERP")[0] else {
        unreachable!()
    };
    assert_eq!(
        (eth.side, eth.price.to_string(), eth.id.clone()),
        (Side::Sell, "3000.10".into(), Some(TradeId::Number(9001)))
    );

    let tickers = of(events, EventKind::Ticker, btc);
    assert_eq!(tickers.len(), 1, "the bbo with an empty side is no ticker");
    let Event::Ticker(ticker) = tickers[0] else {
        unreachable!()
    };
    assert_eq!(
        (ticker.bid, ticker.bid_size, ticker.ask, ticker.ask_size),
        (
            decimal("51225.0"),
            Some(decimal("0.25718")),
            decimal("51226.0"),
            Some(decimal("1.2"))
        )
    );
    assert_eq!(ticker.timestamp, Some(decimal("1708622398.623")));

    let Event::Book(book) = of(events, EventKind::Book, btc)[0] else {
        unreachable!()
    };
    let text = |levels: &[feed_core::Level]| -> Vec<String> {
        levels
            .iter()
            .map(|l| format!("{}:{}", l.price, l.size))
            .collect()
    };
    assert_eq!(text(&book.bids), vec!["19900:1", "19800:2", "19700:3"]);
    assert_eq!(text(&book.asks), vec!["20100:1", "20200:2", "20300:3"]);
    assert_eq!(
        (book.timestamp, book.sequence),
        (Some(decimal("1681923833.000")), None)
    );

    let candles: Vec<_> = of(events, EventKind::Candle, btc)
        .into_iter()
        .filter_map(|event| match event {
            Event::Candle(candle) => Some(candle),
            _ => None,
        })
        .collect();
    assert_eq!(candles.len(), 2);
    let closed = candles[0];
    assert_eq!(
        (closed.start, closed.stop, &*closed.interval, closed.trades),
        (
            decimal("1681923600"),
            decimal("1681924499.999"),
            "15m",
            Some(189)
        )
    );
    assert_eq!(
        (
            closed.open,
            closed.close,
            closed.high,
            closed.low,
            closed.volume
        ),
        (
            decimal("29295.0"),
            decimal("29258.0"),
            decimal("29309.0"),
            decimal("29250.0"),
            decimal("0.98639")
        )
    );
    assert!(closed.closed, "it arrived after its last millisecond");
    assert!(!candles[1].closed, "its close is still ahead");
    assert_eq!(candles[1].open.to_string(), "1.5");

    let Event::Funding(funding) = of(events, EventKind::Funding, btc)[0] else {
        unreachable!()
    };
    assert_eq!(
        (funding.rate, funding.mark_price, funding.predicted_rate),
        (decimal("0.0000125"), Some(decimal("14.3161")), None)
    );
    assert_eq!((funding.next_funding_time, funding.timestamp), (None, None));
    let Event::OpenInterest(interest) = of(events, EventKind::OpenInterest, btc)[0] else {
        unreachable!()
    };
    assert_eq!(
        (interest.open_interest, interest.notional),
        (decimal("688.11"), None)
    );
    assert_eq!(of(events, EventKind::Funding, btc).len(), 1);
    assert_eq!(of(events, EventKind::OpenInterest, btc).len(), 1);
}

/// BTC: 2 trades, a ticker, a book, 2 candles, a funding rate, an open interest; ETH: the
/// same with one trade.
const EVENTS: usize = 15;

fn assert_counters(stats: &StatsSnapshot) {
    assert_eq!(stats.trades, 3);
    assert_eq!(stats.books, 2);
    assert_eq!(stats.exchange_errors, 1, "the error frame");
    assert_eq!(stats.parse_errors, 0);
    assert_eq!((stats.rejected, stats.gaps), (0, 0));
}

#[tokio::test]
async fn every_channel_is_subscribed_once_per_feed_and_normalized_field_by_field() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let feed = feed(&standin, every_channel());
    let (events, stats) =
        collect_events(&standin, feed, &DATA_KINDS, |events| events.len() >= EVENTS).await;

    assert_subscribed(&standin.received());
    assert_eq!(events.len(), EVENTS, "{events:#?}");
    assert_documented_events(&events);
    assert!(
        events.iter().all(|event| event
            .symbol()
            .is_some_and(|s| s.as_str() != "SOL-USDC-PERP")),
        "the coin not subscribed is skipped"
    );
    assert_counters(&stats);
    assert_eq!(
        standin.rest.connection_count(),
        1,
        "the market list, on POST /info"
    );
}

#[tokio::test]
async fn sends_the_documented_ping_and_takes_the_pong() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let hyperliquid = feed_ccxt::adapter("hyperliquid").unwrap();
    let feed = CcxtFeed::with_adapter(
        Arc::new(QuickKeepAlive(hyperliquid)),
        vec![
            Symbol::parse("BTC-USDC-PERP").unwrap(),
            Symbol::parse("ETH-USDC-PERP").unwrap(),
        ],
        every_channel(),
    )
    .unwrap()
    .with_rest_endpoint(standin.rest_base())
    .with_websocket_endpoint(standin.websocket_url("/ws"))
    .with_candle_interval("15m")
    .unwrap();
    // The last trade comes only after the stand-in answered the first ping.
    let (events, stats) =
        collect_events(&standin, feed, &DATA_KINDS, |events| events.len() > EVENTS).await;

    let received = standin.received();
    assert_subscribed(&received);
    assert_eq!(json(&received[10]), serde_json::json!({"method": "ping"}));
    assert_eq!(events.len(), EVENTS + 1, "{events:#?}");
    assert_documented_events(&events);
    let Some(Event::Trade(last)) = events.last() else {
        panic!("{events:#?}")
    };
    assert_eq!(
        (last.symbol.as_str(), last.side, last.price.to_string()),
        ("ETH-USDC-PERP", Side::Buy, "3001".into())
    );
    assert_eq!(stats.parse_errors, 0, "the pong is not an error");
    assert_eq!(stats.exchange_errors, 1);
}

#[tokio::test]
async fn a_delisted_coin_is_not_a_market() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let feed = CcxtFeed::new(
        "hyperliquid",
        vec![Symbol::parse("LOOM-USDC-PERP").unwrap()],
        vec![Channel::Trades],
    )
    .unwrap()
    .with_rest_endpoint(standin.rest_base())
    .with_websocket_endpoint(standin.websocket_url("/ws"));
    let error = start_error(&standin, feed).await.to_string();
    assert!(
        error.contains("hyperliquid has no market LOOM-USDC-PERP"),
        "{error}"
    );
    assert_eq!(standin.websocket.connection_count(), 0);
}
