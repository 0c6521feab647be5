//! Frame -> normalized Trade, per adapter, through the adapter's live session, on realistic
//! frames (criterion; one core).
//!
//!   cargo bench --bench parse
use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use feedhandler::feed_ccxt::CcxtFeed;
use feedhandler::feed_core::runtime::{FeedSession, Frame, SessionOutput};
use rust_decimal::Decimal;

mod fixtures;

use fixtures::Fixture;

fn bench_adapters(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Elements(1));
    for f in fixtures::all() {
        let frames = f.frames.iter().map(|frame| Frame::Text(frame)).collect();
        bench_frames(&mut group, &f, frames);
    }
    for f in fixtures::binary() {
        let frames = f.frames.iter().map(|frame| Frame::Binary(frame)).collect();
        bench_frames(&mut group, &f, frames);
    }
    group.finish();
}

/// One exchange's `frames` (its fixture's), in turn, through its live session.
fn bench_frames<F>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    fixture: &Fixture<F>,
    frames: Vec<Frame<'_>>,
) {
    let receipt = Decimal::new(1_700_000_001_000_000, 6);
    let exchange = fixture.exchange;
    let feed = CcxtFeed::replay(exchange, fixture.markets).expect("markets parse");
    let mut session = feed.new_session().expect("markets loaded");
    let mut out = SessionOutput::default();
    for frame in fixtures::preamble(exchange) {
        out.clear();
        session
            .frame(Frame::Text(frame), receipt, &mut out)
            .expect("preamble frame parses");
    }
    // Every fixture frame must yield its trades: a benchmark of errors would be worthless.
    for frame in &frames {
        out.clear();
        session
            .frame(*frame, receipt, &mut out)
            .expect("fixture frame parses");
        let trades = fixture.trades_per_frame;
        assert_eq!(out.events.len(), trades, "{exchange}: {frame:?}");
    }
    let mut index = 0_usize;
    group.bench_function(exchange, |b| {
        b.iter(|| {
            out.clear();
            let frame = frames[index % frames.len()];
            index += 1;
            let _ = session.frame(black_box(frame), receipt, &mut out);
            black_box(&out);
        });
    });
}

criterion_group!(benches, bench_adapters);
criterion_main!(benches);
