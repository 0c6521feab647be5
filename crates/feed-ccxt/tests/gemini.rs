//! Gemini market data v2 against a loopback stand-in speaking its documented wire format:
//! one `l2` subscription whose initial `l2_updates` carries past trades (not delivered),
//! then `trade` messages, server heartbeats, a symbol not subscribed, an error frame.

mod common;

use std::sync::Arc;

use common::{collect_trades, json, start_error};
use feed_ccxt::CcxtFeed;
use feed_core::{Channel, Side, Symbol, TradeId};
use feed_testkit::{CannedResponse, ExchangeScript, ScriptedExchange, ServerFrame};

/// The documented details answer of BTCUSD.
const DETAILS: &str = r#"{"symbol":"BTCUSD","base_currency":"BTC","quote_currency":"USD","tick_size":1E-8,"quote_increment":0.01,"min_order_size":"0.00001","status":"open","wrap_enabled":false,"product_type":"spot","contract_type":"vanilla","contract_price_currency":"USD"}"#;

fn trade(symbol: &str, tid: u64, side: &str, quantity: &str, price: &str, ms: u64) -> ServerFrame {
    ServerFrame::Text(format!(
        r#"{{"type":"trade","symbol":"{symbol}","event_id":{},"timestamp":{ms},"price":"{price}","quantity":"{quantity}","side":"{side}","tid":{tid}}}"#,
        tid + 7
    ))
}

/// The initial `l2_updates` (whole book, past trades), then trades, heartbeats, a trade of
/// a symbol not subscribed, an error frame and a last trade.
fn script(details: &'static str) -> ExchangeScript {
    ExchangeScript {
        markets_path: "/v1/symbols/details/btcusd".into(),
        markets: CannedResponse::ok(details),
        on_connect: vec![],
        on_message: Arc::new(|message: &str| {
            assert_eq!(
                json(message),
                serde_json::json!({"type":"subscribe","subscriptions":[{"name":"l2","symbols":["BTCUSD"]}]})
            );
            vec![
                r#"{"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","9122.04","0.00121425"],["sell","9122.07","0.98942292"]],"trades":[{"type":"trade","symbol":"BTCUSD","eventid":169841458,"timestamp":1560976400428,"price":"9122.04","quantity":"0.0073173","side":"sell","tid":2840140800042677},{"type":"trade","symbol":"BTCUSD","eventid":169841459,"timestamp":1560976400429,"price":"9122.05","quantity":"0.1","side":"buy","tid":2840140800042678}]}"#.into(),
                trade("BTCUSD", 2840140800042680, "buy", "0.09110000", "9004.21000000", 1560976401000),
                r#"{"type":"heartbeat","timestamp":1560976401500}"#.into(),
                r#"{"type":"l2_updates","symbol":"BTCUSD","changes":[["sell","9160.20","0.1921229751"],["buy","9122.04","0"]]}"#.into(),
                trade("ETHUSD", 1, "buy", "1", "200", 1560976401600),
                trade("BTCUSD", 2840140800042681, "sell", "0.5", "9004.20", 1560976402000),
                r#"{"result":"error","reason":"InvalidJson","message":"Could not parse subscription"}"#.into(),
                r#"{"type":"heartbeat","timestamp":1560976406500}"#.into(),
                trade("BTCUSD", 2840140800042682, "sell", "1.00", "9004.00", 1560976407000),
            ]
        }),
    }
}

fn btc() -> Vec<Symbol> {
    vec![Symbol::parse("BTC-USD").unwrap()]
}

#[tokio::test]
async fn one_l2_subscription_carries_the_trades_and_past_trades_are_skipped() {
    let standin = ScriptedExchange::start(script(DETAILS)).await.unwrap();
    let feed = CcxtFeed::new("gemini", btc(), vec![Channel::Trades, Channel::L2Book])
        .unwrap()
        .with_rest_endpoint(standin.rest_base())
        .with_websocket_endpoint(standin.websocket_url("/v2/marketdata"));
    let (trades, stats) = collect_trades(&standin, feed, 3).await;

    assert_eq!(
        standin.received().len(),
        1,
        "one subscribe for both channels"
    );
    assert_eq!(trades.len(), 3, "{trades:#?}");
    let first = &trades[0];
    assert_eq!(&*first.exchange, "GEMINI");
    assert_eq!(first.symbol.as_str(), "BTC-USD");
    assert_eq!(first.side, Side::Buy, "side is the taker's");
    assert_eq!(first.amount.to_string(), "0.09110000");
    assert_eq!(first.price.to_string(), "9004.21000000");
    assert_eq!(first.id, Some(TradeId::Number(2_840_140_800_042_680)));
    assert_eq!(first.timestamp.to_string(), "1560976401.000");
    assert!(first.receipt_timestamp > first.timestamp);
    let second = &trades[1];
    assert_eq!(
        (
            second.side,
            second.id.clone(),
            second.amount.to_string(),
            second.price.to_string()
        ),
        (
            Side::Sell,
            Some(TradeId::Number(2_840_140_800_042_681)),
            "0.5".into(),
            "9004.20".into()
        )
    );
    assert_eq!(second.timestamp.to_string(), "1560976402.000");
    let third = &trades[2];
    assert_eq!(third.id, Some(TradeId::Number(2_840_140_800_042_682)));
    assert_eq!(third.amount.to_string(), "1.00");

    assert_eq!(
        stats.trades, 3,
        "the initial message's past trades are not delivered"
    );
    assert_eq!(stats.exchange_errors, 1, "the error frame");
    assert_eq!(stats.parse_errors, 0, "heartbeats and books are recognised");
}

#[tokio::test]
async fn a_closed_book_is_not_a_market() {
    let closed: &'static str = Box::leak(
        DETAILS
            .replace(r#""status":"open""#, r#""status":"closed""#)
            .into_boxed_str(),
    );
    let standin = ScriptedExchange::start(script(closed)).await.unwrap();
    let feed = CcxtFeed::new("gemini", btc(), vec![Channel::Trades])
        .unwrap()
        .with_rest_endpoint(standin.rest_base())
        .with_websocket_endpoint(standin.websocket_url("/v2/marketdata"));
    let error = start_error(&standin, feed).await.to_string();
    assert!(error.contains("gemini has no market BTC-USD"), "{error}");
    assert_eq!(standin.websocket.connection_count(), 0);
}

#[test]
fn ticker_is_refused_naming_the_channels_gemini_has() {
    let error = CcxtFeed::new("gemini", btc(), vec![Channel::Trades, Channel::Ticker])
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "gemini does not support channel TICKER (supported: TRADES, L2_BOOK)"
    );
}
