//! [`BookStandIn`]: a loopback exchange that keeps a [`TrueBook`] per symbol, streams its
//! updates in a venue's wire format ([`BookWire`]), serves REST snapshots of its current
//! state, injects faults, and records the true book after every update so that a test can
//! check every book the client delivered against it.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use super::true_book::{Change, TrueBook, View};
use crate::certs::TestCertificate;
use crate::http_server::{start_dynamic_http_server, CannedResponse};
use crate::listener::LoopbackServer;
use crate::ws_server::{start_ws_server, ServerSocket};

/// What the stand-in does to one update (by its index in the symbol's stream, from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The book changes but the frame is never sent: the client must see a gap.
    Skip,
    /// The frame is sent with a wrong checksum.
    CorruptChecksum,
    /// After this update, a fresh snapshot frame is sent on the stream.
    Resnapshot,
    /// The update ids restart from a lower number (OKX's documented sequence reset).
    SequenceReset,
}

/// One update of a symbol's book, as the wire encodes it.
#[derive(Debug, Clone)]
pub struct Update {
    /// The first update id it covers.
    pub first_id: u64,
    /// The last update id it covers (its sequence number).
    pub last_id: u64,
    /// The last id of the update before it.
    pub prev_id: u64,
    /// Every level change.
    pub changes: Vec<Change>,
    /// The changes of the stream's fixed-depth view (`BookWire::stream_depth`).
    pub view_changes: Vec<Change>,
    /// Milliseconds since the epoch, unique per update.
    pub timestamp_ms: i64,
    /// The wire must send a wrong checksum.
    pub corrupt_checksum: bool,
}

/// What the stand-in answers to a client message.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    /// Frames to send at once (acks, errors).
    pub frames: Vec<String>,
    /// Exchange symbols whose book stream starts (or restarts with a snapshot).
    pub subscribe: Vec<String>,
}

/// A venue's book wire format.
pub trait BookWire: Send + Sync + 'static {
    /// Levels per side of the stream's view, for venues whose stream keeps a fixed depth;
    /// `None` for full diff streams.
    fn stream_depth(&self) -> Option<usize> {
        None
    }
    /// The answer to a client text message.
    fn on_message(&self, message: &str) -> Reply;
    /// The frame of one update.
    fn update_frame(&self, symbol: &str, update: &Update, book: &TrueBook) -> String;
    /// The frames of one update, for venues that send an update as several messages
    /// (Bitfinex: one per level, then a checksum); by default the one
    /// [`BookWire::update_frame`].
    fn update_frames(&self, symbol: &str, update: &Update, book: &TrueBook) -> Vec<String> {
        vec![self.update_frame(symbol, update, book)]
    }
    /// A snapshot frame on the stream (venues whose snapshot comes from the stream).
    fn snapshot_frame(
        &self,
        _symbol: &str,
        _book: &TrueBook,
        _last_id: u64,
        _timestamp_ms: i64,
    ) -> Option<String> {
        None
    }
    /// The symbol whose REST snapshot `target` (path and query) asks for, if it is one.
    fn snapshot_request(&self, _target: &str) -> Option<String> {
        None
    }
    /// The REST snapshot body.
    fn snapshot_body(&self, _symbol: &str, _book: &TrueBook, _last_id: u64) -> String {
        String::new()
    }
    /// The REST market list: its path and body.
    fn markets(&self) -> (String, String);
    /// The answer to any other REST request (KuCoin's connect token), asked before the
    /// market list and the snapshots; `None` (the default) for none.
    fn rest_answer(&self, _target: &str) -> Option<String> {
        None
    }
    /// The bytes of a binary frame carrying `frame`, for venues that send every frame
    /// binary (HTX: gzip); `None` (the default) sends it as text.
    fn binary_frame(&self, _frame: &str) -> Option<Vec<u8>> {
        None
    }
}

/// `frame` as the wire sends it: text, or binary when the wire encodes frames.
fn wire_message(wire: &dyn BookWire, frame: String) -> Message {
    match wire.binary_frame(&frame) {
        Some(bytes) => Message::binary(bytes),
        None => Message::text(frame),
    }
}

/// How the stand-in streams.
#[derive(Debug, Clone)]
pub struct StreamScript {
    /// Updates per symbol after subscribing.
    pub updates: usize,
    /// Faults by update index.
    pub faults: Vec<(usize, Fault)>,
    /// Pause between updates.
    pub interval: Duration,
    /// Levels per side of the true book.
    pub levels: usize,
    /// Seed of the random walk.
    pub seed: u64,
    /// The first update id.
    pub first_id: u64,
}

impl Default for StreamScript {
    fn default() -> Self {
        StreamScript {
            updates: 300,
            faults: Vec::new(),
            interval: Duration::from_millis(2),
            levels: 40,
            seed: 1,
            first_id: 1000,
        }
    }
}

/// The true book of a symbol after an update (or a snapshot), keyed by the update's last
/// id and its timestamp.
#[derive(Debug, Clone)]
pub struct Truth {
    /// The exchange symbol.
    pub symbol: String,
    /// The last update id applied.
    pub last_id: u64,
    /// The update's timestamp (ms).
    pub timestamp_ms: i64,
    /// The best 50 levels per side.
    pub view: View,
}

struct SymbolState {
    book: TrueBook,
    last_id: u64,
    index: usize,
}

struct Shared {
    wire: Arc<dyn BookWire>,
    script: StreamScript,
    symbols: Mutex<HashMap<String, SymbolState>>,
    truth: Mutex<Vec<Truth>>,
    clock: Mutex<i64>,
    received: Mutex<Vec<String>>,
}

impl Shared {
    fn tick(&self) -> i64 {
        let mut clock = self.clock.lock().expect("clock");
        *clock += 1;
        *clock
    }

    fn with_symbol<T>(&self, symbol: &str, act: impl FnOnce(&mut SymbolState) -> T) -> T {
        let mut symbols = self.symbols.lock().expect("symbols");
        let seed = self.script.seed + symbols.len() as u64;
        let state = symbols
            .entry(symbol.to_owned())
            .or_insert_with(|| SymbolState {
                book: TrueBook::new(seed, self.script.levels),
                last_id: self.script.first_id,
                index: 0,
            });
        act(state)
    }

    fn record(&self, symbol: &str, state: &SymbolState, timestamp_ms: i64) {
        self.truth.lock().expect("truth").push(Truth {
            symbol: symbol.to_owned(),
            last_id: state.last_id,
            timestamp_ms,
            view: state.book.view(50),
        });
    }

    /// The next update of `symbol`: `None` when its script is done. Returns the frames to
    /// send (none for a skipped update).
    fn next_frames(&self, symbol: &str) -> Option<Vec<String>> {
        let timestamp = self.tick();
        self.with_symbol(symbol, |state| {
            if state.index >= self.script.updates {
                return None;
            }
            let fault = self
                .script
                .faults
                .iter()
                .find(|(index, _)| *index == state.index)
                .map(|(_, fault)| *fault);
            state.index += 1;
            let depth = self.wire.stream_depth();
            let before = depth.map(|depth| state.book.view(depth));
            let changes = state.book.step();
            let view_changes = match (depth, &before) {
                (Some(depth), Some(before)) => state.book.view_changes(before, depth),
                _ => Vec::new(),
            };
            let prev_id = state.last_id;
            let (first_id, last_id) = if fault == Some(Fault::SequenceReset) {
                (1, 1 + changes.len() as u64)
            } else {
                (prev_id + 1, prev_id + changes.len() as u64)
            };
            state.last_id = last_id;
            let update = Update {
                first_id,
                last_id,
                prev_id,
                changes,
                view_changes,
                timestamp_ms: timestamp,
                corrupt_checksum: fault == Some(Fault::CorruptChecksum),
            };
            self.record(symbol, state, timestamp);
            let mut frames = Vec::new();
            if fault != Some(Fault::Skip) {
                frames.extend(self.wire.update_frames(symbol, &update, &state.book));
            }
            if fault == Some(Fault::Resnapshot) {
                state.last_id += 1;
                let at = self.tick();
                self.record(symbol, state, at);
                frames.extend(
                    self.wire
                        .snapshot_frame(symbol, &state.book, state.last_id, at),
                );
            }
            Some(frames)
        })
    }

    fn snapshot_frame(&self, symbol: &str) -> Option<String> {
        let timestamp = self.tick();
        self.with_symbol(symbol, |state| {
            state.last_id += 1;
            self.record(symbol, state, timestamp);
            self.wire
                .snapshot_frame(symbol, &state.book, state.last_id, timestamp)
        })
    }
}

/// A running book stand-in on 127.0.0.1 (HTTPS and WSS).
pub struct BookStandIn {
    /// The certificate its servers use (trust `cert.ca_file()`).
    pub cert: TestCertificate,
    /// The REST server.
    pub rest: LoopbackServer,
    /// The WebSocket server.
    pub websocket: LoopbackServer,
    shared: Arc<Shared>,
}

impl BookStandIn {
    /// Starts both servers.
    ///
    /// # Errors
    /// When a certificate cannot be made or a port bound.
    pub async fn start(
        wire: impl BookWire,
        script: StreamScript,
    ) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let cert = TestCertificate::generate()?;
        let shared = Arc::new(Shared {
            wire: Arc::new(wire),
            script,
            symbols: Mutex::new(HashMap::new()),
            truth: Mutex::new(Vec::new()),
            clock: Mutex::new(1_700_000_000_000),
            received: Mutex::new(Vec::new()),
        });
        let rest_shared = Arc::clone(&shared);
        let rest =
            start_dynamic_http_server(localhost, Some(cert.server_config()), move |target| {
                if let Some(body) = rest_shared.wire.rest_answer(target) {
                    return Some(CannedResponse::ok(body));
                }
                let (markets_path, markets_body) = rest_shared.wire.markets();
                if target.split('?').next() == Some(markets_path.as_str()) {
                    return Some(CannedResponse::ok(markets_body));
                }
                let symbol = rest_shared.wire.snapshot_request(target)?;
                let body = rest_shared.with_symbol(&symbol, |state| {
                    rest_shared
                        .wire
                        .snapshot_body(&symbol, &state.book, state.last_id)
                });
                Some(CannedResponse::ok(body))
            })
            .await?;
        let ws_shared = Arc::clone(&shared);
        let websocket = start_ws_server(
            localhost,
            Some(cert.server_config()),
            move |socket, _peer| {
                let shared = Arc::clone(&ws_shared);
                async move {
                    let _ = stream(socket, &shared).await;
                }
            },
        )
        .await?;
        Ok(BookStandIn {
            cert,
            rest,
            websocket,
            shared,
        })
    }

    /// `https://localhost:PORT`.
    #[must_use]
    pub fn rest_base(&self) -> String {
        format!("https://localhost:{}", self.rest.port())
    }

    /// `wss://localhost:PORT` + `path`.
    #[must_use]
    pub fn websocket_url(&self, path: &str) -> String {
        format!("wss://localhost:{}{path}", self.websocket.port())
    }

    /// Every true book recorded so far.
    #[must_use]
    pub fn truth(&self) -> Vec<Truth> {
        self.shared
            .truth
            .lock()
            .map(|truth| truth.clone())
            .unwrap_or_default()
    }

    /// Every text message clients sent.
    #[must_use]
    pub fn received(&self) -> Vec<String> {
        self.shared
            .received
            .lock()
            .map(|log| log.clone())
            .unwrap_or_default()
    }

    /// True when every subscribed symbol's script has run out.
    #[must_use]
    pub fn finished(&self) -> bool {
        let symbols = self.shared.symbols.lock().expect("symbols");
        !symbols.is_empty()
            && symbols
                .values()
                .all(|state| state.index >= self.shared.script.updates)
    }
}

/// Serves one connection: answers messages, and streams the subscribed symbols' updates.
async fn stream(
    mut socket: ServerSocket,
    shared: &Shared,
) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    let mut streaming: Vec<String> = Vec::new();
    let mut next = 0_usize;
    let mut ticker = tokio::time::interval(shared.script.interval);
    loop {
        tokio::select! {
            message = socket.next() => match message {
                Some(Ok(Message::Text(text))) => {
                    shared.received.lock().expect("received").push(text.to_string());
                    let reply = shared.wire.on_message(text.as_str());
                    for frame in reply.frames {
                        socket.send(wire_message(&*shared.wire, frame)).await?;
                    }
                    for symbol in reply.subscribe {
                        if let Some(frame) = shared.snapshot_frame(&symbol) {
                            socket.send(wire_message(&*shared.wire, frame)).await?;
                        }
                        if !streaming.contains(&symbol) {
                            streaming.push(symbol);
                        }
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Ok(()),
                Some(Ok(_)) => {}
            },
            _ = ticker.tick(), if !streaming.is_empty() => {
                let symbol = streaming[next % streaming.len()].clone();
                next += 1;
                if let Some(frames) = shared.next_frames(&symbol) {
                    for frame in frames {
                        socket.send(wire_message(&*shared.wire, frame)).await?;
                    }
                }
            }
        }
    }
}
