//! The hot path of OKX `books` pushes: the documented layout read without serde.
//!
//! Any surprise declines (`None`, nothing left in the output), and [`super::frame`]'s serde
//! path reads the frame instead, reporting whatever is wrong with it; so the fast path never
//! changes what a frame means, only how fast a well-formed one is read. `book_fast_tests`
//! checks that both paths give the same book messages on the fuzz corpus and on generated
//! pushes.

use feed_core::book::{BookBatch, BookMessageKind, BookSide};
use feed_core::types::millis_to_seconds;
use feed_core::Symbol;

use super::book::{checksum_of, previous_of, sequence_of};
use crate::adapter::FrameContext;
use crate::parse::fast::book_kind;
use crate::parse::{parse_decimal, JsonCursor};

/// The book messages of a `books` push in the documented layout (the snapshot; an update
/// has `"action":"update"` and a `prevSeqId` that is not `-1`):
///
/// ```json
/// {"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot",
///  "data":[{"asks":[["8476.98","415","0","13"],["8477","7","0","2"]],
///           "bids":[["8476.97","256","0","12"],["8475.55","101","0","1"]],
///           "ts":"1597026383085","checksum":0,"prevSeqId":-1,"seqId":123456}]}
/// ```
///
/// No whitespace and no escapes; the envelope's keys exactly so (`arg`, `action`, `data`),
/// each element of `data` with exactly the keys `asks`, `bids`, `ts`, `checksum`,
/// `prevSeqId` and `seqId` in that order; each level an array of strings whose first two
/// are price and size; `ts` a string of milliseconds, the others JSON integers. `data` may
/// hold several messages, kept in order; each message's bids come before its asks, as the
/// serde path pushes them.
///
/// A [`BookReader`](crate::parse::fast::BookReader): a push of a market not subscribed, an
/// inexact decimal, a negative `seqId` or a checksum beyond 32 bits declines too.
pub(super) fn read_push(
    frame: &str,
    context: &FrameContext<'_>,
    books: &mut BookBatch,
) -> Option<()> {
    let mut cursor = JsonCursor::new(frame);
    cursor.expect(r#"{"arg":{"channel":"books","instId":"#)?;
    let symbol = context.markets.symbol(cursor.string()?)?;
    cursor.expect(r#"},"action":"#)?;
    let kind = book_kind(cursor.string()?, "update")?;
    cursor.expect(r#","data":"#)?;
    cursor.array(|cursor| read_entry(cursor, symbol, kind, books))?;
    cursor.expect("}")?;
    cursor.at_end().then_some(())
}

/// One element of `data` as one message.
fn read_entry(
    cursor: &mut JsonCursor<'_>,
    symbol: &Symbol,
    kind: BookMessageKind,
    books: &mut BookBatch,
) -> Option<()> {
    let start = books.levels.len();
    books.start(symbol.clone(), kind);
    cursor.expect(r#"{"asks":"#)?;
    read_levels(cursor, BookSide::Ask, books)?;
    let asks = books.levels.len() - start;
    cursor.expect(r#","bids":"#)?;
    read_levels(cursor, BookSide::Bid, books)?;
    // The serde path pushes the bids first.
    books.levels[start..].rotate_left(asks);
    cursor.expect(r#","ts":"#)?;
    let ts: i64 = cursor.string()?.parse().ok()?;
    cursor.expect(r#","checksum":"#)?;
    let checksum = checksum_of(json_integer(cursor)?).ok()?;
    cursor.expect(r#","prevSeqId":"#)?;
    let prev_id = previous_of(json_integer(cursor)?).ok()?;
    cursor.expect(r#","seqId":"#)?;
    let seq_id = sequence_of(json_integer(cursor)?, "seqId").ok()?;
    cursor.expect("}")?;
    let message = books.current();
    message.last_id = Some(seq_id);
    message.prev_id = prev_id;
    message.checksum = checksum;
    message.timestamp = Some(millis_to_seconds(ts));
    Some(())
}

/// A JSON integer that fits an `i64`.
fn json_integer(cursor: &mut JsonCursor<'_>) -> Option<i64> {
    cursor.integer()?.parse().ok()
}

fn read_levels(cursor: &mut JsonCursor<'_>, side: BookSide, books: &mut BookBatch) -> Option<()> {
    cursor.string_levels(|price, size| {
        books.push_level(side, parse_decimal(price)?, parse_decimal(size)?);
        Some(())
    })
}
