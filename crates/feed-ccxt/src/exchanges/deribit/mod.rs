//! Deribit (perpetuals, dated futures, options and spot; JSON-RPC 2.0 over WebSocket):
//! TRADES (`trades`), L2_BOOK (`book`, a snapshot on the stream then changes chained by
//! `prev_change_id`: [`book`]), and TICKER, FUNDING and OPEN_INTEREST, all three from one
//! `ticker` channel per instrument ([`ticker`]).
//!
//! Sources (Deribit's API docs):
//!
//! - REST: `GET` [`REST_BASE`]`/api/v2/public/get_instruments?currency=any&expired=false`
//!   <https://docs.deribit.com/api-reference/market-data/public-get_instruments>
//!   ([`market`]).
//! - WebSocket: [`WEBSOCKET_URL`], JSON-RPC 2.0
//!   <https://docs.deribit.com/articles/json-rpc-overview>; `public/subscribe`
//!   <https://docs.deribit.com/api-reference/subscription-management/public-subscribe>,
//!   `public/unsubscribe`, notifications
//!   <https://docs.deribit.com/articles/notifications> ([`subscription`], [`frame`]).
//! - Channels: `trades.{instrument_name}.{interval}`
//!   <https://docs.deribit.com/subscriptions/trades/tradesinstrument_nameinterval>,
//!   `book.{instrument_name}.{interval}`
//!   <https://docs.deribit.com/subscriptions/orderbook/bookinstrument_nameinterval>,
//!   `ticker.{instrument_name}.{interval}`
//!   <https://docs.deribit.com/subscriptions/ticker/tickerinstrument_nameinterval>.
//! - Keep-alive: `public/set_heartbeat` with an `interval` of at least 10 s
//!   <https://docs.deribit.com/api-reference/session-management/public-set_heartbeat>:
//!   the server then sends `heartbeat` notifications, and a `test_request` must be
//!   answered with `public/test`
//!   <https://docs.deribit.com/api-reference/supporting/public-test> or the connection is
//!   closed. No client-timed keep-alive is needed.
//!
//! Symbols: `BTC-PERPETUAL` is `BTC-USD-PERP`, `BTC_USDC-PERPETUAL` `BTC-USDC-PERP`,
//! `BTC-26DEC26` `BTC-USD-26DEC26`, `BTC-26DEC26-100000-C` `BTC-USD-26DEC26-100000-C`,
//! `ETH_USDC` `ETH-USDC`, from the instrument's `base_currency`, `quote_currency`,
//! `expiration_timestamp`, `strike` and `option_type` (not parsed out of its name).
//!
//! Ambiguities in the docs, and the choices made:
//!
//! - Interval: `raw` notifications of public channels need an authorized connection, so
//!   every channel is subscribed at `100ms` (books are then aggregated over 100 ms, still
//!   chained by `prev_change_id`; trades arrive in batches).
//! - Subscribe limits: the docs give no number of channels per message, only a rate for
//!   `public/subscribe` ("Sustained rate: ~3.3 requests/second", on its page): messages
//!   carry up to [`subscription::CHANNELS_PER_MESSAGE`] channels (our choice), so a feed
//!   sends few of them; the session does not pace them. Each message's answer lists the
//!   channels subscribed; a subscription whose channel is not listed is refused.
//! - The same `ticker` channel serves TICKER, FUNDING and OPEN_INTEREST: it is subscribed
//!   once and its answer settles all three.
//! - Option quotes: an option's `quote_currency` is its premium currency (BTC for inverse
//!   options); the normalized quote is its `counter_currency` (USD, USDC), the strike's
//!   currency, so that `BTC-26DEC26-100000-C` is `BTC-USD-26DEC26-100000-C`.
//! - Funding: Deribit's funding is continuous; `current_funding` (documented only as
//!   "Current funding (perpetual only)") is delivered as `rate`, `funding_8h` is not
//!   delivered, `predicted_rate` and `next_funding_time` are none. Tickers without
//!   `current_funding` (futures, options) are no funding rate.
//! - Open interest and sizes: `open_interest` and amounts are in USD for perpetuals and
//!   inverse futures, in the base currency for options and linear instruments; they are
//!   delivered as sent, `notional` none.
//! - Tickers: a `null` best bid or ask (an empty side) is no ticker; a `null` amount is a
//!   size of none.
//! - Book depth: `book.{instrument}.{interval}` carries the whole book, so any
//!   `book_depth` is delivered from it (the grouped `book.{instrument}.{group}.{depth}`
//!   channel, snapshots only, is not used).
//! - Request ids: a subscribe message's id is its first subscription's id; heartbeat,
//!   test and unsubscribe requests use ids from [`subscription::RESERVED_IDS`] on, whose
//!   answers acknowledge nothing.

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

use feed_core::book::{BookParams, BookRules};
use feed_core::runtime::FrameError;
use feed_core::Channel;

use crate::adapter::{
    DefaultEndpoints, ExchangeAdapter, FrameContext, SubscribeRequest, Subscription,
};
use crate::error::AdapterError;
use crate::markets::Market;
use crate::parsed::ParsedFrame;

/// The documented REST base URL (production).
pub const REST_BASE: &str = "https://www.deribit.com";
/// The documented WebSocket URL (production).
pub const WEBSOCKET_URL: &str = "wss://www.deribit.com/ws/api/v2";

/// The Deribit adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Deribit;

impl ExchangeAdapter for Deribit {
    fn limits(&self) -> feed_core::runtime::VenueLimits {
        LIMITS
    }

    fn id(&self) -> &'static str {
        "deribit"
    }

    fn default_endpoints(&self) -> DefaultEndpoints {
        DefaultEndpoints {
            rest: REST_BASE,
            websocket: WEBSOCKET_URL,
        }
    }

    fn channels(&self) -> &'static [Channel] {
        &[
            Channel::Trades,
            Channel::L2Book,
            Channel::Ticker,
            Channel::Funding,
            Channel::OpenInterest,
        ]
    }

    fn markets_url(&self, rest_base: &str) -> String {
        format!("{rest_base}/api/v2/public/get_instruments?currency=any&expired=false")
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_instruments(body)
    }

    fn subscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
        subscription::subscribe_messages(subscriptions)
    }

    fn unsubscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<String> {
        subscription::unsubscribe_messages(subscriptions)
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
        // `trades.*` notifications in the documented layout on the hot path, or serde.
        if trade_fast::push_trades(frame, context, out).is_some() {
            return Ok(());
        }
        frame::parse_frame(frame, context, out)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The markets of the documented instrument list.
    pub(crate) fn markets() -> Vec<Market> {
        market::parse_instruments(market::tests::INSTRUMENTS).unwrap()
    }

    #[test]
    fn documented_endpoints_and_channels() {
        let adapter = Deribit;
        assert_eq!(
            (adapter.id(), adapter.name().as_str()),
            ("deribit", "DERIBIT")
        );
        assert_eq!(
            adapter.markets_url(adapter.default_endpoints().rest),
            "https://www.deribit.com/api/v2/public/get_instruments?currency=any&expired=false"
        );
        assert_eq!(
            adapter.default_endpoints().websocket,
            "wss://www.deribit.com/ws/api/v2"
        );
        assert_eq!(adapter.channels().len(), 5);
        assert_eq!(
            adapter.keep_alive(),
            None,
            "the server's heartbeats are answered"
        );
        assert_eq!(crate::registry::adapter("deribit").unwrap().id(), "deribit");
    }
}
