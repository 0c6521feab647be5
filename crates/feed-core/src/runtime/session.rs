//! One feed's life: prepare, connect, subscribe, read frames into callbacks, keep the
//! connection alive, and reconnect with backoff when it drops.
//!
//! Backpressure: frames are read one at a time and every callback finishes before the next
//! frame is read. Nothing queues inside feedhandler, so a slow callback cannot make memory
//! grow; it slows reading, TCP flow control pushes back to the exchange, and if the exchange
//! gives up on us the feed reconnects and resubscribes.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::sync::{oneshot, watch};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tracing::Instrument;

use super::backoff::{Backoff, ReconnectPolicy};
use super::callbacks::Callbacks;
use super::feed::{Feed, FeedError, FrameError, KeepAlive};
use super::shutdown::ShutdownSignal;
use super::stats::FeedStats;
use crate::connect::{ExchangeConnector, ExchangeWebSocket};
use crate::types::{now_seconds, Trade};

/// How a connection ended.
enum SessionEnd {
    /// Shutdown was requested; the socket was closed cleanly.
    Shutdown,
    /// The connection was lost (closed, failed, or idle); reconnect.
    Lost(String),
}

/// Everything one feed task needs.
pub(crate) struct FeedTask {
    pub feed: Box<dyn Feed>,
    pub name: String,
    pub callbacks: Callbacks,
    pub stats: FeedStats,
    pub policy: ReconnectPolicy,
    pub connector: ExchangeConnector,
    pub shutdown: ShutdownSignal,
    /// Told once the first connection is up (or failed), before any trade flows.
    pub ready: Option<oneshot::Sender<Result<(), FeedError>>>,
    /// Flips to true when every feed is ready and trades may flow.
    pub go: watch::Receiver<bool>,
}

impl FeedTask {
    /// Runs the feed until shutdown or until reconnect attempts are exhausted.
    pub(crate) async fn run(self) -> Result<(), FeedError> {
        let span =
            tracing::info_span!("feed", feed = %self.name, exchange = %self.feed.exchange_id());
        self.run_inner().instrument(span).await
    }

    async fn run_inner(mut self) -> Result<(), FeedError> {
        // Shutdown (another feed failed to start, or the user stopped) ends a slow start too.
        let mut shutdown = self.shutdown.clone();
        let first = tokio::select! {
            first = self.first_connection() => first,
            () = shutdown.requested() => return Ok(()),
        };
        let socket = match first {
            Ok(socket) => socket,
            Err(error) => {
                if let Some(ready) = self.ready.take() {
                    let _ = ready.send(Err(error.clone()));
                }
                return Err(error);
            }
        };
        if let Some(ready) = self.ready.take() {
            let _ = ready.send(Ok(()));
        }
        if self.go.wait_for(|go| *go).await.is_err() || self.shutdown.is_requested() {
            return Ok(());
        }
        let mut backoff = Backoff::new(self.policy.clone());
        let mut socket = Some(socket);
        loop {
            let current = match socket.take() {
                Some(socket) => socket,
                None => match self.reconnect(&mut backoff).await? {
                    Some(socket) => socket,
                    None => return Ok(()),
                },
            };
            let started = Instant::now();
            let span = tracing::info_span!("connection", n = self.stats.snapshot().connections);
            match self.stream(current).instrument(span).await {
                SessionEnd::Shutdown => return Ok(()),
                SessionEnd::Lost(reason) => {
                    tracing::warn!(%reason, "connection lost; reconnecting");
                    self.stats.add_reconnect();
                    if started.elapsed() >= self.policy.healthy_after {
                        backoff.reset();
                    }
                }
            }
        }
    }

    /// Prepare, connect and subscribe; any failure here stops the feed before it starts.
    async fn first_connection(&mut self) -> Result<ExchangeWebSocket, FeedError> {
        self.feed.prepare(&self.connector).await?;
        self.connect_and_subscribe().await
    }

    async fn connect_and_subscribe(&mut self) -> Result<ExchangeWebSocket, FeedError> {
        let url = self.feed.websocket_url();
        let (mut socket, route) = self.connector.websocket_with_route(&url).await?;
        let route = route.to_string();
        tracing::info!(%route, "connected");
        self.stats.add_connection(route);
        for message in self.feed.subscribe_messages() {
            socket
                .send(Message::text(message))
                .await
                .map_err(|error| FeedError::Setup {
                    exchange: self.feed.exchange_id().to_owned(),
                    message: format!("sending the subscription failed: {error}"),
                })?;
        }
        Ok(socket)
    }

    /// Waits out the backoff and reconnects; `None` on shutdown.
    async fn reconnect(
        &mut self,
        backoff: &mut Backoff,
    ) -> Result<Option<ExchangeWebSocket>, FeedError> {
        loop {
            let Some(delay) = backoff.next_delay() else {
                return Err(FeedError::Setup {
                    exchange: self.feed.exchange_id().to_owned(),
                    message: format!("gave up after {} reconnect attempts", backoff.attempts()),
                });
            };
            tracing::info!(
                delay_ms = delay.as_millis() as u64,
                attempt = backoff.attempts(),
                "reconnecting after a delay"
            );
            tokio::select! {
                () = self.shutdown.requested() => return Ok(None),
                () = tokio::time::sleep(delay) => {}
            }
            match self.connect_and_subscribe().await {
                Ok(socket) => return Ok(Some(socket)),
                Err(error) => {
                    // A proxy failure goes through the same backoff: never a direct retry.
                    tracing::warn!(%error, "reconnect failed");
                    self.stats.add_reconnect();
                }
            }
        }
    }

    /// Reads frames until the connection ends or shutdown is requested.
    ///
    /// The timers and the shutdown future are created once per connection, not per frame:
    /// the idle check runs every half idle timeout and looks at whether any frame arrived
    /// since the last check, so the per-frame cost is reading, parsing and dispatching only.
    async fn stream(&mut self, mut socket: ExchangeWebSocket) -> SessionEnd {
        let idle_check_every = self.policy.idle_timeout / 2;
        let keep_alive = self.feed.keep_alive();
        let keep_alive_every = match &keep_alive {
            Some(KeepAlive::Text { interval, .. } | KeepAlive::PingFrame { interval }) => *interval,
            None => Duration::from_secs(3600),
        };
        let mut shutdown = self.shutdown.clone();
        let shutdown_requested = shutdown.requested();
        tokio::pin!(shutdown_requested);
        let keep_alive_timer = tokio::time::sleep(keep_alive_every);
        tokio::pin!(keep_alive_timer);
        let idle_timer = tokio::time::sleep(idle_check_every);
        tokio::pin!(idle_timer);
        let mut frames_since_check: u64 = 0;
        let mut silent_checks = 0_u32;
        let mut trades: Vec<Trade> = Vec::with_capacity(64);
        loop {
            tokio::select! {
                biased;
                () = &mut shutdown_requested => {
                    let _ = socket.close(None).await;
                    return SessionEnd::Shutdown;
                }
                frame = socket.next() => {
                    frames_since_check += 1;
                    let text = match frame {
                        None => return SessionEnd::Lost("the exchange closed the connection".into()),
                        Some(Err(error)) => return SessionEnd::Lost(format!("read failed: {error}")),
                        Some(Ok(Message::Text(text))) => text,
                        Some(Ok(Message::Binary(bytes))) => match std::str::from_utf8(&bytes) {
                            Ok(text) => text.into(),
                            Err(_) => {
                                self.stats.add_frame();
                                self.stats.add_parse_error();
                                tracing::warn!(len = bytes.len(), "binary frame is not UTF-8 text; skipped");
                                continue;
                            }
                        },
                        Some(Ok(Message::Close(frame))) => {
                            return SessionEnd::Lost(format!("the exchange sent close: {frame:?}"));
                        }
                        Some(Ok(_)) => continue, // ping/pong: tungstenite answers pings itself
                    };
                    self.stats.add_frame();
                    if let Err(reason) = self.handle_frame(&mut socket, &text, &mut trades).await {
                        return SessionEnd::Lost(reason);
                    }
                }
                () = &mut keep_alive_timer => {
                    keep_alive_timer.as_mut().reset(Instant::now() + keep_alive_every);
                    let message = match &keep_alive {
                        Some(KeepAlive::Text { message, .. }) => Message::text(message.clone()),
                        Some(KeepAlive::PingFrame { .. }) => Message::Ping(Default::default()),
                        None => continue,
                    };
                    if let Err(error) = socket.send(message).await {
                        return SessionEnd::Lost(format!("keep-alive failed: {error}"));
                    }
                }
                () = &mut idle_timer => {
                    idle_timer.as_mut().reset(Instant::now() + idle_check_every);
                    if frames_since_check > 0 {
                        frames_since_check = 0;
                        silent_checks = 0;
                        continue;
                    }
                    silent_checks += 1;
                    if silent_checks >= 2 {
                        return SessionEnd::Lost(format!(
                            "no frame for {}s (idle timeout)",
                            self.policy.idle_timeout.as_secs_f64()
                        ));
                    }
                    // Half the idle timeout without a frame: a ping makes a live server answer.
                    if let Err(error) = socket.send(Message::Ping(Default::default())).await {
                        return SessionEnd::Lost(format!("idle ping failed: {error}"));
                    }
                }
            }
        }
    }

    /// Parses one frame and runs the callbacks on its trades.
    async fn handle_frame(
        &mut self,
        socket: &mut ExchangeWebSocket,
        text: &str,
        trades: &mut Vec<Trade>,
    ) -> Result<(), String> {
        trades.clear();
        match self.feed.parse_frame(text, now_seconds(), trades) {
            Ok(reply) => {
                if let Some(message) = reply.send {
                    socket
                        .send(Message::text(message))
                        .await
                        .map_err(|error| format!("reply failed: {error}"))?;
                }
            }
            Err(error) => {
                // A frame either parses whole or contributes nothing.
                trades.clear();
                match error {
                    FrameError::Exchange(_) => self.stats.add_exchange_error(),
                    FrameError::Malformed(_) => self.stats.add_parse_error(),
                }
                tracing::warn!(%error, frame = %truncate(text, 200), "frame skipped");
            }
        }
        for trade in trades.drain(..) {
            for failure in self.callbacks.dispatch_trade(&trade).await {
                self.stats.add_callback_error();
                tracing::error!(error = %failure.message, "trade callback failed");
            }
            self.stats.add_trades(1);
        }
        Ok(())
    }
}

/// At most `limit` bytes of `text` (on a character boundary), with `…` when cut.
pub(crate) fn truncate(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_owned();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}
