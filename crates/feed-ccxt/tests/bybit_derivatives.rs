//! Bybit linear and inverse against a loopback stand-in speaking the documented wire
//! format: each category on its own stream, its own market list, a mix refused.

mod common;

use std::str::FromStr;
use std::sync::Arc;

use common::{collect_events, collect_trades, json};
use feed_ccxt::{CcxtFeed, MarketFilter};
use feed_core::{
    Candle, Channel, Event, EventKind, Feed, Funding, InstrumentKind, Liquidation, OpenInterest,
    Side, Symbol, Ticker, TradeId,
};
use feed_testkit::{CannedResponse, ExchangeScript, ScriptedExchange, ServerFrame};
use rust_decimal::Decimal;

/// The documented linear list, trimmed: the USDT perpetual `BTCUSDT` (spot's pair has the
/// same name), the USDC perpetual `BTCPERP` and a dated USDT future.
const LINEAR: &str = r#"{"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[
  {"symbol":"BTCUSDT","contractType":"LinearPerpetual","status":"Trading","baseCoin":"BTC","quoteCoin":"USDT","deliveryTime":"0","settleCoin":"USDT"},
  {"symbol":"BTCPERP","contractType":"LinearPerpetual","status":"Trading","baseCoin":"BTC","quoteCoin":"USDC","deliveryTime":"0","settleCoin":"USDC"},
  {"symbol":"BTCUSDT-26DEC25","contractType":"LinearFutures","status":"Trading","baseCoin":"BTC","quoteCoin":"USDT","deliveryTime":"1766736000000","settleCoin":"USDT"}
],"nextPageCursor":""},"retExtInfo":{},"time":1735809771618}"#;

/// The documented inverse list, trimmed: a perpetual and a quarterly future.
const INVERSE: &str = r#"{"retCode":0,"retMsg":"OK","result":{"category":"inverse","list":[
  {"symbol":"BTCUSD","contractType":"InversePerpetual","status":"Trading","baseCoin":"BTC","quoteCoin":"USD","deliveryTime":"0","settleCoin":"BTC"},
  {"symbol":"BTCUSDH26","contractType":"InverseFutures","status":"Trading","baseCoin":"BTC","quoteCoin":"USD","deliveryTime":"1774598400000","settleCoin":"BTC"}
],"nextPageCursor":""},"retExtInfo":{},"time":1735809771618}"#;

fn symbols(names: &[&str]) -> Vec<Symbol> {
    names
        .iter()
        .map(|name| Symbol::parse(name).unwrap())
        .collect()
}

fn decimal(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// A documented `publicTrade` frame of one trade `(T, S, v, p, i)`.
fn trade(symbol: &str, time: i64, side: &str, size: &str, price: &str, id: &str) -> ServerFrame {
    serde_json::json!({"topic": format!("publicTrade.{symbol}"), "type": "snapshot",
        "ts": time + 3, "data": [{"T": time, "s": symbol, "S": side, "v": size, "p": price,
        "L": "PlusTick", "i": id, "BT": false}]})
    .to_string()
    .into()
}

/// Answers a subscribe with the linear-style ack (`ret_msg` empty, our `req_id` echoed)
/// and `frames`.
fn script(markets: &str, frames: Vec<ServerFrame>) -> ExchangeScript {
    ExchangeScript {
        markets_path: "/v5/market/instruments-info".into(),
        markets: CannedResponse::ok(markets),
        on_connect: vec![],
        on_message: Arc::new(move |message: &str| {
            let message = json(message);
            if message["op"] != "subscribe" {
                return vec![];
            }
            let ack = serde_json::json!({"success": true, "ret_msg": "", "conn_id": "c",
                "req_id": message["req_id"], "op": "subscribe"});
            let mut out: Vec<ServerFrame> = vec![ack.to_string().into()];
            out.extend(frames.iter().cloned());
            out
        }),
    }
}

fn feed(names: &[&str], standin: &ScriptedExchange) -> CcxtFeed {
    CcxtFeed::new("bybit", symbols(names), vec![Channel::Trades])
        .unwrap()
        .with_rest_endpoint(standin.rest_base())
        .with_websocket_endpoint(standin.websocket_url("/v5/public/spot"))
}

#[tokio::test]
async fn a_linear_feed_reads_btcusdt_as_the_perpetual_never_the_spot_pair() {
    let frames = vec![
        trade(
            "BTCUSDT",
            1_700_000_000_123,
            "Buy",
            "0.010",
            "37000.10",
            "2290000000061666327",
        ),
        trade("BTCPERP", 1_700_000_000_124, "Sell", "0.5", "37001.5", "a1"),
        trade(
            "BTCUSDT-26DEC25",
            1_700_000_000_125,
            "Buy",
            "2",
            "38000",
            "9",
        ),
    ];
    let standin = ScriptedExchange::start(script(LINEAR, frames))
        .await
        .unwrap();
    let names = ["BTC-USDT-PERP", "BTC-USDC-PERP", "BTC-USDT-26DEC25"];
    let mut probe = feed(&names, &standin);
    assert_eq!(
        probe.markets_urls(),
        vec![format!(
            "{}/v5/market/instruments-info?category=linear&limit=1000",
            standin.rest_base()
        )]
    );
    probe.load_markets(LINEAR, false).unwrap();
    assert!(
        probe.websocket_url(0).ends_with("/v5/public/linear"),
        "{}",
        probe.websocket_url(0)
    );

    let (trades, stats) = collect_trades(&standin, feed(&names, &standin), 3).await;
    let rows: Vec<(String, Side, Decimal, Decimal, Option<TradeId>, Decimal)> = trades
        .iter()
        .map(|t| {
            (
                t.symbol.to_string(),
                t.side,
                t.amount,
                t.price,
                t.id.clone(),
                t.timestamp,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "BTC-USDT-PERP".into(),
                Side::Buy,
                decimal("0.010"),
                decimal("37000.10"),
                Some(TradeId::Number(2_290_000_000_061_666_327)),
                decimal("1700000000.123")
            ),
            (
                "BTC-USDC-PERP".into(),
                Side::Sell,
                decimal("0.5"),
                decimal("37001.5"),
                Some(TradeId::Text("a1".into())),
                decimal("1700000000.124")
            ),
            (
                "BTC-USDT-26DEC25".into(),
                Side::Buy,
                decimal("2"),
                decimal("38000"),
                Some(TradeId::Number(9)),
                decimal("1700000000.125")
            ),
        ]
    );
    assert_eq!(stats.parse_errors, 0);
    let subscribes: Vec<serde_json::Value> = standin
        .received()
        .iter()
        .map(|message| json(message))
        .filter(|message| message["op"] == "subscribe")
        .collect();
    assert_eq!(subscribes.len(), 1, "linear has no 10-args limit");
    assert_eq!(
        subscribes[0]["args"],
        serde_json::json!([
            "publicTrade.BTCUSDT",
            "publicTrade.BTCPERP",
            "publicTrade.BTCUSDT-26DEC25"
        ])
    );
}

#[tokio::test]
async fn an_inverse_feed_goes_to_the_inverse_stream() {
    let frames = vec![trade(
        "BTCUSDH26",
        1_700_000_000_200,
        "Sell",
        "100",
        "40000.5",
        "7",
    )];
    let standin = ScriptedExchange::start(script(INVERSE, frames))
        .await
        .unwrap();
    let names = ["BTC-USD-PERP", "BTC-USD-27MAR26"];
    let mut probe = feed(&names, &standin);
    assert!(probe.markets_urls()[0].ends_with("category=inverse&limit=1000"));
    probe.load_markets(INVERSE, false).unwrap();
    assert!(probe.websocket_url(0).ends_with("/v5/public/inverse"));
    let (trades, stats) = collect_trades(&standin, feed(&names, &standin), 1).await;
    assert_eq!(trades.len(), 1, "{trades:?}");
    assert_eq!(trades[0].symbol.as_str(), "BTC-USD-27MAR26");
    assert_eq!(trades[0].amount, decimal("100"));
    assert_eq!(trades[0].price, decimal("40000.5"));
    assert_eq!(stats.parse_errors, 0);
}

#[test]
fn a_feed_mixing_categories_is_refused_naming_the_split() {
    let error = CcxtFeed::new(
        "bybit",
        symbols(&["BTC-USDT", "BTC-USDT-PERP", "BTC-USD-PERP"]),
        vec![Channel::Trades],
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        error,
        "bybit: bybit serves each category on its own connection: put spot (BTC-USDT) and linear (BTC-USDT-PERP) and inverse (BTC-USD-PERP) in separate feeds"
    );
}

#[test]
fn all_perpetuals_load_the_linear_list_only() {
    let filter = MarketFilter {
        kind: Some(InstrumentKind::Perpetual),
        ..MarketFilter::all()
    };
    let mut feed = CcxtFeed::every_market("bybit", filter.clone(), vec![Channel::Trades]).unwrap();
    assert_eq!(
        feed.markets_urls(),
        vec!["https://api.bybit.com/v5/market/instruments-info?category=linear&limit=1000"]
    );
    feed.load_every_market_of(&[LINEAR], &filter).unwrap();
    let plan = feed.plan().unwrap();
    let mut subscribed: Vec<String> = plan
        .subscriptions
        .iter()
        .map(|s| s.symbol.to_string())
        .collect();
    subscribed.sort();
    assert_eq!(subscribed, vec!["BTC-USDC-PERP", "BTC-USDT-PERP"]);
    assert_eq!(
        feed.websocket_url(0),
        "wss://stream.bybit.com/v5/public/linear"
    );
}

/// The documented linear `tickers` snapshot, then a delta moving the bid and the open
/// interest.
const TICKER_SNAPSHOT: &str = r#"{"topic":"tickers.BTCUSDT","type":"snapshot","data":{"symbol":"BTCUSDT","tickDirection":"PlusTick","price24hPcnt":"0.017103","lastPrice":"17216.00","prevPrice24h":"16926.50","highPrice24h":"17281.50","lowPrice24h":"16915.00","prevPrice1h":"17238.00","markPrice":"17217.33","indexPrice":"17227.36","openInterest":"68744.761","openInterestValue":"1183601235.91","turnover24h":"1570383121.943499","volume24h":"91705.276","nextFundingTime":"1673280000000","fundingRate":"-0.000212","bid1Price":"17215.50","bid1Size":"84.489","ask1Price":"17216.00","ask1Size":"83.020"},"cs":24987956059,"ts":1673272861686}"#;
const TICKER_DELTA: &str = r#"{"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT","bid1Price":"17215.60","bid1Size":"1.2","openInterest":"68745"},"cs":24987956060,"ts":1673272861786}"#;

#[tokio::test]
async fn a_linear_feed_of_ticker_funding_and_open_interest_reads_one_tickers_topic() {
    let standin = ScriptedExchange::start(script(
        LINEAR,
        vec![TICKER_SNAPSHOT.into(), TICKER_DELTA.into()],
    ))
    .await
    .unwrap();
    let feed = CcxtFeed::new(
        "bybit",
        symbols(&["BTC-USDT-PERP"]),
        vec![Channel::Ticker, Channel::Funding, Channel::OpenInterest],
    )
    .unwrap()
    .with_rest_endpoint(standin.rest_base())
    .with_websocket_endpoint(standin.websocket_url("/v5/public/spot"));
    let kinds = [
        EventKind::Ticker,
        EventKind::Funding,
        EventKind::OpenInterest,
    ];
    let (mut events, stats) =
        collect_events(&standin, feed, &kinds, |events| events.len() >= 5).await;
    for event in &mut events {
        match event {
            Event::Ticker(t) => t.receipt_timestamp = Decimal::ZERO,
            Event::Funding(f) => f.receipt_timestamp = Decimal::ZERO,
            Event::OpenInterest(o) => o.receipt_timestamp = Decimal::ZERO,
            _ => {}
        }
    }
    let symbol = Symbol::parse("BTC-USDT-PERP").unwrap();
    let at = Some(decimal("1673272861.686"));
    assert_eq!(
        events,
        vec![
            Event::Ticker(Ticker {
                exchange: "BYBIT".into(),
                symbol: symbol.clone(),
                bid: decimal("17215.50"),
                bid_size: Some(decimal("84.489")),
                ask: decimal("17216.00"),
                ask_size: Some(decimal("83.020")),
                timestamp: at,
                receipt_timestamp: Decimal::ZERO,
            }),
            Event::Funding(Funding {
                exchange: "BYBIT".into(),
                symbol: symbol.clone(),
                mark_price: Some(decimal("17217.33")),
                rate: decimal("-0.000212"),
                predicted_rate: None,
                next_funding_time: Some(decimal("1673280000")),
                timestamp: at,
                receipt_timestamp: Decimal::ZERO,
            }),
            Event::OpenInterest(OpenInterest {
                exchange: "BYBIT".into(),
                symbol: symbol.clone(),
                open_interest: decimal("68744.761"),
                notional: Some(decimal("1183601235.91")),
                timestamp: at,
                receipt_timestamp: Decimal::ZERO,
            }),
            // The delta moved the bid only: merged onto the snapshot's quote.
            Event::Ticker(Ticker {
                exchange: "BYBIT".into(),
                symbol: symbol.clone(),
                bid: decimal("17215.60"),
                bid_size: Some(decimal("1.2")),
                ask: decimal("17216.00"),
                ask_size: Some(decimal("83.020")),
                timestamp: Some(decimal("1673272861.786")),
                receipt_timestamp: Decimal::ZERO,
            }),
            // Its open interest is whole.
            Event::OpenInterest(OpenInterest {
                exchange: "BYBIT".into(),
                symbol,
                open_interest: decimal("68745"),
                notional: None,
                timestamp: Some(decimal("1673272861.786")),
                receipt_timestamp: Decimal::ZERO,
            }),
        ]
    );
    assert_eq!(stats.parse_errors, 0);
    let subscribe = json(&standin.received()[0]);
    assert_eq!(subscribe["args"], serde_json::json!(["tickers.BTCUSDT"]));
}

#[test]
fn tickers_on_spot_are_refused() {
    let error = CcxtFeed::new("bybit", symbols(&["BTC-USDT"]), vec![Channel::Funding])
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "bybit: FUNDING is served on linear and inverse contracts only, not on spot (BTC-USDT)"
    );
}

#[tokio::test]
async fn candles_of_an_inverse_perpetual_at_the_configured_interval() {
    let kline = r#"{"topic":"kline.5.BTCUSD","data":[{"start":1672324800000,"end":1672325099999,"interval":"5","open":"16649.5","close":"16677","high":"16677","low":"16608","volume":"2081","turnover":"0.125","confirm":true,"timestamp":1672325099999}],"ts":1672325099999,"type":"snapshot"}"#;
    let standin = ScriptedExchange::start(script(INVERSE, vec![kline.into()]))
        .await
        .unwrap();
    let feed = CcxtFeed::new("bybit", symbols(&["BTC-USD-PERP"]), vec![Channel::Candles])
        .unwrap()
        .with_candle_interval("5m")
        .unwrap()
        .with_rest_endpoint(standin.rest_base())
        .with_websocket_endpoint(standin.websocket_url("/v5/public/spot"));
    let (events, stats) = collect_events(&standin, feed, &[EventKind::Candle], |events| {
        !events.is_empty()
    })
    .await;
    let candles: Vec<Candle> = events
        .into_iter()
        .filter_map(|event| match event {
            Event::Candle(candle) => Some(Candle {
                receipt_timestamp: Decimal::ZERO,
                ..candle
            }),
            _ => None,
        })
        .collect();
    assert_eq!(
        candles,
        vec![Candle {
            exchange: "BYBIT".into(),
            symbol: Symbol::parse("BTC-USD-PERP").unwrap(),
            start: decimal("1672324800"),
            stop: decimal("1672325099.999"),
            interval: "5m".into(),
            trades: None,
            open: decimal("16649.5"),
            close: decimal("16677"),
            high: decimal("16677"),
            low: decimal("16608"),
            volume: decimal("2081"),
            closed: true,
            timestamp: Some(decimal("1672325099.999")),
            receipt_timestamp: Decimal::ZERO,
        }]
    );
    assert_eq!(stats.parse_errors, 0);
    assert_eq!(
        json(&standin.received()[0])["args"],
        serde_json::json!(["kline.5.BTCUSD"])
    );
    let refused = CcxtFeed::new("bybit", symbols(&["BTC-USD-PERP"]), vec![Channel::Candles])
        .unwrap()
        .with_candle_interval("2d")
        .unwrap_err()
        .to_string();
    assert!(refused.contains("1M"), "{refused}");
}

#[tokio::test]
async fn liquidations_of_a_linear_perpetual_carry_the_order_side() {
    let frame = r#"{"topic":"allLiquidation.BTCUSDT","type":"snapshot","ts":1739502303204,"data":[{"T":1739502302929,"s":"BTCUSDT","S":"Buy","v":"0.250","p":"96000.5"},{"T":1739502302930,"s":"BTCUSDT","S":"Sell","v":"1","p":"96001"}]}"#;
    let standin = ScriptedExchange::start(script(LINEAR, vec![frame.into()]))
        .await
        .unwrap();
    let feed = CcxtFeed::new(
        "bybit",
        symbols(&["BTC-USDT-PERP"]),
        vec![Channel::Liquidations],
    )
    .unwrap()
    .with_rest_endpoint(standin.rest_base())
    .with_websocket_endpoint(standin.websocket_url("/v5/public/spot"));
    let (events, stats) = collect_events(&standin, feed, &[EventKind::Liquidation], |events| {
        events.len() >= 2
    })
    .await;
    let liquidations: Vec<Liquidation> = events
        .into_iter()
        .filter_map(|event| match event {
            Event::Liquidation(liquidation) => Some(Liquidation {
                receipt_timestamp: Decimal::ZERO,
                ..liquidation
            }),
            _ => None,
        })
        .collect();
    let liquidation = |side, quantity: &str, price: &str, at: &str| Liquidation {
        exchange: "BYBIT".into(),
        symbol: Symbol::parse("BTC-USDT-PERP").unwrap(),
        side,
        quantity: decimal(quantity),
        price: decimal(price),
        id: None,
        status: "filled".into(),
        timestamp: Some(decimal(at)),
        receipt_timestamp: Decimal::ZERO,
    };
    assert_eq!(
        liquidations,
        vec![
            liquidation(Side::Sell, "0.250", "96000.5", "1739502302.929"),
            liquidation(Side::Buy, "1", "96001", "1739502302.930"),
        ]
    );
    assert_eq!(stats.parse_errors, 0);
    assert_eq!(
        json(&standin.received()[0])["args"],
        serde_json::json!(["allLiquidation.BTCUSDT"])
    );
}

#[test]
fn all_spot_markets_with_funding_are_refused_when_listed() {
    let spot = r#"{"retCode":0,"retMsg":"OK","result":{"category":"spot","list":[{"symbol":"BTCUSDT","baseCoin":"BTC","quoteCoin":"USDT","status":"Trading"}]},"retExtInfo":{},"time":1672712468011}"#;
    let mut feed =
        CcxtFeed::every_market("bybit", MarketFilter::all(), vec![Channel::Funding]).unwrap();
    let error = feed
        .load_every_market_of(&[spot], &MarketFilter::all())
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "bybit: FUNDING is served on linear and inverse contracts only, not on spot (BTC-USDT)"
    );
}

/// The linear list in two pages: `BTCUSDT` on the first (with a `nextPageCursor`), the
/// dated future on the second (whose cursor is empty).
fn linear_page(target: &str) -> Option<feed_testkit::CannedResponse> {
    let (path, query) = target.split_once('?')?;
    if path != "/v5/market/instruments-info" {
        return None;
    }
    let body = if query.contains("cursor=") {
        if !query.ends_with("&cursor=first%3DBTCUSDT%26last%3DBTCUSDT") {
            return None;
        }
        r#"{"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[
          {"symbol":"BTCUSDT-26DEC25","contractType":"LinearFutures","status":"Trading","baseCoin":"BTC","quoteCoin":"USDT","deliveryTime":"1766736000000","settleCoin":"USDT"}
        ],"nextPageCursor":""},"time":1}"#
    } else {
        r#"{"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[
          {"symbol":"BTCUSDT","contractType":"LinearPerpetual","status":"Trading","baseCoin":"BTC","quoteCoin":"USDT","deliveryTime":"0","settleCoin":"USDT"}
        ],"nextPageCursor":"first%3DBTCUSDT%26last%3DBTCUSDT"},"time":1}"#
    };
    Some(feed_testkit::CannedResponse::ok(body))
}

#[tokio::test]
async fn every_page_of_a_paged_market_list_is_loaded() {
    let frames = vec![trade(
        "BTCUSDT-26DEC25",
        1_700_000_000_125,
        "Buy",
        "2",
        "38000",
        "9",
    )];
    let standin = ScriptedExchange::start(script(LINEAR, frames))
        .await
        .unwrap();
    let pages = feed_testkit::start_dynamic_http_server(
        std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        Some(standin.cert.server_config()),
        linear_page,
    )
    .await
    .unwrap();
    // The future is only on the second page: the start would fail naming it otherwise.
    let feed = CcxtFeed::new(
        "bybit",
        symbols(&["BTC-USDT-PERP", "BTC-USDT-26DEC25"]),
        vec![Channel::Trades],
    )
    .unwrap()
    .with_rest_endpoint(format!("https://localhost:{}", pages.port()))
    .with_websocket_endpoint(standin.websocket_url("/v5/public/spot"));
    let (trades, stats) = collect_trades(&standin, feed, 1).await;
    assert_eq!(trades[0].symbol.as_str(), "BTC-USDT-26DEC25");
    assert_eq!(stats.parse_errors, 0);
    assert_eq!(
        pages.connection_count(),
        2,
        "two pages, each requested once"
    );
    let subscribe = json(&standin.received()[0]);
    assert_eq!(
        subscribe["args"],
        serde_json::json!(["publicTrade.BTCUSDT", "publicTrade.BTCUSDT-26DEC25"])
    );
}
