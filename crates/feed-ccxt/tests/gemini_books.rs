//! Gemini L2 books against a loopback stand-in that keeps a true book: `subscribe` of
//! `l2` starts each symbol with the whole book as its initial `l2_updates` (with `trades`),
//! then full-depth changes, and sometimes the whole book again (as after a resubscribe).
//! `l2` has no sequence numbers and no timestamps, so every delivered book is checked
//! against the true book by content, in order: it must equal a true book of its symbol no
//! older than the one the previous book of that symbol equalled.

mod common;

use common::books::{assert_caught_up, book_feed, run_until_finished};
use common::json;
use feed_core::{Channel, L2Book, Symbol};
use feed_testkit::books::{
    BookStandIn, BookWire, Change, Fault, Reply, Side, StreamScript, TrueBook, Truth, Update,
};

struct GeminiWire;

fn change(side: Side, price: &str, size: &str) -> String {
    let side = match side {
        Side::Bid => "buy",
        Side::Ask => "sell",
    };
    format!(r#"["{side}","{price}","{size}"]"#)
}

fn changes(changes: &[Change]) -> String {
    let items: Vec<String> = changes
        .iter()
        .map(|c| change(c.side, &c.price, &c.size))
        .collect();
    format!("[{}]", items.join(","))
}

fn details(symbol: &str, base: &str) -> String {
    format!(
        r#"{{"symbol":"{symbol}","base_currency":"{base}","quote_currency":"USD","tick_size":1E-8,"quote_increment":0.01,"min_order_size":"0.00001","status":"open","wrap_enabled":false,"product_type":"spot","contract_type":"vanilla","contract_price_currency":"USD"}}"#
    )
}

impl BookWire for GeminiWire {
    fn on_message(&self, message: &str) -> Reply {
        let request = json(message);
        let symbols: Vec<String> = request["subscriptions"][0]["symbols"]
            .as_array()
            .unwrap_or_else(|| panic!("l2 symbols: {message}"))
            .iter()
            .map(|symbol| symbol.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(request["subscriptions"][0]["name"], "l2");
        match request["type"].as_str() {
            Some("subscribe") => Reply {
                frames: Vec::new(),
                subscribe: symbols,
            },
            Some("unsubscribe") => Reply::default(),
            other => panic!("subscribe or unsubscribe: {other:?}"),
        }
    }

    fn update_frame(&self, symbol: &str, update: &Update, _book: &TrueBook) -> String {
        format!(
            r#"{{"type":"l2_updates","symbol":"{symbol}","changes":{}}}"#,
            changes(&update.changes)
        )
    }

    fn update_frames(&self, symbol: &str, update: &Update, book: &TrueBook) -> Vec<String> {
        vec![
            self.update_frame(symbol, update, book),
            r#"{"type":"heartbeat","timestamp":1700000000000}"#.to_owned(),
        ]
    }

    fn snapshot_frame(
        &self,
        symbol: &str,
        book: &TrueBook,
        _last_id: u64,
        timestamp_ms: i64,
    ) -> Option<String> {
        let mut levels: Vec<String> = Vec::new();
        for side in [Side::Bid, Side::Ask] {
            for (price, size) in book.top(side, book.len(side)) {
                levels.push(change(side, &price, &size));
            }
        }
        Some(format!(
            r#"{{"type":"l2_updates","symbol":"{symbol}","changes":[{}],"trades":[{{"type":"trade","symbol":"{symbol}","eventid":1,"timestamp":{timestamp_ms},"price":"100.00","quantity":"0.5000","side":"buy","tid":2}}]}}"#,
            levels.join(",")
        ))
    }

    fn markets(&self) -> (String, String) {
        (
            "/v1/symbols/details/btcusd".into(),
            details("BTCUSD", "BTC"),
        )
    }

    fn rest_answer(&self, target: &str) -> Option<String> {
        (target == "/v1/symbols/details/ethusd").then(|| details("ETHUSD", "ETH"))
    }
}

fn exchange_symbol(symbol: &Symbol) -> String {
    symbol.as_str().replace('-', "")
}

/// The first delivered book that equals no true book of its symbol at or after the one
/// its previous book equalled (top `depth` levels, digit for digit); `None` when every one
/// does.
fn first_stray_book(delivered: &[L2Book], truth: &[Truth], depth: usize) -> Option<String> {
    let mut cursor: std::collections::HashMap<String, usize> = Default::default();
    let text = |levels: &[feed_core::Level]| -> Vec<(String, String)> {
        levels
            .iter()
            .map(|level| (level.price.to_string(), level.size.to_string()))
            .collect()
    };
    for book in delivered {
        let symbol = exchange_symbol(&book.symbol);
        let from = cursor.get(&symbol).copied().unwrap_or(0);
        let (bids, asks) = (text(&book.bids), text(&book.asks));
        let found = truth.iter().enumerate().skip(from).find(|(_, entry)| {
            entry.symbol == symbol
                && entry
                    .view
                    .bids
                    .iter()
                    .take(depth)
                    .cloned()
                    .collect::<Vec<_>>()
                    == bids
                && entry
                    .view
                    .asks
                    .iter()
                    .take(depth)
                    .cloned()
                    .collect::<Vec<_>>()
                    == asks
        });
        let Some((index, _)) = found else {
            return Some(format!(
                "no true book of {symbol} at or after #{from} equals {book:?}"
            ));
        };
        cursor.insert(symbol, index);
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn books_equal_the_true_book_and_whole_books_replace_it() {
    let script = StreamScript {
        updates: 300,
        faults: vec![(120, Fault::Resnapshot), (240, Fault::Resnapshot)],
        ..StreamScript::default()
    };
    let standin = BookStandIn::start(GeminiWire, script).await.unwrap();
    let feed = book_feed(
        "gemini",
        &["BTC-USD", "ETH-USD"],
        vec![Channel::L2Book],
        &standin,
        "/v2/marketdata",
        10,
    );
    let (delivered, stats) = run_until_finished(&standin, feed).await;

    let received: Vec<serde_json::Value> =
        standin.received().iter().map(|text| json(text)).collect();
    assert_eq!(
        received,
        vec![
            serde_json::json!({"type":"subscribe","subscriptions":[{"name":"l2","symbols":["BTCUSD","ETHUSD"]}]})
        ],
        "one subscribe, no resync"
    );
    let truth = standin.truth();
    if let Some(stray) = first_stray_book(&delivered.books, &truth, 10) {
        panic!("{stray}");
    }
    let checked = delivered.books.len();
    assert!(checked > 50, "books were delivered ({checked})");
    for symbol in ["BTC-USD", "ETH-USD"] {
        assert!(delivered
            .books
            .iter()
            .any(|book| book.symbol.as_str() == symbol));
    }
    assert_caught_up(&delivered.books, &truth, exchange_symbol, 10);
    assert!(delivered.gaps.is_empty(), "{:#?}", delivered.gaps);
    assert_eq!(
        delivered.trades, 0,
        "past trades of initial messages are not delivered"
    );
    assert_eq!(stats.requests, 0, "no REST snapshot");
    assert_eq!(stats.parse_errors + stats.exchange_errors, 0);
}

/// The documented limit: `l2` carries no sequence number, so a lost `l2_updates` is not
/// seen as a gap; the books then stop equalling the true book (until a whole book
/// arrives), which is why the module docs call lost messages undetectable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_update_is_not_detectable_without_sequence_numbers() {
    let script = StreamScript {
        updates: 200,
        faults: vec![(20, Fault::Skip), (40, Fault::Skip), (60, Fault::Skip)],
        ..StreamScript::default()
    };
    let standin = BookStandIn::start(GeminiWire, script).await.unwrap();
    let feed = book_feed(
        "gemini",
        &["BTC-USD", "ETH-USD"],
        vec![Channel::L2Book],
        &standin,
        "/v2/marketdata",
        10,
    );
    let (delivered, stats) = run_until_finished(&standin, feed).await;
    for gap in &delivered.gaps {
        assert!(
            gap.reason.starts_with("crossed"),
            "only a crossed book is seen: {gap:?}"
        );
    }
    assert!(
        first_stray_book(&delivered.books, &standin.truth(), 10).is_some(),
        "the lost updates left books that were never true"
    );
    assert_eq!(stats.parse_errors + stats.exchange_errors, 0);
}
