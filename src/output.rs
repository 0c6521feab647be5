//! Where events go: JSON lines on stdout or appended to a file, with an optional exact limit
//! on how many trades are written.

use std::fs::OpenOptions;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::sync::Mutex;

use feed_core::{Event, EventKind};

/// What happened to one event handed to the writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Written; more may follow.
    Yes,
    /// Written, and it was the last trade the limit allows.
    Last,
    /// Not written: the limit was already reached (or it is a lifecycle event, which output
    /// files do not record).
    Skipped,
}

struct State {
    out: Box<dyn Write + Send>,
    line: Vec<u8>,
    written: u64,
    trades: u64,
    trade_limit: Option<u64>,
    flush_each_line: bool,
}

/// Writes data events (trades, books, gaps) as JSON lines, the format of `feedhandler run`
/// and `replay`. Shared by every feed's callback; the lock makes the limit exact across
/// feeds. Once the trade limit is reached nothing more is written.
pub struct EventWriter {
    state: Mutex<State>,
}

impl EventWriter {
    /// To stdout; each line is flushed at once when stdout is a terminal.
    #[must_use]
    pub fn stdout(trade_limit: Option<u64>) -> Self {
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
    /// When the file cannot be opened for appending.
    pub fn append_to(path: &Path, trade_limit: Option<u64>) -> io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Self::new(
            Box::new(BufWriter::with_capacity(1 << 16, file)),
            trade_limit,
            false,
        ))
    }

    /// To any writer.
    #[must_use]
    pub fn new(
        out: Box<dyn Write + Send>,
        trade_limit: Option<u64>,
        flush_each_line: bool,
    ) -> Self {
        EventWriter {
            state: Mutex::new(State {
                out,
                line: Vec::with_capacity(256),
                written: 0,
                trades: 0,
                trade_limit,
                flush_each_line,
            }),
        }
    }

    /// Writes one data event unless the trade limit is reached.
    ///
    /// # Errors
    /// When writing fails (a closed pipe, a full disk).
    pub fn write(&self, event: &Event) -> io::Result<Written> {
        let kind = event.kind();
        if !kind.is_data() {
            return Ok(Written::Skipped);
        }
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if state.trade_limit.is_some_and(|limit| state.trades >= limit) {
            return Ok(Written::Skipped);
        }
        let State { out, line, .. } = &mut *state;
        line.clear();
        event.write_json_line(line);
        out.write_all(line)?;
        if state.flush_each_line {
            state.out.flush()?;
        }
        state.written += 1;
        if kind == EventKind::Trade {
            state.trades += 1;
            if state.trade_limit == Some(state.trades) {
                return Ok(Written::Last);
            }
        }
        Ok(Written::Yes)
    }

    /// How many lines were written.
    #[must_use]
    pub fn written(&self) -> u64 {
        self.state.lock().map_or(0, |state| state.written)
    }

    /// How many trades were written.
    #[must_use]
    pub fn trades(&self) -> u64 {
        self.state.lock().map_or(0, |state| state.trades)
    }

    /// Flushes buffered lines.
    ///
    /// # Errors
    /// When the underlying writer fails.
    pub fn flush(&self) -> io::Result<()> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .out
            .flush()
    }
}
