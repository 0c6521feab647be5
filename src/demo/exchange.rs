//! The simulated exchange: Binance's REST market list and depth snapshots over HTTPS, and its
//! aggTrade and diff depth streams over WSS, on loopback ports, so the demo exercises the
//! real code path (market list, subscription, acknowledgement, frames, book
//! synchronization, normalization, callbacks) with no internet.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use rustls::ServerConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_tungstenite::tungstenite::Message;

use super::market::{exchange_info, MarketSim, MARKETS};

/// Every market's simulation, shared by the REST server and every stream.
type Markets = Arc<Mutex<Vec<MarketSim>>>;

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
        let markets: Markets = Arc::new(Mutex::new(
            MARKETS
                .iter()
                .map(|market| MarketSim::new(*market))
                .collect(),
        ));
        let (rest_markets, stream_markets, churn_markets) =
            (Arc::clone(&markets), Arc::clone(&markets), markets);
        let tasks = vec![
            tokio::spawn(accept_loop(rest, acceptor.clone(), move |stream, _| {
                let markets = Arc::clone(&rest_markets);
                async move {
                    let _ = serve_rest(stream, &markets).await;
                }
            })),
            tokio::spawn(accept_loop(websocket, acceptor, move |stream, peer| {
                let markets = Arc::clone(&stream_markets);
                async move {
                    if let Err(error) = serve_stream(stream, interval, &markets).await {
                        tracing::debug!(%peer, %error, "simulated stream ended");
                    }
                }
            })),
            tokio::spawn(async move {
                // The books churn on their own, ten times a second.
                let mut ticker = tokio::time::interval(Duration::from_millis(100));
                loop {
                    ticker.tick().await;
                    if let Ok(mut markets) = churn_markets.lock() {
                        markets.iter_mut().for_each(MarketSim::churn);
                    }
                }
            }),
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
    H: Fn(TlsStream, SocketAddr) -> F + Send + Sync + Clone + 'static,
    F: std::future::Future<Output = ()> + Send + 'static,
{
    while let Ok((tcp, peer)) = listener.accept().await {
        let (acceptor, handler) = (acceptor.clone(), handler.clone());
        tokio::spawn(async move {
            if let Ok(stream) = acceptor.accept(tcp).await {
                handler(stream, peer).await;
            }
        });
    }
}

/// Answers `GET /api/v3/exchangeInfo` (any query) and `GET /api/v3/depth?symbol=S&limit=N`
/// (the book's current state), nothing else.
async fn serve_rest(mut stream: TlsStream, markets: &Markets) -> std::io::Result<()> {
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
    } else if let Some(body) = depth_snapshot(path, markets) {
        ("200 OK", body)
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

/// The snapshot a `/api/v3/depth?symbol=S&limit=N` request asks for.
fn depth_snapshot(target: &str, markets: &Markets) -> Option<String> {
    let query = target.strip_prefix("/api/v3/depth?")?;
    let parameter = |name: &str| {
        query.split('&').find_map(|pair| {
            pair.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('='))
        })
    };
    let symbol = parameter("symbol")?;
    let limit = parameter("limit")
        .and_then(|limit| limit.parse().ok())
        .unwrap_or(100_usize);
    let markets = markets.lock().ok()?;
    let market = markets
        .iter()
        .find(|market| market.symbol().eq_ignore_ascii_case(symbol))?;
    Some(market.snapshot(limit.min(5000)))
}

/// What one connection subscribed to: markets (by index) whose trades it gets, and markets
/// whose depth diffs it gets with the last update id sent.
#[derive(Default)]
struct Subscribed {
    trades: Vec<usize>,
    depth: HashMap<usize, u64>,
}

/// Waits for documented `SUBSCRIBE`s of `<symbol>@aggTrade` and `<symbol>@depth@100ms`
/// streams, acknowledges each, then streams trades of the subscribed markets (taking
/// liquidity from their books) and every 100 ms the depth diffs, with Binance's ping every
/// 20 s.
async fn serve_stream(
    stream: TlsStream,
    interval: Duration,
    markets: &Markets,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut socket = tokio_tungstenite::accept_async(stream).await?;
    let mut subscribed = Subscribed::default();
    let mut trade_ticker = tokio::time::interval(interval);
    let mut depth_ticker = tokio::time::interval(Duration::from_millis(100));
    let mut pinger = tokio::time::interval(Duration::from_secs(20));
    loop {
        let frames: Vec<String> = tokio::select! {
            message = socket.next() => match message {
                Some(Ok(Message::Text(text))) => vec![subscribe(text.as_str(), &mut subscribed, markets)],
                Some(Ok(Message::Close(_))) | None => return Ok(()),
                Some(Ok(_)) => continue,
                Some(Err(error)) => return Err(error.into()),
            },
            _ = trade_ticker.tick(), if !subscribed.trades.is_empty() => {
                let index = subscribed.trades[fastrand::usize(..subscribed.trades.len())];
                markets.lock().ok().and_then(|mut markets| markets[index].trade_frame()).into_iter().collect()
            }
            _ = depth_ticker.tick(), if !subscribed.depth.is_empty() => {
                let Ok(markets) = markets.lock() else { continue };
                subscribed
                    .depth
                    .iter_mut()
                    .filter_map(|(index, sent)| {
                        let (frame, last) = markets[*index].depth_frame(*sent)?;
                        *sent = last;
                        Some(frame)
                    })
                    .collect()
            }
            _ = pinger.tick() => {
                socket.send(Message::Ping(Vec::new().into())).await?;
                continue;
            }
        };
        for frame in frames {
            socket.send(Message::text(frame)).await?;
        }
    }
}

/// The reply to a client message, recording what it subscribes to.
fn subscribe(message: &str, subscribed: &mut Subscribed, markets: &Markets) -> String {
    let error = |msg: &str| serde_json::json!({"code": 2, "msg": msg}).to_string();
    let Ok(request) = serde_json::from_str::<serde_json::Value>(message) else {
        return error("Invalid JSON");
    };
    if request["method"] != "SUBSCRIBE" {
        return error("Invalid request: only SUBSCRIBE is simulated");
    }
    let Some(params) = request["params"].as_array() else {
        return error("Invalid request: missing field `params`");
    };
    let Ok(markets) = markets.lock() else {
        return error("Internal error");
    };
    for stream in params.iter().filter_map(serde_json::Value::as_str) {
        let (symbol, kind) = stream.split_once('@').unwrap_or((stream, ""));
        let Some(index) = markets
            .iter()
            .position(|market| market.symbol().eq_ignore_ascii_case(symbol))
        else {
            continue; // Binance accepts unknown streams silently
        };
        match kind {
            "aggTrade" if !subscribed.trades.contains(&index) => subscribed.trades.push(index),
            "depth@100ms" => {
                subscribed
                    .depth
                    .entry(index)
                    .or_insert_with(|| markets[index].update_id());
            }
            _ => {}
        }
    }
    serde_json::json!({"result": null, "id": request["id"]}).to_string()
}
