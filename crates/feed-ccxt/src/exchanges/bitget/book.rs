//! Bitget's L2 book: the `books` channel — after subscribing, `action: "snapshot"` with the
//! whole book, then `action: "update"` with the changed levels
//! (<https://www.bitget.com/api-doc/spot/websocket/public/Depth-Channel>):
//!
//! - a snapshot replaces the book (one may come again at any time: it replaces the book
//!   again); an update sets each level's size, size `0` removes the level;
//! - `checksum`: the CRC32 of the best 25 bids and asks interleaved,
//!   `bid1price:bid1size:ask1price:ask1size:bid2price:...` (a side that runs out is skipped),
//!   each number as sent (`"0.5000"` keeps its zeros), as a signed 32-bit integer — OKX's
//!   algorithm ([`feed_core::book::checksum::okx_checksum`]). It is compared after every
//!   push; `0` means none (snapshots carry `0`). A mismatch is a gap: the symbol alone is
//!   unsubscribed and subscribed again, which makes Bitget send a new snapshot;
//! - `seq` numbers the pushes but the docs give no previous `seq`, so it is kept as the
//!   book's sequence number and not checked ([`SequenceRule::None`]); the checksum finds a
//!   lost push at the next one that shows its change in the best 25 levels.

use feed_core::book::checksum::okx_checksum_with;
use feed_core::book::{
    BookBatch, BookMessageKind, BookParams, BookRules, BookSide, LevelTexts, OrderBook,
    SequenceRule, SnapshotSource,
};
use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{integer, malformed, parse_decimal};

/// The documented synchronization.
pub(super) fn rules() -> BookRules {
    BookRules::new(SequenceRule::None, SnapshotSource::Stream)
        .with_checksum(checksum)
        .named("seq", "seq", "seq")
}

/// The book as Bitget checksums it, as the bits of the signed integer it sends.
fn checksum(book: &OrderBook, _params: &BookParams, texts: &mut LevelTexts) -> u32 {
    okx_checksum_with(book, texts) as u32
}

type Level<'a> = (&'a str, &'a str);

/// One element of a `books` push's `data`, as documented:
///
/// ```json
/// {"action":"snapshot","arg":{"instType":"SPOT","channel":"books","instId":"BTCUSDT"},
///  "data":[{"asks":[["26274.9","0.0009"],["26275.0","0.0500"]],
///           "bids":[["26274.8","0.0009"],["26274.7","0.0027"]],
///           "checksum":0,"seq":123,"ts":"1695710946294"}],
///  "ts":1695710946294}
/// ```
///
/// `ts` is the book's time in ms as a string; `checksum` and `seq` are JSON integers.
#[derive(Deserialize)]
struct BookData<'a> {
    #[serde(borrow, default)]
    asks: Vec<Level<'a>>,
    #[serde(borrow, default)]
    bids: Vec<Level<'a>>,
    checksum: Option<i64>,
    seq: Option<u64>,
    #[serde(borrow)]
    ts: Option<&'a RawValue>,
}

fn push_levels(
    books: &mut BookBatch,
    side: BookSide,
    levels: &[Level<'_>],
) -> Result<(), FrameError> {
    for (price, size) in levels {
        match (parse_decimal(price), parse_decimal(size)) {
            (Some(price), Some(size)) => books.push_level(side, price, size),
            _ => {
                return Err(FrameError::Malformed(format!(
                    "price or size is not a decimal: {price:?}, {size:?}"
                )))
            }
        }
    }
    Ok(())
}

/// The checksum as its 32 bits: a signed 32-bit integer (or its unsigned spelling).
fn checksum_bits(value: i64) -> Result<u32, FrameError> {
    i32::try_from(value)
        .map(|signed| signed as u32)
        .or_else(|_| u32::try_from(value))
        .map_err(|_| FrameError::Malformed(format!("checksum out of range: {value}")))
}

fn push_one(
    kind: BookMessageKind,
    data: &BookData<'_>,
    symbol: &feed_core::Symbol,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let checksum = match data.checksum {
        Some(0) | None => None,
        Some(value) => Some(checksum_bits(value)?),
    };
    let timestamp = data
        .ts
        .map(|raw| integer(raw, "ts").map(millis_to_seconds))
        .transpose()?;
    let message = books.start(symbol.clone(), kind);
    message.last_id = data.seq;
    message.checksum = checksum;
    message.timestamp = timestamp;
    push_levels(books, BookSide::Bid, &data.bids)?;
    push_levels(books, BookSide::Ask, &data.asks)
}

/// A `books` push of a listed market (`inst_id` from its `arg`) as book messages; pushes of
/// other markets are skipped. On an error nothing of the push is kept.
pub(super) fn push_books(
    action: &str,
    inst_id: &str,
    data: &RawValue,
    context: &FrameContext<'_>,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let kind = match action {
        "snapshot" => BookMessageKind::Snapshot,
        "update" => BookMessageKind::Delta,
        other => return Err(FrameError::Malformed(format!("unknown action {other:?}"))),
    };
    let elements: Vec<BookData<'_>> =
        serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    let Some(symbol) = context.markets.symbol(inst_id) else {
        return Ok(());
    };
    let mark = books.mark();
    for element in &elements {
        if let Err(error) = push_one(kind, element, symbol, books) {
            books.rollback(mark);
            return Err(error);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;

    use super::*;
    use crate::exchanges::bitget::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    const DOCUMENTED: &str = r#"{"action":"snapshot","arg":{"instType":"SPOT","channel":"books","instId":"BTCUSDT"},"data":[{"asks":[["26274.9","0.0009"],["26275.0","0.0500"]],"bids":[["26274.8","0.0009"],["26274.7","0.0027"]],"checksum":0,"seq":123,"ts":"1695710946294"}],"ts":1695710946294}"#;

    fn parse(frame: &str) -> Result<BookBatch, FrameError> {
        let markets = [Market::new("BTC", "USDT", "BTCUSDT")];
        parse_frame_with(parse_frame, &markets, "BITGET", "1695710946.5", frame)
            .map(|parsed| parsed.books)
    }

    fn book(bids: &[(&str, &str)], asks: &[(&str, &str)]) -> OrderBook {
        let mut book = OrderBook::new();
        for (side, levels) in [(BookSide::Bid, bids), (BookSide::Ask, asks)] {
            for (price, size) in levels {
                book.apply(
                    side,
                    Decimal::from_str(price).unwrap(),
                    Decimal::from_str(size).unwrap(),
                );
            }
        }
        book
    }

    #[test]
    fn documented_snapshot_and_an_update() {
        let books = parse(DOCUMENTED).unwrap();
        let message = &books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Snapshot);
        assert_eq!(message.symbol.as_str(), "BTC-USDT");
        assert_eq!(message.last_id, Some(123));
        assert_eq!(message.checksum, None, "0 is no checksum");
        assert_eq!(message.timestamp.unwrap().to_string(), "1695710946.294");
        let levels: Vec<(BookSide, String, String)> = books
            .levels_of(message)
            .iter()
            .map(|level| (level.side, level.price.to_string(), level.size.to_string()))
            .collect();
        assert_eq!(
            levels,
            vec![
                (BookSide::Bid, "26274.8".into(), "0.0009".into()),
                (BookSide::Bid, "26274.7".into(), "0.0027".into()),
                (BookSide::Ask, "26274.9".into(), "0.0009".into()),
                (BookSide::Ask, "26275.0".into(), "0.0500".into()),
            ]
        );
        let update = DOCUMENTED
            .replace(r#""action":"snapshot""#, r#""action":"update""#)
            .replace(r#""checksum":0"#, r#""checksum":-1759930467"#);
        let books = parse(&update).unwrap();
        assert_eq!(books.messages[0].kind, BookMessageKind::Delta);
        assert_eq!(books.messages[0].checksum, Some(-1_759_930_467_i32 as u32));
    }

    #[test]
    fn other_markets_and_garbage() {
        assert!(parse(&DOCUMENTED.replace("BTCUSDT", "ETHUSDT"))
            .unwrap()
            .is_empty());
        for bad in [
            DOCUMENTED.replace(r#""0.0027""#, r#""x""#),
            DOCUMENTED.replace(r#""action":"snapshot""#, r#""action":"partial""#),
            DOCUMENTED.replace(r#""checksum":0"#, r#""checksum":99999999999"#),
        ] {
            let markets = [Market::new("BTC", "USDT", "BTCUSDT")];
            let outcome = parse_frame_with(parse_frame, &markets, "BITGET", "1", &bad);
            assert!(matches!(outcome, Err(FrameError::Malformed(_))), "{bad}");
        }
    }

    /// A hand-computed vector (Python `zlib.crc32`) with the zeros as sent: the text
    /// `27000.50:0.0100:27000.6:0.2500:26999.9:1.5` has CRC32 2535036829, sent as the signed
    /// -1759930467; and OKX's documented vector (the same algorithm) -1881014294.
    #[test]
    fn checksum_vectors() {
        let params = BookParams::with_depth(25);
        let bitget = book(
            &[("27000.50", "0.0100"), ("26999.9", "1.5")],
            &[("27000.6", "0.2500")],
        );
        assert_eq!(
            checksum(&bitget, &params, &mut LevelTexts::new()),
            2_535_036_829
        );
        assert_eq!(
            checksum(&bitget, &params, &mut LevelTexts::new()) as i32,
            -1_759_930_467
        );
        let okx = book(
            &[("3366.1", "7"), ("3366", "6")],
            &[("3366.8", "9"), ("3368", "8")],
        );
        assert_eq!(
            checksum(&okx, &params, &mut LevelTexts::new()) as i32,
            -1_881_014_294
        );
        assert_eq!(checksum_bits(-1).unwrap(), u32::MAX);
        assert_eq!(checksum_bits(4_294_967_295).unwrap(), u32::MAX);
    }
}
