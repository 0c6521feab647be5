//! Replaying recordings through an exchange's live session, offline.
//!
//! A recording is a text file, one item per line:
//!
//! - a WebSocket text frame, as received;
//! - `BINARY <base64>`: a binary frame (compressed or protobuf venues);
//! - `REST <url> <body>`: the body of a REST response the session asked for, such as a
//!   book snapshot: `REST https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=1000 {"lastUpdateId":...}`.
//!   It is matched to the session's request by path and query (the host may differ). A
//!   response recorded before the session asked for it is kept and answers the request when
//!   it comes; one recorded after it answers it on arrival, so a recorder writes responses
//!   where it received them and the replay joins books exactly as the live feed did;
//! - empty lines, which are skipped.
//!
//! Frames go through [`CcxtSession`] exactly as live: acknowledgements, books (sequence
//! checks, snapshot joins, checksums), gaps. Requests the session makes that no `REST`
//! line answers leave that symbol's book unsynced, and the replay says so at the end.

use std::collections::HashMap;

use base64::Engine as _;
use bytes::Bytes;
use feed_ccxt::CcxtSession;
use feed_core::runtime::{Action, FeedSession, Frame, FrameError, SessionOutput};
use feed_core::types::now_seconds;
use feed_core::Event;

/// What one line did.
#[derive(Debug)]
pub enum LineOutcome {
    /// An empty line.
    Skipped,
    /// A frame or a REST body, handled.
    Handled,
    /// A frame that was not the documented shape.
    Malformed(String),
    /// An error frame from the exchange.
    ExchangeError(String),
    /// A line that is not a frame, `BINARY` or `REST` line.
    Unreadable(String),
}

/// A session fed from a recording.
pub struct ReplaySession {
    session: CcxtSession,
    out: SessionOutput,
    /// Requests asked for and not answered: path+query -> request id.
    waiting: HashMap<String, u64>,
    /// REST bodies recorded before they were asked for.
    recorded: HashMap<String, Bytes>,
}

/// The path and query of a URL (the key REST lines are matched by).
fn path_and_query(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(url) => match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        },
        Err(_) => url.to_owned(),
    }
}

impl ReplaySession {
    /// Replays into `session` (a feed's session over every market).
    #[must_use]
    pub fn new(session: CcxtSession) -> Self {
        ReplaySession {
            session,
            out: SessionOutput::default(),
            waiting: HashMap::new(),
            recorded: HashMap::new(),
        }
    }

    /// The session (books, plan).
    #[must_use]
    pub fn session(&self) -> &CcxtSession {
        &self.session
    }

    /// Handles one line; `each` sees every event it produced, in order.
    pub fn line(&mut self, line: &str, mut each: impl FnMut(&Event)) -> LineOutcome {
        let receipt = now_seconds();
        let outcome = if line.trim().is_empty() {
            return LineOutcome::Skipped;
        } else if let Some(rest) = line.strip_prefix("REST ") {
            match rest.split_once(' ') {
                Some((url, body)) => {
                    self.answer(
                        path_and_query(url),
                        Bytes::copy_from_slice(body.as_bytes()),
                        receipt,
                    );
                    Ok(())
                }
                None => {
                    return LineOutcome::Unreadable("a REST line needs a URL and a body".into())
                }
            }
        } else if let Some(encoded) = line.strip_prefix("BINARY ") {
            match base64::engine::general_purpose::STANDARD.decode(encoded.trim()) {
                Ok(bytes) => self
                    .session
                    .frame(Frame::Binary(&bytes), receipt, &mut self.out),
                Err(error) => {
                    return LineOutcome::Unreadable(format!("BINARY line is not base64: {error}"))
                }
            }
        } else {
            self.session
                .frame(Frame::Text(line), receipt, &mut self.out)
        };
        match outcome {
            Ok(()) => {
                self.serve_requests(receipt);
                self.out.events.iter().for_each(&mut each);
                self.out.events.clear();
                LineOutcome::Handled
            }
            Err(error) => {
                self.out.clear();
                match error {
                    FrameError::Malformed(reason) => LineOutcome::Malformed(reason),
                    FrameError::Exchange(message) => LineOutcome::ExchangeError(message),
                }
            }
        }
    }

    fn answer(&mut self, key: String, body: Bytes, receipt: rust_decimal::Decimal) {
        match self.waiting.remove(&key) {
            Some(id) => self.session.response(id, Ok(body), receipt, &mut self.out),
            None => {
                self.recorded.insert(key, body);
            }
        }
    }

    /// Serves the session's requests from recorded bodies (answers may bring more requests;
    /// their events join the output).
    fn serve_requests(&mut self, receipt: rust_decimal::Decimal) {
        while !self.out.actions.is_empty() {
            let actions: Vec<Action> = self.out.actions.drain(..).collect();
            for action in actions {
                if let Action::Request(request) = action {
                    let key = path_and_query(&request.url);
                    match self.recorded.remove(&key) {
                        Some(body) => {
                            self.session
                                .response(request.id, Ok(body), receipt, &mut self.out);
                        }
                        None => {
                            self.waiting.insert(key, request.id);
                        }
                    }
                }
            }
        }
    }

    /// Requests no `REST` line answered (path and query).
    #[must_use]
    pub fn unanswered(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.waiting.keys().cloned().collect();
        keys.sort();
        keys
    }
}
