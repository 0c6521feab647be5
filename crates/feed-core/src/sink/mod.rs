//! Sinks: where normalized events go, without ever stalling a feed on I/O.
//!
//! A [`Sink`] takes events in batches (JSON lines to stdout or a file here; Kafka,
//! Parquet and PostgreSQL in the `feed-sinks` crate; anything a library user writes).
//! [`Sinks`] runs several at once: each gets every event of the channels it selects through
//! a bounded queue of its own and a task of its own, so a slow sink never delays a feed's
//! socket reads beyond what its [`OverflowPolicy`] allows:
//!
//! - [`OverflowPolicy::Block`] (the default): a full queue makes the feed wait for room,
//!   so backpressure reaches the exchange's socket and nothing is lost;
//! - [`OverflowPolicy::Drop`]: a full queue drops its oldest events, counts them, and the
//!   sink's stream gets a [`crate::Gap`] for every symbol and channel that lost data before
//!   its next events; other sinks are not delayed.
//!
//! At shutdown [`Sinks::finish`] closes the queues, lets every sink write what is queued
//! and flush, within a timeout, and reports per sink how many events it took, delivered,
//! dropped and lost.

mod channel;
mod json_lines;
mod queue;
mod report;
mod set;

use std::sync::Arc;

use async_trait::async_trait;

use crate::Event;

pub use channel::data_channel;
pub use json_lines::JsonLinesSink;
pub use queue::OverflowPolicy;
pub use report::{DeliveryReport, SinkReport};
pub use set::{
    SinkFigures, SinkOptions, SinkSpec, Sinks, DEFAULT_BATCH_EVENTS, DEFAULT_QUEUE_EVENTS,
};

/// A sink failed: it could not start, or a batch could not be handed over.
#[derive(Debug, thiserror::Error)]
#[error("{sink}: {message}")]
pub struct SinkError {
    /// The sink ([`Sink::describe`]).
    pub sink: String,
    /// What went wrong, in words (never a password).
    pub message: String,
}

impl SinkError {
    /// An error of `sink`.
    #[must_use]
    pub fn new(sink: impl Into<String>, message: impl Into<String>) -> Self {
        SinkError {
            sink: sink.into(),
            message: message.into(),
        }
    }
}

/// Where events go. Implementations do their I/O in [`Sink::write`] (async, or on a thread
/// of their own for blocking I/O: never blocking a runtime worker for long) and count
/// every event they take as delivered or failed on the [`DeliveryReport`], at once or when
/// the destination confirms (Kafka's delivery reports).
#[async_trait]
pub trait Sink: Send {
    /// What the sink is, for logs and the summary (`stdout`, `kafka 127.0.0.1:9092`); never
    /// a password.
    fn describe(&self) -> String;

    /// Connects or opens, once, before any feed starts.
    ///
    /// # Errors
    /// The sink cannot work (broker unreachable, file not writable): the run stops before
    /// connecting to any exchange.
    async fn open(&mut self) -> Result<(), SinkError> {
        Ok(())
    }

    /// Takes the next events, in order. A sink that delivers later counts them when it
    /// knows; one that writes at once counts them before returning.
    ///
    /// # Errors
    /// The batch could not be taken; it is counted as failed (the sink counts nothing of
    /// it) and the next batch is tried.
    async fn write(
        &mut self,
        batch: &[Arc<Event>],
        report: &DeliveryReport,
    ) -> Result<(), SinkError>;

    /// Delivers everything taken so far; called once at shutdown.
    ///
    /// # Errors
    /// What could not be delivered (counted by the sink as failed).
    async fn flush(&mut self, report: &DeliveryReport) -> Result<(), SinkError>;
}
