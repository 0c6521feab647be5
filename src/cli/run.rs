//! `feedhandler run CONFIG [--max-trades N] [--duration SECS]`: every feed of a config,
//! events (trades, books, gaps) as JSON lines, logs and a summary on stderr.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use feed_core::connect::{init_proxy_system, init_tls_roots};
use feed_core::monitor::MetricsServer;
use feed_core::runtime::{short_duration, Callbacks, FeedHandler, FeedReport};
use feed_core::sink::{SinkReport, Sinks};
use feed_core::{Event, EventKind};

use feed_ccxt::Shard;

use crate::cli::exit;
use crate::config::AppConfig;
use crate::feeds::build_feed;
use crate::output::{build_sinks, TradeGate, Written};

/// When to stop besides ctrl-c, and what share of the config to run.
#[derive(Debug, Clone, Copy)]
pub struct StopRules {
    /// Stop after exactly this many trades in total.
    pub max_trades: Option<u64>,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// This process's share of every feed's symbols.
    pub shard: Shard,
}

impl Default for StopRules {
    fn default() -> Self {
        StopRules {
            max_trades: None,
            duration: None,
            shard: Shard::whole(),
        }
    }
}

/// Loads the config and runs it; returns the exit code.
pub fn run(path: &Path, rules: StopRules) -> i32 {
    crate::cli::logging::init("info");
    let config = match AppConfig::load(path) {
        Ok(config) => config,
        Err(problems) => {
            say!("{}: invalid configuration", path.display());
            for problem in &problems.0 {
                say!("error: {problem}");
            }
            return exit::USAGE;
        }
    };
    if let Some(ca_file) = &config.tls.ca_file {
        if let Err(error) = init_tls_roots(ca_file) {
            say!("error: {error}");
            return exit::USAGE;
        }
    }
    block_on(run_feeds(&config, rules, |handler| handler))
}

/// Runs a future on a fresh multi-threaded runtime.
pub(crate) fn block_on<F: std::future::Future<Output = i32>>(future: F) -> i32 {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(future),
        Err(error) => {
            say!("error: cannot start the async runtime: {error}");
            exit::FAILURE
        }
    }
}

/// Runs every feed of `config` through the process-wide proxy settings; `customize` may
/// adjust the handler (the demo trusts its own certificate that way).
pub(crate) async fn run_feeds(
    config: &AppConfig,
    rules: StopRules,
    customize: impl FnOnce(FeedHandler) -> FeedHandler,
) -> i32 {
    let sharded;
    let config = if rules.shard == Shard::whole() {
        config
    } else {
        sharded = shard_of(config, rules.shard);
        if sharded.feeds.is_empty() && !config.feeds.is_empty() {
            say!(
                "warning: shard {} carries none of this config's symbols: nothing to run",
                rules.shard
            );
            return exit::OK;
        }
        &sharded
    };
    init_proxy_system(config.proxy.clone());
    if !config.proxy.is_enabled() && config.proxy.has_proxy_urls() {
        tracing::warn!(
            "proxy.enabled is false: the proxy URLs configured are not used, every connection \
             is direct"
        );
    }
    let sinks = match build_sinks(config) {
        Ok(sinks) => sinks,
        Err(error) => {
            say!("error: {error}");
            return exit::USAGE;
        }
    };
    let gate = Arc::new(TradeGate::new(rules.max_trades));
    let mut handler = customize(
        FeedHandler::new()
            .with_monitoring(config.metrics.monitoring.clone())
            .on_start_failure(config.start_failure),
    );
    let stop = handler.shutdown_handle();
    let sinks = if config.feeds.is_empty() || rules.max_trades == Some(0) {
        Arc::new(Sinks::none())
    } else {
        match Sinks::start(sinks).await {
            Ok(sinks) => Arc::new(sinks),
            Err(error) => {
                say!("error: sink {error}");
                return exit::FAILURE;
            }
        }
    };
    handler = handler.with_sinks(Arc::clone(&sinks));
    let sink = {
        let (gate, sinks, stop) = (Arc::clone(&gate), Arc::clone(&sinks), stop.clone());
        let data = EventKind::DATA;
        Callbacks::new().on_event_async(&data, move |event: Event| {
            let (gate, sinks, stop) = (Arc::clone(&gate), Arc::clone(&sinks), stop.clone());
            async move {
                match gate.admit(&event) {
                    Written::Skipped => {}
                    Written::Yes => sinks.deliver(event).await,
                    Written::Last => {
                        sinks.deliver(event).await;
                        stop.shutdown();
                    }
                }
            }
        })
    };
    for feed in &config.feeds {
        match build_feed(feed).map(|built| built.with_shard(rules.shard)) {
            Ok(ccxt_feed) => {
                handler.add_named_feed(feed.name.clone(), ccxt_feed, sink.clone());
            }
            Err(error) => {
                say!("error: {error}");
                return exit::USAGE;
            }
        }
    }
    if config.feeds.is_empty() {
        say!("error: no feeds configured (add some under `exchanges:`)");
        return exit::USAGE;
    }
    if rules.max_trades == Some(0) {
        return exit::OK;
    }
    if let Some(address) = config.metrics.listen {
        match MetricsServer::bind(address).await {
            Ok(server) => {
                let shown = server.local_addr().unwrap_or(address);
                tracing::info!("metrics: http://{shown}/metrics and http://{shown}/health");
                handler = handler.serve_metrics(server);
            }
            Err(error) => {
                say!("error: metrics.listen {address}: {error}");
                return exit::USAGE;
            }
        }
    }
    if let Some(duration) = rules.duration {
        let stop = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(duration).await;
            tracing::info!(
                seconds = duration.as_secs_f64(),
                "duration reached: stopping"
            );
            stop.shutdown();
        });
    }
    {
        let (sinks, stop) = (Arc::clone(&sinks), stop.clone());
        tokio::spawn(async move {
            let error = sinks.broken().await;
            if !error.ends_with("Broken pipe (os error 32)") {
                tracing::error!(%error, "a sink cannot take events: stopping");
            }
            stop.shutdown();
        });
    }
    let outcome = handler.run().await;
    drop(sink);
    let flush_timeout = config
        .output
        .sinks
        .iter()
        .map(|spec| spec.flush_timeout)
        .max()
        .unwrap_or_default();
    let sink_reports = sinks.finish(flush_timeout).await;
    let (trades_written, lines_written) = (gate.trades(), gate.events());
    match outcome {
        Ok(reports) => {
            print_summary(&reports);
            print_pool_summary(&feed_core::connect::member_statuses());
            print_sink_summary(&sink_reports);
            let destination = config
                .output
                .sinks
                .iter()
                .map(crate::config::OutputSpec::destination)
                .collect::<Vec<_>>()
                .join(", ");
            let stats = reports.iter().map(|report| &report.stats);
            let (books, gaps) = stats.fold((0, 0), |(books, gaps), stats| {
                (books + stats.books, gaps + stats.gaps)
            });
            say!(
                "summary: {trades_written} trades written to {destination} ({lines_written} lines in all; books delivered: {books}, gaps: {gaps})"
            );
            if sink_reports
                .iter()
                .any(|report| report.lost() > 0 && !reader_went_away(report))
            {
                return exit::FAILURE;
            }
            if reports.iter().all(|report| report.outcome.is_ok()) {
                exit::OK
            } else {
                exit::FAILURE
            }
        }
        Err(error) => {
            say!("error: {error}");
            exit::FAILURE
        }
    }
}

/// `config` with only `shard`'s symbols of each feed that lists them (a feed left with
/// none is not run); `symbols: ALL` feeds keep their filter and take their share of the
/// market list at start.
fn shard_of(config: &AppConfig, shard: Shard) -> AppConfig {
    let mut sharded = config.clone();
    sharded.feeds.retain_mut(|feed| {
        if feed.every_market.is_some() {
            return true;
        }
        feed.symbols
            .retain(|symbol| shard.owns(&feed.exchange_id, symbol));
        if feed.symbols.is_empty() {
            tracing::info!(feed = %feed.name, %shard, "no symbol of this feed in this shard");
        }
        !feed.symbols.is_empty()
    });
    sharded
}

/// stdout's reader closed the pipe (`| head`): a stop the user asked for, as before the
/// sinks, not a loss to report.
fn reader_went_away(report: &SinkReport) -> bool {
    report.sink == "stdout"
        && report
            .error
            .as_deref()
            .is_some_and(|error| error.contains("Broken pipe"))
}

/// One line per sink; a sink that lost events says how many and why.
fn print_sink_summary(reports: &[SinkReport]) {
    for report in reports {
        say!(
            "summary: sink={} events={} delivered={} dropped={} failed={} max_queued={}",
            report.sink,
            report.accepted,
            report.delivered,
            report.dropped,
            report.failed,
            report.max_queued,
        );
        if reader_went_away(report) {
            continue; // `feedhandler run ... | head`: the reader had enough
        }
        if let Some(error) = &report.error {
            if report.lost() > 0 || report.failed > 0 {
                say!(
                    "error: sink {} lost {} events: {error}",
                    report.sink,
                    report.lost()
                );
            } else {
                say!("warning: sink {}: {error}", report.sink);
            }
        }
    }
}

fn print_summary(reports: &[FeedReport]) {
    for report in reports {
        let stats = &report.stats;
        say!(
            "summary: feed={} exchange={} trades={} books={} gaps={} rejected={} frames={} reconnects={} parse_errors={} exchange_errors={} callback_errors={} lag_median={} lag_p99={} lag_max={} route={}",
            report.name,
            report.exchange,
            stats.trades,
            stats.books,
            stats.gaps,
            stats.rejected,
            stats.frames,
            stats.reconnects,
            stats.parse_errors,
            stats.exchange_errors,
            stats.callback_errors,
            lag_figure(stats.lag.samples, stats.lag.median),
            lag_figure(stats.lag.samples, stats.lag.p99),
            lag_figure(stats.lag.samples, stats.lag.max),
            if stats.route.is_empty() { "-" } else { &stats.route },
        );
        if let Err(reason) = &report.outcome {
            say!("error: feed {} stopped: {reason}", report.name);
        }
    }
}

/// One line per proxy pool member used in this run (redacted): up or out, connections and
/// requests it carried, its proxy-stage failures.
fn print_pool_summary(members: &[feed_core::connect::MemberStatus]) {
    for member in members {
        let kinds: Vec<&str> = member.kinds.iter().map(|kind| kind.config_key()).collect();
        say!(
            "summary: proxy_member exchange={} kinds={} member={} state={} used={} failures={}",
            member.exchange,
            kinds.join(","),
            member.member,
            if member.up { "up" } else { "out" },
            member.used,
            member.failures,
        );
    }
}

/// A lag figure of the summary, `-` when no event carried an exchange timestamp.
fn lag_figure(samples: u64, figure: Duration) -> String {
    if samples == 0 {
        "-".to_owned()
    } else {
        short_duration(figure)
    }
}
