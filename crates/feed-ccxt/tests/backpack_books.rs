//! Backpack L2 books against a loopback stand-in that keeps a true book, serves REST
//! snapshots of its current state (`/api/v1/depth`, `lastUpdateId` a string, bids worst
//! first as in the documented example) and streams `depth` diffs in the documented
//! `{"stream":..,"data":..}` wrapper, as live frames carry them (times as strings, ids as
//! numbers or strings), with skipped updates: every delivered book must equal the true
//! book, and a gap must refetch that symbol's snapshot alone.

mod common;

use common::books::{
    assert_books_match_truth, assert_caught_up, book_feed, run_until_finished, Key,
};
use common::json;
use feed_core::Channel;
use feed_testkit::books::{
    BookStandIn, BookWire, Change, Fault, Reply, Side, StreamScript, TrueBook, Update,
};

/// The documented `DepthLimit` values.
const DEPTH_LIMITS: [&str; 7] = ["5", "10", "20", "50", "100", "500", "1000"];

struct BackpackWire;

fn levels(changes: &[Change], side: Side) -> Vec<[String; 2]> {
    changes
        .iter()
        .filter(|change| change.side == side)
        .map(|change| [change.price.clone(), change.size.clone()])
        .collect()
}

impl BookWire for BackpackWire {
    /// Backpack sends no acknowledgement: the depth streams just start.
    fn on_message(&self, message: &str) -> Reply {
        let request = json(message);
        assert_eq!(request["method"], "SUBSCRIBE", "{message}");
        let streams: Vec<String> = request["params"]
            .as_array()
            .map(|params| {
                params
                    .iter()
                    .filter_map(|p| p.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        Reply {
            frames: Vec::new(),
            subscribe: streams
                .iter()
                .filter_map(|stream| stream.strip_prefix("depth."))
                .map(str::to_owned)
                .collect(),
        }
    }

    /// Live-style: keys in alphabetical order, `E`/`T` strings in microseconds; every
    /// third update carries its ids as strings.
    fn update_frame(&self, symbol: &str, update: &Update, _book: &TrueBook) -> String {
        let micros = update.timestamp_ms * 1000;
        let (first, last) = if update.last_id % 3 == 0 {
            (
                serde_json::json!(update.first_id.to_string()),
                serde_json::json!(update.last_id.to_string()),
            )
        } else {
            (
                serde_json::json!(update.first_id),
                serde_json::json!(update.last_id),
            )
        };
        serde_json::json!({
            "data": {
                "E": (micros + 1).to_string(), "T": micros.to_string(), "U": first,
                "a": levels(&update.changes, Side::Ask), "b": levels(&update.changes, Side::Bid),
                "e": "depth", "s": symbol, "u": last,
            },
            "stream": format!("depth.{symbol}"),
        })
        .to_string()
    }

    fn snapshot_request(&self, target: &str) -> Option<String> {
        let query = target.strip_prefix("/api/v1/depth?")?;
        let limit = query
            .split('&')
            .find_map(|pair| pair.strip_prefix("limit="))
            .unwrap_or_else(|| panic!("no limit: {query}"));
        assert!(DEPTH_LIMITS.contains(&limit), "undocumented limit: {query}");
        assert_eq!(limit, "1000", "the chosen limit: {query}");
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("symbol="))
            .map(str::to_owned)
    }

    fn snapshot_body(&self, _symbol: &str, book: &TrueBook, last_id: u64) -> String {
        let side = |side| -> Vec<[String; 2]> {
            book.top(side, 1000)
                .into_iter()
                .map(|(p, s)| [p, s])
                .collect()
        };
        let mut bids = side(Side::Bid);
        bids.reverse(); // as the documented example lists them: worst first
        serde_json::json!({
            "asks": side(Side::Ask), "bids": bids,
            "lastUpdateId": last_id.to_string(), "timestamp": 1_700_000_000_000_000_i64,
        })
        .to_string()
    }

    fn markets(&self) -> (String, String) {
        (
            "/api/v1/markets".into(),
            r#"[{"baseSymbol":"SOL","createdAt":"2025-01-21T06:34:54.691858","filters":{},"marketType":"SPOT","orderBookState":"Open","quoteSymbol":"USDC","symbol":"SOL_USDC","visible":true},
                {"baseSymbol":"SOL","createdAt":"2025-01-21T06:34:54.691858","filters":{},"marketType":"PERP","orderBookState":"Open","quoteSymbol":"USDC","symbol":"SOL_USDC_PERP","visible":true},
                {"baseSymbol":"BTC","createdAt":"2024-01-16T00:00:00","filters":{},"marketType":"SPOT","orderBookState":"Open","quoteSymbol":"USDC","symbol":"BTC_USDC","visible":true}]"#
                .into(),
        )
    }
}

fn exchange_symbol(symbol: &feed_core::Symbol) -> String {
    symbol.as_str().replace('-', "_")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn books_equal_the_true_book_and_gaps_refetch_only_that_symbol() {
    let script = StreamScript {
        updates: 300,
        faults: vec![(80, Fault::Skip), (200, Fault::Skip)],
        ..StreamScript::default()
    };
    let standin = BookStandIn::start(BackpackWire, script).await.unwrap();
    let feed = book_feed(
        "backpack",
        &["SOL-USDC", "BTC-USDC"],
        vec![Channel::L2Book],
        &standin,
        "",
        5,
    );
    let (delivered, stats) = run_until_finished(&standin, feed).await;

    let received = standin.received();
    assert_eq!(
        received.len(),
        1,
        "one subscribe, never again: {received:?}"
    );
    assert_eq!(
        json(&received[0]),
        serde_json::json!({"method": "SUBSCRIBE", "params": ["depth.SOL_USDC", "depth.BTC_USDC"]})
    );

    let truth = standin.truth();
    let checked =
        assert_books_match_truth(&delivered.books, &truth, exchange_symbol, Key::Sequence, 5);
    assert!(checked > 50, "books were delivered ({checked})");
    assert_caught_up(&delivered.books, &truth, exchange_symbol, 5);
    for book in &delivered.books {
        assert!(
            book.timestamp
                .is_some_and(|time| time >= rust_decimal::Decimal::from(1_700_000_000)),
            "engine times in seconds: {book:?}"
        );
    }

    // Two skipped updates per symbol: each a gap of that symbol alone, with the documented
    // reason, followed by a refetched snapshot.
    assert_eq!(delivered.gaps.len(), 4, "{:#?}", delivered.gaps);
    for gap in &delivered.gaps {
        assert_eq!(gap.channel, Channel::L2Book);
        assert!(
            gap.reason.starts_with("sequence: expected U="),
            "{}",
            gap.reason
        );
    }
    for symbol in ["SOL-USDC", "BTC-USDC"] {
        assert_eq!(
            delivered
                .gaps
                .iter()
                .filter(|gap| gap.symbol.as_str() == symbol)
                .count(),
            2,
            "{symbol}"
        );
    }
    assert_eq!(stats.gaps, 4);
    assert_eq!(
        stats.requests,
        2 + 4,
        "one snapshot per symbol, one per gap"
    );
    assert_eq!(stats.request_errors, 0);
    assert_eq!(stats.parse_errors + stats.exchange_errors, 0);
}
