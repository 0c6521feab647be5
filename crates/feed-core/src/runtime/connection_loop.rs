//! One connection slot of a feed: connect, settle its subscriptions, run frames through the
//! session into callbacks, keep the connection alive, reconnect with backoff when it
//! drops, and renew it make-before-break ahead of the venue's forced disconnect.
//!
//! A feed runs one [`ConnectionLoop`] per slot ([`crate::runtime::Feed::connections`]);
//! they share the feed, its callbacks and its counters ([`Shared`]) and run in the feed's
//! task, so a feed's callbacks are never called concurrently.
//!
//! Backpressure: frames are read one at a time and every callback finishes before the next
//! frame is read. Nothing queues inside feedhandler, so a slow callback cannot make memory
//! grow; it slows reading, TCP flow control pushes back to the exchange, and if the exchange
//! gives up on us the connection reconnects and resubscribes.
//!
//! Timers come before the socket in the read loop, so a continuous stream never starves
//! keep-alives, idle checks or session ticks (a timer is only ready when it is due). Frames
//! already buffered are read in batches of at most [`READ_BATCH`] between timer polls.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::Semaphore;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tracing::Instrument;

use super::backoff::{Backoff, ReconnectPolicy};
use super::callbacks::Callbacks;
use super::connection::{Connection, ConnectionSetup};
use super::feed::{Feed, FeedError, Frame, FrameError, KeepAlive, SessionOutput};
use super::handover::Handover;
use super::limits::VenueLimits;
use super::shutdown::ShutdownSignal;
use super::stats::FeedStats;
use super::window::SendWindow;
use crate::connect::ExchangeConnector;
use crate::types::{micros_to_seconds, now_micros, now_seconds, ConnectionEvent, Event};

/// How long start-up (or a renewal) waits for a session's subscriptions to settle
/// (acknowledged or rejected by the session's own timeout) before giving up.
const SETTLE_LIMIT: Duration = Duration::from_secs(30);

/// How often sessions get a tick.
const TICK_EVERY: Duration = Duration::from_secs(1);

/// The most frames read back to back (when already buffered) before timers are polled.
const READ_BATCH: usize = 64;

/// The share of a venue's per-connection message rate left unused (pongs the WebSocket
/// library sends by itself, clock differences).
const MESSAGE_HEADROOM: f64 = 0.2;

/// How long a renewal keeps reading the old connection after the new one has settled,
/// so that the two overlap and nothing falls between them.
const RENEWAL_OVERLAP: Duration = Duration::from_secs(1);

/// How long a failed renewal waits before the next try (the old connection carries on).
const RENEWAL_RETRY: Duration = Duration::from_secs(30);

/// The longest margin kept before a forced disconnect.
const RENEWAL_MARGIN: Duration = Duration::from_secs(600);

/// The shortest margin (room for connecting, settling and the overlap), at most half the
/// lifetime.
const RENEWAL_MIN_MARGIN: Duration = Duration::from_secs(5);

/// How a stretch of reading ended.
pub(crate) enum SessionEnd {
    /// Shutdown was requested.
    Shutdown,
    /// The connection was lost (closed, failed, idle, or the session asked); reconnect.
    Lost(String),
    /// Start-up only: the session's subscriptions settled.
    Settled,
    /// The deadline given to the read passed (a renewal is due, an overlap is over).
    Due,
}

/// What happens to events while reading.
pub(crate) enum Delivery {
    /// Start-up: keep them until every feed is ready.
    Hold(Vec<Event>),
    /// Run the callbacks.
    Dispatch,
}

/// What every connection of one feed shares.
pub(crate) struct Shared {
    pub feed: tokio::sync::Mutex<Box<dyn Feed>>,
    pub exchange: Arc<str>,
    pub feed_name: Arc<str>,
    pub exchange_id: String,
    pub callbacks: Callbacks,
    pub stats: FeedStats,
    pub policy: ReconnectPolicy,
    pub connector: ExchangeConnector,
    pub shutdown: ShutdownSignal,
    pub limits: VenueLimits,
    /// Connections opened so far by every slot (numbers them from 1).
    pub numbers: AtomicU64,
    /// REST requests in flight for the whole feed.
    pub limiter: Arc<Semaphore>,
    /// How many slots the feed runs.
    pub slots: AtomicUsize,
}

impl Shared {
    pub(crate) fn setup_error(&self, message: String) -> FeedError {
        FeedError::Setup {
            exchange: self.exchange_id.clone(),
            message,
        }
    }
}

/// One slot's life (see the module docs).
pub(crate) struct ConnectionLoop {
    shared: Arc<Shared>,
    slot: usize,
    out: SessionOutput,
    /// During a renewal: what the old connection delivered, then the filter over the new
    /// one's events.
    handover: Option<Handover>,
    filtering: bool,
}

impl ConnectionLoop {
    pub(crate) fn new(shared: Arc<Shared>, slot: usize) -> Self {
        ConnectionLoop {
            shared,
            slot,
            out: SessionOutput::default(),
            handover: None,
            filtering: false,
        }
    }

    /// Connects and settles the slot's subscriptions, holding its events. Returns the
    /// connection and the events held back.
    ///
    /// # Errors
    /// [`FeedError`] when the connection fails, is lost or a subscription is rejected.
    pub(crate) async fn start(mut self) -> Result<(Self, Connection, Vec<Event>), FeedError> {
        let mut connection = self.connect().await?;
        let held = self
            .settle(&mut connection)
            .await
            .map_err(|reason| self.shared.setup_error(reason))?;
        if let Some(rejected) = held.iter().find_map(|event| match event {
            Event::Rejected(rejected) => Some(rejected),
            _ => None,
        }) {
            return Err(self.shared.setup_error(rejected.to_string()));
        }
        Ok((self, connection, held))
    }

    /// Reads `connection` holding its events until its subscriptions settle.
    async fn settle(&mut self, connection: &mut Connection) -> Result<Vec<Event>, String> {
        let mut holding = Delivery::Hold(Vec::new());
        let settled =
            tokio::time::timeout(SETTLE_LIMIT, self.read(connection, &mut holding, None)).await;
        self.publish(connection);
        let held = match holding {
            Delivery::Hold(held) => held,
            Delivery::Dispatch => Vec::new(),
        };
        match settled {
            Ok(SessionEnd::Settled) => Ok(held),
            Ok(SessionEnd::Shutdown) => Err("stopped during start-up".into()),
            Ok(SessionEnd::Lost(reason)) => Err(format!(
                "the connection was lost while subscribing: {reason}"
            )),
            Ok(SessionEnd::Due) | Err(_) => Err(format!(
                "subscriptions were not acknowledged within {}s",
                SETTLE_LIMIT.as_secs()
            )),
        }
    }

    /// Delivers the events held at start-up, then reads, reconnects and renews until
    /// shutdown or until reconnect attempts are exhausted.
    ///
    /// # Errors
    /// [`FeedError::Setup`] when reconnect attempts are exhausted.
    pub(crate) async fn run(
        mut self,
        mut connection: Connection,
        held: Vec<Event>,
    ) -> Result<(), FeedError> {
        let mut dispatch = Delivery::Dispatch;
        self.deliver(&mut connection, held, &mut dispatch).await;
        let mut backoff = Backoff::new(self.shared.policy.clone());
        loop {
            let span = tracing::info_span!("connection", slot = self.slot, n = connection.number);
            let renew_at = connection.renew_at;
            let end = self
                .read(&mut connection, &mut dispatch, renew_at)
                .instrument(span)
                .await;
            let reason = match end {
                SessionEnd::Lost(reason) => reason,
                SessionEnd::Due => {
                    connection = self.renew(connection).await;
                    continue;
                }
                SessionEnd::Shutdown | SessionEnd::Settled => {
                    self.close(&mut connection, None, None).await;
                    return Ok(());
                }
            };
            tracing::warn!(%reason, slot = self.slot, "connection lost; reconnecting");
            self.shared.stats.add_reconnect();
            if connection.delivered_data {
                backoff.reset();
            }
            self.close(&mut connection, Some(reason), None).await;
            connection = match self.reconnect(&mut backoff).await? {
                Some(connection) => connection,
                None => return Ok(()),
            };
        }
    }

    /// Opens a connection of this slot along the exchange's route and a fresh session on
    /// it, after the feed's [`Feed::before_connect`] (which may fetch where to connect).
    async fn connect(&mut self) -> Result<Connection, FeedError> {
        let (url, keep_alive, session) = {
            let mut feed = self.shared.feed.lock().await;
            feed.before_connect(self.slot, &self.shared.connector)
                .await?;
            (
                feed.websocket_url(self.slot),
                feed.keep_alive(self.slot),
                feed.session(self.slot),
            )
        };
        let (socket, route) = self.shared.connector.websocket_with_route(&url).await?;
        let number = self.shared.numbers.fetch_add(1, Ordering::Relaxed) + 1;
        self.shared.stats.add_connection(self.slot, number, &route);
        tracing::info!(%route, slot = self.slot, "connected");
        let limits = &self.shared.limits;
        let mut connection = Connection::new(
            socket,
            session,
            ConnectionSetup {
                number,
                route: route.to_string(),
                route_name: route.name(),
                keep_alive,
                renew_at: limits
                    .forced_disconnect
                    .map(|lifetime| Instant::now() + renewal_after(lifetime)),
                send_timeout: self.shared.policy.send_timeout,
                send_window: limits
                    .messages_per_connection
                    .map(|rate| SendWindow::new(rate, MESSAGE_HEADROOM)),
            },
        );
        let now = now_seconds();
        connection.session.open(now, &mut self.out);
        self.out.event(Event::Connected(self.connection_event(
            &connection,
            None,
            now,
        )));
        let mut actions = std::mem::take(&mut self.out.actions);
        let sent = connection
            .perform(
                &mut actions,
                &self.shared.connector,
                &self.shared.limiter,
                &self.shared.stats,
            )
            .await;
        self.out.actions = actions;
        sent.map_err(|error| {
            self.shared
                .setup_error(format!("subscribing failed: {error}"))
        })?;
        Ok(connection)
    }

    fn connection_event(
        &self,
        connection: &Connection,
        reason: Option<String>,
        timestamp: rust_decimal::Decimal,
    ) -> ConnectionEvent {
        ConnectionEvent {
            exchange: Arc::clone(&self.shared.exchange),
            feed: Arc::clone(&self.shared.feed_name),
            connection: connection.number,
            route: connection.route.clone(),
            reason,
            timestamp,
        }
    }

    /// Make before break: opens and settles a new connection while the old one carries on,
    /// reads the old one a little longer so that they overlap, closes it without a gap,
    /// and continues on the new one with what both delivered deduplicated ([`Handover`]).
    /// When the new connection cannot be made, the old one carries on and the renewal is
    /// tried again later.
    async fn renew(&mut self, mut old: Connection) -> Connection {
        tracing::info!(
            slot = self.slot,
            n = old.number,
            "renewing the connection before the venue's forced disconnect"
        );
        let mut shutdown = self.shared.shutdown.clone();
        let attempt = tokio::select! {
            () = shutdown.requested() => return old,
            attempt = self.connect() => attempt,
        };
        let mut new = match attempt {
            Ok(new) => new,
            Err(error) => {
                tracing::warn!(%error, "renewal failed; the old connection carries on");
                old.renew_at = Some(Instant::now() + RENEWAL_RETRY);
                self.shared.stats.show_connection(
                    self.slot,
                    old.number,
                    &old.route_name,
                    &old.route,
                );
                return old;
            }
        };
        let held = match self.settle(&mut new).await {
            Ok(held) => held,
            Err(reason) => {
                tracing::warn!(%reason, "renewal failed; the old connection carries on");
                self.out.clear();
                let _ = tokio::time::timeout(Duration::from_secs(2), new.socket.close(None)).await;
                old.renew_at = Some(Instant::now() + RENEWAL_RETRY);
                self.shared.stats.show_connection(
                    self.slot,
                    old.number,
                    &old.route_name,
                    &old.route,
                );
                return old;
            }
        };
        // The old connection's frames since the new one subscribed are buffered: read them
        // and a little more, recording what is delivered.
        self.handover = Some(Handover::default());
        self.filtering = false;
        let drained = self
            .read(
                &mut old,
                &mut Delivery::Dispatch,
                Some(Instant::now() + RENEWAL_OVERLAP),
            )
            .await;
        let lost = match drained {
            SessionEnd::Lost(reason) => Some(reason),
            SessionEnd::Due | SessionEnd::Shutdown | SessionEnd::Settled => None,
        };
        self.close(
            &mut old,
            lost,
            Some("renewed before the venue's forced disconnect"),
        )
        .await;
        if let Some(handover) = &mut self.handover {
            handover.start_filtering();
        }
        self.filtering = true;
        self.deliver(&mut new, held, &mut Delivery::Dispatch).await;
        tracing::info!(slot = self.slot, n = new.number, "renewed");
        new
    }

    /// Ends a connection: the session reports what it carried (gaps when `lost`), and a
    /// disconnected event follows, with `lost` or else `note` as its reason.
    async fn close(
        &mut self,
        connection: &mut Connection,
        lost: Option<String>,
        note: Option<&str>,
    ) {
        let now = now_seconds();
        self.shared
            .stats
            .connection_closed(self.slot, connection.number, connection.frames);
        connection
            .session
            .closed(lost.as_deref(), now, &mut self.out);
        self.out.actions.clear();
        let requested = lost.is_none();
        let reason = lost.or_else(|| note.map(str::to_owned));
        self.out.event(Event::Disconnected(
            self.connection_event(connection, reason, now),
        ));
        let events = std::mem::take(&mut self.out.events);
        self.out.events = self
            .deliver(connection, events, &mut Delivery::Dispatch)
            .await;
        if requested {
            let _ =
                tokio::time::timeout(Duration::from_secs(2), connection.socket.close(None)).await;
        }
    }

    /// Waits out the backoff (the first wait spread over the feed's slots, so that a mass
    /// disconnect reconnects in waves) and reconnects; `None` on shutdown.
    async fn reconnect(&mut self, backoff: &mut Backoff) -> Result<Option<Connection>, FeedError> {
        let mut shutdown = self.shared.shutdown.clone();
        loop {
            let Some(mut delay) = backoff.next_delay() else {
                return Err(self.shared.setup_error(format!(
                    "gave up after {} consecutive failed reconnect attempts",
                    backoff.attempts()
                )));
            };
            if backoff.attempts() == 1 {
                delay += wave_spread(self.shared.slots.load(Ordering::Relaxed));
            }
            tracing::info!(
                delay_ms = delay.as_millis() as u64,
                attempt = backoff.attempts(),
                slot = self.slot,
                "reconnecting after a delay"
            );
            tokio::select! {
                () = shutdown.requested() => return Ok(None),
                () = tokio::time::sleep(delay) => {}
            }
            // A slow proxy can take minutes to fail: shutdown is watched while connecting.
            let attempt = tokio::select! {
                () = shutdown.requested() => return Ok(None),
                attempt = self.connect() => attempt,
            };
            match attempt {
                Ok(connection) => return Ok(Some(connection)),
                Err(error) => {
                    // A proxy failure goes through the same backoff: never a direct retry.
                    tracing::warn!(%error, "reconnect failed");
                    self.shared.stats.add_reconnect();
                }
            }
        }
    }

    /// Reads until the connection ends, shutdown is requested, `until` passes, or (while
    /// holding events at start-up) the session's subscriptions have settled.
    ///
    /// The timers and the shutdown future are created once per call, not per frame: the
    /// idle check runs every half idle timeout and looks at whether any frame arrived since
    /// the last check, so the per-frame cost is reading, parsing and dispatching only.
    async fn read(
        &mut self,
        connection: &mut Connection,
        delivery: &mut Delivery,
        until: Option<Instant>,
    ) -> SessionEnd {
        let policy = &self.shared.policy;
        let idle_timeout = policy.idle_timeout;
        let idle_check_every = idle_timeout / 2;
        let keep_alive = connection.keep_alive.clone();
        let keep_alive_every = match &keep_alive {
            Some(KeepAlive::Text { interval, .. } | KeepAlive::PingFrame { interval }) => *interval,
            None => Duration::from_secs(3600),
        };
        let holding = matches!(delivery, Delivery::Hold(_));
        let mut shutdown = self.shared.shutdown.clone();
        let shutdown_requested = shutdown.requested();
        tokio::pin!(shutdown_requested);
        let keep_alive_timer = tokio::time::sleep(keep_alive_every);
        tokio::pin!(keep_alive_timer);
        let idle_timer = tokio::time::sleep(idle_check_every);
        tokio::pin!(idle_timer);
        let deadline = tokio::time::sleep_until(
            until.unwrap_or_else(|| Instant::now() + Duration::from_secs(86_400 * 365)),
        );
        tokio::pin!(deadline);
        let mut ticker = tokio::time::interval_at(Instant::now() + TICK_EVERY, TICK_EVERY);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut frames_since_check: u64 = 0;
        let mut silent_checks = 0_u32;
        // Events queued by `connect` (the connected event) go out first.
        if let Err(reason) = self.flush(connection, delivery).await {
            return SessionEnd::Lost(reason);
        }
        loop {
            if holding && !connection.session.awaiting_acknowledgements() {
                return SessionEnd::Settled;
            }
            tokio::select! {
                biased;
                () = &mut shutdown_requested => return SessionEnd::Shutdown,
                () = &mut deadline, if until.is_some() => return SessionEnd::Due,
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
                            idle_timeout.as_secs_f64()
                        ));
                    }
                    // Half the idle timeout without a frame: a ping makes a live server answer.
                    if let Err(error) = connection.send(Message::Ping(Default::default())).await {
                        return SessionEnd::Lost(format!("idle ping: {error}"));
                    }
                }
                _ = ticker.tick() => {
                    connection.session.tick(now_seconds(), &mut self.out);
                    self.publish(connection);
                }
                Some((id, result)) = connection.responses.recv() => {
                    connection.session.response(id, result, now_seconds(), &mut self.out);
                }
                frame = connection.socket.next() => {
                    // Frames already buffered are taken in a batch without polling the
                    // timers in between (each poll re-registers the timers' wakers); the
                    // batch is bounded, so timers still run at least every READ_BATCH
                    // frames. Each frame is flushed (actions, callbacks) before the next
                    // is read.
                    let mut item = frame;
                    let mut batch = 0;
                    loop {
                        frames_since_check += 1;
                        if let Some(end) = self.receive(connection, item) {
                            return end;
                        }
                        batch += 1;
                        if batch == READ_BATCH
                            || (holding && !connection.session.awaiting_acknowledgements())
                        {
                            break;
                        }
                        if let Err(reason) = self.flush(connection, delivery).await {
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
            if let Err(reason) = self.flush(connection, delivery).await {
                return SessionEnd::Lost(reason);
            }
        }
    }

    /// One item from the socket: a data frame goes to the session; the end of the stream,
    /// a read error or a close frame ends the connection. Pings and pongs count as life
    /// only (tungstenite answers pings itself).
    fn receive(
        &mut self,
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
        self.shared.stats.add_frame(receipt_micros);
        connection.frames += 1;
        self.handle_frame(connection, frame, micros_to_seconds(receipt_micros));
        None
    }

    /// Publishes the connection's frame count and subscription states to the counters.
    fn publish(&self, connection: &Connection) {
        let stats = &self.shared.stats;
        stats.set_connection_frames(self.slot, connection.number, connection.frames);
        if let Some(counts) = connection.session.subscriptions() {
            stats.set_subscriptions(self.slot, connection.number, counts);
        }
    }

    /// Hands one frame to the session; a frame that fails contributes nothing.
    fn handle_frame(
        &mut self,
        connection: &mut Connection,
        frame: Frame<'_>,
        receipt: rust_decimal::Decimal,
    ) {
        let (events_before, actions_before) = (self.out.events.len(), self.out.actions.len());
        if let Err(error) = connection.session.frame(frame, receipt, &mut self.out) {
            self.out.events.truncate(events_before);
            self.out.actions.truncate(actions_before);
            match error {
                FrameError::Exchange(_) => self.shared.stats.add_exchange_error(),
                FrameError::Malformed(_) => self.shared.stats.add_parse_error(),
            }
            let shown = match frame {
                Frame::Text(text) => truncate(text, 200),
                Frame::Binary(bytes) => format!("<{} binary bytes>", bytes.len()),
            };
            tracing::warn!(exchange = %self.shared.exchange_id, %error, frame = %shown, "frame skipped");
        }
    }

    /// Performs the queued actions, then delivers (or holds) the queued events.
    async fn flush(
        &mut self,
        connection: &mut Connection,
        delivery: &mut Delivery,
    ) -> Result<(), String> {
        if !self.out.actions.is_empty() {
            let mut actions = std::mem::take(&mut self.out.actions);
            let performed = connection
                .perform(
                    &mut actions,
                    &self.shared.connector,
                    &self.shared.limiter,
                    &self.shared.stats,
                )
                .await;
            self.out.actions = actions;
            performed?;
        }
        if !self.out.events.is_empty() {
            let events = std::mem::take(&mut self.out.events);
            self.out.events = self.deliver(connection, events, delivery).await;
        }
        Ok(())
    }

    /// Delivers events (or holds them); returns the emptied vector to reuse. During a
    /// renewal the old connection's events are recorded and the new one's filtered.
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
            if let Some(handover) = &mut self.handover {
                if !self.filtering {
                    handover.record(&event);
                } else if !handover.admits(&event) {
                    continue;
                } else if !handover.is_active() {
                    tracing::debug!(duplicates = handover.dropped, "renewal handover done");
                    self.handover = None;
                }
            }
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
            self.shared.stats.add_event(&event);
            for failure in self.shared.callbacks.dispatch(&event).await {
                self.shared.stats.add_callback_error();
                tracing::error!(error = %failure.message, kind = kind.name(), "callback failed");
            }
        }
        events
    }
}

/// When to renew a connection the venue drops after `lifetime`: a margin of a tenth of
/// it (between [`RENEWAL_MIN_MARGIN`] and [`RENEWAL_MARGIN`], at most half the lifetime)
/// before, plus up to half the margin of jitter so that connections opened together are
/// not renewed together.
fn renewal_after(lifetime: Duration) -> Duration {
    let margin = (lifetime / 10)
        .clamp(RENEWAL_MIN_MARGIN, RENEWAL_MARGIN)
        .min(lifetime / 2);
    lifetime.saturating_sub(margin) + margin.mul_f64(fastrand::f64() * 0.5)
}

/// The extra first reconnect delay of one of `slots` connections: spread over up to
/// 100 ms per connection (at most 10 s), so that a mass disconnect reconnects in waves
/// rather than all at once (the egress limits pace them further).
fn wave_spread(slots: usize) -> Duration {
    if slots <= 1 {
        return Duration::ZERO;
    }
    let window = Duration::from_millis(100 * slots as u64).min(Duration::from_secs(10));
    window.mul_f64(fastrand::f64())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renewal_comes_before_the_forced_disconnect() {
        let day = Duration::from_secs(86_400);
        for _ in 0..100 {
            let after = renewal_after(day);
            assert!(after >= day - RENEWAL_MARGIN, "{after:?}");
            assert!(after <= day - RENEWAL_MARGIN / 2, "{after:?}");
            // Room for connecting, settling and the overlap even on a short lifetime.
            let short = renewal_after(Duration::from_secs(10));
            assert!(short >= Duration::from_secs(5) && short <= Duration::from_millis(7_500));
            let tiny = renewal_after(Duration::from_secs(4));
            assert!(tiny >= Duration::from_secs(2) && tiny <= Duration::from_secs(3));
        }
    }

    #[test]
    fn reconnects_of_many_connections_are_spread() {
        assert_eq!(wave_spread(1), Duration::ZERO);
        let spreads: Vec<Duration> = (0..200).map(|_| wave_spread(20)).collect();
        assert!(spreads
            .iter()
            .all(|spread| *spread <= Duration::from_secs(2)));
        let earliest = spreads.iter().min().unwrap();
        let latest = spreads.iter().max().unwrap();
        assert!(
            *latest - *earliest > Duration::from_secs(1),
            "{earliest:?}..{latest:?}"
        );
        assert!(wave_spread(10_000) <= Duration::from_secs(10));
    }
}
