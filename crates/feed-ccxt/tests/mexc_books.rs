//! MEXC L2 books against a loopback stand-in that keeps a true book: topics acknowledged
//! in JSON text, depth pushes as protobuf binary frames (`fromVersion`/`toVersion`), the
//! REST `/api/v3/depth` snapshot of its current state with `lastUpdateId`, and skipped
//! pushes: every delivered book must equal the true book, and each gap must refetch that
//! symbol's snapshot alone.

mod common;

use common::books::{
    assert_book_gaps, assert_books_match_truth, assert_caught_up, book_feed, run_until_finished,
    Key,
};
use common::json;
use feed_ccxt::exchanges::mexc::proto::{
    Body, PublicAggreDepthV3ApiItem, PublicAggreDepthsV3Api, PushDataV3ApiWrapper,
};
use feed_core::Channel;
use feed_testkit::books::{
    BookStandIn, BookWire, Change, Fault, Reply, Side, StreamScript, TrueBook, Update,
};
use prost::Message;

const DEPTH: &str = "spot@public.aggre.depth.v3.api.pb@100ms@";

struct MexcWire;

fn items(changes: &[Change], side: Side) -> Vec<PublicAggreDepthV3ApiItem> {
    changes
        .iter()
        .filter(|change| change.side == side)
        .map(|change| PublicAggreDepthV3ApiItem {
            price: change.price.clone(),
            quantity: change.size.clone(),
        })
        .collect()
}

impl BookWire for MexcWire {
    fn on_message(&self, message: &str) -> Reply {
        let request = json(message);
        assert_eq!(request["method"], "SUBSCRIPTION", "{message}");
        let topic = request["params"][0].as_str().unwrap().to_owned();
        let symbol = topic
            .strip_prefix(DEPTH)
            .unwrap_or_else(|| panic!("a depth topic: {topic}"))
            .to_owned();
        Reply {
            frames: vec![format!(r#"{{"id":0,"code":0,"msg":"{topic}"}}"#)],
            subscribe: vec![symbol],
        }
    }

    /// The push as JSON for the log; [`MexcWire::binary_frame`] encodes it as protobuf.
    fn update_frame(&self, symbol: &str, update: &Update, _book: &TrueBook) -> String {
        serde_json::json!({
            "pb": "depth", "symbol": symbol, "from": update.first_id, "to": update.last_id,
            "time": update.timestamp_ms,
            "bids": update.changes.iter().filter(|c| c.side == Side::Bid).map(|c| [&c.price, &c.size]).collect::<Vec<_>>(),
            "asks": update.changes.iter().filter(|c| c.side == Side::Ask).map(|c| [&c.price, &c.size]).collect::<Vec<_>>(),
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
        serde_json::json!({"lastUpdateId": last_id, "bids": side(Side::Bid), "asks": side(Side::Ask), "timestamp": 1})
            .to_string()
    }

    fn markets(&self) -> (String, String) {
        (
            "/api/v3/exchangeInfo".into(),
            r#"{"timezone":"CST","serverTime":1,"symbols":[
              {"symbol":"BTCUSDT","status":"1","baseAsset":"BTC","quoteAsset":"USDT","isSpotTradingAllowed":true},
              {"symbol":"ETHUSDT","status":"1","baseAsset":"ETH","quoteAsset":"USDT","isSpotTradingAllowed":true}]}"#
                .into(),
        )
    }

    fn binary_frame(&self, frame: &str) -> Option<Vec<u8>> {
        let push = json(frame);
        if push["pb"] != "depth" {
            return None; // JSON answers go as text
        }
        let changes = |key: &str, side: Side| -> Vec<Change> {
            push[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|pair| Change {
                    side,
                    price: pair[0].as_str().unwrap().to_owned(),
                    size: pair[1].as_str().unwrap().to_owned(),
                })
                .collect()
        };
        let symbol = push["symbol"].as_str().unwrap().to_owned();
        let wrapper = PushDataV3ApiWrapper {
            channel: format!("{DEPTH}{symbol}"),
            body: Some(Body::PublicAggreDepths(PublicAggreDepthsV3Api {
                asks: items(&changes("asks", Side::Ask), Side::Ask),
                bids: items(&changes("bids", Side::Bid), Side::Bid),
                event_type: "spot@public.aggre.depth.v3.api.pb@100ms".into(),
                from_version: push["from"].to_string(),
                to_version: push["to"].to_string(),
                last_order_create_time: 0,
            })),
            symbol: Some(symbol),
            symbol_id: None,
            create_time: None,
            send_time: push["time"].as_i64(),
        };
        Some(wrapper.encode_to_vec())
    }
}

fn exchange_symbol(symbol: &feed_core::Symbol) -> String {
    symbol.as_str().replace('-', "")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn books_equal_the_true_book_and_gaps_refetch_only_that_symbol() {
    let script = StreamScript {
        updates: 300,
        faults: vec![(80, Fault::Skip), (200, Fault::Skip)],
        ..StreamScript::default()
    };
    let standin = BookStandIn::start(MexcWire, script).await.unwrap();
    let feed = book_feed(
        "mexc",
        &["BTC-USDT", "ETH-USDT"],
        vec![Channel::L2Book],
        &standin,
        "/ws",
        10,
    );
    let (delivered, stats) = run_until_finished(&standin, feed).await;

    let received: Vec<serde_json::Value> =
        standin.received().iter().map(|text| json(text)).collect();
    assert_eq!(
        received,
        vec![
            serde_json::json!({"method":"SUBSCRIPTION","params":["spot@public.aggre.depth.v3.api.pb@100ms@BTCUSDT"],"id":1}),
            serde_json::json!({"method":"SUBSCRIPTION","params":["spot@public.aggre.depth.v3.api.pb@100ms@ETHUSDT"],"id":2}),
        ],
        "subscribed once: gaps refetch over REST"
    );
    let truth = standin.truth();
    let checked =
        assert_books_match_truth(&delivered.books, &truth, exchange_symbol, Key::Sequence, 10);
    assert!(checked > 50, "books were delivered ({checked})");
    assert_caught_up(&delivered.books, &truth, exchange_symbol, 10);
    assert_book_gaps(
        &delivered.gaps,
        &["BTC-USDT", "ETH-USDT"],
        2,
        "sequence: expected fromVersion=",
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
