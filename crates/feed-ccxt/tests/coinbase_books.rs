//! Coinbase L2 books against a loopback stand-in that keeps a true book and speaks the
//! documented `level2` wire: a `subscriptions` confirmation and a snapshot on subscribing,
//! `l2_data` updates after, and one `sequence_num` counter for every message of the
//! connection. Skipped updates show as skipped numbers: every subscription must get a gap,
//! every book must be resubscribed for a fresh snapshot, and every delivered book must
//! equal the true book.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::books::{
    assert_books_match_truth, assert_caught_up, book_feed, run_until_finished, Key,
};
use common::json;
use feed_ccxt::CcxtFeed;
use feed_core::connect::{client_config, load_ca_file};
use feed_core::runtime::{Action, Callbacks, FeedHandler, FeedSession, Frame, SessionOutput};
use feed_core::{Channel, Event};
use feed_testkit::books::{
    BookStandIn, BookWire, Change, Fault, Reply, Side, StreamScript, TrueBook, Update,
};
use rust_decimal::Decimal;

/// The "List Public Products" shape: two markets and the "-USDC" twin of one.
const PRODUCTS: &str = r#"{"products":[
 {"product_id":"BTC-USD","status":"online","trading_disabled":false,"product_type":"SPOT",
  "quote_currency_id":"USD","base_currency_id":"BTC","is_disabled":false,"alias":"","alias_to":["BTC-USDC"]},
 {"product_id":"BTC-USDC","status":"online","trading_disabled":false,"product_type":"SPOT",
  "quote_currency_id":"USDC","base_currency_id":"BTC","is_disabled":false,"alias":"BTC-USD","alias_to":[]},
 {"product_id":"ETH-USD","status":"online","trading_disabled":false,"product_type":"SPOT",
  "quote_currency_id":"USD","base_currency_id":"ETH","is_disabled":false}],
 "num_products":3}"#;

/// `ms` milliseconds since the epoch as RFC 3339 with milliseconds
/// (`2023-11-14T22:13:20.001Z`).
fn rfc3339_ms(ms: i64) -> String {
    let (seconds, millis) = (ms.div_euclid(1000), ms.rem_euclid(1000));
    let second_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = feed_ccxt::parse::utc_date_of_millis(ms);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

#[derive(Default)]
struct WireState {
    /// The next `sequence_num` of the connection.
    next: u64,
    /// The stand-in's clock at the last update or snapshot the wire framed.
    clock: Option<i64>,
    /// Subscribed products by channel (`heartbeats` lists itself).
    subscribed: BTreeMap<String, Vec<String>>,
}

/// Coinbase's wire. The stand-in's clock ticks once for every update and snapshot, sent or
/// not: a tick the wire never framed is a message Coinbase numbered and the client never
/// got, so the wire skips its `sequence_num`.
#[derive(Default)]
struct CoinbaseWire {
    state: Mutex<WireState>,
}

impl CoinbaseWire {
    /// The number of the next frame, after skipping those of updates never sent.
    fn number(state: &mut WireState, clock: Option<i64>) -> u64 {
        if let Some(now) = clock {
            if let Some(last) = state.clock.replace(now) {
                state.next += u64::try_from(now - last - 1).unwrap_or(0);
            }
        }
        let number = state.next;
        state.next += 1;
        number
    }

    fn envelope(
        state: &mut WireState,
        channel: &str,
        clock: Option<i64>,
        events: serde_json::Value,
    ) -> String {
        let sequence = Self::number(state, clock);
        let timestamp = rfc3339_ms(clock.unwrap_or(1_700_000_000_000));
        serde_json::json!({"channel": channel, "client_id": "", "timestamp": timestamp,
                           "sequence_num": sequence, "events": events})
        .to_string()
    }

    fn subscriptions(state: &mut WireState) -> String {
        let current = serde_json::to_value(&state.subscribed).unwrap();
        Self::envelope(
            state,
            "subscriptions",
            None,
            serde_json::json!([{ "subscriptions": current }]),
        )
    }
}

fn side_name(side: Side) -> &'static str {
    match side {
        Side::Bid => "bid",
        Side::Ask => "offer",
    }
}

fn levels(changes: &[Change], event_time: &str) -> Vec<serde_json::Value> {
    changes
        .iter()
        .map(|change| {
            serde_json::json!({"side": side_name(change.side), "event_time": event_time,
                               "price_level": change.price, "new_quantity": change.size})
        })
        .collect()
}

impl BookWire for CoinbaseWire {
    fn on_message(&self, message: &str) -> Reply {
        let request = json(message);
        let products: Vec<String> = request["product_ids"]
            .as_array()
            .map(|ids| {
                ids.iter()
                    .filter_map(|id| id.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let (Some(kind), Some(channel)) = (request["type"].as_str(), request["channel"].as_str())
        else {
            return Reply {
                frames: vec![r#"{"type":"error","message":"malformed request"}"#.into()],
                subscribe: Vec::new(),
            };
        };
        let known = ["level2", "market_trades", "heartbeats"].contains(&channel);
        if !known || products.iter().any(|p| p != "BTC-USD" && p != "ETH-USD") {
            return Reply {
                frames: vec![format!(
                    r#"{{"type":"error","message":"Failed to subscribe","reason":"{channel} {products:?}"}}"#
                )],
                subscribe: Vec::new(),
            };
        }
        let mut state = self.state.lock().unwrap();
        let listed = state.subscribed.entry(channel.to_owned()).or_default();
        let products = if channel == "heartbeats" {
            vec!["heartbeats".to_owned()]
        } else {
            products
        };
        match kind {
            "subscribe" => {
                for product in &products {
                    if !listed.contains(product) {
                        listed.push(product.clone());
                    }
                }
            }
            "unsubscribe" => listed.retain(|p| !products.contains(p)),
            _ => panic!("unexpected message {message}"),
        }
        if listed.is_empty() {
            state.subscribed.remove(channel);
        }
        Reply {
            frames: vec![Self::subscriptions(&mut state)],
            subscribe: if kind == "subscribe" && channel == "level2" {
                products
            } else {
                Vec::new()
            },
        }
    }

    /// An update of a product subscribed to `level2`; after an unsubscribe Coinbase sends
    /// nothing for it, so the connection's next message (a heartbeat here) takes its place.
    fn update_frame(&self, symbol: &str, update: &Update, _book: &TrueBook) -> String {
        let mut state = self.state.lock().unwrap();
        let clock = Some(update.timestamp_ms);
        let subscribed = state
            .subscribed
            .get("level2")
            .is_some_and(|products| products.iter().any(|p| p == symbol));
        if !subscribed {
            let counter = state.next.to_string();
            return Self::envelope(
                &mut state,
                "heartbeats",
                clock,
                serde_json::json!([{"current_time": "2023-11-14 22:13:20.001 +0000 UTC",
                                    "heartbeat_counter": counter}]),
            );
        }
        // The engine's time of the levels, a millisecond before the message: books must
        // take the envelope's.
        let event_time = rfc3339_ms(update.timestamp_ms - 1);
        Self::envelope(
            &mut state,
            "l2_data",
            clock,
            serde_json::json!([{"type": "update", "product_id": symbol,
                                "updates": levels(&update.changes, &event_time)}]),
        )
    }

    fn snapshot_frame(
        &self,
        symbol: &str,
        book: &TrueBook,
        _last_id: u64,
        timestamp_ms: i64,
    ) -> Option<String> {
        let mut updates = Vec::new();
        for side in [Side::Bid, Side::Ask] {
            for (price, size) in book.top(side, 1000) {
                updates.push(serde_json::json!({"side": side_name(side),
                    "event_time": "1970-01-01T00:00:00Z", "price_level": price,
                    "new_quantity": size}));
            }
        }
        let mut state = self.state.lock().unwrap();
        Some(Self::envelope(
            &mut state,
            "l2_data",
            Some(timestamp_ms),
            serde_json::json!([{"type": "snapshot", "product_id": symbol, "updates": updates}]),
        ))
    }

    fn markets(&self) -> (String, String) {
        ("/api/v3/brokerage/market/products".into(), PRODUCTS.into())
    }
}

fn exchange_symbol(symbol: &feed_core::Symbol) -> String {
    symbol.as_str().to_owned()
}

fn count(received: &[serde_json::Value], expected: &serde_json::Value) -> usize {
    received
        .iter()
        .filter(|message| *message == expected)
        .count()
}

#[test]
fn milliseconds_render_as_rfc3339() {
    assert_eq!(rfc3339_ms(1_700_000_000_001), "2023-11-14T22:13:20.001Z");
    assert_eq!(rfc3339_ms(951_782_400_000), "2000-02-29T00:00:00.000Z");
    assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn books_equal_the_true_book_and_a_lost_message_resyncs_every_book() {
    let script = StreamScript {
        updates: 300,
        faults: vec![(100, Fault::Skip), (220, Fault::Skip)],
        ..StreamScript::default()
    };
    let standin = BookStandIn::start(CoinbaseWire::default(), script)
        .await
        .unwrap();
    let feed = book_feed(
        "coinbase",
        &["BTC-USD", "ETH-USD"],
        vec![Channel::L2Book, Channel::Trades],
        &standin,
        "/",
        5,
    );
    let (delivered, stats) = run_until_finished(&standin, feed).await;

    let received: Vec<serde_json::Value> = standin.received().iter().map(|m| json(m)).collect();
    assert_eq!(
        received[..3],
        [
            serde_json::json!({"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channel":"level2"}),
            serde_json::json!({"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channel":"market_trades"}),
            serde_json::json!({"type":"subscribe","channel":"heartbeats"}),
        ],
        "one subscribe per channel, heartbeats last"
    );

    let truth = standin.truth();
    let checked =
        assert_books_match_truth(&delivered.books, &truth, exchange_symbol, Key::Timestamp, 5);
    assert!(checked > 50, "books were delivered ({checked})");
    assert!(
        delivered.books.iter().all(|book| book.asks.len() == 5),
        "offers are asks"
    );
    assert!(delivered.books.iter().all(|book| book.sequence.is_none()));
    assert_caught_up(&delivered.books, &truth, exchange_symbol, 5);

    // Two faults, each skipping one update of both symbols back to back: each shows as one
    // jump of the connection's numbering, a gap on all four subscriptions.
    assert_eq!(delivered.gaps.len(), 2 * 4, "{:#?}", delivered.gaps);
    for gap in &delivered.gaps {
        assert!(
            gap.reason.starts_with("message sequence: expected "),
            "{}",
            gap.reason
        );
    }
    for symbol in ["BTC-USD", "ETH-USD"] {
        for channel in [Channel::L2Book, Channel::Trades] {
            let gaps = delivered
                .gaps
                .iter()
                .filter(|gap| gap.symbol.as_str() == symbol && gap.channel == channel)
                .count();
            assert_eq!(gaps, 2, "{symbol} {channel}");
        }
    }
    // Every lost message resubscribed every book in one pair of messages (Coinbase allows
    // 8 messages a second): unsubscribe, then subscribe, of level2 for both products.
    let products = ["BTC-USD", "ETH-USD"];
    let unsubscribe =
        serde_json::json!({"type":"unsubscribe","product_ids":products,"channel":"level2"});
    let subscribe =
        serde_json::json!({"type":"subscribe","product_ids":products,"channel":"level2"});
    assert_eq!(count(&received, &unsubscribe), 2, "{received:#?}");
    assert_eq!(
        count(&received, &subscribe),
        1 + 2,
        "the first, and one per lost message"
    );
    for (index, message) in received.iter().enumerate() {
        if *message == unsubscribe {
            assert_eq!(received.get(index + 1), Some(&subscribe));
        }
    }
    assert!(
        !received
            .iter()
            .skip(3)
            .any(|message| message["channel"] == "heartbeats"),
        "a resync does not subscribe to heartbeats again"
    );
    assert_eq!(stats.gaps, 8);
    assert_eq!(stats.rejected, 0);
    assert_eq!(stats.requests, 0, "snapshots come from the stream");
    assert_eq!(stats.parse_errors + stats.exchange_errors, 0);
}

/// The session over the replayed plan (both channels of both markets): the cumulative
/// `subscriptions` message settles what it lists; a product never listed is refused when
/// its time runs out, with the words of the error that came meanwhile.
#[test]
fn subscriptions_acknowledge_what_they_list_and_errors_name_refusals() {
    let mut session = CcxtFeed::replay("coinbase", PRODUCTS)
        .unwrap()
        .new_session()
        .unwrap();
    let mut out = SessionOutput::default();
    session.open(Decimal::ZERO, &mut out);
    let sent: Vec<serde_json::Value> = out
        .actions
        .iter()
        .filter_map(|action| match action {
            Action::Send(message) => Some(json(message)),
            _ => None,
        })
        .collect();
    assert_eq!(sent.len(), 3, "level2, market_trades, heartbeats: {sent:?}");
    assert!(session.awaiting_acknowledgements());
    out.clear();
    for frame in [
        r#"{"channel":"subscriptions","client_id":"","timestamp":"2024-12-20T02:52:29.787710914Z","sequence_num":0,"events":[{"subscriptions":{"level2":["BTC-USD","ETH-USD"]}}]}"#,
        r#"{"type":"error","message":"Unknown product ETH-USD"}"#,
        r#"{"channel":"subscriptions","client_id":"","timestamp":"2024-12-20T02:52:29.8Z","sequence_num":1,"events":[{"subscriptions":{"heartbeats":["heartbeats"],"level2":["BTC-USD","ETH-USD"],"market_trades":["BTC-USD"]}}]}"#,
    ] {
        let _ = session.frame(Frame::Text(frame), Decimal::ONE, &mut out);
    }
    assert!(out.events.is_empty(), "{:?}", out.events);
    assert!(session.awaiting_acknowledgements(), "ETH-USD trades wait");
    session.tick(Decimal::from(10), &mut out);
    let rejected: Vec<(String, Channel, String)> = out
        .events
        .iter()
        .filter_map(|event| match event {
            Event::Rejected(rejected) => Some((
                rejected.symbol.to_string(),
                rejected.channel,
                rejected.reason.clone(),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        rejected,
        vec![(
            "ETH-USD".into(),
            Channel::Trades,
            "Unknown product ETH-USD".into()
        )]
    );
}

/// A "-USDC" twin serves its "-USD" product's book under the "-USD" name: it is not a
/// market, so a book feed for it fails at start naming the product to use.
#[tokio::test]
async fn a_usdc_twin_book_is_refused_at_start() {
    let standin = BookStandIn::start(CoinbaseWire::default(), StreamScript::default())
        .await
        .unwrap();
    let feed = book_feed(
        "coinbase",
        &["BTC-USDC"],
        vec![Channel::L2Book],
        &standin,
        "/",
        5,
    );
    let tls = client_config(&load_ca_file(&standin.cert.ca_file()).unwrap()).unwrap();
    let mut handler = FeedHandler::new()
        .stop_on_ctrl_c(false)
        .with_connector_setup(move |connector| connector.with_tls_config(Arc::clone(&tls)));
    handler.add_feed(feed, Callbacks::new());
    let error = tokio::time::timeout(Duration::from_secs(10), handler.run())
        .await
        .expect("the start fails quickly")
        .expect_err("the feed must not start")
        .to_string();
    assert!(
        error.contains("coinbase has no market BTC-USDC (did you mean ")
            && error.contains("BTC-USD"),
        "{error}"
    );
    assert_eq!(standin.websocket.connection_count(), 0);
}
