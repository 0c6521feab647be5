//! Order books: level updates applied per second (the bare book, and through the
//! synchronizer with its sequence checks), and Binance depth frames parsed, synchronized and
//! delivered per second through the live session.
//!
//!   cargo bench --bench book
use std::hint::black_box;
use std::str::FromStr;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use feedhandler::feed_ccxt::CcxtFeed;
use feedhandler::feed_core::book::{
    BookBatch, BookMessageKind, BookParams, BookRules, BookSide, OrderBook, SequenceRule,
    SnapshotSource, SymbolBook,
};
use feedhandler::feed_core::runtime::{FeedSession, Frame, SessionOutput};
use feedhandler::Symbol;
use rust_decimal::Decimal;

/// Levels per side of the benchmark books.
const LEVELS: i64 = 5_000;

/// Price ticks (0.01) of the realistic update stream: most updates near the top, some deep,
/// a tenth of them deletes (re-inserted later, so the book keeps its size).
fn updates(count: usize) -> Vec<(BookSide, Decimal, Decimal)> {
    let mut rng = fastrand::Rng::with_seed(11);
    (0..count)
        .map(|_| {
            let side = if rng.bool() {
                BookSide::Bid
            } else {
                BookSide::Ask
            };
            let distance = if rng.u8(0..10) < 8 {
                rng.i64(0..50)
            } else {
                rng.i64(50..LEVELS)
            };
            let ticks = match side {
                BookSide::Bid => 3_700_000 - distance,
                BookSide::Ask => 3_700_001 + distance,
            };
            let size = if rng.u8(0..10) == 0 {
                0
            } else {
                rng.i64(1..100_000_000)
            };
            (side, Decimal::new(ticks, 2), Decimal::new(size, 8))
        })
        .collect()
}

fn full_book() -> OrderBook {
    let mut book = OrderBook::new();
    for level in 0..LEVELS {
        book.apply(
            BookSide::Bid,
            Decimal::new(3_700_000 - level, 2),
            Decimal::new(100_000_000, 8),
        );
        book.apply(
            BookSide::Ask,
            Decimal::new(3_700_001 + level, 2),
            Decimal::new(100_000_000, 8),
        );
    }
    book
}

fn bench_order_book(c: &mut Criterion) {
    let stream = updates(1 << 20);
    let mut group = c.benchmark_group("book");
    group.throughput(Throughput::Elements(1));
    let mut book = full_book();
    let mut index = 0;
    group.bench_function("order_book_apply_5000_levels", |b| {
        b.iter(|| {
            let (side, price, size) = stream[index & (stream.len() - 1)];
            index += 1;
            black_box(book.apply(side, price, size));
        });
    });

    // Through the synchronizer: 10 levels per delta, sequence checked, crossed-book check,
    // top-10 delivery check after every delta.
    let rules = BookRules::new(SequenceRule::FirstLast, SnapshotSource::Rest);
    let symbol = Symbol::parse("BTC-USDT").unwrap();
    let mut synced = SymbolBook::new(symbol.clone(), BookParams::with_depth(10));
    let mut batch = BookBatch::default();
    batch.start(symbol.clone(), BookMessageKind::Delta).last_id = Some(0);
    let message = batch.messages[0].clone();
    synced.apply(&rules, &message, &[]);
    batch.clear();
    batch
        .start(symbol.clone(), BookMessageKind::Snapshot)
        .last_id = Some(0);
    for level in full_book()
        .bids()
        .chain(full_book().asks())
        .collect::<Vec<_>>()
    {
        let side = if level.price < Decimal::new(3_700_001, 2) {
            BookSide::Bid
        } else {
            BookSide::Ask
        };
        batch.push_level(side, level.price, level.size);
    }
    let message = batch.messages[0].clone();
    synced.apply(&rules, &message, batch.levels_of(&message));
    let exchange: std::sync::Arc<str> = "BINANCE".into();
    let mut id = 0_u64;
    group.throughput(Throughput::Elements(10));
    group.bench_function("symbol_book_delta_of_10_levels", |b| {
        b.iter(|| {
            batch.clear();
            let message = batch.start(symbol.clone(), BookMessageKind::Delta);
            message.first_id = Some(id + 1);
            message.last_id = Some(id + 10);
            for step in 0..10 {
                let (side, price, size) = stream[(index + step) & (stream.len() - 1)];
                // Keep the book uncrossed: bids below, asks above the initial mid.
                batch.push_level(side, price, size);
            }
            index += 10;
            id += 10;
            let message = batch.messages[0].clone();
            let outcome = synced.apply(&rules, &message, batch.levels_of(&message));
            black_box(&outcome);
            black_box(synced.delivery(false, &exchange, Decimal::ONE));
        });
    });
    group.finish();
}

/// Binance depth diffs with 10 levels each, as a 100 ms stream of a busy market carries.
fn depth_frames(count: usize) -> Vec<String> {
    let stream = updates(count * 10);
    let mut id = 1_000_u64;
    stream
        .chunks(10)
        .map(|chunk| {
            let side = |wanted: BookSide| -> String {
                let levels: Vec<String> = chunk
                    .iter()
                    .filter(|(side, _, _)| *side == wanted)
                    .map(|(_, price, size)| format!(r#"["{price}","{size}"]"#))
                    .collect();
                format!("[{}]", levels.join(","))
            };
            // The documented key order, as Binance sends it.
            let frame = format!(
                r#"{{"e":"depthUpdate","E":{},"s":"BTCUSDT","U":{},"u":{},"b":{},"a":{}}}"#,
                1_700_000_000_000_u64 + id,
                id + 1,
                id + 10,
                side(BookSide::Bid),
                side(BookSide::Ask)
            );
            id += 10;
            frame
        })
        .collect()
}

fn bench_session(c: &mut Criterion) {
    let markets = r#"{"symbols":[{"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT"}]}"#;
    let feed = CcxtFeed::replay("binance", markets)
        .unwrap()
        .with_book_depth(10);
    let frames = depth_frames(1 << 16);
    let mut group = c.benchmark_group("book");
    group.throughput(Throughput::Elements(1));
    group.sample_size(20);
    let snapshot = {
        let book = full_book();
        let side = |levels: Vec<feedhandler::feed_core::Level>| -> Vec<[String; 2]> {
            levels
                .iter()
                .map(|l| [l.price.to_string(), l.size.to_string()])
                .collect()
        };
        serde_json::json!({"lastUpdateId": 1000, "bids": side(book.bids().collect()), "asks": side(book.asks().collect())}).to_string()
    };
    // A session whose book joined a 5,000-level snapshot at the stream's start.
    let joined = || {
        let mut session = feed.new_session().unwrap();
        let mut out = SessionOutput::default();
        session
            .frame(Frame::Text(&frames[0]), Decimal::ONE, &mut out)
            .unwrap();
        session.response(1, Ok(snapshot.clone().into()), Decimal::ONE, &mut out);
        session
    };
    let receipt = Decimal::from_str("1700000000.5").unwrap();
    group.bench_function("binance_depth_frame_parse_sync_deliver", |b| {
        b.iter_custom(|iterations| {
            let mut total = std::time::Duration::ZERO;
            let mut done = 0_u64;
            let mut out = SessionOutput::default();
            while done < iterations {
                // Each pass over the frames starts from a freshly joined book (not timed).
                let mut session = joined();
                let count = (iterations - done).min(frames.len() as u64 - 1) as usize;
                let start = std::time::Instant::now();
                for frame in &frames[1..=count] {
                    let _ = session.frame(Frame::Text(black_box(frame)), receipt, &mut out);
                    out.clear();
                }
                total += start.elapsed();
                done += count as u64;
            }
            total
        });
    });
    group.finish();
}

criterion_group!(benches, bench_order_book, bench_session);
criterion_main!(benches);
