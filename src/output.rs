//! Where events go: JSON lines on stdout or appended to a file, written by a thread of their
//! own so that no tokio worker ever blocks on I/O, with an optional exact limit on how many
//! trades are written.
//!
//! A callback counts the event (a lock held for counting only), serializes it, and hands
//! the line to the writer thread through a bounded queue: when the output is slower than
//! the feeds, the queue fills and the callback waits (asynchronously) for room, so
//! backpressure reaches the sockets as before and memory stays bounded. The first write
//! error stops the writing and is reported.

use std::fs::OpenOptions;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use feed_core::{Event, EventKind};
use tokio::sync::mpsc;

/// Lines queued for the writer thread at most.
pub const QUEUED_LINES: usize = 4096;

/// What happened to one event handed to the writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Queued for writing; more may follow.
    Yes,
    /// Queued, and it was the last trade the limit allows.
    Last,
    /// Not written: the limit was already reached (or it is a lifecycle event, which output
    /// files do not record).
    Skipped,
}

#[derive(Debug, Default)]
struct Counts {
    lines: u64,
    trades: u64,
}

/// What the writer thread receives.
enum Queued {
    /// A line to write.
    Line(Vec<u8>),
    /// Everything before this is written: flush and stop.
    End,
}

/// The writer thread's outcome.
#[derive(Debug, Default)]
struct Outcome {
    error: Option<io::Error>,
}

/// Writes data events (trades, books, gaps) as JSON lines, the format of `feedhandler run`
/// and `replay`. Cheap to clone; shared by every feed's callback; the count makes the trade
/// limit exact across feeds. Once the limit is reached nothing more is written.
#[derive(Clone)]
pub struct EventWriter {
    queue: mpsc::Sender<Queued>,
    counts: Arc<Mutex<Counts>>,
    trade_limit: Option<u64>,
    outcome: Arc<Mutex<Outcome>>,
    thread: Arc<Mutex<Option<std::thread::JoinHandle<()>>>>,
}

impl EventWriter {
    /// To stdout; each line is flushed at once when stdout is a terminal.
    ///
    /// # Errors
    /// When the writer thread cannot be started.
    pub fn stdout(trade_limit: Option<u64>) -> io::Result<Self> {
        let terminal = io::stdout().is_terminal();
        Self::new(
            Box::new(BufWriter::with_capacity(1 << 16, io::stdout())),
            trade_limit,
            terminal,
        )
    }

    /// Appending to `path` (created if missing).
    ///
    /// # Errors
    /// When the file cannot be opened for appending, or the thread started.
    pub fn append_to(path: &Path, trade_limit: Option<u64>) -> io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Self::new(
            Box::new(BufWriter::with_capacity(1 << 16, file)),
            trade_limit,
            false,
        )
    }

    /// To any writer, from a thread of its own.
    ///
    /// # Errors
    /// When the thread cannot be started.
    pub fn new(
        mut out: Box<dyn Write + Send>,
        trade_limit: Option<u64>,
        flush_each_line: bool,
    ) -> io::Result<Self> {
        let (queue, mut lines) = mpsc::channel::<Queued>(QUEUED_LINES);
        let outcome = Arc::new(Mutex::new(Outcome::default()));
        let record = Arc::clone(&outcome);
        let thread = std::thread::Builder::new()
            .name("feedhandler-output".into())
            .spawn(move || {
                let mut error = None;
                while let Some(Queued::Line(line)) = lines.blocking_recv() {
                    if error.is_some() {
                        continue; // drain: the feeds learn of the error from `failed`
                    }
                    let result = out.write_all(&line).and_then(|()| {
                        if flush_each_line {
                            out.flush()
                        } else {
                            Ok(())
                        }
                    });
                    if let Err(failure) = result {
                        error = Some(failure);
                    }
                }
                if error.is_none() {
                    error = out.flush().err();
                }
                if let Ok(mut outcome) = record.lock() {
                    *outcome = Outcome { error };
                }
            })?;
        Ok(EventWriter {
            queue,
            counts: Arc::new(Mutex::new(Counts::default())),
            trade_limit,
            outcome,
            thread: Arc::new(Mutex::new(Some(thread))),
        })
    }

    /// Counts the event and queues its line, waiting for room when the queue is full.
    /// Lifecycle events and events after the trade limit are skipped.
    ///
    /// # Errors
    /// When the writer thread has stopped (it failed to write).
    pub async fn write(&self, event: &Event) -> io::Result<Written> {
        let kind = event.kind();
        if !kind.is_data() {
            return Ok(Written::Skipped);
        }
        let written = {
            let mut counts = self
                .counts
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if self.trade_limit.is_some_and(|limit| counts.trades >= limit) {
                return Ok(Written::Skipped);
            }
            counts.lines += 1;
            if kind == EventKind::Trade {
                counts.trades += 1;
                if self.trade_limit == Some(counts.trades) {
                    Written::Last
                } else {
                    Written::Yes
                }
            } else {
                Written::Yes
            }
        };
        let mut line = Vec::with_capacity(256);
        event.write_json_line(&mut line);
        self.queue.send(Queued::Line(line)).await.map_err(|_| {
            self.failure()
                .unwrap_or_else(|| io::Error::other("the output writer stopped"))
        })?;
        Ok(written)
    }

    fn failure(&self) -> Option<io::Error> {
        let outcome = self.outcome.lock().ok()?;
        outcome
            .error
            .as_ref()
            .map(|error| io::Error::new(error.kind(), error.to_string()))
    }

    /// How many lines were handed to the writer.
    #[must_use]
    pub fn written(&self) -> u64 {
        self.counts.lock().map_or(0, |counts| counts.lines)
    }

    /// How many trades were handed to the writer.
    #[must_use]
    pub fn trades(&self) -> u64 {
        self.counts.lock().map_or(0, |counts| counts.trades)
    }

    /// Waits until every line queued so far is written and flushed, and stops the writer
    /// (call it after the run: later writes fail). Blocks: call it off the runtime.
    ///
    /// # Errors
    /// The first write error.
    pub fn finish(self) -> io::Result<()> {
        let EventWriter {
            queue,
            thread,
            outcome,
            ..
        } = self;
        let _ = queue.blocking_send(Queued::End);
        let handle = thread.lock().ok().and_then(|mut slot| slot.take());
        if let Some(handle) = handle {
            if handle.join().is_err() {
                return Err(io::Error::other("the output writer panicked"));
            }
        }
        let mut outcome = outcome
            .lock()
            .map_err(|_| io::Error::other("the output writer panicked"))?;
        match outcome.error.take() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use std::time::{Duration, Instant};

    use feed_core::{Side, Symbol, Trade, TradeId};
    use rust_decimal::Decimal;

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

    /// The I/O happens on the writer's thread: queuing 20 events takes no time even though
    /// writing them takes two seconds, and every line is there once the writer finished.
    #[tokio::test(flavor = "current_thread")]
    async fn writing_never_blocks_the_caller() {
        let got = Arc::new(Mutex::new(Vec::new()));
        let writer =
            EventWriter::new(Box::new(SlowWriter(Arc::clone(&got))), Some(20), true).unwrap();
        let started = Instant::now();
        let mut outcomes = Vec::new();
        for id in 1..=21 {
            outcomes.push(writer.write(&trade(id)).await.unwrap());
        }
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(outcomes[18], Written::Yes);
        assert_eq!(outcomes[19], Written::Last, "exactly the limit");
        assert_eq!(outcomes[20], Written::Skipped);
        assert_eq!(writer.trades(), 20);
        tokio::task::spawn_blocking(move || writer.finish())
            .await
            .unwrap()
            .unwrap();
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
    async fn a_write_error_is_reported() {
        let writer = EventWriter::new(Box::new(BrokenPipe), None, false).unwrap();
        writer.write(&trade(1)).await.unwrap();
        let error = tokio::task::spawn_blocking(move || writer.finish())
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
    }
}
