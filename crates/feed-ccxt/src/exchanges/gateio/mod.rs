//! Gate (Gate.io) spot, API v4. TRADES is `spot.trades`, L2_BOOK is `spot.order_book_update`
//! joined with the REST snapshot ([`book`]), TICKER is `spot.book_ticker` ([`ticker`]).
//!
//! - REST: [`REST_BASE`] + `/api/v4/spot/currency_pairs` (market list, `trade_status`
//!   `tradable` only) <https://www.gate.com/docs/developers/apiv4/en/#list-all-currency-pairs-supported>
//! - REST book snapshot: `/api/v4/spot/order_book?currency_pair=..&limit=100&with_id=true`
//!   <https://www.gate.com/docs/developers/apiv4/en/#retrieve-order-book>
//! - WebSocket: [`WEBSOCKET_URL`]; requests `{"time":..,"id":..,"channel":..,"event":"subscribe",
//!   "payload":[..]}`, answered `{"id":..,"channel":..,"event":"subscribe",
//!   "result":{"status":"success"}}` or with an `error` object `{"code":..,"message":..}`
//!   <https://www.gate.com/docs/developers/apiv4/ws/en/#api-overview>,
//!   channels <https://www.gate.com/docs/developers/apiv4/ws/en/#public-trades-channel>,
//!   <https://www.gate.com/docs/developers/apiv4/ws/en/#best-bid-or-ask-price>,
//!   <https://www.gate.com/docs/developers/apiv4/ws/en/#changed-order-book-levels>,
//!   the book procedure <https://www.gate.com/docs/developers/apiv4/ws/en/#how-to-maintain-local-order-book>
//!   (also Gate's own demo, `gateio/gatews` `python/examples/local_order_book.py`).
//! - Keep-alive: the application-level `spot.ping`, answered by `spot.pong`
//!   <https://www.gate.com/docs/developers/apiv4/ws/en/#application-ping-pong>, sent every
//!   [`KEEP_ALIVE_INTERVAL`]; server protocol pings are answered by the WebSocket layer.
//! - Errors: `{"channel":..,"event":..,"error":{"code":2,"message":"unknown currency pair"}}`;
//!   one carrying the `id` of a subscribe request refuses that request (every subscription
//!   it carried), any other is an exchange error.
//! - Limits: the docs give no per-message or per-connection limit for public channels.
//!   `spot.trades` and `spot.book_ticker` take every pair in one request; the book channel's
//!   payload is one pair and an interval, so it is one request per pair. (Sharding many
//!   pairs over connections is left to a later issue.)
//!
//! Ambiguities in the docs, and the choices made:
//!
//! - **`time` in requests** is documented as the request time in seconds: subscribe
//!   messages carry the time they are made (at each connection). The keep-alive is one
//!   fixed text, so `spot.ping` is sent without `time` (`{"channel":"spot.ping"}`); the docs
//!   do not say a ping is refused without it.
//! - **Keep-alive interval**: not documented; 15 s.
//! - **Trade side**: `side` is documented as "buy or sell side" of a public trade; it is the
//!   taker's order side (as Gate's REST public trades and ccxt read it) and is used as is.
//! - **`create_time_ms`** is a string of milliseconds with a fraction
//!   (`"1606292218213.4578"`): read exactly, in seconds. Without it, `create_time` (s).
//! - **Several trades per frame**: the docs show `result` as one trade object; an array of
//!   such objects is read too.
//! - **Book depth**: `spot.order_book_update` at `100ms` notifies changes of the best 100
//!   levels; the REST snapshot is asked for 100 levels (the docs' own example, `limit=100`).
//!   Delivered books have `book_depth` levels per side, at most 100; the book is cut to 100
//!   levels after every message, and resyncs when a full snapshot side no longer covers the
//!   delivered depth (so keep `book_depth` well below 100 for a steady book). `20ms`
//!   (20 levels) is not used.
//! - **`full: true` pushes**: Gate announced that `spot.order_book_update` may push the whole
//!   book at irregular intervals, flagged `full: true`, which must overwrite the local book;
//!   such a push is a snapshot (its `u` the book's id) and replaces even a live book.
//! - **`U`/`u` continuity** follows the documented steps exactly ([`book`]).

mod limits;
pub use limits::LIMITS;
mod book;
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
    DefaultEndpoints, ExchangeAdapter, FrameContext, SubscribeRequest, Subscription,
};
use crate::error::AdapterError;
use crate::markets::Market;
use crate::parse::fast::fast_or_serde;
use crate::parsed::ParsedFrame;

/// The documented REST base URL.
pub const REST_BASE: &str = "https://api.gateio.ws";
/// The documented spot WebSocket URL.
pub const WEBSOCKET_URL: &str = "wss://api.gateio.ws/ws/v4/";
/// How often `spot.ping` is sent (not documented; see the module docs).
pub const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(15);
/// The application-level ping.
pub const PING: &str = r#"{"channel":"spot.ping"}"#;

/// The Gate spot adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gateio;

impl ExchangeAdapter for Gateio {
    fn limits(&self) -> feed_core::runtime::VenueLimits {
        LIMITS
    }

    fn id(&self) -> &'static str {
        "gateio"
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
        format!("{rest_base}/api/v4/spot/currency_pairs")
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_currency_pairs(body)
    }

    fn subscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
        subscription::subscribe_messages(subscriptions, subscription::now_seconds())
    }

    fn keep_alive(&self) -> Option<KeepAlive> {
        Some(KeepAlive::Text {
            interval: KEEP_ALIVE_INTERVAL,
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
            trade_fast::push_trades,
            frame::parse_frame,
            frame,
            context,
            out,
        )
    }
}
