//! Gemini's L2 book: the `l2_updates` messages of the `l2` subscription
//! <https://docs.gemini.com/websocket/market-data/v2/level-2-data>.
//!
//! After subscribing, the first `l2_updates` of a symbol holds the whole book (every
//! level as a change) with the last trades in `trades`; later ones hold the changed
//! levels. A quantity of 0 removes the level; others replace it. The docs tell the two
//! apart only by their examples: the initial message carries `trades`, the updates do not.
//! So an `l2_updates` with `trades` is read as a snapshot, one without as a delta.
//!
//! Integrity: there are no sequence numbers, checksums or timestamps, so this is
//! [`SequenceRule::None`] with the snapshot from the stream. A lost message cannot be
//! seen; the session still rejects a crossed book (or a negative size) and resubscribes
//! the symbol for a new initial message. The book is full depth (no depth to choose):
//! `book_depth` levels per side are delivered.

use std::borrow::Cow;

use feed_core::book::{
    BookBatch, BookMessageKind, BookRules, BookSide, SequenceRule, SnapshotSource,
};
use feed_core::runtime::FrameError;
use feed_core::Symbol;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::parse::{decimal, malformed};

/// The documented synchronization.
pub(super) fn rules() -> BookRules {
    BookRules::new(SequenceRule::None, SnapshotSource::Stream)
}

/// An `l2_updates`, as documented (initial message):
///
/// ```json
/// {"type":"l2_updates","symbol":"BTCUSD",
///  "changes":[["buy","9122.04","0.00121425"],["sell","9122.07","0.98942292"]],
///  "trades":[{"type":"trade","symbol":"BTCUSD","eventid":169841458,
///             "timestamp":1560976400428,"price":"9122.04","quantity":"0.0073173",
///             "side":"sell","tid":2840140800042677}]}
/// ```
///
/// and an update: `{"type":"l2_updates","symbol":"BTCUSD","changes":[["sell","9160.20","0.1921229751"]]}`.
/// The `trades` of the initial message are past trades and are not delivered.
#[derive(Deserialize)]
struct Updates<'a> {
    #[serde(borrow)]
    changes: Vec<(Cow<'a, str>, Cow<'a, str>, Cow<'a, str>)>,
    #[serde(borrow, default)]
    trades: Option<&'a RawValue>,
}

/// An `l2_updates` as one snapshot (initial) or delta message.
pub(super) fn push_updates(
    symbol: &Symbol,
    frame: &str,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let updates: Updates<'_> = serde_json::from_str(frame).map_err(|e| malformed(&e))?;
    let mut levels = Vec::with_capacity(updates.changes.len());
    for (side, price, quantity) in &updates.changes {
        let side = match side.as_ref() {
            "buy" => BookSide::Bid,
            "sell" => BookSide::Ask,
            other => return Err(FrameError::Malformed(format!("a change of side {other:?}"))),
        };
        levels.push((
            side,
            decimal(price, "price")?,
            decimal(quantity, "quantity")?,
        ));
    }
    let kind = if updates.trades.is_some() {
        BookMessageKind::Snapshot
    } else {
        BookMessageKind::Delta
    };
    books.start(symbol.clone(), kind);
    for (side, price, size) in levels {
        books.push_level(side, price, size);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchanges::gemini::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    fn parse(frame: &str) -> Result<crate::parsed::ParsedFrame, FrameError> {
        let markets = [Market::new("BTC", "USD", "BTCUSD")];
        parse_frame_with(parse_frame, &markets, "GEMINI", "1", frame)
    }

    #[test]
    fn documented_initial_message_is_a_snapshot_without_its_past_trades() {
        let parsed = parse(r#"{"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","9122.04","0.00121425"],["sell","9122.07","0.98942292"]],"trades":[{"type":"trade","symbol":"BTCUSD","eventid":169841458,"timestamp":1560976400428,"price":"9122.04","quantity":"0.0073173","side":"sell","tid":2840140800042677}]}"#).unwrap();
        assert!(parsed.events.is_empty(), "past trades are not delivered");
        let books = &parsed.books;
        let message = &books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Snapshot);
        assert_eq!(message.last_id, None);
        let levels = books.levels_of(message);
        assert_eq!(levels.len(), 2);
        assert_eq!(
            (
                levels[0].side,
                levels[0].price.to_string(),
                levels[0].size.to_string()
            ),
            (BookSide::Bid, "9122.04".into(), "0.00121425".into())
        );
        assert_eq!(
            (
                levels[1].side,
                levels[1].price.to_string(),
                levels[1].size.to_string()
            ),
            (BookSide::Ask, "9122.07".into(), "0.98942292".into())
        );
    }

    #[test]
    fn documented_update_is_a_delta() {
        let parsed = parse(r#"{"type":"l2_updates","symbol":"BTCUSD","changes":[["sell","9160.20","0.1921229751"]]}"#).unwrap();
        let message = &parsed.books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Delta);
        let level = &parsed.books.levels_of(message)[0];
        assert_eq!(
            (level.side, level.price.to_string(), level.size.to_string()),
            (BookSide::Ask, "9160.20".into(), "0.1921229751".into())
        );
        assert!(matches!(
            parse(r#"{"type":"l2_updates","symbol":"BTCUSD","changes":[["up","1","1"]]}"#),
            Err(FrameError::Malformed(_))
        ));
        assert!(
            parse(r#"{"type":"l2_updates","symbol":"ETHUSD","changes":[["buy","1","1"]]}"#)
                .unwrap()
                .books
                .is_empty()
        );
    }
}
