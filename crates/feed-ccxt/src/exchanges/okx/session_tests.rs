//! OKX's documented book frames through the session: the snapshot, updates chained by
//! `prevSeqId`, the keep-alive, the sequence reset, checksums (non-zero checked, `0`
//! absent), gaps resubscribing the one symbol, refusals.

use feed_core::runtime::{Action, FeedSession, Frame, FrameError, SessionOutput};
use feed_core::{Channel, Event, L2Book};
use rust_decimal::Decimal;

use crate::CcxtFeed;

const MARKETS: &str = r#"{"code":"0","msg":"","data":[
 {"baseCcy":"BTC","instId":"BTC-USDT","instType":"SPOT","quoteCcy":"USDT","state":"live"},
 {"baseCcy":"ETH","instId":"ETH-USDT","instType":"SPOT","quoteCcy":"USDT","state":"live"}]}"#;

fn session() -> crate::CcxtSession {
    CcxtFeed::replay("okx", MARKETS)
        .unwrap()
        .with_channels(vec![Channel::L2Book])
        .unwrap()
        .new_session()
        .unwrap()
}

fn at(seconds: i64) -> Decimal {
    Decimal::from(seconds)
}

type Levels<'a> = &'a [(&'a str, &'a str)];

/// A `books` push of BTC-USDT in the documented layout.
fn push(
    action: &str,
    bids: Levels<'_>,
    asks: Levels<'_>,
    ids: (i64, u64),
    checksum: i64,
) -> String {
    fn side<'a>(levels: Levels<'a>) -> Vec<[&'a str; 4]> {
        levels
            .iter()
            .map(|(price, size)| [*price, *size, "0", "1"])
            .collect()
    }
    serde_json::json!({
        "arg": {"channel": "books", "instId": "BTC-USDT"},
        "action": action,
        "data": [{"asks": side(asks), "bids": side(bids), "ts": "1597026383085",
                  "checksum": checksum, "prevSeqId": ids.0, "seqId": ids.1}],
    })
    .to_string()
}

fn ack(inst_id: &str) -> String {
    format!(
        r#"{{"event":"subscribe","arg":{{"channel":"books","instId":"{inst_id}"}},"connId":"a4d3ae55"}}"#
    )
}

fn books(out: &SessionOutput) -> Vec<&L2Book> {
    out.events
        .iter()
        .filter_map(|event| match event {
            Event::Book(book) => Some(book),
            _ => None,
        })
        .collect()
}

fn gaps(out: &SessionOutput) -> Vec<(String, String)> {
    out.events
        .iter()
        .filter_map(|event| match event {
            Event::Gap(gap) => Some((gap.symbol.to_string(), gap.reason.clone())),
            _ => None,
        })
        .collect()
}

fn sent(out: &SessionOutput) -> Vec<&str> {
    out.actions
        .iter()
        .filter_map(|action| match action {
            Action::Send(message) => Some(message.as_str()),
            _ => None,
        })
        .collect()
}

fn levels(levels: &[feed_core::Level]) -> Vec<String> {
    levels
        .iter()
        .map(|level| format!("{}:{}", level.price, level.size))
        .collect()
}

const RESUBSCRIBE: [&str; 2] = [
    r#"{"args":[{"channel":"books","instId":"BTC-USDT"}],"op":"unsubscribe"}"#,
    r#"{"args":[{"channel":"books","instId":"BTC-USDT"}],"op":"subscribe"}"#,
];

#[test]
fn books_follow_prev_seq_ids_and_every_gap_resubscribes_that_symbol() {
    let mut session = session();
    let mut out = SessionOutput::default();
    session.open(at(0), &mut out);
    assert_eq!(
        sent(&out),
        vec![
            r#"{"args":[{"channel":"books","instId":"BTC-USDT"},{"channel":"books","instId":"ETH-USDT"}],"op":"subscribe"}"#
        ]
    );
    assert!(session.awaiting_acknowledgements());
    for inst_id in ["BTC-USDT", "ETH-USDT"] {
        session
            .frame(Frame::Text(&ack(inst_id)), at(0), &mut out)
            .unwrap();
    }
    assert!(!session.awaiting_acknowledgements());
    out.clear();

    // The docs' first check string, with its checksum: accepted, delivered.
    let snapshot = push(
        "snapshot",
        &[("3366.1", "7"), ("3366", "6")],
        &[("3366.8", "9"), ("3368", "8")],
        (-1, 10),
        -1_881_014_294,
    );
    session
        .frame(Frame::Text(&snapshot), at(1), &mut out)
        .unwrap();
    let delivered = books(&out);
    assert_eq!(delivered.len(), 1, "{:?}", out.events);
    assert_eq!(delivered[0].sequence, Some(10));
    assert_eq!(levels(&delivered[0].bids), vec!["3366.1:7", "3366:6"]);
    out.clear();

    // An update giving the docs' second check string.
    let update = push(
        "update",
        &[("3366", "0")],
        &[("3372", "8")],
        (10, 15),
        831_078_360,
    );
    session
        .frame(Frame::Text(&update), at(1), &mut out)
        .unwrap();
    let delivered = books(&out);
    assert_eq!(delivered.len(), 1, "{:?}", out.events);
    assert_eq!(delivered[0].sequence, Some(15));
    assert_eq!(levels(&delivered[0].bids), vec!["3366.1:7"]);
    assert_eq!(
        levels(&delivered[0].asks),
        vec!["3366.8:9", "3368:8", "3372:8"]
    );
    out.clear();

    // The keep-alive: nothing to deliver, nothing broken.
    let keep_alive = push("update", &[], &[], (15, 15), 0);
    session
        .frame(Frame::Text(&keep_alive), at(2), &mut out)
        .unwrap();
    assert!(out.events.is_empty() && out.actions.is_empty(), "{out:?}");

    // The sequence reset (seqId below prevSeqId), then the regular rule again; checksum 0
    // is no checksum.
    let reset = push("update", &[], &[("3372", "9")], (15, 3), 0);
    session.frame(Frame::Text(&reset), at(2), &mut out).unwrap();
    let next = push("update", &[("3366.0", "2")], &[], (3, 5), 0);
    session.frame(Frame::Text(&next), at(2), &mut out).unwrap();
    assert!(gaps(&out).is_empty(), "{:?}", out.events);
    let delivered = books(&out);
    assert_eq!(
        delivered
            .iter()
            .map(|book| book.sequence)
            .collect::<Vec<_>>(),
        vec![Some(3), Some(5)]
    );
    assert_eq!(levels(&delivered[1].bids), vec!["3366.1:7", "3366.0:2"]);
    out.clear();

    // A lost update: a gap of BTC-USDT alone, and BTC-USDT's books unsubscribed and
    // subscribed again; updates until the new snapshot are dropped.
    let after_loss = push("update", &[("3366.0", "3")], &[], (7, 9), 0);
    session
        .frame(Frame::Text(&after_loss), at(3), &mut out)
        .unwrap();
    assert_eq!(
        gaps(&out),
        vec![(
            "BTC-USDT".to_owned(),
            "sequence: expected prevSeqId=5, got 7".to_owned()
        )]
    );
    assert_eq!(sent(&out), RESUBSCRIBE.to_vec());
    assert!(books(&out).is_empty());
    out.clear();
    let stale = push("update", &[("3366.0", "4")], &[], (9, 11), 0);
    session.frame(Frame::Text(&stale), at(3), &mut out).unwrap();
    assert!(out.events.is_empty() && out.actions.is_empty(), "{out:?}");
    let fresh = push(
        "snapshot",
        &[("3366.0", "4")],
        &[("3368", "1")],
        (-1, 12),
        0,
    );
    session.frame(Frame::Text(&fresh), at(3), &mut out).unwrap();
    let delivered = books(&out);
    assert_eq!(delivered.len(), 1);
    assert_eq!(
        (levels(&delivered[0].bids), levels(&delivered[0].asks)),
        (vec!["3366.0:4".to_owned()], vec!["3368:1".to_owned()])
    );
    out.clear();

    // A non-zero checksum that the book does not give: a gap, and a resubscribe.
    let corrupt = push("update", &[("3365", "1")], &[], (12, 13), 12_345);
    session
        .frame(Frame::Text(&corrupt), at(4), &mut out)
        .unwrap();
    let reasons = gaps(&out);
    assert_eq!(reasons.len(), 1);
    assert!(
        reasons[0]
            .1
            .starts_with("checksum mismatch: the exchange sent 12345"),
        "{reasons:?}"
    );
    assert_eq!(sent(&out), RESUBSCRIBE.to_vec());
    assert!(books(&out).is_empty());
}

#[test]
fn an_error_event_is_the_reason_of_what_stays_unacknowledged() {
    let mut session = session();
    let mut out = SessionOutput::default();
    session.open(at(0), &mut out);
    session
        .frame(Frame::Text(&ack("BTC-USDT")), at(0), &mut out)
        .unwrap();
    let error = r#"{"event":"error","msg":"Wrong URL or channel:books,instId:ETH-USDT doesn't exist. Please use the correct URL, channel and parameters referring to API document.","code":"60018","connId":"b2b0944b"}"#;
    assert!(matches!(
        session.frame(Frame::Text(error), at(1), &mut out),
        Err(FrameError::Exchange(_))
    ));
    out.clear();
    session.tick(at(10), &mut out);
    let rejected: Vec<String> = out
        .events
        .iter()
        .filter_map(|event| match event {
            Event::Rejected(rejected) => Some(rejected.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(rejected.len(), 1, "{:?}", out.events);
    assert!(
        rejected[0].starts_with(
            "okx rejected the subscription to L2_BOOK ETH-USDT: code 60018: Wrong URL"
        ),
        "{}",
        rejected[0]
    );
    assert!(!session.awaiting_acknowledgements());
}

/// Spot, two perpetuals and a future of one replay feed: LIQUIDATIONS are one arg per
/// instrument type, FUNDING one per perpetual, and none for spot; one ack per arg
/// acknowledges every subscription.
#[test]
fn instrument_type_wide_liquidations_are_acknowledged_by_one_ack_per_type() {
    const DERIVATIVES: &str = r#"{"code":"0","msg":"","data":[
     {"baseCcy":"BTC","instId":"BTC-USDT","instType":"SPOT","quoteCcy":"USDT","state":"live"},
     {"instFamily":"BTC-USDT","instId":"BTC-USDT-SWAP","instType":"SWAP","state":"live","uly":"BTC-USDT"},
     {"instFamily":"ETH-USDT","instId":"ETH-USDT-SWAP","instType":"SWAP","state":"live","uly":"ETH-USDT"},
     {"expTime":"1798272000000","instFamily":"BTC-USD","instId":"BTC-USD-261226","instType":"FUTURES","state":"live","uly":"BTC-USD"}]}"#;
    let mut session = CcxtFeed::replay("okx", DERIVATIVES)
        .unwrap()
        .with_channels(vec![Channel::Funding, Channel::Liquidations])
        .unwrap()
        .new_session()
        .unwrap();
    let mut out = SessionOutput::default();
    session.open(at(0), &mut out);
    let message = sent(&out).concat();
    let args = serde_json::from_str::<serde_json::Value>(&message).unwrap()["args"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(
        args, 4,
        "two funding-rate args, SWAP and FUTURES liquidations: {message}"
    );
    assert!(session.awaiting_acknowledgements());
    let acks = [
        r#"{"event":"subscribe","arg":{"channel":"funding-rate","instId":"BTC-USDT-SWAP"},"connId":"a"}"#,
        r#"{"event":"subscribe","arg":{"channel":"funding-rate","instId":"ETH-USDT-SWAP"},"connId":"a"}"#,
        r#"{"event":"subscribe","arg":{"channel":"liquidation-orders","instType":"SWAP"},"connId":"a"}"#,
    ];
    for ack in acks {
        session.frame(Frame::Text(ack), at(0), &mut out).unwrap();
    }
    assert!(
        session.awaiting_acknowledgements(),
        "the future's liquidations wait"
    );
    let futures = r#"{"event":"subscribe","arg":{"channel":"liquidation-orders","instType":"FUTURES"},"connId":"a"}"#;
    session
        .frame(Frame::Text(futures), at(0), &mut out)
        .unwrap();
    assert!(!session.awaiting_acknowledgements());
}
