//! Backpack Exchange spot. TRADES is the `trade.<symbol>` stream; L2_BOOK is the diff
//! depth stream `depth.<symbol>` joined with the REST snapshot ([`book`]).
//!
//! - REST: [`REST_BASE`] + `/api/v1/markets` (market list, spot and perpetual markets)
//!   <https://docs.backpack.exchange/#tag/Markets/operation/get_markets>, and
//!   `/api/v1/depth` (book snapshots)
//!   <https://docs.backpack.exchange/#tag/Markets/operation/get_depth>
//! - WebSocket: [`WEBSOCKET_URL`], then one `SUBSCRIBE` to the `trade.<symbol>` and
//!   `depth.<symbol>` streams <https://docs.backpack.exchange/#tag/Streams>; no
//!   acknowledgement is documented, so none is awaited. Frames: [`frame`].
//! - Keep-alive: the server sends a ping frame every 60 s and closes connections that do not
//!   pong within 120 s; the WebSocket layer answers pings itself, so the client sends none.
//! - Shutdown: the server sends a close frame and closes the connection 30 s later; the
//!   runtime reconnects.
//! - Timestamps are microseconds since the epoch.

mod limits;
pub use limits::LIMITS;
mod book;
mod frame;
mod market;
mod subscription;
mod trade;
mod trade_fast;
#[cfg(test)]
mod trade_fast_tests;

use feed_core::book::{BookBatch, BookParams, BookRules};
use feed_core::runtime::FrameError;
use feed_core::Channel;

use crate::adapter::{
    DefaultEndpoints, ExchangeAdapter, FrameContext, SubscribeRequest, Subscription,
};
use crate::error::AdapterError;
use crate::markets::Market;
use crate::parsed::ParsedFrame;

/// The documented REST base URL.
pub const REST_BASE: &str = "https://api.backpack.exchange";
/// The documented WebSocket URL.
pub const WEBSOCKET_URL: &str = "wss://ws.backpack.exchange";

/// The Backpack Exchange spot adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Backpack;

impl ExchangeAdapter for Backpack {
    fn limits(&self) -> feed_core::runtime::VenueLimits {
        LIMITS
    }

    fn id(&self) -> &'static str {
        "backpack"
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
        format!("{rest_base}/api/v1/markets")
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_markets(body)
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
        // A trade in the documented (or the live) layout on the hot path, or serde.
        if trade_fast::push_trade(frame, context, out).is_some() {
            return Ok(());
        }
        frame::parse_frame(frame, context, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_endpoints_and_no_client_keep_alive() {
        let adapter = Backpack;
        assert_eq!(adapter.id(), "backpack");
        assert_eq!(adapter.name(), "BACKPACK");
        assert_eq!(
            adapter.markets_url(adapter.default_endpoints().rest),
            "https://api.backpack.exchange/api/v1/markets"
        );
        assert_eq!(
            adapter.default_endpoints().websocket,
            "wss://ws.backpack.exchange"
        );
        assert_eq!(adapter.keep_alive(), None);
        assert_eq!(adapter.channels(), &[Channel::Trades, Channel::L2Book]);
        assert!(adapter.book_rules().is_some());
    }
}
