//! Gemini market data v2 (spot). One subscription, `l2`, carries both the book and the
//! trades of its symbols: TRADES are its `trade` messages ([`trade`]), L2_BOOK its
//! `l2_updates` ([`book`]). TICKER is not offered (see below).
//!
//! Official documentation:
//! - WebSocket market data v2: `wss://api.gemini.com/v2/marketdata`
//!   <https://docs.gemini.com/websocket/market-data/v2/about>, the `l2` feed
//!   <https://docs.gemini.com/websocket/market-data/v2/level-2-data> (archived copy:
//!   <https://docs.gemini.com/websocket/archived/v2>).
//! - Market list: `GET /v1/symbols/details/{symbol}` per configured symbol, or
//!   `GET /v1/symbols` for `symbols: ALL`
//!   <https://docs.gemini.com/rest/market-data> ([`market`]).
//! - Subscribe: `{"type":"subscribe","subscriptions":[{"name":"l2","symbols":[..]}]}`, one
//!   message for every symbol of the feed; `unsubscribe` likewise ([`subscription`]).
//!
//! Ambiguities and choices:
//! - TICKER: v2's feeds are `l2` and `candles_*` (plus mark price and funding for
//!   perpetuals); none is a top of book. Nothing is derived from the book: TICKER is not
//!   among [`ExchangeAdapter::channels`], so a feed asking for it is refused when made,
//!   naming the channels this adapter has (TRADES, L2_BOOK).
//! - Acknowledgements: the docs show none for `subscribe` (the first `l2_updates` is the
//!   answer): [`AckBy::Nothing`](crate::AckBy::Nothing). Error answers are not documented
//!   for v2; Gemini's documented error shape `{"result":"error","reason":..,"message":..}`
//!   (and any `"type":"error"`) is read as an exchange error.
//! - Heartbeats: the v2 pages document none and prescribe no client keep-alive; the
//!   `{"type":"heartbeat",..}` messages the server sends (as v1 documents) are recognised
//!   and ignored. The client sends none.
//! - Limits: the docs give no limit of symbols per message or per connection; none is
//!   enforced (sharding is a later issue).
//! - Integrity: `l2` has no sequence numbers, no checksum and no timestamps. The only
//!   checks possible are the session's own (a book must never be crossed, sizes never
//!   negative), which resubscribe the symbol (`unsubscribe` + `subscribe`, whose first
//!   `l2_updates` is the whole book again). A lost `l2_updates` message is NOT detectable:
//!   a gap is reported only when it leaves the book crossed. See [`book`].
//! - A resync of one symbol's book also stops its trades between the `unsubscribe` and
//!   the new subscription (one `l2` carries both); the past trades that the new initial
//!   message repeats are skipped, so nothing is delivered twice.
//! - Auction, candle, mark price and funding messages are recognised and not delivered.

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

use feed_core::book::{BookParams, BookRules};
use feed_core::runtime::FrameError;
use feed_core::{Channel, Symbol};

use crate::adapter::{
    DefaultEndpoints, ExchangeAdapter, FrameContext, SubscribeRequest, Subscription,
};
use crate::error::AdapterError;
use crate::filter::MarketFilter;
use crate::markets::Market;
use crate::parsed::ParsedFrame;

/// The documented REST base URL.
pub const REST_BASE: &str = "https://api.gemini.com";
/// The documented market data v2 URL.
pub const WEBSOCKET_URL: &str = "wss://api.gemini.com/v2/marketdata";

/// The Gemini market data v2 adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gemini;

impl ExchangeAdapter for Gemini {
    fn limits(&self) -> feed_core::runtime::VenueLimits {
        LIMITS
    }

    fn id(&self) -> &'static str {
        "gemini"
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
        market::list_url(rest_base)
    }

    fn markets_urls_for(
        &self,
        rest_base: &str,
        symbols: &[Symbol],
        _filter: Option<&MarketFilter>,
    ) -> Vec<String> {
        market::urls_for(rest_base, symbols)
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse(body)
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
        BookParams::with_depth(subscription.book_depth)
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
    fn documented_endpoints_channels_and_no_client_keep_alive() {
        let adapter = Gemini;
        assert_eq!(adapter.id(), "gemini");
        assert_eq!(adapter.name(), "GEMINI");
        assert_eq!(
            adapter.default_endpoints().websocket,
            "wss://api.gemini.com/v2/marketdata"
        );
        assert_eq!(
            adapter.markets_url(REST_BASE),
            "https://api.gemini.com/v1/symbols"
        );
        assert!(!adapter.channels().contains(&Channel::Ticker));
        assert_eq!(adapter.keep_alive(), None);
        assert!(adapter.book_rules().is_some());
    }
}
