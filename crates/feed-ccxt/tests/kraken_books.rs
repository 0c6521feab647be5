//! Kraken L2 books against a loopback stand-in that keeps a true book and streams the
//! documented v2 `book` channel at the subscribed depth: a snapshot after each subscribe,
//! then updates of the depth's view, numbers as JSON numbers without trailing zeros (as
//! the docs print them), each frame with the CRC32 of the true book's top 10 written at
//! the pair's precision, no deletes for levels pushed out of the depth (the client
//! truncates), RFC 3339 timestamps. Faults: updates never sent (the next checksum does not
//! match) and corrupted checksums. Every delivered book must equal the true book, and every
//! mismatch must resync that symbol alone by unsubscribing and subscribing again.
//!
//! (The true book only changes levels near its top, so a level pushed out of the depth is
//! unchanged when it comes back into view, and is sent again then: a client that did not
//! truncate would still pass here. Truncation is checked by the adapter's unit tests.)

mod common;

use common::books::{
    assert_books_match_truth, assert_caught_up, book_feed, run_until_finished, Delivered, Key,
};
use common::json;
use feed_core::book::checksum::crc32;
use feed_core::runtime::StatsSnapshot;
use feed_core::Channel;
use feed_testkit::books::{
    BookStandIn, BookWire, Change, Fault, Reply, Side, StreamScript, TrueBook, Truth, Update, View,
};

/// The stand-in's wire at one subscribed depth.
struct KrakenWire {
    depth: usize,
}

/// AssetPairs with the true book's precisions: prices at 2 digits, volumes at 4.
const ASSET_PAIRS: &str = r#"{"error":[],"result":{
 "XXBTZUSD":{"altname":"XBTUSD","wsname":"XBT/USD","base":"XXBT","quote":"ZUSD","pair_decimals":2,"lot_decimals":4,"status":"online"},
 "XETHZUSD":{"altname":"ETHUSD","wsname":"ETH/USD","base":"XETH","quote":"ZUSD","pair_decimals":2,"lot_decimals":4,"status":"online"}}}"#;

/// A decimal written as the docs print Kraken's JSON numbers: no trailing zeros
/// (`100.10` → `100.1`, `0.5000` → `0.5`, `0.0000` → `0`).
fn number(text: &str) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text.to_owned()
    }
}

fn level(price: &str, qty: &str) -> String {
    format!(r#"{{"price":{},"qty":{}}}"#, number(price), number(qty))
}

/// Kraken's checksum, from the true book's own text (already at the pair's precision):
/// the top 10 asks then the top 10 bids, price then quantity, the point and leading zeros
/// removed, CRC32 as an unsigned integer.
fn checksum(book: &TrueBook) -> u32 {
    let mut text = String::new();
    for side in [Side::Ask, Side::Bid] {
        for (price, qty) in book.top(side, 10) {
            for number in [price, qty] {
                text.push_str(number.replace('.', "").trim_start_matches('0'));
            }
        }
    }
    crc32(text.as_bytes())
}

/// RFC 3339 with microseconds, as Kraken writes times, of milliseconds since the epoch.
fn rfc3339(ms: i64) -> String {
    let (seconds, millis) = (ms.div_euclid(1000), ms.rem_euclid(1000));
    let time = seconds.rem_euclid(86_400);
    let (year, month, day) = feed_ccxt::parse::utc_date_of_millis(ms);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}000Z",
        time / 3600,
        time % 3600 / 60,
        time % 60
    )
}

fn book_frame(
    kind: &str,
    symbol: &str,
    bids: &[String],
    asks: &[String],
    checksum: u32,
    ms: i64,
) -> String {
    format!(
        r#"{{"channel":"book","type":"{kind}","data":[{{"symbol":"{symbol}","bids":[{}],"asks":[{}],"checksum":{checksum},"timestamp":"{}"}}]}}"#,
        bids.join(","),
        asks.join(","),
        rfc3339(ms)
    )
}

fn is_zero(size: &str) -> bool {
    size.bytes().all(|byte| byte == b'0' || byte == b'.')
}

impl BookWire for KrakenWire {
    fn stream_depth(&self) -> Option<usize> {
        Some(self.depth)
    }

    /// One ack per symbol; a subscribe starts (or restarts) the symbol's stream.
    fn on_message(&self, message: &str) -> Reply {
        let request = json(message);
        let method = request["method"].as_str().unwrap_or_default().to_owned();
        let params = &request["params"];
        let symbols: Vec<String> = params["symbol"]
            .as_array()
            .map(|symbols| {
                symbols
                    .iter()
                    .filter_map(|symbol| symbol.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let frames = symbols
            .iter()
            .map(|symbol| {
                serde_json::json!({
                    "method": method,
                    "result": {"channel": params["channel"], "depth": params["depth"],
                               "snapshot": true, "symbol": symbol},
                    "success": true,
                    "time_in": "2023-10-06T17:35:55.219022Z",
                    "time_out": "2023-10-06T17:35:55.219067Z",
                    "req_id": request["req_id"],
                })
                .to_string()
            })
            .collect();
        Reply {
            frames,
            subscribe: if method == "subscribe" && params["channel"] == "book" {
                symbols
            } else {
                Vec::new()
            },
        }
    }

    fn update_frame(&self, symbol: &str, update: &Update, book: &TrueBook) -> String {
        // A level pushed out of the depth (still in the book) gets no delete: Kraken sends
        // none, the client truncates.
        let in_book = |change: &Change| {
            book.top(change.side, book.len(change.side))
                .iter()
                .any(|(price, _)| *price == change.price)
        };
        let sent: Vec<&Change> = update
            .view_changes
            .iter()
            .filter(|change| !(is_zero(&change.size) && in_book(change)))
            .collect();
        let side = |side: Side| -> Vec<String> {
            sent.iter()
                .filter(|change| change.side == side)
                .map(|change| level(&change.price, &change.size))
                .collect()
        };
        let mut sum = checksum(book);
        if update.corrupt_checksum {
            sum ^= 0x5a5a_5a5a;
        }
        book_frame(
            "update",
            symbol,
            &side(Side::Bid),
            &side(Side::Ask),
            sum,
            update.timestamp_ms,
        )
    }

    fn snapshot_frame(
        &self,
        symbol: &str,
        book: &TrueBook,
        _last_id: u64,
        timestamp_ms: i64,
    ) -> Option<String> {
        let side = |side: Side| -> Vec<String> {
            book.top(side, self.depth)
                .iter()
                .map(|(price, qty)| level(price, qty))
                .collect()
        };
        Some(book_frame(
            "snapshot",
            symbol,
            &side(Side::Bid),
            &side(Side::Ask),
            checksum(book),
            timestamp_ms,
        ))
    }

    fn markets(&self) -> (String, String) {
        ("/0/public/AssetPairs".into(), ASSET_PAIRS.into())
    }
}

fn exchange_symbol(symbol: &feed_core::Symbol) -> String {
    symbol.as_str().replace('-', "/")
}

/// Runs both symbols' books at `book_depth` (Kraken depth `depth`) with these faults and
/// checks what every run must show; returns the true books and the gaps per symbol.
async fn run(
    book_depth: usize,
    depth: usize,
    faults: Vec<(usize, Fault)>,
) -> (Delivered, StatsSnapshot, Vec<Truth>, [usize; 2]) {
    let script = StreamScript {
        updates: 300,
        faults,
        ..StreamScript::default()
    };
    let standin = BookStandIn::start(KrakenWire { depth }, script)
        .await
        .unwrap();
    let feed = book_feed(
        "kraken",
        &["BTC-USD", "ETH-USD"],
        vec![Channel::L2Book],
        &standin,
        "/v2",
        book_depth,
    );
    let (delivered, stats) = run_until_finished(&standin, feed).await;

    // One subscribe per symbol, each with its own request id, at the chosen depth.
    let received: Vec<serde_json::Value> = standin.received().iter().map(|m| json(m)).collect();
    for (message, symbol) in received.iter().zip(["BTC/USD", "ETH/USD"]) {
        assert_eq!(message["method"], "subscribe");
        assert_eq!(
            message["params"],
            serde_json::json!({"channel":"book","symbol":[symbol],"depth":depth,"snapshot":true})
        );
    }
    assert_ne!(received[0]["req_id"], received[1]["req_id"]);

    let truth = standin.truth();
    let checked = assert_books_match_truth(
        &delivered.books,
        &truth,
        exchange_symbol,
        Key::Timestamp,
        book_depth,
    );
    assert!(checked > 50, "books were delivered ({checked})");
    assert_caught_up(&delivered.books, &truth, exchange_symbol, book_depth);

    // Every gap is a checksum mismatch of one symbol, followed by an unsubscribe and a
    // subscribe of that symbol alone.
    for gap in &delivered.gaps {
        assert_eq!(gap.channel, Channel::L2Book);
        assert!(
            gap.reason
                .starts_with("checksum mismatch: the exchange sent "),
            "{}",
            gap.reason
        );
    }
    let resyncs = &received[2..];
    assert_eq!(resyncs.len(), 2 * delivered.gaps.len(), "{resyncs:#?}");
    for pair in resyncs.chunks(2) {
        assert_eq!(pair[0]["method"], "unsubscribe");
        assert_eq!(pair[1]["method"], "subscribe");
        assert_eq!(pair[0]["params"]["symbol"], pair[1]["params"]["symbol"]);
        assert_eq!(pair[0]["params"]["depth"], depth);
        assert_eq!(pair[0]["req_id"], pair[1]["req_id"]);
    }
    let gaps = ["BTC-USD", "ETH-USD"].map(|symbol| {
        let gaps = delivered
            .gaps
            .iter()
            .filter(|gap| gap.symbol.as_str() == symbol)
            .count();
        let resubscribes = resyncs
            .iter()
            .filter(|message| {
                message["method"] == "unsubscribe"
                    && message["params"]["symbol"][0]
                        == exchange_symbol(&feed_core::Symbol::parse(symbol).unwrap())
            })
            .count();
        assert_eq!(gaps, resubscribes, "{symbol}: one resubscribe per gap");
        gaps
    });
    assert_eq!(stats.gaps, delivered.gaps.len() as u64);
    assert_eq!(stats.requests, 0, "no REST snapshots");
    assert_eq!(stats.parse_errors + stats.exchange_errors, 0);
    assert_eq!((stats.rejected, stats.reconnects), (0, 0));
    (delivered, stats, truth, gaps)
}

/// Whether update `index` of `symbol` (before any resync) changed the top `depth` levels
/// of its true book: the symbol's records are its first snapshot, then one per update.
fn changed_top(truth: &[Truth], symbol: &str, index: usize, depth: usize) -> bool {
    let views: Vec<&View> = truth
        .iter()
        .filter(|entry| entry.symbol == symbol)
        .map(|entry| &entry.view)
        .collect();
    let top = |view: &View| {
        (
            view.bids.iter().take(depth).cloned().collect::<Vec<_>>(),
            view.asks.iter().take(depth).cloned().collect::<Vec<_>>(),
        )
    };
    top(views[index]) != top(views[index + 1])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn books_equal_the_true_book_and_mismatches_resync_only_that_symbol() {
    let faults = vec![
        (60, Fault::Skip),
        (120, Fault::Skip),
        (220, Fault::CorruptChecksum),
    ];
    let (_, _, truth, gaps) = run(5, 10, faults).await;
    // At depth 10 the checksum covers the whole stream: an update never sent is caught by
    // the next frame when it changed the view (one that changed nothing at this depth would
    // not be sent by a fixed-depth stream either), a corrupted checksum at once. The second
    // skip's record is shifted by the first one's resync snapshot when that was caught.
    for (symbol, found) in ["BTC/USD", "ETH/USD"].iter().zip(gaps) {
        let first = changed_top(&truth, symbol, 60, 10);
        let second = changed_top(&truth, symbol, 120 + usize::from(first), 10);
        let expected = 1 + usize::from(first) + usize::from(second);
        assert_eq!(found, expected, "{symbol}: skips caught {first} {second}");
    }
    assert!(
        gaps.iter().sum::<usize>() > 2,
        "a skipped update was caught"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deeper_stream_is_truncated_and_checksummed_over_its_top_ten() {
    // A skip is left out here: below the top 10 nothing checks it (see the adapter's docs),
    // so levels 11 and 12 of a delivered book could be wrong until the change surfaces.
    let (_, _, _, gaps) = run(12, 25, vec![(150, Fault::CorruptChecksum)]).await;
    assert_eq!(gaps, [1, 1], "the corrupted checksum of each symbol");
}
