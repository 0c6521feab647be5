//! HTX (formerly Huobi) spot. TRADES is `market.$symbol.trade.detail` ([`trade`]),
//! L2_BOOK the incremental `market.$symbol.mbp.$levels` aligned with its refresh image
//! ([`book`]), TICKER `market.$symbol.bbo` ([`ticker`]).
//!
//! Official documentation: <https://huobiapi.github.io/docs/spot/v1/en/>
//! - Market list: `GET /v1/common/symbols`
//!   <https://huobiapi.github.io/docs/spot/v1/en/#get-all-supported-trading-symbol>
//!   (`state: "online"` only; [`market`]).
//! - WebSocket market data: `wss://api.huobi.pro/ws`
//!   <https://huobiapi.github.io/docs/spot/v1/en/#websocket-market-data>; the MBP
//!   incremental channel and its `req` refresh at `wss://api.huobi.pro/feed`
//!   <https://huobiapi.github.io/docs/spot/v1/en/#market-by-price-incremental-update>.
//!   A feed of both gets a connection for each: L2_BOOK on `/feed`, TRADES and TICKER on
//!   `/ws` (the adapter's connection groups).
//! - Every frame from the server is gzip-compressed binary ([`frame`]); decompressed text
//!   (recordings, the fuzzer's seeds) is read the same way.
//! - Keep-alive: the server sends `{"ping": 1492420473027}` every 5 s and drops a
//!   connection that does not answer `{"pong": 1492420473027}` (the same number) twice in a
//!   row; every ping is answered at once. The client sends no keep-alive of its own.
//! - Subscribe: `{"sub": "<topic>", "id": "<id>"}`, one topic per message, acknowledged
//!   by `{"id":..,"status":"ok","subbed":..}`, refused by `status: "error"` with `err-code`
//!   and `err-msg` ([`subscription`]).
//!
//! Ambiguities and choices:
//! - The docs consulted give no limit on topics per connection and none per message (each
//!   `sub` carries one topic): none is enforced; sharding is a later issue.
//! - The book snapshot: the docs offer a `req` on the same connection (the refresh image,
//!   whose `seqNum` equals the `prevSeqNum` of one increment) — chosen, since REST
//!   `/market/depth` carries no sequence number to align with. See [`book`].
//! - The trade's `id` in `tick.data` is a number beyond 64 bits; `tradeId` (the documented
//!   unique trade id) is used as the trade id.
//! - `direction` is documented as the taker's (aggressive) side.
//! - Numbers are JSON numbers (`"price":52648.62`): every one is read from its exact text.

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

/// The documented REST base URL.
pub const REST_BASE: &str = "https://api.huobi.pro";
/// The documented WebSocket host; the path is `/ws` or `/feed` by the feed's channels.
pub const WEBSOCKET_BASE: &str = "wss://api.huobi.pro";

/// The HTX spot adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Htx;

impl ExchangeAdapter for Htx {
    fn limits(&self) -> feed_core::runtime::VenueLimits {
        LIMITS
    }

    fn id(&self) -> &'static str {
        "htx"
    }

    fn default_endpoints(&self) -> DefaultEndpoints {
        DefaultEndpoints {
            rest: REST_BASE,
            websocket: WEBSOCKET_BASE,
        }
    }

    fn channels(&self) -> &'static [Channel] {
        &[Channel::Trades, Channel::L2Book, Channel::Ticker]
    }

    fn connection_group(&self, subscription: &Subscription) -> u8 {
        u8::from(subscription.channel == Channel::L2Book)
    }

    fn markets_url(&self, rest_base: &str) -> String {
        format!("{rest_base}/v1/common/symbols")
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_symbols(body)
    }

    fn websocket_url(&self, websocket_base: &str, subscriptions: &[Subscription]) -> String {
        subscription::websocket_url(websocket_base, subscriptions)
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
        // Trade pushes in the documented layout on the hot path, or serde.
        if trade_fast::push_trades(frame, context, out).is_some() {
            return Ok(());
        }
        frame::parse_frame(frame, context, out)
    }

    fn parse_binary_frame(
        &self,
        frame: &[u8],
        context: &FrameContext<'_>,
        out: &mut ParsedFrame,
    ) -> Result<(), FrameError> {
        frame::parse_gzip_frame(frame, context, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_endpoints_and_no_client_keep_alive() {
        let adapter = Htx;
        assert_eq!(adapter.id(), "htx");
        assert_eq!(adapter.name(), "HTX");
        assert_eq!(
            adapter.markets_url(REST_BASE),
            "https://api.huobi.pro/v1/common/symbols"
        );
        assert_eq!(adapter.keep_alive(), None);
        assert!(adapter.book_rules().is_some());
        let subscription = |channel| {
            crate::adapter::Subscription::new(
                channel,
                feed_core::Symbol::new("BTC", "USDT"),
                "btcusdt",
            )
        };
        let group = |channel| adapter.connection_group(&subscription(channel));
        assert_eq!(group(Channel::Trades), group(Channel::Ticker));
        assert_ne!(group(Channel::Trades), group(Channel::L2Book));
        assert_eq!(
            adapter.websocket_url("wss://api.huobi.pro", &[subscription(Channel::L2Book)]),
            "wss://api.huobi.pro/feed"
        );
        assert_eq!(
            adapter.websocket_url("wss://api.huobi.pro", &[subscription(Channel::Trades)]),
            "wss://api.huobi.pro/ws"
        );
    }
}
