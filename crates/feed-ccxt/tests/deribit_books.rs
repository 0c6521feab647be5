//! Deribit L2 books against a loopback stand-in that keeps a true book and streams the
//! documented `book.{instrument}.100ms` channel: a `snapshot` after each subscribe, then
//! `change`s chained by `prev_change_id`, levels as `["new"|"change"|"delete", price,
//! amount]` with JSON numbers. Faults: skipped changes and a snapshot resent mid-stream.
//! Every delivered book must equal the true book; a gap must resubscribe that instrument
//! alone (`public/unsubscribe`, then `public/subscribe`).

mod common;

use common::books::{
    assert_books_match_truth, assert_caught_up, book_feed, run_until_finished, Key,
};
use common::json;
use feed_core::Channel;
use feed_testkit::books::{
    BookStandIn, BookWire, Change, Fault, Reply, Side, StreamScript, TrueBook, Update,
};
use serde_json::{json, Value};

struct DeribitWire;

/// Sizes the true book renders as zero delete the level.
fn is_zero(size: &str) -> bool {
    size.chars().all(|c| c == '0' || c == '.')
}

/// `[["change",100.5,1.25],["delete",100.0,0]]` with the numbers as JSON numbers.
fn entries<'a>(levels: impl Iterator<Item = (&'a str, &'a str, &'a str)>) -> String {
    let entries: Vec<String> = levels
        .map(|(action, price, size)| format!(r#"["{action}",{price},{size}]"#))
        .collect();
    format!("[{}]", entries.join(","))
}

fn changes(changes: &[Change], side: Side) -> String {
    entries(
        changes
            .iter()
            .filter(|change| change.side == side)
            .map(|change| {
                if is_zero(&change.size) {
                    ("delete", change.price.as_str(), "0")
                } else {
                    ("change", change.price.as_str(), change.size.as_str())
                }
            }),
    )
}

fn notification(symbol: &str, data: &str) -> String {
    format!(
        r#"{{"jsonrpc":"2.0","method":"subscription","params":{{"channel":"book.{symbol}.100ms","data":{data}}}}}"#
    )
}

fn channels(request: &Value) -> Vec<String> {
    request["params"]["channels"]
        .as_array()
        .map(|channels| {
            channels
                .iter()
                .filter_map(|channel| channel.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

impl BookWire for DeribitWire {
    fn on_message(&self, message: &str) -> Reply {
        let request = json(message);
        let id = request["id"].clone();
        match request["method"].as_str() {
            Some("public/set_heartbeat") => Reply {
                frames: vec![json!({"jsonrpc": "2.0", "id": id, "result": "ok"}).to_string()],
                subscribe: Vec::new(),
            },
            Some(method @ ("public/subscribe" | "public/unsubscribe")) => {
                let channels = channels(&request);
                Reply {
                    frames: vec![
                        json!({"jsonrpc": "2.0", "id": id, "result": channels}).to_string()
                    ],
                    subscribe: if method == "public/subscribe" {
                        channels
                            .iter()
                            .filter_map(|channel| channel.strip_prefix("book."))
                            .filter_map(|rest| rest.strip_suffix(".100ms"))
                            .map(str::to_owned)
                            .collect()
                    } else {
                        Vec::new()
                    },
                }
            }
            _ => Reply {
                frames: vec![json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32601, "message": "Method not found"}}).to_string()],
                subscribe: Vec::new(),
            },
        }
    }

    fn update_frame(&self, symbol: &str, update: &Update, _book: &TrueBook) -> String {
        notification(
            symbol,
            &format!(
                r#"{{"type":"change","timestamp":{},"prev_change_id":{},"instrument_name":"{symbol}","change_id":{},"bids":{},"asks":{}}}"#,
                update.timestamp_ms,
                update.prev_id,
                update.last_id,
                changes(&update.changes, Side::Bid),
                changes(&update.changes, Side::Ask),
            ),
        )
    }

    fn snapshot_frame(
        &self,
        symbol: &str,
        book: &TrueBook,
        last_id: u64,
        timestamp_ms: i64,
    ) -> Option<String> {
        let side = |side| {
            let levels = book.top(side, 1000);
            entries(
                levels
                    .iter()
                    .map(|(price, size)| ("new", price.as_str(), size.as_str()))
                    .collect::<Vec<_>>()
                    .into_iter(),
            )
        };
        Some(notification(
            symbol,
            &format!(
                r#"{{"type":"snapshot","timestamp":{timestamp_ms},"instrument_name":"{symbol}","change_id":{last_id},"bids":{},"asks":{}}}"#,
                side(Side::Bid),
                side(Side::Ask),
            ),
        ))
    }

    fn markets(&self) -> (String, String) {
        (
            "/api/v2/public/get_instruments".into(),
            r#"{"jsonrpc":"2.0","result":[
 {"settlement_period":"perpetual","quote_currency":"USD","kind":"future","is_active":true,"instrument_name":"BTC-PERPETUAL","expiration_timestamp":32503708800000,"contract_size":10,"base_currency":"BTC","settlement_currency":"BTC","counter_currency":"USD"},
 {"settlement_period":"perpetual","quote_currency":"USD","kind":"future","is_active":true,"instrument_name":"ETH-PERPETUAL","expiration_timestamp":32503708800000,"contract_size":1,"base_currency":"ETH","settlement_currency":"ETH","counter_currency":"USD"}],
 "usIn":1,"usOut":2,"usDiff":1,"testnet":false}"#
                .into(),
        )
    }
}

fn exchange_symbol(symbol: &feed_core::Symbol) -> String {
    match symbol.as_str() {
        "BTC-USD-PERP" => "BTC-PERPETUAL".into(),
        "ETH-USD-PERP" => "ETH-PERPETUAL".into(),
        other => panic!("no instrument for {other}"),
    }
}

/// The one book channel of a resync message of `method`, if `message` is one.
fn resync_channel(message: &str, method: &str) -> Option<String> {
    let value = json(message);
    if value["method"] != method {
        return None;
    }
    let channels = channels(&value);
    assert_eq!(channels.len(), 1, "a resync names one channel: {message}");
    channels.into_iter().next()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn books_equal_the_true_book_and_gaps_resubscribe_only_that_instrument() {
    let script = StreamScript {
        updates: 300,
        faults: vec![
            (50, Fault::Skip),
            (120, Fault::Resnapshot),
            (200, Fault::Skip),
        ],
        ..StreamScript::default()
    };
    let standin = BookStandIn::start(DeribitWire, script).await.unwrap();
    let feed = book_feed(
        "deribit",
        &["BTC-USD-PERP", "ETH-USD-PERP"],
        vec![Channel::L2Book],
        &standin,
        "/ws/api/v2",
        10,
    );
    let (delivered, stats) = run_until_finished(&standin, feed).await;

    let received = standin.received();
    assert_eq!(json(&received[0])["method"], "public/set_heartbeat");
    assert_eq!(
        json(&received[1]),
        json!({"jsonrpc": "2.0", "id": 1, "method": "public/subscribe", "params": {"channels": [
            "book.BTC-PERPETUAL.100ms", "book.ETH-PERPETUAL.100ms"
        ]}})
    );

    let truth = standin.truth();
    let checked =
        assert_books_match_truth(&delivered.books, &truth, exchange_symbol, Key::Sequence, 10);
    assert!(checked > 100, "books were delivered ({checked})");
    assert_caught_up(&delivered.books, &truth, exchange_symbol, 10);

    // Per instrument: two skipped changes, each a gap of that instrument alone. The resent
    // snapshot is no gap.
    assert_eq!(delivered.gaps.len(), 4, "{:#?}", delivered.gaps);
    for symbol in ["BTC-USD-PERP", "ETH-USD-PERP"] {
        let reasons: Vec<&str> = delivered
            .gaps
            .iter()
            .filter(|gap| gap.symbol.as_str() == symbol)
            .inspect(|gap| assert_eq!(gap.channel, Channel::L2Book))
            .map(|gap| gap.reason.as_str())
            .collect();
        assert_eq!(reasons.len(), 2, "{symbol}: {reasons:?}");
        for reason in reasons {
            assert!(
                reason.starts_with("sequence: expected prev_change_id="),
                "{symbol}: {reason}"
            );
        }
    }
    assert_eq!(stats.gaps, 4);

    // Each gap: an unsubscribe of that book, then a subscribe of it alone.
    let resyncs = &received[2..];
    assert_eq!(resyncs.len(), 8, "{resyncs:#?}");
    for pair in resyncs.chunks(2) {
        let unsubscribed = resync_channel(&pair[0], "public/unsubscribe").expect("an unsubscribe");
        let subscribed = resync_channel(&pair[1], "public/subscribe").expect("then a subscribe");
        assert_eq!(unsubscribed, subscribed);
    }
    for instrument in ["BTC-PERPETUAL", "ETH-PERPETUAL"] {
        let channel = format!("book.{instrument}.100ms");
        let count = resyncs
            .iter()
            .filter(|message| {
                resync_channel(message, "public/subscribe").as_deref() == Some(channel.as_str())
            })
            .count();
        assert_eq!(count, 2, "{instrument}");
    }
    assert_eq!(stats.parse_errors + stats.exchange_errors, 0);
}
