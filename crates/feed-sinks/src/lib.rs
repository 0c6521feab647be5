//! # feed-sinks: Kafka, Parquet and PostgreSQL sinks for feedhandler
//!
//! Each is a [`feed_core::sink::Sink`]: run them with [`feed_core::sink::Sinks`], beside
//! the JSON-lines sink of `feed-core`, each behind its own bounded queue.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "kafka")]
pub mod kafka;
#[cfg(feature = "parquet")]
pub mod parquet;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod rows;
