//! Binance USDⓈ-M futures (`fapi` REST, `fstream` WebSocket): perpetuals
//! (`BTCUSDT` → `BTC-USDT-PERP`) and quarterly delivery contracts (`BTCUSDT_261226` →
//! `BTC-USDT-26DEC26`). Channels: TRADES (`<symbol>@aggTrade`), L2_BOOK (`@depth@100ms`
//! joined with the REST snapshot, [`book`]), TICKER (`@bookTicker`), FUNDING
//! (`@markPrice@1s`), LIQUIDATIONS (`@forceOrder`), CANDLES (`@kline_<interval>`), and
//! OPEN_INTEREST, which has no stream and is polled over REST ([`open_interest`]).
//!
//! The wire format of the streams spot has too (aggTrade, depthUpdate, SUBSCRIBE and its
//! answers, errors, the combined-stream wrapper) is spot's, and so is the code reading it
//! (`super::binance::{frame, book, trade, subscription}`); this folder adds what the
//! futures have of their own.
//!
//! This folder is the implementation of both futures products: COIN-M
//! (`super::binance_delivery`) documents the same streams and REST shapes on other hosts
//! and paths. What differs is a [`Product`] ([`USD_M`] here); every type naming one
//! ([`BinanceDerivatives`]) is an [`ExchangeAdapter`] through the one implementation below.
//!
//! Sources (developers.binance.com):
//! - Connecting, limits, keep-alive:
//!   <https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams>
//! - The routed paths `/public`, `/market`, `/private`:
//!   <https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Important-WebSocket-Change-Notice>
//!   and <https://developers.binance.com/zh-CN/docs/products/caas/market-data-streams>
//! - SUBSCRIBE, its answer and the error messages:
//!   <https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Live-Subscribing-Unsubscribing-to-streams>
//! - Streams: `.../websocket-market-streams/` followed by `Aggregate-Trade-Streams`,
//!   `Diff-Book-Depth-Streams`, `How-to-manage-a-local-order-book-correctly`,
//!   `Mark-Price-Stream`, `Liquidation-Order-Streams`, `Kline-Candlestick-Streams`
//! - REST: `https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/`
//!   followed by `Exchange-Information` (weight 1), `Order-Book` (weights by limit) and
//!   `Open-Interest` (weight 1); the IP limit of 2400 request weight per minute is the one
//!   `exchangeInfo`'s `rateLimits` report
//!   (<https://developers.binance.com/docs/zh-CN/vip_services/Query-Futures-IP-Rate-Limits>
//!   shows the same default).
//! - Keep-alive: the server pings every 3 minutes and drops a connection that has not
//!   answered within 10; the WebSocket layer answers pings. A connection lives 24 hours.
//!
//! What the docs leave open, and what this adapter does:
//! - **Routes.** Since the 2026 URL split, high-frequency streams (`@depth`, `@bookTicker`)
//!   come only from `/public` and regular ones (`@aggTrade`, `@markPrice`, `@kline`,
//!   `@forceOrder`) only from `/market`; an unrouted `/ws` delivers `/public` streams only,
//!   silently. The notice gives examples, not a table: `@depth` and `@aggTrade`/`@markPrice`
//!   are named by Binance, `@bookTicker` (public) and `@kline`/`@forceOrder` (market) follow
//!   the official SDKs. A feed mixing L2_BOOK/TICKER with TRADES/FUNDING/LIQUIDATIONS/
//!   CANDLES gets a connection per path ([`route::connection_group`]); OPEN_INTEREST goes
//!   with the `/market` one. The default WebSocket
//!   endpoint is the root `wss://fstream.binance.com`, to which the feed's route
//!   (`/public/ws` or `/market/ws`) is added; an endpoint given with a path is used as is.
//! - **Book ticker.** Its page was not among the stored docs; the payload is the one
//!   Binance's SDK models (`binance-connector-python`, `AllBookTickersStreamResponse`: `e u
//!   E T s b B a A`). Its time is `T`, the transaction time (cryptofeed uses `E`).
//! - **Funding of delivery contracts.** USD-M's mark price page does not say what `r` and `T`
//!   hold for a delivery contract; COIN-M's says `""` and `0`. A `markPriceUpdate` with an
//!   empty `r` gives no FUNDING event; `T` of 0 is no next funding time.
//!   `predicted_rate` is always `None`: no predicted rate is documented (`P` is the
//!   estimated settle price, which cryptofeed passes as the predicted rate).
//! - **Liquidations.** The order's quantity `q` and price `p` (the liquidation order's
//!   limit price) are delivered, as cryptofeed does; `ap`/`z` (average price, filled
//!   quantity) are the execution and differ when partially filled. Status is `X` in lower
//!   case (`filled`), the time the order's trade time `o.T`. Only the latest liquidation per
//!   symbol and second is pushed (documented): the channel is a sample, not a tape.
//! - **Candles.** The interval is the event's own `k.i` (the stream carries one interval,
//!   the subscription's `candle_interval`); start and stop are `t` and `T` (`T` the bar's
//!   last millisecond); volume is `v`, the base asset volume.
//! - **Open interest.** No update frequency is documented; see [`open_interest`] for the
//!   interval chosen within the weight limit.
//! - **Markets.** `TRADING` symbols of contract type `PERPETUAL`, `CURRENT_QUARTER` and
//!   `NEXT_QUARTER` (expiry: the UTC date of `deliveryDate`); other types (e.g.
//!   `TRADIFI_PERPETUAL`) are skipped. Contracts are linear: quantities are in the base
//!   asset (a contract is one unit of it), prices and P&L in the quote asset, margin in
//!   `marginAsset` (the quote, USDT or USDC, for listed contracts).

mod book;
mod candle;
mod frame;
mod funding;
mod limits;
mod liquidation;
mod market;
mod open_interest;
mod product;
mod route;
mod ticker;

pub use product::{BinanceDerivatives, Product, Routing, StatusField, USD_M};

use feed_core::book::{BookBatch, BookParams, BookRules};
use feed_core::runtime::{FrameError, VenueLimits};
use feed_core::Channel;

use super::binance;
use crate::adapter::{
    DefaultEndpoints, ExchangeAdapter, FrameContext, PollRequest, SubscribeRequest, Subscription,
};
use crate::error::AdapterError;
use crate::markets::Market;
use crate::parsed::ParsedFrame;

/// The documented REST base URL.
pub const REST_BASE: &str = USD_M.rest_base;
/// The documented WebSocket root; the feed's route is added to it ([`route`]).
pub const WEBSOCKET_BASE: &str = USD_M.websocket_base;
/// The channels of both products.
pub const CHANNELS: &[Channel] = &Channel::WITHOUT_L3;
/// The documented kline intervals (the same on both products).
pub const CANDLE_INTERVALS: &[&str] = &[
    "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M",
];

/// The Binance USDⓈ-M futures adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct BinanceFutures;

impl BinanceDerivatives for BinanceFutures {
    fn product(&self) -> &'static Product {
        &USD_M
    }
}

/// Every Binance futures product, by its [`Product`].
impl<T: BinanceDerivatives> ExchangeAdapter for T {
    fn id(&self) -> &'static str {
        self.product().id
    }

    fn limits(&self) -> VenueLimits {
        limits::limits(self.product())
    }

    /// The weight of the snapshot's `limit` ([`book::snapshot_limit`] of the depth).
    fn book_snapshot_weight(&self, subscription: &Subscription) -> u32 {
        limits::snapshot_weight(book::snapshot_limit(subscription.book_depth))
    }

    fn default_endpoints(&self) -> DefaultEndpoints {
        DefaultEndpoints {
            rest: self.product().rest_base,
            websocket: self.product().websocket_base,
        }
    }

    fn channels(&self) -> &'static [Channel] {
        CHANNELS
    }

    fn candle_intervals(&self) -> &'static [&'static str] {
        CANDLE_INTERVALS
    }

    fn connection_group(&self, subscription: &Subscription) -> u8 {
        route::connection_group(self.product(), subscription)
    }

    fn markets_url(&self, rest_base: &str) -> String {
        self.product().rest_url(rest_base, "v1/exchangeInfo")
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_exchange_info(self.product(), body)
    }

    fn websocket_url(&self, websocket_base: &str, subscriptions: &[Subscription]) -> String {
        route::websocket_url(self.product(), websocket_base, subscriptions)
    }

    fn subscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
        binance::subscription::subscribe_messages_with(subscriptions, route::stream)
    }

    fn book_rules(&self) -> Option<BookRules> {
        Some(book::rules())
    }

    fn book_params(&self, subscription: &Subscription, _market: Option<&Market>) -> BookParams {
        book::params(subscription)
    }

    fn book_snapshot_url(&self, rest_base: &str, subscription: &Subscription) -> Option<String> {
        Some(book::snapshot_url(self.product(), rest_base, subscription))
    }

    fn parse_book_snapshot(
        &self,
        body: &str,
        subscription: &Subscription,
        out: &mut BookBatch,
    ) -> Result<(), FrameError> {
        binance::book::parse_snapshot(body, subscription, out)
    }

    fn poll(
        &self,
        rest_base: &str,
        subscription: &Subscription,
        polled: usize,
    ) -> Option<PollRequest> {
        open_interest::poll(self.product(), rest_base, subscription, polled)
    }

    fn parse_poll(
        &self,
        body: &str,
        subscription: &Subscription,
        context: &FrameContext<'_>,
        out: &mut ParsedFrame,
    ) -> Result<(), FrameError> {
        open_interest::parse(body, subscription, context, out)
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
mod tests {
    use super::*;
    use crate::exchanges::binance_delivery::BinanceDelivery;

    #[test]
    fn documented_endpoints_channels_and_intervals() {
        let products: [(&dyn ExchangeAdapter, [&str; 5]); 2] = [
            (
                &BinanceFutures,
                [
                    "binance_futures",
                    "BINANCE_FUTURES",
                    "https://fapi.binance.com",
                    "wss://fstream.binance.com",
                    "https://fapi.binance.com/fapi/v1/exchangeInfo",
                ],
            ),
            (
                &BinanceDelivery,
                [
                    "binance_delivery",
                    "BINANCE_DELIVERY",
                    "https://dapi.binance.com",
                    "wss://dstream.binance.com",
                    "https://dapi.binance.com/dapi/v1/exchangeInfo",
                ],
            ),
        ];
        for (adapter, [id, name, rest, websocket, markets]) in products {
            assert_eq!(adapter.id(), id);
            assert_eq!(adapter.name(), name);
            let endpoints = adapter.default_endpoints();
            assert_eq!((endpoints.rest, endpoints.websocket), (rest, websocket));
            assert_eq!(adapter.markets_url(endpoints.rest), markets);
            assert_eq!(adapter.channels().len(), 7);
            assert_eq!(adapter.candle_intervals().len(), 15);
            assert!(adapter.candle_intervals().contains(&"1M"));
            assert_eq!(crate::registry::adapter(name).unwrap().id(), id);
        }
        assert_eq!(REST_BASE, "https://fapi.binance.com");
    }
}
