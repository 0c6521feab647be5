//! The synchronizer under each documented rule: joins, gaps, resets, checksums, crossed
//! books, the known-depth window, and what is delivered.

use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::*;
use crate::types::Symbol;

fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn symbol() -> Symbol {
    Symbol::parse("BTC-USDT").unwrap()
}

struct Msg {
    kind: BookMessageKind,
    first: Option<u64>,
    last: Option<u64>,
    prev: Option<u64>,
    checksum: Option<u32>,
    levels: Vec<(BookSide, &'static str, &'static str)>,
}

fn delta(first: u64, last: u64, levels: Vec<(BookSide, &'static str, &'static str)>) -> Msg {
    Msg {
        kind: BookMessageKind::Delta,
        first: Some(first),
        last: Some(last),
        prev: None,
        checksum: None,
        levels,
    }
}

fn snapshot(last: u64, levels: Vec<(BookSide, &'static str, &'static str)>) -> Msg {
    Msg {
        kind: BookMessageKind::Snapshot,
        first: None,
        last: Some(last),
        prev: None,
        checksum: None,
        levels,
    }
}

fn apply(book: &mut SymbolBook, rules: &BookRules, msg: &Msg) -> BookOutcome {
    let mut batch = BookBatch::default();
    let message = batch.start(symbol(), msg.kind);
    message.first_id = msg.first;
    message.last_id = msg.last;
    message.prev_id = msg.prev;
    message.checksum = msg.checksum;
    for (side, price, size) in &msg.levels {
        batch.push_level(*side, d(price), d(size));
    }
    let message = batch.messages[0].clone();
    book.apply(rules, &message, batch.levels_of(&message))
}

use BookSide::{Ask, Bid};

fn base_levels() -> Vec<(BookSide, &'static str, &'static str)> {
    vec![
        (Bid, "100", "1"),
        (Bid, "99", "2"),
        (Ask, "101", "1"),
        (Ask, "102", "2"),
    ]
}

fn binance() -> BookRules {
    BookRules::new(SequenceRule::FirstLast, SnapshotSource::Rest)
}

fn top(book: &mut SymbolBook) -> (Vec<String>, Vec<String>) {
    let exchange: Arc<str> = "TEST".into();
    let (bids, asks) = (
        book.book()
            .bids()
            .map(|l| format!("{}@{}", l.size, l.price))
            .collect(),
        book.book()
            .asks()
            .map(|l| format!("{}@{}", l.size, l.price))
            .collect(),
    );
    let _ = book.delivery(true, &exchange, Decimal::ZERO);
    (bids, asks)
}

#[test]
fn binance_buffers_until_the_snapshot_then_joins_and_follows() {
    let rules = binance();
    let mut book = SymbolBook::new(symbol(), BookParams::with_depth(10));
    assert_eq!(
        apply(&mut book, &rules, &delta(95, 100, vec![(Bid, "98", "1")])),
        BookOutcome::WantSnapshot
    );
    assert!(book.snapshot_requested());
    assert_eq!(
        apply(&mut book, &rules, &delta(101, 103, vec![(Bid, "100", "5")])),
        BookOutcome::Quiet
    );
    assert_eq!(book.buffered(), 2);
    // Snapshot 101: the first delta (u=100) is stale, the second (U=101 <= 102 <= u=103) joins.
    assert_eq!(
        apply(&mut book, &rules, &snapshot(101, base_levels())),
        BookOutcome::Synced
    );
    assert!(book.is_live());
    assert_eq!(book.last_id(), Some(103));
    assert_eq!(
        top(&mut book).0,
        ["5@100", "2@99"],
        "the stale delta's 98 never appeared"
    );
    assert_eq!(
        apply(&mut book, &rules, &delta(104, 104, vec![(Ask, "101", "0")])),
        BookOutcome::Changed
    );
    assert_eq!(
        apply(&mut book, &rules, &delta(103, 104, vec![(Bid, "1", "1")])),
        BookOutcome::Quiet,
        "stale"
    );
    assert_eq!(
        apply(&mut book, &rules, &delta(103, 105, vec![(Ask, "101", "0")])),
        BookOutcome::Changed,
        "overlap"
    );
    assert_eq!(book.last_id(), Some(105));
    assert_eq!(top(&mut book).1, ["2@102"]);
    let gap = apply(&mut book, &rules, &delta(107, 108, vec![(Ask, "103", "1")]));
    assert_eq!(
        gap,
        BookOutcome::Broken("sequence: expected U=106, got 107".into())
    );
    assert!(!book.is_live());
    assert!(book.book().is_empty(), "nothing of the broken book is kept");
    assert!(
        book.snapshot_requested(),
        "a REST resync asks for a snapshot at once"
    );
    assert_eq!(
        book.buffered(),
        1,
        "the delta that showed the gap joins the next snapshot"
    );
    assert_eq!(book.resyncs(), 1);
}

#[test]
fn binance_refetches_a_snapshot_older_than_the_buffer() {
    let rules = binance();
    let mut book = SymbolBook::new(symbol(), BookParams::with_depth(10));
    apply(&mut book, &rules, &delta(200, 205, vec![]));
    assert_eq!(
        apply(&mut book, &rules, &snapshot(150, base_levels())),
        BookOutcome::WantSnapshot
    );
    assert!(!book.is_live());
    assert_eq!(
        book.buffered(),
        1,
        "the buffer is kept for the next snapshot"
    );
    assert_eq!(
        apply(&mut book, &rules, &snapshot(202, base_levels())),
        BookOutcome::Synced
    );
    assert_eq!(book.last_id(), Some(205));
}

#[test]
fn binance_first_live_delta_must_join_an_unbuffered_snapshot() {
    let rules = binance();
    let mut book = SymbolBook::new(symbol(), BookParams::with_depth(10));
    apply(&mut book, &rules, &delta(1, 5, vec![]));
    assert_eq!(
        apply(&mut book, &rules, &snapshot(10, base_levels())),
        BookOutcome::Synced
    );
    assert_eq!(
        apply(&mut book, &rules, &delta(8, 10, vec![(Bid, "1", "1")])),
        BookOutcome::Quiet,
        "stale"
    );
    let broken = apply(&mut book, &rules, &delta(12, 14, vec![]));
    assert_eq!(
        broken,
        BookOutcome::Broken("snapshot join: snapshot u=10, first update U=12 u=14".into())
    );
}

#[test]
fn previous_last_rule_follows_prev_ids_and_accepts_resets_and_empty_updates() {
    let rules = BookRules::new(SequenceRule::PreviousLast, SnapshotSource::Stream).named(
        "seqId",
        "seqId",
        "prevSeqId",
    );
    let mut book = SymbolBook::new(symbol(), BookParams::with_depth(5));
    let update = |prev: u64, last: u64, levels| Msg {
        prev: Some(prev),
        first: None,
        ..delta(0, last, levels)
    };
    assert_eq!(
        apply(&mut book, &rules, &update(1, 2, vec![])),
        BookOutcome::Quiet,
        "before the snapshot"
    );
    assert_eq!(
        apply(&mut book, &rules, &snapshot(123, base_levels())),
        BookOutcome::Synced
    );
    assert_eq!(
        apply(
            &mut book,
            &rules,
            &update(123, 130, vec![(Bid, "100", "3")])
        ),
        BookOutcome::Changed
    );
    assert_eq!(
        apply(&mut book, &rules, &update(130, 130, vec![])),
        BookOutcome::Quiet,
        "keep-alive"
    );
    assert_eq!(
        apply(&mut book, &rules, &update(130, 15, vec![(Bid, "99", "0")])),
        BookOutcome::Changed,
        "reset"
    );
    assert_eq!(book.last_id(), Some(15));
    assert_eq!(
        apply(&mut book, &rules, &update(16, 20, vec![])),
        BookOutcome::Broken("sequence: expected prevSeqId=15, got 16".into())
    );
    assert!(
        !book.snapshot_requested(),
        "stream resyncs resubscribe; no REST request"
    );
    assert_eq!(
        apply(&mut book, &rules, &update(20, 21, vec![])),
        BookOutcome::Quiet,
        "dropped until the snapshot"
    );
}

#[test]
fn consecutive_rule_and_stream_snapshots_replace_the_book() {
    let rules = BookRules::new(SequenceRule::Consecutive, SnapshotSource::Stream);
    let mut book = SymbolBook::new(symbol(), BookParams::with_depth(5));
    let update = |last: u64, levels| Msg {
        first: None,
        ..delta(0, last, levels)
    };
    apply(&mut book, &rules, &snapshot(7, base_levels()));
    assert_eq!(
        apply(&mut book, &rules, &update(8, vec![(Ask, "101", "4")])),
        BookOutcome::Changed
    );
    assert_eq!(
        apply(&mut book, &rules, &snapshot(1, vec![(Bid, "50", "1")])),
        BookOutcome::Synced
    );
    assert_eq!(top(&mut book).0, ["1@50"]);
    assert_eq!(
        apply(&mut book, &rules, &update(1, vec![(Bid, "49", "1")])),
        BookOutcome::Quiet,
        "at or below the book's id"
    );
    assert_eq!(
        apply(&mut book, &rules, &update(3, vec![])),
        BookOutcome::Broken("sequence: expected u=2, got 3".into())
    );
}

#[test]
fn crossed_books_and_bad_sizes_are_corruption() {
    let rules = binance();
    let mut book = SymbolBook::new(symbol(), BookParams::with_depth(5));
    apply(&mut book, &rules, &delta(1, 1, vec![]));
    apply(&mut book, &rules, &snapshot(1, base_levels()));
    assert_eq!(
        apply(&mut book, &rules, &delta(2, 2, vec![(Bid, "101.5", "1")])),
        BookOutcome::Broken("crossed book: best bid 101.5 >= best ask 101".into())
    );
    let mut book = SymbolBook::new(symbol(), BookParams::with_depth(5));
    apply(&mut book, &rules, &delta(1, 1, vec![]));
    apply(&mut book, &rules, &snapshot(1, base_levels()));
    assert!(matches!(
        apply(&mut book, &rules, &delta(2, 2, vec![(Bid, "90", "-1")])),
        BookOutcome::Broken(reason) if reason.contains("negative size")
    ));
}

fn total_levels(book: &OrderBook, _params: &BookParams, _texts: &mut LevelTexts) -> u32 {
    (book.len(BookSide::Bid) * 100 + book.len(BookSide::Ask)) as u32
}

#[test]
fn checksums_are_checked_after_every_message_and_truncation_comes_first() {
    let rules = BookRules::new(SequenceRule::None, SnapshotSource::Stream)
        .with_checksum(total_levels)
        .truncating();
    let params = BookParams {
        stream_depth: Some(2),
        ..BookParams::with_depth(2)
    };
    let mut book = SymbolBook::new(symbol(), params);
    let mut first = snapshot(0, base_levels());
    first.checksum = Some(202);
    assert_eq!(apply(&mut book, &rules, &first), BookOutcome::Synced);
    let mut insert = delta(0, 0, vec![(Bid, "99.5", "1")]);
    insert.checksum = Some(202); // 3 bids truncated to 2
    assert_eq!(apply(&mut book, &rules, &insert), BookOutcome::Changed);
    assert_eq!(top(&mut book).0, ["1@100", "1@99.5"]);
    let mut wrong = delta(0, 0, vec![(Ask, "101", "0")]);
    wrong.checksum = Some(202);
    assert_eq!(
        apply(&mut book, &rules, &wrong),
        BookOutcome::Broken("checksum mismatch: the exchange sent 202, the book gives 201".into())
    );
}

#[test]
fn levels_beyond_a_full_rest_snapshot_never_surface_unseen() {
    // cryptofeed #604: a snapshot of 2 levels per side, book_depth 2. When the best bid
    // goes, the third-best bid is unknown (it may exist beyond the snapshot): resync.
    let rules = binance();
    let params = BookParams {
        snapshot_depth: Some(2),
        ..BookParams::with_depth(2)
    };
    let mut book = SymbolBook::new(symbol(), params);
    apply(&mut book, &rules, &delta(1, 1, vec![]));
    assert_eq!(
        apply(&mut book, &rules, &snapshot(1, base_levels())),
        BookOutcome::Synced
    );
    assert_eq!(
        apply(&mut book, &rules, &delta(2, 2, vec![(Bid, "99.5", "1")])),
        BookOutcome::Changed
    );
    assert_eq!(
        apply(&mut book, &rules, &delta(3, 3, vec![(Bid, "100", "0")])),
        BookOutcome::Changed
    );
    assert!(matches!(
        apply(&mut book, &rules, &delta(4, 4, vec![(Bid, "99.5", "0")])),
        BookOutcome::Broken(reason) if reason.contains("no longer covers 2 bid levels")
    ));
    // A side that came back shorter than asked for is complete: no window.
    let mut book = SymbolBook::new(
        symbol(),
        BookParams {
            snapshot_depth: Some(5),
            ..BookParams::with_depth(2)
        },
    );
    apply(&mut book, &rules, &delta(1, 1, vec![]));
    apply(&mut book, &rules, &snapshot(1, base_levels()));
    assert_eq!(
        apply(&mut book, &rules, &delta(2, 2, vec![(Bid, "100", "0")])),
        BookOutcome::Changed
    );
}

#[test]
fn delivery_only_when_the_top_changes_and_never_while_not_live() {
    let rules = binance();
    let exchange: Arc<str> = "TEST".into();
    let mut book = SymbolBook::new(symbol(), BookParams::with_depth(1));
    assert!(
        book.delivery(true, &exchange, Decimal::ZERO).is_none(),
        "not live"
    );
    apply(&mut book, &rules, &delta(1, 1, vec![]));
    apply(&mut book, &rules, &snapshot(1, base_levels()));
    let first = book.delivery(true, &exchange, d("5")).unwrap();
    assert_eq!(first.bids.len(), 1);
    assert_eq!(first.sequence, Some(1));
    assert_eq!(first.receipt_timestamp, d("5"));
    apply(&mut book, &rules, &delta(2, 2, vec![(Bid, "99", "7")]));
    assert!(
        book.delivery(false, &exchange, Decimal::ZERO).is_none(),
        "below the top level"
    );
    apply(&mut book, &rules, &delta(3, 3, vec![(Bid, "100", "8")]));
    let changed = book.delivery(false, &exchange, Decimal::ZERO).unwrap();
    assert_eq!(changed.bids[0].size, d("8"));
    assert_eq!(changed.sequence, Some(3));
}
