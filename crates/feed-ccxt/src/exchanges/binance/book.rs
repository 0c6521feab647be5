//! Binance's L2 book: the diff depth stream `<symbol>@depth@100ms` joined with the REST
//! snapshot `GET /api/v3/depth`, by the documented procedure
//! (<https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#how-to-manage-a-local-order-book-correctly>):
//!
//! 1. Buffer diffs from the moment of subscribing (diffs may come before the ack).
//! 2. Fetch the snapshot; if its `lastUpdateId` is older than the first buffered diff's `U`
//!    minus one, fetch again.
//! 3. Drop buffered diffs with `u <= lastUpdateId`; the first applied has
//!    `U <= lastUpdateId + 1 <= u`; afterwards each diff continues the last (`U <= id + 1`),
//!    diffs with `u <= id` are skipped; `U > id + 1` is a gap: that symbol alone refetches.
//! 4. Quantities are absolute; quantity zero removes the level.
//!
//! Depth choice: the snapshot is asked for 1000 levels (weight 50 of the 6000 per minute
//! per IP) for `book_depth` up to 100, and 5000 (weight 250) beyond. A full snapshot side is
//! only known down to its last level; the book resyncs instead of letting an unseen level
//! surface into the delivered top `book_depth` (see `feed_core::book::BookParams`).
//!
//! The `depthUpdate` and snapshot parsers serve Binance's futures products too
//! (`super::super::binance_futures`), whose diffs add the transaction time `T` after `E` and
//! the previous event's last id `pu` after `u` (COIN-M also the pair `ps` after `s`): they
//! are read when present (`pu` becomes the delta's `prev_id`), and spot frames have none.

use std::borrow::Cow;

use feed_core::book::{
    BookBatch, BookMessageKind, BookParams, BookRules, BookSide, SequenceRule, SnapshotSource,
};
use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use serde::Deserialize;

use crate::adapter::{FrameContext, Subscription};
use crate::markets::Market;
use crate::parse::{decimal, malformed, parse_decimal, JsonCursor};

/// The documented synchronization.
pub(super) fn rules() -> BookRules {
    BookRules::new(SequenceRule::FirstLast, SnapshotSource::Rest).named("U", "u", "pu")
}

/// The REST snapshot size for a delivered depth.
pub(super) fn snapshot_limit(book_depth: usize) -> usize {
    if book_depth <= 100 {
        1000
    } else {
        5000
    }
}

pub(super) fn params(subscription: &Subscription, _market: Option<&Market>) -> BookParams {
    params_with_limit(subscription, snapshot_limit(subscription.book_depth))
}

/// The book of `book_depth` levels over REST snapshots of `limit` levels.
pub(crate) fn params_with_limit(subscription: &Subscription, limit: usize) -> BookParams {
    BookParams {
        snapshot_depth: Some(limit),
        ..BookParams::with_depth(subscription.book_depth)
    }
}

pub(super) fn snapshot_url(rest_base: &str, subscription: &Subscription) -> String {
    depth_url(
        rest_base,
        "/api/v3/depth",
        subscription,
        snapshot_limit(subscription.book_depth),
    )
}

/// The snapshot request `path?symbol=..&limit=..` (USD-M: `/fapi/v1/depth`).
pub(crate) fn depth_url(
    rest_base: &str,
    path: &str,
    subscription: &Subscription,
    limit: usize,
) -> String {
    format!(
        "{rest_base}{path}?symbol={}&limit={limit}",
        subscription.exchange_symbol
    )
}

/// A level as sent: `["0.0024", "10"]` (price, quantity).
type WireLevel<'a> = (Cow<'a, str>, Cow<'a, str>);

/// The diff depth event, as documented:
///
/// ```json
/// {"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":157,"u":160,
///  "b":[["0.0024","10"]],"a":[["0.0026","100"]]}
/// ```
///
/// `U`/`u` are the first and last update ids of the event; `b`/`a` the changed bids and
/// asks with absolute quantities; `E` the event time in milliseconds.
#[derive(Deserialize)]
struct DepthUpdate<'a> {
    #[serde(rename = "E")]
    event_time: Option<i64>,
    #[serde(borrow)]
    s: Cow<'a, str>,
    #[serde(rename = "U")]
    first: u64,
    u: u64,
    /// USD-M futures only: the previous event's `u`.
    pu: Option<u64>,
    #[serde(borrow, default)]
    b: Vec<WireLevel<'a>>,
    #[serde(borrow, default)]
    a: Vec<WireLevel<'a>>,
}

/// The REST snapshot, as documented (`GET /api/v3/depth?symbol=BNBBTC&limit=1000`):
///
/// ```json
/// {"lastUpdateId":1027024,"bids":[["4.00000000","431.00000000"]],
///  "asks":[["4.00000200","12.00000000"]]}
/// ```
#[derive(Deserialize)]
struct DepthSnapshot<'a> {
    #[serde(rename = "lastUpdateId")]
    last_update_id: u64,
    #[serde(borrow)]
    bids: Vec<WireLevel<'a>>,
    #[serde(borrow)]
    asks: Vec<WireLevel<'a>>,
}

fn push_levels(
    batch: &mut BookBatch,
    side: BookSide,
    levels: &[WireLevel<'_>],
) -> Result<(), FrameError> {
    for (price, quantity) in levels {
        batch.push_level(
            side,
            decimal(price, "price")?,
            decimal(quantity, "quantity")?,
        );
    }
    Ok(())
}

/// The hot path: a raw `depthUpdate` exactly in the documented layout (key order as
/// documented, no whitespace or escapes; the futures' `T` and `pu` and COIN-M's `ps` where
/// that layout has them)
/// read without serde or allocation. `None` for any other text (nothing is left in `books`
/// then), which serde reads; both give the same delta.
pub(crate) fn fast_depth_update(
    frame: &str,
    context: &FrameContext<'_>,
    books: &mut BookBatch,
) -> Option<Result<(), FrameError>> {
    let mut cursor = JsonCursor::new(frame);
    cursor.expect(r#"{"e":"depthUpdate","E":"#)?;
    let event_time: i64 = cursor.number()?.parse().ok()?;
    if cursor.expect(r#","T":"#).is_some() {
        cursor.number()?;
    }
    cursor.expect(r#","s":"#)?;
    let symbol = cursor.string()?;
    if cursor.expect(r#","ps":"#).is_some() {
        cursor.string()?; // COIN-M's pair
    }
    cursor.expect(r#","U":"#)?;
    let first: u64 = cursor.number()?.parse().ok()?;
    cursor.expect(r#","u":"#)?;
    let last: u64 = cursor.number()?.parse().ok()?;
    let prev: Option<u64> = match cursor.expect(r#","pu":"#) {
        Some(()) => Some(cursor.number()?.parse().ok()?),
        None => None,
    };
    let Some(symbol) = context.markets.symbol(symbol) else {
        return Some(Ok(())); // a market this feed did not subscribe to
    };
    let mark = books.mark();
    let message = books.start(symbol.clone(), BookMessageKind::Delta);
    message.first_id = Some(first);
    message.last_id = Some(last);
    message.prev_id = prev;
    message.timestamp = Some(millis_to_seconds(event_time));
    let mut bad_number = None;
    let read = (|| {
        for (key, side) in [(r#","b":"#, BookSide::Bid), (r#","a":"#, BookSide::Ask)] {
            cursor.expect(key)?;
            cursor.string_pairs(|price, quantity| {
                match (parse_decimal(price), parse_decimal(quantity)) {
                    (Some(price), Some(quantity)) => books.push_level(side, price, quantity),
                    _ => {
                        bad_number = Some(format!(
                            "price or quantity is not a decimal: {price:?}, {quantity:?}"
                        ))
                    }
                }
                Some(())
            })?;
        }
        cursor.expect("}")?;
        cursor.at_end().then_some(())
    })();
    if read.is_none() {
        books.rollback(mark);
        return None;
    }
    if let Some(reason) = bad_number {
        books.rollback(mark);
        return Some(Err(FrameError::Malformed(reason)));
    }
    Some(Ok(()))
}

/// A `depthUpdate` frame of a listed market as one delta (others are skipped).
pub(crate) fn push_depth_update(
    frame: &str,
    context: &FrameContext<'_>,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    if let Some(outcome) = fast_depth_update(frame, context, books) {
        return outcome;
    }
    let update: DepthUpdate<'_> = serde_json::from_str(frame).map_err(|error| malformed(&error))?;
    let Some(symbol) = context.markets.symbol(&update.s) else {
        return Ok(());
    };
    let message = books.start(symbol.clone(), BookMessageKind::Delta);
    message.first_id = Some(update.first);
    message.last_id = Some(update.u);
    message.prev_id = update.pu;
    message.timestamp = update.event_time.map(millis_to_seconds);
    push_levels(books, BookSide::Bid, &update.b)?;
    push_levels(books, BookSide::Ask, &update.a)
}

/// The REST snapshot body as one snapshot message (USD-M's extra `E` and `T` are ignored).
pub(crate) fn parse_snapshot(
    body: &str,
    subscription: &Subscription,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let snapshot: DepthSnapshot<'_> =
        serde_json::from_str(body).map_err(|error| malformed(&error))?;
    books
        .start(subscription.symbol.clone(), BookMessageKind::Snapshot)
        .last_id = Some(snapshot.last_update_id);
    push_levels(books, BookSide::Bid, &snapshot.bids)?;
    push_levels(books, BookSide::Ask, &snapshot.asks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markets::{Market, MarketMap};
    use feed_core::{Channel, Symbol};
    use std::sync::Arc;

    #[test]
    fn documented_depth_update_becomes_a_delta_with_its_ids() {
        let markets = MarketMap::new([Market::new("BNB", "BTC", "BNBBTC")]);
        let exchange: Arc<str> = "BINANCE".into();
        let context = FrameContext {
            connection: None,
            markets: &markets,
            exchange: &exchange,
            receipt: rust_decimal::Decimal::ONE,
        };
        let mut books = BookBatch::default();
        push_depth_update(
            r#"{"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":157,"u":160,"b":[["0.0024","10"]],"a":[["0.0026","100"]]}"#,
            &context,
            &mut books,
        )
        .unwrap();
        let message = &books.messages[0];
        assert_eq!((message.first_id, message.last_id), (Some(157), Some(160)));
        assert_eq!(message.kind, BookMessageKind::Delta);
        assert_eq!(message.timestamp.unwrap().to_string(), "1672515782.136");
        let levels = books.levels_of(message);
        assert_eq!(levels.len(), 2);
        assert_eq!(
            (
                levels[0].side,
                levels[0].price.to_string(),
                levels[0].size.to_string()
            ),
            (BookSide::Bid, "0.0024".into(), "10".into())
        );
        assert_eq!(levels[1].side, BookSide::Ask);
        books.clear();
        push_depth_update(
            r#"{"e":"depthUpdate","E":1,"s":"ETHBTC","U":1,"u":2,"b":[],"a":[]}"#,
            &context,
            &mut books,
        )
        .unwrap();
        assert!(books.is_empty(), "a market not subscribed");
        assert!(push_depth_update(
            r#"{"e":"depthUpdate","E":1,"s":"BNBBTC","U":1,"u":2,"b":[["x","1"]],"a":[]}"#,
            &context,
            &mut books
        )
        .is_err());
    }

    #[test]
    fn the_fast_path_and_the_serde_path_agree() {
        let markets = MarketMap::new([Market::new("BNB", "BTC", "BNBBTC")]);
        let exchange: Arc<str> = "BINANCE".into();
        let context = FrameContext {
            connection: None,
            markets: &markets,
            exchange: &exchange,
            receipt: rust_decimal::Decimal::ONE,
        };
        let raw = r#"{"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":157,"u":160,"b":[["0.0024","10"],["0.0023","0.000"]],"a":[]}"#;
        let spaced = raw.replace(",", ", ");
        let parse = |frame: &str| {
            let mut books = BookBatch::default();
            push_depth_update(frame, &context, &mut books).map(|()| books)
        };
        let mut fast = BookBatch::default();
        assert!(
            fast_depth_update(raw, &context, &mut fast).is_some(),
            "the documented layout is the hot path"
        );
        assert!(fast_depth_update(&spaced, &context, &mut BookBatch::default()).is_none());
        let slow = parse(&spaced).unwrap();
        assert_eq!(fast.messages, slow.messages);
        assert_eq!(fast.levels, slow.levels);
        let mut untouched = BookBatch::default();
        let bad = raw.replace("\"10\"", "\"1x\"");
        assert!(matches!(
            fast_depth_update(&bad, &context, &mut untouched),
            Some(Err(FrameError::Malformed(_)))
        ));
        assert!(untouched.is_empty(), "a failed frame leaves nothing");
        let coin_m = raw.replace(r#""s":"BNBBTC","#, r#""s":"BNBBTC","ps":"BNBBTC","#);
        let mut with_pair = BookBatch::default();
        assert!(
            fast_depth_update(&coin_m, &context, &mut with_pair).is_some(),
            "COIN-M's pair is read on the hot path"
        );
        assert_eq!(with_pair.messages, slow.messages);
        assert_eq!(with_pair.levels, slow.levels);
        let truncated = &raw[..raw.len() - 5];
        assert!(fast_depth_update(truncated, &context, &mut untouched).is_none());
        assert!(untouched.is_empty());
        assert!(parse(truncated).is_err());
    }

    #[test]
    fn documented_snapshot_and_the_request_for_it() {
        let subscription =
            Subscription::new(Channel::L2Book, Symbol::parse("BNB-BTC").unwrap(), "BNBBTC");
        let mut books = BookBatch::default();
        parse_snapshot(
            r#"{"lastUpdateId":1027024,"bids":[["4.00000000","431.00000000"]],"asks":[["4.00000200","12.00000000"]]}"#,
            &subscription,
            &mut books,
        )
        .unwrap();
        assert_eq!(books.messages[0].last_id, Some(1_027_024));
        assert_eq!(
            books.levels_of(&books.messages[0])[0].size.to_string(),
            "431.00000000"
        );
        assert_eq!(
            snapshot_url("https://api.binance.com", &subscription),
            "https://api.binance.com/api/v3/depth?symbol=BNBBTC&limit=1000"
        );
        assert_eq!(snapshot_limit(101), 5000);
        assert!(parse_snapshot(
            r#"{"code":-1121,"msg":"Invalid symbol."}"#,
            &subscription,
            &mut books
        )
        .is_err());
    }
}
