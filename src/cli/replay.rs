//! `feedhandler replay --exchange ID --markets FILE [--input FILE] [--channels LIST]
//! [--book-depth N]`: a recording through the exchange's live session (see
//! [`crate::replay`] for the recording format), events out as JSON lines.

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use feed_ccxt::CcxtFeed;
use feed_core::types::LineHeads;
use feed_core::{Channel, EventKind};

use crate::cli::exit;
use crate::replay::{LineOutcome, ReplaySession};

/// How many characters of a bad frame an error message shows.
const SHOWN_FRAME_CHARS: usize = 120;

/// What to replay.
#[derive(Debug, Clone)]
pub struct ReplayOptions<'a> {
    /// The exchange id.
    pub exchange: &'a str,
    /// The market list body's file.
    pub markets: &'a Path,
    /// The recording (stdin when `None`).
    pub input: Option<&'a Path>,
    /// Only these channels (every channel the adapter has when empty).
    pub channels: Vec<Channel>,
    /// Book levels per side.
    pub book_depth: Option<usize>,
    /// The depth the recording's fixed-depth book streams were subscribed with.
    pub stream_depth: Option<usize>,
}

/// Runs the replay; returns the exit code: 0 when every frame parsed, 1 when any frame could
/// not be parsed, 2 for unusable arguments or files.
pub fn run(options: &ReplayOptions<'_>) -> i32 {
    let markets_body = match std::fs::read_to_string(options.markets) {
        Ok(body) => body,
        Err(error) => {
            say!("error: --markets {}: {error}", options.markets.display());
            return exit::USAGE;
        }
    };
    let feed = CcxtFeed::replay(options.exchange, &markets_body).and_then(|feed| {
        let mut feed =
            feed.with_book_depth(options.book_depth.unwrap_or(feed_ccxt::DEFAULT_BOOK_DEPTH));
        if let Some(depth) = options.stream_depth {
            feed = feed.with_stream_depth(depth);
        }
        if options.channels.is_empty() {
            Ok(feed)
        } else {
            feed.with_channels(options.channels.clone())
        }
    });
    let session = match feed.and_then(|feed| feed.new_session()) {
        Ok(session) => session,
        Err(error) => {
            say!("error: {error}");
            return exit::USAGE;
        }
    };
    let reader: Box<dyn BufRead> = match options.input {
        None => Box::new(BufReader::with_capacity(1 << 20, io::stdin().lock())),
        Some(path) => match std::fs::File::open(path) {
            Ok(file) => Box::new(BufReader::with_capacity(1 << 20, file)),
            Err(error) => {
                say!("error: --input {}: {error}", path.display());
                return exit::USAGE;
            }
        },
    };
    let mut replay_session = ReplaySession::new(session);
    match replay(
        &mut replay_session,
        reader,
        &mut BufWriter::with_capacity(1 << 16, io::stdout().lock()),
    ) {
        Ok(counts) => {
            say!(
                "replay: {} frames, {} trades, {} malformed, {} exchange errors, {} books, {} gaps",
                counts.frames,
                counts.trades,
                counts.malformed,
                counts.exchange_errors,
                counts.books,
                counts.gaps
            );
            for request in replay_session.unanswered() {
                say!("replay: no REST line answered the request for {request}: that book never synced");
            }
            if counts.malformed > 0 {
                exit::FAILURE
            } else {
                exit::OK
            }
        }
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => exit::OK,
        Err(error) => {
            say!("error: {error}");
            exit::FAILURE
        }
    }
}

/// What a replay saw.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReplayCounts {
    /// Non-empty input lines.
    pub frames: u64,
    /// Trades written.
    pub trades: u64,
    /// Book updates written.
    pub books: u64,
    /// Gaps written.
    pub gaps: u64,
    /// Lines that did not parse.
    pub malformed: u64,
    /// Error frames the exchange had sent.
    pub exchange_errors: u64,
}

/// Output is gathered in a buffer of this size before it is written (one write per many
/// lines instead of a copy into a writer per line).
const OUTPUT_CHUNK: usize = 1 << 16;

/// Feeds every line of `input` to the session and writes the data events to `output`;
/// problems go to stderr with their line number.
///
/// Lines are read in place from `input`'s buffer (a copy only for a line that straddles
/// the end of it), and JSON lines are written in chunks of [`OUTPUT_CHUNK`] bytes.
///
/// # Errors
/// Reading the input or writing the output failed.
pub fn replay(
    session: &mut ReplaySession,
    mut input: impl BufRead,
    output: &mut impl Write,
) -> io::Result<ReplayCounts> {
    let mut counts = ReplayCounts::default();
    let mut straddling = Vec::with_capacity(512);
    let mut json = Vec::with_capacity(OUTPUT_CHUNK + 4096);
    let mut heads = LineHeads::new();
    let mut line_number = 0_u64;
    loop {
        let buffered = input.fill_buf()?;
        if buffered.is_empty() {
            break;
        }
        let (line, used) = match memchr::memchr(b'\n', buffered) {
            Some(end) => (&buffered[..=end], end + 1),
            None => {
                // The line goes on past the buffer: gather it.
                straddling.clear();
                input.read_until(b'\n', &mut straddling)?;
                (&straddling[..], 0)
            }
        };
        line_number += 1;
        one_line(
            session,
            line,
            line_number,
            &mut counts,
            &mut heads,
            &mut json,
        );
        if used > 0 {
            input.consume(used);
        }
        if json.len() >= OUTPUT_CHUNK {
            output.write_all(&json)?;
            json.clear();
        }
    }
    output.write_all(&json)?;
    output.flush()?;
    Ok(counts)
}

/// One line of the recording: its events appended to `json`, its problems said.
fn one_line(
    session: &mut ReplaySession,
    raw: &[u8],
    line_number: u64,
    counts: &mut ReplayCounts,
    heads: &mut LineHeads,
    json: &mut Vec<u8>,
) {
    // The check vectorized (the same answer as `std::str::from_utf8`).
    let Ok(text) = simdutf8::basic::from_utf8(raw) else {
        counts.frames += 1;
        counts.malformed += 1;
        say!("line {line_number}: not UTF-8 text");
        return;
    };
    let frame = text.trim_end_matches(['\n', '\r']);
    let outcome = session.line(frame, |event| {
        match event.kind() {
            EventKind::Trade => counts.trades += 1,
            EventKind::Book => counts.books += 1,
            EventKind::Gap => counts.gaps += 1,
            _ => return,
        }
        event.write_json_line_with(heads, json);
    });
    match outcome {
        LineOutcome::Skipped => return,
        LineOutcome::Handled => {}
        LineOutcome::Malformed(reason) => {
            counts.malformed += 1;
            say!("line {line_number}: {reason}: {}", shown(frame));
        }
        LineOutcome::Unreadable(reason) => {
            counts.malformed += 1;
            say!("line {line_number}: {reason}");
        }
        LineOutcome::ExchangeError(message) => {
            counts.exchange_errors += 1;
            say!("line {line_number}: the exchange reported an error: {message}");
        }
    }
    counts.frames += 1;
}

fn shown(frame: &str) -> String {
    let mut shown: String = frame.chars().take(SHOWN_FRAME_CHARS).collect();
    if shown.len() < frame.len() {
        shown.push('…');
    }
    shown
}
