//! Gate's L2 book: `spot.order_book_update` (`100ms`, the best 100 levels) joined with the
//! REST snapshot `GET /api/v4/spot/order_book?with_id=true`, by the documented steps
//! (<https://www.gate.com/docs/developers/apiv4/ws/en/#how-to-maintain-local-order-book>):
//!
//! 1. Subscribe and cache the notifications; each carries `U` and `u`, the first and last
//!    update id it covers.
//! 2. Fetch the base book with `with_id=true`; its `id` is the base id.
//! 3. Drop the cached notifications with `u < id + 1`; the first one consumed has
//!    `U <= id + 1 <= u`. If even the first cached one has `U > id + 1`, the base book is
//!    behind: fetch it again.
//! 4. Afterwards, a notification with `U` greater than the last `u` + 1 means updates were
//!    lost: that symbol alone fetches the base book again.
//! 5. Amounts are absolute; amount `0` removes the price.
//!
//! That is [`SequenceRule::FirstLast`] with [`SnapshotSource::Rest`], as for Binance spot.
//! A push flagged `full: true` (announced by Gate: the whole book, sent at irregular
//! intervals, which must overwrite the local book) is a snapshot with the id `u`.

use feed_core::book::{
    BookBatch, BookMessageKind, BookParams, BookRules, BookSide, SequenceRule, SnapshotSource,
};
use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::{FrameContext, Subscription};
use crate::parse::{integer, malformed, parse_decimal};

/// Levels per side the `100ms` stream notifies, and the REST snapshot size.
pub(super) const DEPTH: usize = 100;

/// The documented synchronization (see the module docs).
pub(super) fn rules() -> BookRules {
    BookRules::new(SequenceRule::FirstLast, SnapshotSource::Rest)
        .truncating()
        .named("U", "u", "u")
}

/// At most 100 levels per side are delivered: the stream's and the snapshot's depth.
pub(super) fn params(subscription: &Subscription) -> BookParams {
    BookParams {
        stream_depth: Some(DEPTH),
        snapshot_depth: Some(DEPTH),
        ..BookParams::with_depth(subscription.book_depth.min(DEPTH))
    }
}

/// The REST snapshot of a subscription's book.
pub(super) fn snapshot_url(rest_base: &str, subscription: &Subscription) -> String {
    format!(
        "{rest_base}/api/v4/spot/order_book?currency_pair={}&limit={DEPTH}&with_id=true",
        subscription.exchange_symbol
    )
}

type Level<'a> = (&'a str, &'a str);

/// The `result` of a `spot.order_book_update` update, as documented:
///
/// ```json
/// {"time":1606294781,"time_ms":1606294781236,"channel":"spot.order_book_update",
///  "event":"update","result":{"t":1606294781123,"e":"depthUpdate","E":1606294781,
///  "s":"BTC_USDT","U":48776301,"u":48776306,"b":[["19137.74","0.0001"],["19088.37","0"]],
///  "a":[["19137.75","0.6135"]]}}
/// ```
///
/// with, since Gate's announcement, `"full": true` and `"l": "100"` on whole-book pushes.
/// `t` is the book's time in ms.
#[derive(Deserialize)]
struct Update<'a> {
    #[serde(borrow)]
    t: Option<&'a RawValue>,
    #[serde(borrow, default)]
    s: std::borrow::Cow<'a, str>,
    #[serde(rename = "U")]
    first: Option<u64>,
    u: u64,
    #[serde(default)]
    full: bool,
    #[serde(borrow, default)]
    b: Vec<Level<'a>>,
    #[serde(borrow, default)]
    a: Vec<Level<'a>>,
}

fn push_levels(
    books: &mut BookBatch,
    side: BookSide,
    levels: &[Level<'_>],
) -> Result<(), FrameError> {
    for (price, amount) in levels {
        match (parse_decimal(price), parse_decimal(amount)) {
            (Some(price), Some(amount)) => books.push_level(side, price, amount),
            _ => {
                return Err(FrameError::Malformed(format!(
                    "price or amount is not a decimal: {price:?}, {amount:?}"
                )))
            }
        }
    }
    Ok(())
}

/// A `spot.order_book_update` result of a listed market as one delta (a snapshot when
/// `full`); others are skipped. On an error nothing of it is kept.
pub(super) fn push_update(
    result: &RawValue,
    context: &FrameContext<'_>,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let update: Update<'_> =
        serde_json::from_str(result.get()).map_err(|error| malformed(&error))?;
    let Some(symbol) = context.markets.symbol(&update.s) else {
        return Ok(());
    };
    let timestamp = update
        .t
        .map(|raw| integer(raw, "t").map(millis_to_seconds))
        .transpose()?;
    let (kind, first_id) = if update.full {
        (BookMessageKind::Snapshot, None)
    } else {
        let first = update
            .first
            .ok_or_else(|| FrameError::Malformed("an update without U".into()))?;
        (BookMessageKind::Delta, Some(first))
    };
    let mark = books.mark();
    let message = books.start(symbol.clone(), kind);
    message.first_id = first_id;
    message.last_id = Some(update.u);
    message.timestamp = timestamp;
    let pushed = push_levels(books, BookSide::Bid, &update.b)
        .and_then(|()| push_levels(books, BookSide::Ask, &update.a));
    if pushed.is_err() {
        books.rollback(mark);
    }
    pushed
}

/// The documented REST snapshot (`with_id=true`):
///
/// ```json
/// {"id":123456,"current":1623898993123,"update":1623898993121,
///  "asks":[["1.52","1.151"],["1.53","1.218"]],"bids":[["1.17","201.863"],["1.16","725.464"]]}
/// ```
///
/// `id` is the base id the notifications' `U`/`u` continue; `update` the book's time (ms).
#[derive(Deserialize)]
struct Snapshot<'a> {
    id: u64,
    update: Option<i64>,
    #[serde(borrow)]
    asks: Vec<Level<'a>>,
    #[serde(borrow)]
    bids: Vec<Level<'a>>,
}

/// The REST snapshot body as one snapshot message.
pub(super) fn parse_snapshot(
    body: &str,
    subscription: &Subscription,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let snapshot: Snapshot<'_> = serde_json::from_str(body).map_err(|error| malformed(&error))?;
    let mark = books.mark();
    let message = books.start(subscription.symbol.clone(), BookMessageKind::Snapshot);
    message.last_id = Some(snapshot.id);
    message.timestamp = snapshot.update.map(millis_to_seconds);
    let pushed = push_levels(books, BookSide::Bid, &snapshot.bids)
        .and_then(|()| push_levels(books, BookSide::Ask, &snapshot.asks));
    if pushed.is_err() {
        books.rollback(mark);
    }
    pushed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchanges::gateio::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;
    use feed_core::{Channel, Symbol};

    const DOCUMENTED: &str = r#"{"time":1606294781,"time_ms":1606294781236,"channel":"spot.order_book_update","event":"update","result":{"t":1606294781123,"e":"depthUpdate","E":1606294781,"s":"BTC_USDT","U":48776301,"u":48776306,"b":[["19137.74","0.0001"],["19088.37","0"]],"a":[["19137.75","0.6135"]]}}"#;

    fn parse(frame: &str) -> Result<BookBatch, FrameError> {
        let markets = [Market::new("BTC", "USDT", "BTC_USDT")];
        parse_frame_with(parse_frame, &markets, "GATEIO", "1606294781.5", frame)
            .map(|parsed| parsed.books)
    }

    #[test]
    fn documented_update_becomes_a_delta_with_its_ids() {
        let books = parse(DOCUMENTED).unwrap();
        let message = &books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Delta);
        assert_eq!(message.symbol.as_str(), "BTC-USDT");
        assert_eq!(
            (message.first_id, message.last_id),
            (Some(48_776_301), Some(48_776_306))
        );
        assert_eq!(message.timestamp.unwrap().to_string(), "1606294781.123");
        let levels: Vec<(BookSide, String, String)> = books
            .levels_of(message)
            .iter()
            .map(|level| (level.side, level.price.to_string(), level.size.to_string()))
            .collect();
        assert_eq!(
            levels,
            vec![
                (BookSide::Bid, "19137.74".into(), "0.0001".into()),
                (BookSide::Bid, "19088.37".into(), "0".into()),
                (BookSide::Ask, "19137.75".into(), "0.6135".into()),
            ]
        );
    }

    #[test]
    fn a_full_push_is_a_snapshot_and_others_are_skipped_or_refused() {
        let full = DOCUMENTED.replace(
            r#""t":1606294781123,"#,
            r#""t":1606294781123,"full":true,"l":"100","#,
        );
        let books = parse(&full).unwrap();
        assert_eq!(books.messages[0].kind, BookMessageKind::Snapshot);
        assert_eq!(books.messages[0].last_id, Some(48_776_306));
        assert!(parse(&DOCUMENTED.replace("BTC_USDT", "ETH_USDT"))
            .unwrap()
            .is_empty());
        assert!(matches!(
            parse(&DOCUMENTED.replace(r#""0.6135""#, r#""x""#)),
            Err(FrameError::Malformed(_))
        ));
        assert!(matches!(
            parse(&DOCUMENTED.replace(r#""U":48776301,"#, "")),
            Err(FrameError::Malformed(_))
        ));
    }

    #[test]
    fn documented_snapshot_and_the_request_for_it() {
        let subscription = Subscription::new(
            Channel::L2Book,
            Symbol::parse("BTC-USDT").unwrap(),
            "BTC_USDT",
        );
        let mut books = BookBatch::default();
        parse_snapshot(
            r#"{"id":123456,"current":1623898993123,"update":1623898993121,"asks":[["1.52","1.151"],["1.53","1.218"]],"bids":[["1.17","201.863"],["1.16","725.464"]]}"#,
            &subscription,
            &mut books,
        )
        .unwrap();
        let message = &books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Snapshot);
        assert_eq!(message.last_id, Some(123_456));
        assert_eq!(books.levels_of(message).len(), 4);
        assert_eq!(books.levels_of(message)[0].size.to_string(), "201.863");
        assert_eq!(
            snapshot_url("https://api.gateio.ws", &subscription),
            "https://api.gateio.ws/api/v4/spot/order_book?currency_pair=BTC_USDT&limit=100&with_id=true"
        );
        let mut untouched = BookBatch::default();
        assert!(parse_snapshot(
            r#"{"label":"INVALID_CURRENCY","message":"x"}"#,
            &subscription,
            &mut untouched
        )
        .is_err());
        assert!(parse_snapshot(
            r#"{"id":1,"asks":[["1","x"]],"bids":[]}"#,
            &subscription,
            &mut untouched
        )
        .is_err());
        assert!(untouched.is_empty());
        assert_eq!(
            params(&Subscription {
                book_depth: 500,
                ..subscription
            })
            .depth,
            100
        );
    }
}
