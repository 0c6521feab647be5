//! Deribit's L2 book: `book.{instrument_name}.{interval}`
//! (<https://docs.deribit.com/subscriptions/orderbook/bookinstrument_nameinterval>).
//!
//! - The first notification after subscribing is `"type": "snapshot"`, the full book,
//!   with a `change_id`; it replaces the book.
//! - Every later one is `"type": "change"` with `prev_change_id`: "If `prev_change_id`
//!   equals the `change_id` of the previous message, it indicates that no messages were
//!   missed" ([`SequenceRule::PreviousLast`]). Anything else is a gap: the instrument's
//!   book alone is unsubscribed and subscribed again, which makes Deribit send a new
//!   snapshot ([`SnapshotSource::Stream`]).
//! - Entries are `[action, price, amount]`, `action` one of `new`, `change`, `delete`;
//!   `delete` removes the level whatever its amount (sent as `0`), the others set it.
//! - No checksum is documented.
//! - The channel streams the whole book: nothing is truncated, the session delivers the
//!   top `book_depth` levels.

use std::borrow::Cow;

use feed_core::book::{
    BookBatch, BookMessageKind, BookParams, BookRules, BookSide, SequenceRule, SnapshotSource,
};
use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::{FrameContext, Subscription};
use crate::parse::{decimal, integer, malformed, scalar_text};

/// The documented synchronization.
pub(super) fn rules() -> BookRules {
    BookRules::new(SequenceRule::PreviousLast, SnapshotSource::Stream).named(
        "change_id",
        "change_id",
        "prev_change_id",
    )
}

/// The full book streams: `book_depth` levels are delivered.
pub(super) fn params(subscription: &Subscription) -> BookParams {
    BookParams::with_depth(subscription.book_depth)
}

/// The `data` of a `book` notification, as documented (the snapshot; a change has
/// `"type":"change"` and `"prev_change_id":297217`, and actions `new`, `change`,
/// `delete`):
///
/// ```json
/// {"jsonrpc":"2.0","method":"subscription","params":{"channel":"book.BTC-PERPETUAL.100ms",
///  "data":{"type":"snapshot","timestamp":1554373962454,"instrument_name":"BTC-PERPETUAL",
///   "change_id":297217,
///   "bids":[["new",5042.34,30],["new",5041.94,20]],
///   "asks":[["new",5042.64,40],["new",5043.3,40]]}}}
/// ```
///
/// and the documented change that follows it:
///
/// ```json
/// {"jsonrpc":"2.0","method":"subscription","params":{"channel":"book.BTC-PERPETUAL.100ms",
///  "data":{"type":"change","timestamp":1554373911330,"prev_change_id":297217,
///   "instrument_name":"BTC-PERPETUAL","change_id":297218,
///   "bids":[["delete",5041.94,0],["delete",5042.34,0]],"asks":[]}}}
/// ```
///
/// Prices and amounts are JSON numbers, read as their exact text; `timestamp` is in
/// milliseconds.
#[derive(Deserialize)]
struct WireBook<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    instrument_name: Cow<'a, str>,
    #[serde(borrow)]
    timestamp: &'a RawValue,
    change_id: u64,
    prev_change_id: Option<u64>,
    #[serde(borrow)]
    bids: Vec<(Cow<'a, str>, &'a RawValue, &'a RawValue)>,
    #[serde(borrow)]
    asks: Vec<(Cow<'a, str>, &'a RawValue, &'a RawValue)>,
}

/// A `book` notification of a listed instrument as a book message; others are skipped.
/// On an error nothing of it is kept.
pub(super) fn push_book(
    data: &RawValue,
    context: &FrameContext<'_>,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let book: WireBook<'_> = serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    let Some(symbol) = context.markets.symbol(&book.instrument_name) else {
        return Ok(());
    };
    let kind = match book.kind.as_deref() {
        Some("snapshot") => BookMessageKind::Snapshot,
        Some("change") => BookMessageKind::Delta,
        other => {
            return Err(FrameError::Malformed(format!(
                "a book notification whose type is neither snapshot nor change: {other:?}"
            )))
        }
    };
    if kind == BookMessageKind::Delta && book.prev_change_id.is_none() {
        return Err(FrameError::Malformed(
            "a book change without 'prev_change_id'".into(),
        ));
    }
    let timestamp = millis_to_seconds(integer(book.timestamp, "timestamp")?);
    let (messages, levels) = (books.messages.len(), books.levels.len());
    let message = books.start(symbol.clone(), kind);
    message.last_id = Some(book.change_id);
    message.prev_id = book.prev_change_id;
    message.timestamp = Some(timestamp);
    let pushed = push_levels(books, BookSide::Bid, &book.bids)
        .and_then(|()| push_levels(books, BookSide::Ask, &book.asks));
    if pushed.is_err() {
        books.messages.truncate(messages);
        books.levels.truncate(levels);
    }
    pushed
}

fn push_levels(
    books: &mut BookBatch,
    side: BookSide,
    entries: &[(Cow<'_, str>, &RawValue, &RawValue)],
) -> Result<(), FrameError> {
    for (action, price, amount) in entries {
        let price = decimal(&scalar_text(price, "price")?, "price")?;
        let size = match action.as_ref() {
            "delete" => Decimal::ZERO,
            "new" | "change" => decimal(&scalar_text(amount, "amount")?, "amount")?,
            other => {
                return Err(FrameError::Malformed(format!(
                    "a book action that is not new, change or delete: {other:?}"
                )))
            }
        };
        books.push_level(side, price, size);
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::exchanges::deribit::frame::parse_frame;
    use crate::exchanges::deribit::tests::markets;
    use crate::testing::parse_frame_with;

    /// The documented snapshot.
    pub(crate) const DOCUMENTED_SNAPSHOT: &str = r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"book.BTC-PERPETUAL.100ms","data":{"type":"snapshot","timestamp":1554373962454,"instrument_name":"BTC-PERPETUAL","change_id":297217,"bids":[["new",5042.34,30],["new",5041.94,20]],"asks":[["new",5042.64,40],["new",5043.3,40]]}}}"#;
    /// The documented change.
    pub(crate) const DOCUMENTED_CHANGE: &str = r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"book.BTC-PERPETUAL.100ms","data":{"type":"change","timestamp":1554373911330,"prev_change_id":297217,"instrument_name":"BTC-PERPETUAL","change_id":297218,"bids":[["delete",5041.94,0],["delete",5042.34,0]],"asks":[]}}}"#;

    fn parse(frame: &str) -> Result<BookBatch, FrameError> {
        parse_frame_with(parse_frame, &markets(), "DERIBIT", "1554373962.5", frame)
            .map(|parsed| parsed.books)
    }

    fn text(books: &BookBatch, side: BookSide) -> Vec<(String, String)> {
        books
            .levels_of(&books.messages[0])
            .iter()
            .filter(|level| level.side == side)
            .map(|level| (level.price.to_string(), level.size.to_string()))
            .collect()
    }

    #[test]
    fn documented_snapshot_is_a_snapshot_with_its_change_id() {
        let books = parse(DOCUMENTED_SNAPSHOT).unwrap();
        assert_eq!(books.messages.len(), 1);
        let message = &books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Snapshot);
        assert_eq!(message.symbol.as_str(), "BTC-USD-PERP");
        assert_eq!((message.last_id, message.prev_id), (Some(297_217), None));
        assert_eq!(message.timestamp, Some(Decimal::new(1_554_373_962_454, 3)));
        assert_eq!(
            text(&books, BookSide::Bid),
            vec![
                ("5042.34".into(), "30".into()),
                ("5041.94".into(), "20".into())
            ]
        );
        assert_eq!(
            text(&books, BookSide::Ask),
            vec![
                ("5042.64".into(), "40".into()),
                ("5043.3".into(), "40".into())
            ]
        );
    }

    #[test]
    fn documented_change_chains_on_prev_change_id_and_deletes() {
        let books = parse(DOCUMENTED_CHANGE).unwrap();
        let message = &books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Delta);
        assert_eq!(
            (message.last_id, message.prev_id),
            (Some(297_218), Some(297_217))
        );
        assert_eq!(
            text(&books, BookSide::Bid),
            vec![
                ("5041.94".into(), "0".into()),
                ("5042.34".into(), "0".into())
            ]
        );
        assert!(text(&books, BookSide::Ask).is_empty());
    }

    #[test]
    fn bad_books_are_malformed_and_keep_nothing() {
        for bad in [
            DOCUMENTED_CHANGE.replace(r#""prev_change_id":297217,"#, ""),
            DOCUMENTED_CHANGE.replace(r#""type":"change""#, r#""type":"update""#),
            DOCUMENTED_SNAPSHOT.replace(r#"["new",5043.3,40]"#, r#"["gone",5043.3,40]"#),
            DOCUMENTED_SNAPSHOT.replace(r#"["new",5043.3,40]"#, r#"["new","x",40]"#),
            DOCUMENTED_SNAPSHOT.replace(r#""change_id":297217"#, r#""change_id":-1"#),
        ] {
            assert!(
                matches!(parse(&bad), Err(FrameError::Malformed(_))),
                "{bad}"
            );
        }
        let other = DOCUMENTED_SNAPSHOT.replace("BTC-PERPETUAL", "ETH-PERPETUAL");
        assert!(parse(&other).unwrap().messages.is_empty());
    }
}
