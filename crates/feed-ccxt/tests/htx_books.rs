//! HTX L2 books against a loopback stand-in that keeps a true book and sends every frame
//! gzip-compressed as HTX does: `sub` acknowledged, the `req` answered with the refresh
//! image of the 20-level view (its `seqNum` the `prevSeqNum` of the next increment), then
//! `mbp.20` increments of that view with numbers as JSON numbers, with skipped increments:
//! every delivered book must equal the true book, and a gap must resubscribe and refresh
//! that symbol alone.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;

use common::books::{
    assert_book_gaps, assert_books_match_truth, assert_caught_up, book_feed, run_until_finished,
    Key,
};
use common::json;
use feed_core::Channel;
use feed_testkit::books::{
    BookStandIn, BookWire, Change, Fault, Reply, Side, StreamScript, TrueBook, Update,
};

/// The stream's levels for `book_depth` 10.
const LEVELS: usize = 20;

#[derive(Default)]
struct HtxWire {
    /// The id of each symbol's last `req`, echoed by the refresh answer.
    requests: Mutex<HashMap<String, String>>,
}

/// `[[price,size],...]` with the numbers as JSON numbers, digit for digit.
fn levels(changes: impl Iterator<Item = (String, String)>) -> String {
    let items: Vec<String> = changes.map(|(p, s)| format!("[{p},{s}]")).collect();
    format!("[{}]", items.join(","))
}

fn side_changes(changes: &[Change], side: Side) -> String {
    levels(
        changes
            .iter()
            .filter(|change| change.side == side)
            .map(|change| (change.price.clone(), change.size.clone())),
    )
}

/// The symbol of `market.<symbol>.mbp.20`.
fn topic_symbol(topic: &str) -> String {
    let symbol = topic
        .strip_prefix("market.")
        .and_then(|rest| rest.strip_suffix(&format!(".mbp.{LEVELS}")))
        .unwrap_or_else(|| panic!("an mbp.{LEVELS} topic: {topic}"));
    symbol.to_owned()
}

impl BookWire for HtxWire {
    fn stream_depth(&self) -> Option<usize> {
        Some(LEVELS)
    }

    fn on_message(&self, message: &str) -> Reply {
        let request = json(message);
        let id = request["id"].as_str().unwrap_or_default().to_owned();
        if let Some(topic) = request["sub"].as_str() {
            topic_symbol(topic);
            return Reply {
                frames: vec![format!(
                    r#"{{"id":"{id}","status":"ok","subbed":"{topic}","ts":1489474081631}}"#
                )],
                subscribe: Vec::new(),
            };
        }
        if let Some(topic) = request["unsub"].as_str() {
            return Reply {
                frames: vec![format!(
                    r#"{{"id":"{id}","status":"ok","unsubbed":"{topic}","ts":1494326028889}}"#
                )],
                subscribe: Vec::new(),
            };
        }
        let topic = request["req"]
            .as_str()
            .unwrap_or_else(|| panic!("sub, unsub or req: {message}"));
        let symbol = topic_symbol(topic);
        self.requests.lock().unwrap().insert(symbol.clone(), id);
        Reply {
            frames: Vec::new(),
            subscribe: vec![symbol],
        }
    }

    fn update_frame(&self, symbol: &str, update: &Update, _book: &TrueBook) -> String {
        format!(
            r#"{{"ch":"market.{symbol}.mbp.{LEVELS}","ts":{},"tick":{{"seqNum":{},"prevSeqNum":{},"bids":{},"asks":{}}}}}"#,
            update.timestamp_ms,
            update.last_id,
            update.prev_id,
            side_changes(&update.view_changes, Side::Bid),
            side_changes(&update.view_changes, Side::Ask),
        )
    }

    fn snapshot_frame(
        &self,
        symbol: &str,
        book: &TrueBook,
        last_id: u64,
        timestamp_ms: i64,
    ) -> Option<String> {
        let id = self.requests.lock().unwrap().get(symbol).cloned()?;
        Some(format!(
            r#"{{"id":"{id}","rep":"market.{symbol}.mbp.{LEVELS}","status":"ok","ts":{timestamp_ms},"data":{{"seqNum":{last_id},"bids":{},"asks":{}}}}}"#,
            levels(book.top(Side::Bid, LEVELS).into_iter()),
            levels(book.top(Side::Ask, LEVELS).into_iter()),
        ))
    }

    fn markets(&self) -> (String, String) {
        (
            "/v1/common/symbols".into(),
            r#"{"status":"ok","data":[
              {"base-currency":"btc","quote-currency":"usdt","symbol":"btcusdt","state":"online"},
              {"base-currency":"eth","quote-currency":"usdt","symbol":"ethusdt","state":"online"}]}"#
                .into(),
        )
    }

    fn binary_frame(&self, frame: &str) -> Option<Vec<u8>> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(frame.as_bytes()).ok()?;
        encoder.finish().ok()
    }
}

fn exchange_symbol(symbol: &feed_core::Symbol) -> String {
    symbol.as_str().replace('-', "").to_ascii_lowercase()
}

/// The messages the stand-in received with `key` set to `topic`.
fn sent(received: &[serde_json::Value], key: &str, topic: &str) -> usize {
    received
        .iter()
        .filter(|message| message[key] == topic)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn books_equal_the_true_book_and_gaps_refresh_only_that_symbol() {
    let script = StreamScript {
        updates: 300,
        faults: vec![(80, Fault::Skip), (200, Fault::Skip)],
        ..StreamScript::default()
    };
    let standin = BookStandIn::start(HtxWire::default(), script)
        .await
        .unwrap();
    let feed = book_feed(
        "htx",
        &["BTC-USDT", "ETH-USDT"],
        vec![Channel::L2Book],
        &standin,
        "",
        10,
    );
    let (delivered, stats) = run_until_finished(&standin, feed).await;

    let received: Vec<serde_json::Value> =
        standin.received().iter().map(|text| json(text)).collect();
    assert_eq!(
        received[..4],
        [
            serde_json::json!({"sub": "market.btcusdt.mbp.20", "id": "1"}),
            serde_json::json!({"req": "market.btcusdt.mbp.20", "id": "req-1"}),
            serde_json::json!({"sub": "market.ethusdt.mbp.20", "id": "2"}),
            serde_json::json!({"req": "market.ethusdt.mbp.20", "id": "req-2"}),
        ]
    );
    for topic in ["market.btcusdt.mbp.20", "market.ethusdt.mbp.20"] {
        assert_eq!(sent(&received, "unsub", topic), 2, "one per gap: {topic}");
        assert_eq!(sent(&received, "sub", topic), 3, "{topic}");
        assert_eq!(sent(&received, "req", topic), 3, "{topic}");
    }

    let truth = standin.truth();
    let checked =
        assert_books_match_truth(&delivered.books, &truth, exchange_symbol, Key::Sequence, 10);
    assert!(checked > 50, "books were delivered ({checked})");
    assert_caught_up(&delivered.books, &truth, exchange_symbol, 10);
    assert_book_gaps(
        &delivered.gaps,
        &["BTC-USDT", "ETH-USDT"],
        2,
        "sequence: expected prevSeqNum=",
    );
    assert_eq!(stats.gaps, 4);
    assert_eq!(stats.requests, 0, "no REST snapshot");
    assert_eq!(stats.parse_errors + stats.exchange_errors, 0);
}
