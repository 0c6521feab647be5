//! Receipt → callback latency at a fixed rate: a loopback WebSocket server pushes Binance
//! frames at `RATE` frames per second (in 1 ms batches), the real FeedHandler normalizes
//! them into callbacks, and each callback records how long after its frame's receipt stamp
//! (taken when the runtime read it off the socket) it ran. Prints the throughput reached
//! and p50 / p99 / p99.9 / max of that latency, for trades and for books separately.
//!
//!   cargo bench --bench latency              (RATE=100000 SECONDS=10, MIX=books)
//!   MIX=trades cargo bench --bench latency   (aggTrade frames only, three symbols)
//!
//! `MIX=books` (the default): four symbols, a `depthUpdate` and an aggTrade frame in turn
//! (half the rate each); each book starts from a REST snapshot of 1,000 levels a side
//! (`LEVELS`; the default `book_depth` of 10 asks Binance for 1,000) and keeps them, and
//! a book is delivered whenever its top 10 changed. The first trade and book of each
//! symbol (before and with the snapshots, while the stream waits for them) are not
//! counted. The server runs on its own runtime thread, the client on another.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use tokio_tungstenite::tungstenite::Message;

use feed_testkit::{start_dynamic_http_server, start_ws_server};
use feedhandler::feed_ccxt::CcxtFeed;
use feedhandler::feed_core::runtime::{Callbacks, FeedHandler};
use feedhandler::feed_core::types::{now_micros, L2Book};
use feedhandler::{Channel, Symbol, Trade};

mod depth;
mod fixtures;

use depth::check::BookCheck;
use depth::{DepthBooks, Mix};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// Starts the stand-in on its own thread: its REST and WebSocket ports.
fn start_server(books: DepthBooks, rate: u64, total: u64) -> (u16, u16) {
    let (ports_sender, ports) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
            let responder = books.clone();
            let rest = start_dynamic_http_server(localhost, None, move |target: &str| {
                responder.respond(target)
            })
            .await
            .expect("rest");
            let frames = books.trade_frames();
            let ws = start_ws_server(localhost, None, move |mut socket, _peer| {
                let (frames, books) = (Arc::clone(&frames), books.clone());
                async move {
                    depth::accept_subscribe(&mut socket).await;
                    let mut tape = books.tape(frames, total);
                    // Books: one update of each, then the client's snapshots, then the rate.
                    for _ in 0..tape.warm_up_frames() {
                        if socket.feed(Message::text(tape.next_frame())).await.is_err() {
                            return;
                        }
                    }
                    if tape.warm_up_frames() > 0 {
                        let _ = socket.flush().await;
                        books.wait_for_snapshots().await;
                    }
                    // A batch every millisecond keeps the rate fixed.
                    let per_tick = (rate / 1000).max(1);
                    let mut ticks = tokio::time::interval(Duration::from_millis(1));
                    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
                    let mut sent = tape.warm_up_frames();
                    while sent < total {
                        ticks.tick().await;
                        for _ in 0..per_tick.min(total - sent) {
                            if socket.feed(Message::text(tape.next_frame())).await.is_err() {
                                return;
                            }
                            sent += 1;
                        }
                        if socket.flush().await.is_err() {
                            return;
                        }
                    }
                    while socket.next().await.is_some() {}
                }
            })
            .await
            .expect("ws");
            ports_sender.send((rest.port(), ws.port())).expect("sent");
            std::future::pending::<()>().await;
        });
    });
    ports.recv().expect("the servers")
}

/// Microseconds from `receipt` (seconds) to now.
fn since(receipt: Decimal) -> u32 {
    let now = now_micros();
    let receipt = (receipt * Decimal::from(1_000_000)).to_i64().unwrap_or(now);
    u32::try_from((now - receipt).max(0)).unwrap_or(u32::MAX)
}

/// p50, p99, p99.9 and max of `latencies`, as a line.
fn percentiles(mut latencies: Vec<u32>) -> String {
    latencies.sort_unstable();
    let at = |fraction: f64| -> u32 {
        let index = ((latencies.len() as f64 - 1.0) * fraction).round() as usize;
        latencies.get(index).copied().unwrap_or(0)
    };
    format!(
        "p50 {} µs, p99 {} µs, p99.9 {} µs, max {} µs",
        at(0.5),
        at(0.99),
        at(0.999),
        latencies.last().copied().unwrap_or(0)
    )
}

/// What the callbacks record.
#[derive(Default)]
struct Recorded {
    trades: Vec<u32>,
    books: Vec<u32>,
    first: Option<Instant>,
}

fn main() {
    let rate = env_number("RATE", 100_000);
    let seconds = env_number("SECONDS", 10);
    let mix = Mix::from_env(Mix::Books);
    let levels = env_number("LEVELS", 1_000) as usize;
    let book_depth = feedhandler::feed_ccxt::DEFAULT_BOOK_DEPTH;
    let total = rate * seconds;
    let trades_total = match mix {
        Mix::Trades => total,
        Mix::Books => total / 2,
    };
    let books = DepthBooks::new(mix, levels, book_depth);
    let (rest_port, ws_port) = start_server(books.clone(), rate, total);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let channels = match mix {
        Mix::Trades => vec![Channel::Trades],
        Mix::Books => vec![Channel::Trades, Channel::L2Book],
    };
    let feed = CcxtFeed::new(
        "binance",
        books
            .symbols()
            .iter()
            .map(|symbol| Symbol::parse(symbol).expect("symbol"))
            .collect(),
        channels,
    )
    .expect("a feed")
    .with_rest_endpoint(format!("http://127.0.0.1:{rest_port}"))
    .with_websocket_endpoint(format!("ws://127.0.0.1:{ws_port}/ws"));
    let mut handler = FeedHandler::new().stop_on_ctrl_c(false);
    let recorded = Arc::new(Mutex::new(Recorded {
        trades: Vec::with_capacity(trades_total as usize),
        books: Vec::with_capacity((total - trades_total) as usize),
        first: None,
    }));
    let (trades_in, books_in, stop) = (
        Arc::clone(&recorded),
        Arc::clone(&recorded),
        handler.shutdown_handle(),
    );
    let check = Arc::new(BookCheck::new(book_depth));
    let check_in = Arc::clone(&check);
    let callbacks = Callbacks::new()
        .on_trade(move |trade: &Trade| {
            let latency = since(trade.receipt_timestamp);
            let mut recorded = trades_in.lock().expect("lock");
            if recorded.first.is_none() {
                recorded.first = Some(Instant::now());
            }
            recorded.trades.push(latency);
            if recorded.trades.len() as u64 == trades_total {
                stop.shutdown();
            }
        })
        .on_book(move |book: &L2Book| {
            let latency = since(book.receipt_timestamp);
            check_in.on_book(book);
            books_in.lock().expect("lock").books.push(latency);
        });
    let stats = handler.add_feed(feed, callbacks);
    runtime.block_on(async move {
        let _ = handler.run().await;
    });
    let recorded = std::mem::take(&mut *recorded.lock().expect("lock"));
    let elapsed = recorded
        .first
        .map_or(Duration::ZERO, |first| first.elapsed())
        .as_secs_f64()
        .max(1e-9);
    let stats = stats.snapshot();
    println!(
        "latency: mix {}, a fixed {rate} frames/s: {} frames received at {:.0} frames/s ({} trades, {} books delivered)",
        mix.name(),
        stats.frames,
        stats.frames as f64 / elapsed,
        recorded.trades.len(),
        recorded.books.len()
    );
    // Books: the first trade and book of each symbol came before and with the snapshots
    // (while the stream waited for them): not at the fixed rate, not counted.
    let warm_up = match mix {
        Mix::Trades => 0,
        Mix::Books => depth::SYMBOLS.len(),
    };
    let after_warm_up = |latencies: &[u32]| latencies.get(warm_up..).unwrap_or_default().to_vec();
    println!(
        "latency: trades, receipt -> callback {}",
        percentiles(after_warm_up(&recorded.trades))
    );
    if mix == Mix::Books {
        println!(
            "latency: books, receipt -> callback {}",
            percentiles(after_warm_up(&recorded.books))
        );
        println!(
            "latency: books with bid >= ask {}, short of {book_depth} levels {}; gaps {}, book resyncs {}, snapshot requests {}",
            check.crossed.load(std::sync::atomic::Ordering::Relaxed),
            check.short.load(std::sync::atomic::Ordering::Relaxed),
            stats.gaps,
            stats.book_resyncs,
            stats.requests
        );
    }
}
