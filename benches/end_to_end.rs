//! End to end on loopback: a local WebSocket server pushing Binance aggTrade frames as fast
//! as it can, the real FeedHandler normalizing them into a callback; direct over ws:// and
//! wss://, through dante (SOCKS5) and through tinyproxy (CONNECT). Also the connection set-up
//! time: from start (market list over REST, connect, subscribe) to the first trade.
//!
//!   cargo bench --bench end_to_end        (needs dante-server and tinyproxy: ./scripts/test installs them)
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use feed_testkit::proxies::{start_dante, start_tinyproxy, TinyproxyOptions, DANTE_EGRESS};

mod depth;
mod fixtures;
mod loopback;

const FRAMES_PER_RUN: u64 = 500_000;

fn bench_end_to_end(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let exchange = runtime.block_on(loopback::LoopbackBinance::start());
    let dante = start_dante(DANTE_EGRESS).expect("start danted (Debian package dante-server)");
    let tinyproxy = start_tinyproxy(TinyproxyOptions::default())
        .expect("start tinyproxy (Debian package tinyproxy)");
    let routes: [(&str, bool, Option<String>); 4] = [
        ("direct_ws", false, None),
        ("direct_wss", true, None),
        ("dante_socks5_ws", false, Some(dante.url("socks5"))),
        ("tinyproxy_connect_ws", false, Some(tinyproxy.url("http"))),
    ];

    let mut group = c.benchmark_group("stream");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(15))
        .warm_up_time(Duration::from_secs(2));
    group.throughput(Throughput::Elements(FRAMES_PER_RUN));
    for (name, tls, proxy) in &routes {
        group.bench_function(*name, |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    total +=
                        runtime.block_on(exchange.stream(FRAMES_PER_RUN, *tls, proxy.as_deref()));
                }
                total
            });
        });
    }
    group.finish();

    let mut group = c.benchmark_group("first_trade");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    for (name, tls, proxy) in &routes {
        group.bench_function(*name, |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    total += runtime.block_on(exchange.stream(1, *tls, proxy.as_deref()));
                }
                total
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench_end_to_end);
criterion_main!(benches);
