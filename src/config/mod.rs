//! The configuration file: `proxy`, `tls`, `exchanges`, `outputs` (or `output`) and `metrics` sections, loaded from
//! YAML with `FEED_*` environment variables on top (see [`feed_proxy::ConfigSources`]).
//!
//! Loading checks everything and reports every problem at once, each with its key path and
//! the file line or environment variable it came from.

mod feeds;
mod kafka;
mod metrics;
mod output;
mod tls;

use std::path::{Path, PathBuf};

use feed_proxy::{read_proxy_settings, ConfigProblems, ConfigReader, ConfigSources, ProxySettings};

pub use feeds::{EndpointOverrides, FeedConfig, EXCHANGE_CLASSES, MAX_BOOK_DEPTH};
pub use kafka::KafkaConfig;
pub use metrics::MetricsConfig;
pub use output::{OutputConfig, OutputKind, OutputSpec, OUTPUT_TYPES};
pub use tls::TlsConfig;

/// The top-level sections a config file may have.
pub const SECTIONS: [&str; 7] = [
    "proxy",
    "tls",
    "exchanges",
    "output",
    "outputs",
    "metrics",
    "on_start_failure",
];

/// A whole, validated configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppConfig {
    /// The file it was loaded from.
    pub path: Option<PathBuf>,
    /// Proxy settings for every feed.
    pub proxy: ProxySettings,
    /// Extra TLS roots.
    pub tls: TlsConfig,
    /// The feeds, sorted by name.
    pub feeds: Vec<FeedConfig>,
    /// Where events go: the sinks.
    pub output: OutputConfig,
    /// Metrics, health and lag settings.
    pub metrics: MetricsConfig,
    /// What a feed that cannot start does (`on_start_failure`).
    pub start_failure: feed_core::runtime::StartFailure,
}

impl AppConfig {
    /// Loads and validates a config file with `FEED_*` environment variables on top.
    ///
    /// # Errors
    /// Every problem found, each with its key path and origin.
    pub fn load(path: &Path) -> Result<Self, ConfigProblems> {
        let sources = ConfigSources::load(path).map_err(|problem| ConfigProblems(vec![problem]))?;
        Self::from_sources(&sources, Some(path))
    }

    /// Validates already loaded layers; relative paths are taken from `path`'s folder.
    ///
    /// # Errors
    /// Every problem found.
    pub fn from_sources(
        sources: &ConfigSources,
        path: Option<&Path>,
    ) -> Result<Self, ConfigProblems> {
        let base_dir = path
            .and_then(Path::parent)
            .map(Path::to_owned)
            .unwrap_or_default();
        let mut reader = ConfigReader::new(sources);
        reader.section("", &SECTIONS);
        let proxy = read_proxy_settings(&mut reader, "proxy");
        let tls = tls::read_tls(&mut reader, &base_dir);
        let feeds = feeds::read_feeds(&mut reader);
        let output = output::read_outputs(&mut reader, &base_dir);
        let mut metrics = metrics::read_metrics(&mut reader);
        for feed in &feeds {
            if let Some(stale_after) = feed.stale_after {
                metrics
                    .monitoring
                    .stale_after_by_feed
                    .insert(feed.name.clone(), stale_after);
            }
        }
        let start_failure = read_start_failure(&mut reader);
        reader.finish()?;
        Ok(AppConfig {
            path: path.map(Path::to_owned),
            proxy,
            tls,
            feeds,
            output,
            metrics,
            start_failure,
        })
    }
}

/// `on_start_failure: stop | continue`.
fn read_start_failure(reader: &mut ConfigReader<'_>) -> feed_core::runtime::StartFailure {
    use feed_core::runtime::StartFailure;
    match reader.value::<String>("on_start_failure").as_deref() {
        None | Some("stop") => StartFailure::Stop,
        Some("continue") => StartFailure::Continue,
        Some(_) => {
            reader.problem("on_start_failure", "expected stop or continue");
            StartFailure::Stop
        }
    }
}
