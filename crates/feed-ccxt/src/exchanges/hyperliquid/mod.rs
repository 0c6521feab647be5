//! Hyperliquid perpetuals (the first perp dex): TRADES (`trades`), TICKER (`bbo`), L2_BOOK
//! (`l2Book`, a snapshot in every message: [`book`]), CANDLES (`candle`), and FUNDING and
//! OPEN_INTEREST, both from one `activeAssetCtx` subscription per coin ([`asset_ctx`]).
//!
//! Sources (Hyperliquid's docs, and its Python SDK where the docs are thin):
//!
//! - REST: `POST` [`REST_BASE`]`/info` with `{"type":"meta"}`, the perpetuals' universe
//!   <https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint/perpetuals>
//!   ([`market`]).
//! - WebSocket: [`WEBSOCKET_URL`], one `{"method":"subscribe","subscription":{...}}` per
//!   feed, acknowledged by `{"channel":"subscriptionResponse","data":{...}}` echoing it
//!   <https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket>,
//!   <https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket/subscriptions>
//!   ([`subscription`], [`frame`]).
//! - Sides and sizes: "B = Bid = Buy, A = Ask = Short. Side is aggressing side for
//!   trades"; sizes are "in units of coin"
//!   <https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/notation>.
//! - Funding: "paid every hour at one eighth of the computed [8 hour] rate"
//!   <https://hyperliquid.gitbook.io/hyperliquid-docs/trading/funding>.
//! - Keep-alive: "The server will close any connection if it hasn't sent a message to it
//!   in the last 60 seconds"; the client may send `{ "method": "ping" }`, answered by
//!   `{ "channel": "pong" }`
//!   <https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket/timeouts-and-heartbeats>.
//!   [`PING`] goes every [`KEEP_ALIVE_INTERVAL`] (a third of the window; the SDK pings every
//!   50 s).
//! - Limits: 1000 WebSocket subscriptions and 2000 messages sent per minute
//!   <https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits>.
//!   A feed sends one message per subscription (FUNDING and OPEN_INTEREST of a coin share
//!   one), so `N` coins with every channel cost `5N` subscriptions. Both limits are per IP
//!   across connections; [`LIMITS`] declares them per connection (see there), and the venue
//!   refuses what is over its limits (the refusal's words become the reason of the
//!   subscriptions left unacknowledged).
//! - Python SDK: <https://github.com/hyperliquid-dex/hyperliquid-python-sdk>,
//!   `hyperliquid/websocket_manager.py` (greeting, ping, how frames map to subscriptions)
//!   and `hyperliquid/utils/types.py` (payload types).
//!
//! Symbols: Hyperliquid's perpetuals are margined and settled in USDC, so the coin `BTC` is
//! `BTC-USDC-PERP` (exchange symbol: the coin, as the universe spells it; `kPEPE` is
//! `KPEPE-USDC-PERP`).
//!
//! Ambiguities in the docs, and the choices made:
//!
//! - Numbers: the TypeScript types say `number` for candle prices and asset contexts, the
//!   SDK's types and every example show strings; both are read as their exact text.
//! - Trade ids: `tid` is a "50-bit hash of (buyer_oid, seller_oid)", unique only with the
//!   block time and coin; it is the trade id as sent (none when absent, as in the SDK's
//!   older type).
//! - Book depth: `l2Book` sends "5 levels if fast, 20 levels if slow": a `book_depth` up to
//!   5 subscribes with `"fast": true`, deeper ones without; more than 20 levels cannot be
//!   delivered, so a larger `book_depth` delivers 20. `nSigFigs`/`mantissa` are not sent
//!   (full precision). See [`book`] for why a lost message needs no resync.
//! - `bbo` sends `null` for an empty side: no ticker is delivered until both sides exist.
//! - Funding: the context's `funding` is the rate of the current hour (one eighth of the
//!   8-hour formula, see the funding page), delivered as `rate`; `predicted_rate` is none.
//!   The docs say funding is paid "every hour" but not at which instant, and the stream
//!   carries no time, so `next_funding_time` is none (the REST `predictedFundings` request
//!   would have it; it is not polled).
//! - Open interest: the docs give `openInterest` no unit (sizes are in coins, see
//!   Notation); it is delivered as sent, `notional` none (not documented as
//!   `openInterest * markPx`).
//! - Candles: the docs type the data `Candle[]`, the SDK reads one object; both are read.
//!   No closing message is documented: a bar is `closed` when it arrives after its close
//!   time `T` (its last millisecond), else it is open; bars are pushed as trades update
//!   them, so a bar's last update usually arrives while it is still open.
//! - Errors: `{"channel":"error","data":"<text>"}` is not specified beyond its text, which
//!   names no subscription reliably: it is an exchange error, and the session gives its
//!   words to the subscriptions still unacknowledged when their time runs out.
//! - Acknowledgements are matched by the echoed `type` and `coin` (the echo's other fields,
//!   such as `interval` or `fast`, are not compared: a feed has one of each per coin).
//! - The SDK skips a plain-text greeting, `Websocket connection established.`: it is
//!   recognised and skipped.

mod limits;
pub use limits::LIMITS;
mod asset_ctx;
mod book;
mod candle;
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
use crate::parsed::ParsedFrame;

/// The documented REST base URL (mainnet).
pub const REST_BASE: &str = "https://api.hyperliquid.xyz";
/// The documented WebSocket URL (mainnet).
pub const WEBSOCKET_URL: &str = "wss://api.hyperliquid.xyz/ws";
/// How often the client pings: the server closes connections it has not sent to in 60 s.
pub const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(20);
/// The documented heartbeat message.
pub const PING: &str = r#"{"method":"ping"}"#;
/// The documented body of the market list request.
pub const META_REQUEST: &str = r#"{"type":"meta"}"#;
/// The documented candle intervals.
pub const CANDLE_INTERVALS: [&str; 14] = [
    "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "8h", "12h", "1d", "3d", "1w", "1M",
];

/// The Hyperliquid perpetuals adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hyperliquid;

impl ExchangeAdapter for Hyperliquid {
    fn limits(&self) -> feed_core::runtime::VenueLimits {
        LIMITS
    }

    fn id(&self) -> &'static str {
        "hyperliquid"
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
            Channel::Ticker,
            Channel::L2Book,
            Channel::Candles,
            Channel::Funding,
            Channel::OpenInterest,
        ]
    }

    fn candle_intervals(&self) -> &'static [&'static str] {
        &CANDLE_INTERVALS
    }

    fn markets_url(&self, rest_base: &str) -> String {
        format!("{rest_base}/info")
    }

    fn markets_post_body(&self) -> Option<String> {
        Some(META_REQUEST.to_owned())
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_meta(body)
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
        book::params(subscription)
    }

    fn parse_frame(
        &self,
        frame: &str,
        context: &FrameContext<'_>,
        out: &mut ParsedFrame,
    ) -> Result<(), FrameError> {
        // `trades` messages in the documented shape on the hot path, or serde.
        if trade_fast::push_trades(frame, context, out).is_some() {
            return Ok(());
        }
        frame::parse_frame(frame, context, out)
    }
}

#[cfg(test)]
mod session_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_endpoints_channels_and_intervals() {
        let adapter = Hyperliquid;
        assert_eq!(
            (adapter.id(), adapter.name().as_str()),
            ("hyperliquid", "HYPERLIQUID")
        );
        assert_eq!(
            adapter.markets_url(adapter.default_endpoints().rest),
            "https://api.hyperliquid.xyz/info"
        );
        assert_eq!(
            adapter.markets_post_body().as_deref(),
            Some(r#"{"type":"meta"}"#)
        );
        assert_eq!(
            adapter.default_endpoints().websocket,
            "wss://api.hyperliquid.xyz/ws"
        );
        assert_eq!(adapter.channels().len(), 6);
        assert!(adapter.candle_intervals().contains(&"1M"));
        assert!(adapter.candle_intervals().contains(&"1m"));
        assert!(!adapter.candle_intervals().contains(&"2m"));
        assert_eq!(
            crate::registry::adapter("hyperliquid").unwrap().id(),
            "hyperliquid"
        );
    }

    #[test]
    fn keep_alive_is_the_documented_ping_well_within_60_seconds() {
        assert_eq!(
            Hyperliquid.keep_alive(),
            Some(KeepAlive::Text {
                interval: KEEP_ALIVE_INTERVAL,
                message: PING.to_owned(),
            })
        );
        let ping: serde_json::Value = serde_json::from_str(PING).unwrap();
        assert_eq!(ping, serde_json::json!({"method": "ping"}));
        assert!(KEEP_ALIVE_INTERVAL * 3 <= Duration::from_secs(60));
    }
}
