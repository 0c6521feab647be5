//! MEXC's L2 book: `spot@public.aggre.depth.v3.api.pb@100ms@<symbol>` joined with the REST
//! snapshot `GET /api/v3/depth`, as the docs' "How to properly maintain a local copy of the
//! order book" prescribes
//! (<https://www.mexc.com/api-docs/spot-v3/websocket-market-streams>):
//!
//! 1. Subscribe and buffer the pushes; fetch `/api/v3/depth?symbol=..&limit=..` and keep
//!    its `lastUpdateId`.
//! 2. Drop buffered pushes with `toVersion <= lastUpdateId`; the first one applied must
//!    have `fromVersion <= lastUpdateId + 1` (else refetch).
//! 3. Then each push's `fromVersion` is the previous `toVersion + 1`; anything else
//!    refetches the snapshot. Quantities are absolute; 0 removes the level.
//!
//! This is [`SequenceRule::FirstLast`] with a REST snapshot. Snapshot size: 1000 levels for
//! `book_depth` up to 100, else 5000 (the documented maximum); levels beyond the snapshot
//! that never change are unknown, as the docs say.

use std::borrow::Cow;

use feed_core::book::{
    BookBatch, BookMessageKind, BookParams, BookRules, BookSide, SequenceRule, SnapshotSource,
};
use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::Symbol;
use serde::Deserialize;

use super::proto::{PublicAggreDepthV3ApiItem, PublicAggreDepthsV3Api};
use crate::adapter::Subscription;
use crate::parse::{decimal, malformed};

/// The documented synchronization.
pub(super) fn rules() -> BookRules {
    BookRules::new(SequenceRule::FirstLast, SnapshotSource::Rest).named(
        "fromVersion",
        "toVersion",
        "fromVersion",
    )
}

/// The REST snapshot size for a delivered depth.
pub(super) fn snapshot_limit(book_depth: usize) -> usize {
    if book_depth <= 100 {
        1000
    } else {
        5000
    }
}

pub(super) fn params(subscription: &Subscription) -> BookParams {
    BookParams {
        snapshot_depth: Some(snapshot_limit(subscription.book_depth)),
        ..BookParams::with_depth(subscription.book_depth)
    }
}

pub(super) fn snapshot_url(rest_base: &str, subscription: &Subscription) -> String {
    format!(
        "{}/api/v3/depth?symbol={}&limit={}",
        rest_base.trim_end_matches('/'),
        subscription.exchange_symbol,
        snapshot_limit(subscription.book_depth)
    )
}

fn version(text: &str, field: &str) -> Result<u64, FrameError> {
    text.parse()
        .map_err(|_| FrameError::Malformed(format!("{field} is not a version: {text:?}")))
}

fn push_side(
    books: &mut BookBatch,
    side: BookSide,
    items: &[PublicAggreDepthV3ApiItem],
) -> Result<(), FrameError> {
    for item in items {
        books.push_level(
            side,
            decimal(&item.price, "price")?,
            decimal(&item.quantity, "quantity")?,
        );
    }
    Ok(())
}

/// A depth push, as documented (shown as JSON; protobuf on the wire):
///
/// ```json
/// {"channel":"spot@public.aggre.depth.v3.api.pb@100ms@BTCUSDT",
///  "publicincreasedepths":{"asksList":[],"bidsList":[{"price":"92877.58","quantity":"0.00000000"}],
///   "eventtype":"spot@public.aggre.depth.v3.api.pb@100ms","fromVersion":"10589632359",
///   "toVersion":"10589632359"},
///  "symbol":"BTCUSDT","sendtime":1736411507002}
/// ```
///
/// One delta: `first_id` `fromVersion`, `last_id` `toVersion`, the time the wrapper's.
pub(super) fn push_depths(
    symbol: &Symbol,
    depths: &PublicAggreDepthsV3Api,
    time: Option<i64>,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let first = version(&depths.from_version, "fromVersion")?;
    let last = version(&depths.to_version, "toVersion")?;
    // Check every level before anything enters the batch.
    for item in depths.bids.iter().chain(&depths.asks) {
        decimal(&item.price, "price")?;
        decimal(&item.quantity, "quantity")?;
    }
    let message = books.start(symbol.clone(), BookMessageKind::Delta);
    message.first_id = Some(first);
    message.last_id = Some(last);
    message.timestamp = time.map(millis_to_seconds);
    push_side(books, BookSide::Bid, &depths.bids)?;
    push_side(books, BookSide::Ask, &depths.asks)
}

/// A level as sent: `["93180.18", "0.21976424"]`.
type WireLevel<'a> = (Cow<'a, str>, Cow<'a, str>);

/// The REST snapshot, as documented (`GET /api/v3/depth?symbol=BTCUSDT&limit=1000`):
///
/// ```json
/// {"lastUpdateId":1377043,"bids":[["41.00","1.0"]],"asks":[["41.01","2.0"]],"timestamp":1}
/// ```
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Snapshot<'a> {
    last_update_id: u64,
    #[serde(borrow)]
    bids: Vec<WireLevel<'a>>,
    #[serde(borrow)]
    asks: Vec<WireLevel<'a>>,
}

pub(super) fn parse_snapshot(
    body: &str,
    subscription: &Subscription,
    out: &mut BookBatch,
) -> Result<(), FrameError> {
    let snapshot: Snapshot<'_> = serde_json::from_str(body).map_err(|e| malformed(&e))?;
    let mut levels = Vec::with_capacity(snapshot.bids.len() + snapshot.asks.len());
    for (side, wire) in [
        (BookSide::Bid, &snapshot.bids),
        (BookSide::Ask, &snapshot.asks),
    ] {
        for (price, quantity) in wire {
            levels.push((
                side,
                decimal(price, "price")?,
                decimal(quantity, "quantity")?,
            ));
        }
    }
    let message = out.start(subscription.symbol.clone(), BookMessageKind::Snapshot);
    message.last_id = Some(snapshot.last_update_id);
    for (side, price, size) in levels {
        out.push_level(side, price, size);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::super::frame::tests::parse_binary;
    use super::super::proto::{Body, PushDataV3ApiWrapper};
    use super::*;
    use feed_core::Channel;

    #[test]
    fn documented_depth_push_is_a_delta_with_its_versions() {
        let wrapper = PushDataV3ApiWrapper {
            channel: "spot@public.aggre.depth.v3.api.pb@100ms@BTCUSDT".into(),
            body: Some(Body::PublicAggreDepths(PublicAggreDepthsV3Api {
                asks: vec![],
                bids: vec![PublicAggreDepthV3ApiItem {
                    price: "92877.58".into(),
                    quantity: "0.00000000".into(),
                }],
                event_type: "spot@public.aggre.depth.v3.api.pb@100ms".into(),
                from_version: "10589632359".into(),
                to_version: "10589632359".into(),
                last_order_create_time: 0,
            })),
            symbol: Some("BTCUSDT".into()),
            symbol_id: None,
            create_time: None,
            send_time: Some(1_736_411_507_002),
        };
        let parsed = parse_binary(&wrapper.encode_to_vec()).unwrap();
        let message = &parsed.books.messages[0];
        assert_eq!(message.kind, BookMessageKind::Delta);
        assert_eq!(
            (message.first_id, message.last_id),
            (Some(10_589_632_359), Some(10_589_632_359))
        );
        assert_eq!(message.timestamp.unwrap().to_string(), "1736411507.002");
        let level = &parsed.books.levels_of(message)[0];
        assert_eq!(
            (level.side, level.price.to_string(), level.size.to_string()),
            (BookSide::Bid, "92877.58".into(), "0.00000000".into())
        );
        let mut bad = wrapper.clone();
        if let Some(Body::PublicAggreDepths(depths)) = bad.body.as_mut() {
            depths.from_version = "x".into();
        }
        assert!(parse_binary(&bad.encode_to_vec()).is_err());
    }

    #[test]
    fn documented_snapshot_and_its_size() {
        let subscription = Subscription::new(
            Channel::L2Book,
            Symbol::parse("BTC-USDT").unwrap(),
            "BTCUSDT",
        );
        let mut batch = BookBatch::default();
        parse_snapshot(
            r#"{"lastUpdateId":1377043,"bids":[["41.00","1.0"]],"asks":[["41.01","2.0"]],"timestamp":1}"#,
            &subscription,
            &mut batch,
        )
        .unwrap();
        let message = &batch.messages[0];
        assert_eq!(message.kind, BookMessageKind::Snapshot);
        assert_eq!(message.last_id, Some(1_377_043));
        assert_eq!(batch.levels_of(message).len(), 2);
        assert_eq!(
            snapshot_url("https://api.mexc.com", &subscription),
            "https://api.mexc.com/api/v3/depth?symbol=BTCUSDT&limit=1000"
        );
        assert_eq!(snapshot_limit(500), 5000);
    }
}
