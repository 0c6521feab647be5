//! HTX's L2 book: `market.$symbol.mbp.$levels` increments aligned with the refresh image
//! that a `req` of the same topic returns on the same connection
//! (<https://huobiapi.github.io/docs/spot/v1/en/#market-by-price-incremental-update>):
//!
//! 1. Subscribe to the increments, then request the refresh image (`req`).
//! 2. The image's `seqNum` equals the `prevSeqNum` of an increment: from that one on, each
//!    increment's `prevSeqNum` is the previous one's `seqNum`; a mismatch means a lost
//!    message, and that symbol alone is resubscribed and refreshed (`unsub`, `sub`, `req`).
//! 3. A size of 0 removes the level; other sizes replace it; all levels of one increment
//!    apply together.
//!
//! This is [`SequenceRule::PreviousLast`] with the snapshot from the stream (the image is an
//! answer on the connection, not a REST call). Increments that arrive before the image are
//! dropped: the image is produced when asked, so the increments after it continue it.
//!
//! Depth choice: the channel has 5, 20, 150 and 400 levels, the refresh 5, 20 and 150; the
//! smallest of 5, 20, 150 that holds `book_depth` is subscribed (400 has no refresh, so
//! `book_depth` above 150 is capped at 150). The stream keeps that many levels: a level
//! pushed out of them is removed by the increments, and the book is kept to that depth.

use feed_core::book::{
    BookBatch, BookMessageKind, BookParams, BookRules, BookSide, SequenceRule, SnapshotSource,
};
use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::Symbol;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::Subscription;
use crate::parse::{decimal, integer, malformed};

/// The refreshable depths.
const LEVELS: [usize; 3] = [5, 20, 150];

/// The documented synchronization.
pub(super) fn rules() -> BookRules {
    BookRules::new(SequenceRule::PreviousLast, SnapshotSource::Stream)
        .truncating()
        .named("prevSeqNum", "seqNum", "prevSeqNum")
}

/// The stream depth for a subscription: the one given, else the smallest of 5/20/150 that
/// holds `book_depth` (150 beyond).
pub(super) fn levels(subscription: &Subscription) -> usize {
    subscription.chosen_stream_depth(|depth| {
        LEVELS
            .into_iter()
            .find(|levels| *levels >= depth)
            .unwrap_or(150)
    })
}

pub(super) fn params(subscription: &Subscription) -> BookParams {
    let levels = levels(subscription);
    BookParams {
        stream_depth: Some(levels),
        ..BookParams::with_depth(subscription.book_depth.min(levels))
    }
}

/// A level as sent: `[645.14, 26.755973959140651643]` (JSON numbers, read as text).
type WireLevel<'a> = (&'a RawValue, &'a RawValue);

/// The `tick` of an increment, as documented:
///
/// ```json
/// {"ch":"market.btcusdt.mbp.150","ts":1573199608679,
///  "tick":{"seqNum":100020146795,"prevSeqNum":100020146794,
///          "asks":[[645.140000000000000000,26.755973959140651643]]}}
/// ```
///
/// A side without changes is absent (or an empty list).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Increment<'a> {
    seq_num: u64,
    prev_seq_num: u64,
    #[serde(borrow, default)]
    bids: Option<Vec<WireLevel<'a>>>,
    #[serde(borrow, default)]
    asks: Option<Vec<WireLevel<'a>>>,
}

/// The `data` of a refresh answer, as documented:
///
/// ```json
/// {"id":"id2","rep":"market.btcusdt.mbp.150","status":"ok",
///  "data":{"seqNum":100020142010,"bids":[[618.37,71.594],[423.33,77.726]],
///          "asks":[[6866.36,47.184],[7126.99,54.281]]}}
/// ```
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Refresh<'a> {
    seq_num: u64,
    #[serde(borrow, default)]
    bids: Vec<WireLevel<'a>>,
    #[serde(borrow, default)]
    asks: Vec<WireLevel<'a>>,
}

fn number(raw: &RawValue, field: &str) -> Result<Decimal, FrameError> {
    decimal(raw.get().trim_matches('"'), field)
}

fn read_levels(
    side: BookSide,
    levels: &[WireLevel<'_>],
    out: &mut Vec<(BookSide, Decimal, Decimal)>,
) -> Result<(), FrameError> {
    for (price, size) in levels {
        out.push((side, number(price, "price")?, number(size, "size")?));
    }
    Ok(())
}

fn push(
    books: &mut BookBatch,
    symbol: &Symbol,
    kind: BookMessageKind,
    ids: (Option<u64>, u64),
    timestamp: Option<&RawValue>,
    levels: Vec<(BookSide, Decimal, Decimal)>,
) -> Result<(), FrameError> {
    let timestamp = match timestamp {
        Some(raw) => Some(millis_to_seconds(integer(raw, "ts")?)),
        None => None,
    };
    let message = books.start(symbol.clone(), kind);
    message.first_id = ids.0;
    message.prev_id = ids.0;
    message.last_id = Some(ids.1);
    message.timestamp = timestamp;
    for (side, price, size) in levels {
        books.push_level(side, price, size);
    }
    Ok(())
}

/// An increment's `tick` as one delta (`prev_id` its `prevSeqNum`, `last_id` its `seqNum`).
pub(super) fn push_increment(
    symbol: &Symbol,
    tick: &RawValue,
    timestamp: Option<&RawValue>,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let increment: Increment<'_> = serde_json::from_str(tick.get()).map_err(|e| malformed(&e))?;
    let mut levels = Vec::new();
    read_levels(
        BookSide::Bid,
        increment.bids.as_deref().unwrap_or(&[]),
        &mut levels,
    )?;
    read_levels(
        BookSide::Ask,
        increment.asks.as_deref().unwrap_or(&[]),
        &mut levels,
    )?;
    push(
        books,
        symbol,
        BookMessageKind::Delta,
        (Some(increment.prev_seq_num), increment.seq_num),
        timestamp,
        levels,
    )
}

/// A refresh answer's `data` as one snapshot (`last_id` its `seqNum`).
pub(super) fn push_refresh(
    symbol: &Symbol,
    data: &RawValue,
    timestamp: Option<&RawValue>,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let refresh: Refresh<'_> = serde_json::from_str(data.get()).map_err(|e| malformed(&e))?;
    let mut levels = Vec::with_capacity(refresh.bids.len() + refresh.asks.len());
    read_levels(BookSide::Bid, &refresh.bids, &mut levels)?;
    read_levels(BookSide::Ask, &refresh.asks, &mut levels)?;
    push(
        books,
        symbol,
        BookMessageKind::Snapshot,
        (None, refresh.seq_num),
        timestamp,
        levels,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchanges::htx::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;
    use feed_core::Channel;

    fn parse(frame: &str) -> Result<BookBatch, FrameError> {
        let markets = [Market::new("BTC", "USDT", "btcusdt")];
        parse_frame_with(parse_frame, &markets, "HTX", "1", frame).map(|p| p.books)
    }

    #[test]
    fn documented_increment_becomes_a_delta_with_exact_numbers() {
        let books = parse(r#"{"ch":"market.btcusdt.mbp.150","ts":1573199608679,"tick":{"seqNum":100020146795,"prevSeqNum":100020146794,"asks":[[645.140000000000000000,26.755973959140651643]]}}"#).unwrap();
        let message = &books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Delta);
        assert_eq!(message.prev_id, Some(100_020_146_794));
        assert_eq!(message.last_id, Some(100_020_146_795));
        assert_eq!(message.timestamp.unwrap().to_string(), "1573199608.679");
        let level = &books.levels_of(message)[0];
        assert_eq!(level.side, BookSide::Ask);
        assert_eq!(level.price.to_string(), "645.140000000000000000");
        assert_eq!(level.size.to_string(), "26.755973959140651643");
        assert!(parse(
            r#"{"ch":"market.ethusdt.mbp.150","ts":1,"tick":{"seqNum":2,"prevSeqNum":1}}"#
        )
        .unwrap()
        .is_empty());
    }

    #[test]
    fn documented_refresh_becomes_a_snapshot() {
        let books = parse(r#"{"id":"id2","rep":"market.btcusdt.mbp.150","status":"ok","data":{"seqNum":100020142010,"bids":[[618.37,71.594],[423.33,77.726]],"asks":[[6866.36,47.184],[7126.99,54.281]]}}"#).unwrap();
        let message = &books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Snapshot);
        assert_eq!(message.last_id, Some(100_020_142_010));
        let levels = books.levels_of(message);
        assert_eq!(levels.len(), 4);
        assert_eq!(
            (
                levels[0].side,
                levels[0].price.to_string(),
                levels[0].size.to_string()
            ),
            (BookSide::Bid, "618.37".into(), "71.594".into())
        );
        assert_eq!(levels[3].side, BookSide::Ask);
    }

    #[test]
    fn levels_follow_book_depth_and_refreshable_depths() {
        let symbol = Symbol::parse("BTC-USDT").unwrap();
        let with_depth = |book_depth| Subscription {
            book_depth,
            ..Subscription::new(Channel::L2Book, symbol.clone(), "btcusdt")
        };
        assert_eq!(levels(&with_depth(5)), 5);
        assert_eq!(levels(&with_depth(10)), 20);
        assert_eq!(levels(&with_depth(100)), 150);
        assert_eq!(levels(&with_depth(500)), 150);
        assert_eq!(params(&with_depth(500)).depth, 150);
        assert_eq!(params(&with_depth(10)).stream_depth, Some(20));
    }
}
