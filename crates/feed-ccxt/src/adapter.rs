//! [`ExchangeAdapter`]: the contract one exchange implements to become a feed.
//!
//! An adapter is stateless: it describes the exchange's documented wire format (endpoints,
//! market list, subscribe messages, keep-alive, the book synchronization rules) and parses
//! frames into a [`ParsedFrame`]. The per-connection state — acknowledgements, books,
//! sequence checks, snapshots, resyncs — lives in [`crate::CcxtSession`], written once
//! for every exchange; connecting and reconnecting is the runtime's.

use std::sync::Arc;

use feed_core::book::{BookBatch, BookParams, BookRules};
use feed_core::runtime::{FrameError, KeepAlive, VenueLimits};
use feed_core::{Channel, Symbol};
use rust_decimal::Decimal;

use crate::error::AdapterError;
use crate::markets::{Market, MarketMap};
use crate::parsed::ParsedFrame;

/// The exchange's documented base URLs (each replaceable per feed with `endpoints:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultEndpoints {
    /// REST base URL, e.g. `https://api.binance.com`.
    pub rest: &'static str,
    /// WebSocket URL, e.g. `wss://stream.binance.com:9443/ws`.
    pub websocket: &'static str,
}

/// One subscription: a channel of a market, with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// What kind of data.
    pub channel: Channel,
    /// The normalized symbol.
    pub symbol: Symbol,
    /// The exchange's name for the market.
    pub exchange_symbol: String,
    /// A number unique within the feed (from 1): adapters use it for request ids.
    pub id: u64,
    /// For `L2_BOOK`: levels per side to deliver (`book_depth`).
    pub book_depth: usize,
    /// For `L2_BOOK` on fixed-depth streams: the depth to subscribe with, when given (a
    /// replay of a recording made at that depth); else the adapter picks one from
    /// `book_depth`.
    pub stream_depth: Option<usize>,
    /// For `CANDLES`: the interval as configured (`1m`), one of the adapter's
    /// [`ExchangeAdapter::candle_intervals`].
    pub candle_interval: Arc<str>,
}

impl Subscription {
    /// A subscription with id 1 and the default book depth (for tests and examples).
    #[must_use]
    pub fn new(channel: Channel, symbol: Symbol, exchange_symbol: impl Into<String>) -> Self {
        Subscription {
            channel,
            symbol,
            exchange_symbol: exchange_symbol.into(),
            id: 1,
            book_depth: crate::DEFAULT_BOOK_DEPTH,
            stream_depth: None,
            candle_interval: crate::DEFAULT_CANDLE_INTERVAL.into(),
        }
    }

    /// The stream depth: the one given, else `pick(book_depth)` (the adapter's choice).
    #[must_use]
    pub fn chosen_stream_depth(&self, pick: impl FnOnce(usize) -> usize) -> usize {
        self.stream_depth.unwrap_or_else(|| pick(self.book_depth))
    }
}

/// How the exchange acknowledges a subscribe message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckBy {
    /// It does not: the subscriptions count as active once sent.
    Nothing,
    /// An answer carrying this request id ([`crate::Ack::Request`]).
    RequestId(u64),
    /// An answer per channel and market ([`crate::Ack::Topic`]).
    Topic,
}

/// One subscribe message and what it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscribeRequest {
    /// The message, as sent.
    pub message: String,
    /// The ids of the subscriptions it carries.
    pub covers: Vec<u64>,
    /// How its answer is recognised.
    pub ack: AckBy,
}

impl SubscribeRequest {
    /// A message for `subscriptions`, answered as `ack` says.
    #[must_use]
    pub fn new(message: String, subscriptions: &[&Subscription], ack: AckBy) -> Self {
        SubscribeRequest {
            message,
            covers: subscriptions
                .iter()
                .map(|subscription| subscription.id)
                .collect(),
            ack,
        }
    }
}

/// A REST request a session repeats (see [`ExchangeAdapter::poll`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollRequest {
    /// The full URL (GET).
    pub url: String,
    /// Seconds between requests.
    pub every: Decimal,
}

/// A REST request made before every WebSocket connection (see
/// [`ExchangeAdapter::connect_request`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectRequest {
    /// The full URL.
    pub url: String,
    /// `Some` for a POST with this body (may be empty), `None` for a GET.
    pub post_body: Option<String>,
}

/// Where to connect, from the answer to a [`ConnectRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectTarget {
    /// The WebSocket URL of this connection (replaces [`ExchangeAdapter::websocket_url`]).
    pub websocket_url: String,
    /// The keep-alive interval the answer prescribes: replaces the interval of
    /// [`ExchangeAdapter::keep_alive`] (its message stays); `None` keeps it.
    pub ping_interval: Option<std::time::Duration>,
}

/// What a frame parser needs besides the frame.
#[derive(Debug, Clone)]
pub struct FrameContext<'a> {
    /// The subscribed markets (frames for others are ignored).
    pub markets: &'a MarketMap,
    /// The exchange's name as printed in events (`BINANCE`).
    pub exchange: &'a Arc<str>,
    /// When the frame arrived.
    pub receipt: Decimal,
    /// This connection's parse state, when the adapter keeps one
    /// ([`ExchangeAdapter::connection_state`]); `None` outside a session.
    pub connection: Option<&'a ConnectionState>,
}

/// Parse state an adapter keeps per connection (Bitfinex's channel ids, named only in its
/// `subscribed` events): made by [`ExchangeAdapter::connection_state`] for every new
/// session, owned by it, dropped with it. Adapters downcast it to their own type (which
/// locks what it mutates).
pub type ConnectionState = dyn std::any::Any + Send + Sync;

/// An exchange, as feedhandler speaks to it. See the module docs.
pub trait ExchangeAdapter: Send + Sync + 'static {
    /// The id configs use (`binance`), lower case.
    fn id(&self) -> &'static str;

    /// The exchange's name in events (`BINANCE`): the id in upper case unless overridden.
    fn name(&self) -> String {
        self.id().to_ascii_uppercase()
    }

    /// The documented base URLs.
    fn default_endpoints(&self) -> DefaultEndpoints;

    /// The channels this adapter provides.
    fn channels(&self) -> &'static [Channel] {
        &[Channel::Trades]
    }

    /// The candle intervals the exchange documents, as configs spell them (`1m`, `1h`,
    /// `1d`); empty for an adapter without `CANDLES`.
    fn candle_intervals(&self) -> &'static [&'static str] {
        &[]
    }

    /// Which connection group a subscription belongs to: subscriptions of different groups
    /// never share a connection (Binance USD-M serves books and tickers on `/public` and
    /// the other streams on `/market`; OKX candles are on `business`). The planner splits a
    /// feed by group first, then by [`VenueLimits::subscriptions_per_connection`], and
    /// [`ExchangeAdapter::websocket_url`] gets one group's subscriptions. Default: one group.
    fn connection_group(&self, _subscription: &Subscription) -> u8 {
        0
    }

    /// Whether one feed can carry these channels: `Err` with the reason
    /// when the exchange serves them on different connections (Binance USD-M routes book
    /// streams and the others to different URLs). Checked when a live feed is made
    /// ([`crate::CcxtFeed::new`]); replays read recordings of any channels.
    ///
    /// # Errors
    /// The reason, naming the channels that must go to separate feeds.
    fn check_channels(&self, _channels: &[Channel]) -> Result<(), String> {
        Ok(())
    }

    /// Whether one feed (one connection) can carry these symbols with these channels:
    /// `Err` with the reason when the exchange serves them on different connections (Bybit:
    /// one stream per product category) or a channel not for their kind. Checked with
    /// [`ExchangeAdapter::check_channels`].
    ///
    /// # Errors
    /// The reason, naming the symbols that must go to separate feeds.
    fn check_symbols(&self, _symbols: &[Symbol], _channels: &[Channel]) -> Result<(), String> {
        Ok(())
    }

    /// The market list URLs of a feed of these symbols, or with none of `symbols: ALL`
    /// narrowed by `filter`: for exchanges whose lists differ by connection (Bybit loads
    /// only the feed's category, so that one exchange symbol never names two markets).
    /// The default: [`ExchangeAdapter::markets_urls`].
    fn markets_urls_for(
        &self,
        rest_base: &str,
        _symbols: &[Symbol],
        _filter: Option<&crate::MarketFilter>,
    ) -> Vec<String> {
        self.markets_urls(rest_base)
    }

    /// A fresh per-connection parse state for each session (see [`ConnectionState`]);
    /// `None` (the default) for adapters whose frames carry everything they need.
    fn connection_state(&self) -> Option<Box<ConnectionState>> {
        None
    }

    /// The full URL of the market list request, given the REST base URL.
    fn markets_url(&self, rest_base: &str) -> String;

    /// Every URL the market list is loaded from, when one request cannot list every market
    /// (OKX lists one `instType` per request). Each body is parsed by
    /// [`ExchangeAdapter::parse_markets`] and the markets are joined in order, the first
    /// winning when two normalize alike. The default: [`ExchangeAdapter::markets_url`] alone.
    fn markets_urls(&self, rest_base: &str) -> Vec<String> {
        vec![self.markets_url(rest_base)]
    }

    /// The next page of a paged market list: given the URL just loaded and its body, the
    /// URL of the following page (Bybit's `cursor`), or `None` (the default) when the list
    /// is complete. Each page's body goes to [`ExchangeAdapter::parse_markets`].
    fn markets_next_page(&self, _url: &str, _body: &str) -> Option<String> {
        None
    }

    /// The JSON body when the market list is a POST (Hyperliquid's `info` endpoint takes
    /// `{"type":"meta"}`); `None` (the default) for a GET of [`ExchangeAdapter::markets_url`].
    fn markets_post_body(&self) -> Option<String> {
        None
    }

    /// The tradable markets in the body of the market list response.
    ///
    /// # Errors
    /// [`AdapterError::MarketList`] when the body is not the documented shape.
    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError>;

    /// The WebSocket URL for these subscriptions, given the base (most exchanges: the base).
    fn websocket_url(&self, websocket_base: &str, _subscriptions: &[Subscription]) -> String {
        websocket_base.to_owned()
    }

    /// A REST request to make before every WebSocket connection (the first and each
    /// reconnect), over the exchange's HTTP route, for exchanges that hand out the address
    /// per connection (KuCoin's `bullet-public` token and server list). `None` (the
    /// default): connect to [`ExchangeAdapter::websocket_url`] directly.
    fn connect_request(&self, _rest_base: &str) -> Option<ConnectRequest> {
        None
    }

    /// The answer (a 2xx body) to [`ExchangeAdapter::connect_request`]: where this
    /// connection goes and the keep-alive interval it prescribes.
    ///
    /// # Errors
    /// [`AdapterError::ConnectReply`] when the body is not the documented shape (or
    /// reports an error); the connection attempt fails (with backoff on reconnects).
    fn parse_connect_reply(&self, _body: &str) -> Result<ConnectTarget, AdapterError> {
        Err(AdapterError::ConnectReply {
            exchange: self.id().to_owned(),
            detail: "this adapter makes no connect request".into(),
        })
    }

    /// The messages that subscribe to these subscriptions, sent after every (re)connection,
    /// with how each is acknowledged.
    fn subscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<SubscribeRequest>;

    /// The messages that unsubscribe these (sent before subscribing again to resync a
    /// book whose snapshot comes from the stream).
    fn unsubscribe_messages(&self, _subscriptions: &[Subscription]) -> Vec<String> {
        Vec::new()
    }

    /// The client keep-alive the exchange requires, if any.
    fn keep_alive(&self) -> Option<KeepAlive> {
        None
    }

    /// The exchange's documented book synchronization (`None`: no `L2_BOOK`).
    fn book_rules(&self) -> Option<BookRules> {
        None
    }

    /// The book parameters of a subscription: the stream depth or snapshot size chosen for
    /// its `book_depth`, precisions for checksums.
    fn book_params(&self, subscription: &Subscription, _market: Option<&Market>) -> BookParams {
        BookParams::with_depth(subscription.book_depth)
    }

    /// The venue's documented limits ([`VenueLimits`], sources cited): the runtime plans a
    /// feed's connections and paces its messages, connections and REST requests by them.
    /// The default: none documented.
    fn limits(&self) -> VenueLimits {
        VenueLimits::none()
    }

    /// The REST weight of a subscription's book snapshot request (Binance: 50 for 1000
    /// levels), counted against [`VenueLimits::rest_weight_per_egress`]; 1 by default.
    fn book_snapshot_weight(&self, _subscription: &Subscription) -> u32 {
        1
    }

    /// The URL of the REST snapshot of a subscription's book (for REST snapshot sources).
    fn book_snapshot_url(&self, _rest_base: &str, _subscription: &Subscription) -> Option<String> {
        None
    }

    /// The body of a REST book snapshot as one snapshot message (its `last_id` the
    /// snapshot's update id).
    ///
    /// # Errors
    /// [`FrameError::Malformed`] when the body is not the documented shape.
    fn parse_book_snapshot(
        &self,
        _body: &str,
        _subscription: &Subscription,
        _out: &mut BookBatch,
    ) -> Result<(), FrameError> {
        Err(FrameError::Malformed(format!(
            "{} has no REST book snapshot",
            self.id()
        )))
    }

    /// For a channel the exchange serves over REST only (open interest on Binance USD-M):
    /// the request to repeat for `subscription` and how often, within the exchange's
    /// documented rate limit for `polled` such subscriptions in all. `None` (the default)
    /// for a channel that streams. Such subscriptions get no subscribe message.
    fn poll(
        &self,
        _rest_base: &str,
        _subscription: &Subscription,
        _polled: usize,
    ) -> Option<PollRequest> {
        None
    }

    /// The body of a [`ExchangeAdapter::poll`] answer, as events in `out.events`.
    ///
    /// # Errors
    /// [`FrameError::Malformed`] when the body is not the documented shape.
    fn parse_poll(
        &self,
        _body: &str,
        _subscription: &Subscription,
        _context: &FrameContext<'_>,
        _out: &mut ParsedFrame,
    ) -> Result<(), FrameError> {
        Err(FrameError::Malformed(format!(
            "{} polls nothing",
            self.id()
        )))
    }

    /// Parses one text frame. Acks, heartbeats and pongs add nothing (or an [`crate::Ack`]);
    /// records of markets not in `context.markets` are skipped; frames of channels the feed
    /// did not ask for may be parsed and are filtered by the session.
    ///
    /// # Errors
    /// [`FrameError::Malformed`] for a frame that is not a documented shape,
    /// [`FrameError::Exchange`] for an error the exchange reports.
    fn parse_frame(
        &self,
        frame: &str,
        context: &FrameContext<'_>,
        out: &mut ParsedFrame,
    ) -> Result<(), FrameError>;

    /// Parses one binary frame: by default as UTF-8 text (venues that compress or use
    /// protobuf override this).
    ///
    /// # Errors
    /// As [`ExchangeAdapter::parse_frame`]; non-UTF-8 bytes are malformed.
    fn parse_binary_frame(
        &self,
        frame: &[u8],
        context: &FrameContext<'_>,
        out: &mut ParsedFrame,
    ) -> Result<(), FrameError> {
        match std::str::from_utf8(frame) {
            Ok(text) => self.parse_frame(text, context, out),
            Err(_) => Err(FrameError::Malformed(format!(
                "a binary frame of {} bytes that is not UTF-8 text",
                frame.len()
            ))),
        }
    }
}
