//! The [`Feed`] trait and the per-connection [`FeedSession`]: what an exchange
//! implementation provides to the runtime.
//!
//! A feed describes the exchange (where to connect, its keep-alive) and makes one
//! [`FeedSession`] per connection. A session does no I/O: the runtime hands it what
//! happened (the connection opened, a frame arrived, a REST response came back, a second
//! passed, the connection closed) and it answers with [`Event`]s to deliver and
//! [`Action`]s for the runtime to perform (send a message, make a REST request over the
//! exchange's HTTP route, reconnect). That makes a session testable with plain function
//! calls and replayable from a recording.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use feed_proxy::ProxySettings;
use rust_decimal::Decimal;

use super::stats::SubscriptionCounts;
use crate::connect::{ConnectError, ExchangeConnector};
use crate::types::Event;

/// Why a feed could not start or a frame could not be used.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FeedError {
    /// A connection failed (with exchange, route and stage).
    #[error(transparent)]
    Connect(#[from] ConnectError),
    /// The feed's setup is impossible: unknown symbol, unsupported channel, bad market list,
    /// a subscription the exchange rejected.
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
    /// Not the shape the exchange documents.
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

/// One WebSocket data frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame<'a> {
    /// A text frame.
    Text(&'a str),
    /// A binary frame (compressed or protobuf payloads).
    Binary(&'a [u8]),
}

/// The HTTP method of a [`HttpRequest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    /// GET.
    Get,
    /// POST (with an optional JSON body).
    Post,
}

/// A REST request the runtime makes over the exchange's HTTP route (same proxy rules as
/// every other connection of the exchange); its answer comes back through
/// [`FeedSession::response`] with the same `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Chosen by the session, to match the response.
    pub id: u64,
    /// GET or POST.
    pub method: HttpMethod,
    /// The full URL.
    pub url: String,
    /// A JSON body for POST.
    pub body: Option<String>,
    /// What the venue counts the request as against its REST budget per address
    /// ([`super::VenueLimits::rest_weight_per_egress`]); 1 for unweighted venues.
    pub weight: u32,
}

/// What a session asks the runtime to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Send a text message on the connection.
    Send(String),
    /// Make a REST request over the exchange's HTTP route.
    Request(HttpRequest),
    /// Close this connection and open a new one (with a new session).
    Reconnect(String),
}

/// Where a session puts what it produced; the runtime empties it after every call.
#[derive(Debug, Default)]
pub struct SessionOutput {
    /// Events to deliver, in order.
    pub events: Vec<Event>,
    /// Actions to perform, in order.
    pub actions: Vec<Action>,
}

impl SessionOutput {
    /// Queues an event.
    pub fn event(&mut self, event: impl Into<Event>) {
        self.events.push(event.into());
    }

    /// Queues a text message to send.
    pub fn send(&mut self, message: impl Into<String>) {
        self.actions.push(Action::Send(message.into()));
    }

    /// Queues a REST request.
    pub fn request(&mut self, request: HttpRequest) {
        self.actions.push(Action::Request(request));
    }

    /// Empties both lists, keeping their capacity.
    pub fn clear(&mut self) {
        self.events.clear();
        self.actions.clear();
    }
}

/// The answer to a [`HttpRequest`]: the body of a 2xx response, or why there was none.
pub type HttpResult = Result<Bytes, String>;

/// One connection's protocol state: subscriptions, acknowledgements, sequence numbers and
/// books. It never touches sockets or timers; see the module docs.
pub trait FeedSession: Send {
    /// The connection is open: subscribe (queue [`Action::Send`]s).
    fn open(&mut self, now: Decimal, out: &mut SessionOutput);

    /// One data frame, stamped with its arrival time.
    ///
    /// # Errors
    /// [`FrameError`] for a frame that cannot be used: the runtime logs and counts it, and
    /// drops whatever the call had queued (a frame either counts whole or not at all).
    fn frame(
        &mut self,
        frame: Frame<'_>,
        receipt: Decimal,
        out: &mut SessionOutput,
    ) -> Result<(), FrameError>;

    /// The answer to the [`HttpRequest`] with this `id`.
    fn response(
        &mut self,
        _id: u64,
        _result: HttpResult,
        _receipt: Decimal,
        _out: &mut SessionOutput,
    ) {
    }

    /// Called about once a second: acknowledgement timeouts, retries, polls.
    fn tick(&mut self, _now: Decimal, _out: &mut SessionOutput) {}

    /// The connection closed: `reason` is `None` for a requested shutdown, else why it was
    /// lost (the session reports gaps for the data it carried).
    fn closed(&mut self, _reason: Option<&str>, _now: Decimal, _out: &mut SessionOutput) {}

    /// True while subscriptions wait for the exchange's acknowledgement. At start-up the
    /// runtime holds the feed's events until this turns false, so that a rejected
    /// subscription stops the start before any data is delivered.
    fn awaiting_acknowledgements(&self) -> bool {
        false
    }

    /// How many subscriptions are active and pending, for metrics; `None` (the default)
    /// for a session that does not track them.
    fn subscriptions(&self) -> Option<SubscriptionCounts> {
        None
    }
}

/// An exchange feed: where to connect, its keep-alive, and a session per connection.
///
/// The runtime owns the connection; a feed never opens sockets or looks at proxies. It
/// gets an [`ExchangeConnector`] in [`Feed::prepare`] for REST calls (market lists), which
/// takes the exchange's HTTP route by itself.
#[async_trait]
pub trait Feed: Send + 'static {
    /// The exchange id (lower case): selects proxy routes and names the feed in logs.
    fn exchange_id(&self) -> &str;

    /// The exchange's name in events (`BINANCE`): the id in upper case unless overridden.
    fn exchange_name(&self) -> Arc<str> {
        self.exchange_id().to_ascii_uppercase().into()
    }

    /// The venue's documented limits the runtime keeps this feed under (pacing per
    /// connection and per egress address, renewal before a forced disconnect); none by
    /// default.
    fn limits(&self) -> super::VenueLimits {
        super::VenueLimits::none()
    }

    /// Proxy settings of this feed alone; `None` (the default) uses the process-wide ones.
    fn proxy_settings(&self) -> Option<Arc<ProxySettings>> {
        None
    }

    /// Called once before the first connection: load market lists, map symbols.
    ///
    /// # Errors
    /// [`FeedError`] when the feed cannot start (this stops it before any connection).
    async fn prepare(&mut self, connector: &ExchangeConnector) -> Result<(), FeedError>;

    /// How many connections the feed needs at once, asked once after [`Feed::prepare`]
    /// (a feed whose subscriptions exceed the venue's per-connection limit is split over
    /// several). Each is a slot `0..connections()`, connected, reconnected and renewed on
    /// its own; the methods below get the slot. Default 1.
    fn connections(&self) -> usize {
        1
    }

    /// Called before every connection attempt of slot `connection` (the first, each
    /// reconnect and each renewal), before [`Feed::websocket_url`]: for exchanges that hand
    /// out the WebSocket address over REST per connection (KuCoin's token and server list).
    /// Its REST calls take the exchange's HTTP route like every other. The default does
    /// nothing.
    ///
    /// # Errors
    /// [`FeedError`] when there is nowhere to connect: at start-up this stops the feed,
    /// on a reconnect it counts as a failed attempt (with backoff).
    async fn before_connect(
        &mut self,
        _connection: usize,
        _connector: &ExchangeConnector,
    ) -> Result<(), FeedError> {
        Ok(())
    }

    /// The WebSocket URL slot `connection` connects (and reconnects) to.
    fn websocket_url(&self, connection: usize) -> String;

    /// The client keep-alive the exchange requires on slot `connection`, if any.
    fn keep_alive(&self, _connection: usize) -> Option<KeepAlive> {
        None
    }

    /// A new session for a new connection of slot `connection` (called at every
    /// connection): it subscribes that slot's share of the feed.
    fn session(&mut self, connection: usize) -> Box<dyn FeedSession>;
}
