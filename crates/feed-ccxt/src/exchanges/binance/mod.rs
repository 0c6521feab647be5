//! Binance spot. TRADES is the `<symbol>@aggTrade` stream, as in cryptofeed; L2_BOOK is the
//! diff depth stream joined with the REST snapshot ([`book`]).
//!
//! - REST: [`REST_BASE`] + `/api/v3/exchangeInfo` (market list)
//!   <https://developers.binance.com/docs/binance-spot-api-docs/rest-api/general-endpoints>
//! - WebSocket: [`WEBSOCKET_URL`], then `SUBSCRIBE`
//!   <https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams>
//! - Keep-alive: the server sends a ping frame every 20 s and drops connections that do not
//!   pong within a minute; the WebSocket layer answers pings itself.
//! - A subscription to a symbol Binance does not list is acknowledged and then silent, so
//!   symbols are checked against the market list before subscribing.

// These serve Binance's futures products too (`super::binance_futures`, USD-M and COIN-M):
// they share the wire format of these streams and of `exchangeInfo`.
pub(crate) mod book;
pub(crate) mod frame;
mod limits;
pub(crate) mod market;
pub(crate) mod subscription;
pub(crate) mod trade;

pub use limits::{snapshot_weight, LIMITS};

use feed_core::book::{BookBatch, BookParams, BookRules};
use feed_core::runtime::{FrameError, VenueLimits};
use feed_core::Channel;

use crate::adapter::{
    DefaultEndpoints, ExchangeAdapter, FrameContext, SubscribeRequest, Subscription,
};
use crate::error::AdapterError;
use crate::markets::Market;
use crate::parsed::ParsedFrame;

/// The documented REST base URL.
pub const REST_BASE: &str = "https://api.binance.com";
/// The documented WebSocket URL for raw streams with `SUBSCRIBE`.
pub const WEBSOCKET_URL: &str = "wss://stream.binance.com:9443/ws";

/// The Binance spot adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Binance;

impl ExchangeAdapter for Binance {
    fn id(&self) -> &'static str {
        "binance"
    }

    fn limits(&self) -> VenueLimits {
        LIMITS
    }

    /// The weight of the snapshot's `limit` ([`book::snapshot_limit`] of the depth).
    fn book_snapshot_weight(&self, subscription: &Subscription) -> u32 {
        snapshot_weight(book::snapshot_limit(subscription.book_depth))
    }

    fn default_endpoints(&self) -> DefaultEndpoints {
        DefaultEndpoints {
            rest: REST_BASE,
            websocket: WEBSOCKET_URL,
        }
    }

    fn channels(&self) -> &'static [Channel] {
        &[Channel::Trades, Channel::L2Book]
    }

    fn markets_url(&self, rest_base: &str) -> String {
        format!("{rest_base}/api/v3/exchangeInfo?permissions=SPOT&showPermissionSets=false")
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_exchange_info(body)
    }

    fn subscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
        subscription::subscribe_messages(subscriptions)
    }

    fn book_rules(&self) -> Option<BookRules> {
        Some(book::rules())
    }

    fn book_params(&self, subscription: &Subscription, market: Option<&Market>) -> BookParams {
        book::params(subscription, market)
    }

    fn book_snapshot_url(&self, rest_base: &str, subscription: &Subscription) -> Option<String> {
        Some(book::snapshot_url(rest_base, subscription))
    }

    fn parse_book_snapshot(
        &self,
        body: &str,
        subscription: &Subscription,
        out: &mut BookBatch,
    ) -> Result<(), FrameError> {
        book::parse_snapshot(body, subscription, out)
    }

    fn parse_frame(
        &self,
        frame: &str,
        context: &FrameContext<'_>,
        out: &mut ParsedFrame,
    ) -> Result<(), FrameError> {
        frame::parse_frame(frame, context, out)
    }
}
