//! One WebSocket connection of the stand-in: the per-IP connection window at the
//! handshake, then Binance's raw-stream protocol with the per-connection limits.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::{ConnectionRecord, Shared, SlidingWindow, ViolationKind};
use crate::listener::BoxedIo;

type Socket = WebSocketStream<BoxedIo>;

/// Counts the attempt against the peer's window, refuses the handshake with 429 beyond it
/// (and 404 off `/ws`), then serves the connection until either side ends it.
pub(super) async fn serve(shared: Arc<Shared>, io: BoxedIo, peer: SocketAddr) {
    let attempts = {
        let mut record = shared.record();
        record
            .attempts
            .entry(peer.ip())
            .or_insert_with(|| SlidingWindow::new(shared.config.connection_window))
            .record(Instant::now())
    };
    let allowed = attempts <= shared.config.connections_per_window;
    if !allowed {
        shared.violation(
            ViolationKind::TooManyConnections,
            peer,
            format!(
                "{attempts} connections from {} within {:?}",
                peer.ip(),
                shared.config.connection_window
            ),
        );
    }
    // The callback's type is tungstenite's (`ErrorResponse` is an HTTP response).
    #[allow(clippy::result_large_err)]
    let check = move |request: &Request, response: Response| -> Result<Response, ErrorResponse> {
        if !allowed {
            return Err(refusal(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many connections",
            ));
        }
        if !request.uri().path().starts_with("/ws") {
            return Err(refusal(StatusCode::NOT_FOUND, "Not found"));
        }
        Ok(response)
    };
    let Ok(socket) = tokio_tungstenite::accept_hdr_async(io, check).await else {
        return;
    };
    let index = {
        let mut record = shared.record();
        record.connections.push(ConnectionRecord {
            peer,
            opened: Instant::now(),
            closed: None,
            max_streams: 0,
            streams: BTreeSet::new(),
            last_subscribed: None,
            expired: false,
        });
        record.connections.len() - 1
    };
    let expired = Connection {
        shared: Arc::clone(&shared),
        peer,
        index,
        streams: BTreeSet::new(),
        messages: SlidingWindow::new(Duration::from_secs(1)),
    }
    .run(socket)
    .await;
    let mut record = shared.record();
    if let Some(connection) = record.connections.get_mut(index) {
        connection.closed = Some(Instant::now());
        connection.expired = expired;
    }
}

fn refusal(status: StatusCode, text: &str) -> ErrorResponse {
    let mut response = ErrorResponse::new(Some(text.to_owned()));
    *response.status_mut() = status;
    response
}

/// What ended a connection's loop.
enum End {
    /// The client closed or the socket failed.
    Gone,
    /// A limit was broken: send `refusal` (if any), then close with `frame`.
    Cut {
        refusal: Option<Value>,
        frame: CloseFrame,
    },
}

struct Connection {
    shared: Arc<Shared>,
    peer: SocketAddr,
    index: usize,
    /// Every stream subscribed, as named (`btcusdt@aggTrade`).
    streams: BTreeSet<String>,
    messages: SlidingWindow,
}

impl Connection {
    /// Serves until the client leaves, a limit is broken or the lifetime ends; true when the
    /// lifetime ended it.
    async fn run(mut self, mut socket: Socket) -> bool {
        let mut tape = self.shared.tape.clone();
        let mut sent_up_to = *tape.borrow_and_update();
        let lifetime = tokio::time::sleep(self.shared.config.lifetime);
        tokio::pin!(lifetime);
        loop {
            let end = tokio::select! {
                () = &mut lifetime => {
                    let _ = socket.close(Some(CloseFrame {
                        code: CloseCode::Away,
                        reason: "connection lifetime reached".into(),
                    })).await;
                    return true;
                }
                changed = tape.changed() => match changed {
                    Ok(()) => {
                        let latest = *tape.borrow_and_update();
                        let from = std::mem::replace(&mut sent_up_to, latest) + 1;
                        self.send_trades(&mut socket, from..=latest).await
                    }
                    Err(_) => Err(End::Gone),
                },
                message = socket.next() => match message {
                    Some(Ok(message)) => self.receive(&mut socket, message).await,
                    _ => Err(End::Gone),
                },
            };
            match end {
                Ok(()) => {}
                Err(End::Gone) => return false,
                Err(End::Cut { refusal, frame }) => {
                    if let Some(refusal) = refusal {
                        let _ = socket.send(Message::text(refusal.to_string())).await;
                    }
                    let _ = socket.close(Some(frame)).await;
                    return false;
                }
            }
        }
    }

    /// One incoming frame: counted against the message rate (text, binary, ping, pong),
    /// then answered.
    async fn receive(&mut self, socket: &mut Socket, message: Message) -> Result<(), End> {
        if message.is_close() {
            return Err(End::Gone);
        }
        let within = self.messages.record(Instant::now());
        if within > self.shared.config.messages_per_second {
            self.shared.violation(
                ViolationKind::TooManyMessages,
                self.peer,
                format!("{within} messages within 1s"),
            );
            return Err(End::Cut {
                refusal: None,
                frame: CloseFrame {
                    code: CloseCode::Policy,
                    reason: "Too many requests".into(),
                },
            });
        }
        let Message::Text(text) = message else {
            // Pings are answered by the WebSocket layer; pongs and binary need no answer.
            return Ok(());
        };
        let answer = self.request(text.as_str())?;
        socket
            .send(Message::text(answer.to_string()))
            .await
            .map_err(|_| End::Gone)
    }

    /// The documented requests:
    ///
    /// ```json
    /// {"method":"SUBSCRIBE","params":["btcusdt@aggTrade","btcusdt@depth"],"id":1}
    /// {"method":"UNSUBSCRIBE","params":["btcusdt@depth"],"id":312}
    /// {"method":"LIST_SUBSCRIPTIONS","id":3}
    /// ```
    ///
    /// answered `{"result":null,"id":1}` (`{"result":["btcusdt@aggTrade"],"id":3}` for the
    /// list); errors as documented, `{"code":3,"msg":"Invalid JSON: ..."}` for a request
    /// that does not parse and `{"error":{"code":2,"msg":"..."},"id":N}` for one refused. A
    /// `SUBSCRIBE` past the stream limit is refused so and cuts the connection.
    fn request(&mut self, text: &str) -> Result<Value, End> {
        let Ok(request) = serde_json::from_str::<Value>(text) else {
            return Ok(json!({"code": 3, "msg": "Invalid JSON: expected value"}));
        };
        let id = request.get("id").cloned().unwrap_or(Value::Null);
        let params: Option<Vec<String>> = request.get("params").map(|params| {
            params
                .as_array()
                .map(|list| {
                    list.iter()
                        .filter_map(|p| p.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        });
        let refused = |msg: &str| json!({"error": {"code": 2, "msg": msg}, "id": id});
        match request.get("method").and_then(Value::as_str) {
            Some("SUBSCRIBE") => {
                let Some(params) = params.filter(|p| !p.is_empty()) else {
                    return Ok(refused("Invalid request: missing field `params`"));
                };
                let after = self.streams.len()
                    + params.iter().filter(|s| !self.streams.contains(*s)).count();
                let limit = self.shared.config.streams_per_connection;
                if after > limit {
                    self.shared.violation(
                        ViolationKind::TooManyStreams,
                        self.peer,
                        format!("{after} streams (limit {limit})"),
                    );
                    return Err(End::Cut {
                        refusal: Some(refused(&format!(
                            "Invalid request: more than {limit} streams for one connection"
                        ))),
                        frame: CloseFrame {
                            code: CloseCode::Policy,
                            reason: "Too many streams".into(),
                        },
                    });
                }
                self.streams.extend(params);
                let streams = self.streams.len();
                if let Some(connection) = self.shared.record().connections.get_mut(self.index) {
                    connection.max_streams = connection.max_streams.max(streams);
                    connection.streams.clone_from(&self.streams);
                    connection.last_subscribed = Some(Instant::now());
                }
                Ok(json!({"result": null, "id": id}))
            }
            Some("UNSUBSCRIBE") => {
                for stream in params.unwrap_or_default() {
                    self.streams.remove(&stream);
                }
                if let Some(connection) = self.shared.record().connections.get_mut(self.index) {
                    connection.streams.clone_from(&self.streams);
                }
                Ok(json!({"result": null, "id": id}))
            }
            Some("LIST_SUBSCRIPTIONS") => {
                Ok(json!({"result": self.streams.iter().collect::<Vec<_>>(), "id": id}))
            }
            _ => Ok(refused("Invalid request: unknown variant")),
        }
    }

    /// Trades `ids` of the tape for every subscribed `<symbol>@aggTrade` stream of a listed
    /// symbol, as documented; every connection gets the same ids for the same trades:
    ///
    /// ```json
    /// {"e":"aggTrade","E":1672515782136,"s":"BNBBTC","a":12345,"p":"0.001","q":"100",
    ///  "f":100,"l":105,"T":1672515782136,"m":true,"M":true}
    /// ```
    async fn send_trades(
        &mut self,
        socket: &mut Socket,
        ids: std::ops::RangeInclusive<u64>,
    ) -> Result<(), End> {
        let symbols: Vec<&String> = self
            .streams
            .iter()
            .filter_map(|stream| stream.strip_suffix("@aggTrade"))
            .filter_map(|symbol| self.shared.symbols.get(symbol))
            .collect();
        if symbols.is_empty() {
            return Ok(());
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| {
                u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
            });
        let frames: Vec<String> = {
            let mut record = self.shared.record();
            let mut frames = Vec::new();
            for id in ids {
                for symbol in &symbols {
                    let last = record.last_trade_id.entry((*symbol).clone()).or_insert(0);
                    *last = (*last).max(id);
                    frames.push(agg_trade(symbol, id, now));
                }
            }
            frames
        };
        for frame in frames {
            socket
                .feed(Message::text(frame))
                .await
                .map_err(|_| End::Gone)?;
        }
        socket.flush().await.map_err(|_| End::Gone)
    }
}

/// The `aggTrade` event of trade `id` of `symbol` at `millis`: a price and quantity that
/// vary with the id (exact decimal text), the buyer the maker on odd ids.
fn agg_trade(symbol: &str, id: u64, millis: u64) -> String {
    let price = format!("{}.{:08}", 100 + id % 50, (id * 7919) % 100_000_000);
    let quantity = format!("{}.{:05}", 1 + id % 3, (id * 31) % 100_000);
    json!({
        "e": "aggTrade",
        "E": millis,
        "s": symbol,
        "a": id,
        "p": price,
        "q": quantity,
        "f": id * 2,
        "l": id * 2 + 1,
        "T": millis,
        "m": id % 2 == 1,
        "M": true,
    })
    .to_string()
}
