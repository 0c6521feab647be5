//! Bitstamp's L2 book: the `diff_order_book_<pair>` channel joined with the REST order
//! book `GET /api/v2/order_book/{pair}/` by `microtimestamp`
//! (<https://www.bitstamp.net/websocket/v2/>, <https://www.bitstamp.net/api/#tag/Order-book>):
//!
//! 1. Subscribe to the diffs and buffer them.
//! 2. Fetch the order book; its `microtimestamp` is the book's time.
//! 3. Drop buffered diffs at or before it; apply the later ones, then every diff as it
//!    comes. Amounts are absolute; amount 0 removes the level.
//!
//! The diffs carry no sequence number and no checksum, only their time: order is by
//! `microtimestamp`, and a lost diff cannot be detected. The rule is encoded as
//! [`SequenceRule::FirstLast`] with each diff covering "everything up to its
//! `microtimestamp`" (first id 0, last id the microtimestamp): a diff at or before the book's
//! time is skipped, every later one continues it, so no gap is ever reported from the
//! stream; a reconnect (lost connection, `bts:request_reconnect`) refetches the book.
//! Choice on a documented ambiguity: a diff whose `microtimestamp` equals the snapshot's is
//! taken as already in the snapshot.
//!
//! Depth: the REST book is the full book (no `limit` parameter), so every delivered level is
//! known; `book_depth` levels are delivered.

use std::borrow::Cow;

use feed_core::book::{
    BookBatch, BookMessageKind, BookRules, BookSide, SequenceRule, SnapshotSource,
};
use feed_core::runtime::FrameError;
use feed_core::types::micros_to_seconds;
use feed_core::Symbol;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::Subscription;
use crate::parse::{decimal, integer, malformed};

/// The documented synchronization (see the module docs).
pub(super) fn rules() -> BookRules {
    BookRules::new(SequenceRule::FirstLast, SnapshotSource::Rest).named(
        "microtimestamp",
        "microtimestamp",
        "microtimestamp",
    )
}

pub(super) fn snapshot_url(rest_base: &str, subscription: &Subscription) -> String {
    format!(
        "{rest_base}/api/v2/order_book/{}/",
        subscription.exchange_symbol
    )
}

/// A book or diff body, as documented (the diff's `data`; the REST book has the same
/// keys):
///
/// ```json
/// {"data":{"timestamp":"1687962049","microtimestamp":"1687962049130472",
///   "bids":[["30475","0.51222614"]],"asks":[["30488","0.00000000"]]},
///  "channel":"diff_order_book_btcusd","event":"data"}
/// ```
///
/// Prices and amounts are decimal strings; `microtimestamp` microseconds (a string).
#[derive(Deserialize)]
struct Levels<'a> {
    #[serde(borrow)]
    microtimestamp: &'a RawValue,
    #[serde(borrow, default)]
    bids: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    #[serde(borrow, default)]
    asks: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

fn push(
    body: &str,
    symbol: &Symbol,
    kind: BookMessageKind,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let levels: Levels<'_> = serde_json::from_str(body).map_err(|e| malformed(&e))?;
    let micros = integer(levels.microtimestamp, "microtimestamp")?;
    let time = u64::try_from(micros)
        .map_err(|_| FrameError::Malformed(format!("microtimestamp {micros}")))?;
    let mut read: Vec<(BookSide, Decimal, Decimal)> =
        Vec::with_capacity(levels.bids.len() + levels.asks.len());
    for (side, list) in [(BookSide::Bid, &levels.bids), (BookSide::Ask, &levels.asks)] {
        for (price, amount) in list {
            read.push((side, decimal(price, "price")?, decimal(amount, "amount")?));
        }
    }
    let message = books.start(symbol.clone(), kind);
    if kind == BookMessageKind::Delta {
        message.first_id = Some(0);
    }
    message.last_id = Some(time);
    message.timestamp = Some(micros_to_seconds(micros));
    for (side, price, size) in read {
        books.push_level(side, price, size);
    }
    Ok(())
}

/// A diff's `data` as one delta.
pub(super) fn push_diff(
    symbol: &Symbol,
    data: &RawValue,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    push(data.get(), symbol, BookMessageKind::Delta, books)
}

/// The REST book, as documented (`GET /api/v2/order_book/btcusd/`):
///
/// ```json
/// {"timestamp":"1687962049","microtimestamp":"1687962049125412",
///  "bids":[["30475","0.50000000"],["30474","1.20000000"]],
///  "asks":[["30488","0.10000000"]]}
/// ```
pub(super) fn parse_snapshot(
    body: &str,
    subscription: &Subscription,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    push(body, &subscription.symbol, BookMessageKind::Snapshot, books)
}

#[cfg(test)]
mod tests {
    use super::*;
    use feed_core::Channel;

    #[test]
    fn documented_diff_and_book() {
        let symbol = Symbol::parse("BTC-USD").unwrap();
        let mut books = BookBatch::default();
        let data: &RawValue = serde_json::from_str(
            r#"{"timestamp":"1687962049","microtimestamp":"1687962049130472","bids":[["30475","0.51222614"]],"asks":[["30488","0.00000000"]]}"#,
        )
        .unwrap();
        push_diff(&symbol, data, &mut books).unwrap();
        let message = &books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Delta);
        assert_eq!(
            (message.first_id, message.last_id),
            (Some(0), Some(1_687_962_049_130_472))
        );
        assert_eq!(message.timestamp.unwrap().to_string(), "1687962049.130472");
        let levels = books.levels_of(message);
        assert_eq!(
            (
                levels[0].side,
                levels[0].price.to_string(),
                levels[0].size.to_string()
            ),
            (BookSide::Bid, "30475".into(), "0.51222614".into())
        );
        assert_eq!(levels[1].size.to_string(), "0.00000000");

        let subscription = Subscription::new(Channel::L2Book, symbol, "btcusd");
        let mut books = BookBatch::default();
        parse_snapshot(
            r#"{"timestamp":"1687962049","microtimestamp":"1687962049125412","bids":[["30475","0.50000000"],["30474","1.20000000"]],"asks":[["30488","0.10000000"]]}"#,
            &subscription,
            &mut books,
        )
        .unwrap();
        assert_eq!(books.messages[0].kind, BookMessageKind::Snapshot);
        assert_eq!(books.messages[0].last_id, Some(1_687_962_049_125_412));
        assert_eq!(books.levels_of(&books.messages[0]).len(), 3);
        assert_eq!(
            snapshot_url("https://www.bitstamp.net", &subscription),
            "https://www.bitstamp.net/api/v2/order_book/btcusd/"
        );
        assert!(parse_snapshot(r#"{"status":"error"}"#, &subscription, &mut books).is_err());
    }
}
