//! Bitfinex, public WebSocket v2, trading pairs (`tBTCUSD`). TRADES is `trades` (`te`),
//! L2_BOOK is `book` at `P0` with checksums ([`book`]), TICKER is `ticker`.
//!
//! - REST: [`REST_BASE`] + `/v2/conf/pub:list:pair:exchange` (market list: the pairs
//!   trading on the exchange) <https://docs.bitfinex.com/reference/rest-public-conf>
//! - WebSocket: [`WEBSOCKET_URL`] <https://docs.bitfinex.com/docs/ws-general>; first
//!   `{"event":"conf","flags":163840}` — `OB_CHECKSUM` (131072, a `cs` checksum after every
//!   book iteration) + `TIMESTAMP` (32768, the time appended to every data message)
//!   <https://docs.bitfinex.com/docs/ws-general#configuration>; then one `subscribe` per
//!   channel and symbol, answered by `subscribed` with the `chanId` that numbers the
//!   channel's data <https://docs.bitfinex.com/reference/ws-public-trades>,
//!   <https://docs.bitfinex.com/reference/ws-public-books>,
//!   <https://docs.bitfinex.com/reference/ws-public-ticker>.
//! - Channel ids are per connection and only the `subscribed` event names them, so this
//!   adapter keeps them in each connection's state ([`state`]).
//! - Keep-alive: the server sends `[CHAN_ID, "hb"]` heartbeats on quiet channels every
//!   15 s; the client has nothing to send (`{"event":"ping"}` is optional), so no keep-alive.
//! - Errors: `{"event":"error","msg":..,"code":..}`, naming the channel and symbol when it
//!   refuses a subscribe (10300 failed, 10301 already subscribed, 10302 unknown channel).
//! - Limits ([`LIMITS`], re-checked against <https://docs.bitfinex.com/docs/ws-public>): 25
//!   channels per connection (older pages said 30) and 20 connections per minute; the
//!   runtime plans a feed's connections and paces them by these figures.
//!
//! Ambiguities in the docs, and the choices made:
//!
//! - **Resync**: the docs give no way to ask a live channel for a new snapshot, and
//!   `unsubscribe` takes the `chanId`, which only the parser of this connection knows. A
//!   resync therefore sends the `subscribe` again; Bitfinex answers 10301 (already
//!   subscribed), naming the channel and symbol, and the parser answers that with
//!   `unsubscribe` of the `chanId` and the `subscribe` once more, which brings a new snapshot.
//! - **Checksum numbers** are written as JavaScript writes the JSON numbers sent (no trailing
//!   zeros, exponent form below 1e-6), ask amounts negative ([`book`]).
//! - **Book levels** arrive one per message; those of one iteration are applied together
//!   when its `cs` comes (a book without checksums would flush them every 10,000 levels).
//! - **Book depth**: `len` is the smallest of 25, 100, 250 that holds `book_depth`; the
//!   checksum covers the best 25 only, so with `book_depth` above 25 the deeper levels are
//!   not verified.
//! - **Currency codes** are kept as listed (`UST` is Tether: `BTCUST` is `BTC-UST`); pairs
//!   are split at `:` or, without one, into two three-letter codes.
//! - **Trades**: the snapshot of past trades after subscribing and the `tu` repeats are not
//!   delivered; the side is the taker's, from the sign of `AMOUNT`.
//! - **Maintenance** (`info` 20060/20061) and restart (20051) events are logged; the
//!   connection is re-established when the server closes it.

mod limits;
pub use limits::LIMITS;
mod book;
mod frame;
mod market;
mod state;
mod subscription;
mod ticker;
mod trade;
mod trade_fast;
#[cfg(test)]
mod trade_fast_tests;

use feed_core::book::{BookParams, BookRules};
use feed_core::runtime::FrameError;
use feed_core::Channel;

use crate::adapter::{
    DefaultEndpoints, ExchangeAdapter, FrameContext, SubscribeRequest, Subscription,
};
use crate::error::AdapterError;
use crate::markets::Market;
use crate::parsed::ParsedFrame;

/// The documented REST base URL (public endpoints).
pub const REST_BASE: &str = "https://api-pub.bitfinex.com";
/// The documented public WebSocket URL.
pub const WEBSOCKET_URL: &str = "wss://api-pub.bitfinex.com/ws/2";

/// The Bitfinex adapter. Channel ids live in each session's connection state
/// ([`ExchangeAdapter::connection_state`]); the adapter's own is used only by parsing
/// outside a session (unit tests, the fuzzer's direct calls).
#[derive(Debug, Default)]
pub struct Bitfinex {
    state: state::State,
}

impl ExchangeAdapter for Bitfinex {
    fn limits(&self) -> feed_core::runtime::VenueLimits {
        LIMITS
    }

    fn id(&self) -> &'static str {
        "bitfinex"
    }

    fn connection_state(&self) -> Option<Box<crate::adapter::ConnectionState>> {
        Some(Box::new(state::State::default()))
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
        format!("{rest_base}/v2/conf/pub:list:pair:exchange")
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_pairs(body)
    }

    fn subscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
        subscription::subscribe_messages(subscriptions)
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
        // The session's state of this connection; the adapter's own outside a session.
        let state = context
            .connection
            .and_then(|connection| connection.downcast_ref::<state::State>())
            .unwrap_or(&self.state);
        // A trade in the documented layout on the hot path; everything else (and a trade
        // it declines) read by serde.
        if trade_fast::push_trade(state, frame, context, out).is_some() {
            return Ok(());
        }
        frame::parse_frame(state, frame, context, out)
    }
}
