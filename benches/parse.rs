//! Frame -> normalized Trade, per adapter, on realistic frames (criterion).
//!
//!   cargo bench --bench parse
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use feedhandler::feed_ccxt::CcxtFeed;
use rust_decimal::Decimal;

const BINANCE_MARKETS: &str = r#"{"symbols":[
 {"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT"},
 {"symbol":"ETHUSDT","status":"TRADING","baseAsset":"ETH","quoteAsset":"USDT"}]}"#;

fn binance_frames() -> Vec<String> {
    (0..1024)
        .map(|i| {
            let symbol = if i % 3 == 0 { "ETHUSDT" } else { "BTCUSDT" };
            format!(
                r#"{{"e":"aggTrade","E":1700000000{i:03},"s":"{symbol}","a":{},"p":"3700{}.{:02}","q":"0.{:05}","f":{i},"l":{i},"T":1700000000{i:03},"m":{},"M":true}}"#,
                5_000_000 + i,
                i % 10,
                i % 100,
                i * 7 + 1,
                i % 2 == 0
            )
        })
        .collect()
}

fn bench_binance(c: &mut Criterion) {
    let feed = CcxtFeed::replay("binance", BINANCE_MARKETS).expect("binance markets");
    let frames = binance_frames();
    let receipt = Decimal::new(1_700_000_001_000_000, 6);
    let mut out = Vec::with_capacity(4);
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Elements(1));
    let mut index = 0;
    group.bench_function("binance_aggTrade", |b| {
        b.iter(|| {
            out.clear();
            let frame = &frames[index & 1023];
            index += 1;
            let _ = feed.parse(black_box(frame), receipt, &mut out);
            black_box(&out);
        });
    });
    group.finish();
}

criterion_group!(benches, bench_binance);
criterion_main!(benches);
