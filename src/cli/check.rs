//! `feedhandler check CONFIG`: validate a config and show the route of every connection and
//! the documented limits of every feed's exchange.

use std::fmt::Write as _;
use std::path::Path;

use feed_core::connect::Route;
use feed_proxy::{ConnectionKind, ProxySettings};

use crate::config::AppConfig;

/// Exit code for a valid config.
pub const EXIT_OK: i32 = 0;
/// Exit code for an invalid config (like a usage error).
pub const EXIT_INVALID_CONFIG: i32 = 2;

/// Runs `check`: prints the routes on stdout and returns 0, or prints every problem on
/// stderr (one per line) and returns 2.
pub fn run(path: &Path) -> i32 {
    match AppConfig::load(path) {
        Ok(config) => {
            use std::io::Write as _;
            let _ = std::io::stdout().write_all(describe_routes(&config).as_bytes());
            EXIT_OK
        }
        Err(problems) => {
            let count = problems.0.len();
            let plural = if count == 1 { "" } else { "s" };
            say!(
                "{}: invalid configuration ({count} problem{plural})",
                path.display()
            );
            for problem in &problems.0 {
                say!("error: {problem}");
            }
            EXIT_INVALID_CONFIG
        }
    }
}

/// One sink as `check` shows it: name, what and where (Kafka properties by key only: their
/// values may be secrets), channels and overflow policy.
fn describe_output(spec: &crate::config::OutputSpec) -> String {
    use crate::config::OutputKind;
    let what = match &spec.kind {
        OutputKind::Stdout => "JSON lines to stdout".to_owned(),
        OutputKind::File(path) => format!("appending JSON lines to {}", path.display()),
        OutputKind::Kafka(kafka) => {
            let mut text = format!(
                "kafka {} topic {} compression {}",
                kafka.bootstrap_servers,
                kafka.topic.as_str(),
                kafka.compression.name()
            );
            if !kafka.properties.is_empty() {
                let keys: Vec<&str> = kafka.properties.keys().map(String::as_str).collect();
                let _ = write!(text, " properties {} (values not shown)", keys.join(", "));
            }
            text
        }
        OutputKind::Parquet(parquet) => format!(
            "parquet files under {} (a file per channel, exchange and {}, zstd)",
            parquet.directory.display(),
            parquet.rotation.name()
        ),
        OutputKind::Postgres { table_prefix, .. } => {
            format!(
                "{} tables {table_prefix}trades, {table_prefix}l2_book, ...",
                spec.destination()
            )
        }
    };
    let channels = if spec.options.channels.is_empty() {
        "every channel".to_owned()
    } else {
        spec.options
            .channels
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "{} = {what}; {channels}; overflow {}, queue {} events",
        spec.name,
        spec.options.overflow.name(),
        spec.options.queue_events
    )
}

/// The report `check` prints for a valid config: a summary, then one line per connection
/// of every feed with its route (redacted proxy and timeout, or `direct`).
#[must_use]
pub fn describe_routes(config: &AppConfig) -> String {
    let mut out = String::new();
    let source = config.path.as_ref().map_or_else(
        || "configuration".to_owned(),
        |path| path.display().to_string(),
    );
    let _ = writeln!(out, "{source}: valid");
    let _ = writeln!(out, "proxy: {}", proxy_summary(&config.proxy));
    if let Some(ca_file) = &config.tls.ca_file {
        let _ = writeln!(out, "tls: extra root CAs from {}", ca_file.display());
    }
    for spec in &config.output.sinks {
        let _ = writeln!(out, "output: {}", describe_output(spec));
    }
    let _ = writeln!(out, "metrics: {}", metrics_summary(config));
    if config.feeds.is_empty() {
        let _ = writeln!(out, "no feeds configured (add some under `exchanges:`)");
        return out;
    }
    let rows: Vec<[String; 4]> = config
        .feeds
        .iter()
        .flat_map(|feed| {
            ConnectionKind::ALL.map(|kind| {
                let route = Route::resolve(&feed.exchange_id, kind, Some(&config.proxy));
                [
                    feed.name.clone(),
                    feed.exchange_id.clone(),
                    kind.to_string(),
                    route.to_string(),
                ]
            })
        })
        .collect();
    let header = ["FEED", "EXCHANGE", "CONNECTION", "ROUTE"].map(str::to_owned);
    let widths: Vec<usize> = (0..3)
        .map(|column| {
            rows.iter()
                .chain(std::iter::once(&header))
                .map(|row| row[column].len())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let _ = writeln!(out);
    for row in std::iter::once(&header).chain(rows.iter()) {
        let _ = writeln!(
            out,
            "{:<w0$}  {:<w1$}  {:<w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
    }
    for feed in &config.feeds {
        let _ = writeln!(
            out,
            "limits {}: {}",
            feed.name,
            venue_limits(&feed.exchange_id)
        );
    }
    for note in unused_proxy_entries(config) {
        let _ = writeln!(out, "note: {note}");
    }
    out
}

/// The documented limits of a feed's exchange (`ExchangeAdapter::limits`), which the
/// runtime plans the feed's connections and paces its traffic by.
fn venue_limits(exchange_id: &str) -> String {
    feed_ccxt::adapter(exchange_id).map_or_else(
        |_| "unknown exchange".to_owned(),
        |adapter| adapter.limits().to_string(),
    )
}

/// `serving /metrics and /health on 127.0.0.1:9898; stale after 60s (kraken 300s), lag
/// warning above 5s, a line per feed every 60s`.
fn metrics_summary(config: &AppConfig) -> String {
    let monitoring = &config.metrics.monitoring;
    let serving = config.metrics.listen.map_or_else(
        || "not served (set metrics.listen to serve /metrics and /health)".to_owned(),
        |address| format!("serving /metrics and /health on {address}"),
    );
    let overrides: Vec<String> = monitoring
        .stale_after_by_feed
        .iter()
        .map(|(feed, after)| format!("{feed} {}s", after.as_secs()))
        .collect();
    let overrides = if overrides.is_empty() {
        String::new()
    } else {
        format!(" ({})", overrides.join(", "))
    };
    format!(
        "{serving}; stale after {}s{overrides}, lag warning above {}s, a line per feed every {}s",
        monitoring.stale_after.as_secs(),
        monitoring.lag_warning.as_secs(),
        monitoring.report_every.as_secs()
    )
}

fn proxy_summary(settings: &ProxySettings) -> String {
    let overrides = settings.exchanges().count();
    match (
        settings.is_enabled(),
        settings.default_proxies().is_some(),
        overrides,
    ) {
        (false, false, 0) => "disabled (no proxy section): every connection is direct".into(),
        (false, _, _) => "disabled (proxy.enabled is false): every connection is direct".into(),
        (true, default, overrides) => format!(
            "enabled ({} default, {overrides} exchange override{})",
            if default { "with" } else { "no" },
            if overrides == 1 { "" } else { "s" }
        ),
    }
}

/// Proxy entries for exchanges no feed uses: often a typo in the exchange id.
fn unused_proxy_entries(config: &AppConfig) -> Vec<String> {
    config
        .proxy
        .exchanges()
        .filter(|(id, _)| !config.feeds.iter().any(|feed| feed.exchange_id == *id))
        .map(|(id, _)| format!("proxy.exchanges.{id} matches no feed's exchange_id"))
        .collect()
}
