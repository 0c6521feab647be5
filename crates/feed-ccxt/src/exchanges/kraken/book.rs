//! Kraken's L2 book: the WebSocket v2 `book` channel, kept by the documented procedure
//! (<https://docs.kraken.com/api/docs/guides/spot-ws-book-v2>,
//! <https://docs.kraken.com/api/docs/guides/spot-checksums>):
//!
//! 1. Subscribe with a `depth`; the stream sends a snapshot of that many levels per side,
//!    then updates. There are no sequence numbers: the CRC32 `checksum` every snapshot and
//!    update carries (of the top 10 asks and bids after the message) is the integrity check.
//! 2. Apply every level of an update in order ("it is possible to have multiple updates to
//!    the same price level in a single update message"); `qty` 0 deletes the level.
//! 3. Then truncate each side to the subscribed depth: "you won't receive `qty: 0` for
//!    price levels that fall out of scope".
//! 4. Compare the checksum; on a mismatch, unsubscribe and subscribe again for a fresh
//!    snapshot (the session's resync for stream snapshots).
//!
//! Depth choice: Kraken allows 10, 25, 100, 500 and 1000 levels; the stream depth is the
//! smallest of those not below `book_depth` (1000 when `book_depth` is larger, and then at
//! most 1000 levels are delivered). The checksum is always over the top 10, whatever the
//! depth: with `book_depth` above 10, a lost update that only touched levels below the top
//! 10 goes unnoticed until those levels reach the top 10 (Kraken offers nothing else to
//! check them by).
//!
//! Numbers: `price` and `qty` are JSON numbers "containing full precision"; their text is
//! read as it is, never through `f64`. The checksum writes each level with exactly the
//! pair's precision: the documented MATIC/USD example matches its checksum only with
//! prices at 4 digits and quantities at 8, not as printed (`0.566`, `18097.1547`). The
//! precisions are the market list's `pair_decimals` and `lot_decimals` (AssetPairs), which
//! the adapter's market list reads; the book's levels are also delivered at those
//! precisions (`0.566` becomes `0.5660`: a number is only ever padded with zeros, never
//! rounded). A pair without them in the market list is checksummed as sent.
//!
//! Ambiguity: the docs never say that AssetPairs' `pair_decimals`/`lot_decimals` equal the
//! WebSocket `instrument` channel's `price_precision`/`qty_precision` (the checksum guide
//! points to the latter; the research notes name the former their REST equivalents without
//! a source). They agree on every documented example: BTC/USD is `pair_decimals` 1 and
//! `lot_decimals` 8 in the AssetPairs example, and the checksum guide's BTC/USD book is
//! written with 1 and 8 digits. If a pair's two ever differ, its checksums fail and the
//! book resyncs (paced) rather than being delivered wrong.

use std::borrow::Cow;

use feed_core::book::checksum::kraken_checksum_with;
use feed_core::book::{
    BookBatch, BookMessageKind, BookParams, BookRules, BookSide, LevelTexts, OrderBook,
    SequenceRule, SnapshotSource,
};
use feed_core::runtime::FrameError;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::{FrameContext, Subscription};
use crate::markets::Market;
use crate::parse::{decimal, malformed, rfc3339_to_seconds, scalar_text};

/// The depths Kraken's `book` channel allows.
pub(super) const DEPTHS: [usize; 5] = [10, 25, 100, 500, 1000];

/// The stream depth subscribed for `book_depth` delivered levels.
pub(super) fn stream_depth(book_depth: usize) -> usize {
    DEPTHS
        .iter()
        .copied()
        .find(|depth| *depth >= book_depth)
        .unwrap_or(DEPTHS[DEPTHS.len() - 1])
}

/// Kraken's checksum of a book, with the pair's precisions.
fn checksum(book: &OrderBook, params: &BookParams, texts: &mut LevelTexts) -> u32 {
    kraken_checksum_with(book, params.price_scale, params.size_scale, texts)
}

/// The documented synchronization: no sequence ids, snapshots from the stream, a
/// checksum after every message, truncation to the subscribed depth.
pub(super) fn rules() -> BookRules {
    BookRules::new(SequenceRule::None, SnapshotSource::Stream)
        .with_checksum(checksum)
        .truncating()
}

pub(super) fn params(subscription: &Subscription, market: Option<&Market>) -> BookParams {
    BookParams {
        stream_depth: Some(subscription.chosen_stream_depth(stream_depth)),
        price_scale: market.and_then(|market| market.price_precision),
        size_scale: market.and_then(|market| market.size_precision),
        ..BookParams::with_depth(subscription.book_depth)
    }
}

/// One level: `{"price": 0.5666, "qty": 4831.75496356}` (strings accepted too).
#[derive(Deserialize)]
struct WireLevel<'a> {
    #[serde(borrow)]
    price: &'a RawValue,
    #[serde(borrow)]
    qty: &'a RawValue,
}

/// One element of a `book` frame's `data`, as documented (a snapshot):
///
/// ```json
/// {"channel":"book","type":"snapshot","data":[{"symbol":"MATIC/USD",
///   "bids":[{"price":0.5666,"qty":4831.75496356},{"price":0.5665,"qty":6658.22734739}, ...],
///   "asks":[{"price":0.5668,"qty":4410.79769741},{"price":0.5669,"qty":4655.40412487}, ...],
///   "checksum":2439117997,"timestamp":"2023-10-06T17:35:55.440295Z"}]}
/// ```
///
/// and an update:
///
/// ```json
/// {"channel":"book","type":"update","data":[{"symbol":"MATIC/USD",
///   "bids":[{"price":0.5657,"qty":1098.3947558}],"asks":[],
///   "checksum":2114181697,"timestamp":"2023-10-06T17:35:55.440295Z"}]}
/// ```
///
/// "The book element is always the first and only item in the data payload"; every
/// element is read anyway. `bids` or `asks` may be empty. `checksum` is the CRC32 of the
/// book after the message (an unsigned integer); `timestamp` (RFC 3339) is "the timestamp
/// of the order book snapshot" or "the book order update timestamp" and becomes the
/// book's timestamp. Elements of markets not subscribed are skipped.
#[derive(Deserialize)]
struct WireBook<'a> {
    #[serde(borrow)]
    symbol: Cow<'a, str>,
    #[serde(borrow, default)]
    bids: Vec<WireLevel<'a>>,
    #[serde(borrow, default)]
    asks: Vec<WireLevel<'a>>,
    checksum: Option<u32>,
    #[serde(borrow)]
    timestamp: Option<Cow<'a, str>>,
}

/// `value` with at least `precision` fraction digits: padded with zeros, never rounded.
pub(super) fn at_precision(mut value: Decimal, precision: Option<u32>) -> Decimal {
    if let Some(precision) = precision {
        if value.scale() < precision {
            value.rescale(precision);
        }
    }
    value
}

fn push_levels(
    books: &mut BookBatch,
    side: BookSide,
    levels: &[WireLevel<'_>],
    market: Option<&Market>,
) -> Result<(), FrameError> {
    let (price_precision, size_precision) = market.map_or((None, None), |market| {
        (market.price_precision, market.size_precision)
    });
    for level in levels {
        let price = decimal(&scalar_text(level.price, "price")?, "price")?;
        let size = decimal(&scalar_text(level.qty, "qty")?, "qty")?;
        books.push_level(
            side,
            at_precision(price, price_precision),
            at_precision(size, size_precision),
        );
    }
    Ok(())
}

/// The `data` of a `book` frame (`kind`: snapshot or update) as book messages.
pub(super) fn push_book_frame(
    kind: BookMessageKind,
    data: &RawValue,
    context: &FrameContext<'_>,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let elements: Vec<WireBook<'_>> =
        serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    for element in &elements {
        let Some(symbol) = context.markets.symbol(&element.symbol) else {
            continue; // a market this feed did not subscribe to
        };
        let timestamp = element
            .timestamp
            .as_deref()
            .map(|text| {
                rfc3339_to_seconds(text).ok_or_else(|| {
                    FrameError::Malformed(format!("timestamp is not an RFC 3339 time: {text:?}"))
                })
            })
            .transpose()?;
        let market = context.markets.market(symbol);
        let message = books.start(symbol.clone(), kind);
        message.checksum = element.checksum;
        message.timestamp = timestamp;
        push_levels(books, BookSide::Bid, &element.bids, market)?;
        push_levels(books, BookSide::Ask, &element.asks, market)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use feed_core::book::{BookOutcome, SymbolBook};
    use feed_core::{Channel, Symbol};

    use super::*;
    use crate::markets::MarketMap;

    /// The snapshot of Kraken's v2 book page, exactly.
    const DOCUMENTED_SNAPSHOT: &str = r#"{
        "channel": "book",
        "type": "snapshot",
        "data": [
            {
                "symbol": "MATIC/USD",
                "bids": [
                    { "price": 0.5666, "qty": 4831.75496356 },
                    { "price": 0.5665, "qty": 6658.22734739 },
                    { "price": 0.5664, "qty": 18724.91513344 },
                    { "price": 0.5663, "qty": 11563.92544914 },
                    { "price": 0.5662, "qty": 14006.65365711 },
                    { "price": 0.5661, "qty": 17454.85679807 },
                    { "price": 0.566, "qty": 18097.1547 },
                    { "price": 0.5659, "qty": 33644.89175666 },
                    { "price": 0.5658, "qty": 148.3464 },
                    { "price": 0.5657, "qty": 606.70854372 }
                ],
                "asks": [
                    { "price": 0.5668, "qty": 4410.79769741 },
                    { "price": 0.5669, "qty": 4655.40412487 },
                    { "price": 0.567, "qty": 49844.89424998 },
                    { "price": 0.5671, "qty": 24306.41678 },
                    { "price": 0.5672, "qty": 29783.25223475 },
                    { "price": 0.5673, "qty": 57234.71239278 },
                    { "price": 0.5674, "qty": 45065.04744 },
                    { "price": 0.5675, "qty": 5912.76380354 },
                    { "price": 0.5676, "qty": 42514.92434778 },
                    { "price": 0.5677, "qty": 36304.0847022 }
                ],
                "checksum": 2439117997,
                "timestamp": "2023-10-06T17:35:55.440295Z"
            }
        ]
    }"#;

    /// The update of Kraken's v2 book page, exactly.
    const DOCUMENTED_UPDATE: &str = r#"{
        "channel": "book",
        "type": "update",
        "data": [
            {
                "symbol": "MATIC/USD",
                "bids": [
                    { "price": 0.5657, "qty": 1098.3947558 }
                ],
                "asks": [],
                "checksum": 2114181697,
                "timestamp": "2023-10-06T17:35:55.440295Z"
            }
        ]
    }"#;

    fn matic(precision: bool) -> Market {
        let market = Market::new("MATIC", "USD", "MATIC/USD");
        if precision {
            market.with_precision(Some(4), Some(8))
        } else {
            market
        }
    }

    /// The parts of a test frame the session's dispatcher reads.
    #[derive(Deserialize)]
    struct TestFrame<'a> {
        #[serde(rename = "type", borrow)]
        kind: Cow<'a, str>,
        #[serde(borrow)]
        data: &'a RawValue,
    }

    /// A whole `book` frame, its numbers' text kept (as the dispatcher hands it over).
    fn parse(frame: &str, markets: &[Market]) -> BookBatch {
        let frame: TestFrame<'_> = serde_json::from_str(frame).unwrap();
        let kind = if frame.kind == "snapshot" {
            BookMessageKind::Snapshot
        } else {
            BookMessageKind::Delta
        };
        parse_data(kind, frame.data.get(), markets).unwrap()
    }

    fn parse_data(
        kind: BookMessageKind,
        data: &str,
        markets: &[Market],
    ) -> Result<BookBatch, FrameError> {
        let markets = MarketMap::new(markets.iter().cloned());
        let exchange: Arc<str> = "KRAKEN".into();
        let context = FrameContext {
            connection: None,
            markets: &markets,
            exchange: &exchange,
            receipt: Decimal::ONE,
        };
        let raw: Box<RawValue> = serde_json::from_str(data).unwrap();
        let mut books = BookBatch::default();
        push_book_frame(kind, &raw, &context, &mut books)?;
        Ok(books)
    }

    fn subscription(depth: usize) -> Subscription {
        Subscription {
            book_depth: depth,
            ..Subscription::new(
                Channel::L2Book,
                Symbol::parse("MATIC-USD").unwrap(),
                "MATIC/USD",
            )
        }
    }

    #[test]
    fn the_documented_snapshot_and_update_check_out_at_the_pairs_precision() {
        let market = matic(true);
        let snapshot = parse(DOCUMENTED_SNAPSHOT, std::slice::from_ref(&market));
        let message = &snapshot.messages[0];
        assert_eq!(message.kind, BookMessageKind::Snapshot);
        assert_eq!(message.symbol.as_str(), "MATIC-USD");
        assert_eq!(message.checksum, Some(2_439_117_997));
        assert_eq!(message.timestamp.unwrap().to_string(), "1696613755.440295");
        let levels = snapshot.levels_of(message);
        assert_eq!(levels.len(), 20);
        assert_eq!(
            (
                levels[6].side,
                levels[6].price.to_string(),
                levels[6].size.to_string()
            ),
            (BookSide::Bid, "0.5660".into(), "18097.15470000".into()),
            "padded to the pair's precision"
        );
        assert_eq!(levels[10].side, BookSide::Ask);

        let rules = rules();
        let mut book = SymbolBook::new(
            market.symbol.clone(),
            params(&subscription(10), Some(&market)),
        );
        assert_eq!(
            book.apply(&rules, message, levels),
            BookOutcome::Synced,
            "the documented checksum matches"
        );
        let update = parse(DOCUMENTED_UPDATE, std::slice::from_ref(&market));
        let message = &update.messages[0];
        assert_eq!(
            (message.kind, message.checksum),
            (BookMessageKind::Delta, Some(2_114_181_697))
        );
        assert_eq!(
            book.apply(&rules, message, update.levels_of(message)),
            BookOutcome::Changed
        );
        let worst_bid = book.book().bids().last().unwrap();
        assert_eq!(worst_bid.size.to_string(), "1098.39475580");
    }

    /// "You won't receive `qty: 0` for price levels that fall out of scope": a new level
    /// pushes the worst out of a depth-10 book, which must not come back when the best
    /// goes.
    #[test]
    fn levels_pushed_out_of_the_depth_are_dropped() {
        let market = matic(true);
        let markets = std::slice::from_ref(&market);
        let rules = rules();
        let mut book = SymbolBook::new(
            market.symbol.clone(),
            params(&subscription(10), Some(&market)),
        );
        let snapshot = parse(DOCUMENTED_SNAPSHOT, markets);
        book.apply(&rules, &snapshot.messages[0], &snapshot.levels);
        let insert = parse_data(
            BookMessageKind::Delta,
            r#"[{"symbol":"MATIC/USD","bids":[{"price":0.5667,"qty":10}],"asks":[]}]"#,
            markets,
        )
        .unwrap();
        book.apply(&rules, &insert.messages[0], &insert.levels);
        let bids = |book: &SymbolBook| -> Vec<String> {
            book.book()
                .bids()
                .map(|level| level.price.to_string())
                .collect()
        };
        assert_eq!(bids(&book).len(), 10);
        assert_eq!(bids(&book)[0], "0.5667");
        assert_eq!(bids(&book)[9], "0.5658", "0.5657 fell out of scope");
        let delete = parse_data(
            BookMessageKind::Delta,
            r#"[{"symbol":"MATIC/USD","bids":[{"price":0.5667,"qty":0}],"asks":[]}]"#,
            markets,
        )
        .unwrap();
        book.apply(&rules, &delete.messages[0], &delete.levels);
        assert_eq!(bids(&book).len(), 9, "the dropped level does not come back");
        assert_eq!(bids(&book)[8], "0.5658");
    }

    #[test]
    fn without_the_precision_the_documented_checksum_fails() {
        let market = matic(false);
        let snapshot = parse(DOCUMENTED_SNAPSHOT, std::slice::from_ref(&market));
        let message = &snapshot.messages[0];
        let levels = snapshot.levels_of(message);
        assert_eq!(levels[6].price.to_string(), "0.566", "as sent");
        let mut book = SymbolBook::new(
            market.symbol.clone(),
            params(&subscription(10), Some(&market)),
        );
        assert!(matches!(
            book.apply(&rules(), message, levels),
            BookOutcome::Broken(reason) if reason.starts_with("checksum mismatch")
        ));
    }

    /// The checksum guide's BTC/USD snapshot (numbers written with full precision):
    /// 3310070434 with BTC/USD's precisions, 1 and 8.
    #[test]
    fn the_checksum_guides_btc_usd_snapshot() {
        let bids = [
            ("45283.5", "0.10000000"),
            ("45283.4", "1.54582015"),
            ("45282.1", "0.10000000"),
            ("45281.0", "0.10000000"),
            ("45280.3", "1.54592586"),
            ("45279.0", "0.07990000"),
            ("45277.6", "0.03310103"),
            ("45277.5", "0.30000000"),
            ("45277.3", "1.54602737"),
            ("45276.6", "0.15445238"),
        ];
        let asks = [
            ("45285.2", "0.00100000"),
            ("45286.4", "1.54571953"),
            ("45286.6", "1.54571109"),
            ("45289.6", "1.54560911"),
            ("45290.2", "0.15890660"),
            ("45291.8", "1.54553491"),
            ("45294.7", "0.04454749"),
            ("45296.1", "0.35380000"),
            ("45297.5", "0.09945542"),
            ("45299.5", "0.18772827"),
        ];
        let side = |levels: &[(&str, &str)]| -> String {
            levels
                .iter()
                .map(|(price, qty)| format!(r#"{{"price":{price},"qty":{qty}}}"#))
                .collect::<Vec<_>>()
                .join(",")
        };
        let data = format!(
            r#"[{{"symbol":"BTC/USD","bids":[{}],"asks":[{}],"checksum":3310070434}}]"#,
            side(&bids),
            side(&asks)
        );
        let market = Market::new("BTC", "USD", "BTC/USD").with_precision(Some(1), Some(8));
        let batch = parse_data(
            BookMessageKind::Snapshot,
            &data,
            std::slice::from_ref(&market),
        )
        .unwrap();
        let message = &batch.messages[0];
        assert_eq!(
            message.timestamp, None,
            "no timestamp in the guide's example"
        );
        let subscription = Subscription {
            book_depth: 10,
            ..Subscription::new(Channel::L2Book, market.symbol.clone(), "BTC/USD")
        };
        let mut book = SymbolBook::new(market.symbol.clone(), params(&subscription, Some(&market)));
        assert_eq!(
            book.apply(&rules(), message, batch.levels_of(message)),
            BookOutcome::Synced
        );
    }

    #[test]
    fn the_stream_depth_is_the_smallest_allowed_not_below_book_depth() {
        let depths: Vec<usize> = [1, 5, 10, 11, 25, 26, 100, 101, 500, 501, 1000, 5000]
            .iter()
            .map(|depth| stream_depth(*depth))
            .collect();
        assert_eq!(
            depths,
            vec![10, 10, 10, 25, 25, 100, 100, 500, 500, 1000, 1000, 1000]
        );
        let params = params(&subscription(12), Some(&matic(true)));
        assert_eq!(params.depth, 12);
        assert_eq!(params.stream_depth, Some(25));
        assert_eq!((params.price_scale, params.size_scale), (Some(4), Some(8)));
        let rules = rules();
        assert!(rules.truncate_to_stream_depth && rules.checksum.is_some());
        assert_eq!(
            (rules.sequence, rules.snapshot),
            (SequenceRule::None, SnapshotSource::Stream)
        );
    }

    #[test]
    fn unsubscribed_markets_are_skipped_and_bad_levels_are_malformed() {
        assert!(parse(DOCUMENTED_UPDATE, &[]).is_empty());
        let markets = [matic(true)];
        for (data, expected) in [
            (
                r#"[{"symbol":"MATIC/USD","bids":[{"price":"x","qty":1}],"asks":[]}]"#,
                "price",
            ),
            (
                r#"[{"symbol":"MATIC/USD","bids":[],"asks":[{"price":1,"qty":null}]}]"#,
                "qty",
            ),
            (
                r#"[{"symbol":"MATIC/USD","bids":[],"asks":[],"timestamp":"today"}]"#,
                "timestamp",
            ),
            (
                r#"[{"symbol":"MATIC/USD","bids":[],"asks":[],"checksum":-1}]"#,
                "",
            ),
            (r#"{"symbol":"MATIC/USD"}"#, ""),
        ] {
            match parse_data(BookMessageKind::Delta, data, &markets) {
                Err(FrameError::Malformed(text)) => assert!(text.contains(expected), "{text}"),
                other => panic!("{data}: {other:?}"),
            }
        }
        let exponent = parse_data(
            BookMessageKind::Delta,
            r#"[{"symbol":"MATIC/USD","bids":[{"price":0.5,"qty":1e-8}],"asks":[],"checksum":1}]"#,
            &markets,
        )
        .unwrap();
        let level = exponent.levels[0];
        assert_eq!(
            (level.price.to_string(), level.size.to_string()),
            ("0.5000".into(), "0.00000001".into())
        );
    }
}
