//! Upbit against a loopback stand-in speaking its documented wire format: one request
//! (ticket, trade and orderbook types, format), JSON in binary frames, a past `SNAPSHOT`
//! trade (skipped), `REALTIME` trades of two markets, `{"status":"UP"}`, a WebSocket ping,
//! a market not subscribed, an error frame.

mod common;

use std::sync::Arc;

use common::{collect_trades, json};
use feed_ccxt::CcxtFeed;
use feed_core::{Channel, Side, Symbol, TradeId};
use feed_testkit::{CannedResponse, ExchangeScript, ScriptedExchange, ServerFrame};

const MARKETS: &str = r#"[{"market":"KRW-BTC","korean_name":"비트코인","english_name":"Bitcoin"},{"market":"KRW-ETH","korean_name":"이더리움","english_name":"Ethereum"},{"market":"BTC-XRP","korean_name":"리플","english_name":"Ripple"}]"#;

/// A documented trade as Upbit sends it: UTF-8 JSON in a binary frame.
fn trade(
    code: &str,
    id: u64,
    ask_bid: &str,
    volume: &str,
    price: &str,
    ms: u64,
    stream: &str,
) -> ServerFrame {
    ServerFrame::Binary(
        format!(
            r#"{{"type":"trade","code":"{code}","timestamp":{},"trade_date":"2023-02-21","trade_time":"07:40:20","trade_timestamp":{ms},"trade_price":{price},"trade_volume":{volume},"ask_bid":"{ask_bid}","prev_closing_price":31883000.00000000,"change":"RISE","change_price":409000.00000000,"sequential_id":{id},"stream_type":"{stream}"}}"#,
            ms + 57
        )
        .into_bytes(),
    )
}

fn script() -> ExchangeScript {
    ExchangeScript {
        markets_path: "/v1/market/all".into(),
        markets: CannedResponse::ok(MARKETS),
        on_connect: vec![],
        on_message: Arc::new(|message: &str| {
            assert_eq!(
                json(message),
                serde_json::json!([
                    {"ticket": "feedhandler-1"},
                    {"type": "trade", "codes": ["KRW-BTC", "KRW-ETH"], "is_only_realtime": true},
                    {"type": "orderbook", "codes": ["KRW-BTC.15", "KRW-ETH.15"]},
                    {"format": "DEFAULT"}
                ])
            );
            vec![
                trade("KRW-BTC", 1676965220395000, "BID", "0.03096742", "32292000", 1676965220395, "SNAPSHOT"),
                ServerFrame::Binary(br#"{"type":"orderbook","code":"KRW-BTC","timestamp":1676965220400,"total_ask_size":1,"total_bid_size":1,"orderbook_units":[{"ask_price":32293000,"bid_price":32292000,"ask_size":0.5,"bid_size":0.25}],"stream_type":"SNAPSHOT","level":0}"#.to_vec()),
                trade("KRW-BTC", 1676965220500000, "BID", "0.03096742", "32292000", 1676965220500, "REALTIME"),
                ServerFrame::Ping,
                trade("KRW-ETH", 1676965220600000, "ASK", "1.5", "2345000.5", 1676965220600, "REALTIME"),
                ServerFrame::Binary(br#"{"status":"UP"}"#.to_vec()),
                trade("BTC-XRP", 1, "ASK", "10", "0.00001", 1676965220650, "REALTIME"),
                ServerFrame::Binary(br#"{"error":{"name":"INVALID_PARAM","message":"unsupported value requested"}}"#.to_vec()),
                trade("KRW-BTC", 1676965220700000, "ASK", "0.00010000", "32291000", 1676965220700, "REALTIME"),
            ]
        }),
    }
}

#[tokio::test]
async fn one_request_binary_json_frames_and_past_trades_skipped() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let symbols = vec![
        Symbol::parse("BTC-KRW").unwrap(),
        Symbol::parse("ETH-KRW").unwrap(),
    ];
    let feed = CcxtFeed::new("upbit", symbols, vec![Channel::Trades, Channel::L2Book])
        .unwrap()
        .with_rest_endpoint(standin.rest_base())
        .with_websocket_endpoint(standin.websocket_url("/websocket/v1"))
        .with_book_depth(10);
    let (trades, stats) = collect_trades(&standin, feed, 3).await;

    assert_eq!(standin.received().len(), 1, "one request for everything");
    assert_eq!(trades.len(), 3, "{trades:#?}");
    let first = &trades[0];
    assert_eq!(&*first.exchange, "UPBIT");
    assert_eq!(first.symbol.as_str(), "BTC-KRW");
    assert_eq!(first.side, Side::Buy, "BID: the taker bought");
    assert_eq!(first.amount.to_string(), "0.03096742");
    assert_eq!(first.price.to_string(), "32292000");
    assert_eq!(first.id, Some(TradeId::Number(1_676_965_220_500_000)));
    assert_eq!(first.timestamp.to_string(), "1676965220.500");
    assert!(first.receipt_timestamp > first.timestamp);
    let second = &trades[1];
    assert_eq!(
        (
            second.symbol.as_str(),
            second.side,
            second.amount.to_string(),
            second.price.to_string()
        ),
        ("ETH-KRW", Side::Sell, "1.5".into(), "2345000.5".into())
    );
    assert_eq!(second.id, Some(TradeId::Number(1_676_965_220_600_000)));
    let third = &trades[2];
    assert_eq!(
        (third.symbol.as_str(), third.side, third.amount.to_string()),
        ("BTC-KRW", Side::Sell, "0.00010000".into())
    );
    assert_eq!(third.timestamp.to_string(), "1676965220.700");

    assert_eq!(stats.trades, 3, "the SNAPSHOT trade is a past one");
    assert_eq!(stats.exchange_errors, 1, "the error frame");
    assert_eq!(
        stats.parse_errors, 0,
        "status, book and binary frames are recognised"
    );
    assert!(standin.pongs() >= 1, "the server's ping is answered");
}

#[test]
fn ticker_is_refused_naming_the_channels_upbit_has() {
    let error = CcxtFeed::new(
        "upbit",
        vec![Symbol::parse("BTC-KRW").unwrap()],
        vec![Channel::Ticker],
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        error,
        "upbit does not support channel TICKER (supported: TRADES, L2_BOOK)"
    );
}

/// A crossed `orderbook` message is not handed to the book (whose resync would be a second
/// request, which Upbit may read as replacing the first): it asks for a reconnect, and the
/// new connection sends the one whole request again.
#[tokio::test]
async fn a_crossed_orderbook_reconnects_and_resends_the_one_request() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&requests);
    let standin = ScriptedExchange::start(ExchangeScript {
        on_message: Arc::new(move |_message: &str| {
            let book = |bid: &str| {
                ServerFrame::Binary(
                    format!(r#"{{"type":"orderbook","code":"KRW-BTC","timestamp":1676965220400,"total_ask_size":1,"total_bid_size":1,"orderbook_units":[{{"ask_price":32293000,"bid_price":{bid},"ask_size":0.5,"bid_size":0.25}}],"stream_type":"REALTIME","level":0}}"#)
                        .into_bytes(),
                )
            };
            if counted.fetch_add(1, Ordering::SeqCst) == 0 {
                vec![book("32293000")]
            } else {
                vec![
                    book("32292000"),
                    trade("KRW-BTC", 9, "BID", "0.5", "32293000", 1676965221000, "REALTIME"),
                ]
            }
        }),
        ..script()
    })
    .await
    .unwrap();
    let feed = CcxtFeed::new(
        "upbit",
        vec![Symbol::parse("BTC-KRW").unwrap()],
        vec![Channel::Trades, Channel::L2Book],
    )
    .unwrap()
    .with_rest_endpoint(standin.rest_base())
    .with_websocket_endpoint(standin.websocket_url("/websocket/v1"));
    let (trades, stats) = collect_trades(&standin, feed, 1).await;

    assert_eq!(trades.len(), 1, "the trade after the reconnect");
    let received = standin.received();
    assert_eq!(
        received.len(),
        2,
        "one request per connection: {received:?}"
    );
    assert_eq!(json(&received[0]), json(&received[1]));
    assert_eq!(standin.websocket.connection_count(), 2);
    assert_eq!(
        stats.book_resyncs, 1,
        "the reconnect is the book's one gap (no request of its own)"
    );
    assert_eq!(stats.parse_errors, 0);
}
