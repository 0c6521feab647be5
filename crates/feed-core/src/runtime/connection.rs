//! One open connection of a feed: its WebSocket, its session, and the REST requests the
//! session asked for (in flight on the exchange's HTTP route).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use futures_util::SinkExt;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;

use tokio::time::Instant;

use super::feed::{Action, FeedSession, HttpMethod, HttpRequest, HttpResult, KeepAlive};
use super::stats::FeedStats;
use super::window::SendWindow;
use crate::connect::{ExchangeConnector, ExchangeWebSocket};

/// REST requests one feed runs at once (book snapshots after a mass resync queue up).
pub const MAX_CONCURRENT_REQUESTS: usize = 4;

/// An open connection.
pub(crate) struct Connection {
    pub socket: ExchangeWebSocket,
    pub session: Box<dyn FeedSession>,
    /// 1 for the feed's first connection; unique within the feed.
    pub number: u64,
    /// The keep-alive the feed asked for on this connection.
    pub keep_alive: Option<KeepAlive>,
    /// When to renew it (make before break) ahead of the venue's forced disconnect.
    pub renew_at: Option<Instant>,
    /// The route it took as logs show it (redacted, with its timeout).
    pub route: String,
    /// The route's name ([`crate::connect::Route::name`]: `direct` or the redacted URL).
    pub route_name: String,
    pub responses: mpsc::UnboundedReceiver<(u64, HttpResult)>,
    responder: mpsc::UnboundedSender<(u64, HttpResult)>,
    /// In-flight requests; dropped (aborted) with the connection.
    requests: JoinSet<()>,
    /// True once the connection delivered market data.
    pub delivered_data: bool,
    /// Data frames received.
    pub frames: u64,
    /// How long one send may take.
    send_timeout: Duration,
    /// Keeps the client's messages under the venue's per-connection rate.
    send_window: Option<SendWindow>,
    /// Messages waiting for room in the window, in order (the read loop sends them when
    /// due, reading on meanwhile).
    outbox: VecDeque<Message>,
}

/// How a new [`Connection`] is set up.
pub(crate) struct ConnectionSetup {
    pub number: u64,
    pub route: String,
    pub route_name: String,
    pub keep_alive: Option<KeepAlive>,
    pub renew_at: Option<Instant>,
    pub send_timeout: Duration,
    pub send_window: Option<SendWindow>,
}

impl Connection {
    pub(crate) fn new(
        socket: ExchangeWebSocket,
        session: Box<dyn FeedSession>,
        setup: ConnectionSetup,
    ) -> Self {
        let (responder, responses) = mpsc::unbounded_channel();
        Connection {
            socket,
            session,
            number: setup.number,
            keep_alive: setup.keep_alive,
            renew_at: setup.renew_at,
            route: setup.route,
            route_name: setup.route_name,
            responses,
            responder,
            requests: JoinSet::new(),
            delivered_data: false,
            frames: 0,
            send_timeout: setup.send_timeout,
            send_window: setup.send_window,
            outbox: VecDeque::new(),
        }
    }

    /// Sends a message within the policy's send timeout — at once while the venue's
    /// per-connection message rate has room, else queued behind the others and sent by
    /// the read loop when due ([`Connection::send_due`]), so that pacing never stops reading.
    ///
    /// # Errors
    /// Why the send failed or timed out.
    pub(crate) async fn send(&mut self, message: Message) -> Result<(), String> {
        if self.send_window.is_none() {
            return self.write(message).await;
        }
        self.outbox.push_back(message);
        self.send_due().await
    }

    /// Sends the queued messages the window has room for now, in order.
    ///
    /// # Errors
    /// Why a send failed or timed out.
    pub(crate) async fn send_due(&mut self) -> Result<(), String> {
        while let Some(window) = &mut self.send_window {
            let now = Instant::now();
            if self.outbox.is_empty() || window.next_at(now) > now {
                break;
            }
            window.record(now);
            if let Some(message) = self.outbox.pop_front() {
                self.write(message).await?;
            }
        }
        Ok(())
    }

    /// When the next queued message may go; `None` when none waits.
    pub(crate) fn outbox_due(&mut self) -> Option<Instant> {
        if self.outbox.is_empty() {
            return None;
        }
        let now = Instant::now();
        self.send_window.as_mut().map(|window| window.next_at(now))
    }

    async fn write(&mut self, message: Message) -> Result<(), String> {
        match tokio::time::timeout(self.send_timeout, self.socket.send(message)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(format!("send failed: {error}")),
            Err(_) => Err(format!(
                "send timed out after {}s (the exchange stopped reading)",
                self.send_timeout.as_secs_f64()
            )),
        }
    }

    /// Performs the session's actions; `Err` with the reason when the connection must end.
    pub(crate) async fn perform(
        &mut self,
        actions: &mut Vec<Action>,
        connector: &ExchangeConnector,
        limiter: &Arc<Semaphore>,
        stats: &FeedStats,
    ) -> Result<(), String> {
        for action in actions.drain(..) {
            match action {
                Action::Send(text) => self.send(Message::text(text)).await?,
                Action::Request(request) => self.start_request(request, connector, limiter, stats),
                Action::Reconnect(reason) => {
                    return Err(format!("the session asked to reconnect: {reason}"))
                }
            }
        }
        Ok(())
    }

    fn start_request(
        &mut self,
        request: HttpRequest,
        connector: &ExchangeConnector,
        limiter: &Arc<Semaphore>,
        stats: &FeedStats,
    ) {
        let (connector, limiter, responder, stats) = (
            connector.clone(),
            Arc::clone(limiter),
            self.responder.clone(),
            stats.clone(),
        );
        self.requests.spawn(async move {
            let Ok(_permit) = limiter.acquire_owned().await else {
                return;
            };
            tracing::debug!(url = %request.url, "REST request");
            let result: HttpResult = match request.method {
                HttpMethod::Get => connector.get_weighted(&request.url, request.weight).await,
                HttpMethod::Post => {
                    connector
                        .post_weighted(
                            &request.url,
                            request.body.unwrap_or_default(),
                            request.weight,
                        )
                        .await
                }
            }
            .map_err(|error| error.to_string());
            stats.add_request(result.is_err());
            let _ = responder.send((request.id, result));
        });
    }
}
