//! Upbit L2 books against a loopback stand-in that keeps a true book and sends, as Upbit
//! does, JSON in binary frames: after the request, an `orderbook` message of the top 15
//! units (`SNAPSHOT`), then one per update (`REALTIME`), each the whole top with the
//! update's time. Updates are skipped: with whole books nothing is lost but that moment,
//! so every delivered book must still equal the true book at its time, no gap is reported
//! and nothing is asked again.

mod common;

use common::books::{
    assert_books_match_truth, assert_caught_up, book_feed, run_until_finished, Key,
};
use common::json;
use feed_core::Channel;
use feed_testkit::books::{
    BookStandIn, BookWire, Fault, Reply, Side, StreamScript, TrueBook, Update,
};

/// The unit count for `book_depth` 10.
const UNITS: usize = 15;

struct UpbitWire;

fn orderbook(code: &str, book: &TrueBook, timestamp_ms: i64, stream: &str) -> String {
    let bids = book.top(Side::Bid, UNITS);
    let asks = book.top(Side::Ask, UNITS);
    let units: Vec<String> = (0..UNITS)
        .map(|rank| {
            let (bid_price, bid_size) = bids.get(rank).cloned().unwrap_or(("0".into(), "0".into()));
            let (ask_price, ask_size) = asks.get(rank).cloned().unwrap_or(("0".into(), "0".into()));
            format!(
                r#"{{"ask_price":{ask_price},"bid_price":{bid_price},"ask_size":{ask_size},"bid_size":{bid_size}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"type":"orderbook","code":"{code}","timestamp":{timestamp_ms},"total_ask_size":1.5,"total_bid_size":2.5,"orderbook_units":[{}],"stream_type":"{stream}","level":0}}"#,
        units.join(",")
    )
}

impl BookWire for UpbitWire {
    fn stream_depth(&self) -> Option<usize> {
        Some(UNITS)
    }

    fn on_message(&self, message: &str) -> Reply {
        let request = json(message);
        assert_eq!(request[0]["ticket"], "feedhandler-1", "{message}");
        assert_eq!(request[2]["format"], "DEFAULT", "{message}");
        let codes = request[1]["codes"]
            .as_array()
            .unwrap_or_else(|| panic!("orderbook codes: {message}"));
        assert_eq!(request[1]["type"], "orderbook");
        Reply {
            frames: Vec::new(),
            subscribe: codes
                .iter()
                .map(|code| {
                    let code = code.as_str().unwrap();
                    code.strip_suffix(&format!(".{UNITS}"))
                        .unwrap_or_else(|| panic!("a code with its unit count: {code}"))
                        .to_owned()
                })
                .collect(),
        }
    }

    fn update_frame(&self, symbol: &str, update: &Update, book: &TrueBook) -> String {
        orderbook(symbol, book, update.timestamp_ms, "REALTIME")
    }

    fn snapshot_frame(
        &self,
        symbol: &str,
        book: &TrueBook,
        _last_id: u64,
        timestamp_ms: i64,
    ) -> Option<String> {
        Some(orderbook(symbol, book, timestamp_ms, "SNAPSHOT"))
    }

    fn markets(&self) -> (String, String) {
        (
            "/v1/market/all".into(),
            r#"[{"market":"KRW-BTC","korean_name":"비트코인","english_name":"Bitcoin"},{"market":"KRW-ETH","korean_name":"이더리움","english_name":"Ethereum"}]"#.into(),
        )
    }

    fn binary_frame(&self, frame: &str) -> Option<Vec<u8>> {
        Some(frame.as_bytes().to_vec())
    }
}

fn exchange_symbol(symbol: &feed_core::Symbol) -> String {
    let (base, quote) = symbol.as_str().split_once('-').unwrap();
    format!("{quote}-{base}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_books_equal_the_true_book_and_skips_cost_nothing() {
    let script = StreamScript {
        updates: 300,
        faults: vec![
            (50, Fault::Skip),
            (120, Fault::Resnapshot),
            (200, Fault::Skip),
        ],
        ..StreamScript::default()
    };
    let standin = BookStandIn::start(UpbitWire, script).await.unwrap();
    let feed = book_feed(
        "upbit",
        &["BTC-KRW", "ETH-KRW"],
        vec![Channel::L2Book],
        &standin,
        "/websocket/v1",
        10,
    );
    let (delivered, stats) = run_until_finished(&standin, feed).await;

    let received: Vec<serde_json::Value> =
        standin.received().iter().map(|text| json(text)).collect();
    assert_eq!(
        received,
        vec![serde_json::json!([
            {"ticket": "feedhandler-1"},
            {"type": "orderbook", "codes": ["KRW-BTC.15", "KRW-ETH.15"]},
            {"format": "DEFAULT"}
        ])],
        "one request, never another"
    );
    let truth = standin.truth();
    let checked = assert_books_match_truth(
        &delivered.books,
        &truth,
        exchange_symbol,
        Key::Timestamp,
        10,
    );
    assert!(checked > 50, "books were delivered ({checked})");
    for symbol in ["BTC-KRW", "ETH-KRW"] {
        assert!(delivered
            .books
            .iter()
            .any(|book| book.symbol.as_str() == symbol));
    }
    assert_caught_up(&delivered.books, &truth, exchange_symbol, 10);
    assert!(delivered.gaps.is_empty(), "{:#?}", delivered.gaps);
    assert_eq!(stats.requests, 0, "no REST snapshot");
    assert_eq!(stats.parse_errors + stats.exchange_errors, 0);
}
