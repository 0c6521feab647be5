//! OKX L2 books against a loopback stand-in that keeps a true book and streams the
//! documented `books` channel: a snapshot after each subscribe, then updates chained by
//! `prevSeqId`, with real non-zero checksums of the true book (and `0`, "no checksum", on
//! some updates). Faults: skipped updates, a corrupted checksum, a snapshot resent
//! mid-stream and OKX's documented sequence reset. Every delivered book must equal the
//! true book; a gap must resubscribe that symbol alone.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::books::{
    assert_books_match_truth, assert_caught_up, book_feed, run_until_finished, Key,
};
use common::json;
use feed_core::book::checksum::crc32;
use feed_core::Channel;
use feed_testkit::books::{
    BookStandIn, BookWire, Change, Fault, Reply, Side, StreamScript, TrueBook, Update,
};
use serde_json::{json, Value};

/// Frames with a checksum of the true book, and frames with `checksum: 0`.
#[derive(Default)]
struct Sent {
    checksummed: AtomicUsize,
    zero: AtomicUsize,
}

/// The wire, with the market list body it serves.
struct OkxWire(Arc<Sent>, &'static str);

/// Spot instruments.
const SPOT: &str = r#"{"code":"0","msg":"","data":[{"baseCcy":"BTC","instId":"BTC-USDT","instType":"SPOT","quoteCcy":"USDT","state":"live"},{"baseCcy":"ETH","instId":"ETH-USDT","instType":"SPOT","quoteCcy":"USDT","state":"live"}]}"#;

/// Perpetual swaps, as the docs list them (the pair in `instFamily`).
const SWAPS: &str = r#"{"code":"0","msg":"","data":[{"baseCcy":"","ctType":"linear","ctVal":"0.01","ctValCcy":"BTC","expTime":"","instFamily":"BTC-USDT","instId":"BTC-USDT-SWAP","instType":"SWAP","quoteCcy":"","settleCcy":"USDT","state":"live","uly":"BTC-USDT"},{"baseCcy":"","ctType":"inverse","ctVal":"10","ctValCcy":"USD","expTime":"","instFamily":"ETH-USD","instId":"ETH-USD-SWAP","instType":"SWAP","quoteCcy":"","settleCcy":"ETH","state":"live","uly":"ETH-USD"}]}"#;

/// The checksum OKX computed before the deprecation: the CRC32 of the best 25 bids and
/// asks interleaved, `bidPx:bidSz:askPx:askSz:...`, as a signed 32-bit integer.
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

fn wire_levels(levels: impl Iterator<Item = (String, String)>) -> Vec<[String; 4]> {
    levels
        .map(|(price, size)| [price, size, "0".into(), "1".into()])
        .collect()
}

fn changes(changes: &[Change], side: Side) -> Vec<[String; 4]> {
    wire_levels(
        changes
            .iter()
            .filter(|change| change.side == side)
            .map(|change| (change.price.clone(), change.size.clone())),
    )
}

fn push(symbol: &str, action: &str, data: Value) -> String {
    json!({"arg": {"channel": "books", "instId": symbol}, "action": action, "data": [data]})
        .to_string()
}

/// Answers a subscribe or unsubscribe with an event per arg, echoing it.
fn answer(op: &str, args: &[Value]) -> Vec<String> {
    args.iter()
        .map(|arg| json!({"event": op, "arg": arg, "connId": "a4d3ae55"}).to_string())
        .collect()
}

impl BookWire for OkxWire {
    fn on_message(&self, message: &str) -> Reply {
        if message == "ping" {
            return Reply {
                frames: vec!["pong".into()],
                subscribe: Vec::new(),
            };
        }
        let request = json(message);
        let args = request["args"].as_array().cloned().unwrap_or_default();
        match request["op"].as_str() {
            Some(op @ ("subscribe" | "unsubscribe")) => Reply {
                frames: answer(op, &args),
                subscribe: if op == "subscribe" {
                    args.iter()
                        .filter(|arg| arg["channel"] == "books")
                        .filter_map(|arg| arg["instId"].as_str().map(str::to_owned))
                        .collect()
                } else {
                    Vec::new()
                },
            },
            _ => Reply {
                frames: vec![r#"{"event":"error","code":"60012","msg":"Invalid request","connId":"a4d3ae55"}"#.into()],
                subscribe: Vec::new(),
            },
        }
    }

    fn update_frame(&self, symbol: &str, update: &Update, book: &TrueBook) -> String {
        let real = true_checksum(book);
        let checksum = if update.corrupt_checksum {
            match real ^ 0x5A5A_5A5A {
                0 => 1,
                wrong => wrong,
            }
        } else if update.last_id % 3 == 0 {
            0 // as OKX sends since the deprecation: no checksum
        } else {
            real
        };
        let counter = if checksum == 0 {
            &self.0.zero
        } else {
            &self.0.checksummed
        };
        counter.fetch_add(1, Ordering::SeqCst);
        push(
            symbol,
            "update",
            json!({
                "asks": changes(&update.changes, Side::Ask),
                "bids": changes(&update.changes, Side::Bid),
                "ts": update.timestamp_ms.to_string(),
                "checksum": checksum,
                "prevSeqId": update.prev_id,
                "seqId": update.last_id,
            }),
        )
    }

    fn snapshot_frame(
        &self,
        symbol: &str,
        book: &TrueBook,
        last_id: u64,
        timestamp_ms: i64,
    ) -> Option<String> {
        self.0.checksummed.fetch_add(1, Ordering::SeqCst);
        Some(push(
            symbol,
            "snapshot",
            json!({
                "asks": wire_levels(book.top(Side::Ask, 400).into_iter()),
                "bids": wire_levels(book.top(Side::Bid, 400).into_iter()),
                "ts": timestamp_ms.to_string(),
                "checksum": true_checksum(book),
                "prevSeqId": -1,
                "seqId": last_id,
            }),
        ))
    }

    fn markets(&self) -> (String, String) {
        ("/api/v5/public/instruments".into(), self.1.into())
    }
}

fn exchange_symbol(symbol: &feed_core::Symbol) -> String {
    symbol.as_str().to_owned()
}

/// `BTC-USDT-PERP` → `BTC-USDT-SWAP`.
fn swap_exchange_symbol(symbol: &feed_core::Symbol) -> String {
    symbol.as_str().replace("-PERP", "-SWAP")
}

/// The one `books` arg of a resync message of `op`, if `message` is one.
fn resync_arg(message: &str, op: &str) -> Option<String> {
    let value = json(message);
    if value["op"] != op {
        return None;
    }
    let args = value["args"].as_array()?;
    assert_eq!(args.len(), 1, "a resync names one market: {message}");
    assert_eq!(args[0]["channel"], "books");
    args[0]["instId"].as_str().map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn books_equal_the_true_book_and_gaps_resubscribe_only_that_symbol() {
    books_with_faults(
        SPOT,
        [("BTC-USDT", "BTC-USDT"), ("ETH-USDT", "ETH-USDT")],
        exchange_symbol,
    )
    .await;
}

/// The same on perpetual swaps, linear and inverse: `books` of `BTC-USDT-SWAP` and
/// `ETH-USD-SWAP`, delivered as `BTC-USDT-PERP` and `ETH-USD-PERP`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swap_books_equal_the_true_book_and_gaps_resubscribe_only_that_swap() {
    books_with_faults(
        SWAPS,
        [
            ("BTC-USDT-PERP", "BTC-USDT-SWAP"),
            ("ETH-USD-PERP", "ETH-USD-SWAP"),
        ],
        swap_exchange_symbol,
    )
    .await;
}

/// Two markets' books, `(symbol, instId)`, through the faults; every delivered book equals
/// the true book and each gap resubscribes its market alone.
async fn books_with_faults(
    markets: &'static str,
    pairs: [(&str, &str); 2],
    exchange_symbol: fn(&feed_core::Symbol) -> String,
) {
    let symbols = [pairs[0].0, pairs[1].0];
    let inst_ids = [pairs[0].1, pairs[1].1];
    let script = StreamScript {
        updates: 300,
        faults: vec![
            (50, Fault::Skip),
            (100, Fault::CorruptChecksum),
            (150, Fault::Resnapshot),
            (190, Fault::SequenceReset),
            (240, Fault::Skip),
        ],
        ..StreamScript::default()
    };
    let sent = Arc::new(Sent::default());
    let standin = BookStandIn::start(OkxWire(Arc::clone(&sent), markets), script)
        .await
        .unwrap();
    let feed = book_feed(
        "okx",
        &symbols,
        vec![Channel::L2Book],
        &standin,
        "/ws/v5/public",
        10,
    );
    let (delivered, stats) = run_until_finished(&standin, feed).await;

    let received = standin.received();
    assert_eq!(
        json(&received[0]),
        json!({"op": "subscribe", "args": [
            {"channel": "books", "instId": inst_ids[0]},
            {"channel": "books", "instId": inst_ids[1]},
        ]})
    );

    let truth = standin.truth();
    let checked =
        assert_books_match_truth(&delivered.books, &truth, exchange_symbol, Key::Sequence, 10);
    assert!(checked > 100, "books were delivered ({checked})");
    assert_caught_up(&delivered.books, &truth, exchange_symbol, 10);
    assert!(
        sent.checksummed.load(Ordering::SeqCst) > 100 && sent.zero.load(Ordering::SeqCst) > 50,
        "real checksums and checksum 0 were both sent"
    );

    // Per symbol: two skipped updates and a corrupted checksum, each a gap of that symbol
    // alone with its reason. The resent snapshot and the sequence reset are no gaps.
    assert_eq!(delivered.gaps.len(), 6, "{:#?}", delivered.gaps);
    for symbol in symbols {
        let reasons: Vec<&str> = delivered
            .gaps
            .iter()
            .filter(|gap| gap.symbol.as_str() == symbol)
            .inspect(|gap| assert_eq!(gap.channel, Channel::L2Book))
            .map(|gap| gap.reason.as_str())
            .collect();
        assert_eq!(reasons.len(), 3, "{symbol}: {reasons:?}");
        assert!(
            reasons[0].starts_with("sequence: expected prevSeqId="),
            "{symbol}: {reasons:?}"
        );
        assert!(
            reasons[1].starts_with("checksum mismatch: "),
            "{symbol}: {reasons:?}"
        );
        assert!(
            reasons[2].starts_with("sequence: expected prevSeqId="),
            "{symbol}: {reasons:?}"
        );
    }
    assert_eq!(stats.gaps, 6);

    // Each gap: an unsubscribe of that symbol's books, then a subscribe of it alone.
    let resyncs = &received[1..];
    assert_eq!(resyncs.len(), 12, "{resyncs:#?}");
    for pair in resyncs.chunks(2) {
        let unsubscribed = resync_arg(&pair[0], "unsubscribe").expect("an unsubscribe");
        let subscribed = resync_arg(&pair[1], "subscribe").expect("then a subscribe");
        assert_eq!(unsubscribed, subscribed);
    }
    for inst_id in inst_ids {
        let count = resyncs
            .iter()
            .filter(|message| resync_arg(message, "subscribe").as_deref() == Some(inst_id))
            .count();
        assert_eq!(count, 3, "{inst_id}");
    }
    assert_eq!(stats.parse_errors + stats.exchange_errors, 0);
}
