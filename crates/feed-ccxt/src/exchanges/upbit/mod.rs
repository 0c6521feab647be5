//! Upbit (Korea: KRW, BTC and USDT markets). TRADES is the `trade` type ([`trade`]),
//! L2_BOOK the `orderbook` type, every message of which is the whole top of the book
//! ([`book`]). TICKER is not offered (see below).
//!
//! Official documentation (the Korean site is the one for `api.upbit.com`; the global site
//! documents the same WebSocket for its regional hosts):
//! - Market list: `GET /v1/market/all` <https://docs.upbit.com/kr/reference/list-trading-pairs>
//!   ([`market`]).
//! - WebSocket: `wss://api.upbit.com/websocket/v1`, one request message
//!   `[{"ticket":..},{"type":..,"codes":[..]},..,{"format":"DEFAULT"}]`
//!   <https://docs.upbit.com/kr/reference/websocket-request-format>,
//!   <https://global-docs.upbit.com/reference/websocket-guide> ([`subscription`]); trades
//!   <https://docs.upbit.com/kr/reference/websocket-trade>, order book
//!   <https://docs.upbit.com/kr/reference/websocket-orderbook>.
//! - Frames: the server sends its JSON in binary WebSocket frames (UTF-8 text); they are
//!   read as text by the default [`ExchangeAdapter::parse_binary_frame`], and text frames
//!   (recordings) the same way.
//! - Keep-alive: the server closes a connection idle for 120 s; the client sends a
//!   WebSocket ping frame every [`PING_INTERVAL`] (the documented way; the text `PING`,
//!   answered by `{"status":"UP"}` every 10 s, is the documented fallback). `{"status":"UP"}`
//!   is recognised and ignored.
//! - Errors: `{"error":{"name":"INVALID_PARAM","message":".."}}` (an exchange error). No
//!   acknowledgement is documented: [`AckBy::Nothing`](crate::AckBy::Nothing).
//!
//! Ambiguities and choices:
//! - TICKER: the `ticker` type carries no best bid or ask, and no document says the
//!   order book's top stands for a ticker (trade messages carry `best_*` fields, but only
//!   when a trade happens): TICKER is not among [`ExchangeAdapter::channels`], so a feed
//!   asking for it is refused when made, naming TRADES and L2_BOOK.
//! - Whether a later request on a connection adds to its subscriptions or replaces them is
//!   not documented. So the adapter never needs a second one: one request carries every
//!   type and code of the feed, and book resyncs are never asked of the session (an
//!   `orderbook` message is the whole top, so the next one heals the book; a crossed one
//!   asks for a reconnect instead, which sends the whole request again; see [`book`]).
//! - Limits: the docs limit connection and request rates (per second and per minute), not
//!   codes per request or per connection ([`LIMITS`]).
//! - `ask_bid` is read as the taker's side (`ASK`: a sell, `BID`: a buy), as the docs'
//!   "매수/매도 구분" (buy/sell) of a trade is generally read; `sequential_id` (documented
//!   unique) is the trade id. The first trade after subscribing is a `SNAPSHOT` of a past
//!   trade: trades are requested with `is_only_realtime` and snapshot trades skipped.
//! - Numbers are JSON numbers (`"trade_price":32292000`): every one is read from its exact
//!   text.
//! - Symbols: `KRW-BTC` (quote first) is `BTC-KRW`.

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

use std::time::Duration;

use feed_core::book::{BookParams, BookRules};
use feed_core::runtime::{FrameError, KeepAlive};
use feed_core::Channel;

use crate::adapter::{
    DefaultEndpoints, ExchangeAdapter, FrameContext, SubscribeRequest, Subscription,
};
use crate::error::AdapterError;
use crate::markets::Market;
use crate::parsed::ParsedFrame;

/// The documented REST base URL.
pub const REST_BASE: &str = "https://api.upbit.com";
/// The documented WebSocket URL.
pub const WEBSOCKET_URL: &str = "wss://api.upbit.com/websocket/v1";
/// How often the client pings: well inside the 120 s idle timeout.
pub const PING_INTERVAL: Duration = Duration::from_secs(60);

/// The Upbit adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Upbit;

impl ExchangeAdapter for Upbit {
    fn limits(&self) -> feed_core::runtime::VenueLimits {
        LIMITS
    }

    fn id(&self) -> &'static str {
        "upbit"
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
        format!("{}/v1/market/all", rest_base.trim_end_matches('/'))
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_markets(body)
    }

    fn subscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
        subscription::subscribe_messages(subscriptions)
    }

    fn keep_alive(&self) -> Option<KeepAlive> {
        Some(KeepAlive::PingFrame {
            interval: PING_INTERVAL,
        })
    }

    fn book_rules(&self) -> Option<BookRules> {
        Some(book::rules())
    }

    fn book_params(&self, subscription: &Subscription, _market: Option<&Market>) -> BookParams {
        book::params(subscription)
    }

    fn parse_frame(
        &self,
        frame: &str,
        context: &FrameContext<'_>,
        out: &mut ParsedFrame,
    ) -> Result<(), FrameError> {
        // A trade in the documented layout on the hot path; everything else (and a trade
        // it declines) read by serde.
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
    fn documented_endpoints_channels_and_ping_frames() {
        let adapter = Upbit;
        assert_eq!(adapter.id(), "upbit");
        assert_eq!(adapter.name(), "UPBIT");
        assert_eq!(
            adapter.markets_url(REST_BASE),
            "https://api.upbit.com/v1/market/all"
        );
        assert_eq!(
            adapter.default_endpoints().websocket,
            "wss://api.upbit.com/websocket/v1"
        );
        assert!(!adapter.channels().contains(&Channel::Ticker));
        assert_eq!(
            adapter.keep_alive(),
            Some(KeepAlive::PingFrame {
                interval: Duration::from_secs(60)
            })
        );
        assert!(adapter.unsubscribe_messages(&[]).is_empty());
    }
}
