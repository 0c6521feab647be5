//! Bitstamp L2 books against a loopback stand-in that keeps a true book, serves the full
//! REST order book of its current state (with the `microtimestamp` of its last diff) and
//! streams `diff_order_book` diffs (decimal strings, `microtimestamp` in µs): every
//! delivered book must equal the true book, diffs buffered before the snapshot are joined by
//! `microtimestamp`, and a `bts:request_reconnect` (sent in place of one diff, before the
//! client goes) reconnects, refetches both books, and the books are right again.
//!
//! Bitstamp's diffs carry no sequence number or checksum, so a diff lost on a live
//! connection is not detectable from the stream and no `Fault::Skip` is scripted; the
//! request to reconnect is the fault this venue documents.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use common::books::{
    assert_books_match_truth, assert_caught_up, book_feed, query_value, run_until_finished,
    top_pairs, Key,
};
use common::json;
use feed_core::Channel;
use feed_testkit::books::{
    BookStandIn, BookWire, Change, Reply, Side, StreamScript, TrueBook, Update,
};

#[derive(Default)]
struct BitstampWire {
    /// Each pair's last diff time (µs) and how many diffs it had.
    last: Mutex<HashMap<String, (i64, usize)>>,
    /// The reconnect request was sent.
    reconnect_sent: AtomicBool,
}

fn levels(changes: &[Change], side: Side) -> Vec<[String; 2]> {
    changes
        .iter()
        .filter(|change| change.side == side)
        .map(|change| [change.price.clone(), change.size.clone()])
        .collect()
}

impl BookWire for BitstampWire {
    fn on_message(&self, message: &str) -> Reply {
        let request = json(message);
        if request["event"] == "bts:heartbeat" {
            return Reply::default();
        }
        assert_eq!(request["event"], "bts:subscribe", "{message}");
        let channel = request["data"]["channel"].as_str().unwrap_or_default();
        let pair = channel
            .strip_prefix("diff_order_book_")
            .unwrap_or_else(|| panic!("a diff channel: {channel}"));
        Reply {
            frames: vec![format!(
                r#"{{"event":"bts:subscription_succeeded","channel":"{channel}","data":{{}}}}"#
            )],
            subscribe: vec![pair.to_owned()],
        }
    }

    fn update_frame(&self, pair: &str, update: &Update, _book: &TrueBook) -> String {
        let micros = update.timestamp_ms * 1000;
        let count = {
            let mut last = self.last.lock().unwrap();
            let entry = last.entry(pair.to_owned()).or_insert((0, 0));
            *entry = (micros, entry.1 + 1);
            entry.1
        };
        if pair == "btcusd" && count == 150 && !self.reconnect_sent.swap(true, Ordering::SeqCst) {
            return r#"{"event":"bts:request_reconnect","channel":"","data":""}"#.into();
        }
        serde_json::json!({
            "data": {
                "timestamp": (micros / 1_000_000).to_string(),
                "microtimestamp": micros.to_string(),
                "bids": levels(&update.changes, Side::Bid),
                "asks": levels(&update.changes, Side::Ask),
            },
            "channel": format!("diff_order_book_{pair}"),
            "event": "data",
        })
        .to_string()
    }

    fn snapshot_request(&self, target: &str) -> Option<String> {
        let pair = target
            .strip_prefix("/api/v2/order_book/")?
            .split('?')
            .next()?
            .strip_suffix('/')?;
        assert!(query_value(target.split_once('?').map_or("", |(_, q)| q), "limit").is_none());
        Some(pair.to_owned())
    }

    fn snapshot_body(&self, pair: &str, book: &TrueBook, _last_id: u64) -> String {
        let micros = self
            .last
            .lock()
            .unwrap()
            .get(pair)
            .map_or(0, |(micros, _)| *micros);
        serde_json::json!({
            "timestamp": (micros / 1_000_000).to_string(),
            "microtimestamp": micros.to_string(),
            "bids": top_pairs(book, Side::Bid, 10_000),
            "asks": top_pairs(book, Side::Ask, 10_000),
        })
        .to_string()
    }

    fn markets(&self) -> (String, String) {
        (
            "/api/v2/trading-pairs-info/".into(),
            r#"[{"name":"BTC/USD","url_symbol":"btcusd","trading":"Enabled"},
                {"name":"ETH/EUR","url_symbol":"etheur","trading":"Enabled"}]"#
                .into(),
        )
    }
}

fn exchange_symbol(symbol: &feed_core::Symbol) -> String {
    symbol.as_str().replace('-', "").to_ascii_lowercase()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn books_equal_the_true_book_across_a_requested_reconnect() {
    let script = StreamScript {
        updates: 300,
        ..StreamScript::default()
    };
    let standin = BookStandIn::start(BitstampWire::default(), script)
        .await
        .unwrap();
    let feed = book_feed(
        "bitstamp",
        &["BTC-USD", "ETH-EUR"],
        vec![Channel::L2Book],
        &standin,
        "",
        5,
    );
    let (delivered, stats) = run_until_finished(&standin, feed).await;

    let subscribes: Vec<serde_json::Value> = standin
        .received()
        .iter()
        .map(|text| json(text))
        .filter(|message| message["event"] == "bts:subscribe")
        .collect();
    assert_eq!(
        subscribes[..2],
        [
            serde_json::json!({"event":"bts:subscribe","data":{"channel":"diff_order_book_btcusd"}}),
            serde_json::json!({"event":"bts:subscribe","data":{"channel":"diff_order_book_etheur"}}),
        ]
    );
    assert_eq!(subscribes.len(), 4, "both again on the new connection");

    let truth = standin.truth();
    let checked =
        assert_books_match_truth(&delivered.books, &truth, exchange_symbol, Key::Timestamp, 5);
    assert!(checked > 50, "books were delivered ({checked})");
    assert_caught_up(&delivered.books, &truth, exchange_symbol, 5);

    assert_eq!(stats.connections, 2);
    assert_eq!(delivered.gaps.len(), 2, "{:#?}", delivered.gaps);
    for gap in &delivered.gaps {
        assert_eq!(gap.channel, Channel::L2Book);
        assert!(
            gap.reason.contains("bts:request_reconnect"),
            "{}",
            gap.reason
        );
    }
    assert_eq!(stats.requests, 2 + 2, "one book per pair and connection");
    assert_eq!(stats.request_errors, 0);
    assert_eq!(stats.parse_errors + stats.exchange_errors, 0);
}
