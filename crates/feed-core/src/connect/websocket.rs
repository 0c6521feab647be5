//! The WebSocket upgrade over an open stream, with bounded frame and message sizes.

use std::time::Duration;

use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::WebSocketStream;
use url::Url;

use super::error::ConnectStage;
use super::stream::ExchangeStream;
use super::tunnel::within;

/// A WebSocket to an exchange, over whatever route it took.
pub type ExchangeWebSocket = WebSocketStream<ExchangeStream>;

/// Limits on what an exchange may send in one piece.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebSocketLimits {
    /// The largest message (after reassembling fragments), in bytes.
    pub max_message_size: usize,
    /// The largest single frame, in bytes.
    pub max_frame_size: usize,
}

impl Default for WebSocketLimits {
    fn default() -> Self {
        WebSocketLimits {
            max_message_size: 16 << 20,
            max_frame_size: 16 << 20,
        }
    }
}

/// Upgrades `stream` to a WebSocket for `url` within `limit`.
///
/// # Errors
/// [`ConnectStage::WebSocketHandshake`] when the server refuses the upgrade (with its HTTP
/// status), [`ConnectStage::Timeout`] when it takes too long.
pub async fn upgrade(
    url: &Url,
    stream: ExchangeStream,
    limits: WebSocketLimits,
    limit: Duration,
) -> Result<ExchangeWebSocket, ConnectStage> {
    let config = WebSocketConfig::default()
        .max_message_size(Some(limits.max_message_size))
        .max_frame_size(Some(limits.max_frame_size));
    within(limit, "in the WebSocket handshake", async {
        tokio_tungstenite::client_async_with_config(url.as_str(), stream, Some(config))
            .await
            .map(|(socket, _response)| socket)
            .map_err(|error| ConnectStage::WebSocketHandshake(describe(&error)))
    })
    .await
}

fn describe(error: &tokio_tungstenite::tungstenite::Error) -> String {
    match error {
        tokio_tungstenite::tungstenite::Error::Http(response) => {
            format!("the server answered HTTP {}", response.status())
        }
        other => other.to_string(),
    }
}
