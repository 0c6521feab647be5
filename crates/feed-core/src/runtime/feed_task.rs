//! One feed's life: prepare, connect, open a session, settle its subscriptions, run frames
//! through the session into callbacks, keep the connection alive, and reconnect with
//! backoff when it drops.
//!
//! Backpressure: frames are read one at a time and every callback finishes before the next
//! frame is read. Nothing queues inside feedhandler, so a slow callback cannot make memory
//! grow; it slows reading, TCP flow control pushes back to the exchange, and if the exchange
//! gives up on us the feed reconnects and resubscribes.
//!
//! Timers come before the socket in the read loop, so a continuous stream never starves
//! keep-alives, idle checks or session ticks (a timer is only ready when it is due). Frames
//! already buffered are read in batches of at most [`READ_BATCH`] between timer polls.

use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::{oneshot, watch, Semaphore};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tracing::Instrument;

use super::backoff::{Backoff, ReconnectPolicy};
use super::callbacks::Callbacks;
use super::connection::{Connection, MAX_CONCURRENT_REQUESTS};
use super::feed::{Feed, FeedError, Frame, FrameError, KeepAlive, SessionOutput};
use super::shutdown::ShutdownSignal;
use super::stats::FeedStats;
use crate::connect::ExchangeConnector;
use crate::types::{micros_to_seconds, now_micros, now_seconds, ConnectionEvent, Event};

/// How long start-up waits for a session's subscriptions to settle (acknowledged or
/// rejected by the session's own timeout) before giving up.
const SETTLE_LIMIT: Duration = Duration::from_secs(30);

/// How often sessions get a tick.
const TICK_EVERY: Duration = Duration::from_secs(1);

/// The most frames read back to back (when already buffered) before timers are polled.
const READ_BATCH: usize = 64;

/// How a stretch of reading ended.
enum SessionEnd {
    /// Shutdown was requested.
    Shutdown,
    /// The connection was lost (closed, failed, idle, or the session asked); reconnect.
    Lost(String),
    /// Start-up only: the session's subscriptions settled.
    Settled,
}

/// What happens to events while reading.
enum Delivery {
    /// Start-up: keep them until every feed is ready.
    Hold(Vec<Event>),
    /// Run the callbacks.
    Dispatch,
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
    /// Told once the first connection is up and subscribed (or failed), before any event.
    pub ready: Option<oneshot::Sender<Result<(), FeedError>>>,
    /// Flips to true when every feed is ready and events may flow.
    pub go: watch::Receiver<bool>,
    /// A start that fails is reported and retried with backoff (`on_start_failure:
    /// continue`) instead of ending the feed.
    pub retry_start: bool,
}

/// The parts of a task the read loop uses besides the connection.
struct Context {
    exchange: Arc<str>,
    feed_name: Arc<str>,
    exchange_id: String,
    connections: u64,
    limiter: Arc<Semaphore>,
    out: SessionOutput,
}

impl FeedTask {
    /// Runs the feed until shutdown or until reconnect attempts are exhausted.
    pub(crate) async fn run(self) -> Result<(), FeedError> {
        let span =
            tracing::info_span!("feed", feed = %self.name, exchange = %self.feed.exchange_id());
        let stats = self.stats.clone();
        stats.set_running(true);
        let outcome = self.run_inner().instrument(span).await;
        stats.set_running(false);
        outcome
    }

    fn setup_error(&self, message: String) -> FeedError {
        FeedError::Setup {
            exchange: self.feed.exchange_id().to_owned(),
            message,
        }
    }

    async fn run_inner(mut self) -> Result<(), FeedError> {
        let mut context = Context {
            exchange: self.feed.exchange_name(),
            feed_name: self.name.as_str().into(),
            exchange_id: self.feed.exchange_id().to_owned(),
            connections: 0,
            limiter: Arc::new(Semaphore::new(MAX_CONCURRENT_REQUESTS)),
            out: SessionOutput::default(),
        };
        // Shutdown (another feed failed to start, or the user stopped) ends a slow start too.
        let mut shutdown = self.shutdown.clone();
        let mut start_backoff = Backoff::new(self.policy.clone());
        let (mut connection, held) = loop {
            let started = tokio::select! {
                started = self.start(&mut context) => started,
                () = shutdown.requested() => return Ok(()),
            };
            let error = match started {
                Ok(started) => break started,
                Err(error) => error,
            };
            if let Some(ready) = self.ready.take() {
                let _ = ready.send(Err(error.clone()));
            }
            if !self.retry_start {
                return Err(error);
            }
            let Some(delay) = start_backoff.next_delay() else {
                return Err(self.setup_error(format!(
                    "could not start after {} attempts: {error}",
                    start_backoff.attempts()
                )));
            };
            tracing::warn!(%error, delay_ms = delay.as_millis() as u64, "the feed could not start; retrying");
            self.stats.add_reconnect();
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                () = shutdown.requested() => {
                    return Err(self.setup_error(format!("never started: {error}")));
                }
            }
        };
        if let Some(ready) = self.ready.take() {
            let _ = ready.send(Ok(()));
        }
        if self.go.wait_for(|go| *go).await.is_err() || self.shutdown.is_requested() {
            return Ok(());
        }
        let mut dispatch = Delivery::Dispatch;
        self.deliver(&mut connection, held, &mut dispatch).await;
        let mut backoff = Backoff::new(self.policy.clone());
        loop {
            let span = tracing::info_span!("connection", n = connection.number);
            let end = self
                .read(&mut context, &mut connection, &mut dispatch)
                .instrument(span)
                .await;
            let reason = match end {
                SessionEnd::Lost(reason) => reason,
                SessionEnd::Shutdown | SessionEnd::Settled => {
                    self.close(&mut context, &mut connection, None).await;
                    return Ok(());
                }
            };
            tracing::warn!(%reason, "connection lost; reconnecting");
            self.stats.add_reconnect();
            if connection.delivered_data {
                backoff.reset();
            }
            self.close(&mut context, &mut connection, Some(reason))
                .await;
            connection = match self.reconnect(&mut context, &mut backoff).await? {
                Some(connection) => connection,
                None => return Ok(()),
            };
        }
    }

    /// Prepare, connect, subscribe and settle; any failure here stops the feed before it
    /// delivers anything. Returns the connection and the events held back.
    async fn start(
        &mut self,
        context: &mut Context,
    ) -> Result<(Connection, Vec<Event>), FeedError> {
        self.feed.prepare(&self.connector).await?;
        let mut connection = self.connect(context).await?;
        let mut holding = Delivery::Hold(Vec::new());
        let settled = tokio::time::timeout(
            SETTLE_LIMIT,
            self.read(context, &mut connection, &mut holding),
        )
        .await;
        let Delivery::Hold(held) = holding else {
            unreachable!("start-up holds its events")
        };
        match settled {
            Ok(SessionEnd::Settled) => {}
            Ok(SessionEnd::Shutdown) => {
                return Err(self.setup_error("stopped during start-up".into()))
            }
            Ok(SessionEnd::Lost(reason)) => {
                return Err(self.setup_error(format!(
                    "the connection was lost while subscribing: {reason}"
                )))
            }
            Err(_) => {
                return Err(self.setup_error(format!(
                    "subscriptions were not acknowledged within {}s",
                    SETTLE_LIMIT.as_secs()
                )))
            }
        }
        self.publish(&connection);
        if let Some(rejected) = held.iter().find_map(|event| match event {
            Event::Rejected(rejected) => Some(rejected),
            _ => None,
        }) {
            return Err(self.setup_error(rejected.to_string()));
        }
        Ok((connection, held))
    }

    /// Opens a connection along the exchange's route and a fresh session on it, after the
    /// feed's [`Feed::before_connect`] (which may fetch where to connect).
    async fn connect(&mut self, context: &mut Context) -> Result<Connection, FeedError> {
        self.feed.before_connect(&self.connector).await?;
        let url = self.feed.websocket_url();
        let (socket, route) = self.connector.websocket_with_route(&url).await?;
        context.connections += 1;
        self.stats.add_connection(context.connections, &route);
        let route = route.to_string();
        tracing::info!(%route, "connected");
        let mut connection = Connection::new(
            socket,
            self.feed.session(),
            context.connections,
            route,
            self.policy.send_timeout,
        );
        let now = now_seconds();
        connection.session.open(now, &mut context.out);
        context.out.event(Event::Connected(ConnectionEvent {
            exchange: Arc::clone(&context.exchange),
            feed: Arc::clone(&context.feed_name),
            connection: connection.number,
            route: connection.route.clone(),
            reason: None,
            timestamp: now,
        }));
        let mut actions = std::mem::take(&mut context.out.actions);
        let sent = connection
            .perform(&mut actions, &self.connector, &context.limiter, &self.stats)
            .await;
        context.out.actions = actions;
        sent.map_err(|error| self.setup_error(format!("subscribing failed: {error}")))?;
        Ok(connection)
    }

    /// Ends a connection: the session reports what it carried (gaps when lost), and a
    /// disconnected event follows.
    async fn close(
        &mut self,
        context: &mut Context,
        connection: &mut Connection,
        reason: Option<String>,
    ) {
        let now = now_seconds();
        self.stats.connection_closed(connection.frames);
        connection
            .session
            .closed(reason.as_deref(), now, &mut context.out);
        context.out.actions.clear();
        context.out.event(Event::Disconnected(ConnectionEvent {
            exchange: Arc::clone(&context.exchange),
            feed: Arc::clone(&context.feed_name),
            connection: connection.number,
            route: connection.route.clone(),
            reason: reason.clone(),
            timestamp: now,
        }));
        let events = std::mem::take(&mut context.out.events);
        self.deliver(connection, events, &mut Delivery::Dispatch)
            .await;
        if reason.is_none() {
            let _ =
                tokio::time::timeout(Duration::from_secs(2), connection.socket.close(None)).await;
        }
    }

    /// Waits out the backoff and reconnects; `None` on shutdown.
    async fn reconnect(
        &mut self,
        context: &mut Context,
        backoff: &mut Backoff,
    ) -> Result<Option<Connection>, FeedError> {
        let mut shutdown = self.shutdown.clone();
        loop {
            let Some(delay) = backoff.next_delay() else {
                return Err(self.setup_error(format!(
                    "gave up after {} consecutive failed reconnect attempts",
                    backoff.attempts()
                )));
            };
            tracing::info!(
                delay_ms = delay.as_millis() as u64,
                attempt = backoff.attempts(),
                "reconnecting after a delay"
            );
            tokio::select! {
                () = shutdown.requested() => return Ok(None),
                () = tokio::time::sleep(delay) => {}
            }
            // A slow proxy can take minutes to fail: shutdown is watched while connecting.
            let attempt = tokio::select! {
                () = shutdown.requested() => return Ok(None),
                attempt = self.connect(context) => attempt,
            };
            match attempt {
                Ok(connection) => return Ok(Some(connection)),
                Err(error) => {
                    // A proxy failure goes through the same backoff: never a direct retry.
                    tracing::warn!(%error, "reconnect failed");
                    self.stats.add_reconnect();
                }
            }
        }
    }

    /// Reads until the connection ends, shutdown is requested, or (while holding events at
    /// start-up) the session's subscriptions have settled.
    ///
    /// The timers and the shutdown future are created once per call, not per frame: the
    /// idle check runs every half idle timeout and looks at whether any frame arrived since
    /// the last check, so the per-frame cost is reading, parsing and dispatching only.
    async fn read(
        &mut self,
        context: &mut Context,
        connection: &mut Connection,
        delivery: &mut Delivery,
    ) -> SessionEnd {
        let idle_check_every = self.policy.idle_timeout / 2;
        let keep_alive = self.feed.keep_alive();
        let keep_alive_every = match &keep_alive {
            Some(KeepAlive::Text { interval, .. } | KeepAlive::PingFrame { interval }) => *interval,
            None => Duration::from_secs(3600),
        };
        let holding = matches!(delivery, Delivery::Hold(_));
        let mut shutdown = self.shutdown.clone();
        let shutdown_requested = shutdown.requested();
        tokio::pin!(shutdown_requested);
        let keep_alive_timer = tokio::time::sleep(keep_alive_every);
        tokio::pin!(keep_alive_timer);
        let idle_timer = tokio::time::sleep(idle_check_every);
        tokio::pin!(idle_timer);
        let mut ticker = tokio::time::interval_at(Instant::now() + TICK_EVERY, TICK_EVERY);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut frames_since_check: u64 = 0;
        let mut silent_checks = 0_u32;
        // Events queued by `connect` (the connected event) go out first.
        if let Err(reason) = self.flush(context, connection, delivery).await {
            return SessionEnd::Lost(reason);
        }
        loop {
            if holding && !connection.session.awaiting_acknowledgements() {
                return SessionEnd::Settled;
            }
            tokio::select! {
                biased;
                () = &mut shutdown_requested => return SessionEnd::Shutdown,
                () = &mut keep_alive_timer => {
                    keep_alive_timer.as_mut().reset(Instant::now() + keep_alive_every);
                    let message = match &keep_alive {
                        Some(KeepAlive::Text { message, .. }) => Message::text(message.clone()),
                        Some(KeepAlive::PingFrame { .. }) => Message::Ping(Default::default()),
                        None => continue,
                    };
                    if let Err(error) = connection.send(message).await {
                        return SessionEnd::Lost(format!("keep-alive: {error}"));
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
                    if let Err(error) = connection.send(Message::Ping(Default::default())).await {
                        return SessionEnd::Lost(format!("idle ping: {error}"));
                    }
                }
                _ = ticker.tick() => {
                    connection.session.tick(now_seconds(), &mut context.out);
                    self.publish(connection);
                }
                Some((id, result)) = connection.responses.recv() => {
                    connection.session.response(id, result, now_seconds(), &mut context.out);
                }
                frame = connection.socket.next() => {
                    // Frames already buffered are taken in a batch without polling the
                    // timers in between (each poll re-registers six wakers); the batch is
                    // bounded, so timers still run at least every READ_BATCH frames. Each
                    // frame is flushed (actions, callbacks) before the next is read.
                    let mut item = frame;
                    let mut batch = 0;
                    loop {
                        frames_since_check += 1;
                        if let Some(end) = self.receive(context, connection, item) {
                            return end;
                        }
                        batch += 1;
                        if batch == READ_BATCH
                            || (holding && !connection.session.awaiting_acknowledgements())
                        {
                            break;
                        }
                        if let Err(reason) = self.flush(context, connection, delivery).await {
                            return SessionEnd::Lost(reason);
                        }
                        item = match std::future::poll_fn(|cx| {
                            Poll::Ready(connection.socket.poll_next_unpin(cx))
                        })
                        .await
                        {
                            Poll::Ready(next) => next,
                            Poll::Pending => break,
                        };
                    }
                }
            }
            if let Err(reason) = self.flush(context, connection, delivery).await {
                return SessionEnd::Lost(reason);
            }
        }
    }

    /// One item from the socket: a data frame goes to the session; the end of the stream,
    /// a read error or a close frame ends the connection. Pings and pongs count as life
    /// only (tungstenite answers pings itself).
    fn receive(
        &mut self,
        context: &mut Context,
        connection: &mut Connection,
        item: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
    ) -> Option<SessionEnd> {
        let receipt_micros = now_micros();
        let message = match item {
            None => {
                return Some(SessionEnd::Lost(
                    "the exchange closed the connection".into(),
                ))
            }
            Some(Err(error)) => return Some(SessionEnd::Lost(format!("read failed: {error}"))),
            Some(Ok(message)) => message,
        };
        let frame = match &message {
            Message::Text(text) => Frame::Text(text.as_str()),
            Message::Binary(bytes) => Frame::Binary(bytes),
            Message::Close(frame) => {
                return Some(SessionEnd::Lost(format!(
                    "the exchange sent close: {frame:?}"
                )));
            }
            _ => return None,
        };
        self.stats.add_frame(receipt_micros);
        connection.frames += 1;
        self.handle_frame(
            context,
            connection,
            frame,
            micros_to_seconds(receipt_micros),
        );
        None
    }

    /// Publishes the connection's frame count and subscription states to the counters.
    fn publish(&self, connection: &Connection) {
        self.stats.set_connection_frames(connection.frames);
        if let Some(counts) = connection.session.subscriptions() {
            self.stats.set_subscriptions(counts);
        }
    }

    /// Hands one frame to the session; a frame that fails contributes nothing.
    fn handle_frame(
        &mut self,
        context: &mut Context,
        connection: &mut Connection,
        frame: Frame<'_>,
        receipt: rust_decimal::Decimal,
    ) {
        let (events_before, actions_before) = (context.out.events.len(), context.out.actions.len());
        if let Err(error) = connection.session.frame(frame, receipt, &mut context.out) {
            context.out.events.truncate(events_before);
            context.out.actions.truncate(actions_before);
            match error {
                FrameError::Exchange(_) => self.stats.add_exchange_error(),
                FrameError::Malformed(_) => self.stats.add_parse_error(),
            }
            let shown = match frame {
                Frame::Text(text) => truncate(text, 200),
                Frame::Binary(bytes) => format!("<{} binary bytes>", bytes.len()),
            };
            tracing::warn!(exchange = %context.exchange_id, %error, frame = %shown, "frame skipped");
        }
    }

    /// Performs the queued actions, then delivers (or holds) the queued events.
    async fn flush(
        &mut self,
        context: &mut Context,
        connection: &mut Connection,
        delivery: &mut Delivery,
    ) -> Result<(), String> {
        if !context.out.actions.is_empty() {
            let mut actions = std::mem::take(&mut context.out.actions);
            let performed = connection
                .perform(&mut actions, &self.connector, &context.limiter, &self.stats)
                .await;
            context.out.actions = actions;
            performed?;
        }
        if !context.out.events.is_empty() {
            let events = std::mem::take(&mut context.out.events);
            context.out.events = self.deliver(connection, events, delivery).await;
        }
        Ok(())
    }

    /// Delivers events (or holds them); returns the emptied vector to reuse.
    async fn deliver(
        &mut self,
        connection: &mut Connection,
        mut events: Vec<Event>,
        delivery: &mut Delivery,
    ) -> Vec<Event> {
        if let Delivery::Hold(held) = delivery {
            held.append(&mut events);
            return events;
        }
        for event in events.drain(..) {
            let kind = event.kind();
            match &event {
                Event::Rejected(rejected) => tracing::error!(%rejected, "subscription rejected"),
                Event::Gap(gap) => {
                    tracing::debug!(symbol = %gap.symbol, channel = %gap.channel, reason = %gap.reason, "gap")
                }
                _ => {}
            }
            if kind.is_market_data() {
                connection.delivered_data = true;
            }
            self.stats.add_event(&event);
            for failure in self.callbacks.dispatch(&event).await {
                self.stats.add_callback_error();
                tracing::error!(error = %failure.message, kind = kind.name(), "callback failed");
            }
        }
        events
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
