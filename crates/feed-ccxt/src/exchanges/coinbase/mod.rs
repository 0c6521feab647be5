//! Coinbase Advanced Trade (spot). TRADES is the `market_trades` channel, as in cryptofeed;
//! L2_BOOK is the `level2` channel ([`book`]): a snapshot on the stream after subscribing,
//! then updates, kept whole by the connection's `sequence_num`.
//!
//! - REST: [`REST_BASE`] + `/api/v3/brokerage/market/products` ("List Public Products": the
//!   market list without a key; cryptofeed uses the authenticated `/api/v3/brokerage/products`,
//!   which needs one). Product schema:
//!   <https://docs.cdp.coinbase.com/api-reference/advanced-trade-api/rest-api/public/get-public-product>
//! - WebSocket: [`WEBSOCKET_URL`] (market data; `level2` and `market_trades` need no
//!   authentication), then one `subscribe` per channel
//!   <https://docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/websocket/websocket-overview>,
//!   <https://docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/websocket/websocket-channels>,
//!   <https://docs.cdp.coinbase.com/api-reference/advanced-trade-api/websocket/level2>
//! - Keep-alive: no client ping is documented. "Most channels close within 60-90 seconds if
//!   no updates are sent. Subscribe to heartbeats to keep all subscriptions open": the
//!   `heartbeats` channel is subscribed with the others and sends a message every second,
//!   which also keeps the runtime's idle detection quiet.
//! - Acknowledgements: the `subscriptions` message lists every subscription the connection
//!   has; each listed (channel, product) acknowledges that subscription. Errors
//!   (`{"type":"error","message":...}`) are exchange errors: one arriving while subscriptions
//!   wait is the reason given if they time out.
//! - Book depth: `level2` has no depth parameter. Its snapshot is the whole book and its
//!   updates cover every level, so any `book_depth` is served exactly from the full book
//!   (no stream depth, no snapshot window).
//!
//! Ambiguities in the docs, and what this adapter does:
//!
//! 1. **`sequence_num` scope.** The overview (text carried over from the Exchange feed)
//!    says "increasing integer values for each product"; but the number sits on the
//!    envelope, `subscriptions` and `heartbeats` messages carry one, and clients' captures
//!    number a connection's frames consecutively across channels. It is read as one counter
//!    per connection: every frame's number goes to [`ParsedFrame::sequence`], and the
//!    session turns a skipped number into a gap on every subscription and a resync of every
//!    book. A duplicate or late number counts as a gap too (the conservative reading).
//! 2. **Book sides** are `"bid"` and `"offer"` (the docs' example shows only bids; cryptofeed
//!    reads `"ask"` and so drops every ask of a snapshot). Any other side is malformed.
//! 3. **Book times.** Snapshot levels carry `event_time: "1970-01-01T00:00:00Z"`, and
//!    per-level times of updates are the engine's and not monotonic across messages: every
//!    book message takes the envelope `timestamp`. Books carry no sequence: `l2_data` has
//!    no per-product id, and a connection-wide number is not one.
//! 4. **No per-book continuity** ([`feed_core::book::SequenceRule::None`]): integrity comes
//!    from the connection's numbering and the crossed-book check. A malformed `l2_data`
//!    frame (an unknown event type, an unknown side) is dropped, so its number is missing
//!    and the next frame resyncs every book.
//! 5. **"-USDC" products.** "Subscribing to "-USDC" based products are only available on the
//!    user channel. Other channels will return the same data as the corresponding "-USD"
//!    based products": a `BTC-USDC` book would arrive labelled `BTC-USD`. Such twins are not
//!    markets (see `market.rs`: asking for one fails at start naming `BTC-USD`), so books are
//!    keyed on the `product_id` received, which is always the name subscribed. USDT-USDC and
//!    EURC-USDC, served as themselves, are markets.
//! 6. **Error frames** are undocumented on Advanced Trade: the `{"type":"error","message"}`
//!    shape is ccxt's (plus the legacy feed's `reason`), its text opaque; it carries no
//!    `sequence_num` and is not counted.
//! 7. **Resync** is `unsubscribe` then `subscribe` of `level2` for the book's product: the
//!    new subscription starts with a fresh snapshot. The subscribe is followed by the
//!    `heartbeats` subscribe again (the adapter cannot tell a resync from a connection's
//!    first subscribe); subscribing to a channel twice only repeats its confirmation.
//! 8. **Trade `side`**: see `trade.rs` (unchanged here).
//!
//! `market_trades` updates in the documented layout are read on a hot path without serde
//! (`trade_fast.rs`), which gives the serde path's events or declines.

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
use feed_core::Channel;

use crate::adapter::{
    DefaultEndpoints, ExchangeAdapter, FrameContext, SubscribeRequest, Subscription,
};
use crate::error::AdapterError;
use crate::markets::Market;
use crate::parsed::ParsedFrame;

/// The documented REST base URL.
pub const REST_BASE: &str = "https://api.coinbase.com";
/// The documented market data WebSocket URL.
pub const WEBSOCKET_URL: &str = "wss://advanced-trade-ws.coinbase.com";

/// The Coinbase Advanced Trade adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Coinbase;

impl ExchangeAdapter for Coinbase {
    fn limits(&self) -> feed_core::runtime::VenueLimits {
        LIMITS
    }

    fn id(&self) -> &'static str {
        "coinbase"
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
        format!("{rest_base}/api/v3/brokerage/market/products")
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_products(body)
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

    fn book_params(&self, subscription: &Subscription, market: Option<&Market>) -> BookParams {
        book::params(subscription, market)
    }

    fn parse_frame(
        &self,
        frame: &str,
        context: &FrameContext<'_>,
        out: &mut ParsedFrame,
    ) -> Result<(), FrameError> {
        // `market_trades` updates in the documented layout on the hot path, or serde.
        if trade_fast::push_trades(frame, context, out).is_some() {
            return Ok(());
        }
        frame::parse_frame(frame, context, out)
    }
}
