//! Memory while streaming: peak RSS over 10 M frames (is it flat?), and heap allocations
//! per trade on the client's hot path (socket -> frame -> Trade -> callback).
//!
//!   cargo bench --bench memory            (FRAMES=2000000 for a shorter run)
//!   ROUTE=dante cargo bench --bench memory  (or ROUTE=tinyproxy: through a real proxy)
//!
//! It also reports the client thread's CPU time per trade, which shows what a route costs
//! feedhandler itself, apart from the proxy daemon's own CPU.
//!
//! The loopback server runs on its own runtime thread; only allocations made on the client
//! runtime's thread are counted (a counting global allocator with a per-thread switch).
// A global allocator can only be written with `unsafe impl`: it forwards to the system
// allocator unchanged and adds two relaxed counters.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use feedhandler::feed_ccxt::CcxtFeed;
use feedhandler::feed_core::runtime::{Callbacks, FeedHandler};
use feedhandler::{Channel, Symbol, Trade};

mod fixtures;
mod loopback;
mod procstat;

use procstat::{rss_kib, thread_cpu_seconds};

struct CountingAllocator;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static ALLOCATED_BYTES: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTED.try_with(Cell::get).unwrap_or(false) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            ALLOCATED_BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) }
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTED.try_with(Cell::get).unwrap_or(false) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            ALLOCATED_BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        }
        unsafe { System.realloc(pointer, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn main() {
    let frames: u64 = std::env::var("FRAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    if std::env::args().any(|arg| arg == "--list" || arg == "--test") {
        return; // `cargo test --benches` / `cargo bench -- --list`: nothing to list
    }
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("server runtime");
    let exchange = server_runtime.block_on(loopback::LoopbackBinance::start());
    let route = std::env::var("ROUTE").unwrap_or_else(|_| "direct".into());
    let proxy = match route.as_str() {
        "dante" => Some(
            feed_testkit::proxies::start_dante(feed_testkit::proxies::DANTE_EGRESS)
                .expect("start danted"),
        ),
        "tinyproxy" => Some(
            feed_testkit::proxies::start_tinyproxy(
                feed_testkit::proxies::TinyproxyOptions::default(),
            )
            .expect("start tinyproxy"),
        ),
        _ => None,
    };
    let settings = match proxy.as_ref().map(|proxy| proxy.proxy_url()) {
        Some(url) => feedhandler::ProxySettings::enabled().with_default(
            feedhandler::ConnectionProxies::both(
                feedhandler::ProxyConfig::new(&url).expect("proxy url"),
            ),
        ),
        None => feedhandler::ProxySettings::disabled(),
    };
    exchange.set_frames_per_connection(frames);
    let client_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");

    let samples = Arc::new(Mutex::new(Vec::new()));
    let received = Arc::new(AtomicU64::new(0));
    let allocations_at_warm = Arc::new(AtomicU64::new(0));
    let mut handler = FeedHandler::new().stop_on_ctrl_c(false);
    let stop = handler.shutdown_handle();
    let (counter, samples_in, warm) = (
        Arc::clone(&received),
        Arc::clone(&samples),
        Arc::clone(&allocations_at_warm),
    );
    let step = (frames / 10).max(1);
    handler.add_feed(
        CcxtFeed::new(
            "binance",
            vec![
                Symbol::parse("BTC-USDT").expect("symbol"),
                Symbol::parse("ETH-USDT").expect("symbol"),
                Symbol::parse("SOL-USDT").expect("symbol"),
            ],
            vec![Channel::Trades],
        )
        .expect("feed")
        .with_rest_endpoint(format!("http://127.0.0.1:{}", exchange.rest.port()))
        .with_websocket_endpoint(format!("ws://127.0.0.1:{}/ws", exchange.ws.port()))
        .with_proxy_settings(settings),
        Callbacks::new().on_trade(move |trade: &Trade| {
            std::hint::black_box(trade);
            let count = counter.fetch_add(1, Ordering::Relaxed) + 1;
            if count == step {
                warm.store(ALLOCATIONS.load(Ordering::Relaxed), Ordering::Relaxed);
            }
            if count % step == 0 {
                COUNTED.with(|counted| counted.set(false));
                if let Ok(mut samples) = samples_in.lock() {
                    samples.push((count, rss_kib().0, ALLOCATIONS.load(Ordering::Relaxed)));
                }
                COUNTED.with(|counted| counted.set(true));
            }
            if count == frames {
                stop.shutdown();
            }
        }),
    );
    let started = Instant::now();
    let cpu_before = thread_cpu_seconds();
    client_runtime.block_on(async {
        COUNTED.with(|counted| counted.set(true));
        handler.run().await.expect("the feed starts");
        COUNTED.with(|counted| counted.set(false));
    });
    let elapsed = started.elapsed();
    let client_cpu = thread_cpu_seconds() - cpu_before;
    let (rss, peak) = rss_kib();
    let samples = samples.lock().map(|s| s.clone()).unwrap_or_default();
    println!(
        "memory: {frames} frames in {:.2} s ({:.2} M trades/s) over loopback ws://, route {route}, one client thread",
        elapsed.as_secs_f64(),
        frames as f64 / elapsed.as_secs_f64() / 1e6
    );
    println!(
        "memory: client thread CPU {client_cpu:.2} s = {:.0} ns per trade",
        client_cpu * 1e9 / frames as f64
    );
    println!("memory: RSS by trades received (KiB):");
    for (count, rss, _) in &samples {
        println!("memory:   {count:>10}  {rss}");
    }
    println!("memory: final RSS {rss} KiB, peak RSS {peak} KiB");
    if let (Some(first), Some(last)) = (samples.first(), samples.last()) {
        let trades = last.0 - first.0;
        let allocations = last.2 - allocations_at_warm.load(Ordering::Relaxed);
        println!(
            "memory: steady state: {allocations} allocations for {trades} trades = {:.3} per trade (client thread; {} bytes allocated in all)",
            allocations as f64 / trades.max(1) as f64,
            ALLOCATED_BYTES.load(Ordering::Relaxed)
        );
    }
}
