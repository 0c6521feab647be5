//! Gate L2 books against a loopback stand-in that keeps a true book, serves REST snapshots
//! (`with_id=true`) of its current state and streams documented `spot.order_book_update`
//! notifications (`U`/`u`), with skipped notifications and whole-book `full: true` pushes:
//! every delivered book must equal the true book, and a gap must refetch that symbol alone.

mod common;

use common::books::{
    assert_book_gaps, assert_books_match_truth, assert_caught_up, book_feed, query_value,
    run_until_finished, top_pairs, Key,
};
use common::json;
use feed_core::Channel;
use feed_testkit::books::{
    BookStandIn, BookWire, Change, Fault, Reply, Side, StreamScript, TrueBook, Update,
};
use serde_json::json;

/// The wire; `full` sends a `full: true` push on each subscribe and for each
/// [`Fault::Resnapshot`].
struct GateWire {
    full: bool,
}

fn levels(changes: &[Change], side: Side) -> Vec<[String; 2]> {
    changes
        .iter()
        .filter(|change| change.side == side)
        .map(|change| [change.price.clone(), change.size.clone()])
        .collect()
}

fn update(symbol: &str, timestamp_ms: i64, result: serde_json::Value) -> String {
    let mut result = result;
    result["t"] = json!(timestamp_ms);
    result["s"] = json!(symbol);
    json!({"time": timestamp_ms / 1000, "time_ms": timestamp_ms, "channel": "spot.order_book_update", "event": "update", "result": result}).to_string()
}

impl BookWire for GateWire {
    fn on_message(&self, message: &str) -> Reply {
        let request = json(message);
        assert_eq!(request["channel"], "spot.order_book_update", "{message}");
        assert_eq!(request["event"], "subscribe");
        assert_eq!(request["payload"][1], "100ms", "{message}");
        Reply {
            frames: vec![json!({"time": 1_700_000_000, "time_ms": 1_700_000_000_000_u64, "id": request["id"], "channel": "spot.order_book_update", "event": "subscribe", "result": {"status": "success"}}).to_string()],
            subscribe: request["payload"][0]
                .as_str()
                .map(str::to_owned)
                .into_iter()
                .collect(),
        }
    }

    fn update_frame(&self, symbol: &str, update_: &Update, _book: &TrueBook) -> String {
        update(
            symbol,
            update_.timestamp_ms,
            json!({"e": "depthUpdate", "E": update_.timestamp_ms / 1000, "U": update_.first_id, "u": update_.last_id,
                   "b": levels(&update_.changes, Side::Bid), "a": levels(&update_.changes, Side::Ask)}),
        )
    }

    fn snapshot_frame(
        &self,
        symbol: &str,
        book: &TrueBook,
        last_id: u64,
        timestamp_ms: i64,
    ) -> Option<String> {
        self.full.then(|| {
            update(
                symbol,
                timestamp_ms,
                json!({"full": true, "l": "100", "e": "depthUpdate", "E": timestamp_ms / 1000, "U": last_id, "u": last_id,
                       "b": top_pairs(book, Side::Bid, 100), "a": top_pairs(book, Side::Ask, 100)}),
            )
        })
    }

    fn snapshot_request(&self, target: &str) -> Option<String> {
        let query = target.strip_prefix("/api/v4/spot/order_book?")?;
        assert_eq!(query_value(query, "limit"), Some("100"), "{query}");
        assert_eq!(query_value(query, "with_id"), Some("true"), "{query}");
        query_value(query, "currency_pair").map(str::to_owned)
    }

    fn snapshot_body(&self, _symbol: &str, book: &TrueBook, last_id: u64) -> String {
        json!({"id": last_id, "current": 1_700_000_000_123_u64, "update": 1_700_000_000_100_u64,
               "asks": top_pairs(book, Side::Ask, 100), "bids": top_pairs(book, Side::Bid, 100)})
        .to_string()
    }

    fn markets(&self) -> (String, String) {
        (
            "/api/v4/spot/currency_pairs".into(),
            r#"[{"id":"BTC_USDT","base":"BTC","quote":"USDT","trade_status":"tradable"},{"id":"ETH_USDT","base":"ETH","quote":"USDT","trade_status":"tradable"},{"id":"OLD_USDT","base":"OLD","quote":"USDT","trade_status":"untradable"}]"#.into(),
        )
    }
}

fn exchange_symbol(symbol: &feed_core::Symbol) -> String {
    symbol.as_str().replace('-', "_")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_snapshots_join_the_stream_and_gaps_refetch_only_that_symbol() {
    let script = StreamScript {
        updates: 300,
        faults: vec![(80, Fault::Skip), (200, Fault::Skip)],
        ..StreamScript::default()
    };
    let standin = BookStandIn::start(GateWire { full: false }, script)
        .await
        .unwrap();
    let feed = book_feed(
        "gateio",
        &["BTC-USDT", "ETH-USDT"],
        vec![Channel::L2Book],
        &standin,
        "/ws/v4/",
        5,
    );
    let (delivered, stats) = run_until_finished(&standin, feed).await;

    let received: Vec<serde_json::Value> = standin.received().iter().map(|m| json(m)).collect();
    assert_eq!(received.len(), 2, "one request per pair: {received:?}");
    assert_eq!(received[0]["payload"], json!(["BTC_USDT", "100ms"]));
    assert_eq!(received[1]["payload"], json!(["ETH_USDT", "100ms"]));
    assert_ne!(received[0]["id"], received[1]["id"]);

    let truth = standin.truth();
    let checked =
        assert_books_match_truth(&delivered.books, &truth, exchange_symbol, Key::Sequence, 5);
    assert!(checked > 50, "books were delivered ({checked})");
    assert_caught_up(&delivered.books, &truth, exchange_symbol, 5);

    // Two skipped notifications per symbol: each a gap of that symbol alone, with the
    // documented reason, followed by a refetched base book.
    assert_book_gaps(
        &delivered.gaps,
        &["BTC-USDT", "ETH-USDT"],
        2,
        "sequence: expected U=",
    );
    assert_eq!(stats.gaps, 4);
    assert_eq!(
        stats.requests,
        2 + 4,
        "one snapshot per symbol, one per gap"
    );
    assert_eq!(stats.request_errors, 0);
    assert_eq!(stats.parse_errors + stats.exchange_errors, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_pushes_replace_the_book_even_when_live() {
    let script = StreamScript {
        updates: 300,
        faults: vec![
            (60, Fault::Resnapshot),
            (120, Fault::Skip),
            (220, Fault::Resnapshot),
        ],
        ..StreamScript::default()
    };
    let standin = BookStandIn::start(GateWire { full: true }, script)
        .await
        .unwrap();
    let feed = book_feed(
        "gateio",
        &["BTC-USDT", "ETH-USDT"],
        vec![Channel::L2Book],
        &standin,
        "/ws/v4/",
        10,
    );
    let (delivered, stats) = run_until_finished(&standin, feed).await;

    let truth = standin.truth();
    let checked =
        assert_books_match_truth(&delivered.books, &truth, exchange_symbol, Key::Sequence, 10);
    assert!(checked > 50, "books were delivered ({checked})");
    assert_caught_up(&delivered.books, &truth, exchange_symbol, 10);

    // The first full push syncs each book without REST; the resent ones are no gaps; the
    // skipped notification is one gap per symbol, refetched over REST.
    assert_book_gaps(
        &delivered.gaps,
        &["BTC-USDT", "ETH-USDT"],
        1,
        "sequence: expected U=",
    );
    assert_eq!(stats.requests, 2, "one refetch per gap, none to start");
    assert_eq!(stats.parse_errors + stats.exchange_errors, 0);
}
