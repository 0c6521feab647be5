//! The PostgreSQL sink: a table per channel (see [`crate::rows`] and [`create_table`] for
//! the DDL, created if absent), each batch written with `COPY ... FROM STDIN` in one
//! transaction, `numeric` for every decimal.
//!
//! A lost connection is reconnected with backoff and the batch retried whole (the
//! transaction makes a batch all or nothing; only a commit whose answer was lost can be
//! written twice). An error the server reports for the data itself (a constraint of the
//! user's, a value out of range) fails that batch, counted and logged, and the sink goes
//! on. Plain TCP only for now (no TLS): keep the database on the same host or network.

mod ddl;
mod text;

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use feed_core::sink::{DeliveryReport, Sink, SinkError};
use feed_core::Event;
use futures_util::SinkExt;
use tokio_postgres::{Client, Config, NoTls};

pub use ddl::create_table;

use crate::rows::{row_of, TABLES};

/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest wait between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// Where and how to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostgresSettings {
    /// A libpq-style URL (`postgresql://user:password@host:port/db`) or `key=value` string.
    pub url: String,
    /// Prefix of every table name (`md_` gives `md_trades`).
    pub table_prefix: String,
}

/// Writes events to PostgreSQL.
pub struct PostgresSink {
    settings: PostgresSettings,
    shown: String,
    client: Option<Client>,
}

/// True when a failed batch may succeed when retried: the connection is gone, or the
/// server's error is of a class about the connection or the server rather than the data
/// (08 connection exception, 40 transaction rollback, 53 insufficient resources, 57
/// operator intervention — `pg_terminate_backend`, a shutdown —, 58 system error).
fn is_transient(error: &tokio_postgres::Error, client: &Client) -> bool {
    if client.is_closed() {
        return true;
    }
    error.as_db_error().is_none_or(|db| {
        let class = &db.code().code()[..2];
        matches!(class, "08" | "40" | "53" | "57" | "58")
    })
}

/// An error in words, with the server's SQLSTATE and message when it sent one.
fn describe_error(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => format!("{} ({}): {}", db.severity(), db.code().code(), db.message()),
        None => error.to_string(),
    }
}

/// True when `url` is a connection string tokio-postgres reads.
#[must_use]
pub fn is_connection_string(url: &str) -> bool {
    Config::from_str(url).is_ok()
}

/// `host:port/dbname` of a connection string, never its password.
#[must_use]
pub fn shown_target(url: &str) -> String {
    let Ok(config) = Config::from_str(url) else {
        return "(an unreadable connection string)".into();
    };
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(host)) => host.clone(),
        #[cfg(unix)]
        Some(tokio_postgres::config::Host::Unix(path)) => path.display().to_string(),
        None => "localhost".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "{host}:{port}/{}",
        config.get_dbname().unwrap_or("postgres")
    )
}

impl PostgresSink {
    /// A sink of `settings` (connected by [`Sink::open`]).
    #[must_use]
    pub fn new(settings: PostgresSettings) -> Self {
        let shown = format!("postgres {}", shown_target(&settings.url));
        PostgresSink {
            settings,
            shown,
            client: None,
        }
    }

    fn error(&self, message: impl Into<String>) -> SinkError {
        SinkError::new(&self.shown, message)
    }

    async fn connect(&self) -> Result<Client, SinkError> {
        let mut config =
            Config::from_str(&self.settings.url).map_err(|error| self.error(error.to_string()))?;
        config.connect_timeout(CONNECT_TIMEOUT);
        let (client, connection) = config
            .connect(NoTls)
            .await
            .map_err(|error| self.error(format!("cannot connect: {error}")))?;
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::warn!(%error, "postgres connection ended");
            }
        });
        Ok(client)
    }

    /// One transaction: a COPY per table the batch has rows for.
    async fn copy_batch(
        client: &mut Client,
        tables: &BTreeMap<&'static str, (String, Vec<u8>)>,
    ) -> Result<(), tokio_postgres::Error> {
        let transaction = client.transaction().await?;
        for (statement, rows) in tables.values() {
            let sink = transaction.copy_in::<_, Bytes>(statement.as_str()).await?;
            futures_util::pin_mut!(sink);
            sink.send(Bytes::copy_from_slice(rows)).await?;
            sink.finish().await?;
        }
        transaction.commit().await
    }
}

#[async_trait]
impl Sink for PostgresSink {
    fn describe(&self) -> String {
        self.shown.clone()
    }

    async fn open(&mut self) -> Result<(), SinkError> {
        let client = self.connect().await?;
        for table in TABLES {
            client
                .batch_execute(&create_table(&self.settings.table_prefix, table))
                .await
                .map_err(|error| self.error(format!("creating table {}: {error}", table.name)))?;
        }
        self.client = Some(client);
        Ok(())
    }

    async fn write(
        &mut self,
        batch: &[Arc<Event>],
        report: &DeliveryReport,
    ) -> Result<(), SinkError> {
        let prefix = self.settings.table_prefix.clone();
        let mut tables: BTreeMap<&'static str, (String, Vec<u8>)> = BTreeMap::new();
        let mut rows = 0_u64;
        for event in batch {
            let Some((table, row)) = row_of(event) else {
                continue;
            };
            let (_, buffer) = tables
                .entry(table.name)
                .or_insert_with(|| (ddl::copy_statement(&prefix, table), Vec::new()));
            match text::push_row(buffer, &row) {
                Ok(()) => rows += 1,
                Err(reason) => report.failed(1, &reason),
            }
        }
        if tables.is_empty() {
            return Ok(());
        }
        let mut backoff = Duration::from_millis(250);
        loop {
            if self.client.as_ref().is_none_or(Client::is_closed) {
                match self.connect().await {
                    Ok(client) => {
                        tracing::info!(sink = %self.shown, "reconnected");
                        self.client = Some(client);
                    }
                    Err(error) => {
                        tracing::warn!(sink = %self.shown, %error, "reconnecting");
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                        continue;
                    }
                }
            }
            let Some(client) = self.client.as_mut() else {
                continue;
            };
            match Self::copy_batch(client, &tables).await {
                Ok(()) => {
                    report.delivered(rows);
                    return Ok(());
                }
                Err(error) if !is_transient(&error, client) => {
                    // The server refused the data: retrying gives the same answer.
                    report.failed(rows, &describe_error(&error));
                    return Ok(());
                }
                Err(error) => {
                    let error = describe_error(&error);
                    tracing::warn!(sink = %self.shown, %error, "batch not written: retrying");
                    self.client = None;
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    async fn flush(&mut self, _report: &DeliveryReport) -> Result<(), SinkError> {
        // Every batch is committed before `write` returns.
        self.client = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shown_target_never_has_the_password() {
        assert_eq!(
            shown_target("postgresql://md:s3cret@127.0.0.1:5433/market"),
            "127.0.0.1:5433/market"
        );
        assert_eq!(
            shown_target("host=db port=6000 user=md password=s3cret dbname=x"),
            "db:6000/x"
        );
        assert!(!shown_target("postgresql://md:s3cret@[::1:5433/market").contains("s3cret"));
    }
}
