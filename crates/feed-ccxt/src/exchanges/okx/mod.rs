//! OKX v5: spot, perpetual swaps (`SWAP`, `BTC-USDT-SWAP` → `BTC-USDT-PERP`, inverse
//! `BTC-USD-SWAP` → `BTC-USD-PERP`), dated futures (`FUTURES`, `BTC-USD-261226` →
//! `BTC-USD-26DEC26`) and options (`OPTION`, `BTC-USD-261226-100000-C` →
//! `BTC-USD-26DEC26-100000-C`, mapped when listed, see below). Public channels `trades`
//! (TRADES), `books` (L2_BOOK, [`book`]), `tickers` (TICKER, [`ticker`]), `funding-rate`
//! (FUNDING, [`funding`]), `open-interest` (OPEN_INTEREST, [`open_interest`]),
//! `liquidation-orders` (LIQUIDATIONS, [`liquidation`]); `candle<bar>` (CANDLES,
//! [`candle`]) on the `business` endpoint.
//!
//! - REST: [`REST_BASE`] + `/api/v5/public/instruments?instType=<type>` (market list,
//!   one request per type: `SPOT`, `SWAP`, `FUTURES`; the bodies are joined)
//!   <https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments>
//! - Derivative channels: tickers
//!   <https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-tickers-channel>,
//!   funding rate <https://www.okx.com/docs-v5/en/#public-data-websocket-funding-rate-channel>,
//!   open interest <https://www.okx.com/docs-v5/en/#public-data-websocket-open-interest-channel>,
//!   liquidation orders
//!   <https://www.okx.com/docs-v5/en/#public-data-websocket-liquidation-orders-channel>,
//!   candlesticks (business endpoint)
//!   <https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-candlesticks-channel>.
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
//! - **Market list.** `instType` is required and takes one value, so the list is one
//!   request per type ([`ExchangeAdapter::markets_urls`]). `OPTION` also requires an
//!   `instFamily` (or `uly`): no single request lists every option, so a feed requests
//!   the families it needs — those of its option symbols (`BTC-USD-26DEC26-100000-C` →
//!   `instFamily=BTC-USD`), or with `symbols: ALL` the one its filter names by `base`
//!   (`{kind: option, base: BTC}` → `BTC-USD`); an unfiltered `ALL` takes no options. Derivatives' base and quote come from
//!   `instFamily` (else `uly`), their expiry is the UTC date of `expTime` (OKX delivers
//!   at 08:00 UTC, so it is the date in `instId`).
//! - **Units.** Trades', books', tickers' and candles' sizes, and open interest, are as
//!   OKX sends them: contracts for `SWAP`/`FUTURES`/`OPTION` (`ctVal` of `ctValCcy` each,
//!   e.g. 0.01 BTC for `BTC-USDT-SWAP`, 100 USD for `BTC-USD-SWAP`), base currency for
//!   spot. They are not converted.
//! - **Candles** live only on `wss://ws.okx.com:8443/ws/v5/business`: a feed with CANDLES
//!   and other channels gets a connection for each (candles are a connection group of
//!   their own), the candle one on the `business` path of the default endpoint (an endpoint
//!   given with another path is used as is). Bars
//!   from 6 hours up are OKX's `utc` ones (the plain `6H`, `1D`, ... start at Hong Kong
//!   boundaries); monthly bars are not offered. See [`candle`].
//! - **Liquidations** are subscribed per instrument type (`SWAP`, `FUTURES`, `OPTION`;
//!   spot has none), once per type whatever the number of symbols; the ack of a type
//!   acknowledges every listed market of it, and pushes of instruments not listed in the
//!   feed are dropped. Price is `bkPx`, the bankruptcy price; the status is `filled`.
//! - **Funding**: `next_funding_time` is `fundingTime` (when the current `fundingRate`
//!   settles), `predicted_rate` is `nextFundingRate` when not empty. See [`funding`].
//! - **Open interest**: `oi` in contracts; `oiUsd` is not the quote currency for USDT
//!   contracts, so `notional` is `None`. See [`open_interest`].
//! - **Tickers** with an empty best bid or ask price give no TICKER event.
//! - OKX warns that the best ask may be below the best bid during pre-open; instruments in
//!   `preopen` are not markets here, and a crossed book of a live market is a resync.

mod limits;
pub use limits::LIMITS;
mod book;
mod book_fast;
#[cfg(test)]
mod book_fast_tests;
mod candle;
mod field;
mod frame;
mod funding;
mod liquidation;
mod market;
mod open_interest;
mod subscription;
mod ticker;
mod trade;
mod trade_fast;
#[cfg(test)]
mod trade_fast_tests;

use std::time::Duration;

use feed_core::book::{BookParams, BookRules};
use feed_core::runtime::{FrameError, KeepAlive};
use feed_core::{Channel, Symbol};

use crate::adapter::{
    DefaultEndpoints, ExchangeAdapter, FrameContext, SubscribeRequest, Subscription,
};
use crate::error::AdapterError;
use crate::filter::MarketFilter;
use crate::markets::Market;
use crate::parsed::ParsedFrame;

/// The documented REST base URL (global site).
pub const REST_BASE: &str = "https://www.okx.com";
/// The documented public WebSocket URL (global site), where `trades` and `books` live.
pub const WEBSOCKET_URL: &str = "wss://ws.okx.com:8443/ws/v5/public";
/// The documented WebSocket path of the `business` endpoint, where candles live.
pub const BUSINESS_PATH: &str = "/ws/v5/business";
/// The documented path of the `public` endpoint (the default).
const PUBLIC_PATH: &str = "/ws/v5/public";
/// How often the client sends `ping`: OKX closes connections silent for 30 s.
pub const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(20);
/// The documented client keep-alive message (plain text, not JSON).
pub const PING: &str = "ping";

/// The OKX adapter: spot, perpetuals, futures (and listed options).
#[derive(Debug, Clone, Copy, Default)]
pub struct Okx;

impl ExchangeAdapter for Okx {
    fn limits(&self) -> feed_core::runtime::VenueLimits {
        LIMITS
    }

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
        &Channel::WITHOUT_L3
    }

    fn candle_intervals(&self) -> &'static [&'static str] {
        candle::INTERVALS
    }

    fn connection_group(&self, subscription: &Subscription) -> u8 {
        u8::from(subscription.channel == Channel::Candles)
    }

    fn markets_url(&self, rest_base: &str) -> String {
        format!("{rest_base}/api/v5/public/instruments?instType=SPOT")
    }

    fn markets_urls(&self, rest_base: &str) -> Vec<String> {
        market::LISTED_TYPES
            .iter()
            .map(|inst_type| format!("{rest_base}/api/v5/public/instruments?instType={inst_type}"))
            .collect()
    }

    fn markets_urls_for(
        &self,
        rest_base: &str,
        symbols: &[Symbol],
        filter: Option<&MarketFilter>,
    ) -> Vec<String> {
        let mut urls = self.markets_urls(rest_base);
        urls.extend(
            market::option_families(symbols, filter)
                .into_iter()
                .map(|family| {
                    format!(
                        "{rest_base}/api/v5/public/instruments?instType=OPTION&instFamily={family}"
                    )
                }),
        );
        urls
    }

    fn websocket_url(&self, websocket_base: &str, subscriptions: &[Subscription]) -> String {
        websocket_url(websocket_base, subscriptions)
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

/// CANDLES are served on the `business` endpoint only, the other channels on `public`;
/// a feed is one connection, so a feed must not mix them.
/// The `business` endpoint for candle subscriptions when the base is the documented
/// `public` one (or any base ending in its path); else the base as given.
fn websocket_url(base: &str, subscriptions: &[Subscription]) -> String {
    let candles = subscriptions
        .iter()
        .any(|subscription| subscription.channel == Channel::Candles);
    match base.strip_suffix(PUBLIC_PATH) {
        Some(root) if candles => format!("{root}{BUSINESS_PATH}"),
        _ => base.to_owned(),
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
        assert_eq!(
            &adapter.channels()[..2],
            &[Channel::Trades, Channel::L2Book]
        );
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
    fn every_listed_instrument_type_is_its_own_request() {
        assert_eq!(
            Okx.markets_urls("https://www.okx.com"),
            vec![
                "https://www.okx.com/api/v5/public/instruments?instType=SPOT",
                "https://www.okx.com/api/v5/public/instruments?instType=SWAP",
                "https://www.okx.com/api/v5/public/instruments?instType=FUTURES",
            ]
        );
        assert_eq!(Okx.channels().len(), 7);
        assert!(Okx.candle_intervals().contains(&"1h"));
    }

    #[test]
    fn options_are_requested_per_family_a_feed_needs() {
        let base = "https://www.okx.com";
        let option = |family: &str| {
            format!("{base}/api/v5/public/instruments?instType=OPTION&instFamily={family}")
        };
        let symbols: Vec<Symbol> = [
            "BTC-USD-26DEC26-100000-C",
            "BTC-USD-26DEC26-90000-P",
            "ETH-USD-26DEC26-3000-C",
            "BTC-USDT",
        ]
        .iter()
        .map(|name| Symbol::parse(name).unwrap())
        .collect();
        let urls = Okx.markets_urls_for(base, &symbols, None);
        assert_eq!(urls[..3], Okx.markets_urls(base)[..]);
        assert_eq!(urls[3..], [option("BTC-USD"), option("ETH-USD")]);
        // No option symbol, or ALL unfiltered: no option request.
        assert_eq!(Okx.markets_urls_for(base, &symbols[3..], None).len(), 3);
        assert_eq!(
            Okx.markets_urls_for(base, &[], Some(&MarketFilter::all()))
                .len(),
            3
        );
        // ALL narrowed to a base (options or any kind): that family.
        let mut filter = MarketFilter::all();
        filter.base = Some("ETH".into());
        assert_eq!(
            Okx.markets_urls_for(base, &[], Some(&filter))[3..],
            [option("ETH-USD")]
        );
        filter.kind = Some(feed_core::InstrumentKind::Perpetual);
        assert_eq!(Okx.markets_urls_for(base, &[], Some(&filter)).len(), 3);
    }

    #[test]
    fn candles_go_to_the_business_endpoint_on_a_connection_of_their_own() {
        let symbol = feed_core::Symbol::parse("BTC-USDT-PERP").unwrap();
        let candles = [Subscription::new(
            Channel::Candles,
            symbol.clone(),
            "BTC-USDT-SWAP",
        )];
        let trades = [Subscription::new(Channel::Trades, symbol, "BTC-USDT-SWAP")];
        assert_eq!(
            Okx.websocket_url(WEBSOCKET_URL, &candles),
            "wss://ws.okx.com:8443/ws/v5/business"
        );
        assert_eq!(Okx.websocket_url(WEBSOCKET_URL, &trades), WEBSOCKET_URL);
        assert_eq!(
            Okx.websocket_url("ws://127.0.0.1:9/stand-in", &candles),
            "ws://127.0.0.1:9/stand-in"
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
