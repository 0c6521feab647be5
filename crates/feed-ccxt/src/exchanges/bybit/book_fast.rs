//! The hot path of Bybit `orderbook.<depth>.<symbol>` frames: the documented layout read
//! without serde.
//!
//! Any surprise declines (`None`, nothing left in the output), and [`super::frame`]'s serde
//! path reads the frame instead, reporting whatever is wrong with it; so the fast path never
//! changes what a frame means, only how fast a well-formed one is read. `book_fast_tests`
//! checks that both paths give the same book messages on the fuzz corpus and on generated
//! frames.

use feed_core::book::{BookBatch, BookMessageKind, BookSide};
use feed_core::types::millis_to_seconds;

use super::book::is_book_topic;
use super::trade_fast::type_and_ts;
use crate::adapter::FrameContext;
use crate::parse::fast::book_kind;
use crate::parse::{parse_decimal, JsonCursor};

/// The book message of an `orderbook.<depth>.<symbol>` frame in the documented layout (a
/// delta; a snapshot has `"type":"snapshot"`):
///
/// ```json
/// {"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1687940967466,
///  "data":{"s":"BTCUSDT","b":[["30247.20","30.028"],["30240.00","0"]],
///          "a":[["30248.70","0"],["30249.30","0.892"]],"u":177400507,"seq":66544703342},
///  "cts":1687940967464}
/// ```
///
/// No whitespace and no escapes; the envelope's keys exactly so, `type` and `ts` in either
/// order (the live stream sends `ts` first), `cts` optional; `data` with exactly the keys
/// `s`, `b`, `a`, `u` and `seq` in that order; each level exactly two strings, price and
/// size; `ts`, `u`, `seq` and `cts` JSON integers. As on the serde path, `u` 1 (the service
/// restarted) makes the message a snapshot.
///
/// A [`BookReader`](crate::parse::fast::BookReader): a frame of a market not subscribed, or
/// with a decimal that is not exact, declines too.
pub(super) fn read_book(
    frame: &str,
    context: &FrameContext<'_>,
    books: &mut BookBatch,
) -> Option<()> {
    let mut cursor = JsonCursor::new(frame);
    cursor.expect(r#"{"topic":"#)?;
    if !is_book_topic(cursor.string()?) {
        return None;
    }
    let (kind, ts) = type_and_ts(&mut cursor)?;
    let kind = book_kind(kind, "delta")?;
    let ts: i64 = ts.parse().ok()?;
    cursor.expect(r#","data":{"s":"#)?;
    let symbol = context.markets.symbol(cursor.string()?)?;
    books.start(symbol.clone(), kind);
    cursor.expect(r#","b":"#)?;
    read_levels(&mut cursor, BookSide::Bid, books)?;
    cursor.expect(r#","a":"#)?;
    read_levels(&mut cursor, BookSide::Ask, books)?;
    cursor.expect(r#","u":"#)?;
    let u: u64 = cursor.integer()?.parse().ok()?;
    cursor.expect(r#","seq":"#)?;
    cursor.integer()?;
    cursor.expect("}")?;
    if cursor.expect(r#","cts":"#).is_some() {
        cursor.integer()?;
    }
    cursor.expect("}")?;
    if !cursor.at_end() {
        return None;
    }
    let message = books.current();
    if u == 1 {
        message.kind = BookMessageKind::Snapshot;
    }
    message.last_id = Some(u);
    message.timestamp = Some(millis_to_seconds(ts));
    Some(())
}

fn read_levels(cursor: &mut JsonCursor<'_>, side: BookSide, books: &mut BookBatch) -> Option<()> {
    cursor.string_pairs(|price, size| {
        books.push_level(side, parse_decimal(price)?, parse_decimal(size)?);
        Some(())
    })
}
