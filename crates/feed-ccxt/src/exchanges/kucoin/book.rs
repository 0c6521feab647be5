//! KuCoin's L2 book: the incremental `/market/level2:{symbol}` stream joined with a REST
//! snapshot, by the documented calibration procedure (<https://kucoin.com/docs-new/3470068w0>):
//!
//! 1. Subscribe and buffer the increments.
//! 2. Fetch a snapshot (its `sequence` is the book's sequence).
//! 3. Replay the buffered increments: changes whose own sequence is at or below the book's
//!    are ignored; the increments continue one another (`sequenceStart` = previous
//!    `sequenceEnd` + 1); a hole is a gap and that symbol alone refetches its snapshot.
//! 4. Sizes are absolute; size `0` removes the level; price `0` changes nothing (only the
//!    sequence moves).
//!
//! This is [`SequenceRule::FirstLast`] on `sequenceStart`/`sequenceEnd`. The per-change
//! sequences are used to order the changes of one side within a message; a change at or
//! below the snapshot's sequence inside the first applied increment is applied again, which
//! leaves the level as the snapshot has it unless a later change of the same increment
//! (which is applied after it) moves it — the same result as ignoring it.
//!
//! Snapshot choice: the full book `GET /api/v3/market/orderbook/level2` needs an API key
//! (feedhandler has none for public data), so the public
//! `GET /api/v1/market/orderbook/level2_100` (the best 100 levels per side) is used. A side
//! that came back with 100 levels is only known down to its 100th; the session resyncs
//! rather than let an unseen level surface into the delivered book (`snapshot_depth`), and
//! the delivered depth is at most 100 levels per side (`book_depth` above 100 is capped).

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

/// Levels per side of the public snapshot.
pub(super) const SNAPSHOT_DEPTH: usize = 100;

/// The documented synchronization.
pub(super) fn rules() -> BookRules {
    BookRules::new(SequenceRule::FirstLast, SnapshotSource::Rest).named(
        "sequenceStart",
        "sequenceEnd",
        "sequenceEnd",
    )
}

pub(super) fn params(subscription: &Subscription) -> BookParams {
    BookParams {
        snapshot_depth: Some(SNAPSHOT_DEPTH),
        ..BookParams::with_depth(subscription.book_depth.min(SNAPSHOT_DEPTH))
    }
}

pub(super) fn snapshot_url(rest_base: &str, subscription: &Subscription) -> String {
    format!(
        "{rest_base}/api/v1/market/orderbook/level2_100?symbol={}",
        subscription.exchange_symbol
    )
}

/// The `data` of an increment, as documented:
///
/// ```json
/// {"topic":"/market/level2:BTC-USDT","type":"message","subject":"trade.l2update",
///  "data":{"changes":{"asks":[["67993.3","1.21427407","14701689783"]],"bids":[]},
///   "sequenceEnd":14701689783,"sequenceStart":14701689783,"symbol":"BTC-USDT",
///   "time":1729816425625}}
/// ```
///
/// A change is `[price, size, sequence]`; `time` is in ms.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Increment<'a> {
    #[serde(borrow)]
    changes: Changes<'a>,
    #[serde(borrow)]
    sequence_start: &'a RawValue,
    #[serde(borrow)]
    sequence_end: &'a RawValue,
    #[serde(borrow)]
    symbol: Cow<'a, str>,
    #[serde(borrow)]
    time: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Changes<'a> {
    #[serde(borrow, default)]
    asks: Vec<(Cow<'a, str>, Cow<'a, str>, Cow<'a, str>)>,
    #[serde(borrow, default)]
    bids: Vec<(Cow<'a, str>, Cow<'a, str>, Cow<'a, str>)>,
}

/// The documented snapshot (`GET /api/v1/market/orderbook/level2_100?symbol=BTC-USDT`):
///
/// ```json
/// {"code":"200000","data":{"time":1729176273859,"sequence":"14610502970",
///  "bids":[["66976.4","0.69109872"],["66976.3","0.14377"]],
///  "asks":[["66976.5","0.05408199"],["66976.8","0.0005"]]}}
/// ```
#[derive(Deserialize)]
struct SnapshotReply<'a> {
    #[serde(borrow)]
    code: Option<&'a RawValue>,
    #[serde(borrow)]
    msg: Option<Cow<'a, str>>,
    #[serde(borrow)]
    data: Option<Snapshot<'a>>,
}

#[derive(Deserialize)]
struct Snapshot<'a> {
    #[serde(borrow)]
    sequence: &'a RawValue,
    #[serde(borrow)]
    time: Option<&'a RawValue>,
    #[serde(borrow, default)]
    bids: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    #[serde(borrow, default)]
    asks: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

fn sequence(raw: &RawValue, field: &str) -> Result<u64, FrameError> {
    let text = scalar_text(raw, field)?;
    text.parse()
        .map_err(|_| FrameError::Malformed(format!("{field} is not a sequence: {text:?}")))
}

/// One side's changes as `(price, size)`, ordered by their sequence, price-0 changes left
/// out.
fn side_changes(
    changes: &[(Cow<'_, str>, Cow<'_, str>, Cow<'_, str>)],
) -> Result<Vec<(Decimal, Decimal)>, FrameError> {
    let mut read = Vec::with_capacity(changes.len());
    for (price, size, seq) in changes {
        let seq: u64 = seq
            .parse()
            .map_err(|_| FrameError::Malformed(format!("change sequence {seq:?}")))?;
        let price = decimal(price, "price")?;
        let size = decimal(size, "size")?;
        if !price.is_zero() {
            read.push((seq, price, size));
        }
    }
    read.sort_by_key(|(seq, _, _)| *seq);
    Ok(read.into_iter().map(|(_, p, s)| (p, s)).collect())
}

/// An increment's `data` as one delta (skipped for a market not subscribed).
pub(super) fn push_increment(
    data: &RawValue,
    context: &FrameContext<'_>,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let increment: Increment<'_> = serde_json::from_str(data.get()).map_err(|e| malformed(&e))?;
    let Some(symbol) = context.markets.symbol(&increment.symbol) else {
        return Ok(());
    };
    let first = sequence(increment.sequence_start, "sequenceStart")?;
    let last = sequence(increment.sequence_end, "sequenceEnd")?;
    let bids = side_changes(&increment.changes.bids)?;
    let asks = side_changes(&increment.changes.asks)?;
    let timestamp = match increment.time {
        Some(raw) => Some(millis_to_seconds(integer(raw, "time")?)),
        None => None,
    };
    let message = books.start(symbol.clone(), BookMessageKind::Delta);
    message.first_id = Some(first);
    message.last_id = Some(last);
    message.timestamp = timestamp;
    for (price, size) in bids {
        books.push_level(BookSide::Bid, price, size);
    }
    for (price, size) in asks {
        books.push_level(BookSide::Ask, price, size);
    }
    Ok(())
}

/// The REST snapshot as one snapshot message (`last_id` its `sequence`).
pub(super) fn parse_snapshot(
    body: &str,
    subscription: &Subscription,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let reply: SnapshotReply<'_> = serde_json::from_str(body).map_err(|e| malformed(&e))?;
    let code = reply
        .code
        .map(|code| code.get().trim_matches('"').to_owned());
    if code.as_deref() != Some("200000") {
        return Err(FrameError::Exchange(format!(
            "code {}: {}",
            code.unwrap_or_else(|| "missing".into()),
            reply.msg.as_deref().unwrap_or("no message")
        )));
    }
    let snapshot = reply
        .data
        .ok_or_else(|| FrameError::Malformed("a snapshot without 'data'".into()))?;
    let last = sequence(snapshot.sequence, "sequence")?;
    let timestamp = match snapshot.time {
        Some(raw) => Some(millis_to_seconds(integer(raw, "time")?)),
        None => None,
    };
    let mut levels = Vec::with_capacity(snapshot.bids.len() + snapshot.asks.len());
    for (side, list) in [
        (BookSide::Bid, &snapshot.bids),
        (BookSide::Ask, &snapshot.asks),
    ] {
        for (price, size) in list {
            levels.push((side, decimal(price, "price")?, decimal(size, "size")?));
        }
    }
    let message = books.start(subscription.symbol.clone(), BookMessageKind::Snapshot);
    message.last_id = Some(last);
    message.timestamp = timestamp;
    for (side, price, size) in levels {
        books.push_level(side, price, size);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchanges::kucoin::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;
    use feed_core::{Channel, Symbol};

    const DOCUMENTED: &str = r#"{"topic":"/market/level2:BTC-USDT","type":"message","subject":"trade.l2update","data":{"changes":{"asks":[["67993.3","1.21427407","14701689783"]],"bids":[]},"sequenceEnd":14701689783,"sequenceStart":14701689783,"symbol":"BTC-USDT","time":1729816425625}}"#;

    fn parse(frame: &str) -> Result<BookBatch, FrameError> {
        let markets = [Market::new("BTC", "USDT", "BTC-USDT")];
        parse_frame_with(parse_frame, &markets, "KUCOIN", "1", frame).map(|p| p.books)
    }

    #[test]
    fn documented_increment_becomes_a_delta_with_its_sequences() {
        let books = parse(DOCUMENTED).unwrap();
        let message = &books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Delta);
        assert_eq!(
            (message.first_id, message.last_id),
            (Some(14_701_689_783), Some(14_701_689_783))
        );
        assert_eq!(message.timestamp.unwrap().to_string(), "1729816425.625");
        let levels = books.levels_of(message);
        assert_eq!(levels.len(), 1);
        assert_eq!(levels[0].side, BookSide::Ask);
        assert_eq!(levels[0].price.to_string(), "67993.3");
        assert_eq!(levels[0].size.to_string(), "1.21427407");
        assert!(parse(&DOCUMENTED.replace("BTC-USDT", "ETH-USDT"))
            .unwrap()
            .is_empty());
    }

    /// The documented calibration example's increment: changes ordered by their own
    /// sequence within a side, price-0 changes dropped.
    #[test]
    fn changes_are_ordered_by_sequence_and_price_zero_is_ignored() {
        let frame = r#"{"type":"message","topic":"/market/level2:BTC-USDT","subject":"trade.l2update","data":{"changes":{"asks":[["3988.59","3","16"],["3988.61","0","19"],["3988.62","8","15"],["0","0","17"]],"bids":[["3988.50","44","18"]]},"sequenceStart":15,"sequenceEnd":19,"symbol":"BTC-USDT","time":1}}"#;
        let books = parse(frame).unwrap();
        let levels: Vec<(BookSide, String, String)> = books
            .levels_of(&books.messages[0])
            .iter()
            .map(|l| (l.side, l.price.to_string(), l.size.to_string()))
            .collect();
        assert_eq!(
            levels,
            vec![
                (BookSide::Bid, "3988.50".into(), "44".into()),
                (BookSide::Ask, "3988.62".into(), "8".into()),
                (BookSide::Ask, "3988.59".into(), "3".into()),
                (BookSide::Ask, "3988.61".into(), "0".into()),
            ]
        );
        let bad = frame.replace(r#""16""#, r#""x""#);
        assert!(parse(&bad).is_err());
    }

    #[test]
    fn documented_snapshot_and_the_request_for_it() {
        let subscription = Subscription::new(
            Channel::L2Book,
            Symbol::parse("BTC-USDT").unwrap(),
            "BTC-USDT",
        );
        let mut books = BookBatch::default();
        parse_snapshot(
            r#"{"code":"200000","data":{"time":1729176273859,"sequence":"14610502970","bids":[["66976.4","0.69109872"],["66976.3","0.14377"]],"asks":[["66976.5","0.05408199"],["66976.8","0.0005"]]}}"#,
            &subscription,
            &mut books,
        )
        .unwrap();
        let message = &books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Snapshot);
        assert_eq!(message.last_id, Some(14_610_502_970));
        assert_eq!(books.levels_of(message).len(), 4);
        assert_eq!(
            snapshot_url("https://api.kucoin.com", &subscription),
            "https://api.kucoin.com/api/v1/market/orderbook/level2_100?symbol=BTC-USDT"
        );
        let error = parse_snapshot(
            r#"{"code":"400100","msg":"symbol not exists"}"#,
            &subscription,
            &mut BookBatch::default(),
        )
        .unwrap_err();
        assert_eq!(
            error,
            FrameError::Exchange("code 400100: symbol not exists".into())
        );
        let deep = Subscription {
            book_depth: 500,
            ..subscription
        };
        assert_eq!(params(&deep).depth, 100);
        assert_eq!(params(&deep).snapshot_depth, Some(100));
    }
}
