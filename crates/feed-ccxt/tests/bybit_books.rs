//! Bybit L2 books against a loopback stand-in that keeps a true book and streams it as
//! the fixed-depth `orderbook.50.<symbol>` topic does: a snapshot on subscribing, then
//! deltas of the 50-level window with `u` going up by one. Faults: skipped deltas (a hole
//! in `u`: a gap that resubscribes the topic) and snapshots re-sent mid-stream (one with
//! `u` continuing, one after a "service restart" with `u = 1`: both replace the book, no
//! gap). Every delivered book must equal the true book.

mod common;

use std::collections::HashMap;
use std::sync::Mutex;

use common::books::{
    assert_books_match_truth, assert_caught_up, book_feed, run_until_finished, Key,
};
use common::json;
use feed_core::Channel;
use feed_testkit::books::{
    BookStandIn, BookWire, Change, Fault, Reply, Side, StreamScript, TrueBook, Update,
};

/// The stream depth the feed must pick for `book_depth` 50.
const DEPTH: usize = 50;
/// The first snapshot's `u` (the documented example's).
const FIRST_U: u64 = 18_521_288;

/// `u` per symbol as Bybit numbers it: one per message sent. The stand-in numbers its
/// updates by level changes, so the wire keeps its own count, and counts one more where
/// the stand-in skipped a frame (the hole a lost delta leaves).
#[derive(Debug)]
struct Numbering {
    u: u64,
    /// The stand-in's last id of the last frame sent.
    last_id: u64,
    /// A subscribe asked for the next snapshot.
    subscribed: bool,
    /// Snapshots re-sent mid-stream so far.
    resent: u32,
}

#[derive(Default)]
struct BybitWire {
    numbering: Mutex<HashMap<String, Numbering>>,
    /// Lists the markets as linear perpetuals (`BTCUSDT` is `BTC-USDT-PERP`), not spot.
    linear: bool,
}

fn levels(changes: &[Change], side: Side) -> Vec<[String; 2]> {
    changes
        .iter()
        .filter(|change| change.side == side)
        .map(|change| [change.price.clone(), change.size.clone()])
        .collect()
}

fn book_frame(
    kind: &str,
    symbol: &str,
    timestamp_ms: i64,
    u: u64,
    bids: Vec<[String; 2]>,
    asks: Vec<[String; 2]>,
) -> String {
    serde_json::json!({
        "topic": format!("orderbook.{DEPTH}.{symbol}"), "ts": timestamp_ms, "type": kind,
        "data": {"s": symbol, "b": bids, "a": asks, "u": u, "seq": 7_961_638_724_i64 + timestamp_ms},
        "cts": timestamp_ms - 2,
    })
    .to_string()
}

impl BookWire for BybitWire {
    fn stream_depth(&self) -> Option<usize> {
        Some(DEPTH)
    }

    fn on_message(&self, message: &str) -> Reply {
        let request = json(message);
        let op = request["op"].as_str().unwrap_or_default();
        let args: Vec<String> = request["args"]
            .as_array()
            .map(|args| {
                args.iter()
                    .filter_map(|arg| arg.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let prefix = format!("orderbook.{DEPTH}.");
        let books: Vec<String> = args
            .iter()
            .filter_map(|topic| topic.strip_prefix(prefix.as_str()))
            .map(str::to_owned)
            .collect();
        assert_eq!(
            books.len(),
            args.len(),
            "only depth-{DEPTH} topics: {args:?}"
        );
        assert!(args.len() <= 10, "spot takes 10 args per message");
        let answer = |ret_msg: &str| {
            serde_json::json!({"success": true, "ret_msg": ret_msg,
                "conn_id": "2324d924-aa4d-45b0-a858-7b8be29ab52b",
                "req_id": request["req_id"], "op": op})
            .to_string()
        };
        match op {
            "subscribe" => {
                let mut numbering = self.numbering.lock().unwrap();
                for symbol in &books {
                    numbering
                        .entry(symbol.clone())
                        .or_insert(Numbering {
                            u: FIRST_U - 1,
                            last_id: 0,
                            subscribed: true,
                            resent: 0,
                        })
                        .subscribed = true;
                }
                Reply {
                    frames: vec![answer("subscribe")],
                    subscribe: books,
                }
            }
            "unsubscribe" => Reply {
                frames: vec![answer("")],
                subscribe: Vec::new(),
            },
            "ping" => Reply {
                frames: vec![answer("pong")],
                subscribe: Vec::new(),
            },
            other => panic!("unexpected op {other:?}: {message}"),
        }
    }

    fn update_frame(&self, symbol: &str, update: &Update, _book: &TrueBook) -> String {
        let u = {
            let mut numbering = self.numbering.lock().unwrap();
            let state = numbering.get_mut(symbol).expect("subscribed first");
            if update.prev_id != state.last_id {
                state.u += 1; // the skipped delta's number
            }
            state.u += 1;
            state.last_id = update.last_id;
            state.u
        };
        book_frame(
            "delta",
            symbol,
            update.timestamp_ms,
            u,
            levels(&update.view_changes, Side::Bid),
            levels(&update.view_changes, Side::Ask),
        )
    }

    fn snapshot_frame(
        &self,
        symbol: &str,
        book: &TrueBook,
        last_id: u64,
        timestamp_ms: i64,
    ) -> Option<String> {
        let u = {
            let mut numbering = self.numbering.lock().unwrap();
            let state = numbering.get_mut(symbol).expect("subscribed first");
            state.last_id = last_id;
            if std::mem::replace(&mut state.subscribed, false) {
                state.u += 1;
            } else {
                // Re-sent by Bybit: the first time as is, the second after a restart.
                state.resent += 1;
                state.u = if state.resent % 2 == 0 {
                    1
                } else {
                    state.u + 1
                };
            }
            state.u
        };
        let side = |side| -> Vec<[String; 2]> {
            book.top(side, DEPTH)
                .into_iter()
                .map(|(p, s)| [p, s])
                .collect()
        };
        Some(book_frame(
            "snapshot",
            symbol,
            timestamp_ms,
            u,
            side(Side::Bid),
            side(Side::Ask),
        ))
    }

    fn markets(&self) -> (String, String) {
        let market = |symbol: &str, base: &str| {
            serde_json::json!({"symbol": symbol, "baseCoin": base, "quoteCoin": "USDT",
                "innovation": "0", "status": "Trading", "marginTrading": "utaOnly",
                "lotSizeFilter": {"basePrecision": "0.000001", "quotePrecision": "0.00000001",
                    "minOrderQty": "0.000048", "maxOrderQty": "71.73956243",
                    "minOrderAmt": "1", "maxOrderAmt": "2000000"},
                "priceFilter": {"tickSize": "0.01"}})
        };
        if self.linear {
            let perpetual = |symbol: &str, base: &str| {
                serde_json::json!({"symbol": symbol, "contractType": "LinearPerpetual",
                    "status": "Trading", "baseCoin": base, "quoteCoin": "USDT",
                    "deliveryTime": "0", "settleCoin": "USDT"})
            };
            return (
                "/v5/market/instruments-info".into(),
                serde_json::json!({"retCode": 0, "retMsg": "OK",
                    "result": {"category": "linear", "nextPageCursor": "",
                               "list": [perpetual("BTCUSDT", "BTC"), perpetual("ETHUSDT", "ETH")]},
                    "retExtInfo": {}, "time": 1_672_712_468_011_i64})
                .to_string(),
            );
        }
        (
            "/v5/market/instruments-info".into(),
            serde_json::json!({"retCode": 0, "retMsg": "OK",
                "result": {"category": "spot",
                           "list": [market("BTCUSDT", "BTC"), market("ETHUSDT", "ETH")]},
                "retExtInfo": {}, "time": 1_672_712_468_011_i64})
            .to_string(),
        )
    }
}

/// `BTC-USDT` and `BTC-USDT-PERP` are both `BTCUSDT` on Bybit.
fn exchange_symbol(symbol: &feed_core::Symbol) -> String {
    symbol.as_str().trim_end_matches("-PERP").replace('-', "")
}

/// The messages the stand-in received with this `op` for this one topic alone.
fn sent_for(received: &[serde_json::Value], op: &str, topic: &str) -> usize {
    received
        .iter()
        .filter(|message| message["op"] == op && message["args"] == serde_json::json!([topic]))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn books_equal_the_true_book_gaps_resubscribe_and_resent_snapshots_replace() {
    books_under_faults(false, &["BTC-USDT", "ETH-USDT"]).await;
}

/// The same faults on linear perpetuals: the same `orderbook.50` rules on the linear
/// stream, books delivered as `BTC-USDT-PERP`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linear_perpetual_books_follow_the_same_rules_under_the_same_faults() {
    books_under_faults(true, &["BTC-USDT-PERP", "ETH-USDT-PERP"]).await;
}

async fn books_under_faults(linear: bool, symbols: &[&str]) {
    let script = StreamScript {
        updates: 300,
        faults: vec![
            (80, Fault::Skip),
            (120, Fault::Resnapshot),
            (200, Fault::Skip),
            (240, Fault::Resnapshot),
        ],
        levels: 70, // deeper than the stream: levels leave and enter the 50-level window
        ..StreamScript::default()
    };
    let wire = BybitWire {
        linear,
        ..BybitWire::default()
    };
    let standin = BookStandIn::start(wire, script).await.unwrap();
    let feed = book_feed(
        "bybit",
        symbols,
        vec![Channel::L2Book],
        &standin,
        "/v5/public/spot",
        DEPTH,
    );
    let (delivered, stats) = run_until_finished(&standin, feed).await;

    let received: Vec<serde_json::Value> =
        standin.received().iter().map(|text| json(text)).collect();
    assert_eq!(
        received[0],
        serde_json::json!({"req_id": "1", "op": "subscribe",
            "args": ["orderbook.50.BTCUSDT", "orderbook.50.ETHUSDT"]})
    );

    let truth = standin.truth();
    let checked = assert_books_match_truth(
        &delivered.books,
        &truth,
        exchange_symbol,
        Key::Timestamp,
        DEPTH,
    );
    assert!(checked > 100, "books were delivered ({checked})");
    assert!(
        delivered
            .books
            .iter()
            .any(|book| book.bids.len() == DEPTH && book.asks.len() == DEPTH),
        "full 50-level books"
    );
    assert!(
        delivered
            .books
            .iter()
            .any(|book| book.sequence.is_some_and(|u| (2..FIRST_U).contains(&u))),
        "deltas follow a restart snapshot (u = 1)"
    );
    assert_caught_up(&delivered.books, &truth, exchange_symbol, DEPTH);

    // Two skipped deltas per symbol: each a gap of that symbol alone, with the reason,
    // and a resubscribe of its topic alone; the re-sent snapshots are no gaps.
    assert_eq!(delivered.gaps.len(), 4, "{:#?}", delivered.gaps);
    for gap in &delivered.gaps {
        assert_eq!(gap.channel, Channel::L2Book);
        assert!(
            gap.reason.starts_with("sequence: expected u="),
            "{}",
            gap.reason
        );
    }
    for symbol in symbols.iter().copied() {
        let gaps = delivered
            .gaps
            .iter()
            .filter(|gap| gap.symbol.as_str() == symbol)
            .count();
        assert_eq!(gaps, 2, "{symbol}");
        let topic = format!(
            "orderbook.50.{}",
            exchange_symbol(&feed_core::Symbol::parse(symbol).unwrap())
        );
        assert_eq!(sent_for(&received, "unsubscribe", &topic), 2, "{topic}");
        assert_eq!(sent_for(&received, "subscribe", &topic), 2, "{topic}");
    }
    let requests = received
        .iter()
        .filter(|message| message["op"] != "ping")
        .count();
    assert_eq!(requests, 1 + 2 * 4, "{received:#?}");
    assert_eq!(stats.gaps, 4);
    assert_eq!(stats.requests, 0, "no REST snapshots");
    assert_eq!(stats.parse_errors + stats.exchange_errors, 0);
}
