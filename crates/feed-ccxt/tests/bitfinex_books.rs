//! Bitfinex L2 books against a loopback stand-in that keeps a true book and streams the
//! documented `book` channel (`P0`, `len` 25): a snapshot after each subscribe, then one
//! message per level change of the 25-level view and a `cs` checksum of the true book after
//! each update. Faults: skipped updates and a corrupted checksum. Every delivered book must
//! equal the true book; a mismatch must resubscribe that symbol alone (subscribe, answered
//! "already subscribed", then unsubscribe by `chanId` and subscribe).

mod common;

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use common::books::{
    assert_books_match_truth, assert_caught_up, book_feed, run_until_finished, Key,
};
use common::json;
use feed_core::book::checksum::crc32;
use feed_core::Channel;
use feed_testkit::books::{
    BookStandIn, BookWire, Fault, Reply, Side, StreamScript, TrueBook, Truth, Update, View,
};
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// The stand-in's channels: symbol -> (chanId, subscribed).
#[derive(Default)]
struct BitfinexWire {
    channels: Mutex<HashMap<String, (u64, bool)>>,
    subscribed: AtomicU64,
}

/// A number as JavaScript writes it (the values here are far from exponent form).
fn js(text: &str) -> String {
    Decimal::from_str(text).unwrap().normalize().to_string()
}

/// The documented checksum of the true book: the best 25 bids and asks interleaved as
/// `price:amount`, ask amounts negative, CRC32 as a signed integer.
fn true_checksum(book: &TrueBook) -> i32 {
    let bids = book.top(Side::Bid, 25);
    let asks = book.top(Side::Ask, 25);
    let mut parts = Vec::new();
    for index in 0..bids.len().max(asks.len()) {
        if let Some((price, size)) = bids.get(index) {
            parts.push(format!("{}:{}", js(price), js(size)));
        }
        if let Some((price, size)) = asks.get(index) {
            parts.push(format!("{}:-{}", js(price), js(size)));
        }
    }
    crc32(parts.join(":").as_bytes()) as i32
}

/// `[PRICE, COUNT, AMOUNT]` as Bitfinex writes it, numbers as the true book's text.
fn level(side: Side, price: &str, size: &str) -> String {
    let deleted = size.bytes().all(|byte| byte == b'0' || byte == b'.');
    let sign = if side == Side::Ask { "-" } else { "" };
    if deleted {
        format!("[{price},0,{sign}1]")
    } else {
        format!("[{price},1,{sign}{size}]")
    }
}

impl BitfinexWire {
    fn chan_id(&self, symbol: &str) -> u64 {
        self.channels
            .lock()
            .unwrap()
            .get(symbol)
            .map_or(0, |(chan_id, _)| *chan_id)
    }
}

impl BookWire for BitfinexWire {
    fn stream_depth(&self) -> Option<usize> {
        Some(25)
    }

    fn on_message(&self, message: &str) -> Reply {
        let request = json(message);
        let mut channels = self.channels.lock().unwrap();
        match request["event"].as_str() {
            Some("conf") => Reply {
                frames: vec![
                    json!({"event": "conf", "status": "OK", "flags": request["flags"]}).to_string(),
                ],
                subscribe: Vec::new(),
            },
            Some("subscribe") => {
                assert_eq!(
                    (
                        &request["channel"],
                        &request["prec"],
                        &request["freq"],
                        &request["len"]
                    ),
                    (&json!("book"), &json!("P0"), &json!("F0"), &json!("25")),
                    "{message}"
                );
                let symbol = request["symbol"].as_str().unwrap().to_owned();
                let echo = json!({"channel": "book", "symbol": symbol, "prec": "P0", "freq": "F0", "len": "25", "pair": &symbol[1..]});
                if channels.get(&symbol).is_some_and(|(_, live)| *live) {
                    let mut error = echo;
                    error["event"] = json!("error");
                    error["msg"] = json!("subscribe: dup");
                    error["code"] = json!(10301);
                    return Reply {
                        frames: vec![error.to_string()],
                        subscribe: Vec::new(),
                    };
                }
                let chan_id = 10_000 + self.subscribed.fetch_add(1, Ordering::SeqCst);
                channels.insert(symbol.clone(), (chan_id, true));
                let mut answer = echo;
                answer["event"] = json!("subscribed");
                answer["chanId"] = json!(chan_id);
                Reply {
                    frames: vec![answer.to_string()],
                    subscribe: vec![symbol],
                }
            }
            Some("unsubscribe") => {
                let chan_id = request["chanId"].as_u64().unwrap();
                for (id, live) in channels.values_mut() {
                    if *id == chan_id {
                        *live = false;
                    }
                }
                Reply {
                    frames: vec![
                        json!({"event": "unsubscribed", "status": "OK", "chanId": chan_id})
                            .to_string(),
                    ],
                    subscribe: Vec::new(),
                }
            }
            _ => panic!("unexpected {message}"),
        }
    }

    fn update_frame(&self, _symbol: &str, _update: &Update, _book: &TrueBook) -> String {
        unreachable!("update_frames sends the update")
    }

    fn update_frames(&self, symbol: &str, update: &Update, book: &TrueBook) -> Vec<String> {
        let chan_id = self.chan_id(symbol);
        let ms = update.timestamp_ms;
        let mut frames: Vec<String> = update
            .view_changes
            .iter()
            .map(|change| {
                format!(
                    "[{chan_id},{},{ms}]",
                    level(change.side, &change.price, &change.size)
                )
            })
            .collect();
        let mut checksum = true_checksum(book);
        if update.corrupt_checksum {
            checksum = checksum.wrapping_add(1);
        }
        frames.push(format!("[{chan_id},\"cs\",{checksum},{ms}]"));
        frames
    }

    fn snapshot_frame(
        &self,
        symbol: &str,
        book: &TrueBook,
        _last_id: u64,
        ms: i64,
    ) -> Option<String> {
        let mut levels: Vec<String> = book
            .top(Side::Bid, 25)
            .iter()
            .map(|(price, size)| level(Side::Bid, price, size))
            .collect();
        levels.extend(
            book.top(Side::Ask, 25)
                .iter()
                .map(|(price, size)| level(Side::Ask, price, size)),
        );
        Some(format!(
            "[{},[{}],{ms}]",
            self.chan_id(symbol),
            levels.join(",")
        ))
    }

    fn markets(&self) -> (String, String) {
        (
            "/v2/conf/pub:list:pair:exchange".into(),
            r#"[["BTCUSD","ETHUSD"]]"#.into(),
        )
    }
}

fn exchange_symbol(symbol: &feed_core::Symbol) -> String {
    format!("t{}", symbol.as_str().replace('-', ""))
}

/// Whether update `index` of `symbol` (counting records from its first snapshot) changed
/// the best 25 levels of its true book.
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
            (130, Fault::CorruptChecksum),
            (200, Fault::Skip),
        ],
        ..StreamScript::default()
    };
    let standin = BookStandIn::start(BitfinexWire::default(), script)
        .await
        .unwrap();
    let feed = book_feed(
        "bitfinex",
        &["BTC-USD", "ETH-USD"],
        vec![Channel::L2Book],
        &standin,
        "/ws/2",
        10,
    );
    let (delivered, stats) = run_until_finished(&standin, feed).await;

    let received: Vec<Value> = standin.received().iter().map(|m| json(m)).collect();
    assert_eq!(received[0], json!({"event": "conf", "flags": 163_840}));
    assert_eq!(received[1]["symbol"], "tBTCUSD");
    assert_eq!(received[2]["symbol"], "tETHUSD");

    let truth = standin.truth();
    let checked = assert_books_match_truth(
        &delivered.books,
        &truth,
        exchange_symbol,
        Key::Timestamp,
        10,
    );
    assert!(checked > 100, "books were delivered ({checked})");
    assert_caught_up(&delivered.books, &truth, exchange_symbol, 10);

    // Every gap is a checksum mismatch; each resync is subscribe ("already subscribed"),
    // then unsubscribe by chanId and subscribe, for that symbol alone (the two symbols'
    // resyncs may interleave).
    for gap in &delivered.gaps {
        assert_eq!(gap.channel, Channel::L2Book);
        assert!(
            gap.reason
                .starts_with("checksum mismatch: the exchange sent "),
            "{}",
            gap.reason
        );
    }
    let resyncs = &received[3..];
    assert_eq!(resyncs.len(), 3 * delivered.gaps.len(), "{resyncs:#?}");
    let unsubscribed: Vec<u64> = resyncs
        .iter()
        .filter(|message| message["event"] == "unsubscribe")
        .map(|message| message["chanId"].as_u64().expect("a chanId"))
        .collect();
    assert_eq!(unsubscribed.len(), delivered.gaps.len());
    let mut distinct = unsubscribed.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        unsubscribed.len(),
        "each resync unsubscribes the channel it replaces"
    );
    for (symbol, name) in [("BTC-USD", "tBTCUSD"), ("ETH-USD", "tETHUSD")] {
        let gaps = delivered
            .gaps
            .iter()
            .filter(|gap| gap.symbol.as_str() == symbol)
            .count();
        let initial = if name == "tBTCUSD" {
            &received[1]
        } else {
            &received[2]
        };
        let subscribes: Vec<&Value> = resyncs
            .iter()
            .filter(|message| message["event"] == "subscribe" && message["symbol"] == name)
            .collect();
        assert_eq!(
            subscribes.len(),
            2 * gaps,
            "{symbol}: subscribe, then again after unsubscribe"
        );
        assert!(subscribes.iter().all(|message| *message == initial));
        let first = changed_top(&truth, name, 60);
        // The second skip's record is shifted by the resync snapshots before it: the first
        // skip's (when caught) and the corrupted checksum's.
        let second = changed_top(&truth, name, 200 + usize::from(first) + 1);
        assert_eq!(
            gaps,
            1 + usize::from(first) + usize::from(second),
            "{symbol}: skips caught {first} {second}"
        );
    }
    assert!(delivered.gaps.len() > 2, "a skipped update was caught");
    assert_eq!(stats.gaps, delivered.gaps.len() as u64);
    assert_eq!(stats.requests, 0, "no REST snapshots");
    assert_eq!(stats.parse_errors + stats.exchange_errors, 0);
    assert_eq!((stats.rejected, stats.reconnects), (0, 0));
}
