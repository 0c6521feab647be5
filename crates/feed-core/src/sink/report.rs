//! Delivery counts of one sink.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Counts a sink keeps of what it delivered and what finally failed; cheap to clone and
/// shared with the sink's own delivery tasks (Kafka's delivery reports).
#[derive(Debug, Clone, Default)]
pub struct DeliveryReport {
    inner: Arc<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    delivered: AtomicU64,
    failed: AtomicU64,
    first_failure: Mutex<Option<String>>,
}

impl DeliveryReport {
    /// `events` reached their destination.
    pub fn delivered(&self, events: u64) {
        self.inner.delivered.fetch_add(events, Ordering::Relaxed);
    }

    /// `events` finally failed, for `reason` (logged as an error on the first failure;
    /// kept for the summary).
    pub fn failed(&self, events: u64, reason: &str) {
        if events == 0 {
            return;
        }
        self.inner.failed.fetch_add(events, Ordering::Relaxed);
        if let Ok(mut first) = self.inner.first_failure.lock() {
            if first.is_none() {
                tracing::error!(events, %reason, "sink delivery failed");
                *first = Some(reason.to_owned());
            } else {
                tracing::debug!(events, %reason, "sink delivery failed");
            }
        }
    }

    /// Events delivered so far.
    #[must_use]
    pub fn delivered_count(&self) -> u64 {
        self.inner.delivered.load(Ordering::Relaxed)
    }

    /// Events failed so far.
    #[must_use]
    pub fn failed_count(&self) -> u64 {
        self.inner.failed.load(Ordering::Relaxed)
    }

    /// The reason of the first failure.
    #[must_use]
    pub fn first_failure(&self) -> Option<String> {
        self.inner
            .first_failure
            .lock()
            .ok()
            .and_then(|first| first.clone())
    }
}

/// One sink's figures at the end of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkReport {
    /// The sink ([`super::Sink::describe`]).
    pub sink: String,
    /// Events accepted into its queue.
    pub accepted: u64,
    /// Events delivered.
    pub delivered: u64,
    /// Events dropped by the `drop` overflow policy.
    pub dropped: u64,
    /// Events that failed, or were still queued or in flight when the flush timed out.
    pub failed: u64,
    /// The largest queue depth seen.
    pub max_queued: usize,
    /// The first failure, or the flush error.
    pub error: Option<String>,
}

impl SinkReport {
    /// Events accepted but never delivered: dropped, failed or unflushed.
    #[must_use]
    pub fn lost(&self) -> u64 {
        self.dropped + self.failed
    }
}
