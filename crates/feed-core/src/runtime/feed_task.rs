//! One feed's life: prepare, start each of its connections (connect, subscribe, settle),
//! report readiness, then run every connection ([`ConnectionLoop`]) until shutdown.
//!
//! A feed whose subscriptions need several connections ([`Feed::connections`]) starts
//! them together; the start succeeds only when every one of them has settled, so that a
//! rejected subscription on any connection stops the start before any event is delivered.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use futures_util::future::join_all;
use tokio::sync::{oneshot, watch, Semaphore};
use tracing::Instrument;

use super::backoff::{Backoff, ReconnectPolicy};
use super::callbacks::Callbacks;
use super::connection::{Connection, MAX_CONCURRENT_REQUESTS};
use super::connection_loop::{ConnectionLoop, Shared};
use super::feed::{Feed, FeedError};
use super::shutdown::ShutdownSignal;
use super::stats::FeedStats;
use crate::connect::ExchangeConnector;
use crate::types::Event;

/// Everything one feed task needs.
pub(crate) struct FeedTask {
    pub feed: Box<dyn Feed>,
    pub name: String,
    pub callbacks: Callbacks,
    pub stats: FeedStats,
    pub policy: ReconnectPolicy,
    pub connector: ExchangeConnector,
    pub shutdown: ShutdownSignal,
    /// Told once the first connections are up and subscribed (or failed), before any event.
    pub ready: Option<oneshot::Sender<Result<(), FeedError>>>,
    /// Flips to true when every feed is ready and events may flow.
    pub go: watch::Receiver<bool>,
    /// A start that fails is reported and retried with backoff (`on_start_failure:
    /// continue`) instead of ending the feed.
    pub retry_start: bool,
}

/// A started connection: its loop, the connection, the events held back.
type Started = (ConnectionLoop, Connection, Vec<Event>);

impl FeedTask {
    /// Runs the feed until shutdown or until reconnect attempts are exhausted.
    pub(crate) async fn run(self) -> Result<(), FeedError> {
        let span =
            tracing::info_span!("feed", feed = %self.name, exchange = %self.feed.exchange_id());
        let stats = self.stats.clone();
        stats.set_running(true);
        let outcome = self.run_inner().instrument(span).await;
        stats.set_running(false);
        outcome
    }

    async fn run_inner(self) -> Result<(), FeedError> {
        let FeedTask {
            feed,
            name,
            callbacks,
            stats,
            policy,
            connector,
            shutdown,
            mut ready,
            mut go,
            retry_start,
        } = self;
        let shared = Arc::new(Shared {
            exchange: feed.exchange_name(),
            feed_name: name.as_str().into(),
            exchange_id: feed.exchange_id().to_owned(),
            limits: feed.limits(),
            feed: tokio::sync::Mutex::new(feed),
            callbacks,
            stats,
            policy,
            connector,
            shutdown,
            numbers: AtomicU64::new(0),
            limiter: Arc::new(Semaphore::new(MAX_CONCURRENT_REQUESTS)),
            slots: AtomicUsize::new(1),
        });
        // Shutdown (another feed failed to start, or the user stopped) ends a slow start too.
        let mut shutdown = shared.shutdown.clone();
        let mut start_backoff = Backoff::new(shared.policy.clone());
        let started = loop {
            let started = tokio::select! {
                started = start(&shared) => started,
                () = shutdown.requested() => return Ok(()),
            };
            let error = match started {
                Ok(started) => break started,
                Err(error) => error,
            };
            if let Some(ready) = ready.take() {
                let _ = ready.send(Err(error.clone()));
            }
            if !retry_start {
                return Err(error);
            }
            let Some(delay) = start_backoff.next_delay() else {
                return Err(shared.setup_error(format!(
                    "could not start after {} attempts: {error}",
                    start_backoff.attempts()
                )));
            };
            tracing::warn!(%error, delay_ms = delay.as_millis() as u64, "the feed could not start; retrying");
            shared.stats.add_reconnect();
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = shutdown.requested() => {
                    return Err(shared.setup_error(format!("never started: {error}")));
                }
            }
        };
        if let Some(ready) = ready.take() {
            let _ = ready.send(Ok(()));
        }
        if go.wait_for(|go| *go).await.is_err() || shared.shutdown.is_requested() {
            return Ok(());
        }
        let outcomes = join_all(
            started
                .into_iter()
                .map(|(runner, connection, held)| runner.run(connection, held)),
        )
        .await;
        outcomes.into_iter().find(Result::is_err).unwrap_or(Ok(()))
    }
}

/// Prepares the feed, then starts every connection it needs, together.
///
/// # Errors
/// The first failure: preparing, connecting, or settling any connection.
async fn start(shared: &Arc<Shared>) -> Result<Vec<Started>, FeedError> {
    let count = {
        let mut feed = shared.feed.lock().await;
        feed.prepare(&shared.connector).await?;
        feed.connections().max(1)
    };
    shared.slots.store(count, Ordering::Relaxed);
    if count > 1 {
        tracing::info!(
            connections = count,
            limits = %shared.limits,
            "the feed's subscriptions are split over several connections"
        );
    }
    join_all((0..count).map(|slot| ConnectionLoop::new(Arc::clone(shared), slot).start()))
        .await
        .into_iter()
        .collect()
}
