//! Memory while streaming: RSS over 10 M frames (is it flat?), and heap allocations per
//! event on the client's hot path (socket -> frame -> Trade or book -> callback).
//!
//!   cargo bench --bench memory            (FRAMES=2000000 for a shorter run)
//!   ROUTE=dante cargo bench --bench memory  (or ROUTE=tinyproxy: through a real proxy)
//!   MIX=books cargo bench --bench memory    (books: see below; BOOK_DEPTH, LEVELS)
//!
//! It also reports the client thread's CPU time per frame, which shows what a route costs
//! feedhandler itself, apart from the proxy daemon's own CPU.
//!
//! `MIX=books`: four symbols' books of `LEVELS` (5,000) levels a side, each from a REST
//! snapshot of 5,000 levels (`book_depth` `BOOK_DEPTH`, 200, asks Binance for 5,000), then
//! `depthUpdate` frames (1-10 level changes, consistent `U`/`u`, every delete paired with
//! an insert so each side keeps exactly 5,000 levels) and aggTrade frames in turn. The
//! callback checks every book (full depth, best bid below best ask) and, at the end, the
//! last book of each symbol against the stand-in's true book after the same update.
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
use feedhandler::feed_core::types::{Gap, L2Book};
use feedhandler::{Channel, Symbol, Trade};

mod depth;
mod fixtures;
mod loopback;
mod procstat;

use depth::check::BookCheck;
use depth::{DepthBooks, Mix};

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

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// Counting off while `work` runs (the bench's own bookkeeping is not the hot path's).
fn uncounted<T>(work: impl FnOnce() -> T) -> T {
    COUNTED.with(|counted| counted.set(false));
    let value = work();
    COUNTED.with(|counted| counted.set(true));
    value
}

/// One sample: frames received, RSS (KiB), allocations so far, books delivered so far.
type Sample = (u64, u64, u64, u64);

fn main() {
    let frames = env_number("FRAMES", 10_000_000);
    if std::env::args().any(|arg| arg == "--list" || arg == "--test") {
        return; // `cargo test --benches` / `cargo bench -- --list`: nothing to list
    }
    let mix = Mix::from_env(Mix::Trades);
    let book_depth = env_number("BOOK_DEPTH", 200) as usize;
    let levels = env_number("LEVELS", 5_000) as usize;
    // Books: a depth update and a trade in turn, so two frames per trade.
    let frames_per_trade = if mix == Mix::Books { 2 } else { 1 };
    let trades_total = frames / frames_per_trade;
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("server runtime");
    let books = DepthBooks::new(mix, levels, book_depth);
    let exchange = server_runtime.block_on(loopback::LoopbackBinance::start_with(books.clone()));
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
    exchange.set_frames_per_connection(frames_per_trade * trades_total);
    let client_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");

    let samples: Arc<Mutex<Vec<Sample>>> = Arc::default();
    let received = Arc::new(AtomicU64::new(0));
    let gaps = Arc::new(AtomicU64::new(0));
    let check = Arc::new(BookCheck::new(book_depth));
    let warm: Arc<Mutex<Option<Sample>>> = Arc::default();
    let mut handler = FeedHandler::new().stop_on_ctrl_c(false);
    let stop = handler.shutdown_handle();
    let step = (trades_total / 10).max(1);
    let channels = match mix {
        Mix::Trades => vec![Channel::Trades],
        Mix::Books => vec![Channel::Trades, Channel::L2Book],
    };
    let symbols = books
        .symbols()
        .iter()
        .map(|symbol| Symbol::parse(symbol).expect("symbol"))
        .collect();
    let (counter, samples_in, warm_in, check_in) = (
        Arc::clone(&received),
        Arc::clone(&samples),
        Arc::clone(&warm),
        Arc::clone(&check),
    );
    let on_trade = move |trade: &Trade| {
        std::hint::black_box(trade);
        let count = counter.fetch_add(1, Ordering::Relaxed) + 1;
        if count % step == 0 {
            uncounted(|| {
                let sample = (
                    count * frames_per_trade,
                    rss_kib().0,
                    ALLOCATIONS.load(Ordering::Relaxed),
                    check_in.books.load(Ordering::Relaxed),
                );
                if count == step {
                    if let Ok(mut warm) = warm_in.lock() {
                        *warm = Some(sample);
                    }
                }
                if let Ok(mut samples) = samples_in.lock() {
                    samples.push(sample);
                }
            });
        }
        if count + 8 == trades_total {
            // The last update of each book comes in the last 8 frames.
            check_in.keep_last();
        }
        if count == trades_total {
            stop.shutdown();
        }
    };
    let check_in = Arc::clone(&check);
    let gaps_in = Arc::clone(&gaps);
    let callbacks = Callbacks::new()
        .on_trade(on_trade)
        .on_book(move |book: &L2Book| {
            if check_in.keeping() {
                uncounted(|| check_in.on_book(book));
            } else {
                check_in.on_book(book);
            }
        })
        .on_gap(move |gap: &Gap| {
            gaps_in.fetch_add(1, Ordering::Relaxed);
            uncounted(|| println!("memory: gap {} {}", gap.symbol, gap.reason));
        });
    let stats = handler.add_feed(
        CcxtFeed::new("binance", symbols, channels)
            .expect("feed")
            .with_book_depth(book_depth)
            .with_rest_endpoint(format!("http://127.0.0.1:{}", exchange.rest.port()))
            .with_websocket_endpoint(format!("ws://127.0.0.1:{}/ws", exchange.ws.port()))
            .with_proxy_settings(settings),
        callbacks,
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
    let trades = received.load(Ordering::Relaxed);
    let frames_received = stats.snapshot().frames;
    println!(
        "memory: {frames_received} frames ({trades} trades, mix {}) in {:.2} s ({:.2} M frames/s) over loopback ws://, route {route}, one client thread",
        mix.name(),
        elapsed.as_secs_f64(),
        frames_received as f64 / elapsed.as_secs_f64() / 1e6
    );
    println!(
        "memory: client thread CPU {client_cpu:.2} s = {:.0} ns per frame",
        client_cpu * 1e9 / frames_received.max(1) as f64
    );
    println!("memory: RSS by frames received (KiB):");
    for (count, rss, _, _) in &samples {
        println!("memory:   {count:>10}  {rss}");
    }
    println!("memory: final RSS {rss} KiB, peak RSS {peak} KiB");
    let warm = warm.lock().ok().and_then(|warm| *warm);
    if let (Some(first), Some(last)) = (warm, samples.last()) {
        let trades = (last.0 - first.0) / frames_per_trade;
        let books = last.3 - first.3;
        let allocations = last.2 - first.2;
        println!(
            "memory: steady state (after {} frames): {allocations} allocations for {trades} trades and {books} books = {:.3} per event (client thread; {} bytes allocated in all)",
            first.0,
            allocations as f64 / (trades + books).max(1) as f64,
            ALLOCATED_BYTES.load(Ordering::Relaxed)
        );
        if mix == Mix::Books {
            println!(
                "memory: of which the output: 2 per book (its bids and asks, {book_depth} levels each) = {}; beyond it: {} = {:.3} per event",
                2 * books,
                allocations as i64 - 2 * books as i64,
                (allocations as f64 - 2.0 * books as f64) / (trades + books).max(1) as f64
            );
        }
    }
    if mix == Mix::Books {
        report_books(
            &check,
            &books,
            &stats.snapshot(),
            gaps.load(Ordering::Relaxed),
        );
    }
}

fn report_books(
    check: &BookCheck,
    books: &DepthBooks,
    stats: &feedhandler::feed_core::runtime::StatsSnapshot,
    gaps: u64,
) {
    let truth = books
        .truth
        .entries
        .lock()
        .map(|t| t.clone())
        .unwrap_or_default();
    let comparison = check.compare(&truth);
    println!(
        "memory: books delivered {} ({} with fewer than the full depth, {} with bid >= ask); gaps {gaps}, book resyncs {}, snapshot requests {}, parse errors {}",
        check.books.load(Ordering::Relaxed),
        check.short.load(Ordering::Relaxed),
        check.crossed.load(Ordering::Relaxed),
        stats.book_resyncs,
        stats.requests,
        stats.parse_errors
    );
    println!(
        "memory: last book of {}/{} symbols equals the stand-in's true book after the same update; those true books have {}..{} levels a side",
        comparison.equal, comparison.symbols, comparison.levels.0, comparison.levels.1
    );
}
