//! The hot path of Kraken WebSocket v2 `book` frames: the documented layout read without
//! serde.
//!
//! Any surprise declines (`None`, nothing left in the output), and [`super::frame`]'s serde
//! path reads the frame instead, reporting whatever is wrong with it; so the fast path never
//! changes what a frame means, only how fast a well-formed one is read. `book_fast_tests`
//! checks that both paths give the same book messages on the fuzz corpus and on generated
//! frames.

use feed_core::book::{BookBatch, BookMessageKind, BookSide};

use super::book::at_precision;
use crate::adapter::FrameContext;
use crate::markets::Market;
use crate::parse::fast::book_kind;
use crate::parse::{parse_decimal, rfc3339_to_seconds, JsonCursor};

/// The book messages of a `book` frame in the documented layout (a snapshot; an update has
/// `"type":"update"`):
///
/// ```json
/// {"channel":"book","type":"snapshot","data":[{"symbol":"MATIC/USD",
///   "bids":[{"price":0.5666,"qty":4831.75496356},{"price":0.5665,"qty":6658.22734739}],
///   "asks":[{"price":0.5668,"qty":4410.79769741},{"price":0.5669,"qty":4655.40412487}],
///   "checksum":2439117997,"timestamp":"2023-10-06T17:35:55.440295Z"}]}
/// ```
///
/// No whitespace and no escapes; the envelope's keys exactly so (`channel`, `type`,
/// `data`), each element of `data` with exactly the keys `symbol`, `bids`, `asks`,
/// `checksum` and `timestamp` in that order; each level exactly `{"price":N,"qty":N}` with
/// JSON numbers, read as their text (and padded to the pair's precisions, as the serde path
/// does); `checksum` a whole number of 32 bits, `timestamp` an RFC 3339 time.
///
/// A [`BookReader`](crate::parse::fast::BookReader): an element naming a market not
/// subscribed, a checksum beyond 32 bits or a time that does not read declines the frame
/// too.
pub(super) fn read_frame(
    frame: &str,
    context: &FrameContext<'_>,
    books: &mut BookBatch,
) -> Option<()> {
    let mut cursor = JsonCursor::new(frame);
    cursor.expect(r#"{"channel":"book","type":"#)?;
    let kind = book_kind(cursor.string()?, "update")?;
    cursor.expect(r#","data":"#)?;
    cursor.array(|cursor| read_element(cursor, context, kind, books))?;
    cursor.expect("}")?;
    cursor.at_end().then_some(())
}

/// One element of `data` as one message.
fn read_element(
    cursor: &mut JsonCursor<'_>,
    context: &FrameContext<'_>,
    kind: BookMessageKind,
    books: &mut BookBatch,
) -> Option<()> {
    cursor.expect(r#"{"symbol":"#)?;
    let symbol = context.markets.symbol(cursor.string()?)?;
    let market = context.markets.market(symbol);
    books.start(symbol.clone(), kind);
    cursor.expect(r#","bids":"#)?;
    read_levels(cursor, BookSide::Bid, market, books)?;
    cursor.expect(r#","asks":"#)?;
    read_levels(cursor, BookSide::Ask, market, books)?;
    cursor.expect(r#","checksum":"#)?;
    let checksum: u32 = cursor.integer()?.parse().ok()?;
    cursor.expect(r#","timestamp":"#)?;
    let timestamp = rfc3339_to_seconds(cursor.string()?)?;
    cursor.expect("}")?;
    let message = books.current();
    message.checksum = Some(checksum);
    message.timestamp = Some(timestamp);
    Some(())
}

/// `[{"price":N,"qty":N},...]`, each decimal at the market's precision.
fn read_levels(
    cursor: &mut JsonCursor<'_>,
    side: BookSide,
    market: Option<&Market>,
    books: &mut BookBatch,
) -> Option<()> {
    let (price_precision, size_precision) = market.map_or((None, None), |market| {
        (market.price_precision, market.size_precision)
    });
    cursor.array(|cursor| {
        cursor.expect(r#"{"price":"#)?;
        let price = parse_decimal(cursor.json_number()?)?;
        cursor.expect(r#","qty":"#)?;
        let size = parse_decimal(cursor.json_number()?)?;
        cursor.expect("}")?;
        books.push_level(
            side,
            at_precision(price, price_precision),
            at_precision(size, size_precision),
        );
        Some(())
    })
}
