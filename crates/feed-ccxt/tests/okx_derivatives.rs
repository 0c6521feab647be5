//! OKX perpetuals and futures against a loopback stand-in speaking the documented wire
//! format: spot and the perpetual of one pair in one feed, every derivative channel field
//! by field, candles on the `business` endpoint in a feed of their own.

mod common;

use std::str::FromStr;
use std::sync::Arc;

use common::{collect_events, json};
use feed_ccxt::CcxtFeed;
use feed_core::{
    Candle, Channel, Event, EventKind, Feed, Funding, Liquidation, OpenInterest, Side, Symbol,
    Ticker,
};
use feed_testkit::{CannedResponse, ExchangeScript, ScriptedExchange, ServerFrame};
use rust_decimal::Decimal;
use serde_json::Value;

/// Spot, a linear perpetual and an inverse dated future, in the documented shape (the
/// stand-in serves this one body for every `instType` requested).
const INSTRUMENTS: &str = r#"{"code":"0","msg":"","data":[
 {"baseCcy":"BTC","instId":"BTC-USDT","instType":"SPOT","quoteCcy":"USDT","state":"live","tickSz":"0.1"},
 {"baseCcy":"","ctType":"linear","ctVal":"0.01","ctValCcy":"BTC","expTime":"","instFamily":"BTC-USDT","instId":"BTC-USDT-SWAP","instType":"SWAP","quoteCcy":"","settleCcy":"USDT","state":"live","uly":"BTC-USDT"},
 {"alias":"next_quarter","baseCcy":"","ctType":"inverse","ctVal":"100","ctValCcy":"USD","expTime":"1798272000000","instFamily":"BTC-USD","instId":"BTC-USD-261226","instType":"FUTURES","quoteCcy":"","settleCcy":"BTC","state":"live","uly":"BTC-USD"}]}"#;

fn symbols(names: &[&str]) -> Vec<Symbol> {
    names
        .iter()
        .map(|name| Symbol::parse(name).unwrap())
        .collect()
}

fn number(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn count(events: &[Event], kind: EventKind) -> usize {
    events.iter().filter(|event| event.kind() == kind).count()
}

/// Answers a subscribe with an ack per arg (echoing it), then `pushes`.
fn script(pushes: Vec<String>) -> ExchangeScript {
    ExchangeScript {
        markets_path: "/api/v5/public/instruments".into(),
        markets: CannedResponse::ok(INSTRUMENTS),
        on_connect: vec![],
        on_message: Arc::new(move |message: &str| {
            if message == "ping" {
                return vec!["pong".into()];
            }
            let request = json(message);
            if request["op"] != "subscribe" {
                return vec![r#"{"event":"error","code":"60012","msg":"Invalid request","connId":"a4d3ae55"}"#.into()];
            }
            let mut frames: Vec<ServerFrame> = request["args"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|arg| {
                    ServerFrame::Text(
                        serde_json::json!({"event": "subscribe", "arg": arg, "connId": "a4d3ae55"})
                            .to_string(),
                    )
                })
                .collect();
            frames.extend(pushes.iter().cloned().map(ServerFrame::Text));
            frames
        }),
    }
}

fn trade_push(inst_id: &str, id: &str, px: &str, sz: &str, side: &str, ts: &str) -> String {
    format!(
        r#"{{"arg":{{"channel":"trades","instId":"{inst_id}"}},"data":[{{"instId":"{inst_id}","tradeId":"{id}","px":"{px}","sz":"{sz}","side":"{side}","ts":"{ts}","count":"1","seqId":1}}]}}"#
    )
}

fn ticker_push(inst_id: &str, inst_type: &str, bid: &str, ask: &str) -> String {
    format!(
        r#"{{"arg":{{"channel":"tickers","instId":"{inst_id}"}},"data":[{{"instType":"{inst_type}","instId":"{inst_id}","last":"9999.99","lastSz":"0.1","askPx":"{ask}","askSz":"11","bidPx":"{bid}","bidSz":"5","open24h":"9000","high24h":"10000","low24h":"8888.88","volCcy24h":"2222","vol24h":"2222","sodUtc0":"2222","sodUtc8":"2222","ts":"1597026383085"}}]}}"#
    )
}

fn sorted_args(message: &str) -> Vec<String> {
    let mut args: Vec<String> = json(message)["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(Value::to_string)
        .collect();
    args.sort();
    args
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spot_perpetual_and_future_of_one_feed_with_every_public_channel() {
    let pushes = vec![
        trade_push("BTC-USDT", "1", "42219.9", "0.5", "buy", "1630048897897"),
        trade_push("BTC-USDT-SWAP", "2", "42230.1", "12", "sell", "1630048897898"),
        trade_push("BTC-USD-261226", "3", "43000.5", "7", "buy", "1630048897899"),
        ticker_push("BTC-USDT", "SPOT", "8888.88", "9999.99"),
        ticker_push("BTC-USDT-SWAP", "SWAP", "8888.8", "8889.1"),
        r#"{"arg":{"channel":"funding-rate","instId":"BTC-USDT-SWAP"},"data":[{"formulaType":"noRate","fundingRate":"0.0001875391284828","fundingTime":"1700726400000","impactValue":"","instId":"BTC-USDT-SWAP","instType":"SWAP","interestRate":"","maxFundingRate":"0.00375","method":"current_period","minFundingRate":"-0.00375","nextFundingRate":"","nextFundingTime":"1700755200000","premium":"0.0001233824646391","settFundingRate":"0.0001699799259033","settState":"settled","sign":"","ts":"1700724675402"}]}"#.into(),
        r#"{"arg":{"channel":"open-interest","instId":"BTC-USD-261226"},"data":[{"instId":"BTC-USD-261226","instType":"FUTURES","oi":"5000","oiCcy":"555.55","oiUsd":"50000","ts":"1597026383085"}]}"#.into(),
        r#"{"arg":{"channel":"liquidation-orders","instType":"SWAP"},"data":[{"details":[{"bkLoss":"0","bkPx":"0.007831","ccy":"","posSide":"short","side":"buy","sz":"13","ts":"1692266434010"}],"instFamily":"IOST-USDT","instId":"IOST-USDT-SWAP","instType":"SWAP","uly":"IOST-USDT"},{"details":[{"bkLoss":"0","bkPx":"41000.5","ccy":"","posSide":"long","side":"sell","sz":"3","ts":"1692266434011"}],"instFamily":"BTC-USDT","instId":"BTC-USDT-SWAP","instType":"SWAP","uly":"BTC-USDT"}]}"#.into(),
        r#"{"arg":{"channel":"mark-price","instId":"BTC-USDT-SWAP"},"data":[{"instType":"SWAP","instId":"BTC-USDT-SWAP","markPx":"42310.6","ts":"1630049139746"}]}"#.into(),
    ];
    let standin = ScriptedExchange::start(script(pushes)).await.unwrap();
    let channels = vec![
        Channel::Trades,
        Channel::Ticker,
        Channel::Funding,
        Channel::OpenInterest,
        Channel::Liquidations,
    ];
    let feed = CcxtFeed::new(
        "okx",
        symbols(&["BTC-USDT", "BTC-USDT-PERP", "BTC-USD-26DEC26"]),
        channels,
    )
    .unwrap()
    .with_rest_endpoint(standin.rest_base())
    .with_websocket_endpoint(standin.websocket_url("/ws/v5/public"));
    let kinds = [
        EventKind::Trade,
        EventKind::Ticker,
        EventKind::Funding,
        EventKind::OpenInterest,
        EventKind::Liquidation,
    ];
    let (events, stats) = collect_events(&standin, feed, &kinds, |events| {
        count(events, EventKind::Trade) >= 3
            && count(events, EventKind::Ticker) >= 2
            && count(events, EventKind::Liquidation) >= 1
            && count(events, EventKind::Funding) >= 1
            && count(events, EventKind::OpenInterest) >= 1
    })
    .await;

    let received = standin.received();
    assert_eq!(received.len(), 1, "{received:?}");
    let mut expected: Vec<String> = [
        r#"{"channel":"trades","instId":"BTC-USDT"}"#,
        r#"{"channel":"trades","instId":"BTC-USDT-SWAP"}"#,
        r#"{"channel":"trades","instId":"BTC-USD-261226"}"#,
        r#"{"channel":"tickers","instId":"BTC-USDT"}"#,
        r#"{"channel":"tickers","instId":"BTC-USDT-SWAP"}"#,
        r#"{"channel":"tickers","instId":"BTC-USD-261226"}"#,
        r#"{"channel":"funding-rate","instId":"BTC-USDT-SWAP"}"#,
        r#"{"channel":"open-interest","instId":"BTC-USDT-SWAP"}"#,
        r#"{"channel":"open-interest","instId":"BTC-USD-261226"}"#,
        r#"{"channel":"liquidation-orders","instType":"SWAP"}"#,
        r#"{"channel":"liquidation-orders","instType":"FUTURES"}"#,
    ]
    .iter()
    .map(|arg| json(arg).to_string())
    .collect();
    expected.sort();
    assert_eq!(sorted_args(&received[0]), expected, "{}", received[0]);

    let trades: Vec<_> = events
        .iter()
        .filter_map(|event| match event {
            Event::Trade(trade) => Some(trade),
            _ => None,
        })
        .collect();
    let seen: Vec<(&str, Side, String, String, String)> = trades
        .iter()
        .map(|trade| {
            (
                trade.symbol.as_str(),
                trade.side,
                trade.price.to_string(),
                trade.amount.to_string(),
                trade.timestamp.to_string(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (
                "BTC-USDT",
                Side::Buy,
                "42219.9".into(),
                "0.5".into(),
                "1630048897.897".into()
            ),
            (
                "BTC-USDT-PERP",
                Side::Sell,
                "42230.1".into(),
                "12".into(),
                "1630048897.898".into()
            ),
            (
                "BTC-USD-26DEC26",
                Side::Buy,
                "43000.5".into(),
                "7".into(),
                "1630048897.899".into()
            ),
        ],
        "spot and perpetual of one pair stay apart"
    );

    let ticker = |symbol: &str| -> Ticker {
        events
            .iter()
            .find_map(|event| match event {
                Event::Ticker(ticker) if ticker.symbol.as_str() == symbol => Some(ticker.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("a ticker of {symbol}"))
    };
    let perpetual = ticker("BTC-USDT-PERP");
    assert_eq!(&*perpetual.exchange, "OKX");
    assert_eq!(
        (
            perpetual.bid,
            perpetual.bid_size,
            perpetual.ask,
            perpetual.ask_size
        ),
        (
            number("8888.8"),
            Some(number("5")),
            number("8889.1"),
            Some(number("11"))
        )
    );
    assert_eq!(perpetual.timestamp, Some(number("1597026383.085")));
    assert!(perpetual.receipt_timestamp > number("1597026383.085"));
    let spot = ticker("BTC-USDT");
    assert_eq!((spot.bid, spot.ask), (number("8888.88"), number("9999.99")));

    let funding: Vec<&Funding> = events
        .iter()
        .filter_map(|event| match event {
            Event::Funding(funding) => Some(funding),
            _ => None,
        })
        .collect();
    assert_eq!(funding.len(), 1);
    let funding = funding[0];
    assert_eq!(funding.symbol.as_str(), "BTC-USDT-PERP");
    assert_eq!(funding.mark_price, None);
    assert_eq!(funding.rate, number("0.0001875391284828"));
    assert_eq!(funding.predicted_rate, None);
    assert_eq!(funding.next_funding_time, Some(number("1700726400")));
    assert_eq!(funding.timestamp, Some(number("1700724675.402")));

    let interest: Vec<&OpenInterest> = events
        .iter()
        .filter_map(|event| match event {
            Event::OpenInterest(interest) => Some(interest),
            _ => None,
        })
        .collect();
    assert_eq!(interest.len(), 1);
    assert_eq!(interest[0].symbol.as_str(), "BTC-USD-26DEC26");
    assert_eq!(interest[0].open_interest, number("5000"));
    assert_eq!(interest[0].notional, None);
    assert_eq!(interest[0].timestamp, Some(number("1597026383.085")));

    let liquidations: Vec<&Liquidation> = events
        .iter()
        .filter_map(|event| match event {
            Event::Liquidation(liquidation) => Some(liquidation),
            _ => None,
        })
        .collect();
    assert_eq!(liquidations.len(), 1, "IOST-USDT-SWAP is not in the feed");
    let liquidation = liquidations[0];
    assert_eq!(liquidation.symbol.as_str(), "BTC-USDT-PERP");
    assert_eq!(liquidation.side, Side::Sell);
    assert_eq!(liquidation.quantity, number("3"));
    assert_eq!(liquidation.price, number("41000.5"));
    assert_eq!(liquidation.id, None);
    assert_eq!(&*liquidation.status, "filled");
    assert_eq!(liquidation.timestamp, Some(number("1692266434.011")));

    assert_eq!(stats.parse_errors, 0);
    assert_eq!(stats.exchange_errors, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn candles_of_a_perpetual_on_their_own_feed() {
    let pushes = vec![
        r#"{"arg":{"channel":"candle1H","instId":"BTC-USDT-SWAP"},"data":[["1700000000000","42000.1","42100","41900.5","42050.25","1234","12.34","518000.5","0"]]}"#.into(),
        r#"{"arg":{"channel":"candle1H","instId":"BTC-USDT-SWAP"},"data":[["1700000000000","42000.1","42150","41900.5","42120","1500","15","630000","1"]]}"#.into(),
    ];
    let standin = ScriptedExchange::start(script(pushes)).await.unwrap();
    let feed = CcxtFeed::new("okx", symbols(&["BTC-USDT-PERP"]), vec![Channel::Candles])
        .unwrap()
        .with_candle_interval("1h")
        .unwrap()
        .with_rest_endpoint(standin.rest_base())
        .with_websocket_endpoint(standin.websocket_url("/ws/v5/public"));
    let (events, stats) = collect_events(&standin, feed, &[EventKind::Candle], |events| {
        events.len() >= 2
    })
    .await;
    assert_eq!(
        json(&standin.received()[0]),
        json(r#"{"op":"subscribe","args":[{"channel":"candle1H","instId":"BTC-USDT-SWAP"}]}"#)
    );
    let candles: Vec<&Candle> = events
        .iter()
        .filter_map(|event| match event {
            Event::Candle(candle) => Some(candle),
            _ => None,
        })
        .collect();
    assert_eq!(candles.len(), 2, "{candles:#?}");
    let open = candles[0];
    assert_eq!(&*open.exchange, "OKX");
    assert_eq!(open.symbol.as_str(), "BTC-USDT-PERP");
    assert_eq!(open.start, number("1700000000"));
    assert_eq!(open.stop, number("1700003599.999"));
    assert_eq!(&*open.interval, "1h");
    assert_eq!(open.trades, None);
    assert_eq!(
        (open.open, open.high, open.low, open.close, open.volume),
        (
            number("42000.1"),
            number("42100"),
            number("41900.5"),
            number("42050.25"),
            number("1234")
        )
    );
    assert!(!open.closed);
    assert_eq!(open.timestamp, None);
    let closed = candles[1];
    assert!(closed.closed);
    assert_eq!(
        (closed.high, closed.close),
        (number("42150"), number("42120"))
    );
    assert_eq!(stats.parse_errors + stats.exchange_errors, 0);
}

#[test]
fn a_feed_mixing_candles_with_public_channels_gets_a_business_connection_for_them() {
    let mut mixed = CcxtFeed::new(
        "okx",
        symbols(&["BTC-USDT-PERP"]),
        vec![Channel::Trades, Channel::Candles],
    )
    .unwrap();
    mixed.load_markets(INSTRUMENTS, false).unwrap();
    assert_eq!(mixed.connections(), 2);
    assert_eq!(mixed.websocket_url(0), "wss://ws.okx.com:8443/ws/v5/public");
    assert_eq!(
        mixed.websocket_url(1),
        "wss://ws.okx.com:8443/ws/v5/business"
    );
    let mut feed = CcxtFeed::new("okx", symbols(&["BTC-USDT-PERP"]), vec![Channel::Candles])
        .unwrap()
        .with_candle_interval("4h")
        .unwrap();
    feed.load_markets(INSTRUMENTS, false).unwrap();
    assert_eq!(
        feed.websocket_url(0),
        "wss://ws.okx.com:8443/ws/v5/business"
    );
    let error = CcxtFeed::new("okx", symbols(&["BTC-USDT-PERP"]), vec![Channel::Candles])
        .unwrap()
        .with_candle_interval("1M")
        .unwrap_err();
    assert!(error.to_string().contains("1h"), "{error}");
}

/// OKX's instrument lists by query: an option (and nothing else) only for
/// `instType=OPTION&instFamily=BTC-USD`, empty lists for the other types.
fn instruments_by_query(target: &str) -> Option<CannedResponse> {
    let (path, query) = target.split_once('?')?;
    if path != "/api/v5/public/instruments" {
        return None;
    }
    Some(CannedResponse::ok(match query {
        "instType=OPTION&instFamily=BTC-USD" => {
            r#"{"code":"0","msg":"","data":[
 {"instType":"OPTION","instId":"BTC-USD-261226-100000-C","instFamily":"BTC-USD","uly":"BTC-USD","settleCcy":"BTC","ctVal":"0.01","ctValCcy":"BTC","optType":"C","stk":"100000","expTime":"1798272000000","state":"live"}]}"#
        }
        "instType=SPOT" | "instType=SWAP" | "instType=FUTURES" => {
            r#"{"code":"0","msg":"","data":[]}"#
        }
        _ => return None,
    }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_option_feed_requests_its_family_and_reads_trades_and_tickers() {
    let option = "BTC-USD-261226-100000-C";
    let pushes = vec![
        trade_push(option, "7", "0.0215", "3", "buy", "1630048897897"),
        ticker_push(option, "OPTION", "0.021", "0.022"),
    ];
    let standin = ScriptedExchange::start(script(pushes)).await.unwrap();
    let lists = feed_testkit::start_dynamic_http_server(
        std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        Some(standin.cert.server_config()),
        instruments_by_query,
    )
    .await
    .unwrap();
    let feed = CcxtFeed::new(
        "okx",
        symbols(&["BTC-USD-26DEC26-100000-C"]),
        vec![Channel::Trades, Channel::Ticker],
    )
    .unwrap()
    .with_rest_endpoint(format!("https://localhost:{}", lists.port()))
    .with_websocket_endpoint(standin.websocket_url("/ws/v5/public"));
    let (events, stats) = collect_events(
        &standin,
        feed,
        &[EventKind::Trade, EventKind::Ticker],
        |events| events.len() >= 2,
    )
    .await;
    assert_eq!(stats.parse_errors, 0);
    assert_eq!(
        lists.connection_count(),
        4,
        "SPOT, SWAP, FUTURES and one family"
    );
    match &events[..] {
        [Event::Trade(trade), Event::Ticker(ticker)] => {
            assert_eq!(trade.symbol.as_str(), "BTC-USD-26DEC26-100000-C");
            assert_eq!((trade.price, trade.amount), (number("0.0215"), number("3")));
            assert_eq!(trade.side, Side::Buy);
            assert_eq!((ticker.bid, ticker.ask), (number("0.021"), number("0.022")));
        }
        other => panic!("expected a trade and a ticker, got {other:?}"),
    }
    assert_eq!(
        sorted_args(&standin.received()[0]),
        vec![
            format!(r#"{{"channel":"tickers","instId":"{option}"}}"#),
            format!(r#"{{"channel":"trades","instId":"{option}"}}"#),
        ]
    );
}
