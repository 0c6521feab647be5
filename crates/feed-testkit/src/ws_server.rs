//! A WebSocket server for stream stand-ins: each connection is upgraded and given to a
//! handler that scripts what the "exchange" does.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use rustls::ServerConfig;
use tokio_tungstenite::WebSocketStream;

use crate::listener::{BoxedIo, LoopbackServer};

/// The server side of one WebSocket connection.
pub type ServerSocket = WebSocketStream<BoxedIo>;

/// Starts a `ws://` (or `wss://`, with `tls`) server on `bind`; `handler` runs for every
/// upgraded connection.
///
/// # Errors
/// When the address cannot be bound.
pub async fn start_ws_server<H, F>(
    bind: IpAddr,
    tls: Option<Arc<ServerConfig>>,
    handler: H,
) -> std::io::Result<LoopbackServer>
where
    H: Fn(ServerSocket, SocketAddr) -> F + Send + Sync + 'static,
    F: Future<Output = ()> + Send + 'static,
{
    let handler = Arc::new(handler);
    LoopbackServer::start(bind, tls, move |io, peer| {
        let handler = Arc::clone(&handler);
        Box::pin(async move {
            if let Ok(socket) = tokio_tungstenite::accept_async(io).await {
                handler(socket, peer).await;
            }
        })
    })
    .await
}

/// A handler that echoes text and binary messages back until the client closes.
pub async fn echo(mut socket: ServerSocket, _peer: SocketAddr) {
    use futures_util::{SinkExt, StreamExt};
    while let Some(Ok(message)) = socket.next().await {
        if message.is_text() || message.is_binary() {
            if socket.send(message).await.is_err() {
                break;
            }
        } else if message.is_close() {
            break;
        }
    }
}
