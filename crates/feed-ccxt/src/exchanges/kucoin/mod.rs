//! KuCoin spot. TRADES is `/market/match`, L2_BOOK the incremental `/market/level2` joined
//! with a REST snapshot ([`book`]), TICKER `/market/ticker` ([`ticker`]).
//!
//! Official documentation (KuCoin API docs, spot):
//! - Connect token: `POST /api/v1/bullet-public`
//!   <https://www.kucoin.com/docs-new/websocket-api/base-info/get-public-token-spot-margin>
//!   (no body, no auth). Its answer names the WebSocket server (`instanceServers[].endpoint`),
//!   the token and the ping interval and timeout (ms); see [`connect`]. It is requested
//!   before EVERY connection (the framework's `ExchangeAdapter::connect_request`), over the
//!   exchange's HTTP route (same proxy rules as the market list).
//! - Connection, welcome, ping/pong, subscribe/ack, error:
//!   <https://www.kucoin.com/docs-new/websocket-api/base-info/introduction>
//! - Market list: `GET /api/v2/symbols` <https://www.kucoin.com/docs-new/rest/spot-trading/market-data/get-all-symbols>
//!   (markets with `enableTrading: true` only; [`market`]).
//! - Match execution data `/market/match:{symbol},...` <https://www.kucoin.com/docs-new/3470072w0>,
//!   Orderbook - Increment `/market/level2:{symbol},...` <https://kucoin.com/docs-new/3470068w0>,
//!   Ticker `/market/ticker:{symbol},...` <https://kucoin.com/docs-new/3470063w0>.
//! - Book snapshot: `GET /api/v1/market/orderbook/level2_100` (public) — see [`book`] for
//!   why not the full `GET /api/v3/market/orderbook/level2` (it needs an API key).
//!
//! Limits (documented, declared once in [`LIMITS`]): at most 100 topics per subscribe
//! message (subscriptions are split into messages of at most that many symbols of one
//! channel), at most 300 topics per connection (the runtime plans a feed's connections by
//! it), and 100 client messages per 10 s. Over a connection's limit KuCoin refuses the
//! excess with an `error` frame (code 509), which the session reports as refused
//! subscriptions.
//!
//! Ambiguities and choices:
//! - The docs say the connection is usable once the `welcome` message arrived; the session
//!   subscribes as soon as the socket is open (the welcome is recognised, not awaited).
//!   KuCoin queues nothing before the welcome in practice and every subscription still
//!   needs its `ack`, so a lost subscribe shows as "not acknowledged".
//! - `connectId` is optional in the docs; a fresh one (the connection time in microseconds)
//!   is sent on every connection, as the docs recommend for telling connections apart.
//! - The ping's `id` is free text in the docs: `{"id":"ping","type":"ping"}`, every
//!   `pingInterval` of the token answer (18 s today); the `pong` carries it back.
//! - An `error` frame whose `id` is one of our subscribe ids refuses that message's
//!   subscriptions; any other `error` frame is an exchange error.
//! - The ticker's time key is `Time` in the current docs and `time` in older ones: both read.

mod limits;
pub use limits::LIMITS;
mod book;
pub(crate) mod connect;
mod frame;
mod market;
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
    ConnectRequest, ConnectTarget, DefaultEndpoints, ExchangeAdapter, FrameContext,
    SubscribeRequest, Subscription,
};
use crate::error::AdapterError;
use crate::markets::Market;
use crate::parse::fast::fast_or_serde;
use crate::parsed::ParsedFrame;

/// The documented REST base URL.
pub const REST_BASE: &str = "https://api.kucoin.com";
/// The spot WebSocket server the docs name; every connection goes to the `endpoint` of the
/// token answer instead.
pub const WEBSOCKET_URL: &str = "wss://ws-api-spot.kucoin.com/";
/// The ping sent every `pingInterval` (the docs allow any `id`).
pub const PING: &str = r#"{"id":"ping","type":"ping"}"#;

/// The KuCoin spot adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Kucoin;

impl ExchangeAdapter for Kucoin {
    fn limits(&self) -> feed_core::runtime::VenueLimits {
        LIMITS
    }

    fn id(&self) -> &'static str {
        "kucoin"
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
        format!("{rest_base}/api/v2/symbols")
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_symbols(body)
    }

    fn connect_request(&self, rest_base: &str) -> Option<ConnectRequest> {
        Some(connect::request(rest_base))
    }

    fn parse_connect_reply(&self, body: &str) -> Result<ConnectTarget, AdapterError> {
        connect::parse_reply(body, feed_core::types::now_micros())
    }

    fn subscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
        subscription::subscribe_messages(subscriptions)
    }

    fn keep_alive(&self) -> Option<KeepAlive> {
        // The interval is replaced by the token answer's `pingInterval`.
        Some(KeepAlive::Text {
            interval: Duration::from_millis(connect::DEFAULT_PING_INTERVAL_MS),
            message: PING.to_owned(),
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
        fast_or_serde(
            trade_fast::push_match,
            frame::parse_frame,
            frame,
            context,
            out,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_endpoints_token_request_and_ping() {
        let adapter = Kucoin;
        assert_eq!(adapter.id(), "kucoin");
        assert_eq!(adapter.name(), "KUCOIN");
        assert_eq!(
            adapter.markets_url(REST_BASE),
            "https://api.kucoin.com/api/v2/symbols"
        );
        assert_eq!(
            adapter.connect_request(REST_BASE),
            Some(ConnectRequest {
                url: "https://api.kucoin.com/api/v1/bullet-public".into(),
                post_body: Some(String::new()),
            })
        );
        assert_eq!(
            adapter.keep_alive(),
            Some(KeepAlive::Text {
                interval: Duration::from_secs(18),
                message: r#"{"id":"ping","type":"ping"}"#.into()
            })
        );
        assert_eq!(
            adapter.channels(),
            &[Channel::Trades, Channel::L2Book, Channel::Ticker]
        );
    }
}
