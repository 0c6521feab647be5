//! The `metrics:` section: the `/metrics` and `/health` endpoint, staleness, lag warning and
//! the per-feed log line.
//!
//! ```yaml
//! metrics:
//!   listen: "127.0.0.1:9898"   # optional: serve /metrics (Prometheus) and /health here
//!   stale_after_seconds: 60    # /health: a feed without a frame this long is stale
//!   lag_warning_seconds: 5     # warn when a feed's median lag over an interval is above this
//!   log_every_seconds: 60      # one info line per feed this often
//! ```
//!
//! A feed may override the staleness threshold with its own `stale_after_seconds` (under
//! `exchanges:`), for a quiet market on a venue without heartbeats.

use std::net::SocketAddr;
use std::time::Duration;

use feed_core::monitor::MonitorSettings;
use feed_proxy::{join_key, ConfigReader};

/// The `metrics:` settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricsConfig {
    /// Where to serve `/metrics` and `/health`; nowhere when absent.
    pub listen: Option<SocketAddr>,
    /// Thresholds and intervals (per-feed staleness filled in from `exchanges:`).
    pub monitoring: MonitorSettings,
}

/// The allowed range of `stale_after_seconds` and `lag_warning_seconds`.
pub const THRESHOLD_SECONDS: std::ops::RangeInclusive<i64> = 1..=86_400;
/// The allowed range of `log_every_seconds`.
pub const LOG_EVERY_SECONDS: std::ops::RangeInclusive<i64> = 1..=3_600;

/// Reads `metrics:`.
pub fn read_metrics(reader: &mut ConfigReader<'_>) -> MetricsConfig {
    let section = "metrics";
    let mut config = MetricsConfig::default();
    if reader
        .section(
            section,
            &[
                "listen",
                "stale_after_seconds",
                "lag_warning_seconds",
                "log_every_seconds",
            ],
        )
        .is_none()
    {
        return config;
    }
    let listen_key = join_key(section, "listen");
    if let Some(text) = reader.value::<String>(&listen_key) {
        match text.parse::<SocketAddr>() {
            Ok(address) => config.listen = Some(address),
            Err(_) => reader.problem(
                &listen_key,
                format!("'{text}' is not an IP address and port, such as 127.0.0.1:9898"),
            ),
        }
    }
    let monitoring = &mut config.monitoring;
    if let Some(seconds) = read_seconds(
        reader,
        &join_key(section, "stale_after_seconds"),
        THRESHOLD_SECONDS,
    ) {
        monitoring.stale_after = seconds;
    }
    if let Some(seconds) = read_seconds(
        reader,
        &join_key(section, "lag_warning_seconds"),
        THRESHOLD_SECONDS,
    ) {
        monitoring.lag_warning = seconds;
    }
    if let Some(seconds) = read_seconds(
        reader,
        &join_key(section, "log_every_seconds"),
        LOG_EVERY_SECONDS,
    ) {
        monitoring.report_every = seconds;
    }
    config
}

/// A whole number of seconds within `range`; `None` when absent or wrong (a problem then).
pub fn read_seconds(
    reader: &mut ConfigReader<'_>,
    key: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Option<Duration> {
    if !reader.contains(key) {
        return None;
    }
    match reader.value::<i64>(key) {
        Some(seconds) if range.contains(&seconds) => {
            Some(Duration::from_secs(seconds.unsigned_abs()))
        }
        Some(seconds) => {
            let name = key.rsplit('.').next().unwrap_or(key);
            reader.problem(
                key,
                format!(
                    "{name} must be a whole number from {} to {} (found {seconds})",
                    range.start(),
                    range.end()
                ),
            );
            None
        }
        None => None,
    }
}
