//! Bitstamp. TRADES is `live_trades_<pair>` ([`trade`]); L2_BOOK the `diff_order_book_<pair>`
//! diffs joined with the REST order book by `microtimestamp` ([`book`]). No TICKER: Bitstamp's
//! WebSocket v2 has no best-bid/offer or ticker channel (its public channels are live
//! trades, live orders, order book top 100, detail and diff order book), so `check`
//! refuses TICKER for `bitstamp` naming the channels it has.
//!
//! Official documentation:
//! - WebSocket API v2 <https://www.bitstamp.net/websocket/v2/>: `wss://ws.bitstamp.net`,
//!   `bts:subscribe` / `bts:subscription_succeeded` per channel, `bts:error`,
//!   `bts:request_reconnect`, `bts:heartbeat` ([`frame`], [`subscription`]).
//! - Market list: `GET /api/v2/trading-pairs-info/` <https://www.bitstamp.net/api/#tag/Market-info>
//!   (`trading: "Enabled"` only; [`market`]).
//! - Book snapshot: `GET /api/v2/order_book/{pair}/` <https://www.bitstamp.net/api/#tag/Order-book>.
//!
//! Ambiguities and choices:
//! - Keep-alive: the docs offer `{"event":"bts:heartbeat"}` to check that the server is
//!   responsive, with no interval and no idle limit; it is sent every 30 s so that a quiet
//!   connection still shows frames.
//! - `bts:request_reconnect` ("reconnect within a few seconds, without message loss"): the
//!   connection is closed and a new one opened at once (a gap for the books, which are
//!   fetched again).
//! - A `bts:error` names no channel: it is an exchange error (and refuses what still waits
//!   for its `bts:subscription_succeeded`).
//! - The docs give no limit of channels per connection; none is enforced. One channel per
//!   `bts:subscribe` message, as documented.
//! - The diff channel carries no sequence number and no checksum: a lost diff cannot be
//!   detected from the stream (see [`book`]).

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

use feed_core::book::{BookBatch, BookParams, BookRules};
use feed_core::runtime::{FrameError, KeepAlive};
use feed_core::Channel;

use crate::adapter::{
    DefaultEndpoints, ExchangeAdapter, FrameContext, SubscribeRequest, Subscription,
};
use crate::error::AdapterError;
use crate::markets::Market;
use crate::parsed::ParsedFrame;

/// The documented REST base URL.
pub const REST_BASE: &str = "https://www.bitstamp.net";
/// The documented WebSocket URL.
pub const WEBSOCKET_URL: &str = "wss://ws.bitstamp.net";
/// The heartbeat request.
pub const HEARTBEAT: &str = r#"{"event":"bts:heartbeat"}"#;

/// The Bitstamp adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bitstamp;

impl ExchangeAdapter for Bitstamp {
    fn limits(&self) -> feed_core::runtime::VenueLimits {
        LIMITS
    }

    fn id(&self) -> &'static str {
        "bitstamp"
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
        format!("{rest_base}/api/v2/trading-pairs-info/")
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_pairs(body)
    }

    fn subscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
        subscription::subscribe_messages(subscriptions)
    }

    fn keep_alive(&self) -> Option<KeepAlive> {
        Some(KeepAlive::Text {
            interval: Duration::from_secs(30),
            message: HEARTBEAT.to_owned(),
        })
    }

    fn book_rules(&self) -> Option<BookRules> {
        Some(book::rules())
    }

    fn book_params(&self, subscription: &Subscription, _market: Option<&Market>) -> BookParams {
        BookParams::with_depth(subscription.book_depth)
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
    fn documented_endpoints_heartbeat_and_no_ticker() {
        let adapter = Bitstamp;
        assert_eq!(adapter.id(), "bitstamp");
        assert_eq!(adapter.name(), "BITSTAMP");
        assert_eq!(
            adapter.markets_url(REST_BASE),
            "https://www.bitstamp.net/api/v2/trading-pairs-info/"
        );
        assert_eq!(
            adapter.default_endpoints().websocket,
            "wss://ws.bitstamp.net"
        );
        assert_eq!(
            adapter.keep_alive(),
            Some(KeepAlive::Text {
                interval: Duration::from_secs(30),
                message: r#"{"event":"bts:heartbeat"}"#.into()
            })
        );
        assert!(!adapter.channels().contains(&Channel::Ticker));
    }

    /// The session turns `bts:request_reconnect` into a reconnect of this connection.
    #[test]
    fn a_reconnect_request_becomes_a_reconnect_action() {
        use feed_core::runtime::{Action, FeedSession, Frame, SessionOutput};
        let feed = crate::CcxtFeed::replay(
            "bitstamp",
            r#"[{"name":"BTC/USD","url_symbol":"btcusd","trading":"Enabled"}]"#,
        )
        .unwrap();
        let mut session = feed.new_session().unwrap();
        let mut out = SessionOutput::default();
        session
            .frame(
                Frame::Text(r#"{"event":"bts:request_reconnect","channel":"","data":""}"#),
                rust_decimal::Decimal::ONE,
                &mut out,
            )
            .unwrap();
        assert!(
            matches!(&out.actions[..], [Action::Reconnect(reason)] if reason.contains("bts:request_reconnect")),
            "{:?}",
            out.actions
        );
    }
}
