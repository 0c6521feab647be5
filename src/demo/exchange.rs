//! The simulated exchange: Binance's REST market list over HTTPS and its aggTrade stream
//! over WSS, on loopback ports, so the demo exercises the real code path (market list,
//! subscription, frames, normalization, callbacks) with no internet.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use rustls::ServerConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_tungstenite::tungstenite::Message;

use super::market::{exchange_info, PriceWalk, MARKETS};

/// The running simulator.
pub struct SimulatedExchange {
    /// `https://127.0.0.1:PORT`.
    pub rest_base: String,
    /// `wss://127.0.0.1:PORT/ws`.
    pub websocket_url: String,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for SimulatedExchange {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl SimulatedExchange {
    /// Starts both servers on 127.0.0.1; the stream sends about `trades_per_second`.
    ///
    /// # Errors
    /// When a loopback port cannot be bound.
    pub async fn start(tls: Arc<ServerConfig>, trades_per_second: f64) -> std::io::Result<Self> {
        let acceptor = TlsAcceptor::from(tls);
        let rest = TcpListener::bind("127.0.0.1:0").await?;
        let websocket = TcpListener::bind("127.0.0.1:0").await?;
        let rest_base = format!("https://{}", rest.local_addr()?);
        let websocket_url = format!("wss://{}/ws", websocket.local_addr()?);
        let interval = Duration::from_secs_f64(1.0 / trades_per_second.clamp(0.1, 100_000.0));
        let tasks = vec![
            tokio::spawn(accept_loop(
                rest,
                acceptor.clone(),
                |stream, _| async move {
                    let _ = serve_rest(stream).await;
                },
            )),
            tokio::spawn(accept_loop(
                websocket,
                acceptor,
                move |stream, peer| async move {
                    if let Err(error) = serve_stream(stream, interval).await {
                        tracing::debug!(%peer, %error, "simulated stream ended");
                    }
                },
            )),
        ];
        Ok(SimulatedExchange {
            rest_base,
            websocket_url,
            tasks,
        })
    }
}

type TlsStream = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;

async fn accept_loop<H, F>(listener: TcpListener, acceptor: TlsAcceptor, handler: H)
where
    H: Fn(TlsStream, SocketAddr) -> F + Send + Sync + Copy + 'static,
    F: std::future::Future<Output = ()> + Send + 'static,
{
    while let Ok((tcp, peer)) = listener.accept().await {
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            if let Ok(stream) = acceptor.accept(tcp).await {
                handler(stream, peer).await;
            }
        });
    }
}

/// Answers `GET /api/v3/exchangeInfo` (any query) and nothing else.
async fn serve_rest(mut stream: TlsStream) -> std::io::Result<()> {
    let mut head = Vec::with_capacity(1024);
    let mut buffer = [0_u8; 1024];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") && head.len() < 16 * 1024 {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let request = String::from_utf8_lossy(&head);
    let path = request.split_whitespace().nth(1).unwrap_or("/");
    let (status, body) = if path.starts_with("/api/v3/exchangeInfo") {
        ("200 OK", exchange_info())
    } else {
        (
            "404 Not Found",
            r#"{"code":-1,"msg":"not found"}"#.to_owned(),
        )
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// Waits for a documented `SUBSCRIBE` of `<symbol>@aggTrade` streams, acknowledges it, then
/// streams trades of the subscribed markets, with Binance's ping every 20 s.
async fn serve_stream(
    stream: TlsStream,
    interval: Duration,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut socket = tokio_tungstenite::accept_async(stream).await?;
    let mut walks: Vec<PriceWalk> = Vec::new();
    let mut ticker = tokio::time::interval(interval);
    let mut pinger = tokio::time::interval(Duration::from_secs(20));
    loop {
        tokio::select! {
            message = socket.next() => match message {
                Some(Ok(Message::Text(text))) => {
                    let (reply, subscribed) = subscribe(text.as_str());
                    walks.extend(subscribed);
                    socket.send(Message::text(reply)).await?;
                }
                Some(Ok(Message::Close(_))) | None => return Ok(()),
                Some(Ok(_)) => {}
                Some(Err(error)) => return Err(error.into()),
            },
            _ = ticker.tick(), if !walks.is_empty() => {
                let index = fastrand::usize(..walks.len());
                let frame = walks[index].next_frame();
                socket.send(Message::text(frame)).await?;
            }
            _ = pinger.tick() => socket.send(Message::Ping(Vec::new().into())).await?,
        }
    }
}

/// The reply to a client message and the markets it subscribes to.
fn subscribe(message: &str) -> (String, Vec<PriceWalk>) {
    let error = |msg: &str| {
        (
            serde_json::json!({"code": 2, "msg": msg}).to_string(),
            Vec::new(),
        )
    };
    let Ok(request) = serde_json::from_str::<serde_json::Value>(message) else {
        return error("Invalid JSON");
    };
    if request["method"] != "SUBSCRIBE" {
        return error("Invalid request: only SUBSCRIBE is simulated");
    }
    let Some(params) = request["params"].as_array() else {
        return error("Invalid request: missing field `params`");
    };
    let mut walks = Vec::new();
    for stream in params.iter().filter_map(serde_json::Value::as_str) {
        let symbol = stream.strip_suffix("@aggTrade").unwrap_or_default();
        if let Some(market) = MARKETS
            .iter()
            .find(|market| market.symbol.eq_ignore_ascii_case(symbol))
        {
            walks.push(PriceWalk::new(*market));
        }
    }
    let ack = serde_json::json!({"result": null, "id": request["id"]}).to_string();
    (ack, walks)
}
