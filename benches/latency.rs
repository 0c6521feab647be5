//! Receipt → callback latency at a fixed rate: a loopback WebSocket server pushes Binance
//! aggTrade frames at `RATE` frames per second (in 1 ms batches), the real FeedHandler
//! normalizes them into a callback, and the callback records how long after the frame's
//! receipt stamp (taken when the runtime read it off the socket) it ran. Prints the
//! throughput reached and p50 / p99 / p99.9 / max of that latency.
//!
//!   cargo bench --bench latency            (RATE=100000 SECONDS=10)
//!
//! The server runs on its own runtime thread, the client on another.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use rust_decimal::prelude::ToPrimitive;
use tokio_tungstenite::tungstenite::Message;

use feed_testkit::{start_http_server, start_ws_server, CannedResponse};
use feedhandler::feed_ccxt::CcxtFeed;
use feedhandler::feed_core::runtime::{Callbacks, FeedHandler};
use feedhandler::feed_core::types::now_micros;
use feedhandler::{Channel, Symbol, Trade};

mod fixtures;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let rate = env_number("RATE", 100_000);
    let seconds = env_number("SECONDS", 10);
    let total = rate * seconds;
    let (ports_sender, ports) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
            let rest = start_http_server(
                localhost,
                None,
                HashMap::from([(
                    "/api/v3/exchangeInfo".to_owned(),
                    CannedResponse::ok(fixtures::BINANCE_MARKETS),
                )]),
            )
            .await
            .expect("rest");
            let frames: Arc<Vec<String>> =
                Arc::new((0..4096).map(fixtures::binance_frame).collect());
            let ws = start_ws_server(localhost, None, move |mut socket, _peer| {
                let frames = Arc::clone(&frames);
                async move {
                    while let Some(Ok(message)) = socket.next().await {
                        if message.is_text() {
                            break;
                        }
                    }
                    let _ = socket
                        .send(Message::text(r#"{"result":null,"id":1}"#))
                        .await;
                    // A batch every millisecond keeps the rate fixed.
                    let per_tick = (rate / 1000).max(1);
                    let mut ticks = tokio::time::interval(Duration::from_millis(1));
                    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
                    let mut sent = 0_u64;
                    while sent < total {
                        ticks.tick().await;
                        for _ in 0..per_tick.min(total - sent) {
                            let frame = Message::text(frames[(sent % 4096) as usize].clone());
                            if socket.feed(frame).await.is_err() {
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
    let (rest_port, ws_port) = ports.recv().expect("the servers");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let feed = CcxtFeed::new(
        "binance",
        ["BTC-USDT", "ETH-USDT", "SOL-USDT"]
            .iter()
            .map(|symbol| Symbol::parse(symbol).expect("symbol"))
            .collect(),
        vec![Channel::Trades],
    )
    .expect("a feed")
    .with_rest_endpoint(format!("http://127.0.0.1:{rest_port}"))
    .with_websocket_endpoint(format!("ws://127.0.0.1:{ws_port}/ws"));
    let mut handler = FeedHandler::new().stop_on_ctrl_c(false);
    let latencies: Arc<Mutex<Vec<u32>>> = Arc::new(Mutex::new(Vec::with_capacity(total as usize)));
    let (sink, stop) = (Arc::clone(&latencies), handler.shutdown_handle());
    let first: Arc<Mutex<Option<Instant>>> = Arc::default();
    let first_seen = Arc::clone(&first);
    handler.add_feed(
        feed,
        Callbacks::new().on_trade(move |trade: &Trade| {
            let now = now_micros();
            let receipt = (trade.receipt_timestamp * rust_decimal::Decimal::from(1_000_000))
                .to_i64()
                .unwrap_or(now);
            let mut latencies = sink.lock().expect("lock");
            if latencies.is_empty() {
                *first_seen.lock().expect("lock") = Some(Instant::now());
            }
            latencies.push(u32::try_from((now - receipt).max(0)).unwrap_or(u32::MAX));
            if latencies.len() as u64 == total {
                stop.shutdown();
            }
        }),
    );
    runtime.block_on(async move {
        let _ = handler.run().await;
    });
    let elapsed = first
        .lock()
        .expect("lock")
        .map_or(Duration::ZERO, |first| first.elapsed());
    let mut latencies = latencies.lock().expect("lock").clone();
    latencies.sort_unstable();
    let at = |fraction: f64| -> u32 {
        let index = ((latencies.len() as f64 - 1.0) * fraction).round() as usize;
        latencies.get(index).copied().unwrap_or(0)
    };
    println!(
        "latency: {} trades at a fixed {rate} frames/s: {:.0} trades/s received",
        latencies.len(),
        latencies.len() as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    println!(
        "latency: receipt -> callback p50 {} µs, p99 {} µs, p99.9 {} µs, max {} µs",
        at(0.5),
        at(0.99),
        at(0.999),
        latencies.last().copied().unwrap_or(0)
    );
}
