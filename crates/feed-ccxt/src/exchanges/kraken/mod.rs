//! Kraken spot over WebSocket v2. TRADES is the v2 `trade` channel (cryptofeed uses v1);
//! L2_BOOK is the v2 `book` channel, kept by its CRC32 checksum ([`book`]).
//!
//! - REST: [`REST_BASE`] + `/0/public/AssetPairs` (market list, with each pair's price and
//!   volume precision for the book checksum)
//!   <https://docs.kraken.com/api/docs/rest-api/get-tradable-asset-pairs>
//! - WebSocket: [`WEBSOCKET_URL`], then `subscribe` to `trade`
//!   <https://docs.kraken.com/api/docs/websocket-v2/trade> and `book`
//!   <https://docs.kraken.com/api/docs/websocket-v2/book> (one ack per symbol: [`ack`]);
//!   book sync and checksum <https://docs.kraken.com/api/docs/guides/spot-ws-book-v2>,
//!   <https://docs.kraken.com/api/docs/guides/spot-checksums>
//! - Symbols: v2 names assets `BTC/USD` and `DOGE/USD` where REST `wsname` (and v1) says
//!   `XBT/USD` and `XDG/USD`, so `wsname` is translated asset by asset (`XBT` → `BTC`,
//!   `XDG` → `DOGE`, nothing else changes) and the v2 name is the wire symbol; the
//!   normalized symbol is its base and quote joined by `-` (`BTC-USD`).
//!   <https://docs.kraken.com/exchange/api-reference/spot-websocket> ("v2 vs v1")
//! - Book depth: the subscribed `depth` is the smallest Kraken allows (10, 25, 100, 500,
//!   1000) not below `book_depth`; the checksum is over the top 10 whatever the depth, and
//!   the book is truncated to the depth after every message. A checksum mismatch resyncs
//!   that symbol alone: unsubscribe, subscribe again, and a fresh snapshot.
//! - Keep-alive: none needed from the client. The server sends `{"channel":"heartbeat"}`
//!   "approximately once every second in the absence of any other channel updates"
//!   <https://docs.kraken.com/api/docs/websocket-v2/heartbeat>; the `{"method":"ping"}`
//!   request is optional ("Clients can ping the server to verify connection is alive")
//!   <https://docs.kraken.com/api/docs/websocket-v2/ping>, and the runtime's idle detection
//!   already does that job with WebSocket pings, so none is sent. Pongs are ignored.
//!
//! Ambiguities in the docs and what this adapter does:
//!
//! - `price`/`qty` are typed `float` on the book page, shown as strings in the checksum
//!   guide: both are read as their exact text; the checksum renders them at the pair's
//!   precision ([`book`]).
//! - The precision for the checksum: the guide's `instrument` channel precisions, read here
//!   from AssetPairs' `pair_decimals`/`lot_decimals` (not documented as equal; equal on
//!   every documented example; see [`book`]).
//! - Error acks: no documented example, the symbol is not guaranteed in them: book
//!   subscriptions go one symbol per message with a unique `req_id` ([`ack`]).

mod limits;
pub use limits::LIMITS;
mod ack;
mod book;
mod book_fast;
#[cfg(test)]
mod book_fast_tests;
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
pub const REST_BASE: &str = "https://api.kraken.com";
/// The documented public WebSocket v2 URL.
pub const WEBSOCKET_URL: &str = "wss://ws.kraken.com/v2";

/// The Kraken spot adapter (WebSocket v2).
#[derive(Debug, Clone, Copy, Default)]
pub struct Kraken;

impl ExchangeAdapter for Kraken {
    fn limits(&self) -> feed_core::runtime::VenueLimits {
        LIMITS
    }

    fn id(&self) -> &'static str {
        "kraken"
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
        format!("{rest_base}/0/public/AssetPairs")
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_asset_pairs(body)
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
        frame::parse_frame(frame, context, out)
    }
}
