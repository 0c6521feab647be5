//! [`JsonLinesSink`]: events as JSON lines (the format of `feedhandler run` and `replay`)
//! to stdout, a file, or any writer, written by a thread of its own.

use std::fs::OpenOptions;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use tokio::sync::{mpsc, oneshot};

use super::{DeliveryReport, Sink, SinkError};
use crate::Event;

/// Buffers of lines queued for the writer thread at most (each one batch).
const QUEUED_BUFFERS: usize = 8;

enum Job {
    /// Lines of this many events.
    Lines(Vec<u8>, u64),
    /// Flush, then answer.
    Flush(oneshot::Sender<io::Result<()>>),
}

/// JSON lines, one per event, written by a dedicated thread so that no runtime worker
/// blocks on a slow terminal, pipe or disk. A write error fails that batch and every later
/// one (counted as failed) and is the flush's error.
pub struct JsonLinesSink {
    name: String,
    out: Option<(Box<dyn Write + Send>, bool)>,
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// The writer thread's first error: later batches are refused with it.
    failure: Arc<Mutex<Option<String>>>,
}

impl JsonLinesSink {
    /// To stdout; each batch is flushed at once when stdout is a terminal.
    #[must_use]
    pub fn stdout() -> Self {
        let terminal = io::stdout().is_terminal();
        Self::to_writer(
            "stdout",
            Box::new(BufWriter::with_capacity(1 << 16, io::stdout())),
            terminal,
        )
    }

    /// Appending to `path` (created if missing).
    ///
    /// # Errors
    /// When the file cannot be opened for appending.
    pub fn append_to(path: &Path) -> io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Self::to_writer(
            format!("file {}", path.display()),
            Box::new(BufWriter::with_capacity(1 << 16, file)),
            false,
        ))
    }

    /// To any writer; `flush_each_batch` for interactive outputs.
    #[must_use]
    pub fn to_writer(
        name: impl Into<String>,
        out: Box<dyn Write + Send>,
        flush_each_batch: bool,
    ) -> Self {
        JsonLinesSink {
            name: name.into(),
            out: Some((out, flush_each_batch)),
            jobs: None,
            thread: None,
            failure: Arc::default(),
        }
    }

    fn stopped(&self) -> SinkError {
        SinkError::new(&self.name, "the writer thread stopped")
    }
}

/// The writer thread: writes each buffer, counting its events.
fn write_jobs(
    mut out: Box<dyn Write + Send>,
    flush_each_batch: bool,
    mut jobs: mpsc::Receiver<Job>,
    report: DeliveryReport,
    shared_failure: Arc<Mutex<Option<String>>>,
) {
    let mut failure: Option<io::Error> = None;
    while let Some(job) = jobs.blocking_recv() {
        match job {
            Job::Lines(lines, events) => {
                if let Some(error) = &failure {
                    report.failed(events, &error.to_string());
                    continue;
                }
                let written = out.write_all(&lines).and_then(|()| {
                    if flush_each_batch {
                        out.flush()
                    } else {
                        Ok(())
                    }
                });
                match written {
                    Ok(()) => report.delivered(events),
                    Err(error) => {
                        report.failed(events, &error.to_string());
                        *shared_failure
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner) = Some(error.to_string());
                        failure = Some(error);
                    }
                }
            }
            Job::Flush(answer) => {
                let result = match &failure {
                    Some(error) => Err(io::Error::new(error.kind(), error.to_string())),
                    None => out.flush(),
                };
                let _ = answer.send(result);
            }
        }
    }
}

#[async_trait]
impl Sink for JsonLinesSink {
    fn describe(&self) -> String {
        self.name.clone()
    }

    async fn open(&mut self) -> Result<(), SinkError> {
        Ok(())
    }

    async fn write(
        &mut self,
        batch: &[Arc<Event>],
        report: &DeliveryReport,
    ) -> Result<(), SinkError> {
        if let Some(error) = self
            .failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
        {
            return Err(SinkError::new(&self.name, error));
        }
        if self.jobs.is_none() {
            let (out, flush_each_batch) = self.out.take().ok_or_else(|| self.stopped())?;
            let (jobs, receiver) = mpsc::channel(QUEUED_BUFFERS);
            let report = report.clone();
            let failure = Arc::clone(&self.failure);
            let thread = std::thread::Builder::new()
                .name("feedhandler-output".into())
                .spawn(move || write_jobs(out, flush_each_batch, receiver, report, failure))
                .map_err(|error| SinkError::new(&self.name, error.to_string()))?;
            self.jobs = Some(jobs);
            self.thread = Some(thread);
        }
        let mut lines = Vec::with_capacity(batch.len() * 192);
        for event in batch {
            event.write_json_line(&mut lines);
        }
        let jobs = self.jobs.as_ref().ok_or_else(|| self.stopped())?;
        jobs.send(Job::Lines(lines, batch.len() as u64))
            .await
            .map_err(|_| self.stopped())
    }

    async fn flush(&mut self, _report: &DeliveryReport) -> Result<(), SinkError> {
        let Some(jobs) = self.jobs.take() else {
            return Ok(()); // nothing was ever written
        };
        let (answer, flushed) = oneshot::channel();
        jobs.send(Job::Flush(answer))
            .await
            .map_err(|_| self.stopped())?;
        drop(jobs);
        let result = flushed.await.map_err(|_| self.stopped())?;
        if let Some(thread) = self.thread.take() {
            // The queue is closed: the thread ends at once.
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
        result.map_err(|error| SinkError::new(&self.name, error.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;
    use std::time::{Duration, Instant};

    use rust_decimal::Decimal;

    use super::super::{SinkOptions, Sinks};
    use super::*;
    use crate::{Side, Symbol, Trade, TradeId};

    fn trade(id: u64) -> Event {
        Event::Trade(Trade {
            exchange: "BINANCE".into(),
            symbol: Symbol::parse("BTC-USDT").unwrap(),
            side: Side::Buy,
            amount: Decimal::ONE,
            price: Decimal::from_str("37000.1").unwrap(),
            id: Some(TradeId::Number(id)),
            timestamp: Decimal::ONE,
            receipt_timestamp: Decimal::TWO,
        })
    }

    /// A writer that takes 100 ms per write and keeps what it got.
    struct SlowWriter(Arc<Mutex<Vec<u8>>>);

    impl Write for SlowWriter {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            std::thread::sleep(Duration::from_millis(100));
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// The I/O happens on the writer's thread: handing over 20 events takes no time even
    /// though writing them takes seconds, and every line is there once flushed.
    #[tokio::test(flavor = "current_thread")]
    async fn writing_never_blocks_the_caller() {
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = JsonLinesSink::to_writer("slow", Box::new(SlowWriter(Arc::clone(&got))), true);
        let options = SinkOptions {
            batch_events: 1,
            ..SinkOptions::default()
        };
        let sinks = Sinks::start(vec![(Box::new(sink), options)]).await.unwrap();
        let started = Instant::now();
        for id in 1..=20 {
            sinks.deliver(trade(id)).await;
        }
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "took {:?}",
            started.elapsed()
        );
        let reports = sinks.finish(Duration::from_secs(10)).await;
        assert_eq!(
            (reports[0].accepted, reports[0].delivered, reports[0].lost()),
            (20, 20, 0)
        );
        let text = String::from_utf8(got.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 20);
        assert!(text.lines().last().unwrap().contains(r#""id":"20""#));
    }

    struct BrokenPipe;

    impl Write for BrokenPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_write_error_fails_its_events_and_is_reported() {
        let sink = JsonLinesSink::to_writer("broken", Box::new(BrokenPipe), false);
        let sinks = Sinks::start(vec![(Box::new(sink), SinkOptions::default())])
            .await
            .unwrap();
        sinks.deliver(trade(1)).await;
        sinks.deliver(trade(2)).await;
        let reports = sinks.finish(Duration::from_secs(5)).await;
        assert_eq!((reports[0].delivered, reports[0].failed), (0, 2));
        assert!(reports[0].error.as_deref().unwrap().contains("closed"));
    }

    /// A sink slower than the flush timeout: what it could not write counts as failed.
    #[tokio::test(flavor = "current_thread")]
    async fn what_is_not_flushed_in_time_is_counted_lost() {
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = JsonLinesSink::to_writer("slow", Box::new(SlowWriter(Arc::clone(&got))), true);
        let options = SinkOptions {
            batch_events: 1,
            ..SinkOptions::default()
        };
        let sinks = Sinks::start(vec![(Box::new(sink), options)]).await.unwrap();
        for id in 1..=30 {
            sinks.deliver(trade(id)).await;
        }
        let reports = sinks.finish(Duration::from_millis(350)).await;
        let report = &reports[0];
        assert_eq!(report.accepted, 30);
        assert!(
            report.delivered < 30 && report.delivered + report.failed == 30,
            "{report:?}"
        );
        assert!(report.error.as_deref().unwrap().contains("not flushed"));
    }
}
