//! Bitget spot, public WebSocket v2 (`instType` `SPOT`). TRADES is `trade`, L2_BOOK is
//! `books` (a snapshot on the stream, then updates, checked by CRC32; [`book`]), TICKER is
//! `ticker` ([`ticker`]).
//!
//! - REST: [`REST_BASE`] + `/api/v2/spot/public/symbols` (market list, `status` `online`
//!   only) <https://www.bitget.com/api-doc/spot/market/Get-Symbols>
//! - WebSocket: [`WEBSOCKET_URL`], `{"op":"subscribe","args":[{"instType":"SPOT",
//!   "channel":..,"instId":..}]}`, each arg acknowledged by `{"event":"subscribe","arg":{..}}`
//!   <https://www.bitget.com/api-doc/common/websocket-intro>; channels
//!   <https://www.bitget.com/api-doc/spot/websocket/public/Trades-Channel>,
//!   <https://www.bitget.com/api-doc/spot/websocket/public/Depth-Channel>,
//!   <https://www.bitget.com/api-doc/spot/websocket/public/Tickers-Channel>.
//! - Keep-alive (documented): the client sends the text `ping` every 30 s and gets the text
//!   `pong`; the server closes a connection that sent no `ping` for 2 minutes.
//! - Errors: `{"event":"error","arg":{..},"code":30001,"msg":"..doesn't exist","op":"subscribe"}`
//!   refuses that arg's subscription; an error without `arg` is an exchange error (the
//!   session keeps its words as the reason of subscriptions still unacknowledged).
//! - Limits (documented): the args of one request at most 4096 bytes (requests are split
//!   at that size, [`subscription`]); 1000 channels per connection (fewer than 50
//!   recommended); 240 subscribe requests per hour per connection; 10 messages per second
//!   per connection, `ping` included; 300 connection requests per IP per 5 minutes and 100
//!   connections per IP. Declared in [`LIMITS`], which the runtime plans connections and
//!   paces messages by (see there for what has no field). A book resync
//!   costs an unsubscribe and a subscribe of that one symbol, paced by the session.
//!
//! Ambiguities in the docs, and the choices made:
//!
//! - **Book integrity**: spot `books` pushes carry `checksum` and `seq`, but no previous
//!   `seq` — a lost push cannot be told from the ids, so the rule is the checksum's
//!   ([`feed_core::book::SequenceRule::None`]): after every push the CRC32 of the best 25
//!   levels is compared. `seq` is kept as the book's sequence number.
//! - **Checksum `0`**: snapshots (and the fixed-depth channels) carry `"checksum": 0`; `0`
//!   is read as "no checksum" (it is also the CRC of 1 in 2^32 books: those are not checked).
//! - **Depth**: `books` is the whole book (no depth parameter); delivered books have
//!   `book_depth` levels. The checksum covers the best 25 only: with `book_depth` above 25
//!   the levels below 25 are not verified. `books1`/`books5`/`books15` are snapshots
//!   without a checksum and are not used.
//! - **Trade snapshots**: after subscribing, `trade` first pushes `action: "snapshot"` with
//!   recent (past) trades; it is skipped, only `update` pushes are delivered. `side` is the
//!   taker's.
//! - **Tickers** are pushed as `snapshot` every time and are all delivered; an empty best
//!   bid or ask price gives no TICKER event.

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

use feed_core::book::{BookParams, BookRules};
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
pub const REST_BASE: &str = "https://api.bitget.com";
/// The documented public WebSocket URL (v2).
pub const WEBSOCKET_URL: &str = "wss://ws.bitget.com/v2/ws/public";
/// How often the client sends `ping` (documented: every 30 s).
pub const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(30);
/// The documented keep-alive (plain text, not JSON).
pub const PING: &str = "ping";

/// The Bitget spot adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bitget;

impl ExchangeAdapter for Bitget {
    fn limits(&self) -> feed_core::runtime::VenueLimits {
        LIMITS
    }

    fn id(&self) -> &'static str {
        "bitget"
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
        format!("{rest_base}/api/v2/spot/public/symbols")
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_symbols(body)
    }

    fn subscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
        subscription::subscribe_messages(subscriptions)
    }

    fn unsubscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<String> {
        subscription::unsubscribe_messages(subscriptions)
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
        BookParams::with_depth(subscription.book_depth)
    }

    fn parse_frame(
        &self,
        frame: &str,
        context: &FrameContext<'_>,
        out: &mut ParsedFrame,
    ) -> Result<(), FrameError> {
        fast_or_serde(
            trade_fast::push_update,
            frame::parse_frame,
            frame,
            context,
            out,
        )
    }
}
