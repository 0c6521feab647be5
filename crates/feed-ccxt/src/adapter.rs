//! [`ExchangeAdapter`]: the contract one exchange implements to become a feed.

use std::sync::Arc;

use feed_core::runtime::{FrameError, FrameReply, KeepAlive};
use feed_core::{Channel, Symbol, Trade};
use rust_decimal::Decimal;

use crate::error::AdapterError;
use crate::markets::{Market, MarketMap};

/// The exchange's documented base URLs (each replaceable per feed with `endpoints:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultEndpoints {
    /// REST base URL, e.g. `https://api.binance.com`.
    pub rest: &'static str,
    /// WebSocket URL, e.g. `wss://stream.binance.com:9443/ws`.
    pub websocket: &'static str,
}

/// One subscription: a channel of a market.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// What kind of data.
    pub channel: Channel,
    /// The normalized symbol.
    pub symbol: Symbol,
    /// The exchange's name for the market.
    pub exchange_symbol: String,
}

/// What a frame parser needs besides the frame.
#[derive(Debug, Clone)]
pub struct FrameContext<'a> {
    /// The subscribed markets (frames for others are ignored).
    pub markets: &'a MarketMap,
    /// The exchange's name as printed in trades (`BINANCE`).
    pub exchange: &'a Arc<str>,
    /// When the frame arrived.
    pub receipt: Decimal,
}

/// An exchange, as feedhandler speaks to it.
///
/// An implementation is stateless and describes the exchange's documented wire format: its
/// endpoints, how to read its market list, what to send to subscribe, its keep-alive, and
/// how a frame becomes normalized trades. The runtime does the connecting (through the
/// exchange's proxy routes), reconnecting and dispatching.
pub trait ExchangeAdapter: Send + Sync + 'static {
    /// The id configs use (`binance`), lower case.
    fn id(&self) -> &'static str;

    /// The exchange's name in trades (`BINANCE`): the id in upper case unless overridden.
    fn name(&self) -> String {
        self.id().to_ascii_uppercase()
    }

    /// The documented base URLs.
    fn default_endpoints(&self) -> DefaultEndpoints;

    /// The channels this adapter provides.
    fn channels(&self) -> &'static [Channel] {
        &[Channel::Trades]
    }

    /// The full URL of the market list request, given the REST base URL.
    fn markets_url(&self, rest_base: &str) -> String;

    /// The tradable markets in the body of the market list response.
    ///
    /// # Errors
    /// [`AdapterError::MarketList`] when the body is not the documented shape.
    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError>;

    /// The WebSocket URL for these subscriptions, given the base (most exchanges: the base).
    fn websocket_url(&self, websocket_base: &str, _subscriptions: &[Subscription]) -> String {
        websocket_base.to_owned()
    }

    /// The messages that subscribe to these subscriptions, sent after every (re)connection.
    fn subscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<String>;

    /// The client keep-alive the exchange requires, if any.
    fn keep_alive(&self) -> Option<KeepAlive> {
        None
    }

    /// Turns one text frame into trades, appended to `out`. Acks, heartbeats and pongs add
    /// nothing; trades of markets not in `context.markets` are skipped.
    ///
    /// # Errors
    /// [`FrameError::Malformed`] for a frame that is not the documented shape,
    /// [`FrameError::Exchange`] for an error the exchange reports.
    fn parse_frame(
        &self,
        frame: &str,
        context: &FrameContext<'_>,
        out: &mut Vec<Trade>,
    ) -> Result<FrameReply, FrameError>;
}
