//! Sinks: events per second into each sink through `Sinks` (its queue, batching and task),
//! the queue under a slow sink, and JSON lines against the previous output design (a
//! queued line per event), which this layer replaced.
//!
//!   cargo bench --bench sinks
//!   FEEDHANDLER_BENCH_KAFKA=127.0.0.1:9092 FEEDHANDLER_BENCH_POSTGRES=postgresql://postgres@127.0.0.1:5432/postgres cargo bench --bench sinks
//!
//! Kafka and PostgreSQL are measured when their variables name a running server.
use std::io::Write;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use feed_core::sink::{
    DeliveryReport, JsonLinesSink, OverflowPolicy, Sink, SinkError, SinkOptions, SinkSpec, Sinks,
};
use feed_core::{Event, Side, Symbol, Trade, TradeId};
use feed_sinks::kafka::{KafkaSettings, KafkaSink};
use feed_sinks::parquet::{ParquetSettings, ParquetSink};
use feed_sinks::postgres::{PostgresSettings, PostgresSink};
use rust_decimal::Decimal;

const EVENTS: u64 = 1_000_000;

fn trade(id: u64) -> Event {
    let symbols = ["BTC-USDT", "ETH-USDT", "SOL-USDT", "XRP-USDT"];
    Event::Trade(Trade {
        exchange: "BINANCE".into(),
        symbol: Symbol::parse(symbols[(id % 4) as usize]).unwrap(),
        side: if id % 3 == 0 { Side::Sell } else { Side::Buy },
        amount: Decimal::from_str("0.01234").unwrap() + Decimal::from(id % 7),
        price: Decimal::from_str("37000.15").unwrap() + Decimal::new((id % 1000) as i64, 2),
        id: Some(TradeId::Number(id)),
        timestamp: Decimal::new(1_796_000_000_000 + id as i64, 3),
        receipt_timestamp: Decimal::new(1_796_000_000_000_100 + id as i64 * 1000, 6),
    })
}

/// Takes batches and counts them, doing nothing else.
struct Null;

#[async_trait]
impl Sink for Null {
    fn describe(&self) -> String {
        "null".into()
    }
    async fn write(
        &mut self,
        batch: &[Arc<Event>],
        report: &DeliveryReport,
    ) -> Result<(), SinkError> {
        report.delivered(batch.len() as u64);
        Ok(())
    }
    async fn flush(&mut self, _: &DeliveryReport) -> Result<(), SinkError> {
        Ok(())
    }
}

/// Sleeps 10 µs per event of each batch (at least tokio's 1 ms timer tick per batch).
struct Slow;

#[async_trait]
impl Sink for Slow {
    fn describe(&self) -> String {
        "slow".into()
    }
    async fn write(
        &mut self,
        batch: &[Arc<Event>],
        report: &DeliveryReport,
    ) -> Result<(), SinkError> {
        tokio::time::sleep(Duration::from_micros(10 * batch.len() as u64)).await;
        report.delivered(batch.len() as u64);
        Ok(())
    }
    async fn flush(&mut self, _: &DeliveryReport) -> Result<(), SinkError> {
        Ok(())
    }
}

/// Delivers `events` trades into `sinks` and waits for the flush: events/s end to end.
async fn measure(name: &str, sinks: Vec<SinkSpec>, events: u64) {
    let sinks = Sinks::start(sinks).await.expect("start the sink");
    let started = Instant::now();
    for id in 0..events {
        sinks.deliver(trade(id)).await;
    }
    let handed = started.elapsed();
    let reports = sinks.finish(Duration::from_secs(600)).await;
    let total = started.elapsed();
    for report in reports {
        println!(
            "{name:<28} {:>10.0} events/s delivered ({} of {}, lost {}; handed over in {:.2} s, max queue {})",
            report.delivered as f64 / total.as_secs_f64(),
            report.delivered,
            report.accepted,
            report.lost(),
            handed.as_secs_f64(),
            report.max_queued
        );
    }
}

/// The previous output: each event's line in its own Vec through a bounded channel to a
/// writer thread (re-created here for the comparison).
async fn previous_design(events: u64) {
    let (queue, mut lines) = tokio::sync::mpsc::channel::<Vec<u8>>(4096);
    let writer = std::thread::spawn(move || {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::sink());
        while let Some(line) = lines.blocking_recv() {
            out.write_all(&line).unwrap();
        }
        out.flush().unwrap();
    });
    let started = Instant::now();
    for id in 0..events {
        let mut line = Vec::with_capacity(256);
        trade(id).write_json_line(&mut line);
        queue.send(line).await.unwrap();
    }
    drop(queue);
    tokio::task::spawn_blocking(move || writer.join().unwrap())
        .await
        .unwrap();
    println!(
        "{:<28} {:>10.0} events/s",
        "json lines, previous design",
        events as f64 / started.elapsed().as_secs_f64()
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        measure(
            "null (queue and task only)",
            vec![(Box::new(Null), SinkOptions::default())],
            EVENTS,
        )
        .await;
        previous_design(EVENTS).await;
        let json = JsonLinesSink::to_writer("json", Box::new(std::io::sink()), false);
        measure(
            "json lines (to /dev/null)",
            vec![(Box::new(json), SinkOptions::default())],
            EVENTS,
        )
        .await;
        let folder = tempfile::tempdir().unwrap();
        let parquet = ParquetSink::new(ParquetSettings::new(folder.path()));
        measure(
            "parquet (zstd 3)",
            vec![(Box::new(parquet), SinkOptions::default())],
            EVENTS,
        )
        .await;
        let bytes: u64 = walk(folder.path());
        println!(
            "{:<28} {:>10.1} bytes per trade on disk",
            "parquet file size",
            bytes as f64 / EVENTS as f64
        );
        if let Ok(bootstrap) = std::env::var("FEEDHANDLER_BENCH_KAFKA") {
            let mut settings = KafkaSettings::new(bootstrap);
            settings.expected = vec![("binance".into(), feed_core::Channel::Trades)];
            measure(
                "kafka (lz4, acks=all)",
                vec![(Box::new(KafkaSink::new(settings)), SinkOptions::default())],
                EVENTS,
            )
            .await;
        }
        if let Ok(url) = std::env::var("FEEDHANDLER_BENCH_POSTGRES") {
            let sink = PostgresSink::new(PostgresSettings {
                url,
                table_prefix: "bench_".into(),
            });
            let options = SinkOptions {
                batch_events: 5_000,
                ..SinkOptions::default()
            };
            measure(
                "postgres (COPY)",
                vec![(Box::new(sink), options)],
                EVENTS / 4,
            )
            .await;
        }
        // A slow sink (batches of 100, 1 ms or more each) fed 300 k events as fast as they come.
        let dropping = SinkOptions {
            overflow: OverflowPolicy::Drop,
            queue_events: 10_000,
            batch_events: 100,
            ..SinkOptions::default()
        };
        measure(
            "slow sink, drop, 10k queue",
            vec![(Box::new(Slow), dropping)],
            300_000,
        )
        .await;
        let blocking = SinkOptions {
            queue_events: 10_000,
            batch_events: 100,
            ..SinkOptions::default()
        };
        measure(
            "slow sink, block, 10k queue",
            vec![(Box::new(Slow), blocking)],
            300_000,
        )
        .await;
    });
}

fn walk(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path)
            } else {
                std::fs::metadata(&path).unwrap().len()
            }
        })
        .sum()
}
