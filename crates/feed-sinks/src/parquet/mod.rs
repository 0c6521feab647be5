//! The Parquet sink: one file per channel, exchange and period (an hour by default), zstd,
//! under a Hive-style layout that DuckDB, polars and pyarrow read as partitions:
//!
//! `{directory}/exchange=binance/channel=trades/2026-12-01T15.parquet`
//!
//! The columns are the [`crate::rows`] tables; decimals are `DECIMAL(38, 18)` written from
//! the exact `Decimal` (a value with more than 18 decimal places that are not trailing
//! zeros, or with more than 20 digits before the point, is refused and counted as failed,
//! never rounded); times are `TIMESTAMP(MICROS, UTC)`; book levels are JSON text. A file
//! is written as `.parquet.partial` and renamed when its period has ended (checked on every
//! batch) or at shutdown, so a `.parquet` file is always complete. The period of a row is
//! that of its receipt time. Rows are buffered per file and written as a row group every
//! `row_group_rows` rows; the file I/O runs on tokio's blocking pool.

mod columns;
mod files;
mod schema;

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use feed_core::sink::{DeliveryReport, Sink, SinkError};
use feed_core::Event;

pub use columns::decimal_bytes;
pub use schema::{message_type, DECIMAL_PRECISION, DECIMAL_SCALE};

use crate::rows::{micros, receipt_of, row_of};
use files::{FileKey, Files, OpenFile};

/// How long one file covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Rotation {
    /// A file per minute (tests, very busy feeds).
    Minute,
    /// A file per hour (the default).
    #[default]
    Hour,
    /// A file per day.
    Day,
}

impl Rotation {
    /// Every spelling.
    pub const NAMES: [&'static str; 3] = ["minute", "hour", "day"];

    /// From its config spelling.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "minute" => Some(Rotation::Minute),
            "hour" => Some(Rotation::Hour),
            "day" => Some(Rotation::Day),
            _ => None,
        }
    }

    /// Its config spelling.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Rotation::Minute => "minute",
            Rotation::Hour => "hour",
            Rotation::Day => "day",
        }
    }

    /// Its length in microseconds.
    #[must_use]
    pub fn micros(self) -> i64 {
        match self {
            Rotation::Minute => 60_000_000,
            Rotation::Hour => 3_600_000_000,
            Rotation::Day => 86_400_000_000,
        }
    }
}

/// Where and how to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParquetSettings {
    /// The folder of the files.
    pub directory: PathBuf,
    /// How long one file covers.
    pub rotation: Rotation,
    /// Rows per row group at most.
    pub row_group_rows: usize,
    /// zstd's level (1..=22).
    pub zstd_level: i32,
}

impl ParquetSettings {
    /// Hourly files in `directory`, row groups of 100,000 rows, zstd level 3.
    #[must_use]
    pub fn new(directory: impl Into<PathBuf>) -> Self {
        ParquetSettings {
            directory: directory.into(),
            rotation: Rotation::Hour,
            row_group_rows: 100_000,
            zstd_level: 3,
        }
    }
}

/// Writes events to Parquet files.
pub struct ParquetSink {
    settings: ParquetSettings,
    files: Option<Files>,
}

impl ParquetSink {
    /// A sink of `settings`.
    #[must_use]
    pub fn new(settings: ParquetSettings) -> Self {
        ParquetSink {
            settings,
            files: Some(Files::default()),
        }
    }

    fn error(&self, message: impl Into<String>) -> SinkError {
        SinkError::new(self.describe(), message)
    }

    /// Runs `work` on the files on tokio's blocking pool.
    async fn with_files<T: Send + 'static>(
        &mut self,
        work: impl FnOnce(&mut Files, &ParquetSettings) -> T + Send + 'static,
    ) -> Result<T, SinkError> {
        let mut files = self
            .files
            .take()
            .ok_or_else(|| self.error("a write failed"))?;
        let settings = self.settings.clone();
        let (files, result) = tokio::task::spawn_blocking(move || {
            let result = work(&mut files, &settings);
            (files, result)
        })
        .await
        .map_err(|error| self.error(error.to_string()))?;
        self.files = Some(files);
        Ok(result)
    }
}

/// Writes `batch` into the files; (rows written, failures with reasons).
fn write_batch(
    files: &mut Files,
    settings: &ParquetSettings,
    batch: &[Arc<Event>],
) -> (u64, Vec<(u64, String)>) {
    let mut written = 0;
    let mut failures = Vec::new();
    let mut latest = None;
    for event in batch {
        let Some((table, row)) = row_of(event) else {
            continue;
        };
        let Some(receipt) = receipt_of(event).and_then(micros) else {
            failures.push((1, "no receipt time".to_owned()));
            continue;
        };
        latest = latest.max(Some(receipt));
        let key = FileKey {
            table: table.name,
            exchange: event.exchange().to_ascii_lowercase(),
            period: receipt - receipt.rem_euclid(settings.rotation.micros()),
        };
        if !files.open.contains_key(&key) {
            match OpenFile::create(
                &settings.directory,
                &key,
                table,
                settings.rotation,
                settings.zstd_level,
            ) {
                Ok(file) => {
                    files.open.insert(key.clone(), file);
                }
                Err(error) => {
                    failures.push((1, error));
                    continue;
                }
            }
        }
        let Some(file) = files.open.get_mut(&key) else {
            continue;
        };
        match file.columns.push(&row) {
            Ok(()) => written += 1,
            Err(error) => failures.push((1, error)),
        }
        if file.columns.rows() >= settings.row_group_rows {
            if let Err(error) = file.write_pending() {
                failures.push((0, error));
            }
        }
    }
    // Files of periods that ended (a little grace for late frames) are closed.
    if let Some(latest) = latest {
        if let Err(error) = files.close_ended(Some(latest - 5_000_000), settings.rotation) {
            failures.push((0, error));
        }
    }
    (written, failures)
}

#[async_trait]
impl Sink for ParquetSink {
    fn describe(&self) -> String {
        format!("parquet {}", self.settings.directory.display())
    }

    async fn open(&mut self) -> Result<(), SinkError> {
        std::fs::create_dir_all(&self.settings.directory)
            .map_err(|error| self.error(error.to_string()))
    }

    async fn write(
        &mut self,
        batch: &[Arc<Event>],
        report: &DeliveryReport,
    ) -> Result<(), SinkError> {
        let events = batch.to_vec();
        let (written, failures) = self
            .with_files(move |files, settings| write_batch(files, settings, &events))
            .await?;
        // Rows count as delivered when buffered: the file is complete at its close, and a
        // close that fails is the flush's error.
        report.delivered(written);
        for (events, reason) in failures {
            if events == 0 {
                return Err(self.error(reason));
            }
            report.failed(events, &reason);
        }
        Ok(())
    }

    async fn flush(&mut self, _report: &DeliveryReport) -> Result<(), SinkError> {
        let closed = self
            .with_files(|files, settings| files.close_ended(None, settings.rotation))
            .await?;
        closed.map(|_| ()).map_err(|error| self.error(error))
    }
}
