//! Binance L2 books against a loopback stand-in that keeps a true book, serves REST
//! snapshots of its current state and streams documented `depthUpdate` diffs, with skipped
//! updates: every delivered book must equal the true book, and a gap must resync.

mod common;

use common::books::{
    assert_books_match_truth, assert_caught_up, book_feed, run_until_finished, Key,
};
use common::json;
use feed_core::Channel;
use feed_testkit::books::{
    BookStandIn, BookWire, Change, Fault, Reply, Side, StreamScript, TrueBook, Update,
};

struct BinanceWire;

fn levels(changes: &[Change], side: Side) -> Vec<[String; 2]> {
    changes
        .iter()
        .filter(|change| change.side == side)
        .map(|change| [change.price.clone(), change.size.clone()])
        .collect()
}

impl BookWire for BinanceWire {
    fn on_message(&self, message: &str) -> Reply {
        let request = json(message);
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
            frames: vec![serde_json::json!({"result": null, "id": request["id"]}).to_string()],
            subscribe: streams
                .iter()
                .filter_map(|stream| stream.strip_suffix("@depth@100ms"))
                .map(str::to_ascii_uppercase)
                .collect(),
        }
    }

    fn update_frame(&self, symbol: &str, update: &Update, _book: &TrueBook) -> String {
        serde_json::json!({
            "e": "depthUpdate", "E": update.timestamp_ms, "s": symbol,
            "U": update.first_id, "u": update.last_id,
            "b": levels(&update.changes, Side::Bid), "a": levels(&update.changes, Side::Ask),
        })
        .to_string()
    }

    fn snapshot_request(&self, target: &str) -> Option<String> {
        let query = target.strip_prefix("/api/v3/depth?")?;
        assert!(query.ends_with("&limit=1000"), "documented limit: {query}");
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
        serde_json::json!({"lastUpdateId": last_id, "bids": side(Side::Bid), "asks": side(Side::Ask)}).to_string()
    }

    fn markets(&self) -> (String, String) {
        (
            "/api/v3/exchangeInfo".into(),
            r#"{"symbols":[{"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT"},{"symbol":"ETHUSDT","status":"TRADING","baseAsset":"ETH","quoteAsset":"USDT"}]}"#.into(),
        )
    }
}

fn exchange_symbol(symbol: &feed_core::Symbol) -> String {
    symbol.as_str().replace('-', "")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn books_equal_the_true_book_and_gaps_resync_only_that_symbol() {
    let script = StreamScript {
        updates: 300,
        faults: vec![(80, Fault::Skip), (200, Fault::Skip)],
        ..StreamScript::default()
    };
    let standin = BookStandIn::start(BinanceWire, script).await.unwrap();
    let feed = book_feed(
        "binance",
        &["BTC-USDT", "ETH-USDT"],
        vec![Channel::L2Book],
        &standin,
        "/ws",
        5,
    );
    let (delivered, stats) = run_until_finished(&standin, feed).await;

    let subscribe = json(&standin.received()[0]);
    assert_eq!(subscribe["method"], "SUBSCRIBE");
    assert_eq!(
        subscribe["params"],
        serde_json::json!(["btcusdt@depth@100ms", "ethusdt@depth@100ms"])
    );

    let truth = standin.truth();
    let checked =
        assert_books_match_truth(&delivered.books, &truth, exchange_symbol, Key::Sequence, 5);
    assert!(checked > 50, "books were delivered ({checked})");
    assert_caught_up(&delivered.books, &truth, exchange_symbol, 5);

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
    for symbol in ["BTC-USDT", "ETH-USDT"] {
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
