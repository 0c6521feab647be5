//! Upbit's L2 book: the `orderbook` type <https://docs.upbit.com/kr/reference/websocket-orderbook>.
//!
//! Every message, the first (`stream_type: SNAPSHOT`) and the later ones (`REALTIME`),
//! holds the whole top of the book: `orderbook_units`, best first, each unit one bid level
//! and one ask level of the same rank. There are no deltas, sequence numbers or checksums:
//! each message replaces the book ([`SequenceRule::None`], snapshots from the stream), so a
//! lost message costs nothing but its moment, and the next one is right again.
//!
//! Depth choice: the unit count is chosen per code (`KRW-BTC.15`); the documented counts are
//! 1, 5, 15 and 30 (30 by default): the smallest that holds `book_depth` is asked (30
//! beyond). A side with fewer levels than the count sends size 0 in the units past its end:
//! those are not levels.
//!
//! The one check possible is the session's (a crossed book, a negative size). A resync
//! would be a second request on the connection, which Upbit may read as replacing the
//! whole subscription (undocumented): a crossed message is therefore not handed to the
//! session; it asks for a reconnect, whose one request carries everything again.

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
use crate::parsed::ParsedFrame;

/// The documented unit counts.
const UNITS: [usize; 4] = [1, 5, 15, 30];

/// The documented synchronization: every message a whole book.
pub(super) fn rules() -> BookRules {
    BookRules::new(SequenceRule::None, SnapshotSource::Stream)
}

/// The unit count for a subscription: the one given, else the smallest of 1/5/15/30 that
/// holds `book_depth` (30 beyond).
pub(super) fn units(subscription: &Subscription) -> usize {
    subscription.chosen_stream_depth(|depth| {
        UNITS
            .into_iter()
            .find(|units| *units >= depth)
            .unwrap_or(30)
    })
}

pub(super) fn params(subscription: &Subscription) -> BookParams {
    let units = units(subscription);
    BookParams {
        stream_depth: Some(units),
        ..BookParams::with_depth(subscription.book_depth.min(units))
    }
}

/// An `orderbook` message (DEFAULT format), as documented (fields `type`, `code`,
/// `total_ask_size`, `total_bid_size`, `orderbook_units`, `timestamp`, `stream_type`,
/// `level`):
///
/// ```json
/// {"type":"orderbook","code":"KRW-BTC","timestamp":1704867306396,
///  "total_ask_size":7.3262086,"total_bid_size":29.27948667,
///  "orderbook_units":[{"ask_price":62650000,"bid_price":62640000,
///                      "ask_size":0.31926295,"bid_size":0.05419351},
///                     {"ask_price":62660000,"bid_price":62630000,
///                      "ask_size":0.03,"bid_size":0.6}],
///  "stream_type":"SNAPSHOT","level":0}
/// ```
///
/// `timestamp` (ms) is the book's time; numbers are JSON numbers read from their text.
#[derive(Deserialize)]
struct Orderbook<'a> {
    #[serde(borrow)]
    timestamp: &'a RawValue,
    #[serde(borrow)]
    orderbook_units: Vec<Unit<'a>>,
}

#[derive(Deserialize)]
struct Unit<'a> {
    #[serde(borrow)]
    ask_price: &'a RawValue,
    #[serde(borrow)]
    bid_price: &'a RawValue,
    #[serde(borrow)]
    ask_size: &'a RawValue,
    #[serde(borrow)]
    bid_size: &'a RawValue,
}

fn number(raw: &RawValue, field: &str) -> Result<Decimal, FrameError> {
    decimal(raw.get().trim_matches('"'), field)
}

/// An `orderbook` message as one snapshot; a crossed one asks for a reconnect instead.
pub(super) fn push_orderbook(
    symbol: &Symbol,
    frame: &str,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let book: Orderbook<'_> = serde_json::from_str(frame).map_err(|e| malformed(&e))?;
    let timestamp = millis_to_seconds(integer(book.timestamp, "timestamp")?);
    let mut levels = Vec::with_capacity(book.orderbook_units.len() * 2);
    for unit in &book.orderbook_units {
        let bid = (
            number(unit.bid_price, "bid_price")?,
            number(unit.bid_size, "bid_size")?,
        );
        let ask = (
            number(unit.ask_price, "ask_price")?,
            number(unit.ask_size, "ask_size")?,
        );
        for (side, (price, size)) in [(BookSide::Bid, bid), (BookSide::Ask, ask)] {
            if size < Decimal::ZERO {
                return Err(FrameError::Malformed(format!("a negative size {size}")));
            }
            if size > Decimal::ZERO {
                levels.push((side, price, size));
            }
        }
    }
    let best = |wanted: BookSide| {
        levels
            .iter()
            .find(|(side, _, _)| *side == wanted)
            .map(|(_, price, _)| *price)
    };
    if let (Some(bid), Some(ask)) = (best(BookSide::Bid), best(BookSide::Ask)) {
        if bid >= ask {
            out.reconnect = Some(format!(
                "a crossed order book of {symbol}: best bid {bid} >= best ask {ask}"
            ));
            return Ok(());
        }
    }
    let books: &mut BookBatch = &mut out.books;
    let message = books.start(symbol.clone(), BookMessageKind::Snapshot);
    message.timestamp = Some(timestamp);
    for (side, price, size) in levels {
        books.push_level(side, price, size);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchanges::upbit::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;
    use feed_core::Channel;

    const DOCUMENTED: &str = r#"{"type":"orderbook","code":"KRW-BTC","timestamp":1704867306396,"total_ask_size":7.3262086,"total_bid_size":29.27948667,"orderbook_units":[{"ask_price":62650000,"bid_price":62640000,"ask_size":0.31926295,"bid_size":0.05419351},{"ask_price":62660000,"bid_price":62630000,"ask_size":0.03,"bid_size":0.6}],"stream_type":"SNAPSHOT","level":0}"#;

    fn parse(frame: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [Market::new("BTC", "KRW", "KRW-BTC")];
        parse_frame_with(parse_frame, &markets, "UPBIT", "1", frame)
    }

    #[test]
    fn documented_orderbook_is_a_whole_snapshot_with_exact_numbers() {
        let parsed = parse(DOCUMENTED).unwrap();
        let message = &parsed.books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Snapshot);
        assert_eq!(message.timestamp.unwrap().to_string(), "1704867306.396");
        let levels: Vec<(BookSide, String, String)> = parsed
            .books
            .levels_of(message)
            .iter()
            .map(|l| (l.side, l.price.to_string(), l.size.to_string()))
            .collect();
        assert_eq!(
            levels,
            vec![
                (BookSide::Bid, "62640000".into(), "0.05419351".into()),
                (BookSide::Ask, "62650000".into(), "0.31926295".into()),
                (BookSide::Bid, "62630000".into(), "0.6".into()),
                (BookSide::Ask, "62660000".into(), "0.03".into()),
            ]
        );
        let realtime = DOCUMENTED.replace("SNAPSHOT", "REALTIME");
        assert_eq!(
            parse(&realtime).unwrap().books.messages[0].kind,
            BookMessageKind::Snapshot,
            "every message is whole"
        );
        let other = DOCUMENTED.replace("KRW-BTC", "KRW-ETH");
        assert!(parse(&other).unwrap().books.is_empty());
    }

    #[test]
    fn empty_units_are_no_levels_and_a_crossed_book_reconnects() {
        let short = DOCUMENTED.replace(
            r#""bid_price":62630000,"ask_size":0.03,"bid_size":0.6"#,
            r#""bid_price":0,"ask_size":0.03,"bid_size":0"#,
        );
        let parsed = parse(&short).unwrap();
        assert_eq!(parsed.books.levels_of(&parsed.books.messages[0]).len(), 3);
        let crossed = DOCUMENTED.replace(r#""bid_price":62640000"#, r#""bid_price":62650000"#);
        let parsed = parse(&crossed).unwrap();
        assert!(parsed.books.is_empty());
        assert_eq!(
            parsed.reconnect.as_deref(),
            Some("a crossed order book of BTC-KRW: best bid 62650000 >= best ask 62650000")
        );
        let negative = DOCUMENTED.replace(r#""bid_size":0.6"#, r#""bid_size":-0.6"#);
        assert!(matches!(parse(&negative), Err(FrameError::Malformed(_))));
    }

    #[test]
    fn units_follow_book_depth() {
        let symbol = Symbol::parse("BTC-KRW").unwrap();
        let with_depth = |book_depth| Subscription {
            book_depth,
            ..Subscription::new(Channel::L2Book, symbol.clone(), "KRW-BTC")
        };
        assert_eq!(units(&with_depth(1)), 1);
        assert_eq!(units(&with_depth(5)), 5);
        assert_eq!(units(&with_depth(10)), 15);
        assert_eq!(units(&with_depth(100)), 30);
        assert_eq!(params(&with_depth(100)).depth, 30);
        assert_eq!(params(&with_depth(10)).stream_depth, Some(15));
    }
}
