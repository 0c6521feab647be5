//! MEXC spot v3. Every push is a protobuf binary frame ([`proto`]): TRADES is
//! `spot@public.aggre.deals.v3.api.pb@100ms@<symbol>` ([`trade`]), L2_BOOK
//! `spot@public.aggre.depth.v3.api.pb@100ms@<symbol>` joined with REST `/api/v3/depth`
//! ([`book`]), TICKER `spot@public.aggre.bookTicker.v3.api.pb@100ms@<symbol>` ([`ticker`]).
//!
//! Official documentation:
//! - Market list: `GET /api/v3/exchangeInfo`
//!   <https://www.mexc.com/api-docs/spot-v3/market-data-endpoints> ([`market`]).
//! - WebSocket: `wss://wbs-api.mexc.com/ws`
//!   <https://www.mexc.com/api-docs/spot-v3/websocket-market-streams>; the protobuf
//!   definitions <https://github.com/mexcdevelop/websocket-proto>.
//! - Subscribe: `{"method":"SUBSCRIPTION","params":[topic],"id":N}`, one topic per message,
//!   answered `{"id":0,"code":0,"msg":"<topic>"}` ([`subscription`]); at most 30
//!   subscriptions per connection ([`LIMITS`]: the runtime plans connections by it).
//! - Keep-alive: the server drops a connection without valid subscriptions after 30 s and a
//!   subscribed one without data after a minute; the client sends `{"method":"PING"}` every
//!   [`PING_INTERVAL`], answered `{"id":0,"code":0,"msg":"PONG"}`. A connection lasts at
//!   most 24 h (the runtime reconnects).
//!
//! Ambiguities and choices:
//! - Protobuf without protoc: the messages are declared by hand with `prost`'s derive,
//!   field numbers as in MEXC's `.proto` files ([`proto`]); no build script. The `.proto`
//!   files are not copied into this repository (they stay in MEXC's).
//! - The docs show pushes as JSON renderings of the protobuf messages (lower-case field
//!   names); the wire is protobuf only: text frames are the JSON answers alone.
//! - The answer's `id` is documented as always 0 in the examples, so answers are matched
//!   by the topics their `msg` names ([`crate::AckBy::Topic`]); a `msg` of
//!   `Not Subscribed successfully! [topics]. Reason： ...` refuses those topics.
//! - `tradeType` 1 is a buy and 2 a sell, the taker's side; `tradeId` (added to the
//!   `.proto` in 2026) is the trade id when sent, else the trade has none.
//! - Book and ticker times are the wrapper's `sendTime` (else `createTime`).

mod limits;
pub use limits::LIMITS;
mod book;
mod frame;
mod market;
pub mod proto;
mod subscription;
mod ticker;
mod trade;
mod trade_fast;
#[cfg(test)]
mod trade_fast_tests;

use std::time::Duration;

use feed_core::book::{BookBatch, BookParams, BookRules};
use feed_core::runtime::{FrameError, KeepAlive};
use feed_core::Channel;

use crate::adapter::{
    DefaultEndpoints, ExchangeAdapter, FrameContext, SubscribeRequest, Subscription,
};
use crate::error::AdapterError;
use crate::markets::Market;
use crate::parsed::ParsedFrame;

pub use subscription::MAX_PER_CONNECTION;

/// The documented REST base URL.
pub const REST_BASE: &str = "https://api.mexc.com";
/// The documented WebSocket URL.
pub const WEBSOCKET_URL: &str = "wss://wbs-api.mexc.com/ws";
/// How often the client pings (the server drops a silent connection after a minute).
pub const PING_INTERVAL: Duration = Duration::from_secs(20);
/// The documented ping.
pub const PING_MESSAGE: &str = r#"{"method":"PING"}"#;

/// The MEXC spot adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mexc;

impl ExchangeAdapter for Mexc {
    fn limits(&self) -> feed_core::runtime::VenueLimits {
        LIMITS
    }

    fn id(&self) -> &'static str {
        "mexc"
    }

    fn default_endpoints(&self) -> DefaultEndpoints {
        DefaultEndpoints {
            rest: REST_BASE,
            websocket: WEBSOCKET_URL,
        }
    }

    fn channels(&self) -> &'static [Channel] {
        &[Channel::Trades, Channel::L2Book, Channel::Ticker]
    }

    fn markets_url(&self, rest_base: &str) -> String {
        format!("{}/api/v3/exchangeInfo", rest_base.trim_end_matches('/'))
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_exchange_info(body)
    }

    fn subscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
        subscription::subscribe_messages(subscriptions)
    }

    fn keep_alive(&self) -> Option<KeepAlive> {
        Some(KeepAlive::Text {
            interval: PING_INTERVAL,
            message: PING_MESSAGE.to_owned(),
        })
    }

    fn book_rules(&self) -> Option<BookRules> {
        Some(book::rules())
    }

    fn book_params(&self, subscription: &Subscription, _market: Option<&Market>) -> BookParams {
        book::params(subscription)
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

    fn parse_binary_frame(
        &self,
        frame: &[u8],
        context: &FrameContext<'_>,
        out: &mut ParsedFrame,
    ) -> Result<(), FrameError> {
        // Deals pushes on the hot path, everything else (and any surprise) with prost.
        if trade_fast::push_deals(frame, context, out).is_some() {
            return Ok(());
        }
        frame::parse_binary_frame(frame, context, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_endpoints_and_ping() {
        let adapter = Mexc;
        assert_eq!(adapter.id(), "mexc");
        assert_eq!(adapter.name(), "MEXC");
        assert_eq!(
            adapter.markets_url(REST_BASE),
            "https://api.mexc.com/api/v3/exchangeInfo"
        );
        assert_eq!(
            adapter.keep_alive(),
            Some(KeepAlive::Text {
                interval: Duration::from_secs(20),
                message: r#"{"method":"PING"}"#.into()
            })
        );
        assert_eq!(MAX_PER_CONNECTION, 30);
    }
}
