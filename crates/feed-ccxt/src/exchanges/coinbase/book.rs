//! Coinbase's L2 book: the `level2` channel, whose messages arrive as `l2_data`
//! (<https://docs.cdp.coinbase.com/api-reference/advanced-trade-api/websocket/level2>,
//! <https://docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/websocket/websocket-channels>):
//!
//! 1. Subscribing `level2` for a product starts its messages with a `snapshot` event, the
//!    whole book; `update` events follow. The channel "guarantees delivery of all updates
//!    and is the easiest way to keep a snapshot of the order book."
//! 2. "The `new_quantity` property is the updated size at that price level, not a delta. A
//!    `new_quantity` of "0" indicates the price level can be removed" (compared as a
//!    decimal: `"0.00"` removes too).
//! 3. Events carry no per-product sequence. The envelope's `sequence_num` numbers every
//!    message of the connection; the session checks it (see the module docs), so the book
//!    rule itself is [`SequenceRule::None`] with the snapshot from the stream. A resync
//!    unsubscribes and subscribes the product again, which sends a new snapshot.
//! 4. Sides are `"bid"` and `"offer"`; every message takes the envelope `timestamp` (snapshot
//!    levels carry `event_time: "1970-01-01T00:00:00Z"`).
//!
//! There is no depth parameter: the book is whole, and any `book_depth` is cut from it.

use std::borrow::Cow;

use feed_core::book::{
    BookBatch, BookMessageKind, BookParams, BookRules, BookSide, SequenceRule, SnapshotSource,
};
use feed_core::runtime::FrameError;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::{FrameContext, Subscription};
use crate::markets::Market;
use crate::parse::{decimal, malformed};

/// The channel subscribed to.
pub(super) const LEVEL2: &str = "level2";
/// The channel its messages carry.
pub(super) const L2_DATA: &str = "l2_data";

/// The documented synchronization: the snapshot from the stream, no per-book ids.
pub(super) fn rules() -> BookRules {
    BookRules::new(SequenceRule::None, SnapshotSource::Stream)
}

/// The whole book is streamed: only the delivered depth is chosen.
pub(super) fn params(subscription: &Subscription, _market: Option<&Market>) -> BookParams {
    BookParams::with_depth(subscription.book_depth)
}

/// One event of an `l2_data` message: `{"type":"snapshot","product_id":"BTC-USD",
/// "updates":[...]}`. The updates are read only for subscribed products.
#[derive(Deserialize)]
struct L2Event<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    product_id: Cow<'a, str>,
    #[serde(borrow)]
    updates: &'a RawValue,
}

/// One level: `{"side":"offer","event_time":"2024-10-08T09:10:34.970831Z",
/// "price_level":"62336.65","new_quantity":"0.03021537"}` (`event_time` is not read).
#[derive(Deserialize)]
struct L2Level<'a> {
    #[serde(borrow)]
    side: Cow<'a, str>,
    #[serde(borrow)]
    price_level: Cow<'a, str>,
    #[serde(borrow)]
    new_quantity: Cow<'a, str>,
}

/// The events of an `l2_data` message, each a book message of its product (products not
/// subscribed are skipped), timed by the envelope `timestamp`. The documented snapshot:
///
/// ```json
/// {"channel":"l2_data","client_id":"","timestamp":"2023-02-09T20:32:50.714964855Z",
///  "sequence_num":0,
///  "events":[{"type":"snapshot","product_id":"BTC-USD",
///             "updates":[{"side":"bid","event_time":"1970-01-01T00:00:00Z",
///                         "price_level":"21921.73","new_quantity":"0.06317902"},
///                        {"side":"bid","event_time":"1970-01-01T00:00:00Z",
///                         "price_level":"21921.3","new_quantity":"0.02"}]}]}
/// ```
///
/// and an update as captured (hummingbot's docstring; the docs show none):
///
/// ```json
/// {"channel":"l2_data","client_id":"","timestamp":"2024-10-08T09:10:36.04370306Z",
///  "sequence_num":9,
///  "events":[{"type":"update","product_id":"BTC-USD",
///             "updates":[{"side":"bid","event_time":"2024-10-08T09:10:34.970831Z",
///                         "price_level":"62319.46","new_quantity":"0.00169"},
///                        {"side":"bid","event_time":"2024-10-08T09:10:34.970831Z",
///                         "price_level":"62318.81","new_quantity":"0"},
///                        {"side":"offer","event_time":"2024-10-08T09:10:34.970831Z",
///                         "price_level":"62336.65","new_quantity":"0.03021537"}]}]}
/// ```
///
/// An event type other than `snapshot`/`update`, or a side other than `bid`/`offer`, is
/// malformed: skipping it could leave the book wrong unnoticed, while the dropped frame's
/// missing number resyncs the books.
pub(super) fn push_l2_data(
    events: &RawValue,
    timestamp: Option<Decimal>,
    context: &FrameContext<'_>,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let events: Vec<L2Event<'_>> =
        serde_json::from_str(events.get()).map_err(|error| malformed(&error))?;
    for event in &events {
        let kind = match event.kind.as_ref() {
            "snapshot" => BookMessageKind::Snapshot,
            "update" => BookMessageKind::Delta,
            other => {
                return Err(FrameError::Malformed(format!(
                    "l2_data event type is neither snapshot nor update: {other:?}"
                )))
            }
        };
        let Some(symbol) = context.markets.symbol(&event.product_id) else {
            continue; // a product this feed did not subscribe to
        };
        let levels: Vec<L2Level<'_>> =
            serde_json::from_str(event.updates.get()).map_err(|error| malformed(&error))?;
        books.start(symbol.clone(), kind).timestamp = timestamp;
        for level in &levels {
            let side = match level.side.as_ref() {
                "bid" => BookSide::Bid,
                "offer" => BookSide::Ask,
                other => {
                    return Err(FrameError::Malformed(format!(
                        "side is neither bid nor offer: {other:?}"
                    )))
                }
            };
            books.push_level(
                side,
                decimal(&level.price_level, "price_level")?,
                decimal(&level.new_quantity, "new_quantity")?,
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchanges::coinbase::frame::parse_frame;
    use crate::markets::Market;
    use crate::parsed::ParsedFrame;
    use crate::testing::parse_frame_with;
    use feed_core::book::{OrderBook, SymbolBook};
    use feed_core::Symbol;

    /// The documented snapshot, exactly.
    const DOCUMENTED_SNAPSHOT: &str = r#"{
      "channel": "l2_data",
      "client_id": "",
      "timestamp": "2023-02-09T20:32:50.714964855Z",
      "sequence_num": 0,
      "events": [
        {
          "type": "snapshot",
          "product_id": "BTC-USD",
          "updates": [
            {
              "side": "bid",
              "event_time": "1970-01-01T00:00:00Z",
              "price_level": "21921.73",
              "new_quantity": "0.06317902"
            },
            {
              "side": "bid",
              "event_time": "1970-01-01T00:00:00Z",
              "price_level": "21921.3",
              "new_quantity": "0.02"
            }
          ]
        }
      ]
    }"#;

    /// The captured update, exactly as the notes fixed it.
    const CAPTURED_UPDATE: &str = r#"{
      "channel": "l2_data",
      "client_id": "",
      "timestamp": "2024-10-08T09:10:36.04370306Z",
      "sequence_num": 9,
      "events": [
        {
          "type": "update",
          "product_id": "BTC-USD",
          "updates": [
            {"side": "bid",   "event_time": "2024-10-08T09:10:34.970831Z", "price_level": "62319.46", "new_quantity": "0.00169"},
            {"side": "bid",   "event_time": "2024-10-08T09:10:34.970831Z", "price_level": "62318.81", "new_quantity": "0"},
            {"side": "offer", "event_time": "2024-10-08T09:10:34.970831Z", "price_level": "62336.65", "new_quantity": "0.03021537"}
          ]
        }
      ]
    }"#;

    fn parse(frame: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [
            Market::new("BTC", "USD", "BTC-USD"),
            Market::new("ETH", "USD", "ETH-USD"),
        ];
        parse_frame_with(parse_frame, &markets, "COINBASE", "1676000000.5", frame)
    }

    /// Levels as `(price, size)` text.
    type Texts = Vec<(String, String)>;

    fn text(levels: impl Iterator<Item = (Decimal, Decimal)>) -> Texts {
        levels
            .map(|(price, size)| (price.to_string(), size.to_string()))
            .collect()
    }

    fn sides(book: &OrderBook) -> (Texts, Texts) {
        (
            text(book.bids().map(|level| (level.price, level.size))),
            text(book.asks().map(|level| (level.price, level.size))),
        )
    }

    #[test]
    fn the_documented_snapshot_is_a_snapshot_at_the_envelope_time() {
        let parsed = parse(DOCUMENTED_SNAPSHOT).unwrap();
        assert_eq!(parsed.sequence, Some(0));
        let books = &parsed.books;
        assert_eq!(books.messages.len(), 1);
        let message = &books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Snapshot);
        assert_eq!(message.symbol, Symbol::parse("BTC-USD").unwrap());
        assert_eq!(
            message.timestamp.unwrap().to_string(),
            "1675974770.714964855",
            "the envelope time, not the 1970 event_time"
        );
        assert_eq!((message.first_id, message.last_id), (None, None));
        let levels = books.levels_of(message);
        assert_eq!(
            text(levels.iter().map(|level| (level.price, level.size))),
            vec![
                ("21921.73".into(), "0.06317902".into()),
                ("21921.3".into(), "0.02".into())
            ]
        );
        assert!(levels.iter().all(|level| level.side == BookSide::Bid));
    }

    /// A snapshot with `offer` levels fills the asks (cryptofeed's bug), and the captured
    /// update applied to it sets a bid, deletes one with `"0"`, and sets an ask.
    #[test]
    fn offers_are_asks_and_the_captured_update_applies() {
        let snapshot = r#"{"channel":"l2_data","client_id":"","timestamp":"2024-10-08T09:10:35Z","sequence_num":8,"events":[{"type":"snapshot","product_id":"BTC-USD","updates":[
          {"side":"bid","event_time":"1970-01-01T00:00:00Z","price_level":"62318.81","new_quantity":"0.02"},
          {"side":"offer","event_time":"1970-01-01T00:00:00Z","price_level":"62340.00","new_quantity":"0.06317902"}]}]}"#;
        let rules = rules();
        let mut book = SymbolBook::new(
            Symbol::parse("BTC-USD").unwrap(),
            params(
                &Subscription::new(
                    feed_core::Channel::L2Book,
                    Symbol::parse("BTC-USD").unwrap(),
                    "BTC-USD",
                ),
                None,
            ),
        );
        for frame in [snapshot, CAPTURED_UPDATE] {
            let parsed = parse(frame).unwrap();
            let message = &parsed.books.messages[0];
            book.apply(&rules, message, parsed.books.levels_of(message));
        }
        assert!(book.is_live());
        assert_eq!(
            sides(book.book()),
            (
                vec![("62319.46".into(), "0.00169".into())],
                vec![
                    ("62336.65".into(), "0.03021537".into()),
                    ("62340.00".into(), "0.06317902".into())
                ]
            ),
            "62318.81 deleted by \"0\"; the offers are asks"
        );
        let update = parse(CAPTURED_UPDATE).unwrap();
        assert_eq!(update.sequence, Some(9));
        assert_eq!(update.books.messages[0].kind, BookMessageKind::Delta);
        assert_eq!(
            update.books.messages[0].timestamp.unwrap().to_string(),
            "1728378636.04370306"
        );
    }

    #[test]
    fn every_event_of_a_frame_and_only_subscribed_products() {
        let frame = r#"{"channel":"l2_data","client_id":"","timestamp":"2024-10-08T09:10:36Z","sequence_num":10,"events":[
          {"type":"update","product_id":"SOL-USD","updates":[{"side":"bid","event_time":"2024-10-08T09:10:34Z","price_level":"1","new_quantity":"1"}]},
          {"type":"update","product_id":"ETH-USD","updates":[{"side":"offer","event_time":"2024-10-08T09:10:34Z","price_level":"2500.10","new_quantity":"0.00"}]},
          {"type":"update","product_id":"BTC-USD","updates":[]}]}"#;
        let parsed = parse(frame).unwrap();
        let symbols: Vec<&str> = parsed
            .books
            .messages
            .iter()
            .map(|message| message.symbol.as_str())
            .collect();
        assert_eq!(symbols, ["ETH-USD", "BTC-USD"], "SOL-USD is not subscribed");
        let eth = parsed.books.levels_of(&parsed.books.messages[0]);
        assert_eq!(eth[0].side, BookSide::Ask);
        assert!(eth[0].size.is_zero());
        assert_eq!(eth[0].size.to_string(), "0.00", "the scale is kept");
    }

    #[test]
    fn unknown_sides_types_and_numbers_are_malformed() {
        for (frame, expected) in [
            (
                CAPTURED_UPDATE.replace(r#""offer""#, r#""ask""#),
                "neither bid nor offer",
            ),
            (
                CAPTURED_UPDATE.replace(r#""type": "update""#, r#""type": "delta""#),
                "neither snapshot nor update",
            ),
            (CAPTURED_UPDATE.replace("62319.46", "62x"), "price_level"),
            (CAPTURED_UPDATE.replace("0.00169", ""), "new_quantity"),
            (
                CAPTURED_UPDATE.replace(r#""price_level": "62336.65", "#, ""),
                "price_level",
            ),
            (
                CAPTURED_UPDATE.replace(r#""product_id": "BTC-USD","#, ""),
                "product_id",
            ),
        ] {
            match parse(&frame) {
                Err(FrameError::Malformed(text)) => assert!(text.contains(expected), "{text}"),
                other => panic!("{frame}: {other:?}"),
            }
        }
    }
}
