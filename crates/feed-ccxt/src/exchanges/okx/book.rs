//! OKX's L2 book: channel `books` (400 levels), a snapshot on the stream after subscribing,
//! then incremental updates chained by `prevSeqId` = the previous message's `seqId`
//! (<https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-order-book-channel>).
//!
//! - A snapshot (`action: "snapshot"`, `prevSeqId: -1`) replaces the book.
//! - An update (`action: "update"`) follows iff its `prevSeqId` equals the last `seqId`.
//!   This one rule also covers the two documented exceptions: the keep-alive after about
//!   60 s without changes (`asks: []`, `bids: []`, `prevSeqId == seqId`) and the sequence
//!   reset after maintenance (`seqId < prevSeqId`, the `prevSeqId` still the last `seqId`).
//!   `seqId`s are not consecutive, so nothing else about them is checked.
//! - Anything else is a gap: the symbol alone is unsubscribed and subscribed again, which
//!   makes OKX send a new snapshot.
//! - Size `"0"` deletes a level (compared as a decimal, so `"0.0"` deletes too).
//! - `checksum`: the CRC32 of the best 25 bids and asks interleaved, as a signed 32-bit
//!   integer ([`feed_core::book::checksum::okx_checksum`]). OKX deprecated it (notice
//!   "OKX Order Book Channels Checksum Field Deprecation", 21 May 2026; in production since
//!   23 June 2026): the field stays but is always `0`. A `0` is therefore read as "no
//!   checksum"; any other value is still checked, and a mismatch is a gap.

use std::fmt;
use std::marker::PhantomData;

use feed_core::book::checksum::okx_checksum_with;
use feed_core::book::{
    BookBatch, BookMessageKind, BookParams, BookRules, BookSide, LevelTexts, OrderBook,
    SequenceRule, SnapshotSource,
};
use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use serde::de::{IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::adapter::{FrameContext, Subscription};
use crate::markets::Market;
use crate::parse::{decimal, integer, malformed, scalar_text};

/// The channel subscribed for every `book_depth` (see the module docs of `okx`).
pub(super) const CHANNEL: &str = "books";

/// Levels per side the `books` channel keeps.
pub(super) const STREAM_DEPTH: usize = 400;

/// The documented synchronization.
pub(super) fn rules() -> BookRules {
    BookRules::new(SequenceRule::PreviousLast, SnapshotSource::Stream)
        .with_checksum(checksum)
        .truncating()
        .named("seqId", "seqId", "prevSeqId")
}

/// The book after a message as OKX checksums it, as the bits of the signed integer OKX
/// sends.
fn checksum(book: &OrderBook, _params: &BookParams, texts: &mut LevelTexts) -> u32 {
    okx_checksum_with(book, texts) as u32
}

/// `books` keeps 400 levels per side: that is the most a subscription delivers.
pub(super) fn params(subscription: &Subscription, _market: Option<&Market>) -> BookParams {
    BookParams {
        stream_depth: Some(STREAM_DEPTH),
        ..BookParams::with_depth(subscription.book_depth.min(STREAM_DEPTH))
    }
}

/// A level as sent: `["8476.98", "415", "0", "13"]` — price, size, a deprecated `"0"` and
/// the number of orders. Only the first two are read; price and size are read as the text
/// sent (strings, or numbers should OKX ever send them).
struct WireLevel<'a> {
    price: &'a RawValue,
    size: &'a RawValue,
}

impl<'de: 'a, 'a> Deserialize<'de> for WireLevel<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LevelVisitor<'a>(PhantomData<&'a ()>);

        impl<'de: 'a, 'a> Visitor<'de> for LevelVisitor<'a> {
            type Value = WireLevel<'a>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a level [price, size, ...]")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let price: &'a RawValue = seq
                    .next_element()?
                    .ok_or_else(|| serde::de::Error::invalid_length(0, &self))?;
                let size: &'a RawValue = seq
                    .next_element()?
                    .ok_or_else(|| serde::de::Error::invalid_length(1, &self))?;
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(WireLevel { price, size })
            }
        }

        deserializer.deserialize_seq(LevelVisitor(PhantomData))
    }
}

/// One element of a `books` push's `data`, as documented (the snapshot; an update has
/// `"action": "update"` and `"prevSeqId": 123456, "seqId": 123457`):
///
/// ```json
/// {"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot",
///  "data":[{"asks":[["8476.98","415","0","13"],["8477","7","0","2"],["8477.34","85","0","1"],
///                   ["8477.56","1","0","1"],["8505.84","8","0","1"],["8506.37","85","0","1"],
///                   ["8506.49","2","0","1"],["8506.96","100","0","2"]],
///           "bids":[["8476.97","256","0","12"],["8475.55","101","0","1"],["8475.54","100","0","1"],
///                   ["8475.3","1","0","1"],["8447.32","6","0","1"],["8447.02","246","0","1"],
///                   ["8446.83","24","0","1"],["8446","95","0","3"]],
///           "ts":"1597026383085","checksum":0,"prevSeqId":-1,"seqId":123456}]}
/// ```
///
/// `ts` is the book's time in milliseconds as a string; `checksum`, `prevSeqId` and
/// `seqId` are JSON integers. `data` may hold several messages, applied in order.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BookData<'a> {
    #[serde(borrow)]
    asks: Vec<WireLevel<'a>>,
    #[serde(borrow)]
    bids: Vec<WireLevel<'a>>,
    #[serde(borrow)]
    ts: Option<&'a RawValue>,
    #[serde(borrow)]
    checksum: Option<&'a RawValue>,
    #[serde(borrow)]
    prev_seq_id: Option<&'a RawValue>,
    #[serde(borrow)]
    seq_id: Option<&'a RawValue>,
}

/// A `books` push of a listed market (`inst_id` from its `arg`) as book messages; pushes
/// of other markets are skipped. On an error nothing of the push is kept.
pub(super) fn push_books(
    inst_id: Option<&str>,
    action: Option<&str>,
    data: &RawValue,
    context: &FrameContext<'_>,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let inst_id = inst_id.ok_or_else(|| missing("arg.instId"))?;
    let Some(symbol) = context.markets.symbol(inst_id) else {
        return Ok(()); // a market this feed did not subscribe to
    };
    let kind = match action {
        Some("snapshot") => BookMessageKind::Snapshot,
        Some("update") => BookMessageKind::Delta,
        Some(other) => {
            return Err(FrameError::Malformed(format!(
                "books action is neither snapshot nor update: {other:?}"
            )))
        }
        None => return Err(missing("action")),
    };
    let entries: Vec<BookData<'_>> =
        serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    let (messages, levels) = (books.messages.len(), books.levels.len());
    for entry in &entries {
        if let Err(error) = push_entry(entry, symbol, kind, books) {
            books.messages.truncate(messages);
            books.levels.truncate(levels);
            return Err(error);
        }
    }
    Ok(())
}

fn missing(field: &str) -> FrameError {
    FrameError::Malformed(format!("books push without '{field}'"))
}

fn push_entry(
    entry: &BookData<'_>,
    symbol: &feed_core::Symbol,
    kind: BookMessageKind,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let seq_id = sequence_id(entry.seq_id.ok_or_else(|| missing("seqId"))?, "seqId")?;
    let prev_id = match (kind, entry.prev_seq_id) {
        (_, Some(raw)) => previous_id(raw)?, // -1 in snapshots, as documented
        (BookMessageKind::Snapshot, None) => None,
        (BookMessageKind::Delta, None) => return Err(missing("prevSeqId")),
    };
    let ts = integer(entry.ts.ok_or_else(|| missing("ts"))?, "ts")?;
    let checksum = entry.checksum.map(checksum_bits).transpose()?.flatten();
    let message = books.start(symbol.clone(), kind);
    message.last_id = Some(seq_id);
    message.prev_id = prev_id;
    message.checksum = checksum;
    message.timestamp = Some(millis_to_seconds(ts));
    push_levels(books, BookSide::Bid, &entry.bids)?;
    push_levels(books, BookSide::Ask, &entry.asks)
}

fn push_levels(
    books: &mut BookBatch,
    side: BookSide,
    levels: &[WireLevel<'_>],
) -> Result<(), FrameError> {
    for level in levels {
        let price = scalar_text(level.price, "price")?;
        let size = scalar_text(level.size, "size")?;
        books.push_level(side, decimal(&price, "price")?, decimal(&size, "size")?);
    }
    Ok(())
}

/// A `seqId`: the smallest documented value is 0.
fn sequence_id(raw: &RawValue, field: &str) -> Result<u64, FrameError> {
    sequence_of(integer(raw, field)?, field)
}

/// The sequence id `value` of `field`: the smallest documented value is 0.
pub(super) fn sequence_of(value: i64, field: &str) -> Result<u64, FrameError> {
    u64::try_from(value).map_err(|_| FrameError::Malformed(format!("{field} is negative: {value}")))
}

/// A `prevSeqId`: `-1` (snapshots) is "none".
fn previous_id(raw: &RawValue) -> Result<Option<u64>, FrameError> {
    previous_of(integer(raw, "prevSeqId")?)
}

/// The `prevSeqId` `value`: `-1` (snapshots) is "none".
pub(super) fn previous_of(value: i64) -> Result<Option<u64>, FrameError> {
    match value {
        -1 => Ok(None),
        _ => sequence_of(value, "prevSeqId").map(Some),
    }
}

/// The checksum's 32 bits: OKX sends a signed 32-bit integer; `0` (what OKX sends since the
/// deprecation) is no checksum.
fn checksum_bits(raw: &RawValue) -> Result<Option<u32>, FrameError> {
    checksum_of(integer(raw, "checksum")?)
}

/// The 32 bits of the checksum `value` (see [`checksum_bits`]).
pub(super) fn checksum_of(value: i64) -> Result<Option<u32>, FrameError> {
    if value == 0 {
        return Ok(None);
    }
    if let Ok(signed) = i32::try_from(value) {
        return Ok(Some(signed as u32));
    }
    u32::try_from(value)
        .map(Some)
        .map_err(|_| FrameError::Malformed(format!("checksum is not 32 bits: {value}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markets::MarketMap;
    use feed_core::{Channel, Symbol};
    use std::borrow::Cow;
    use std::sync::Arc;

    /// The documented full snapshot (current docs: `"checksum": 0`).
    const DOCUMENTED_SNAPSHOT: &str = r#"{
      "arg": {"channel": "books", "instId": "BTC-USDT"},
      "action": "snapshot",
      "data": [{
        "asks": [["8476.98", "415", "0", "13"], ["8477", "7", "0", "2"], ["8477.34", "85", "0", "1"],
                 ["8477.56", "1", "0", "1"], ["8505.84", "8", "0", "1"], ["8506.37", "85", "0", "1"],
                 ["8506.49", "2", "0", "1"], ["8506.96", "100", "0", "2"]],
        "bids": [["8476.97", "256", "0", "12"], ["8475.55", "101", "0", "1"], ["8475.54", "100", "0", "1"],
                 ["8475.3", "1", "0", "1"], ["8447.32", "6", "0", "1"], ["8447.02", "246", "0", "1"],
                 ["8446.83", "24", "0", "1"], ["8446", "95", "0", "3"]],
        "ts": "1597026383085",
        "checksum": 0,
        "prevSeqId": -1,
        "seqId": 123456
      }]
    }"#;

    /// The documented incremental update (it follows the documented snapshot).
    const DOCUMENTED_UPDATE: &str = r#"{
      "arg": {"channel": "books", "instId": "BTC-USDT"},
      "action": "update",
      "data": [{
        "asks": [["8476.98", "415", "0", "13"], ["8477", "7", "0", "2"], ["8477.34", "85", "0", "1"],
                 ["8477.56", "1", "0", "1"], ["8505.84", "8", "0", "1"], ["8506.37", "85", "0", "1"],
                 ["8506.49", "2", "0", "1"], ["8506.96", "100", "0", "2"]],
        "bids": [["8476.97", "256", "0", "12"], ["8475.55", "101", "0", "1"], ["8475.54", "100", "0", "1"],
                 ["8475.3", "1", "0", "1"], ["8447.32", "6", "0", "1"], ["8447.02", "246", "0", "1"],
                 ["8446.83", "24", "0", "1"], ["8446", "95", "0", "3"]],
        "ts": "1597026383085",
        "checksum": 0,
        "prevSeqId": 123456,
        "seqId": 123457
      }]
    }"#;

    fn parse(frame: &str) -> Result<BookBatch, FrameError> {
        #[derive(Deserialize)]
        struct Push<'a> {
            #[serde(borrow)]
            arg: Arg<'a>,
            #[serde(borrow)]
            action: Option<Cow<'a, str>>,
            #[serde(borrow)]
            data: &'a RawValue,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Arg<'a> {
            #[serde(borrow)]
            inst_id: Option<Cow<'a, str>>,
        }
        let markets = MarketMap::new([Market::new("BTC", "USDT", "BTC-USDT")]);
        let exchange: Arc<str> = "OKX".into();
        let context = FrameContext {
            connection: None,
            markets: &markets,
            exchange: &exchange,
            receipt: rust_decimal::Decimal::ONE,
        };
        let push: Push<'_> = serde_json::from_str(frame).unwrap();
        let mut books = BookBatch::default();
        push_books(
            push.arg.inst_id.as_deref(),
            push.action.as_deref(),
            push.data,
            &context,
            &mut books,
        )?;
        Ok(books)
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
    fn documented_snapshot_becomes_a_snapshot_with_its_seq_id_and_no_checksum() {
        let books = parse(DOCUMENTED_SNAPSHOT).unwrap();
        assert_eq!(books.messages.len(), 1);
        let message = &books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Snapshot);
        assert_eq!(message.symbol, Symbol::parse("BTC-USDT").unwrap());
        assert_eq!(
            (message.last_id, message.prev_id),
            (Some(123_456), None),
            "prevSeqId -1 is none"
        );
        assert_eq!(message.checksum, None, "checksum 0 is no checksum");
        assert_eq!(message.timestamp.unwrap().to_string(), "1597026383.085");
        let bids = text(&books, BookSide::Bid);
        let asks = text(&books, BookSide::Ask);
        assert_eq!((bids.len(), asks.len()), (8, 8));
        assert_eq!(bids[0], ("8476.97".into(), "256".into()));
        assert_eq!(bids[7], ("8446".into(), "95".into()));
        assert_eq!(asks[0], ("8476.98".into(), "415".into()));
        assert_eq!(asks[1], ("8477".into(), "7".into()));
    }

    #[test]
    fn documented_update_is_a_delta_naming_the_previous_seq_id() {
        let books = parse(DOCUMENTED_UPDATE).unwrap();
        let message = &books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Delta);
        assert_eq!(
            (message.prev_id, message.last_id),
            (Some(123_456), Some(123_457))
        );
        assert_eq!(message.checksum, None);
        assert_eq!(books.levels_of(message).len(), 16);
    }

    /// The documented exceptions: the keep-alive (empty sides, `prevSeqId == seqId`) and the
    /// sequence reset (`seqId < prevSeqId`).
    #[test]
    fn keep_alive_and_sequence_reset_updates() {
        let keep_alive = r#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[],"bids":[],"ts":"1597026443085","checksum":0,"prevSeqId":15,"seqId":15}]}"#;
        let books = parse(keep_alive).unwrap();
        let message = &books.messages[0];
        assert_eq!((message.prev_id, message.last_id), (Some(15), Some(15)));
        assert!(books.levels_of(message).is_empty());
        let reset = r#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[["8477","0","0","0"]],"bids":[],"ts":"1597026443086","checksum":0,"prevSeqId":15,"seqId":3}]}"#;
        let books = parse(reset).unwrap();
        let message = &books.messages[0];
        assert_eq!((message.prev_id, message.last_id), (Some(15), Some(3)));
        assert!(books.levels_of(message)[0].size.is_zero());
    }

    /// The two check strings of the pre-deprecation docs, sent as OKX's signed integers.
    #[test]
    fn non_zero_checksums_are_their_32_bits_and_checked_against_the_book() {
        let frame = r#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"asks":[["3366.8","9","10","3"],["3368","8","3","4"]],"bids":[["3366.1","7","0","3"],["3366","6","3","4"]],"ts":"1","checksum":-1881014294,"prevSeqId":-1,"seqId":10}]}"#;
        let books = parse(frame).unwrap();
        let message = &books.messages[0];
        assert_eq!(message.checksum, Some(-1_881_014_294_i32 as u32));
        let mut book = OrderBook::new();
        for level in books.levels_of(message) {
            book.apply(level.side, level.price, level.size);
        }
        let params = BookParams::with_depth(10);
        assert_eq!(
            Some(checksum(&book, &params, &mut LevelTexts::new())),
            message.checksum
        );
        let positive = frame.replace("-1881014294", "831078360");
        assert_eq!(
            parse(&positive).unwrap().messages[0].checksum,
            Some(831_078_360)
        );
        let unsigned = frame.replace("-1881014294", "2413953002");
        assert_eq!(
            parse(&unsigned).unwrap().messages[0].checksum,
            message.checksum,
            "the same bits sent unsigned"
        );
        let too_big = frame.replace("-1881014294", "4294967296");
        assert!(matches!(parse(&too_big), Err(FrameError::Malformed(_))));
    }

    #[test]
    fn several_data_entries_are_messages_in_order_and_other_markets_are_skipped() {
        let frame = r#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[
          {"asks":[],"bids":[["100.1","1","0","1"]],"ts":"1","checksum":0,"prevSeqId":1,"seqId":2},
          {"asks":[["100.2","2","0","1"]],"bids":[],"ts":"2","checksum":0,"prevSeqId":2,"seqId":5}]}"#;
        let books = parse(frame).unwrap();
        assert_eq!(books.messages.len(), 2);
        assert_eq!(books.messages[1].prev_id, Some(2));
        assert_eq!(books.levels_of(&books.messages[1])[0].side, BookSide::Ask);
        let other = DOCUMENTED_SNAPSHOT.replace("BTC-USDT", "ETH-USDT");
        assert!(parse(&other).unwrap().is_empty());
    }

    #[test]
    fn malformed_pushes_keep_nothing() {
        let cases = [
            DOCUMENTED_UPDATE.replace(r#""prevSeqId": 123456,"#, ""),
            DOCUMENTED_UPDATE.replace(r#""seqId": 123457"#, r#""seqId": -5"#),
            DOCUMENTED_UPDATE.replace(r#""prevSeqId": 123456"#, r#""prevSeqId": -2"#),
            DOCUMENTED_UPDATE.replace(r#""action": "update""#, r#""action": "partial""#),
            DOCUMENTED_UPDATE.replace(r#""action": "update","#, ""),
            DOCUMENTED_UPDATE.replace(r#""8477", "7""#, r#""8477", "x""#),
            DOCUMENTED_UPDATE.replace(r#"["8446", "95", "0", "3"]"#, r#"["8446"]"#),
            DOCUMENTED_UPDATE.replace(r#""ts": "1597026383085","#, ""),
            DOCUMENTED_SNAPSHOT.replace(r#""bids""#, r#""bidz""#),
        ];
        for frame in &cases {
            assert!(
                matches!(parse(frame), Err(FrameError::Malformed(_))),
                "{frame}"
            );
        }
        let second_bad = r#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[
          {"asks":[],"bids":[["100.1","1","0","1"]],"ts":"1","checksum":0,"prevSeqId":1,"seqId":2},
          {"asks":[["oops","2","0","1"]],"bids":[],"ts":"2","checksum":0,"prevSeqId":2,"seqId":5}]}"#;
        assert!(parse(second_bad).is_err());
    }

    #[test]
    fn every_depth_subscribes_books_and_delivers_at_most_400_levels() {
        let mut subscription = Subscription::new(
            Channel::L2Book,
            Symbol::parse("BTC-USDT").unwrap(),
            "BTC-USDT",
        );
        let params = params(&subscription, None);
        assert_eq!(
            (params.depth, params.stream_depth),
            (crate::DEFAULT_BOOK_DEPTH, Some(400))
        );
        subscription.book_depth = 1000;
        assert_eq!(super::params(&subscription, None).depth, 400);
        let rules = rules();
        assert_eq!(rules.sequence, SequenceRule::PreviousLast);
        assert_eq!(rules.snapshot, SnapshotSource::Stream);
        assert!(rules.truncate_to_stream_depth && rules.checksum.is_some());
        assert_eq!((rules.names.last, rules.names.prev), ("seqId", "prevSeqId"));
    }
}
