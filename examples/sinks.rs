//! Publishing to sinks from the library: a sink of your own (per-symbol trade counts)
//! beside the JSON-lines and Parquet sinks, each behind its own bounded queue, flushed at
//! the end with a report per sink.
//!
//! Runs offline against the embedded simulated exchange (the one `feedhandler demo` uses):
//!   cargo run --example sinks
//! and leaves hourly Parquet files under a temporary folder (its path is printed).
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use feedhandler::demo::{certificate, SimulatedExchange};
use feedhandler::feed_ccxt::CcxtFeed;
use feedhandler::feed_core::runtime::{Callbacks, FeedHandler};
use feedhandler::feed_core::sink::{
    DeliveryReport, JsonLinesSink, OverflowPolicy, Sink, SinkError, SinkOptions, Sinks,
};
use feedhandler::feed_core::{Event, EventKind};
use feedhandler::feed_sinks::parquet::{ParquetSettings, ParquetSink};
use feedhandler::{Channel, Symbol};

/// A sink of your own: counts trades per symbol and prints the counts when flushed.
#[derive(Default)]
struct TradeCounts {
    by_symbol: BTreeMap<String, u64>,
}

#[async_trait]
impl Sink for TradeCounts {
    fn describe(&self) -> String {
        "trade counts".into()
    }

    async fn write(
        &mut self,
        batch: &[Arc<Event>],
        report: &DeliveryReport,
    ) -> Result<(), SinkError> {
        for event in batch {
            if let Event::Trade(trade) = &**event {
                *self.by_symbol.entry(trade.symbol.to_string()).or_default() += 1;
            }
        }
        report.delivered(batch.len() as u64);
        Ok(())
    }

    async fn flush(&mut self, _report: &DeliveryReport) -> Result<(), SinkError> {
        eprintln!("trade counts: {:?}", self.by_symbol);
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let tls = certificate::generate()?;
    let exchange = SimulatedExchange::start(Arc::clone(&tls.server), 200.0).await?;
    let feed = CcxtFeed::new(
        "binance",
        vec![Symbol::parse("BTC-USDT")?, Symbol::parse("ETH-USDT")?],
        vec![Channel::Trades, Channel::L2Book],
    )?
    .with_book_depth(5)
    .with_rest_endpoint(exchange.rest_base.clone())
    .with_websocket_endpoint(exchange.websocket_url.clone());

    let folder = tempfile::tempdir()?;
    let trades_only = SinkOptions {
        channels: vec![Channel::Trades],
        ..SinkOptions::default()
    };
    let sinks = Arc::new(
        Sinks::start(vec![
            // Trades as JSON lines on stdout; a slow terminal drops rather than holds the feed.
            (
                Box::new(JsonLinesSink::stdout()),
                SinkOptions {
                    overflow: OverflowPolicy::Drop,
                    ..trades_only.clone()
                },
            ),
            // Everything (trades and books) to Parquet files.
            (
                Box::new(ParquetSink::new(ParquetSettings::new(folder.path()))),
                SinkOptions::default(),
            ),
            (Box::new(TradeCounts::default()), trades_only),
        ])
        .await?,
    );

    let to_sinks = Arc::clone(&sinks);
    let callbacks = Callbacks::new().on_event_async(&EventKind::DATA, move |event: Event| {
        let sinks = Arc::clone(&to_sinks);
        async move { sinks.deliver(event).await }
    });
    let client_tls = Arc::clone(&tls.client);
    let mut handler = FeedHandler::new()
        .with_connector_setup(move |c| c.with_tls_config(Arc::clone(&client_tls)));
    handler.add_feed(feed, callbacks);
    let stop = handler.shutdown_handle();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(3)).await;
        stop.shutdown();
    });
    handler.run().await?;
    for report in sinks.finish(Duration::from_secs(10)).await {
        eprintln!(
            "{}: {} events, {} delivered, {} lost",
            report.sink,
            report.accepted,
            report.delivered,
            report.lost()
        );
    }
    eprintln!("parquet files under {}", folder.keep().display());
    Ok(())
}
