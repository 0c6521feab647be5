//! Monitoring a feed from outside the process: `/metrics` (Prometheus text) and `/health`
//! served while the feed runs, the lag figures of the run, and one log line per interval.
//!
//! Runs offline against the embedded simulated exchange; scrapes its own endpoint once a
//! second and prints a few lines of it.
//!   cargo run --example health_endpoint
use std::sync::Arc;
use std::time::Duration;

use feedhandler::demo::{certificate, SimulatedExchange};
use feedhandler::feed_ccxt::CcxtFeed;
use feedhandler::feed_core::monitor::{MetricsServer, MonitorSettings};
use feedhandler::feed_core::runtime::{Callbacks, FeedHandler};
use feedhandler::{Channel, Symbol};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `GET path` with a plain HTTP/1.1 request; the whole response.
async fn get(address: std::net::SocketAddr, path: &str) -> std::io::Result<String> {
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    Ok(response)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    let tls = certificate::generate()?;
    let exchange = SimulatedExchange::start(Arc::clone(&tls.server), 50.0).await?;
    let feed = CcxtFeed::new(
        "binance",
        vec![Symbol::parse("BTC-USDT")?],
        vec![Channel::Trades, Channel::L2Book],
    )?
    .with_rest_endpoint(exchange.rest_base.clone())
    .with_websocket_endpoint(exchange.websocket_url.clone());

    // Bind first: a busy port is an error here, before any feed connects.
    let server = MetricsServer::bind("127.0.0.1:0".parse()?).await?;
    let address = server.local_addr()?;
    let settings = MonitorSettings {
        stale_after: Duration::from_secs(5),
        report_every: Duration::from_secs(2),
        ..MonitorSettings::default()
    };
    let client_tls = Arc::clone(&tls.client);
    let mut handler = FeedHandler::new()
        .with_connector_setup(move |c| c.with_tls_config(Arc::clone(&client_tls)))
        .with_monitoring(settings);
    handler.add_feed(feed, Callbacks::new());
    let handler = handler.serve_metrics(server);
    let stop = handler.shutdown_handle();
    tokio::spawn(async move {
        for _ in 0..4 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if let Ok(metrics) = get(address, "/metrics").await {
                for line in metrics.lines().filter(|line| {
                    line.starts_with("feedhandler_events_total")
                        || line.starts_with("feedhandler_lag_seconds_count")
                }) {
                    println!("{line}");
                }
            }
            if let Ok(health) = get(address, "/health").await {
                println!("{}", health.lines().next().unwrap_or_default());
            }
        }
        stop.shutdown();
    });
    for report in handler.run().await? {
        println!(
            "{}: {} trades, {} books, lag {}",
            report.name,
            report.stats.trades,
            report.stats.books,
            report.stats.lag.display()
        );
    }
    Ok(())
}
