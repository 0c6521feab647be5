//! Frame -> normalized Trade, per adapter, through the adapter's live session, on realistic
//! frames (criterion; one core).
//!
//!   cargo bench --bench parse
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use feedhandler::feed_ccxt::CcxtFeed;
use feedhandler::feed_core::runtime::{FeedSession, Frame, SessionOutput};
use rust_decimal::Decimal;

mod fixtures;

fn bench_adapters(c: &mut Criterion) {
    let receipt = Decimal::new(1_700_000_001_000_000, 6);
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Elements(1));
    for fixture in fixtures::all() {
        let feed = CcxtFeed::replay(fixture.exchange, fixture.markets).expect("markets parse");
        let mut session = feed.new_session().expect("markets loaded");
        let mut out = SessionOutput::default();
        for frame in fixtures::preamble(fixture.exchange) {
            out.clear();
            session
                .frame(Frame::Text(frame), receipt, &mut out)
                .expect("preamble frame parses");
        }
        // Every fixture frame must yield its trades: a benchmark of errors would be worthless.
        for frame in &fixture.frames {
            out.clear();
            session
                .frame(Frame::Text(frame), receipt, &mut out)
                .expect("fixture frame parses");
            assert_eq!(
                out.events.len(),
                fixture.trades_per_frame,
                "{}: {frame}",
                fixture.exchange
            );
        }
        let mut index = 0_usize;
        group.bench_function(fixture.exchange, |b| {
            b.iter(|| {
                out.clear();
                let frame = &fixture.frames[index % fixture.frames.len()];
                index += 1;
                let _ = session.frame(Frame::Text(black_box(frame)), receipt, &mut out);
                black_box(&out);
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench_adapters);
criterion_main!(benches);
