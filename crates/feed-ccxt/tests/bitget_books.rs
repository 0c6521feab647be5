//! Bitget L2 books against a loopback stand-in that keeps a true book and streams the
//! documented `books` channel: a snapshot after each subscribe, then updates carrying the
//! CRC32 of the true book's best 25 levels. Faults: a skipped update, a corrupted checksum
//! and a snapshot resent mid-stream. Every delivered book must equal the true book; a
//! mismatch must resubscribe that symbol alone.

mod common;

use common::books::{
    assert_books_match_truth, assert_caught_up, book_feed, run_until_finished, top_pairs, Key,
};
use common::json;
use feed_core::book::checksum::crc32;
use feed_core::Channel;
use feed_testkit::books::{
    BookStandIn, BookWire, Change, Fault, Reply, Side, StreamScript, TrueBook, Truth, Update, View,
};
use serde_json::{json, Value};

struct BitgetWire;

/// The documented checksum of the true book: CRC32 of the best 25 bids and asks
/// interleaved, `bidPx:bidSz:askPx:askSz:...`, as a signed 32-bit integer.
fn true_checksum(book: &TrueBook) -> i32 {
    let bids = book.top(Side::Bid, 25);
    let asks = book.top(Side::Ask, 25);
    let mut parts = Vec::new();
    for index in 0..bids.len().max(asks.len()) {
        for level in [bids.get(index), asks.get(index)].into_iter().flatten() {
            parts.push(format!("{}:{}", level.0, level.1));
        }
    }
    crc32(parts.join(":").as_bytes()) as i32
}

fn changes(changes: &[Change], side: Side) -> Vec<[String; 2]> {
    changes
        .iter()
        .filter(|change| change.side == side)
        .map(|change| [change.price.clone(), change.size.clone()])
        .collect()
}

fn push(action: &str, symbol: &str, data: Value, ms: i64) -> String {
    json!({"action": action, "arg": {"instType": "SPOT", "channel": "books", "instId": symbol}, "data": [data], "ts": ms})
        .to_string()
}

impl BookWire for BitgetWire {
    /// One answer per arg; a subscribe starts (or restarts, with a snapshot) the stream.
    fn on_message(&self, message: &str) -> Reply {
        if message == "ping" {
            return Reply::default();
        }
        let request = json(message);
        let op = request["op"].as_str().unwrap_or_default().to_owned();
        let args: Vec<Value> = request["args"].as_array().cloned().unwrap_or_default();
        Reply {
            frames: args
                .iter()
                .map(|arg| json!({"event": op, "arg": arg}).to_string())
                .collect(),
            subscribe: if op == "subscribe" {
                args.iter()
                    .filter(|arg| arg["channel"] == "books")
                    .filter_map(|arg| arg["instId"].as_str().map(str::to_owned))
                    .collect()
            } else {
                Vec::new()
            },
        }
    }

    fn update_frame(&self, symbol: &str, update: &Update, book: &TrueBook) -> String {
        let mut checksum = true_checksum(book);
        if update.corrupt_checksum {
            checksum = checksum.wrapping_add(1);
        }
        push(
            "update",
            symbol,
            json!({"asks": changes(&update.changes, Side::Ask), "bids": changes(&update.changes, Side::Bid),
                   "checksum": checksum, "seq": update.last_id, "ts": update.timestamp_ms.to_string()}),
            update.timestamp_ms,
        )
    }

    fn snapshot_frame(
        &self,
        symbol: &str,
        book: &TrueBook,
        last_id: u64,
        timestamp_ms: i64,
    ) -> Option<String> {
        Some(push(
            "snapshot",
            symbol,
            json!({"asks": top_pairs(book, Side::Ask, 1000), "bids": top_pairs(book, Side::Bid, 1000),
                   "checksum": 0, "seq": last_id, "ts": timestamp_ms.to_string()}),
            timestamp_ms,
        ))
    }

    fn markets(&self) -> (String, String) {
        (
            "/api/v2/spot/public/symbols".into(),
            r#"{"code":"00000","msg":"success","requestTime":1,"data":[{"symbol":"BTCUSDT","baseCoin":"BTC","quoteCoin":"USDT","status":"online"},{"symbol":"ETHUSDT","baseCoin":"ETH","quoteCoin":"USDT","status":"online"}]}"#.into(),
        )
    }
}

fn exchange_symbol(symbol: &feed_core::Symbol) -> String {
    symbol.as_str().replace('-', "")
}

/// Whether update `index` of `symbol` (before any resync) changed the best 25 levels of
/// its true book: the symbol's records are its first snapshot, then one per update.
fn changed_top(truth: &[Truth], symbol: &str, index: usize) -> bool {
    let views: Vec<&View> = truth
        .iter()
        .filter(|entry| entry.symbol == symbol)
        .map(|entry| &entry.view)
        .collect();
    let top = |view: &View| {
        (
            view.bids.iter().take(25).cloned().collect::<Vec<_>>(),
            view.asks.iter().take(25).cloned().collect::<Vec<_>>(),
        )
    };
    top(views[index]) != top(views[index + 1])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn books_equal_the_true_book_and_mismatches_resubscribe_only_that_symbol() {
    let script = StreamScript {
        updates: 300,
        faults: vec![
            (60, Fault::Skip),
            (150, Fault::CorruptChecksum),
            (220, Fault::Resnapshot),
        ],
        ..StreamScript::default()
    };
    let standin = BookStandIn::start(BitgetWire, script).await.unwrap();
    let feed = book_feed(
        "bitget",
        &["BTC-USDT", "ETH-USDT"],
        vec![Channel::L2Book],
        &standin,
        "/v2/ws/public",
        10,
    );
    let (delivered, stats) = run_until_finished(&standin, feed).await;

    let received: Vec<Value> = standin
        .received()
        .iter()
        .filter(|message| message.as_str() != "ping")
        .map(|message| json(message))
        .collect();
    assert_eq!(
        received[0],
        json!({"op": "subscribe", "args": [
            {"instType": "SPOT", "channel": "books", "instId": "BTCUSDT"},
            {"instType": "SPOT", "channel": "books", "instId": "ETHUSDT"},
        ]})
    );

    let truth = standin.truth();
    let checked =
        assert_books_match_truth(&delivered.books, &truth, exchange_symbol, Key::Sequence, 10);
    assert!(checked > 100, "books were delivered ({checked})");
    assert_caught_up(&delivered.books, &truth, exchange_symbol, 10);

    // Every gap is a checksum mismatch of one symbol, followed by an unsubscribe and a
    // subscribe of that symbol alone. The corrupted checksum is always one; the skipped
    // update is one when it changed the best 25 levels (caught by the next push), else at
    // most one (caught if it ever surfaces). The resent snapshot is no gap.
    for gap in &delivered.gaps {
        assert_eq!(gap.channel, Channel::L2Book);
        assert!(
            gap.reason
                .starts_with("checksum mismatch: the exchange sent "),
            "{}",
            gap.reason
        );
    }
    let resyncs = &received[1..];
    assert_eq!(resyncs.len(), 2 * delivered.gaps.len(), "{resyncs:#?}");
    for pair in resyncs.chunks(2) {
        assert_eq!(pair[0]["op"], "unsubscribe");
        assert_eq!(pair[1]["op"], "subscribe");
        assert_eq!(pair[0]["args"], pair[1]["args"]);
        assert_eq!(
            pair[0]["args"].as_array().unwrap().len(),
            1,
            "that symbol alone"
        );
    }
    for (symbol, name) in [("BTC-USDT", "BTCUSDT"), ("ETH-USDT", "ETHUSDT")] {
        let gaps = delivered
            .gaps
            .iter()
            .filter(|gap| gap.symbol.as_str() == symbol)
            .count();
        let resubscribes = resyncs
            .iter()
            .filter(|message| {
                message["op"] == "unsubscribe" && message["args"][0]["instId"] == name
            })
            .count();
        assert_eq!(gaps, resubscribes, "{symbol}: one resubscribe per gap");
        if changed_top(&truth, name, 60) {
            assert_eq!(gaps, 2, "{symbol}: the skip and the corrupted checksum");
        } else {
            assert!((1..=2).contains(&gaps), "{symbol}: {gaps} gaps");
        }
    }
    assert!(delivered.gaps.len() > 2, "a skipped update was caught");
    assert_eq!(stats.gaps, delivered.gaps.len() as u64);
    assert_eq!(stats.requests, 0, "no REST snapshots");
    assert_eq!(stats.parse_errors + stats.exchange_errors, 0);
    assert_eq!((stats.rejected, stats.reconnects), (0, 0));
}
