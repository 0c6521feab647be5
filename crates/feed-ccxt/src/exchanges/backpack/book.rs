//! Backpack's L2 book: the real-time diff stream `depth.<symbol>` joined with the REST
//! snapshot `GET /api/v1/depth`.
//!
//! The documentation (<https://docs.backpack.exchange/#tag/Streams>, Public › Depth, and
//! <https://docs.backpack.exchange/#tag/Markets/operation/get_depth>) says: take the
//! initial snapshot from REST; each event covers the update ids `U..=u` with absolute
//! quantities; "`U` will always be `u + 1` from the previous message. If this is not the
//! case, the client should assume that the depth has been invalidated and requery the REST
//! API." The snapshot's `lastUpdateId` shares the stream's id space (Backpack's reference
//! implementation, `backpack-exchange/bpx-orderbook`, joins them). So, per symbol:
//!
//! 1. Buffer diffs from the moment of subscribing (no acknowledgement comes).
//! 2. Fetch the snapshot; if its `lastUpdateId` is older than the first buffered diff's `U`
//!    minus one, fetch again.
//! 3. Drop buffered diffs with `u <= lastUpdateId`; the first applied has
//!    `U <= lastUpdateId + 1 <= u`; afterwards each diff continues the last (`U <= id + 1`),
//!    diffs with `u <= id` are skipped; `U > id + 1` is a gap: that symbol alone refetches.
//! 4. Quantity zero (`"0.000"`, any scale) removes the level.
//!
//! That is [`SequenceRule::FirstLast`] with [`SnapshotSource::Rest`], as for Binance spot.
//!
//! Stream choice: the real-time `depth.<symbol>`, not the aggregated `depth.200ms.` /
//! `.600ms.` / `.1000ms.` streams (same payload and sequence rule, fewer messages, later).
//!
//! Depth choice: the snapshot is asked for `limit=1000`, the largest value of the
//! documented `DepthLimit` enum (`5` … `1000`) and the default, whatever `book_depth` is: a
//! full snapshot side is only known down to its last level and the book resyncs rather than
//! let an unseen level surface into the delivered depth (see `feed_core::book::BookParams`),
//! so the deepest documented snapshot resyncs least. Backpack documents no REST weights. A
//! `book_depth` above 1000 delivers at most 1000 levels per side: beyond the snapshot,
//! levels are unknown.
//!
//! Ambiguities in the documentation, and the choices made:
//!
//! - Integer fields come as numbers or strings: the docs show `E`/`T` as numbers, live
//!   frames send strings; `lastUpdateId` is documented as a string; bookTicker `u` is a
//!   string in the docs and a number live. Every integer is read either way, from its text.
//! - The changelog (2025-09-02) says `/depth` returns 5,000 levels, but the `DepthLimit`
//!   enum stops at `"1000"`: only documented values are sent.
//! - The REST `timestamp` is documented in microseconds, but the spec's example
//!   (`1684026955123`) has a millisecond magnitude: values below 10^14 (before 1973 in
//!   microseconds) are read as milliseconds.
//! - Snapshot/stream alignment is not documented: the join above is Binance's documented
//!   one, more lenient than the reference implementation (which panics when the snapshot
//!   falls inside an aggregated event, `U <= lastUpdateId < u`; absolute quantities make
//!   applying that event exact).
//! - A delivered book's time is the event's engine time `T` (the matching engine's, as for
//!   trades), or `E` when `T` is absent; after a snapshot, the snapshot's `timestamp`.
//! - Events with empty `a` and `b` are real: they advance the ids and change nothing.

use std::borrow::Cow;

use feed_core::book::{
    BookBatch, BookMessageKind, BookParams, BookRules, BookSide, SequenceRule, SnapshotSource,
};
use feed_core::runtime::FrameError;
use feed_core::types::{micros_to_seconds, millis_to_seconds};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::frame::Payload;
use crate::adapter::{FrameContext, Subscription};
use crate::markets::Market;
use crate::parse::{decimal, integer, malformed, scalar_text};

/// The REST snapshot size: the largest documented `DepthLimit`.
pub(super) const SNAPSHOT_LIMIT: usize = 1000;

/// Below this a REST `timestamp` is taken for milliseconds (10^14 µs is in 1973).
const SMALLEST_MICROS: i64 = 100_000_000_000_000;

/// The documented synchronization.
pub(super) fn rules() -> BookRules {
    BookRules::new(SequenceRule::FirstLast, SnapshotSource::Rest).named("U", "u", "pu")
}

pub(super) fn params(subscription: &Subscription, _market: Option<&Market>) -> BookParams {
    BookParams {
        snapshot_depth: Some(SNAPSHOT_LIMIT),
        ..BookParams::with_depth(subscription.book_depth.min(SNAPSHOT_LIMIT))
    }
}

pub(super) fn snapshot_url(rest_base: &str, subscription: &Subscription) -> String {
    format!(
        "{rest_base}/api/v1/depth?symbol={}&limit={SNAPSHOT_LIMIT}",
        subscription.exchange_symbol
    )
}

/// A level as sent: `["18.67", "0.832"]` (price, quantity; read as text, string or number).
type WireLevel<'a> = (&'a RawValue, &'a RawValue);

/// An update id sent as a JSON number or a numeric string.
fn update_id(raw: &RawValue, field: &str) -> Result<u64, FrameError> {
    let text = scalar_text(raw, field)?;
    text.parse()
        .map_err(|_| FrameError::Malformed(format!("{field} is not an update id: {text:?}")))
}

fn push_levels(
    batch: &mut BookBatch,
    side: BookSide,
    levels: &[WireLevel<'_>],
) -> Result<(), FrameError> {
    for (price, quantity) in levels {
        batch.push_level(
            side,
            decimal(&scalar_text(price, "price")?, "price")?,
            decimal(&scalar_text(quantity, "quantity")?, "quantity")?,
        );
    }
    Ok(())
}

/// The levels of a depth event's `a` or `b` (absent: none).
fn levels_of<'a>(raw: Option<&'a RawValue>) -> Result<Vec<WireLevel<'a>>, FrameError> {
    raw.map_or_else(
        || Ok(Vec::new()),
        |raw| serde_json::from_str(raw.get()).map_err(|error| malformed(&error)),
    )
}

/// The depth stream's payload, as documented:
///
/// ```json
/// {"e":"depth","E":1694687965941000,"s":"SOL_USDC","a":[["18.70","0.000"]],
///  "b":[["18.67","0.832"],["18.68","0.000"]],"U":94978271,"u":94978271,"T":1694687965940999}
/// ```
///
/// `U`/`u` are the first and last update ids of the event (different when the server
/// aggregated several updates), `a`/`b` the changed asks and bids with absolute quantities
/// (zero removes), `E` the WebSocket emit time and `T` the engine time, in microseconds.
/// Live frames carry `E`/`T` as strings and may have `a` and `b` both empty. A depth event
/// of a market not subscribed is skipped.
pub(super) fn push_depth(
    event: &Payload<'_>,
    context: &FrameContext<'_>,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let missing = |field: &str| FrameError::Malformed(format!("depth without '{field}'"));
    let exchange_symbol = event.s.as_deref().ok_or_else(|| missing("s"))?;
    let Some(symbol) = context.markets.symbol(exchange_symbol) else {
        return Ok(());
    };
    let first = update_id(event.first_id.ok_or_else(|| missing("U"))?, "U")?;
    let last = update_id(event.u.ok_or_else(|| missing("u"))?, "u")?;
    let timestamp = match event.engine_time.or(event.event_time) {
        Some(raw) => Some(micros_to_seconds(integer(raw, "T")?)),
        None => None,
    };
    let asks = levels_of(event.a)?;
    let bids = levels_of(event.b)?;
    let message = books.start(symbol.clone(), BookMessageKind::Delta);
    message.first_id = Some(first);
    message.last_id = Some(last);
    message.timestamp = timestamp;
    push_levels(books, BookSide::Bid, &bids)?;
    push_levels(books, BookSide::Ask, &asks)
}

/// The REST snapshot, as documented (`GET /api/v1/depth?symbol=SOL_USDC&limit=1000`):
///
/// ```json
/// {"asks":[["21.9","500.123"],["22.1","2321.11"]],
///  "bids":[["20.12","255.123"],["20.5","499.555"]],
///  "lastUpdateId":"1684026955123","timestamp":1684026955123}
/// ```
///
/// `lastUpdateId` is a string ("i64 encoded as a string", says Backpack's own client; a
/// number is read too), `timestamp` the matching engine's time in microseconds. Sides come
/// in no promised order (the example's bids are worst first).
#[derive(Deserialize)]
struct DepthSnapshot<'a> {
    #[serde(borrow)]
    asks: Vec<WireLevel<'a>>,
    #[serde(borrow)]
    bids: Vec<WireLevel<'a>>,
    #[serde(borrow, rename = "lastUpdateId")]
    last_update_id: &'a RawValue,
    #[serde(borrow)]
    timestamp: Option<&'a RawValue>,
}

/// The documented REST error body: `{"code":"INVALID_CLIENT_REQUEST","message":"..."}`.
#[derive(Deserialize)]
struct ApiError<'a> {
    #[serde(borrow)]
    code: &'a RawValue,
    #[serde(borrow)]
    message: Cow<'a, str>,
}

/// The exchange's words, when the body is its documented error.
fn api_error(body: &str) -> Option<FrameError> {
    let api: ApiError<'_> = serde_json::from_str(body).ok()?;
    let code = scalar_text(api.code, "code").ok()?;
    Some(FrameError::Exchange(format!(
        "code {code}: {}",
        api.message
    )))
}

/// A snapshot `timestamp`: microseconds, or milliseconds when too small to be those.
fn snapshot_time(raw: &RawValue) -> Result<Decimal, FrameError> {
    let value = integer(raw, "timestamp")?;
    Ok(if (0..SMALLEST_MICROS).contains(&value) {
        millis_to_seconds(value)
    } else {
        micros_to_seconds(value)
    })
}

/// The REST snapshot body as one snapshot message.
pub(super) fn parse_snapshot(
    body: &str,
    subscription: &Subscription,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let snapshot: DepthSnapshot<'_> = serde_json::from_str(body)
        .map_err(|error| api_error(body).unwrap_or_else(|| malformed(&error)))?;
    let last_id = update_id(snapshot.last_update_id, "lastUpdateId")?;
    let timestamp = snapshot.timestamp.map(snapshot_time).transpose()?;
    let message = books.start(subscription.symbol.clone(), BookMessageKind::Snapshot);
    message.last_id = Some(last_id);
    message.timestamp = timestamp;
    push_levels(books, BookSide::Bid, &snapshot.bids)?;
    push_levels(books, BookSide::Ask, &snapshot.asks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchanges::backpack::frame::parse_frame;
    use crate::parsed::ParsedFrame;
    use crate::testing::parse_frame_with;
    use feed_core::{Channel, Symbol};

    fn parse(frame: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [
            Market::new("SOL", "USDC", "SOL_USDC"),
            Market::new("BTC", "USDC", "BTC_USDC"),
        ];
        parse_frame_with(parse_frame, &markets, "BACKPACK", "1694687966", frame)
    }

    fn text(books: &BookBatch, at: usize) -> Vec<(BookSide, String, String)> {
        books
            .levels_of(&books.messages[at])
            .iter()
            .map(|level| (level.side, level.price.to_string(), level.size.to_string()))
            .collect()
    }

    /// The documented depth payload, wrapped as every stream frame is.
    const DOCUMENTED_DEPTH: &str = r#"{"stream":"depth.SOL_USDC","data":{"e":"depth","E":1694687965941000,"s":"SOL_USDC","a":[["18.70","0.000"]],"b":[["18.67","0.832"],["18.68","0.000"]],"U":94978271,"u":94978271,"T":1694687965940999}}"#;

    #[test]
    fn documented_depth_becomes_a_delta_with_its_ids_and_engine_time() {
        let parsed = parse(DOCUMENTED_DEPTH).unwrap();
        let books = &parsed.books;
        assert_eq!(books.messages.len(), 1);
        let message = &books.messages[0];
        assert_eq!(message.symbol, Symbol::parse("SOL-USDC").unwrap());
        assert_eq!(message.kind, BookMessageKind::Delta);
        assert_eq!(
            (message.first_id, message.last_id),
            (Some(94_978_271), Some(94_978_271))
        );
        assert_eq!(
            message.timestamp.unwrap().to_string(),
            "1694687965.940999",
            "engine time T, to the microsecond"
        );
        assert_eq!(
            text(books, 0),
            vec![
                (BookSide::Bid, "18.67".into(), "0.832".into()),
                (BookSide::Bid, "18.68".into(), "0.000".into()),
                (BookSide::Ask, "18.70".into(), "0.000".into()),
            ]
        );
        assert!(parsed.events.is_empty());
    }

    /// Live frames as ccxt captured them: `E`/`T` strings, keys in alphabetical order, an
    /// empty update that still carries its ids, ids as strings too.
    #[test]
    fn live_depth_with_string_times_empty_sides_and_string_ids() {
        let live = r#"{"data":{"E":"1759338824897386","T":"1759338824895616","U":1662976171,"a":[],"b":[["117357.0","0.00000"]],"e":"depth","s":"BTC_USDC","u":1662976171},"stream":"depth.BTC_USDC"}"#;
        let parsed = parse(live).unwrap();
        let message = &parsed.books.messages[0];
        assert_eq!(message.last_id, Some(1_662_976_171));
        assert_eq!(message.timestamp.unwrap().to_string(), "1759338824.895616");
        assert_eq!(
            text(&parsed.books, 0),
            vec![(BookSide::Bid, "117357.0".into(), "0.00000".into())]
        );
        let empty = r#"{"data":{"E":"1754903057555305","T":"1754903057554352","U":"1345937436","a":[],"b":[],"e":"depth","s":"SOL_USDC","u":"1345937437"},"stream":"depth.SOL_USDC"}"#;
        let parsed = parse(empty).unwrap();
        let message = &parsed.books.messages[0];
        assert_eq!(
            (message.first_id, message.last_id),
            (Some(1_345_937_436), Some(1_345_937_437))
        );
        assert!(text(&parsed.books, 0).is_empty());
        let no_times = r#"{"stream":"depth.SOL_USDC","data":{"e":"depth","s":"SOL_USDC","a":[],"b":[],"U":5,"u":6}}"#;
        assert_eq!(parse(no_times).unwrap().books.messages[0].timestamp, None);
        let emit_time_only = r#"{"stream":"depth.SOL_USDC","data":{"e":"depth","E":"1694687965941000","s":"SOL_USDC","U":5,"u":6}}"#;
        assert_eq!(
            parse(emit_time_only).unwrap().books.messages[0]
                .timestamp
                .unwrap()
                .to_string(),
            "1694687965.941000"
        );
    }

    #[test]
    fn unsubscribed_markets_are_skipped_and_bad_depth_is_malformed() {
        let other = DOCUMENTED_DEPTH.replace("SOL_USDC", "ETH_USDC");
        assert!(parse(&other).unwrap().books.is_empty());
        for (from, to) in [
            (r#""U":94978271,"#, ""),
            (r#""u":94978271,"#, ""),
            (r#""U":94978271"#, r#""U":"x""#),
            (r#""U":94978271"#, r#""U":-1"#),
            (r#""18.67""#, r#""18,67""#),
            (r#"["18.70","0.000"]"#, r#"["18.70"]"#),
            (r#""a":[["18.70","0.000"]]"#, r#""a":"18.70""#),
            (r#""T":1694687965940999"#, r#""T":"soon""#),
        ] {
            let bad = DOCUMENTED_DEPTH.replace(from, to);
            assert_ne!(bad, DOCUMENTED_DEPTH);
            assert!(
                matches!(parse(&bad), Err(FrameError::Malformed(_))),
                "{bad}"
            );
        }
        let numbers = DOCUMENTED_DEPTH.replace(r#"["18.67","0.832"]"#, r#"[18.670,0.832]"#);
        let parsed = parse(&numbers).unwrap();
        assert_eq!(
            text(&parsed.books, 0)[0],
            (BookSide::Bid, "18.670".into(), "0.832".into()),
            "numbers keep their text"
        );
    }

    fn book_subscription() -> Subscription {
        Subscription::new(
            Channel::L2Book,
            Symbol::parse("SOL-USDC").unwrap(),
            "SOL_USDC",
        )
    }

    #[test]
    fn documented_snapshot_and_the_request_for_it() {
        let subscription = book_subscription();
        let mut books = BookBatch::default();
        parse_snapshot(
            r#"{"asks":[["21.9","500.123"],["22.1","2321.11"]],"bids":[["20.12","255.123"],["20.5","499.555"]],"lastUpdateId":"1684026955123","timestamp":1684026955123}"#,
            &subscription,
            &mut books,
        )
        .unwrap();
        let message = &books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Snapshot);
        assert_eq!(message.symbol, subscription.symbol);
        assert_eq!(message.last_id, Some(1_684_026_955_123));
        assert_eq!(
            message.timestamp.unwrap().to_string(),
            "1684026955.123",
            "the example's millisecond magnitude"
        );
        assert_eq!(
            text(&books, 0),
            vec![
                (BookSide::Bid, "20.12".into(), "255.123".into()),
                (BookSide::Bid, "20.5".into(), "499.555".into()),
                (BookSide::Ask, "21.9".into(), "500.123".into()),
                (BookSide::Ask, "22.1".into(), "2321.11".into()),
            ]
        );
        assert_eq!(
            snapshot_url("https://api.backpack.exchange", &subscription),
            "https://api.backpack.exchange/api/v1/depth?symbol=SOL_USDC&limit=1000"
        );
        let params = params(&subscription, None);
        assert_eq!(params.snapshot_depth, Some(1000));
        assert_eq!(params.depth, subscription.book_depth);
        let deep = Subscription {
            book_depth: 5000,
            ..book_subscription()
        };
        assert_eq!(super::params(&deep, None).depth, 1000);
    }

    #[test]
    fn snapshot_ids_and_times_in_either_form_and_errors() {
        let subscription = book_subscription();
        let mut books = BookBatch::default();
        parse_snapshot(
            r#"{"asks":[],"bids":[["18.67","0.832"]],"lastUpdateId":94978270,"timestamp":"1694687965941000"}"#,
            &subscription,
            &mut books,
        )
        .unwrap();
        assert_eq!(books.messages[0].last_id, Some(94_978_270));
        assert_eq!(
            books.messages[0].timestamp.unwrap().to_string(),
            "1694687965.941000"
        );
        books.clear();
        parse_snapshot(
            r#"{"asks":[],"bids":[],"lastUpdateId":"7"}"#,
            &subscription,
            &mut books,
        )
        .unwrap();
        assert_eq!(books.messages[0].timestamp, None, "before 2024-11-10");
        let error = parse_snapshot(
            r#"{"code":"INVALID_CLIENT_REQUEST","message":"Invalid market"}"#,
            &subscription,
            &mut books,
        )
        .unwrap_err();
        assert_eq!(
            error,
            FrameError::Exchange("code INVALID_CLIENT_REQUEST: Invalid market".into())
        );
        for bad in [
            "<html>",
            r#"{"asks":[],"bids":[],"lastUpdateId":"x"}"#,
            r#"{"asks":[],"bids":[],"lastUpdateId":null}"#,
            r#"{"asks":[["1","x"]],"bids":[],"lastUpdateId":"1"}"#,
            r#"{"bids":[],"lastUpdateId":"1"}"#,
        ] {
            assert!(
                matches!(
                    parse_snapshot(bad, &subscription, &mut books),
                    Err(FrameError::Malformed(_))
                ),
                "{bad}"
            );
        }
    }
}
