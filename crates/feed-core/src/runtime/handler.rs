//! [`FeedHandler`]: runs any number of feeds concurrently until shutdown.

use std::sync::Arc;

use futures_util::stream::{FuturesUnordered, StreamExt};
use tokio::sync::{oneshot, watch};

use super::backoff::ReconnectPolicy;
use super::callbacks::Callbacks;
use super::feed::{Feed, FeedError};
use super::feed_task::FeedTask;
use super::shutdown::ShutdownHandle;
use super::stats::{FeedStats, StatsSnapshot};
use crate::connect::ExchangeConnector;
use crate::monitor::{report, FeedMonitor, MetricsServer, MonitorSettings, MonitoredFeed};

/// The run's spawned tasks: aborted when the run's future is dropped, so that no feed keeps
/// running (and holding its connections) after whoever awaited the run has gone.
struct Tasks {
    feeds: Vec<tokio::task::JoinHandle<Result<(), FeedError>>>,
    /// Signal watching, the metrics server, the report loop.
    helpers: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Tasks {
    fn drop(&mut self) {
        for task in &self.feeds {
            task.abort();
        }
        for helper in &self.helpers {
            helper.abort();
        }
    }
}

/// Resolves on ctrl-c, or on SIGTERM where there are signals.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => tracing::info!("ctrl-c: stopping feeds"),
                _ = terminate.recv() => tracing::info!("SIGTERM: stopping feeds"),
            }
            return;
        }
    }
    if tokio::signal::ctrl_c().await.is_ok() {
        tracing::info!("ctrl-c: stopping feeds");
    } else {
        std::future::pending::<()>().await;
    }
}

struct FeedSlot {
    name: String,
    exchange: String,
    feed: Box<dyn Feed>,
    callbacks: Callbacks,
    stats: FeedStats,
}

/// How one feed ended, with its counters.
#[derive(Debug, Clone)]
pub struct FeedReport {
    /// The feed's name.
    pub name: String,
    /// Its exchange id.
    pub exchange: String,
    /// Its counters at the end.
    pub stats: StatsSnapshot,
    /// `Err` with the reason when the feed stopped on its own (attempts exhausted).
    pub outcome: Result<(), String>,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
#[error("feed {name} could not start: {error}")]
pub struct StartError {
    /// The feed that failed first.
    pub name: String,
    /// Why.
    pub error: FeedError,
    /// Every feed's counters (all zero trades: none flowed).
    pub reports: Vec<FeedReport>,
}

/// Runs feeds concurrently on tokio.
///
/// Start-up is all or nothing: every feed prepares (market lists over REST) and opens its
/// first connection; if any fails, all stop and [`FeedHandler::run`] returns the error
/// before a single trade reaches a callback. After that, lost connections are retried
/// with backoff ([`ReconnectPolicy`]) and never fall back to a direct route.
///
/// # Examples
/// ```no_run
/// # async fn example(feed: impl feed_core::runtime::Feed) {
/// use feed_core::runtime::{Callbacks, FeedHandler};
///
/// let mut handler = FeedHandler::new();
/// handler.add_feed(feed, Callbacks::new().on_trade(|trade: &feed_core::Trade| println!("{}", trade.to_json_line())));
/// let stop = handler.shutdown_handle();
/// tokio::spawn(async move { tokio::time::sleep(std::time::Duration::from_secs(60)).await; stop.shutdown() });
/// let reports = handler.run().await.expect("feeds start");
/// # }
/// ```
pub struct FeedHandler {
    feeds: Vec<FeedSlot>,
    policy: ReconnectPolicy,
    shutdown: ShutdownHandle,
    stop_on_ctrl_c: bool,
    on_shutdown: Vec<Arc<dyn Fn() + Send + Sync>>,
    connector_setup: Option<Arc<dyn Fn(ExchangeConnector) -> ExchangeConnector + Send + Sync>>,
    monitoring: MonitorSettings,
    metrics: Option<MetricsServer>,
    sinks: Option<Arc<crate::sink::Sinks>>,
    start_failure: StartFailure,
}

/// What a feed that cannot start does to the run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StartFailure {
    /// Stops the start of every feed: [`FeedHandler::run`] returns the [`StartError`]
    /// before any event reached a callback (the default).
    #[default]
    Stop,
    /// The feed is reported (a warning, its outcome in the run's reports) and retried with
    /// the reconnect policy's backoff while the others run.
    Continue,
}

impl Default for FeedHandler {
    fn default() -> Self {
        Self::new()
    }
}

impl FeedHandler {
    /// No feeds yet; default reconnect policy; stops on ctrl-c.
    #[must_use]
    pub fn new() -> Self {
        FeedHandler {
            feeds: Vec::new(),
            policy: ReconnectPolicy::default(),
            shutdown: ShutdownHandle::new(),
            stop_on_ctrl_c: true,
            on_shutdown: Vec::new(),
            connector_setup: None,
            monitoring: MonitorSettings::default(),
            metrics: None,
            sinks: None,
            start_failure: StartFailure::Stop,
        }
    }

    /// Uses these staleness thresholds, lag warning and report interval (defaults:
    /// [`MonitorSettings::default`]). While the run lasts, each feed logs a line per
    /// `report_every`.
    #[must_use]
    pub fn with_monitoring(mut self, settings: MonitorSettings) -> Self {
        self.monitoring = settings;
        self
    }

    /// Serves `/metrics` and `/health` on `server` while the run lasts.
    #[must_use]
    pub fn serve_metrics(mut self, server: MetricsServer) -> Self {
        self.metrics = Some(server);
        self
    }

    /// What a feed that cannot start does (default [`StartFailure::Stop`]).
    #[must_use]
    pub fn on_start_failure(mut self, policy: StartFailure) -> Self {
        self.start_failure = policy;
        self
    }

    /// Shows `sinks`' figures in `/metrics` too (`feedhandler run` does this).
    #[must_use]
    pub fn with_sinks(mut self, sinks: Arc<crate::sink::Sinks>) -> Self {
        self.sinks = Some(sinks);
        self
    }

    /// The feeds added so far, as monitoring sees them (for `/metrics`-like exports of your
    /// own; the handler's server uses the same).
    #[must_use]
    pub fn monitor(&self) -> FeedMonitor {
        let monitor = FeedMonitor::new(
            self.feeds
                .iter()
                .map(|slot| MonitoredFeed {
                    name: slot.name.clone(),
                    exchange: slot.exchange.clone(),
                    stats: slot.stats.clone(),
                    stale_after: self.monitoring.stale_after_for(&slot.name),
                })
                .collect(),
        );
        match &self.sinks {
            Some(sinks) => monitor.with_sinks(Arc::clone(sinks)),
            None => monitor,
        }
    }

    /// Uses this reconnect policy for every feed.
    #[must_use]
    pub fn with_reconnect_policy(mut self, policy: ReconnectPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Whether ctrl-c (and SIGTERM) stops the run (default true).
    #[must_use]
    pub fn stop_on_ctrl_c(mut self, enabled: bool) -> Self {
        self.stop_on_ctrl_c = enabled;
        self
    }

    /// Adjusts every feed's connector (TLS roots, timeouts, limits) before it is used.
    #[must_use]
    pub fn with_connector_setup<F>(mut self, setup: F) -> Self
    where
        F: Fn(ExchangeConnector) -> ExchangeConnector + Send + Sync + 'static,
    {
        self.connector_setup = Some(Arc::new(setup));
        self
    }

    /// Adds a feed with its callbacks; returns its live counters.
    pub fn add_feed<F: Feed>(&mut self, feed: F, callbacks: Callbacks) -> FeedStats {
        let name = feed.exchange_id().to_owned();
        self.add_named_feed(name, feed, callbacks)
    }

    /// Adds a feed under a name (shown in logs and reports).
    pub fn add_named_feed<F: Feed>(
        &mut self,
        name: impl Into<String>,
        feed: F,
        callbacks: Callbacks,
    ) -> FeedStats {
        let stats = FeedStats::default();
        self.feeds.push(FeedSlot {
            name: name.into(),
            exchange: feed.exchange_id().to_owned(),
            feed: Box::new(feed),
            callbacks,
            stats: stats.clone(),
        });
        stats
    }

    /// Runs `callback` once when the run ends (flush files, print summaries).
    pub fn on_shutdown<F>(&mut self, callback: F)
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.on_shutdown.push(Arc::new(callback));
    }

    /// A handle that stops the run from anywhere.
    #[must_use]
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        self.shutdown.clone()
    }

    /// Runs every feed until shutdown (handle or ctrl-c) or until all have stopped.
    ///
    /// # Errors
    /// [`StartError`] when a feed cannot start; no trade has reached a callback then.
    pub async fn run(mut self) -> Result<Vec<FeedReport>, StartError> {
        let (go_sender, go) = watch::channel(false);
        let mut tasks = Tasks {
            feeds: Vec::new(),
            helpers: Vec::new(),
        };
        let monitor = self.monitor();
        if let Some(server) = self.metrics.take() {
            tasks
                .helpers
                .push(tokio::spawn(server.serve(monitor.clone())));
        }
        tasks
            .helpers
            .push(tokio::spawn(report::run(monitor, self.monitoring.clone())));
        let mut readiness = Vec::new();
        let mut identities = Vec::new();
        for slot in self.feeds {
            let (ready, ready_receiver) = oneshot::channel();
            let mut connector = ExchangeConnector::new(&slot.exchange)
                .with_proxy_settings(slot.feed.proxy_settings())
                .with_venue_limits(slot.feed.limits());
            if let Some(setup) = &self.connector_setup {
                connector = setup(connector);
            }
            identities.push((slot.name.clone(), slot.exchange.clone(), slot.stats.clone()));
            let task = FeedTask {
                feed: slot.feed,
                name: slot.name,
                callbacks: slot.callbacks,
                stats: slot.stats,
                policy: self.policy.clone(),
                connector,
                shutdown: self.shutdown.signal(),
                ready: Some(ready),
                go: go.clone(),
                retry_start: self.start_failure == StartFailure::Continue,
            };
            tasks.feeds.push(tokio::spawn(task.run()));
            readiness.push(ready_receiver);
        }
        if self.stop_on_ctrl_c {
            let handle = self.shutdown.clone();
            tasks.helpers.push(tokio::spawn(async move {
                stop_signal().await;
                handle.shutdown();
            }));
        }

        // The first feed to fail (in whatever order they finish) stops the start.
        let mut waiting: FuturesUnordered<_> = readiness
            .into_iter()
            .enumerate()
            .map(|(index, ready)| async move { (index, ready.await) })
            .collect();
        let mut failure = None;
        while let Some((index, outcome)) = waiting.next().await {
            let name = identities[index].0.clone();
            match outcome {
                Ok(Ok(())) => continue,
                Ok(Err(error)) if self.start_failure == StartFailure::Continue => {
                    tracing::error!(feed = %name, %error, "feed could not start; retried while the others run");
                    continue;
                }
                Ok(Err(error)) => failure = Some((name, error)),
                Err(_) => {
                    failure = Some((
                        name.clone(),
                        FeedError::Setup {
                            exchange: name,
                            message: "the feed task ended before connecting".into(),
                        },
                    ));
                }
            }
            break;
        }
        drop(waiting);
        if self.shutdown.is_shutdown() {
            // Stopped (ctrl-c, SIGTERM, the handle) while starting: a clean stop, whatever
            // the feeds that were cut short reported.
            failure = None;
        }
        if failure.is_some() {
            self.shutdown.shutdown();
        }
        let _ = go_sender.send(failure.is_none());
        drop(go_sender);

        let mut reports = Vec::with_capacity(tasks.feeds.len());
        for ((name, exchange, stats), task) in identities.into_iter().zip(tasks.feeds.iter_mut()) {
            let outcome = match task.await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(error)) => Err(error.to_string()),
                Err(join) => Err(format!("feed task failed: {join}")),
            };
            reports.push(FeedReport {
                name,
                exchange,
                stats: stats.snapshot(),
                outcome,
            });
        }
        drop(tasks);
        for callback in &self.on_shutdown {
            callback();
        }
        match failure {
            Some((name, error)) => Err(StartError {
                name,
                error,
                reports,
            }),
            None => Ok(reports),
        }
    }
}
