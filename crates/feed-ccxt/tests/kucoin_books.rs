//! KuCoin L2 books against a loopback stand-in that keeps a true book: the connect token
//! first, then `/market/level2` increments (each change with its own sequence, one side's
//! changes sometimes sent out of sequence order) joined with REST snapshots of the
//! stand-in's current state (`level2_100`), with skipped increments: every delivered book
//! must equal the true book, and a gap must refetch that symbol's snapshot alone.

mod common;

use std::sync::{Arc, OnceLock};

use common::books::{
    assert_book_gaps, assert_books_match_truth, assert_caught_up, book_feed, query_value,
    run_until_finished, top_pairs, Key,
};
use common::json;
use feed_core::Channel;
use feed_testkit::books::{
    BookStandIn, BookWire, Change, Fault, Reply, Side, StreamScript, TrueBook, Update,
};

struct KucoinWire {
    /// The stand-in's WebSocket URL, known once it started (the token answer names it).
    websocket: Arc<OnceLock<String>>,
}

/// `[price, size, sequence]` changes of one side, the sequences counted from `first`.
fn changes(update: &Update, side: Side) -> Vec<[String; 3]> {
    let mut out: Vec<[String; 3]> = update
        .changes
        .iter()
        .enumerate()
        .filter(|(_, change): &(usize, &Change)| change.side == side)
        .map(|(n, change)| {
            [
                change.price.clone(),
                change.size.clone(),
                (update.first_id + n as u64).to_string(),
            ]
        })
        .collect();
    if update.last_id % 2 == 0 {
        out.reverse(); // the sequences, not the list order, say the order
    }
    out
}

impl BookWire for KucoinWire {
    fn on_message(&self, message: &str) -> Reply {
        let request = json(message);
        if request["type"] == "ping" {
            return Reply {
                frames: vec![format!(r#"{{"id":{},"type":"pong"}}"#, request["id"])],
                subscribe: Vec::new(),
            };
        }
        assert_eq!(request["type"], "subscribe", "{message}");
        let topic = request["topic"].as_str().unwrap_or_default();
        let symbols = topic
            .strip_prefix("/market/level2:")
            .unwrap_or_else(|| panic!("a level2 topic: {topic}"));
        Reply {
            frames: vec![format!(r#"{{"id":"{}","type":"ack"}}"#, request["id"])],
            subscribe: symbols.split(',').map(str::to_owned).collect(),
        }
    }

    fn update_frame(&self, symbol: &str, update: &Update, _book: &TrueBook) -> String {
        serde_json::json!({
            "topic": format!("/market/level2:{symbol}"), "type": "message",
            "subject": "trade.l2update",
            "data": {
                "changes": {"asks": changes(update, Side::Ask), "bids": changes(update, Side::Bid)},
                "sequenceEnd": update.last_id, "sequenceStart": update.first_id,
                "symbol": symbol, "time": update.timestamp_ms,
            },
        })
        .to_string()
    }

    fn snapshot_request(&self, target: &str) -> Option<String> {
        let query = target.strip_prefix("/api/v1/market/orderbook/level2_100?")?;
        query_value(query, "symbol").map(str::to_owned)
    }

    fn snapshot_body(&self, _symbol: &str, book: &TrueBook, last_id: u64) -> String {
        serde_json::json!({"code": "200000", "data": {
            "time": 1_700_000_000_000_i64, "sequence": last_id.to_string(),
            "bids": top_pairs(book, Side::Bid, 100), "asks": top_pairs(book, Side::Ask, 100),
        }})
        .to_string()
    }

    fn markets(&self) -> (String, String) {
        (
            "/api/v2/symbols".into(),
            r#"{"code":"200000","data":[
              {"symbol":"BTC-USDT","baseCurrency":"BTC","quoteCurrency":"USDT","enableTrading":true},
              {"symbol":"ETH-USDT","baseCurrency":"ETH","quoteCurrency":"USDT","enableTrading":true}]}"#
                .into(),
        )
    }

    fn rest_answer(&self, target: &str) -> Option<String> {
        (target == "/api/v1/bullet-public").then(|| {
            format!(
                r#"{{"code":"200000","data":{{"token":"t0ken","instanceServers":[{{"endpoint":"{}","encrypt":true,"protocol":"websocket","pingInterval":18000,"pingTimeout":10000}}]}}}}"#,
                self.websocket.get().expect("started")
            )
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn books_equal_the_true_book_and_gaps_refetch_only_that_symbol() {
    let websocket = Arc::new(OnceLock::new());
    let script = StreamScript {
        updates: 300,
        faults: vec![(80, Fault::Skip), (200, Fault::Skip)],
        ..StreamScript::default()
    };
    let wire = KucoinWire {
        websocket: Arc::clone(&websocket),
    };
    let standin = BookStandIn::start(wire, script).await.unwrap();
    websocket.set(standin.websocket_url("/endpoint")).unwrap();
    let feed = book_feed(
        "kucoin",
        &["BTC-USDT", "ETH-USDT"],
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
        serde_json::json!({"id":1,"type":"subscribe","topic":"/market/level2:BTC-USDT,ETH-USDT","privateChannel":false,"response":true})
    );

    let truth = standin.truth();
    let same = |symbol: &feed_core::Symbol| symbol.as_str().to_owned();
    let checked = assert_books_match_truth(&delivered.books, &truth, same, Key::Sequence, 5);
    assert!(checked > 50, "books were delivered ({checked})");
    assert_caught_up(&delivered.books, &truth, same, 5);

    assert_book_gaps(
        &delivered.gaps,
        &["BTC-USDT", "ETH-USDT"],
        2,
        "sequence: expected sequenceStart=",
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
