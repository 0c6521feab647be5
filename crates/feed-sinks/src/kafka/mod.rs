//! The Kafka sink: librdkafka (through `rdkafka`) as an idempotent producer with
//! `acks=all`, so a record is written once, in order within its partition, to every
//! in-sync replica.
//!
//! Each event is a record on the topic its [`TopicTemplate`] gives (default
//! `feedhandler.{channel}`), keyed `EXCHANGE:SYMBOL` so that each symbol keeps its order
//! within one partition (librdkafka's `murmur2_random` partitioner, the Java client's
//! mapping of keys to partitions), its value the event's JSON line, with headers `channel`
//! and `exchange`. Every delivery report is counted; a record that finally fails is an
//! error in the log and in the summary.
//!
//! At start the broker must answer (else the run stops before any feed connects) and the
//! topics of the feeds' channels must exist or be created. While the broker is away,
//! librdkafka keeps retrying (and reconnects by itself); its queue fills, then the sink's
//! own queue, then the overflow policy decides: `block` loses nothing.

mod record;
mod settings;
mod topic;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use feed_core::sink::data_channel;
use feed_core::sink::{DeliveryReport, Sink, SinkError};
use feed_core::{Channel, Event};
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord, Producer};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use record::{channel_header, RecordParts};
pub use settings::{Compression, KafkaSettings, TopicCreation, FIXED_PROPERTIES};
pub use topic::{TopicTemplate, DEFAULT_TOPIC_TEMPLATE};

/// How long the broker has to answer at start.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the producer's own flush may take at shutdown (the sink's flush timeout, which
/// [`feed_core::sink::Sinks::finish`] enforces, is usually shorter).
const FLUSH_TIMEOUT: Duration = Duration::from_secs(600);

/// How long to wait before offering a record again when librdkafka's queue is full.
const QUEUE_FULL_PAUSE: Duration = Duration::from_millis(5);

/// Publishes events to Kafka.
pub struct KafkaSink {
    settings: KafkaSettings,
    producer: Option<FutureProducer>,
    topics: HashSet<String>,
    /// Topics ready on the broker, by exchange and channel.
    routes: Vec<(String, Channel, String)>,
    parts: RecordParts,
    deliveries: Option<mpsc::UnboundedSender<DeliveryFuture>>,
    counter: Option<JoinHandle<()>>,
}

impl KafkaSink {
    /// A sink of `settings` (connected by [`Sink::open`]).
    #[must_use]
    pub fn new(settings: KafkaSettings) -> Self {
        KafkaSink {
            settings,
            producer: None,
            topics: HashSet::new(),
            routes: Vec::new(),
            parts: RecordParts::default(),
            deliveries: None,
            counter: None,
        }
    }

    fn error(&self, message: impl Into<String>) -> SinkError {
        SinkError::new(self.describe(), message)
    }

    fn client_config(&self) -> ClientConfig {
        let settings = &self.settings;
        let mut config = ClientConfig::new();
        for (key, value) in &settings.properties {
            config.set(key, value);
        }
        config
            .set("bootstrap.servers", &settings.bootstrap_servers)
            .set("enable.idempotence", "true")
            .set("acks", "all")
            .set("max.in.flight.requests.per.connection", "5")
            .set("compression.type", settings.compression.name())
            .set("linger.ms", settings.linger.as_millis().to_string())
            .set("batch.size", settings.batch_bytes.to_string())
            .set(
                "message.timeout.ms",
                settings
                    .delivery_timeout
                    .map_or(0, |timeout| timeout.as_millis())
                    .to_string(),
            )
            .set("partitioner", "murmur2_random");
        config
    }

    /// The topics the broker lists now.
    async fn listed_topics(&self, producer: &FutureProducer) -> Result<HashSet<String>, SinkError> {
        let producer = producer.clone();
        let metadata = tokio::task::spawn_blocking(move || {
            producer
                .client()
                .fetch_metadata(None, STARTUP_TIMEOUT)
                .map(|metadata| {
                    metadata
                        .topics()
                        .iter()
                        .filter(|topic| topic.error().is_none())
                        .map(|topic| topic.name().to_owned())
                        .collect::<HashSet<String>>()
                })
        })
        .await
        .map_err(|error| self.error(error.to_string()))?;
        metadata.map_err(|error| {
            self.error(format!(
                "the broker did not answer within {} s: {error}",
                STARTUP_TIMEOUT.as_secs()
            ))
        })
    }

    /// Makes sure each of `wanted` exists: created when allowed, else an error naming them.
    async fn ensure_topics(&mut self, wanted: Vec<String>) -> Result<(), SinkError> {
        let missing: Vec<String> = wanted
            .into_iter()
            .filter(|topic| !self.topics.contains(topic))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let Some(creation) = self.settings.create_topics else {
            return Err(self.error(format!(
                "topics missing on the broker (create them, or allow create_topics): {}",
                missing.join(", ")
            )));
        };
        let admin: AdminClient<DefaultClientContext> = self
            .client_config()
            .create()
            .map_err(|error| self.error(error.to_string()))?;
        let new_topics: Vec<NewTopic<'_>> = missing
            .iter()
            .map(|name| {
                NewTopic::new(
                    name,
                    creation.partitions,
                    TopicReplication::Fixed(creation.replication_factor),
                )
            })
            .collect();
        let options = AdminOptions::new().operation_timeout(Some(STARTUP_TIMEOUT));
        let results = admin
            .create_topics(&new_topics, &options)
            .await
            .map_err(|error| self.error(format!("creating topics: {error}")))?;
        for result in results {
            match result {
                Ok(name) | Err((name, RDKafkaErrorCode::TopicAlreadyExists)) => {
                    tracing::info!(topic = %name, "kafka topic ready");
                    self.topics.insert(name);
                }
                Err((name, code)) => {
                    return Err(self.error(format!("creating topic {name}: {code}")));
                }
            }
        }
        Ok(())
    }

    /// The index in `routes` of the topic of `exchange`'s `channel`, checked (or created)
    /// on the broker the first time; `None`, counted as a failure, when it cannot be.
    /// Kept per sink so that an event costs no topic name to build or look up.
    async fn route_of(
        &mut self,
        exchange: &str,
        channel: Channel,
        report: &DeliveryReport,
    ) -> Option<usize> {
        if let Some(index) = self
            .routes
            .iter()
            .position(|(known, of, _)| *of == channel && known == exchange)
        {
            return Some(index);
        }
        let topic = self.settings.topic.topic(exchange, channel);
        if let Err(error) = self.ensure_topics(vec![topic.clone()]).await {
            report.failed(1, &error.message);
            return None;
        }
        self.routes.push((exchange.to_owned(), channel, topic));
        Some(self.routes.len() - 1)
    }

    /// Starts the task counting delivery reports.
    fn start_counter(&mut self, report: &DeliveryReport) {
        let (deliveries, mut pending) = mpsc::unbounded_channel::<DeliveryFuture>();
        let report = report.clone();
        self.counter = Some(tokio::spawn(async move {
            while let Some(delivery) = pending.recv().await {
                match delivery.await {
                    Ok(Ok(_)) => report.delivered(1),
                    Ok(Err((error, _))) => report.failed(1, &error.to_string()),
                    Err(_) => report.failed(1, "the producer dropped the record"),
                }
            }
        }));
        self.deliveries = Some(deliveries);
    }
}

#[async_trait]
impl Sink for KafkaSink {
    fn describe(&self) -> String {
        format!("kafka {}", self.settings.bootstrap_servers)
    }

    async fn open(&mut self) -> Result<(), SinkError> {
        let producer: FutureProducer = self
            .client_config()
            .create()
            .map_err(|error| self.error(error.to_string()))?;
        self.topics = self.listed_topics(&producer).await?;
        let wanted: Vec<String> = self
            .settings
            .expected
            .iter()
            .map(|(exchange, channel)| self.settings.topic.topic(exchange, *channel))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        self.ensure_topics(wanted).await?;
        self.producer = Some(producer);
        Ok(())
    }

    async fn write(
        &mut self,
        batch: &[Arc<Event>],
        report: &DeliveryReport,
    ) -> Result<(), SinkError> {
        if self.deliveries.is_none() {
            self.start_counter(report);
        }
        for event in batch {
            let Some(channel) = data_channel(event) else {
                continue; // lifecycle events are not published
            };
            let Some(route) = self.route_of(event.exchange(), channel, report).await else {
                continue;
            };
            if !self.parts.fill(event) {
                continue;
            }
            let topic = &self.routes[route].2;
            let (Some(producer), Some(deliveries)) = (&self.producer, &self.deliveries) else {
                return Err(self.error("not open"));
            };
            let headers = OwnedHeaders::new()
                .insert(Header {
                    key: "channel",
                    value: Some(channel_header(event)),
                })
                .insert(Header {
                    key: "exchange",
                    value: Some(event.exchange()),
                });
            let mut record = FutureRecord::to(topic)
                .key(self.parts.key.as_str())
                .payload(self.parts.value.as_slice())
                .headers(headers);
            loop {
                match producer.send_result(record) {
                    Ok(delivery) => {
                        let _ = deliveries.send(delivery);
                        break;
                    }
                    Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                        // librdkafka's queue is full (the broker is slow or away): wait, so
                        // the sink's queue fills and its overflow policy decides.
                        record = back;
                        tokio::time::sleep(QUEUE_FULL_PAUSE).await;
                    }
                    Err((error, _)) => {
                        report.failed(1, &error.to_string());
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    async fn flush(&mut self, _report: &DeliveryReport) -> Result<(), SinkError> {
        let Some(producer) = self.producer.take() else {
            return Ok(());
        };
        let flushed = tokio::task::spawn_blocking(move || producer.flush(FLUSH_TIMEOUT))
            .await
            .map_err(|error| self.error(error.to_string()))?;
        self.deliveries = None;
        if let Some(counter) = self.counter.take() {
            let _ = counter.await;
        }
        flushed.map_err(|error| self.error(format!("flush: {error}")))
    }
}
