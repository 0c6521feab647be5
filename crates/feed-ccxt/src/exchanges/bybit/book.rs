//! Bybit's L2 book: the `orderbook.{depth}.{symbol}` topic, a snapshot on the stream then
//! deltas (<https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook>). The
//! synchronization and the reasons for it are in the [module docs](super).

use std::borrow::Cow;

use feed_core::book::{
    BookBatch, BookMessageKind, BookParams, BookRules, BookSide, SequenceRule, SnapshotSource,
};
use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::category::Category;
use crate::adapter::{FrameContext, Subscription};
use crate::parse::{decimal, integer, malformed};

/// The synchronization: deltas continue `u` by one, snapshots come on the stream (a
/// resync unsubscribes and subscribes the topic again), and the book keeps the topic's
/// fixed depth.
pub(super) fn rules() -> BookRules {
    BookRules::new(SequenceRule::Consecutive, SnapshotSource::Stream)
        .truncating()
        .named("u", "u", "u")
}

/// The topic depth for a delivered depth: the smallest the category offers that holds
/// `book_depth` levels, or its largest when none does.
pub(super) fn stream_depth(category: Category, book_depth: usize) -> usize {
    let depths = category.book_depths();
    depths
        .iter()
        .copied()
        .find(|depth| *depth >= book_depth)
        .or_else(|| depths.last().copied())
        .unwrap_or(book_depth)
}

pub(super) fn params(category: Category, subscription: &Subscription) -> BookParams {
    BookParams {
        stream_depth: Some(subscription.chosen_stream_depth(|depth| stream_depth(category, depth))),
        ..BookParams::with_depth(subscription.book_depth)
    }
}

/// The book topic of a subscription (`orderbook.50.BTCUSDT`).
pub(super) fn topic(category: Category, subscription: &Subscription) -> String {
    format!(
        "orderbook.{}.{}",
        subscription.chosen_stream_depth(|depth| stream_depth(category, depth)),
        subscription.exchange_symbol
    )
}

/// True for the topics of this stream (`orderbook.50.BTCUSDT`), not for the other
/// `orderbook.` streams (`orderbook.full.*` needs a REST snapshot, `orderbook.rpi.*`
/// carries RPI orders), which are never subscribed.
pub(super) fn is_book_topic(topic: &str) -> bool {
    topic
        .strip_prefix("orderbook.")
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(depth, _)| !depth.is_empty() && depth.bytes().all(|b| b.is_ascii_digit()))
}

/// A level as sent: `["16493.50", "0.006"]` (price, size; size `"0"` deletes).
type WireLevel<'a> = (Cow<'a, str>, Cow<'a, str>);

/// The `data` of an `orderbook.{depth}.{symbol}` frame. The documented snapshot (the docs
/// elide levels with `...`):
///
/// ```json
/// {"topic":"orderbook.50.BTCUSDT","type":"snapshot","ts":1672304484978,
///  "data":{"s":"BTCUSDT",
///          "b":[...,["16493.50","0.006"],["16493.00","0.100"]],
///          "a":[["16611.00","0.029"],["16612.00","0.213"],...],
///          "u":18521288,"seq":7961638724},
///  "cts":1672304484976}
/// ```
///
/// and the documented delta:
///
/// ```json
/// {"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1687940967466,
///  "data":{"s":"BTCUSDT",
///          "b":[["30247.20","30.028"],["30245.40","0.224"],["30242.10","1.593"],
///               ["30240.30","1.305"],["30240.00","0"]],
///          "a":[["30248.70","0"],["30249.30","0.892"],["30249.50","1.778"],
///               ["30249.60","0"],["30251.90","2.947"],["30252.20","0.659"],
///               ["30252.50","4.591"]],
///          "u":177400507,"seq":66544703342},
///  "cts":1687940967464}
/// ```
///
/// `s` is the symbol, `b`/`a` bids and asks with absolute sizes (a missing key reads as
/// empty), `u` the update id, `seq` a cross sequence (monotonic, not consecutive: not
/// read), `ts` the system's time of the data in milliseconds (read as the book's time),
/// `cts` the matching engine's.
#[derive(Deserialize)]
struct BookData<'a> {
    #[serde(borrow)]
    s: Cow<'a, str>,
    #[serde(borrow, default)]
    b: Vec<WireLevel<'a>>,
    #[serde(borrow, default)]
    a: Vec<WireLevel<'a>>,
    u: u64,
}

/// The parts of a book frame the envelope read.
pub(super) struct BookFrame<'f, 'a> {
    /// `topic`.
    pub topic: &'f str,
    /// `type`: `snapshot` or `delta`.
    pub kind: Option<&'f str>,
    /// `ts`, a JSON number (a note in the docs quotes it; both are read).
    pub ts: Option<&'a RawValue>,
    /// `data`.
    pub data: Option<&'a RawValue>,
}

/// A book frame of a listed market as one message: a snapshot when `type` is `snapshot`
/// or `u` is 1 (the service restarted: "please overwrite your local orderbook"), a delta
/// otherwise. Markets not subscribed are skipped; nothing is left in `books` on error.
pub(super) fn push_book(
    frame: &BookFrame<'_, '_>,
    context: &FrameContext<'_>,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let topic = frame.topic;
    let data = frame
        .data
        .ok_or_else(|| FrameError::Malformed(format!("{topic} without 'data'")))?;
    let book: BookData<'_> = serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    let kind = match frame.kind {
        Some("snapshot") => BookMessageKind::Snapshot,
        Some("delta") => BookMessageKind::Delta,
        other => {
            return Err(FrameError::Malformed(format!(
                "{topic}: type is neither snapshot nor delta: {other:?}"
            )))
        }
    };
    let kind = if book.u == 1 {
        BookMessageKind::Snapshot
    } else {
        kind
    };
    let timestamp = match frame.ts {
        Some(raw) => Some(millis_to_seconds(integer(raw, "ts")?)),
        None => None,
    };
    let Some(symbol) = context.markets.symbol(&book.s) else {
        return Ok(());
    };
    let (messages, levels) = (books.messages.len(), books.levels.len());
    let message = books.start(symbol.clone(), kind);
    message.last_id = Some(book.u);
    message.timestamp = timestamp;
    let pushed = push_levels(books, BookSide::Bid, &book.b)
        .and_then(|()| push_levels(books, BookSide::Ask, &book.a));
    if pushed.is_err() {
        books.messages.truncate(messages);
        books.levels.truncate(levels);
    }
    pushed
}

fn push_levels(
    books: &mut BookBatch,
    side: BookSide,
    levels: &[WireLevel<'_>],
) -> Result<(), FrameError> {
    for (price, size) in levels {
        books.push_level(side, decimal(price, "price")?, decimal(size, "size")?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use feed_core::{Channel, Symbol};
    use rust_decimal::Decimal;

    use super::*;
    use crate::markets::{Market, MarketMap};

    /// The documented snapshot, its `...` elisions removed.
    const DOCUMENTED_SNAPSHOT: &str = r#"{
        "topic": "orderbook.50.BTCUSDT",
        "type": "snapshot",
        "ts": 1672304484978,
        "data": {
            "s": "BTCUSDT",
            "b": [
                ["16493.50", "0.006"],
                ["16493.00", "0.100"]
            ],
            "a": [
                ["16611.00", "0.029"],
                ["16612.00", "0.213"]
            ],
        "u": 18521288,
        "seq": 7961638724
        },
        "cts": 1672304484976
    }"#;

    /// The documented delta (its levels on one line each).
    const DOCUMENTED_DELTA: &str = r#"{
        "topic": "orderbook.50.BTCUSDT",
        "type": "delta",
        "ts": 1687940967466,
        "data": {
            "s": "BTCUSDT",
            "b": [
                ["30247.20", "30.028"],
                ["30245.40", "0.224"],
                ["30242.10", "1.593"],
                ["30240.30", "1.305"],
                ["30240.00", "0"]
            ],
            "a": [
                ["30248.70", "0"],
                ["30249.30", "0.892"],
                ["30249.50", "1.778"],
                ["30249.60", "0"],
                ["30251.90", "2.947"],
                ["30252.20", "0.659"],
                ["30252.50", "4.591"]
            ],
            "u": 177400507,
            "seq": 66544703342
        },
        "cts": 1687940967464
    }"#;

    #[derive(Deserialize)]
    struct Envelope<'a> {
        #[serde(borrow)]
        topic: Cow<'a, str>,
        #[serde(borrow, rename = "type")]
        kind: Option<Cow<'a, str>>,
        #[serde(borrow)]
        ts: Option<&'a RawValue>,
        #[serde(borrow)]
        data: Option<&'a RawValue>,
    }

    fn parse(frame: &str) -> Result<BookBatch, FrameError> {
        let markets = MarketMap::new([Market::new("BTC", "USDT", "BTCUSDT")]);
        let exchange: Arc<str> = "BYBIT".into();
        let context = FrameContext {
            connection: None,
            markets: &markets,
            exchange: &exchange,
            receipt: Decimal::ONE,
        };
        let envelope: Envelope<'_> = serde_json::from_str(frame).unwrap();
        let frame = BookFrame {
            topic: &envelope.topic,
            kind: envelope.kind.as_deref(),
            ts: envelope.ts,
            data: envelope.data,
        };
        let mut books = BookBatch::default();
        push_book(&frame, &context, &mut books)?;
        Ok(books)
    }

    fn levels(books: &BookBatch) -> Vec<(BookSide, String, String)> {
        books
            .levels_of(&books.messages[0])
            .iter()
            .map(|level| (level.side, level.price.to_string(), level.size.to_string()))
            .collect()
    }

    #[test]
    fn documented_snapshot_replaces_the_book_with_its_update_id() {
        let books = parse(DOCUMENTED_SNAPSHOT).unwrap();
        assert_eq!(books.messages.len(), 1);
        let message = &books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Snapshot);
        assert_eq!(message.symbol.as_str(), "BTC-USDT");
        assert_eq!(message.last_id, Some(18_521_288));
        assert_eq!((message.first_id, message.prev_id), (None, None));
        assert_eq!(message.timestamp.unwrap().to_string(), "1672304484.978");
        assert_eq!(
            levels(&books),
            vec![
                (BookSide::Bid, "16493.50".into(), "0.006".into()),
                (BookSide::Bid, "16493.00".into(), "0.100".into()),
                (BookSide::Ask, "16611.00".into(), "0.029".into()),
                (BookSide::Ask, "16612.00".into(), "0.213".into()),
            ]
        );
    }

    #[test]
    fn documented_delta_keeps_sizes_as_sent_and_zero_deletes() {
        let books = parse(DOCUMENTED_DELTA).unwrap();
        let message = &books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Delta);
        assert_eq!(message.last_id, Some(177_400_507));
        assert_eq!(message.timestamp.unwrap().to_string(), "1687940967.466");
        let levels = levels(&books);
        assert_eq!(levels.len(), 12);
        assert_eq!(
            levels[0],
            (BookSide::Bid, "30247.20".into(), "30.028".into())
        );
        assert_eq!(levels[4], (BookSide::Bid, "30240.00".into(), "0".into()));
        assert_eq!(levels[5], (BookSide::Ask, "30248.70".into(), "0".into()));
        assert_eq!(
            levels[11],
            (BookSide::Ask, "30252.50".into(), "4.591".into())
        );
    }

    #[test]
    fn u_of_one_is_a_restart_snapshot_even_in_a_delta() {
        let restart = DOCUMENTED_DELTA.replace("177400507", "1");
        let books = parse(&restart).unwrap();
        assert_eq!(books.messages[0].kind, BookMessageKind::Snapshot);
        assert_eq!(books.messages[0].last_id, Some(1));
        // A delist: `u=1` with both sides empty is an empty book.
        let delist = r#"{"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1,"data":{"s":"BTCUSDT","b":[],"a":[],"u":1,"seq":2}}"#;
        let books = parse(delist).unwrap();
        assert_eq!(books.messages[0].kind, BookMessageKind::Snapshot);
        assert!(books.levels.is_empty());
    }

    #[test]
    fn quoted_ts_missing_sides_and_other_markets() {
        let books = parse(
            r#"{"topic":"orderbook.1.BTCUSDT","ts":"1772694601512","type":"snapshot","data":{"s":"BTCUSDT","b":[["1.0","2"]],"u":5,"seq":9}}"#,
        )
        .unwrap();
        assert_eq!(
            books.messages[0].timestamp.unwrap().to_string(),
            "1772694601.512"
        );
        assert_eq!(levels(&books).len(), 1);
        let other = DOCUMENTED_DELTA.replace("BTCUSDT", "SOLUSDT");
        assert!(parse(&other).unwrap().is_empty(), "not subscribed");
    }

    #[test]
    fn bad_frames_are_malformed_and_leave_nothing() {
        let malformed = |frame: &str| matches!(parse(frame), Err(FrameError::Malformed(_)));
        assert!(malformed(
            &DOCUMENTED_DELTA.replace("\"delta\"", "\"partial\"")
        ));
        assert!(malformed(
            &DOCUMENTED_DELTA.replace("\"u\": 177400507,", "")
        ));
        assert!(malformed(
            &DOCUMENTED_DELTA.replace("\"4.591\"", "\"4.591x\"")
        ));
        assert!(malformed(
            &DOCUMENTED_DELTA.replace("1687940967466", "true")
        ));
        assert!(malformed(
            r#"{"topic":"orderbook.50.BTCUSDT","type":"delta"}"#
        ));
    }

    #[test]
    fn depth_is_the_smallest_topic_that_holds_book_depth() {
        let depth = |book_depth| stream_depth(Category::Spot, book_depth);
        assert_eq!(
            [1, 2, 10, 50, 51, 200, 201, 1000, 5000].map(depth),
            [1, 50, 50, 50, 200, 200, 1000, 1000, 1000]
        );
        let subscription = Subscription {
            book_depth: 100,
            ..Subscription::new(
                Channel::L2Book,
                Symbol::parse("BTC-USDT").unwrap(),
                "BTCUSDT",
            )
        };
        assert_eq!(
            topic(Category::Spot, &subscription),
            "orderbook.200.BTCUSDT"
        );
        let params = params(Category::Spot, &subscription);
        assert_eq!((params.depth, params.stream_depth), (100, Some(200)));
        assert!(rules().truncate_to_stream_depth);
        assert!(is_book_topic("orderbook.50.BTCUSDT"));
        assert!(!is_book_topic("orderbook.full.BTCUSDT"));
        assert!(!is_book_topic("orderbook.rpi.BTCUSDT"));
        assert!(!is_book_topic("orderbook..BTCUSDT"));
    }
}
