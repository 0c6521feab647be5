//! `feedhandler replay --exchange ID --markets FILE [--input FILE]`: recorded frames through
//! the live parser, trades out as JSON lines.

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use feed_ccxt::CcxtFeed;
use feed_core::runtime::FrameError;
use feed_core::types::now_seconds;

use crate::cli::exit;

/// How many characters of a bad frame an error message shows.
const SHOWN_FRAME_CHARS: usize = 120;

/// Runs the replay; returns the exit code: 0 when every frame parsed, 1 when any frame could
/// not be parsed, 2 for unusable arguments or files.
pub fn run(exchange: &str, markets: &Path, input: Option<&Path>) -> i32 {
    let markets_body = match std::fs::read_to_string(markets) {
        Ok(body) => body,
        Err(error) => {
            say!("error: --markets {}: {error}", markets.display());
            return exit::USAGE;
        }
    };
    let feed = match CcxtFeed::replay(exchange, &markets_body) {
        Ok(feed) => feed,
        Err(error) => {
            say!("error: {error}");
            return exit::USAGE;
        }
    };
    let reader: Box<dyn BufRead> = match input {
        None => Box::new(io::stdin().lock()),
        Some(path) => match std::fs::File::open(path) {
            Ok(file) => Box::new(BufReader::with_capacity(1 << 16, file)),
            Err(error) => {
                say!("error: --input {}: {error}", path.display());
                return exit::USAGE;
            }
        },
    };
    match replay(
        &feed,
        reader,
        &mut BufWriter::with_capacity(1 << 16, io::stdout().lock()),
    ) {
        Ok(counts) => {
            say!(
                "replay: {} frames, {} trades, {} malformed, {} exchange errors",
                counts.frames,
                counts.trades,
                counts.malformed,
                counts.exchange_errors
            );
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
    /// Frames that did not parse.
    pub malformed: u64,
    /// Error frames the exchange had sent.
    pub exchange_errors: u64,
}

/// Parses every line of `input` as a frame and writes the trades to `output`; problems go to
/// stderr with their line number.
///
/// # Errors
/// Reading the input or writing the output failed.
pub fn replay(
    feed: &CcxtFeed,
    mut input: impl BufRead,
    output: &mut impl Write,
) -> io::Result<ReplayCounts> {
    let mut counts = ReplayCounts::default();
    let mut trades = Vec::with_capacity(16);
    let mut raw = Vec::with_capacity(512);
    let mut json = Vec::with_capacity(256);
    let mut line_number = 0_u64;
    loop {
        raw.clear();
        if input.read_until(b'\n', &mut raw)? == 0 {
            break;
        }
        line_number += 1;
        let Ok(text) = std::str::from_utf8(&raw) else {
            counts.frames += 1;
            counts.malformed += 1;
            say!("line {line_number}: not UTF-8 text");
            continue;
        };
        let frame = text.trim_end_matches(['\n', '\r']);
        if frame.trim().is_empty() {
            continue;
        }
        counts.frames += 1;
        trades.clear();
        match feed.parse(frame, now_seconds(), &mut trades) {
            Ok(_) => {}
            Err(FrameError::Malformed(reason)) => {
                counts.malformed += 1;
                say!("line {line_number}: {reason}: {}", shown(frame));
            }
            Err(FrameError::Exchange(message)) => {
                counts.exchange_errors += 1;
                say!("line {line_number}: the exchange reported an error: {message}");
            }
        }
        for trade in &trades {
            json.clear();
            trade.write_json_line(&mut json);
            output.write_all(&json)?;
            counts.trades += 1;
        }
    }
    output.flush()?;
    Ok(counts)
}

fn shown(frame: &str) -> String {
    let mut shown: String = frame.chars().take(SHOWN_FRAME_CHARS).collect();
    if shown.len() < frame.len() {
        shown.push('…');
    }
    shown
}
