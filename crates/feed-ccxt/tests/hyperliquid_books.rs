//! Hyperliquid L2 books against a loopback stand-in that keeps a true book and streams the
//! documented `l2Book` channel: every message the whole book at the feed's depth (5 levels
//! with `"fast": true`, else 20), no sequence numbers, no checksum; a snapshot after every
//! subscribe. Faults: updates never sent (the next message replaces the book whole: no
//! gap), snapshots sent again, and corrupted messages, which this wire sends as a crossed
//! book (the one integrity check a snapshot without checksum has): each must be a gap of
//! that coin alone and a resubscribe. Every delivered book must equal the true book at its
//! `time`, at most `book_depth` (and at most the feed's) levels per side.

mod common;

use common::books::{
    assert_books_match_truth, assert_caught_up, book_feed, run_until_finished, Delivered, Key,
};
use common::json;
use feed_core::runtime::StatsSnapshot;
use feed_core::{Channel, Symbol};
use feed_testkit::books::{
    BookStandIn, BookWire, Fault, Reply, Side, StreamScript, TrueBook, Truth, Update,
};

/// The documented `meta` response of the two coins.
const META: &str = r#"{"universe":[{"name":"BTC","szDecimals":5,"maxLeverage":50},{"name":"ETH","szDecimals":4,"maxLeverage":50}],"marginTables":[]}"#;

/// The stand-in's wire at the depth the feed subscribes to.
struct HyperliquidWire {
    levels: usize,
}

impl HyperliquidWire {
    /// The documented `l2Book` message of `book`'s top `levels`, optionally crossed (its best
    /// ask moved to its best bid's price).
    fn frame(&self, coin: &str, book: &TrueBook, time: i64, crossed: bool) -> String {
        let side = |side: Side| -> Vec<(String, String)> { book.top(side, self.levels) };
        let bids = side(Side::Bid);
        let mut asks = side(Side::Ask);
        if crossed {
            asks[0].0.clone_from(&bids[0].0);
        }
        let levels = |levels: &[(String, String)]| -> Vec<serde_json::Value> {
            levels
                .iter()
                .map(|(px, sz)| serde_json::json!({"px": px, "sz": sz, "n": 1}))
                .collect()
        };
        serde_json::json!({
            "channel": "l2Book",
            "data": {"coin": coin, "time": time, "levels": [levels(&bids), levels(&asks)]},
        })
        .to_string()
    }
}

impl BookWire for HyperliquidWire {
    /// Each subscribe and unsubscribe answered with its echo; a subscribe of `l2Book` starts
    /// (or restarts, with a snapshot) the coin's stream.
    fn on_message(&self, message: &str) -> Reply {
        let request = json(message);
        let subscription = &request["subscription"];
        let coin = subscription["coin"].as_str().unwrap_or_default().to_owned();
        let subscribe = request["method"] == "subscribe" && subscription["type"] == "l2Book";
        Reply {
            frames: vec![
                serde_json::json!({"channel": "subscriptionResponse", "data": request}).to_string(),
            ],
            subscribe: if subscribe { vec![coin] } else { Vec::new() },
        }
    }

    fn update_frame(&self, coin: &str, update: &Update, book: &TrueBook) -> String {
        self.frame(coin, book, update.timestamp_ms, update.corrupt_checksum)
    }

    fn snapshot_frame(
        &self,
        coin: &str,
        book: &TrueBook,
        _last_id: u64,
        timestamp_ms: i64,
    ) -> Option<String> {
        Some(self.frame(coin, book, timestamp_ms, false))
    }

    fn markets(&self) -> (String, String) {
        ("/info".into(), META.into())
    }
}

fn coin(symbol: &Symbol) -> String {
    symbol.base().to_owned()
}

/// Runs both coins' books at `book_depth` with these faults and checks what every run must
/// show: the subscribe messages (`fast` iff the feed is the 5-level one), every delivered
/// book against the true book, one delivered book per message sent, and a gap and a
/// resubscribe of that coin alone per corrupted message.
async fn run(
    book_depth: usize,
    faults: Vec<(usize, Fault)>,
) -> (Delivered, StatsSnapshot, Vec<Truth>) {
    let levels = if book_depth <= 5 { 5 } else { 20 };
    let corrupted = faults
        .iter()
        .filter(|(_, fault)| *fault == Fault::CorruptChecksum)
        .count();
    let skipped = faults
        .iter()
        .filter(|(_, fault)| *fault == Fault::Skip)
        .count();
    let script = StreamScript {
        updates: 300,
        faults,
        ..StreamScript::default()
    };
    let standin = BookStandIn::start(HyperliquidWire { levels }, script)
        .await
        .unwrap();
    let feed = book_feed(
        "hyperliquid",
        &["BTC-USDC-PERP", "ETH-USDC-PERP"],
        vec![Channel::L2Book],
        &standin,
        "/ws",
        book_depth,
    );
    let (delivered, stats) = run_until_finished(&standin, feed).await;

    let received: Vec<serde_json::Value> = standin.received().iter().map(|m| json(m)).collect();
    let subscription = |coin: &str| {
        if levels == 5 {
            serde_json::json!({"type": "l2Book", "coin": coin, "fast": true})
        } else {
            serde_json::json!({"type": "l2Book", "coin": coin})
        }
    };
    assert_eq!(
        received[..2],
        [
            serde_json::json!({"method": "subscribe", "subscription": subscription("BTC")}),
            serde_json::json!({"method": "subscribe", "subscription": subscription("ETH")}),
        ]
    );

    let truth = standin.truth();
    let depth = book_depth.min(levels);
    let checked = assert_books_match_truth(&delivered.books, &truth, coin, Key::Timestamp, depth);
    let widest = delivered
        .books
        .iter()
        .map(|book| book.bids.len().max(book.asks.len()))
        .max();
    assert_eq!(
        widest,
        Some(depth),
        "at most {depth} levels a side, and that many"
    );
    assert_caught_up(&delivered.books, &truth, coin, depth);

    // Every message sent replaces the book and is delivered, but a crossed one: the true
    // book is recorded once per message, and once per update never sent.
    let sent = truth.len() - 2 * skipped;
    assert_eq!(checked, sent - 2 * corrupted, "one book per message");

    // Every gap is a crossed book of one coin, followed by an unsubscribe and a subscribe of
    // that coin's book alone.
    assert_eq!(delivered.gaps.len(), 2 * corrupted, "{:#?}", delivered.gaps);
    for gap in &delivered.gaps {
        assert_eq!(gap.channel, Channel::L2Book);
        assert!(
            gap.reason.starts_with("crossed book: best bid "),
            "{}",
            gap.reason
        );
    }
    let resyncs = &received[2..];
    assert_eq!(resyncs.len(), 2 * delivered.gaps.len(), "{resyncs:#?}");
    for pair in resyncs.chunks(2) {
        assert_eq!(pair[0]["method"], "unsubscribe");
        assert_eq!(pair[1]["method"], "subscribe");
        assert_eq!(pair[0]["subscription"], pair[1]["subscription"]);
    }
    for name in ["BTC", "ETH"] {
        let gaps = delivered
            .gaps
            .iter()
            .filter(|gap| coin(&gap.symbol) == name)
            .count();
        let resubscribes = resyncs
            .iter()
            .filter(|message| {
                message["method"] == "unsubscribe" && message["subscription"] == subscription(name)
            })
            .count();
        assert_eq!((gaps, resubscribes), (corrupted, corrupted), "{name}");
    }
    assert_eq!(stats.gaps, delivered.gaps.len() as u64);
    assert_eq!(stats.requests, 0, "no REST snapshots");
    assert_eq!(stats.parse_errors + stats.exchange_errors, 0);
    assert_eq!((stats.rejected, stats.reconnects), (0, 0));
    (delivered, stats, truth)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_replaces_the_book_and_lost_ones_cost_nothing() {
    let faults = vec![
        (60, Fault::Skip),
        (61, Fault::Skip),
        (150, Fault::Resnapshot),
        (220, Fault::Skip),
    ];
    let (delivered, _, _) = run(10, faults).await;
    assert!(delivered.gaps.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crossed_book_resubscribes_that_coin_alone() {
    run(10, vec![(100, Fault::CorruptChecksum), (120, Fault::Skip)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_levels_ride_the_fast_feed() {
    run(5, vec![(80, Fault::Skip), (200, Fault::CorruptChecksum)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deeper_book_delivers_the_twenty_levels_sent() {
    // `run` checks the books against the true book's top 20, and that some had 20 levels.
    run(50, vec![(40, Fault::Resnapshot)]).await;
}
