//! OKX v5 spot, public channels `trades` (TRADES) and `books` (L2_BOOK, [`book`]).
//!
//! - REST: [`REST_BASE`] + `/api/v5/public/instruments?instType=SPOT` (market list)
//!   <https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments>
//! - WebSocket: [`WEBSOCKET_URL`], then `subscribe` with one arg per channel and market
//!   <https://www.okx.com/docs-v5/en/#overview-websocket-subscribe>,
//!   <https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-trades-channel>,
//!   <https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-order-book-channel>.
//!   Each arg is acknowledged by `{"event":"subscribe","arg":{...}}`.
//! - Keep-alive (documented): the connection breaks when no data was pushed for 30 s;
//!   clients send the text `ping` before that and get the text `pong`
//!   <https://www.okx.com/docs-v5/en/#overview-websocket-connect>. The client sends `ping`
//!   every [`KEEP_ALIVE_INTERVAL`] (the books' own keep-alive comes only after about 60 s).
//! - Errors: `{"event":"error","code":"60018","msg":"..."}`, naming no subscription; the
//!   connection's other subscriptions stay alive
//!   <https://www.okx.com/docs-v5/en/#error-code-websocket-public>.
//! - Before a service upgrade OKX sends `{"event":"notice","code":"64008",...}` and closes
//!   the connection; the runtime reconnects.
//! - Limits <https://www.okx.com/docs-v5/en/#overview-websocket>: 480 `subscribe`,
//!   `unsubscribe` and `login` requests per connection per hour. A book resync costs two
//!   (unsubscribe + subscribe of that one market). The session paces them: after three
//!   resyncs of a symbol within a minute, its next ones wait 2, 4, ... up to 60 s, so a
//!   symbol that keeps breaking costs at most about 120 requests an hour. (Several symbols
//!   of one connection breaking all the time could still reach the limit; OKX's answer
//!   then is an error event, counted as an exchange error.)
//!
//! Book depth: the channel is `books` for every `book_depth` — a 400-level snapshot, then
//! the changes every 100 ms, with `seqId`/`prevSeqId` continuity. Delivered books have
//! `book_depth` levels per side, at most 400. The alternatives: `books5` (5-level snapshots
//! every 100 ms) has no `prevSeqId`, so a lost push could not be told from a quiet book,
//! and would need a second synchronization procedure for `book_depth <= 5` only;
//! `bbo-tbt` is one level; `books50-l2-tbt` and `books-l2-tbt` need a login at VIP4 or
//! above (error 64003 otherwise). Pushes of those channels are recognised and skipped.
//!
//! Ambiguities in the docs, and the choices made:
//!
//! - What to do on a gap is not documented: the symbol is unsubscribed and subscribed
//!   again, which makes OKX send a new snapshot.
//! - Whether a level that leaves the 400-level window gets an explicit delete is not
//!   documented: the book is cut to 400 levels per side after every message, so a level
//!   beyond the window never lingers.
//! - The checksum is deprecated and always `0` since 23 June 2026 (notice "OKX Order Book
//!   Channels Checksum Field Deprecation", 21 May 2026, see <https://www.okx.com/docs-v5/log_en/>):
//!   `0` counts as no checksum (it is also the CRC of some books: those are not checked);
//!   any other value is checked as the pre-deprecation docs describe.
//! - The docs do not say whether a sequence reset (`seqId < prevSeqId`) carries changes:
//!   its levels are applied like any update's.
//! - Error events name no subscription, and the order of a request's acks and errors is
//!   not documented: subscriptions are acknowledged by topic, and an error's words become
//!   the reason of those still unacknowledged when their time runs out.
//! - OKX warns that the best ask may be below the best bid during pre-open; instruments in
//!   `preopen` are not markets here, and a crossed book of a live market is a resync.

mod book;
mod frame;
mod market;
mod subscription;
mod trade;

use std::time::Duration;

use feed_core::book::{BookParams, BookRules};
use feed_core::runtime::{FrameError, KeepAlive};
use feed_core::Channel;

use crate::adapter::{
    DefaultEndpoints, ExchangeAdapter, FrameContext, SubscribeRequest, Subscription,
};
use crate::error::AdapterError;
use crate::markets::Market;
use crate::parsed::ParsedFrame;

/// The documented REST base URL (global site).
pub const REST_BASE: &str = "https://www.okx.com";
/// The documented public WebSocket URL (global site), where `trades` and `books` live.
pub const WEBSOCKET_URL: &str = "wss://ws.okx.com:8443/ws/v5/public";
/// How often the client sends `ping`: OKX closes connections silent for 30 s.
pub const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(20);
/// The documented client keep-alive message (plain text, not JSON).
pub const PING: &str = "ping";

/// The OKX spot adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Okx;

impl ExchangeAdapter for Okx {
    fn id(&self) -> &'static str {
        "okx"
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
        format!("{rest_base}/api/v5/public/instruments?instType=SPOT")
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

    fn book_params(&self, subscription: &Subscription, market: Option<&Market>) -> BookParams {
        book::params(subscription, market)
    }

    fn keep_alive(&self) -> Option<KeepAlive> {
        Some(KeepAlive::Text {
            interval: KEEP_ALIVE_INTERVAL,
            message: PING.to_owned(),
        })
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

#[cfg(test)]
mod session_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_endpoints() {
        let adapter = Okx;
        assert_eq!(adapter.id(), "okx");
        assert_eq!(adapter.name(), "OKX");
        assert_eq!(adapter.channels(), &[Channel::Trades, Channel::L2Book]);
        assert_eq!(
            adapter.markets_url(adapter.default_endpoints().rest),
            "https://www.okx.com/api/v5/public/instruments?instType=SPOT"
        );
        assert_eq!(
            adapter.default_endpoints().websocket,
            "wss://ws.okx.com:8443/ws/v5/public"
        );
    }

    #[test]
    fn keep_alive_is_a_text_ping_well_within_30_seconds() {
        match Okx.keep_alive() {
            Some(KeepAlive::Text { interval, message }) => {
                assert_eq!(message, "ping");
                assert!(interval < Duration::from_secs(30), "{interval:?}");
                assert!(interval >= Duration::from_secs(5), "{interval:?}");
            }
            other => panic!("expected a text keep-alive, got {other:?}"),
        }
    }
}
