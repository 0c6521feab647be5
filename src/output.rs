//! Where trades go: JSON lines on stdout or appended to a file, with an optional exact limit
//! on how many are written.

use std::fs::OpenOptions;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::sync::Mutex;

use feed_core::Trade;

/// What happened to one trade handed to the writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Written; more may follow.
    Yes,
    /// Written, and it was the last one the limit allows.
    Last,
    /// Not written: the limit was already reached.
    OverLimit,
}

struct State {
    out: Box<dyn Write + Send>,
    line: Vec<u8>,
    written: u64,
    limit: Option<u64>,
    flush_each_line: bool,
}

/// Writes trades as JSON lines (the format of `feedhandler run` and `replay`). Shared by
/// every feed's callback; the lock makes the limit exact across feeds.
pub struct TradeWriter {
    state: Mutex<State>,
}

impl TradeWriter {
    /// To stdout; each line is flushed at once when stdout is a terminal.
    #[must_use]
    pub fn stdout(limit: Option<u64>) -> Self {
        let terminal = io::stdout().is_terminal();
        Self::new(
            Box::new(BufWriter::with_capacity(1 << 16, io::stdout())),
            limit,
            terminal,
        )
    }

    /// Appending to `path` (created if missing).
    ///
    /// # Errors
    /// When the file cannot be opened for appending.
    pub fn append_to(path: &Path, limit: Option<u64>) -> io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Self::new(
            Box::new(BufWriter::with_capacity(1 << 16, file)),
            limit,
            false,
        ))
    }

    /// To any writer.
    #[must_use]
    pub fn new(out: Box<dyn Write + Send>, limit: Option<u64>, flush_each_line: bool) -> Self {
        TradeWriter {
            state: Mutex::new(State {
                out,
                line: Vec::with_capacity(256),
                written: 0,
                limit,
                flush_each_line,
            }),
        }
    }

    /// Writes one trade unless the limit is reached.
    ///
    /// # Errors
    /// When writing fails (a closed pipe, a full disk).
    pub fn write(&self, trade: &Trade) -> io::Result<Written> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if state.limit.is_some_and(|limit| state.written >= limit) {
            return Ok(Written::OverLimit);
        }
        let State { out, line, .. } = &mut *state;
        line.clear();
        trade.write_json_line(line);
        out.write_all(line)?;
        if state.flush_each_line {
            state.out.flush()?;
        }
        state.written += 1;
        Ok(if state.limit == Some(state.written) {
            Written::Last
        } else {
            Written::Yes
        })
    }

    /// How many trades were written.
    #[must_use]
    pub fn written(&self) -> u64 {
        self.state.lock().map_or(0, |state| state.written)
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
