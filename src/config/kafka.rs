//! The keys of a `kafka` sink under `outputs:`.
//!
//! ```yaml
//! outputs:
//!   kafka:
//!     bootstrap_servers: 127.0.0.1:9092   # required
//!     topic: "feedhandler.{channel}"      # {channel}; {exchange} optional
//!     compression: lz4                    # none, gzip, snappy, lz4, zstd
//!     linger_ms: 5
//!     batch_bytes: 1000000
//!     delivery_timeout_seconds: 0         # 0: retried until delivered
//!     create_topics: true                 # create missing topics with:
//!     partitions: 6
//!     replication_factor: 1
//!     properties:                         # further librdkafka settings, never printed
//!       security.protocol: SASL_SSL
//! ```

use std::collections::BTreeMap;
use std::time::Duration;

use feed_proxy::{join_key, ConfigReader};
use feed_sinks::kafka::{Compression, TopicCreation, TopicTemplate, FIXED_PROPERTIES};

use super::output::read_number;

/// The keys a kafka sink adds to the common ones.
pub const KAFKA_KEYS: [&str; 10] = [
    "bootstrap_servers",
    "topic",
    "compression",
    "linger_ms",
    "batch_bytes",
    "delivery_timeout_seconds",
    "create_topics",
    "partitions",
    "replication_factor",
    "properties",
];

/// A kafka sink's settings as configured (the feeds' topics are added when it is built).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KafkaConfig {
    /// `host:port[,host:port...]`.
    pub bootstrap_servers: String,
    /// The topic template.
    pub topic: TopicTemplate,
    /// Record batch compression.
    pub compression: Compression,
    /// `linger.ms`.
    pub linger: Duration,
    /// `batch.size`.
    pub batch_bytes: u32,
    /// `message.timeout.ms`; `None`: until delivered.
    pub delivery_timeout: Option<Duration>,
    /// Missing topics are created like this; `None`: they stop the start.
    pub create_topics: Option<TopicCreation>,
    /// Further librdkafka settings (values never shown).
    pub properties: BTreeMap<String, String>,
}

/// Reads the kafka keys of the sink at `key`.
pub fn read_kafka(reader: &mut ConfigReader<'_>, key: &str) -> Option<KafkaConfig> {
    let bootstrap_servers = reader.required::<String>(&join_key(key, "bootstrap_servers"));
    let topic_key = join_key(key, "topic");
    let topic = match reader.value::<String>(&topic_key) {
        Some(template) => match TopicTemplate::new(&template) {
            Ok(topic) => Some(topic),
            Err(message) => {
                reader.problem(&topic_key, message);
                None
            }
        },
        None => Some(TopicTemplate::default()),
    };
    let compression_key = join_key(key, "compression");
    let compression = match reader.value::<String>(&compression_key) {
        Some(name) => {
            let found = Compression::from_name(&name);
            if found.is_none() {
                reader.problem(
                    &compression_key,
                    format!("expected one of {}", Compression::NAMES.join(", ")),
                );
            }
            found
        }
        None => Some(Compression::default()),
    };
    let linger = read_number(reader, &join_key(key, "linger_ms"), 0..=60_000)
        .map_or(Duration::from_millis(5), Duration::from_millis);
    let batch_bytes = read_number(reader, &join_key(key, "batch_bytes"), 1..=100_000_000)
        .map_or(1_000_000, |bytes| u32::try_from(bytes).unwrap_or(u32::MAX));
    let delivery_timeout = read_number(
        reader,
        &join_key(key, "delivery_timeout_seconds"),
        0..=86_400,
    )
    .filter(|seconds| *seconds > 0)
    .map(Duration::from_secs);
    let create = reader
        .value::<bool>(&join_key(key, "create_topics"))
        .unwrap_or(true);
    let defaults = TopicCreation::default();
    let partitions = read_number(reader, &join_key(key, "partitions"), 1..=10_000)
        .map_or(defaults.partitions, |n| {
            i32::try_from(n).unwrap_or(i32::MAX)
        });
    let replication_factor = read_number(reader, &join_key(key, "replication_factor"), 1..=32)
        .map_or(defaults.replication_factor, |n| {
            i32::try_from(n).unwrap_or(i32::MAX)
        });
    let properties_key = join_key(key, "properties");
    let properties: BTreeMap<String, String> = reader
        .value::<BTreeMap<String, serde_json::Value>>(&properties_key)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(name, value)| {
            let child = join_key(&properties_key, &name);
            if FIXED_PROPERTIES.contains(&name.as_str()) {
                reader.problem(
                    &child,
                    "fixed by the sink (idempotent producer, acks=all); set bootstrap_servers \
                     for the servers",
                );
                return None;
            }
            match value {
                serde_json::Value::String(text) => Some((name, text)),
                serde_json::Value::Number(number) => Some((name, number.to_string())),
                serde_json::Value::Bool(flag) => Some((name, flag.to_string())),
                _ => {
                    reader.problem(&child, "expected a string, number or boolean");
                    None
                }
            }
        })
        .collect();
    Some(KafkaConfig {
        bootstrap_servers: bootstrap_servers?,
        topic: topic?,
        compression: compression?,
        linger,
        batch_bytes,
        delivery_timeout,
        create_topics: create.then_some(TopicCreation {
            partitions,
            replication_factor,
        }),
        properties,
    })
}
