//! Where `run` sends events: the configured sinks (see [`crate::config::OutputConfig`]),
//! behind a [`TradeGate`] that makes `--max-trades` exact across feeds.
//!
//! Every sink runs behind its own bounded queue and task ([`feed_core::sink::Sinks`]): JSON
//! lines are written by a thread of their own, Kafka by librdkafka's, so no runtime worker
//! blocks on I/O, and backpressure (overflow `block`) reaches the sockets when a sink is
//! slower than the feeds.

use std::sync::{Mutex, PoisonError};

use feed_core::sink::{JsonLinesSink, Sink, SinkSpec};
use feed_core::{Channel, Event, EventKind};
use feed_sinks::kafka::{KafkaSettings, KafkaSink};
use feed_sinks::parquet::ParquetSink;
use feed_sinks::postgres::{PostgresSettings, PostgresSink};

use crate::config::{AppConfig, KafkaConfig, OutputKind, OutputSpec};

/// What the gate decided for one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Passed on; more may follow.
    Yes,
    /// Passed on, and it was the last trade the limit allows.
    Last,
    /// Not passed on: the limit was already reached (or it is a lifecycle event, which
    /// sinks do not record).
    Skipped,
}

#[derive(Debug, Default)]
struct Counts {
    events: u64,
    trades: u64,
}

/// Counts data events and stops passing them on after the last trade the limit allows
/// (nothing more is written after the Nth trade, whichever feed it came from).
#[derive(Debug, Default)]
pub struct TradeGate {
    counts: Mutex<Counts>,
    trade_limit: Option<u64>,
}

impl TradeGate {
    /// A gate of at most `trade_limit` trades.
    #[must_use]
    pub fn new(trade_limit: Option<u64>) -> Self {
        TradeGate {
            counts: Mutex::new(Counts::default()),
            trade_limit,
        }
    }

    /// Whether `event` goes on.
    pub fn admit(&self, event: &Event) -> Written {
        let kind = event.kind();
        if !kind.is_data() {
            return Written::Skipped;
        }
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        if self.trade_limit.is_some_and(|limit| counts.trades >= limit) {
            return Written::Skipped;
        }
        counts.events += 1;
        if kind != EventKind::Trade {
            return Written::Yes;
        }
        counts.trades += 1;
        if self.trade_limit == Some(counts.trades) {
            Written::Last
        } else {
            Written::Yes
        }
    }

    /// Data events passed on.
    #[must_use]
    pub fn events(&self) -> u64 {
        self.counts.lock().map_or(0, |counts| counts.events)
    }

    /// Trades passed on.
    #[must_use]
    pub fn trades(&self) -> u64 {
        self.counts.lock().map_or(0, |counts| counts.trades)
    }
}

/// The configured sinks, ready for [`feed_core::sink::Sinks::start`].
///
/// # Errors
/// A file that cannot be opened for appending, naming the sink.
pub fn build_sinks(config: &AppConfig) -> Result<Vec<SinkSpec>, String> {
    config
        .output
        .sinks
        .iter()
        .map(|spec| Ok((build_sink(config, spec)?, spec.options.clone())))
        .collect()
}

fn build_sink(config: &AppConfig, spec: &OutputSpec) -> Result<Box<dyn Sink>, String> {
    Ok(match &spec.kind {
        OutputKind::Stdout => Box::new(JsonLinesSink::stdout()),
        OutputKind::File(path) => Box::new(
            JsonLinesSink::append_to(path)
                .map_err(|error| format!("{}: {}: {error}", spec.key, path.display()))?,
        ),
        OutputKind::Kafka(kafka) => Box::new(KafkaSink::new(kafka_settings(config, spec, kafka))),
        OutputKind::Parquet(settings) => Box::new(ParquetSink::new(settings.clone())),
        OutputKind::Postgres { url, table_prefix } => {
            Box::new(PostgresSink::new(PostgresSettings {
                url: url.clone(),
                table_prefix: table_prefix.clone(),
            }))
        }
    })
}

/// The Kafka settings of a sink, with the topics of every feed's channels (and their
/// gaps) the sink takes, so they are checked or created before any feed starts.
fn kafka_settings(config: &AppConfig, spec: &OutputSpec, kafka: &KafkaConfig) -> KafkaSettings {
    let mut expected: Vec<(String, Channel)> = config
        .feeds
        .iter()
        .flat_map(|feed| {
            feed.channels
                .iter()
                .filter(|channel| {
                    spec.options.channels.is_empty() || spec.options.channels.contains(channel)
                })
                .map(|channel| (feed.exchange_id.clone(), *channel))
        })
        .collect();
    expected.sort();
    expected.dedup();
    let mut settings = KafkaSettings::new(kafka.bootstrap_servers.clone());
    settings.topic = kafka.topic.clone();
    settings.compression = kafka.compression;
    settings.linger = kafka.linger;
    settings.batch_bytes = kafka.batch_bytes;
    settings.delivery_timeout = kafka.delivery_timeout;
    settings.create_topics = kafka.create_topics;
    settings.properties = kafka.properties.clone();
    settings.expected = expected;
    settings
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use feed_core::{Side, Symbol, Trade, TradeId};
    use rust_decimal::Decimal;

    use super::*;

    fn trade(id: u64) -> Event {
        Event::Trade(Trade {
            exchange: "BINANCE".into(),
            symbol: Symbol::parse("BTC-USDT").unwrap(),
            side: Side::Buy,
            amount: Decimal::ONE,
            price: Decimal::from_str("37000.1").unwrap(),
            id: Some(TradeId::Number(id)),
            timestamp: Decimal::ONE,
            receipt_timestamp: Decimal::TWO,
        })
    }

    #[test]
    fn the_gate_passes_exactly_the_limit() {
        let gate = TradeGate::new(Some(20));
        let outcomes: Vec<Written> = (1..=21).map(|id| gate.admit(&trade(id))).collect();
        assert_eq!(outcomes[18], Written::Yes);
        assert_eq!(outcomes[19], Written::Last, "exactly the limit");
        assert_eq!(outcomes[20], Written::Skipped);
        assert_eq!((gate.trades(), gate.events()), (20, 20));
    }
}
