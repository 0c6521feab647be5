//! The [`Feed`] trait: what an exchange implementation provides to the runtime.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use feed_proxy::ProxySettings;
use rust_decimal::Decimal;

use crate::connect::{ConnectError, ExchangeConnector};
use crate::types::Trade;

/// Why a feed could not start or a frame could not be used.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FeedError {
    /// A connection failed (with exchange, route and stage).
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// The feed's setup is impossible: unknown symbol, unsupported channel, bad market list.
    #[error("{message}")]
    Setup {
        /// The exchange id.
        exchange: String,
        /// What is wrong.
        message: String,
    },
}

/// A frame that could not be turned into events; it is counted and skipped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Not the JSON shape the exchange documents.
    #[error("malformed frame: {0}")]
    Malformed(String),
    /// The exchange reported an error (bad subscription, rate limit, ...).
    #[error("the exchange reported an error: {0}")]
    Exchange(String),
}

/// A keep-alive the exchange requires from the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeepAlive {
    /// Send this text message every `interval` (OKX `ping`, Bybit `{"op":"ping"}`).
    Text {
        /// How often.
        interval: Duration,
        /// What to send.
        message: String,
    },
    /// Send a WebSocket ping frame every `interval`.
    PingFrame {
        /// How often.
        interval: Duration,
    },
}

/// What a frame asks of the connection besides its trades.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrameReply {
    /// A text message to send back (answers to application-level pings).
    pub send: Option<String>,
}

impl FrameReply {
    /// Nothing to send.
    pub const NONE: FrameReply = FrameReply { send: None };
}

/// An exchange feed: where to connect, what to send, how to read what comes back.
///
/// The runtime owns the connection; a feed never opens sockets or looks at proxies. It
/// gets an [`ExchangeConnector`] in [`Feed::prepare`] for REST calls (market lists), which
/// takes the exchange's HTTP route by itself.
#[async_trait]
pub trait Feed: Send + 'static {
    /// The exchange id (lower case): selects proxy routes and names the feed in logs.
    fn exchange_id(&self) -> &str;

    /// Proxy settings of this feed alone; `None` (the default) uses the process-wide ones.
    fn proxy_settings(&self) -> Option<Arc<ProxySettings>> {
        None
    }

    /// Called once before the first connection: load market lists, map symbols.
    ///
    /// # Errors
    /// [`FeedError`] when the feed cannot start (this stops it before any connection).
    async fn prepare(&mut self, connector: &ExchangeConnector) -> Result<(), FeedError>;

    /// The WebSocket URL to connect (and reconnect) to.
    fn websocket_url(&self) -> String;

    /// The messages to send after every (re)connection to subscribe.
    fn subscribe_messages(&self) -> Vec<String>;

    /// The client keep-alive the exchange requires, if any.
    fn keep_alive(&self) -> Option<KeepAlive> {
        None
    }

    /// Turns one text frame into trades (appended to `out`), stamped with `receipt`.
    /// Frames without trades (acks, heartbeats) add nothing.
    ///
    /// # Errors
    /// [`FrameError`] for a frame that cannot be used; the runtime logs, counts and skips it.
    fn parse_frame(
        &mut self,
        frame: &str,
        receipt: Decimal,
        out: &mut Vec<Trade>,
    ) -> Result<FrameReply, FrameError>;
}
