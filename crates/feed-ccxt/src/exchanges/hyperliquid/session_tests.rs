//! Hyperliquid through the session: one `activeAssetCtx` per coin serving FUNDING and
//! OPEN_INTEREST (sent once, its answer settling both), books replaced by every message, a
//! crossed book resubscribing that coin alone, an error's words refusing what stays
//! unacknowledged.

use feed_core::runtime::{FeedSession, Frame, FrameError, SessionOutput};
use feed_core::{Channel, Event, EventKind};
use rust_decimal::Decimal;

use super::market::tests::META;
use crate::testing::{rejections, sent};
use crate::CcxtFeed;

/// The coins of [`META`] that are markets, in the order of their symbols.
const COINS: [&str; 4] = ["BTC", "ETH", "HPOS", "kPEPE"];

fn session(channels: Vec<Channel>) -> crate::CcxtSession {
    CcxtFeed::replay("hyperliquid", META)
        .unwrap()
        .with_channels(channels)
        .unwrap()
        .new_session()
        .unwrap()
}

fn at(seconds: i64) -> Decimal {
    Decimal::from(seconds)
}

fn kinds(out: &SessionOutput) -> Vec<(EventKind, String)> {
    out.events
        .iter()
        .map(|event| {
            let symbol = event.symbol().map(ToString::to_string).unwrap_or_default();
            (event.kind(), symbol)
        })
        .collect()
}

fn ack(kind: &str, coin: &str) -> String {
    format!(
        r#"{{"channel":"subscriptionResponse","data":{{"method":"subscribe","subscription":{{"type":"{kind}","coin":"{coin}"}}}}}}"#
    )
}

fn ctx(coin: &str) -> String {
    format!(
        r#"{{"channel":"activeAssetCtx","data":{{"coin":"{coin}","ctx":{{"funding":"0.0000125","markPx":"14.3161","openInterest":"688.11","oraclePx":"14.32"}}}}}}"#
    )
}

fn book(bid: &str, ask: &str, time: i64) -> String {
    format!(
        r#"{{"channel":"l2Book","data":{{"coin":"BTC","time":{time},"levels":[[{{"px":"{bid}","sz":"1","n":1}},{{"px":"99","sz":"2","n":2}}],[{{"px":"{ask}","sz":"3","n":1}}]]}}}}"#
    )
}

#[test]
fn one_asset_context_per_coin_serves_funding_and_open_interest() {
    let mut session = session(vec![
        Channel::L2Book,
        Channel::Funding,
        Channel::OpenInterest,
    ]);
    let mut out = SessionOutput::default();
    session.open(at(0), &mut out);
    let expected: Vec<String> = COINS
        .iter()
        .flat_map(|coin| {
            ["l2Book", "activeAssetCtx"].map(|kind| {
                format!(
                    r#"{{"method":"subscribe","subscription":{{"type":"{kind}","coin":"{coin}"}}}}"#
                )
            })
        })
        .collect();
    assert_eq!(
        sent(&out),
        expected,
        "the shared feed is sent once per coin"
    );
    assert_eq!(session.subscriptions().unwrap().pending, 12);
    for coin in COINS {
        session
            .frame(Frame::Text(&ack("activeAssetCtx", coin)), at(0), &mut out)
            .unwrap();
    }
    assert_eq!(
        session.subscriptions().unwrap().pending,
        4,
        "each answer settles FUNDING and OPEN_INTEREST: only the books wait"
    );
    for coin in COINS {
        session
            .frame(Frame::Text(&ack("l2Book", coin)), at(0), &mut out)
            .unwrap();
    }
    assert!(!session.awaiting_acknowledgements());
    out.clear();
    session
        .frame(Frame::Text(&ctx("ETH")), at(1), &mut out)
        .unwrap();
    assert_eq!(
        kinds(&out),
        vec![
            (EventKind::Funding, "ETH-USDC-PERP".to_owned()),
            (EventKind::OpenInterest, "ETH-USDC-PERP".to_owned())
        ]
    );
}

#[test]
fn a_feed_of_funding_alone_delivers_no_open_interest_and_data_proves_it() {
    let mut session = session(vec![Channel::Funding]);
    let mut out = SessionOutput::default();
    session.open(at(0), &mut out);
    assert_eq!(sent(&out).len(), COINS.len());
    out.clear();
    session
        .frame(Frame::Text(&ctx("BTC")), at(1), &mut out)
        .unwrap();
    assert_eq!(
        kinds(&out),
        vec![(EventKind::Funding, "BTC-USDC-PERP".to_owned())]
    );
    assert_eq!(
        session.subscriptions().unwrap().pending,
        3,
        "BTC's data proved it"
    );
}

#[test]
fn every_book_message_replaces_the_book_and_a_crossed_one_resubscribes_that_coin() {
    let mut session = session(vec![Channel::L2Book]);
    let mut out = SessionOutput::default();
    session.open(at(0), &mut out);
    out.clear();
    let levels = |book: &feed_core::L2Book| -> (Vec<String>, Vec<String>) {
        let text = |levels: &[feed_core::Level]| {
            levels
                .iter()
                .map(|l| format!("{}:{}", l.price, l.size))
                .collect()
        };
        (text(&book.bids), text(&book.asks))
    };
    let books = |out: &SessionOutput| -> Vec<feed_core::L2Book> {
        out.events
            .iter()
            .filter_map(|event| match event {
                Event::Book(book) => Some(book.clone()),
                _ => None,
            })
            .collect()
    };
    for (bid, ask, time) in [
        ("100", "101", 1_000),
        ("100.5", "101", 2_000),
        ("100.5", "101", 3_000),
    ] {
        session
            .frame(Frame::Text(&book(bid, ask, time)), at(1), &mut out)
            .unwrap();
    }
    let delivered = books(&out);
    assert_eq!(
        delivered.len(),
        3,
        "every message delivers: {:?}",
        out.events
    );
    assert_eq!(
        levels(&delivered[1]),
        (vec!["100.5:1".into(), "99:2".into()], vec!["101:3".into()]),
        "the second message replaced the first: no level of it is left"
    );
    assert_eq!(delivered[2].timestamp, Some(Decimal::new(3_000, 3)));
    assert_eq!(delivered[2].sequence, None);
    out.clear();

    session
        .frame(Frame::Text(&book("101", "100.5", 4_000)), at(2), &mut out)
        .unwrap();
    let gaps: Vec<(String, String)> = out
        .events
        .iter()
        .filter_map(|event| match event {
            Event::Gap(gap) => Some((gap.symbol.to_string(), gap.reason.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        gaps,
        vec![(
            "BTC-USDC-PERP".to_owned(),
            "crossed book: best bid 101 >= best ask 100.5".to_owned()
        )]
    );
    assert_eq!(
        sent(&out),
        vec![
            r#"{"method":"unsubscribe","subscription":{"type":"l2Book","coin":"BTC"}}"#,
            r#"{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC"}}"#,
        ]
    );
    assert!(books(&out).is_empty());
    out.clear();
    session
        .frame(Frame::Text(&book("100", "101", 5_000)), at(2), &mut out)
        .unwrap();
    assert_eq!(
        books(&out).len(),
        1,
        "the next message syncs the book again"
    );
}

#[test]
fn an_error_is_the_reason_of_what_stays_unacknowledged() {
    let mut session = session(vec![Channel::Trades]);
    let mut out = SessionOutput::default();
    session.open(at(0), &mut out);
    for coin in ["BTC", "ETH", "HPOS"] {
        session
            .frame(Frame::Text(&ack("trades", coin)), at(0), &mut out)
            .unwrap();
    }
    let error = r#"{"channel":"error","data":"Invalid subscription {\"type\":\"trades\",\"coin\":\"kPEPE\"}"}"#;
    assert!(matches!(
        session.frame(Frame::Text(error), at(1), &mut out),
        Err(FrameError::Exchange(_))
    ));
    out.clear();
    session.tick(at(10), &mut out);
    let rejected = rejections(&out);
    assert_eq!(rejected.len(), 1, "{:?}", out.events);
    assert!(
        rejected[0].starts_with(
            "hyperliquid rejected the subscription to TRADES KPEPE-USDC-PERP: Invalid subscription"
        ),
        "{}",
        rejected[0]
    );
}
