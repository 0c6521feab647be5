//! A whole exchange at scale: a `symbols: ALL` Binance feed of TRADES over every market
//! of `LimitedBinance` (a stand-in enforcing Binance's documented limits: 1024 streams and
//! 5 incoming messages per second per connection, 300 connections per 5 minutes per IP),
//! measured: connections used, time until every market has delivered a trade, limit
//! violations (must be none), and the client's CPU and memory per 1,000 symbols while
//! every market trades every `TRADE_MS` milliseconds.
//!
//!   cargo bench --bench scale                    (MARKETS=1500 TRADE_MS=100 SECONDS=20)
//!
//! The stand-in runs on its own runtime thread; the client's CPU is its thread's.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use feed_testkit::{LimitedBinance, LimitedBinanceConfig};
use feedhandler::feed_ccxt::{CcxtFeed, MarketFilter};
use feedhandler::feed_core::connect::{client_config, load_ca_file};
use feedhandler::feed_core::runtime::{Callbacks, FeedHandler};
use feedhandler::{Channel, Trade};

mod procstat;

use procstat::{rss_kib, thread_cpu_seconds};

/// Markets that traded, when the last of them first did, trades in all.
#[derive(Default)]
struct Traded {
    markets: HashSet<String>,
    all_at: Option<Instant>,
    trades: u64,
}

/// Client CPU seconds, trades, RSS (KiB) and the length of the steady stretch.
type Steady = (f64, u64, u64, Duration);

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let markets = env_number("MARKETS", 1500) as usize;
    let trade_ms = env_number("TRADE_MS", 100);
    let seconds = env_number("SECONDS", 20);
    let (standin_sender, standin_receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let standin = LimitedBinance::start(LimitedBinanceConfig {
                markets,
                trade_interval: Duration::from_millis(trade_ms),
                ..LimitedBinanceConfig::default()
            })
            .await
            .expect("the stand-in starts");
            standin_sender.send(Arc::new(standin)).expect("sent");
            std::future::pending::<()>().await;
        });
    });
    let standin = standin_receiver.recv().expect("the stand-in");
    let rss_before = rss_kib().0;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let tls = client_config(&load_ca_file(&standin.cert.ca_file()).expect("ca")).expect("tls");
    let feed = CcxtFeed::every_market("binance", MarketFilter::all(), vec![Channel::Trades])
        .expect("a feed")
        .with_rest_endpoint(standin.rest_base())
        .with_websocket_endpoint(standin.websocket_url());
    let mut handler = FeedHandler::new()
        .stop_on_ctrl_c(false)
        .with_connector_setup(move |connector| connector.with_tls_config(Arc::clone(&tls)));
    let traded: Arc<Mutex<Traded>> = Arc::default();
    let sink = Arc::clone(&traded);
    let started = Instant::now();
    handler.add_feed(
        feed,
        Callbacks::new().on_trade(move |trade: &Trade| {
            let mut traded = sink.lock().expect("lock");
            traded.trades += 1;
            if traded.all_at.is_none()
                && traded.markets.insert(trade.symbol.as_str().to_owned())
                && traded.markets.len() == markets
            {
                traded.all_at = Some(Instant::now());
            }
        }),
    );
    let stop = handler.shutdown_handle();
    let watched = Arc::clone(&traded);
    let measured: Arc<Mutex<Option<Steady>>> = Arc::default();
    let result = Arc::clone(&measured);
    runtime.block_on(async move {
        let measure = tokio::spawn(async move {
            // Wait for every market, then measure a steady stretch.
            while watched.lock().expect("lock").all_at.is_none() {
                if started.elapsed() > Duration::from_secs(120) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let (cpu_before, trades_before, at) = (
                thread_cpu_seconds(),
                watched.lock().expect("lock").trades,
                Instant::now(),
            );
            tokio::time::sleep(Duration::from_secs(seconds)).await;
            let cpu = thread_cpu_seconds() - cpu_before;
            let trades = watched.lock().expect("lock").trades - trades_before;
            *result.lock().expect("lock") = Some((cpu, trades, rss_kib().0, at.elapsed()));
            stop.shutdown();
        });
        let _ = handler.run().await;
        let _ = measure.await;
    });
    let traded = traded.lock().expect("lock");
    let Some((cpu, trades, rss_after, steady)) = *measured.lock().expect("lock") else {
        panic!("no measurement");
    };
    let full = traded.all_at.map_or("never".to_owned(), |at| {
        format!("{:.2} s", (at - started).as_secs_f64())
    });
    let connections = standin.connections();
    let per_thousand = 1000.0 / markets as f64;
    println!("scale: {markets} markets, a trade each every {trade_ms} ms");
    println!(
        "scale: connections {} (max open at once {}), violations {}",
        connections.len(),
        standin.max_open_connections(),
        standin.violations().len()
    );
    println!(
        "scale: every market delivered a trade after {full} (market list, connect, subscribe)"
    );
    println!(
        "scale: steady {:.1} s: {trades} trades = {:.0}/s; client thread CPU {:.1} % of a core ({:.2} % per 1,000 symbols), {:.0} ns per trade",
        steady.as_secs_f64(),
        trades as f64 / steady.as_secs_f64(),
        cpu * 100.0 / steady.as_secs_f64(),
        cpu * 100.0 / steady.as_secs_f64() * per_thousand,
        cpu * 1e9 / trades.max(1) as f64
    );
    println!(
        "scale: RSS {} KiB before the feed, {rss_after} KiB running: {:.0} KiB per 1,000 symbols",
        rss_before,
        rss_after.saturating_sub(rss_before) as f64 * per_thousand
    );
}
