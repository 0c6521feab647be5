//! The replay pipeline in-process: a frames buffer -> JSON lines (what `feedhandler replay`
//! does, minus process start and file I/O).
//!
//!   cargo bench --bench replay
use std::hint::black_box;
use std::io::Cursor;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use feedhandler::cli::replay::replay;
use feedhandler::feed_ccxt::CcxtFeed;
use feedhandler::replay::ReplaySession;

mod fixtures;

fn bench_replay(c: &mut Criterion) {
    const FRAMES: u64 = 100_000;
    let feed = CcxtFeed::replay("binance", fixtures::BINANCE_MARKETS).expect("markets");
    let mut input = Vec::new();
    for i in 0..FRAMES {
        input.extend_from_slice(fixtures::binance_frame(i).as_bytes());
        input.push(b'\n');
    }
    let mut output = Vec::with_capacity(input.len() * 2);
    let mut group = c.benchmark_group("replay");
    group.throughput(Throughput::Elements(FRAMES));
    group.sample_size(20);
    group.bench_function("binance_100k_frames_to_json_lines", |b| {
        b.iter(|| {
            output.clear();
            let mut session = ReplaySession::new(feed.new_session().expect("markets loaded"));
            let counts = replay(&mut session, Cursor::new(&input), &mut output).expect("replay");
            assert_eq!(counts.trades, FRAMES);
            black_box(&output);
        });
    });
    // The combined-stream wrapper most recorders capture (`/stream?streams=`).
    let mut wrapped = Vec::new();
    for i in 0..FRAMES {
        let frame = fixtures::binance_frame(i);
        wrapped.extend_from_slice(
            format!(r#"{{"stream":"btcusdt@aggTrade","data":{frame}}}"#).as_bytes(),
        );
        wrapped.push(b'\n');
    }
    group.bench_function("binance_100k_combined_stream_frames_to_json_lines", |b| {
        b.iter(|| {
            output.clear();
            let mut session = ReplaySession::new(feed.new_session().expect("markets loaded"));
            let counts = replay(&mut session, Cursor::new(&wrapped), &mut output).expect("replay");
            assert_eq!(counts.trades, FRAMES);
            black_box(&output);
        });
    });
    group.finish();
}

criterion_group!(benches, bench_replay);
criterion_main!(benches);
