//! [`KafkaSettings`]: where and how the Kafka sink publishes.

use std::collections::BTreeMap;
use std::time::Duration;

use feed_core::Channel;

use super::topic::TopicTemplate;

/// Record batch compression (librdkafka's `compression.type`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Compression {
    /// None.
    None,
    /// gzip.
    Gzip,
    /// Snappy.
    Snappy,
    /// LZ4 (the default: cheap on the CPU, good on JSON).
    #[default]
    Lz4,
    /// Zstandard.
    Zstd,
}

impl Compression {
    /// Every spelling, for errors.
    pub const NAMES: [&'static str; 5] = ["none", "gzip", "snappy", "lz4", "zstd"];

    /// From its config spelling.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "none" => Some(Compression::None),
            "gzip" => Some(Compression::Gzip),
            "snappy" => Some(Compression::Snappy),
            "lz4" => Some(Compression::Lz4),
            "zstd" => Some(Compression::Zstd),
            _ => None,
        }
    }

    /// librdkafka's value.
    #[must_use]
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// Topics the sink creates when missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicCreation {
    /// Partitions of each new topic (a symbol's records stay in one).
    pub partitions: i32,
    /// Replicas of each partition.
    pub replication_factor: i32,
}

impl Default for TopicCreation {
    fn default() -> Self {
        TopicCreation {
            partitions: 6,
            replication_factor: 1,
        }
    }
}

/// librdkafka settings the sink fixes, which `properties` may not change: they carry its
/// guarantees (no duplicates, no reordering, every replica).
pub const FIXED_PROPERTIES: [&str; 4] = [
    "enable.idempotence",
    "acks",
    "max.in.flight.requests.per.connection",
    "bootstrap.servers",
];

/// Where and how to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KafkaSettings {
    /// `host:port[,host:port...]`.
    pub bootstrap_servers: String,
    /// The topic of each event.
    pub topic: TopicTemplate,
    /// Record batch compression.
    pub compression: Compression,
    /// How long the producer waits to fill a batch (`linger.ms`).
    pub linger: Duration,
    /// The largest record batch in bytes (`batch.size`).
    pub batch_bytes: u32,
    /// How long a record may take to be delivered, retries included, before it finally
    /// fails (`message.timeout.ms`); `None`: retried until delivered (nothing lost while the
    /// broker is away; the flush at shutdown is bounded by the sink's flush timeout).
    pub delivery_timeout: Option<Duration>,
    /// Create missing topics (`None`: a missing topic stops the start, naming it).
    pub create_topics: Option<TopicCreation>,
    /// The exchanges and channels the feeds will publish: their topics are checked (and
    /// created) before any feed starts. Others are handled when first seen.
    pub expected: Vec<(String, Channel)>,
    /// Further librdkafka settings (security, SASL, client id, ...), passed as given;
    /// never printed. Those of [`FIXED_PROPERTIES`] are refused.
    pub properties: BTreeMap<String, String>,
}

impl KafkaSettings {
    /// Settings for `bootstrap_servers` with every default.
    #[must_use]
    pub fn new(bootstrap_servers: impl Into<String>) -> Self {
        KafkaSettings {
            bootstrap_servers: bootstrap_servers.into(),
            topic: TopicTemplate::default(),
            compression: Compression::default(),
            linger: Duration::from_millis(5),
            batch_bytes: 1_000_000,
            delivery_timeout: None,
            create_topics: Some(TopicCreation::default()),
            expected: Vec::new(),
            properties: BTreeMap::new(),
        }
    }
}
