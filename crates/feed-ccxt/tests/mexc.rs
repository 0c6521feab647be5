//! MEXC spot against a loopback stand-in speaking its documented wire format: one
//! `SUBSCRIPTION` per topic answered in JSON text, deals and book tickers as protobuf binary
//! frames (several deals in one push), a symbol not subscribed, `{"method":"PING"}`
//! answered with `PONG`, a refused topic and an error answer.

mod common;

use std::sync::Arc;

use common::{collect_events, json, start_error, QuickKeepAlive};
use feed_ccxt::exchanges::mexc::proto::{
    Body, PublicAggreBookTickerV3Api, PublicAggreDealsV3Api, PublicAggreDealsV3ApiItem,
    PushDataV3ApiWrapper,
};
use feed_ccxt::CcxtFeed;
use feed_core::{Channel, Event, EventKind, Side, Symbol, TradeId};
use feed_testkit::{CannedResponse, ExchangeScript, ScriptedExchange, ServerFrame};
use prost::Message;

const EXCHANGE_INFO: &str = r#"{"timezone":"CST","serverTime":1,"symbols":[
  {"symbol":"BTCUSDT","status":"1","baseAsset":"BTC","quoteAsset":"USDT","isSpotTradingAllowed":true},
  {"symbol":"ETHUSDT","status":"1","baseAsset":"ETH","quoteAsset":"USDT","isSpotTradingAllowed":true},
  {"symbol":"OLDUSDT","status":"3","baseAsset":"OLD","quoteAsset":"USDT","isSpotTradingAllowed":true}]}"#;

fn deal(
    price: &str,
    quantity: &str,
    trade_type: i32,
    time: i64,
    id: &str,
) -> PublicAggreDealsV3ApiItem {
    PublicAggreDealsV3ApiItem {
        price: price.into(),
        quantity: quantity.into(),
        trade_type,
        time,
        trade_id: id.into(),
    }
}

fn push(symbol: &str, channel: &str, body: Body, time: i64) -> ServerFrame {
    ServerFrame::Binary(
        PushDataV3ApiWrapper {
            channel: format!("spot@{channel}@100ms@{symbol}"),
            body: Some(body),
            symbol: Some(symbol.into()),
            symbol_id: None,
            create_time: Some(time - 1),
            send_time: Some(time),
        }
        .encode_to_vec(),
    )
}

fn deals(symbol: &str, items: Vec<PublicAggreDealsV3ApiItem>) -> ServerFrame {
    push(
        symbol,
        "public.aggre.deals.v3.api.pb",
        Body::PublicAggreDeals(PublicAggreDealsV3Api {
            deals: items,
            event_type: "spot@public.aggre.deals.v3.api.pb@100ms".into(),
        }),
        1_736_409_765_100,
    )
}

fn book_ticker(symbol: &str, bid: &str, bid_size: &str, ask: &str, ask_size: &str) -> ServerFrame {
    push(
        symbol,
        "public.aggre.bookTicker.v3.api.pb",
        Body::PublicAggreBookTicker(PublicAggreBookTickerV3Api {
            bid_price: bid.into(),
            bid_quantity: bid_size.into(),
            ask_price: ask.into(),
            ask_quantity: ask_size.into(),
            version: String::new(),
            last_order_create_time: 0,
        }),
        1_736_412_092_433,
    )
}

fn script() -> ExchangeScript {
    ExchangeScript {
        markets_path: "/api/v3/exchangeInfo".into(),
        markets: CannedResponse::ok(EXCHANGE_INFO),
        on_connect: vec![],
        on_message: Arc::new(|message: &str| {
            let request = json(message);
            if request == json(r#"{"method":"PING"}"#) {
                return vec![
                    r#"{"id":0,"code":0,"msg":"PONG"}"#.into(),
                    deals(
                        "ETHUSDT",
                        vec![deal("3000.5", "2.0", 1, 1_736_409_766_000, "77")],
                    ),
                ];
            }
            assert_eq!(request["method"], "SUBSCRIPTION", "{message}");
            let topic = request["params"][0].as_str().unwrap().to_owned();
            let ack: ServerFrame = format!(r#"{{"id":0,"code":0,"msg":"{topic}"}}"#).into();
            match topic.as_str() {
                "spot@public.aggre.deals.v3.api.pb@100ms@BTCUSDT" => vec![
                    ack,
                    deals(
                        "BTCUSDT",
                        vec![
                            deal("93220.00", "0.04438243", 2, 1_736_409_765_051, "5532466"),
                            deal("93220.01", "0.10000000", 1, 1_736_409_765_052, "5532467"),
                        ],
                    ),
                    deals("SOLUSDT", vec![deal("1", "1", 1, 1, "1")]),
                    r#"{"id":0,"code":1,"msg":"Invalid request"}"#.into(),
                ],
                "spot@public.aggre.deals.v3.api.pb@100ms@ETHUSDT" => vec![ack],
                "spot@public.aggre.bookTicker.v3.api.pb@100ms@BTCUSDT" => vec![
                    ack,
                    book_ticker("BTCUSDT", "93387.28", "3.73485", "93387.29", "7.669875"),
                ],
                other => vec![format!(
                    r#"{{"id":0,"code":0,"msg":"Not Subscribed successfully! [{other}].  Reason： Blocked! "}}"#
                )
                .into()],
            }
        }),
    }
}

fn symbols(names: &[&str]) -> Vec<Symbol> {
    names
        .iter()
        .map(|name| Symbol::parse(name).unwrap())
        .collect()
}

#[tokio::test]
async fn subscribes_per_topic_and_reads_protobuf_deals_tickers_and_pongs() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let mexc = feed_ccxt::adapter("mexc").unwrap();
    let feed = CcxtFeed::with_adapter(
        Arc::new(QuickKeepAlive(mexc)),
        symbols(&["BTC-USDT", "ETH-USDT"]),
        vec![Channel::Trades],
    )
    .unwrap()
    .with_rest_endpoint(standin.rest_base())
    .with_websocket_endpoint(standin.websocket_url("/ws"));
    // The third trade only comes after the stand-in answered the first ping.
    let (events, stats) = collect_events(&standin, feed, &[EventKind::Trade], |events| {
        events.len() >= 3
    })
    .await;

    let received = standin.received();
    assert_eq!(
        json(&received[0]),
        serde_json::json!({"method":"SUBSCRIPTION","params":["spot@public.aggre.deals.v3.api.pb@100ms@BTCUSDT"],"id":1})
    );
    assert!(
        received.iter().any(|m| m == r#"{"method":"PING"}"#),
        "{received:?}"
    );
    let trades: Vec<_> = events
        .iter()
        .filter_map(|event| match event {
            Event::Trade(trade) => Some(trade.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(trades.len(), 3, "{trades:#?}");
    assert_eq!(&*trades[0].exchange, "MEXC");
    assert_eq!(trades[0].symbol.as_str(), "BTC-USDT");
    assert_eq!(trades[0].side, Side::Sell, "tradeType 2: the taker sold");
    assert_eq!(trades[0].price.to_string(), "93220.00");
    assert_eq!(trades[0].amount.to_string(), "0.04438243");
    assert_eq!(trades[0].id, Some(TradeId::Number(5_532_466)));
    assert_eq!(trades[0].timestamp.to_string(), "1736409765.051");
    assert_eq!(
        (
            trades[1].side,
            trades[1].amount.to_string(),
            trades[1].id.clone()
        ),
        (
            Side::Buy,
            "0.10000000".into(),
            Some(TradeId::Number(5_532_467))
        )
    );
    assert_eq!(
        (
            trades[2].symbol.as_str(),
            trades[2].side,
            trades[2].price.to_string()
        ),
        ("ETH-USDT", Side::Buy, "3000.5".into())
    );
    assert_eq!(stats.exchange_errors, 1, "the error answer");
    assert_eq!(
        stats.parse_errors, 0,
        "acks, pongs and protobuf pushes are recognised"
    );
}

#[tokio::test]
async fn book_tickers_carry_best_bid_and_ask() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let feed = CcxtFeed::new("mexc", symbols(&["BTC-USDT"]), vec![Channel::Ticker])
        .unwrap()
        .with_rest_endpoint(standin.rest_base())
        .with_websocket_endpoint(standin.websocket_url("/ws"));
    let (events, stats) = collect_events(&standin, feed, &[EventKind::Ticker], |events| {
        !events.is_empty()
    })
    .await;
    let Some(Event::Ticker(ticker)) = events.first() else {
        panic!("a ticker: {events:?}");
    };
    assert_eq!(&*ticker.exchange, "MEXC");
    assert_eq!(ticker.symbol.as_str(), "BTC-USDT");
    assert_eq!(ticker.bid.to_string(), "93387.28");
    assert_eq!(
        ticker.bid_size.map(|s| s.to_string()),
        Some("3.73485".into())
    );
    assert_eq!(ticker.ask.to_string(), "93387.29");
    assert_eq!(
        ticker.ask_size.map(|s| s.to_string()),
        Some("7.669875".into())
    );
    assert_eq!(
        ticker.timestamp.map(|t| t.to_string()),
        Some("1736412092.433".into())
    );
    assert_eq!(stats.parse_errors, 0);
}

#[tokio::test]
async fn a_refused_topic_fails_the_start_naming_the_reason() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let feed = CcxtFeed::new("mexc", symbols(&["ETH-USDT"]), vec![Channel::Ticker])
        .unwrap()
        .with_rest_endpoint(standin.rest_base())
        .with_websocket_endpoint(standin.websocket_url("/ws"));
    let error = start_error(&standin, feed).await.to_string();
    assert!(
        error.contains("Not Subscribed successfully! Reason： Blocked!"),
        "{error}"
    );
}
