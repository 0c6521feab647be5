//! The L2 book of both futures products: the diff stream `<symbol>@depth@100ms` joined with
//! the REST snapshot `GET /fapi/v1/depth` (`/dapi/v1/depth` for COIN-M), by the documented
//! procedure, the same on both
//! (<https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/How-to-manage-a-local-order-book-correctly>,
//! <https://developers.binance.com/docs/derivatives/coin-margined-futures/websocket-market-streams/How-to-manage-a-local-order-book-correctly>):
//!
//! 1. Buffer the events from the stream; fetch the snapshot.
//! 2. Drop events with `u` < `lastUpdateId`; the first processed has
//!    `U <= lastUpdateId <= u`.
//! 3. Afterwards each event's `pu` equals the previous event's `u`; otherwise start again
//!    from the snapshot (that symbol alone refetches).
//! 4. Quantities are absolute; quantity zero removes the level, also one not in the book.
//!
//! That is [`SequenceRule::PreviousLast`] with `prev_id = pu` over a REST snapshot. The
//! event and snapshot payloads are spot's plus `T` (transaction time) and `pu` (COIN-M:
//! and the pair `ps`; its snapshot adds `symbol` and `pair`), read by spot's parsers
//! (`super::super::binance::book`); the book's time is the event time `E`.
//!
//! Snapshot size: the documented limits are 5, 10, 20, 50, 100, 500 and 1000 levels, of
//! weight 2 (up to 50), 5 (100), 10 (500) and 20 (1000) of the 2400 per minute per IP, on
//! both products. The limit asked is the smallest one holding 20 times `book_depth` (1000
//! beyond 25): levels that move into the delivered top come from the snapshot, and a book
//! whose delivered top would reach past the snapshot's last level resyncs
//! (`feed_core::book::BookParams`); a resync of every book of a connection (a reconnect)
//! costs 10 per symbol at the default depth of 10.

use feed_core::book::{BookParams, BookRules, SequenceRule, SnapshotSource};

use super::product::Product;
use crate::adapter::Subscription;
use crate::exchanges::binance;

/// The documented snapshot limits.
const SNAPSHOT_LIMITS: [usize; 7] = [5, 10, 20, 50, 100, 500, 1000];

/// How many times the delivered depth the snapshot holds.
const SNAPSHOT_MARGIN: usize = 20;

/// The documented synchronization.
pub(super) fn rules() -> BookRules {
    BookRules::new(SequenceRule::PreviousLast, SnapshotSource::Rest).named("U", "u", "pu")
}

/// The REST snapshot size for a delivered depth.
pub(super) fn snapshot_limit(book_depth: usize) -> usize {
    let wanted = book_depth.saturating_mul(SNAPSHOT_MARGIN);
    SNAPSHOT_LIMITS
        .into_iter()
        .find(|limit| *limit >= wanted)
        .unwrap_or(1000)
}

pub(super) fn params(subscription: &Subscription) -> BookParams {
    binance::book::params_with_limit(subscription, snapshot_limit(subscription.book_depth))
}

pub(super) fn snapshot_url(
    product: &Product,
    rest_base: &str,
    subscription: &Subscription,
) -> String {
    binance::book::depth_url(
        rest_base,
        &format!("{}/v1/depth", product.rest_prefix),
        subscription,
        snapshot_limit(subscription.book_depth),
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use feed_core::book::{BookBatch, BookMessageKind, BookSide};
    use feed_core::{Channel, Symbol};

    use super::*;
    use crate::adapter::FrameContext;
    use crate::exchanges::binance::book::{parse_snapshot, push_depth_update};
    use crate::exchanges::binance_delivery::COIN_M;
    use crate::exchanges::binance_futures::product::USD_M;
    use crate::markets::{Market, MarketMap};

    /// The diff event from the Diff. Book Depth Streams page.
    const DOCUMENTED_DEPTH_UPDATE: &str = r#"{"e":"depthUpdate","E":123456789,"T":123456788,"s":"BTCUSDT","U":157,"u":160,"pu":149,"b":[["0.0024","10"]],"a":[["0.0026","100"]]}"#;

    fn perpetual() -> Subscription {
        Subscription::new(Channel::L2Book, Symbol::perpetual("BTC", "USDT"), "BTCUSDT")
    }

    #[test]
    fn documented_depth_update_becomes_a_delta_naming_the_previous_event() {
        let markets = MarketMap::new([Market::for_symbol(
            Symbol::perpetual("BTC", "USDT"),
            "BTCUSDT",
        )]);
        let exchange: Arc<str> = "BINANCE_FUTURES".into();
        let context = FrameContext {
            connection: None,
            markets: &markets,
            exchange: &exchange,
            receipt: rust_decimal::Decimal::ONE,
        };
        let spaced = DOCUMENTED_DEPTH_UPDATE.replace(',', ", ");
        for frame in [DOCUMENTED_DEPTH_UPDATE, spaced.as_str()] {
            let mut books = BookBatch::default();
            push_depth_update(frame, &context, &mut books).unwrap();
            let message = &books.messages[0];
            assert_eq!(message.symbol.as_str(), "BTC-USDT-PERP");
            assert_eq!(message.kind, BookMessageKind::Delta);
            assert_eq!(
                (message.first_id, message.last_id, message.prev_id),
                (Some(157), Some(160), Some(149)),
                "{frame}"
            );
            assert_eq!(message.timestamp.unwrap().to_string(), "123456.789");
            let levels: Vec<(BookSide, String, String)> = books
                .levels_of(message)
                .iter()
                .map(|level| (level.side, level.price.to_string(), level.size.to_string()))
                .collect();
            assert_eq!(
                levels,
                vec![
                    (BookSide::Bid, "0.0024".into(), "10".into()),
                    (BookSide::Ask, "0.0026".into(), "100".into())
                ]
            );
        }
    }

    /// The REST snapshot from the Order Book page (`GET /fapi/v1/depth`).
    #[test]
    fn documented_snapshot_and_the_request_for_it() {
        let mut books = BookBatch::default();
        parse_snapshot(
            r#"{"lastUpdateId":1027024,"E":1589436922972,"T":1589436922959,"bids":[["4.00000000","431.00000000"]],"asks":[["4.00000200","12.00000000"]]}"#,
            &perpetual(),
            &mut books,
        )
        .unwrap();
        let message = &books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Snapshot);
        assert_eq!(message.last_id, Some(1_027_024));
        let levels = books.levels_of(message);
        assert_eq!(
            (levels[0].price.to_string(), levels[0].size.to_string()),
            ("4.00000000".into(), "431.00000000".into())
        );
        assert_eq!(
            (levels[1].side, levels[1].price.to_string()),
            (BookSide::Ask, "4.00000200".into())
        );
        assert_eq!(
            snapshot_url(&USD_M, "https://fapi.binance.com", &perpetual()),
            "https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDT&limit=500"
        );
    }

    #[test]
    fn the_snapshot_limit_is_a_documented_one_of_twenty_times_the_depth() {
        let limits: Vec<usize> = [1, 5, 10, 25, 26, 100, 5000]
            .into_iter()
            .map(snapshot_limit)
            .collect();
        assert_eq!(limits, vec![20, 100, 500, 500, 1000, 1000, 1000]);
        assert_eq!(params(&perpetual()).snapshot_depth, Some(500));
        let rules = rules();
        assert_eq!(rules.sequence, SequenceRule::PreviousLast);
        assert_eq!(rules.snapshot, SnapshotSource::Rest);
        assert_eq!(rules.names.prev, "pu");
    }

    /// COIN-M's documented diff (with the pair `ps`) and snapshot (with `symbol` and
    /// `pair`), and its snapshot request on `/dapi`.
    #[test]
    fn coin_m_documented_depth_update_and_snapshot() {
        let markets = MarketMap::new([Market::for_symbol(
            Symbol::future("BTC", "USD", feed_core::Expiry::new(2020, 6, 26).unwrap()),
            "BTCUSD_200626",
        )]);
        let exchange: Arc<str> = "BINANCE_DELIVERY".into();
        let context = FrameContext {
            connection: None,
            markets: &markets,
            exchange: &exchange,
            receipt: rust_decimal::Decimal::ONE,
        };
        let diff = r#"{"e":"depthUpdate","E":1591270260907,"T":1591270260891,"s":"BTCUSD_200626","ps":"BTCUSD","U":17285681,"u":17285702,"pu":17285675,"b":[["9517.6","10"]],"a":[["9518.5","45"]]}"#;
        let mut books = BookBatch::default();
        push_depth_update(diff, &context, &mut books).unwrap();
        let message = &books.messages[0];
        assert_eq!(message.symbol.as_str(), "BTC-USD-26JUN20");
        assert_eq!(
            (message.first_id, message.last_id, message.prev_id),
            (Some(17_285_681), Some(17_285_702), Some(17_285_675))
        );
        assert_eq!(message.timestamp.unwrap().to_string(), "1591270260.907");
        let levels = books.levels_of(message);
        assert_eq!(
            (
                levels[1].side,
                levels[1].price.to_string(),
                levels[1].size.to_string()
            ),
            (BookSide::Ask, "9518.5".into(), "45".into())
        );

        let subscription = Subscription::new(
            Channel::L2Book,
            Symbol::perpetual("BTC", "USD"),
            "BTCUSD_PERP",
        );
        let mut books = BookBatch::default();
        parse_snapshot(
            r#"{"lastUpdateId":16769853,"symbol":"BTCUSD_PERP","pair":"BTCUSD","E":1591250106370,"T":1591250106368,"bids":[["9638.0","431"]],"asks":[["9638.2","12"]]}"#,
            &subscription,
            &mut books,
        )
        .unwrap();
        assert_eq!(books.messages[0].last_id, Some(16_769_853));
        assert_eq!(books.levels_of(&books.messages[0]).len(), 2);
        assert_eq!(
            snapshot_url(&COIN_M, "https://dapi.binance.com", &subscription),
            "https://dapi.binance.com/dapi/v1/depth?symbol=BTCUSD_PERP&limit=500"
        );
    }
}
