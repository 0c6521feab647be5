//! A scripted stand-in for a real exchange: an HTTPS server answering the market list
//! request, and a `wss://` server that records what the client sends and answers each
//! message with frames the test scripts (acks, trades, heartbeats, errors).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use crate::certs::TestCertificate;
use crate::http_server::{start_http_server, CannedResponse};
use crate::listener::LoopbackServer;
use crate::ws_server::start_ws_server;

/// What the stand-in sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerFrame {
    /// A text frame.
    Text(String),
    /// A binary frame (venues that compress every frame: HTX's gzip).
    Binary(Vec<u8>),
    /// A WebSocket ping (the client must answer with a pong).
    Ping,
    /// Close the connection (a close frame, then the socket).
    Close,
}

impl From<&str> for ServerFrame {
    fn from(text: &str) -> Self {
        ServerFrame::Text(text.to_owned())
    }
}

impl From<String> for ServerFrame {
    fn from(text: String) -> Self {
        ServerFrame::Text(text)
    }
}

/// Answers one client message with frames.
pub type MessageScript = Arc<dyn Fn(&str) -> Vec<ServerFrame> + Send + Sync>;

/// How the stand-in behaves.
#[derive(Clone)]
pub struct ExchangeScript {
    /// REST path (without query) of the market list, e.g. `/api/v3/exchangeInfo`.
    pub markets_path: String,
    /// The market list response.
    pub markets: CannedResponse,
    /// Frames sent as soon as a client connects (welcome or status messages).
    pub on_connect: Vec<ServerFrame>,
    /// The answer to each text message the client sends.
    pub on_message: MessageScript,
}

/// A running stand-in exchange on 127.0.0.1.
pub struct ScriptedExchange {
    /// The certificate its TLS servers use (trust `cert.ca_file()`).
    pub cert: TestCertificate,
    /// The REST server.
    pub rest: LoopbackServer,
    /// The WebSocket server.
    pub websocket: LoopbackServer,
    received: Arc<Mutex<Vec<String>>>,
    pongs: Arc<Mutex<usize>>,
}

impl ScriptedExchange {
    /// Starts the REST (https) and WebSocket (wss) servers.
    ///
    /// # Errors
    /// When a certificate cannot be made or a port bound.
    pub async fn start(
        script: ExchangeScript,
    ) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let cert = TestCertificate::generate()?;
        let mut routes = HashMap::new();
        routes.insert(script.markets_path.clone(), script.markets.clone());
        let rest = start_http_server(localhost, Some(cert.server_config()), routes).await?;
        let received = Arc::new(Mutex::new(Vec::new()));
        let pongs = Arc::new(Mutex::new(0));
        let (log, pong_count) = (Arc::clone(&received), Arc::clone(&pongs));
        let websocket = start_ws_server(
            localhost,
            Some(cert.server_config()),
            move |mut socket, _peer| {
                let (log, pong_count, script) =
                    (Arc::clone(&log), Arc::clone(&pong_count), script.clone());
                async move {
                    for frame in &script.on_connect {
                        if send(&mut socket, frame).await.is_err() {
                            return;
                        }
                    }
                    while let Some(Ok(message)) = socket.next().await {
                        match message {
                            Message::Text(text) => {
                                if let Ok(mut log) = log.lock() {
                                    log.push(text.to_string());
                                }
                                for frame in (script.on_message)(text.as_str()) {
                                    if send(&mut socket, &frame).await.is_err() {
                                        return;
                                    }
                                }
                            }
                            Message::Pong(_) => {
                                if let Ok(mut count) = pong_count.lock() {
                                    *count += 1;
                                }
                            }
                            Message::Close(_) => return,
                            _ => {}
                        }
                    }
                }
            },
        )
        .await?;
        Ok(ScriptedExchange {
            cert,
            rest,
            websocket,
            received,
            pongs,
        })
    }

    /// `https://localhost:PORT` (no trailing slash).
    #[must_use]
    pub fn rest_base(&self) -> String {
        format!("https://localhost:{}", self.rest.port())
    }

    /// `wss://localhost:PORT` + `path`.
    #[must_use]
    pub fn websocket_url(&self, path: &str) -> String {
        format!("wss://localhost:{}{path}", self.websocket.port())
    }

    /// Every text message clients sent, in order.
    #[must_use]
    pub fn received(&self) -> Vec<String> {
        self.received
            .lock()
            .map(|log| log.clone())
            .unwrap_or_default()
    }

    /// How many pongs clients sent (answers to [`ServerFrame::Ping`]).
    #[must_use]
    pub fn pongs(&self) -> usize {
        self.pongs.lock().map(|count| *count).unwrap_or_default()
    }
}

async fn send(socket: &mut crate::ws_server::ServerSocket, frame: &ServerFrame) -> Result<(), ()> {
    let message = match frame {
        ServerFrame::Text(text) => Message::text(text.clone()),
        ServerFrame::Binary(bytes) => Message::binary(bytes.clone()),
        ServerFrame::Ping => Message::Ping(b"keepalive".to_vec().into()),
        ServerFrame::Close => {
            let _ = socket.close(None).await;
            return Err(());
        }
    };
    socket.send(message).await.map_err(|_| ())
}
