//! Hyperliquid's `l2Book` channel: every message is the whole book at its depth.
//!
//! The documented feed is a "Snapshot feed, pushed on each block that is at least 0.5
//! since last push", 5 levels per side with `"fast": true`, 20 without. Messages carry no
//! sequence number and no checksum, so each one is a [`BookMessageKind::Snapshot`] that
//! replaces the book ([`SnapshotSource::Stream`], [`SequenceRule::None`]): a lost message
//! cannot be detected, and costs nothing, as the next one replaces the book whole. The
//! book's only integrity check is that it is not crossed; a crossed one is a gap of that
//! symbol and a resync (unsubscribe, subscribe again).

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

/// The channel and subscription type.
pub(super) const CHANNEL: &str = "l2Book";
/// Levels per side of the `fast` feed.
pub(super) const FAST_LEVELS: usize = 5;
/// Levels per side of the default feed: the most a book can deliver.
pub(super) const LEVELS: usize = 20;

/// The levels per side the subscription's feed sends: [`FAST_LEVELS`] for a `book_depth`
/// (or a given stream depth) up to 5, else [`LEVELS`].
pub(super) fn stream_levels(subscription: &Subscription) -> usize {
    let chosen = subscription.chosen_stream_depth(|depth| depth);
    if chosen <= FAST_LEVELS {
        FAST_LEVELS
    } else {
        LEVELS
    }
}

/// Whether the subscription's feed is the `fast` one.
pub(super) fn is_fast(subscription: &Subscription) -> bool {
    stream_levels(subscription) == FAST_LEVELS
}

/// Every message a snapshot from the stream, no sequence.
pub(super) fn rules() -> BookRules {
    BookRules::new(SequenceRule::None, SnapshotSource::Stream)
}

/// Delivers `book_depth` levels, at most what the feed sends.
pub(super) fn params(subscription: &Subscription) -> BookParams {
    let levels = stream_levels(subscription);
    BookParams {
        stream_depth: Some(levels),
        ..BookParams::with_depth(subscription.book_depth.min(levels))
    }
}

/// One price level, `{"px":"19900","sz":"1","n":1}`: price, size in coins, and the number
/// of orders (not kept).
#[derive(Deserialize)]
pub(super) struct WireLevel<'a> {
    #[serde(borrow)]
    px: &'a RawValue,
    #[serde(borrow)]
    sz: &'a RawValue,
}

impl WireLevel<'_> {
    /// The level's price and size, exactly as sent.
    pub(super) fn price_size(&self) -> Result<(Decimal, Decimal), FrameError> {
        let price = scalar_text(self.px, "px")?;
        let size = scalar_text(self.sz, "sz")?;
        Ok((decimal(&price, "px")?, decimal(&size, "sz")?))
    }
}

/// The data of an `l2Book` message, as documented (`WsBook`):
///
/// ```json
/// {"channel":"l2Book","data":{"coin":"BTC","time":1681923833000,
///  "levels":[[{"px":"19900","sz":"1","n":1},{"px":"19800","sz":"2","n":2}],
///            [{"px":"20100","sz":"1","n":1},{"px":"20200","sz":"2","n":2}]]}}
/// ```
///
/// `levels` is `[bids, asks]`, best first; `time` is in milliseconds.
#[derive(Deserialize)]
struct WsBook<'a> {
    #[serde(borrow)]
    coin: Cow<'a, str>,
    #[serde(borrow)]
    time: &'a RawValue,
    #[serde(borrow)]
    levels: (Vec<WireLevel<'a>>, Vec<WireLevel<'a>>),
}

/// An `l2Book` message of a listed coin as one snapshot; other coins are skipped. On an
/// error nothing of it is kept.
pub(super) fn push_book(
    data: &RawValue,
    context: &FrameContext<'_>,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let book: WsBook<'_> = serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    let Some(symbol) = context.markets.symbol(&book.coin) else {
        return Ok(()); // a coin this feed did not subscribe to
    };
    let time = integer(book.time, "time")?;
    let mark = books.mark();
    books
        .start(symbol.clone(), BookMessageKind::Snapshot)
        .timestamp = Some(millis_to_seconds(time));
    let (bids, asks) = &book.levels;
    for (side, levels) in [(BookSide::Bid, bids), (BookSide::Ask, asks)] {
        for level in levels {
            match level.price_size() {
                Ok((price, size)) => books.push_level(side, price, size),
                Err(error) => {
                    books.rollback(mark);
                    return Err(error);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::exchanges::hyperliquid::frame::parse_frame;
    use crate::markets::Market;
    use crate::parsed::ParsedFrame;
    use crate::testing::parse_frame_with;
    use feed_core::{Channel, Symbol};

    /// The documented book levels (the info endpoint's example) in the documented
    /// `WsBook` message.
    pub(crate) const DOCUMENTED_BOOK: &str = r#"{"channel":"l2Book","data":{"coin":"BTC","time":1681923833000,"levels":[[{"px":"19900","sz":"1","n":1},{"px":"19800","sz":"2","n":2},{"px":"19700","sz":"3","n":3}],[{"px":"20100","sz":"1","n":1},{"px":"20200","sz":"2","n":2},{"px":"20300","sz":"3","n":3}]]}}"#;

    fn parse(frame: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [Market::for_symbol(Symbol::perpetual("BTC", "USDC"), "BTC")];
        parse_frame_with(parse_frame, &markets, "HYPERLIQUID", "1681923833.5", frame)
    }

    fn side(parsed: &ParsedFrame, side: BookSide) -> Vec<(String, String)> {
        parsed
            .books
            .levels_of(&parsed.books.messages[0])
            .iter()
            .filter(|level| level.side == side)
            .map(|level| (level.price.to_string(), level.size.to_string()))
            .collect()
    }

    #[test]
    fn documented_book_is_one_snapshot_with_its_time() {
        let parsed = parse(DOCUMENTED_BOOK).unwrap();
        assert_eq!(parsed.books.messages.len(), 1);
        let message = &parsed.books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Snapshot);
        assert_eq!(message.symbol.as_str(), "BTC-USDC-PERP");
        assert_eq!(message.timestamp.unwrap().to_string(), "1681923833.000");
        assert_eq!(
            (message.first_id, message.last_id, message.prev_id),
            (None, None, None)
        );
        assert_eq!(message.checksum, None);
        let pairs = |levels: &[(&str, &str)]| -> Vec<(String, String)> {
            levels
                .iter()
                .map(|(price, size)| ((*price).to_owned(), (*size).to_owned()))
                .collect()
        };
        assert_eq!(
            side(&parsed, BookSide::Bid),
            pairs(&[("19900", "1"), ("19800", "2"), ("19700", "3")])
        );
        assert_eq!(
            side(&parsed, BookSide::Ask),
            pairs(&[("20100", "1"), ("20200", "2"), ("20300", "3")])
        );
    }

    #[test]
    fn a_one_sided_book_other_coins_and_bad_books() {
        let one_sided = r#"{"channel":"l2Book","data":{"coin":"BTC","time":1,"levels":[[],[{"px":"20100.5","sz":"0.00100","n":1}]]}}"#;
        let parsed = parse(one_sided).unwrap();
        assert!(side(&parsed, BookSide::Bid).is_empty());
        assert_eq!(
            side(&parsed, BookSide::Ask),
            vec![("20100.5".to_owned(), "0.00100".to_owned())]
        );
        let other = DOCUMENTED_BOOK.replace(r#""coin":"BTC""#, r#""coin":"SOL""#);
        assert!(parse(&other).unwrap().books.is_empty());
        for bad in [
            DOCUMENTED_BOOK.replace(r#""px":"19800""#, r#""px":"x""#),
            DOCUMENTED_BOOK.replace(r#""sz":"3","n":3}]]"#, r#""sz":null,"n":3}]]"#),
            DOCUMENTED_BOOK.replace(r#""time":1681923833000,"#, ""),
            DOCUMENTED_BOOK.replace("]]}}", "],[]]}}"),
            DOCUMENTED_BOOK.replace(r#""levels":[["#, r#""levels":{"bids":["#),
        ] {
            let mut out = ParsedFrame::default();
            let markets = crate::markets::MarketMap::new([Market::for_symbol(
                Symbol::perpetual("BTC", "USDC"),
                "BTC",
            )]);
            let exchange: std::sync::Arc<str> = "HYPERLIQUID".into();
            let context = FrameContext {
                connection: None,
                markets: &markets,
                exchange: &exchange,
                receipt: Decimal::ONE,
            };
            assert!(
                matches!(
                    parse_frame(&bad, &context, &mut out),
                    Err(FrameError::Malformed(_))
                ),
                "{bad}"
            );
            assert!(out.books.is_empty() && out.books.levels.is_empty(), "{bad}");
        }
    }

    #[test]
    fn depths_up_to_five_are_fast_and_twenty_levels_at_most_are_delivered() {
        let mut subscription =
            Subscription::new(Channel::L2Book, Symbol::perpetual("BTC", "USDC"), "BTC");
        let at = |subscription: &Subscription| {
            let params = params(subscription);
            (params.depth, params.stream_depth, is_fast(subscription))
        };
        assert_eq!(
            at(&subscription),
            (10, Some(20), false),
            "the default depth"
        );
        subscription.book_depth = 5;
        assert_eq!(at(&subscription), (5, Some(5), true));
        subscription.book_depth = 1;
        assert_eq!(at(&subscription), (1, Some(5), true));
        subscription.book_depth = 6;
        assert_eq!(at(&subscription), (6, Some(20), false));
        subscription.book_depth = 50;
        assert_eq!(at(&subscription), (20, Some(20), false));
        subscription.stream_depth = Some(5);
        assert_eq!(
            at(&subscription),
            (5, Some(5), true),
            "a fast recording's depth"
        );
        let rules = rules();
        assert_eq!(rules.sequence, SequenceRule::None);
        assert_eq!(rules.snapshot, SnapshotSource::Stream);
        assert!(rules.checksum.is_none() && !rules.truncate_to_stream_depth);
    }
}
