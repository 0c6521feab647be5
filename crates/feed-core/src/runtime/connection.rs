//! One open connection of a feed: its WebSocket, its session, and the REST requests the
//! session asked for (in flight on the exchange's HTTP route).

use std::sync::Arc;
use std::time::Duration;

use futures_util::SinkExt;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;

use super::feed::{Action, FeedSession, HttpMethod, HttpRequest, HttpResult};
use super::stats::FeedStats;
use crate::connect::{ExchangeConnector, ExchangeWebSocket};

/// REST requests one feed runs at once (book snapshots after a mass resync queue up).
pub const MAX_CONCURRENT_REQUESTS: usize = 4;

/// An open connection.
pub(crate) struct Connection {
    pub socket: ExchangeWebSocket,
    pub session: Box<dyn FeedSession>,
    /// 1 for the feed's first connection.
    pub number: u64,
    /// The route it took (redacted).
    pub route: String,
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
}

impl Connection {
    pub(crate) fn new(
        socket: ExchangeWebSocket,
        session: Box<dyn FeedSession>,
        number: u64,
        route: String,
        send_timeout: Duration,
    ) -> Self {
        let (responder, responses) = mpsc::unbounded_channel();
        Connection {
            socket,
            session,
            number,
            route,
            responses,
            responder,
            requests: JoinSet::new(),
            delivered_data: false,
            frames: 0,
            send_timeout,
        }
    }

    /// Sends a message within the policy's send timeout.
    ///
    /// # Errors
    /// Why the send failed or timed out.
    pub(crate) async fn send(&mut self, message: Message) -> Result<(), String> {
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
