//! A minimal HTTP/1.1 server for REST stand-ins: fixed responses by path, one request per
//! connection (`Connection: close`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use rustls::ServerConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::listener::{BoxedIo, LoopbackServer};

/// A canned response.
#[derive(Debug, Clone)]
pub struct CannedResponse {
    /// Status code.
    pub status: u16,
    /// Body (sent as `application/json`).
    pub body: String,
}

impl CannedResponse {
    /// A 200 response with this body.
    #[must_use]
    pub fn ok(body: impl Into<String>) -> Self {
        CannedResponse {
            status: 200,
            body: body.into(),
        }
    }
}

/// Starts an HTTP (or HTTPS, with `tls`) server on `bind` answering `routes` by request path
/// (without the query); other paths get 404.
///
/// # Errors
/// When the address cannot be bound.
pub async fn start_http_server(
    bind: IpAddr,
    tls: Option<Arc<ServerConfig>>,
    routes: HashMap<String, CannedResponse>,
) -> std::io::Result<LoopbackServer> {
    start_dynamic_http_server(bind, tls, move |target: &str| {
        let path = target.split('?').next().unwrap_or("/");
        routes.get(path).cloned()
    })
    .await
}

/// A responder of a dynamic server: the request target (path and query) to a response;
/// `None` answers 404.
pub type Responder = dyn Fn(&str) -> Option<CannedResponse> + Send + Sync;

/// Starts an HTTP(S) server whose answers `respond` computes from the request target (path
/// and query) at request time: stand-ins serving the current state of a simulated book.
///
/// # Errors
/// When the address cannot be bound.
pub async fn start_dynamic_http_server(
    bind: IpAddr,
    tls: Option<Arc<ServerConfig>>,
    respond: impl Fn(&str) -> Option<CannedResponse> + Send + Sync + 'static,
) -> std::io::Result<LoopbackServer> {
    let respond: Arc<Responder> = Arc::new(respond);
    LoopbackServer::start(bind, tls, move |io, _peer| {
        let respond = Arc::clone(&respond);
        Box::pin(async move {
            let _ = answer(io, &*respond).await;
        })
    })
    .await
}

async fn answer(mut io: BoxedIo, respond: &Responder) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut buffer = [0_u8; 1024];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        let read = io.read(&mut buffer).await?;
        if read == 0 || head.len() > 64 * 1024 {
            return Ok(());
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let head = String::from_utf8_lossy(&head);
    let target = head.split_whitespace().nth(1).unwrap_or("/");
    let response = respond(target).unwrap_or(CannedResponse {
        status: 404,
        body: "{\"error\":\"not found\"}".into(),
    });
    let reply = format!(
        "HTTP/1.1 {} Canned\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        response.status,
        response.body.len(),
        response.body
    );
    io.write_all(reply.as_bytes()).await?;
    io.flush().await?;
    io.shutdown().await
}
