//! The `outputs:` section: the sinks every event goes to, each by name.
//!
//! ```yaml
//! outputs:
//!   stdout: {}                       # JSON lines (the default when `outputs` is absent)
//!   archive:                         # any name; `type` says what it is
//!     type: file
//!     path: events.jsonl             # appended; relative to the config file
//!     channels: [TRADES, L2_BOOK]    # optional: these channels only (and their gaps)
//!   kafka:                           # a name that is a type needs no `type`
//!     bootstrap_servers: 127.0.0.1:9092
//!     topic: "feedhandler.{channel}" # {channel}, {exchange}
//!     overflow: block                # or drop
//! ```
//!
//! A mapping rather than a list, so that each sink has a name (in logs, the summary and
//! `check`) and every key an environment variable (`FEED_OUTPUTS__KAFKA__BOOTSTRAP_SERVERS`).
//! The older `output.file` still works alone: it is a `file` sink.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use feed_core::sink::{OverflowPolicy, SinkOptions};
use feed_core::Channel;
use feed_proxy::{join_key, ConfigReader};

use super::kafka::{read_kafka, KafkaConfig, KAFKA_KEYS};

/// The sink types.
pub const OUTPUT_TYPES: [&str; 5] = ["stdout", "file", "kafka", "parquet", "postgres"];

/// Keys every sink has.
const COMMON_KEYS: [&str; 7] = [
    "type",
    "channels",
    "overflow",
    "queue_events",
    "batch_events",
    "flush_timeout_seconds",
    "path",
];

/// The default time each sink has to flush at shutdown.
pub const DEFAULT_FLUSH_TIMEOUT: Duration = Duration::from_secs(30);

/// What one sink is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputKind {
    /// JSON lines on stdout.
    Stdout,
    /// JSON lines appended to a file.
    File(PathBuf),
    /// Records on a Kafka cluster.
    Kafka(KafkaConfig),
    /// Parquet files.
    Parquet(feed_sinks::parquet::ParquetSettings),
    /// Rows in PostgreSQL tables.
    Postgres {
        /// The connection string (may hold a password: never shown).
        url: String,
        /// Prefix of the table names.
        table_prefix: String,
    },
}

/// One sink of `outputs:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    /// Its name (the key under `outputs:`).
    pub name: String,
    /// Its key path in the config, for errors (`outputs.kafka`, or `output.file`).
    pub key: String,
    /// What it is.
    pub kind: OutputKind,
    /// Channels, queue and overflow policy.
    pub options: SinkOptions,
    /// How long it has to flush at shutdown.
    pub flush_timeout: Duration,
}

/// Every sink, in name order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputConfig {
    /// The sinks (stdout alone by default).
    pub sinks: Vec<OutputSpec>,
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig {
            sinks: vec![OutputSpec::stdout()],
        }
    }
}

impl OutputSpec {
    /// JSON lines on stdout, every channel, blocking.
    #[must_use]
    pub fn stdout() -> Self {
        OutputSpec {
            name: "stdout".into(),
            key: "outputs.stdout".into(),
            kind: OutputKind::Stdout,
            options: SinkOptions::default(),
            flush_timeout: DEFAULT_FLUSH_TIMEOUT,
        }
    }

    /// Where it writes, for the summary and `check` (no secret: Kafka shows its servers).
    #[must_use]
    pub fn destination(&self) -> String {
        match &self.kind {
            OutputKind::Stdout => "stdout".into(),
            OutputKind::File(path) => path.display().to_string(),
            OutputKind::Kafka(kafka) => format!("kafka {}", kafka.bootstrap_servers),
            OutputKind::Parquet(parquet) => format!("parquet {}", parquet.directory.display()),
            OutputKind::Postgres { url, .. } => {
                format!("postgres {}", feed_sinks::postgres::shown_target(url))
            }
        }
    }
}

/// Reads `outputs:` (or the older `output.file`).
pub fn read_outputs(reader: &mut ConfigReader<'_>, base_dir: &Path) -> OutputConfig {
    let legacy = read_legacy_file(reader, base_dir);
    let names = reader.contains("outputs").then(|| reader.keys("outputs"));
    let Some(names) = names else {
        return match legacy {
            Some(path) => OutputConfig {
                sinks: vec![OutputSpec {
                    name: "file".into(),
                    key: "output.file".into(),
                    kind: OutputKind::File(path),
                    options: SinkOptions::default(),
                    flush_timeout: DEFAULT_FLUSH_TIMEOUT,
                }],
            },
            None => OutputConfig::default(),
        };
    };
    if legacy.is_some() {
        reader.problem(
            "output.file",
            "use either output.file or outputs (a `file` sink: outputs: {file: {path: ...}})",
        );
    }
    if names.is_empty() {
        reader.problem(
            "outputs",
            "no sink configured (remove `outputs` for stdout)",
        );
    }
    let sinks: BTreeMap<String, OutputSpec> = names
        .into_iter()
        .filter_map(|name| {
            let spec = read_output(reader, &name, base_dir)?;
            Some((name, spec))
        })
        .collect();
    OutputConfig {
        sinks: sinks.into_values().collect(),
    }
}

/// `output.file`, the single-file form of earlier versions.
fn read_legacy_file(reader: &mut ConfigReader<'_>, base_dir: &Path) -> Option<PathBuf> {
    reader.section("output", &["file"])?;
    reader
        .value::<String>(&join_key("output", "file"))
        .map(|file| base_dir.join(file))
}

fn read_output(reader: &mut ConfigReader<'_>, name: &str, base_dir: &Path) -> Option<OutputSpec> {
    let key = join_key("outputs", name);
    let type_key = join_key(&key, "type");
    let kind_name = match reader.value::<String>(&type_key) {
        Some(kind) => kind,
        None if reader.contains(&type_key) => return None,
        None if OUTPUT_TYPES.contains(&name) => name.to_owned(),
        None => {
            reader.problem(
                &type_key,
                format!(
                    "required (one of {}) when the name is not a type",
                    OUTPUT_TYPES.join(", ")
                ),
            );
            // Unknown keys are still named (a misspelt `type` among them).
            reader.section(&key, &COMMON_KEYS);
            return None;
        }
    };
    let mut allowed: Vec<&str> = COMMON_KEYS.to_vec();
    match kind_name.as_str() {
        "kafka" => allowed.extend(KAFKA_KEYS),
        "postgres" => allowed.extend(["url", "table_prefix"]),
        "parquet" => allowed.extend(["directory", "rotate", "row_group_rows", "zstd_level"]),
        _ => {}
    }
    reader.section(&key, &allowed)?;
    let options = read_options(reader, &key);
    let flush_timeout = read_number(reader, &join_key(&key, "flush_timeout_seconds"), 1..=3600)
        .map_or(DEFAULT_FLUSH_TIMEOUT, Duration::from_secs);
    let path_key = join_key(&key, "path");
    let kind = match kind_name.as_str() {
        "stdout" => OutputKind::Stdout,
        "file" => OutputKind::File(base_dir.join(reader.required::<String>(&path_key)?)),
        "kafka" => OutputKind::Kafka(read_kafka(reader, &key)?),
        "postgres" => read_postgres(reader, &key)?,
        "parquet" => read_parquet(reader, &key, base_dir)?,
        other => {
            reader.problem(
                &type_key,
                format!(
                    "unknown sink type '{other}'; the types: {}",
                    OUTPUT_TYPES.join(", ")
                ),
            );
            return None;
        }
    };
    if kind_name != "file" && reader.contains(&path_key) {
        reader.problem(&path_key, format!("a {kind_name} sink has no path"));
    }
    Some(OutputSpec {
        name: name.to_owned(),
        key,
        kind,
        options: options?,
        flush_timeout,
    })
}

fn read_parquet(reader: &mut ConfigReader<'_>, key: &str, base_dir: &Path) -> Option<OutputKind> {
    use feed_sinks::parquet::{ParquetSettings, Rotation};
    let directory = reader.required::<String>(&join_key(key, "directory"));
    let rotate_key = join_key(key, "rotate");
    let rotation = match reader.value::<String>(&rotate_key) {
        Some(name) => {
            let rotation = Rotation::from_name(&name);
            if rotation.is_none() {
                reader.problem(
                    &rotate_key,
                    format!("expected one of {}", Rotation::NAMES.join(", ")),
                );
            }
            rotation
        }
        None => Some(Rotation::default()),
    };
    let mut settings = ParquetSettings::new(base_dir.join(directory?));
    settings.rotation = rotation?;
    if let Some(rows) = read_number(reader, &join_key(key, "row_group_rows"), 1..=10_000_000) {
        settings.row_group_rows = usize::try_from(rows).ok()?;
    }
    if let Some(level) = read_number(reader, &join_key(key, "zstd_level"), 1..=22) {
        settings.zstd_level = i32::try_from(level).ok()?;
    }
    Some(OutputKind::Parquet(settings))
}

fn read_postgres(reader: &mut ConfigReader<'_>, key: &str) -> Option<OutputKind> {
    let url_key = join_key(key, "url");
    let url = reader.required::<String>(&url_key)?;
    if !feed_sinks::postgres::is_connection_string(&url) {
        // The parser's message may quote the string, password and all: not repeated.
        reader.problem(
            &url_key,
            "not a PostgreSQL connection string (postgresql://user:password@host:port/db)",
        );
        return None;
    }
    let prefix_key = join_key(key, "table_prefix");
    let table_prefix = reader.value::<String>(&prefix_key).unwrap_or_default();
    if !table_prefix
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        reader.problem(&prefix_key, "letters, digits and '_' only");
        return None;
    }
    Some(OutputKind::Postgres { url, table_prefix })
}

fn read_options(reader: &mut ConfigReader<'_>, key: &str) -> Option<SinkOptions> {
    let mut options = SinkOptions::default();
    let channels_key = join_key(key, "channels");
    if let Some(names) = reader.value::<Vec<String>>(&channels_key) {
        for (index, name) in names.iter().enumerate() {
            match name.parse::<Channel>() {
                Ok(channel) => options.channels.push(channel),
                Err(error) => reader.problem(
                    &join_key(&channels_key, &index.to_string()),
                    error.to_string(),
                ),
            }
        }
        if names.is_empty() {
            reader.problem(
                &channels_key,
                "the list is empty (remove it for every channel)",
            );
        }
    }
    let overflow_key = join_key(key, "overflow");
    if let Some(policy) = reader.value::<String>(&overflow_key) {
        match policy.as_str() {
            "block" => options.overflow = OverflowPolicy::Block,
            "drop" => options.overflow = OverflowPolicy::Drop,
            _ => reader.problem(&overflow_key, "expected block or drop"),
        }
    }
    if let Some(events) = read_number(reader, &join_key(key, "queue_events"), 1..=10_000_000) {
        options.queue_events = usize::try_from(events).ok()?;
    }
    if let Some(events) = read_number(reader, &join_key(key, "batch_events"), 1..=100_000) {
        options.batch_events = usize::try_from(events).ok()?;
    }
    Some(options)
}

/// A whole number in `range`, or a problem.
pub(super) fn read_number(
    reader: &mut ConfigReader<'_>,
    key: &str,
    range: std::ops::RangeInclusive<u64>,
) -> Option<u64> {
    let value = reader.value::<i64>(key)?;
    match u64::try_from(value) {
        Ok(value) if range.contains(&value) => Some(value),
        _ => {
            reader.problem(
                key,
                format!(
                    "expected a whole number from {} to {}",
                    range.start(),
                    range.end()
                ),
            );
            None
        }
    }
}
