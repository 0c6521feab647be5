//! Fuzzing the book synchronizer: random streams of snapshots and deltas (ids in order, out
//! of order, repeated, missing; sizes zero; prices that cross; checksums right and wrong)
//! under every sequence rule and snapshot source.
//!
//! Properties:
//! - nothing panics;
//! - a delivered book is never crossed, its bids strictly descend and its asks strictly
//!   ascend, at most `depth` levels each, every size positive;
//! - after the book breaks, nothing is delivered until a snapshot has been applied;
//! - a delivered book equals the top of the synchronizer's own book (nothing else leaks).
//!
//! `cargo test` runs `PROPTEST_CASES` cases (256 by default); `scripts/fuzz` gives it a large
//! budget.

use std::sync::Arc;

use feed_core::book::{
    BookBatch, BookMessageKind, BookOutcome, BookParams, BookRules, BookSide, LevelTexts,
    OrderBook, SequenceRule, SnapshotSource, SymbolBook,
};
use feed_core::Symbol;
use feed_testkit::fuzz::fuzz;
use proptest::prelude::*;
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
struct Message {
    snapshot: bool,
    first: u64,
    last: u64,
    prev: u64,
    checksum: Option<u32>,
    levels: Vec<(bool, u16, u16, u8)>,
}

fn message() -> impl Strategy<Value = Message> {
    (
        prop::bool::weighted(0.1),
        0_u64..40,
        0_u64..5,
        0_u64..40,
        prop::option::of(0_u32..3),
        prop::collection::vec((any::<bool>(), 0_u16..60, 0_u16..5, 0_u8..4), 0..8),
    )
        .prop_map(|(snapshot, first, span, prev, checksum, levels)| Message {
            snapshot,
            first,
            last: first + span,
            prev,
            checksum,
            levels,
        })
}

/// The number of levels, mod 3: a checksum a test can get right or wrong.
fn levels_mod_three(book: &OrderBook, _: &BookParams, _: &mut LevelTexts) -> u32 {
    ((book.len(BookSide::Bid) + book.len(BookSide::Ask)) % 3) as u32
}

fn rules(rule: u8, rest: bool, checksum: bool) -> BookRules {
    let sequence = [
        SequenceRule::None,
        SequenceRule::FirstLast,
        SequenceRule::PreviousLast,
        SequenceRule::Consecutive,
    ][usize::from(rule % 4)];
    let source = if rest {
        SnapshotSource::Rest
    } else {
        SnapshotSource::Stream
    };
    let mut rules = BookRules::new(sequence, source);
    if checksum {
        rules = rules.with_checksum(levels_mod_three).truncating();
    }
    rules
}

#[test]
fn the_synchronizer_never_delivers_a_wrong_book() {
    let strategy = (
        0_u8..4,
        any::<bool>(),
        any::<bool>(),
        1_usize..6,
        prop::collection::vec(message(), 1..60),
    );
    fuzz(
        "book_synchronizer",
        strategy,
        |(rule, rest, checksum, depth, messages)| {
            let rules = rules(rule, rest, checksum);
            let params = BookParams {
                stream_depth: Some(depth + 2),
                snapshot_depth: Some(depth + 3),
                ..BookParams::with_depth(depth)
            };
            let symbol = Symbol::parse("BTC-USDT").unwrap();
            let exchange: Arc<str> = "TEST".into();
            let mut book = SymbolBook::new(symbol.clone(), params);
            let mut broken = false;
            let mut batch = BookBatch::default();
            for message in messages {
                batch.clear();
                let kind = if message.snapshot {
                    BookMessageKind::Snapshot
                } else {
                    BookMessageKind::Delta
                };
                let built = batch.start(symbol.clone(), kind);
                built.first_id = Some(message.first);
                built.last_id = Some(message.last);
                built.prev_id = Some(message.prev);
                built.checksum = message.checksum;
                for (bid, price, size, scale) in &message.levels {
                    let side = if *bid { BookSide::Bid } else { BookSide::Ask };
                    let price = Decimal::new(i64::from(*price) + 1, u32::from(*scale));
                    batch.push_level(side, price, Decimal::from(*size));
                }
                let built = batch.messages[0].clone();
                let outcome = book.apply(&rules, &built, batch.levels_of(&built));
                match &outcome {
                    BookOutcome::Broken(_) => broken = true,
                    BookOutcome::Synced => broken = false,
                    _ => {}
                }
                let Some(delivered) = book.delivery(
                    matches!(outcome, BookOutcome::Synced),
                    &exchange,
                    Decimal::ONE,
                ) else {
                    continue;
                };
                prop_assert!(
                    !broken,
                    "delivered after a break without a snapshot: {outcome:?}"
                );
                prop_assert!(book.is_live());
                prop_assert!(delivered.bids.len() <= depth && delivered.asks.len() <= depth);
                prop_assert!(
                    delivered
                        .bids
                        .windows(2)
                        .all(|pair| pair[0].price > pair[1].price),
                    "bids descend"
                );
                prop_assert!(
                    delivered
                        .asks
                        .windows(2)
                        .all(|pair| pair[0].price < pair[1].price),
                    "asks ascend"
                );
                prop_assert!(delivered
                    .bids
                    .iter()
                    .chain(&delivered.asks)
                    .all(|level| level.size > Decimal::ZERO));
                if let (Some(bid), Some(ask)) = (delivered.bids.first(), delivered.asks.first()) {
                    prop_assert!(bid.price < ask.price, "crossed: {bid:?} {ask:?}");
                }
                let top_bids: Vec<_> = book.book().bids().take(depth).collect();
                let top_asks: Vec<_> = book.book().asks().take(depth).collect();
                prop_assert_eq!(&delivered.bids, &top_bids);
                prop_assert_eq!(&delivered.asks, &top_asks);
            }
            Ok(())
        },
    );
}
