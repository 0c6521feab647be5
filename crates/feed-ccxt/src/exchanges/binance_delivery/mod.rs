//! Binance COIN-M futures (`dapi` REST, `dstream` WebSocket; cryptofeed's
//! `BINANCE_DELIVERY`): inverse perpetuals (`BTCUSD_PERP` → `BTC-USD-PERP`) and quarterly
//! delivery contracts (`BTCUSD_261226` → `BTC-USD-26DEC26`), margined and settled in the
//! base asset. The channels are USDⓈ-M's: TRADES (`<symbol>@aggTrade`), L2_BOOK
//! (`@depth@100ms` joined with `GET /dapi/v1/depth` by the `pu` rule), TICKER
//! (`@bookTicker`), FUNDING (`@markPrice@1s`), LIQUIDATIONS (`@forceOrder`), CANDLES
//! (`@kline_<interval>`) and OPEN_INTEREST (polled from `GET /dapi/v1/openInterest`).
//!
//! COIN-M documents USDⓈ-M's stream payloads, SUBSCRIBE messages, answers and REST shapes
//! (with a few more keys and another key order), so this module is only its [`Product`]:
//! the code is `super::binance_futures`, which reads both (its module docs list what the
//! two share and what it chose for both: book ticker time, liquidation quantity and price,
//! candle interval, the open interest interval). This module keeps COIN-M's own sources and
//! decisions beside the one value that differs, and the registry's folder-per-exchange
//! layout.
//!
//! Sources (developers.binance.com/docs/derivatives/coin-margined-futures/):
//! - Connecting, limits, keep-alive: `websocket-market-streams` (raw streams at `/ws`,
//!   combined at `/stream`, 10 incoming messages per second, 200 streams per connection, a
//!   ping every 3 minutes and a pong due within 10, 24 hours per connection)
//! - Streams: `websocket-market-streams/` followed by `Aggregate-Trade-Streams`,
//!   `Diff-Book-Depth-Streams`, `How-to-manage-a-local-order-book-correctly`,
//!   `Individual-Symbol-Book-Ticker-Streams`, `Mark-Price-Stream`,
//!   `Mark-Price-of-All-Symbols-of-a-Pair`, `Liquidation-Order-Streams`,
//!   `All-Market-Liquidation-Order-Streams`, `Kline-Candlestick-Streams`,
//!   `Continuous-Contract-Kline-Candlestick-Streams`
//! - REST: `market-data/` followed by `Exchange-Information` (weight 1), `Order-Book`
//!   (weights 2/5/10/20 by limit, as USDⓈ-M), `Open-Interest` (weight 1) and
//!   `Open-Interest-Statistics` (the unit of open interest: contracts)
//! - The IP limit: 2400 request weight per minute, as `exchangeInfo`'s `rateLimits` report
//!   and <https://developers.binance.com/docs/vip_services/Query-Futures-IP-Rate-Limits>
//!   (product type `CM`) shows.
//! - Where a stored docs page was not at hand (aggTrade, bookTicker, kline, exchangeInfo),
//!   the payloads are the documented examples as Binance's own COIN-M connector
//!   (`binance-connector-js`, `clients/derivatives-trading-coin-futures`) reproduces them.
//!
//! What the docs leave open, and what this adapter does:
//! - **Routes.** USDⓈ-M's 2026 split into `/public` and `/market` is announced for
//!   USDⓈ-M only (its notice and announcement name `fstream`); COIN-M's connection page
//!   still documents `wss://dstream.binance.com/ws` for every stream. So the default
//!   endpoint is the root `wss://dstream.binance.com` plus `/ws`, and one feed takes any
//!   mix of channels (`check_channels` accepts all). An endpoint given with a path is used
//!   as is.
//! - **Markets.** `exchangeInfo` says `contractStatus` where USDⓈ-M says `status`; only
//!   `contractStatus: TRADING` symbols are markets (a symbol with `status` alone is not).
//!   `PERPETUAL` → `BASE-QUOTE-PERP`; `CURRENT_QUARTER`/`NEXT_QUARTER` → a future expiring
//!   on the UTC date of `deliveryDate`; other contract types are skipped. Base and quote
//!   are `baseAsset`/`quoteAsset` (`BTC`, `USD`).
//! - **Contract size and quantities.** A contract is worth `contractSize` USD (100 for
//!   BTC, 10 for the others in the documented examples); a [`crate::markets::Market`] has
//!   no field for it, so it is not kept. Every quantity COIN-M sends counts contracts, and
//!   is delivered as sent: a trade's `amount` (`q`), book and ticker sizes, a liquidation's
//!   `quantity` (the order's `q`), a candle's `volume` (`v`, which COIN-M documents as the
//!   volume in contracts; its `q` is the base asset volume and is not delivered) and
//!   OPEN_INTEREST's `open_interest` (contracts; `notional` stays `None`). Multiply by
//!   `contractSize` for USD.
//! - **Funding.** Delivery contracts send `r: ""` and `T: 0`: no FUNDING event. A
//!   perpetual's rate of `"0.00000000"` (documented) is a funding of zero.
//! - **Book.** The procedure is USDⓈ-M's (`U <= lastUpdateId <= u`, then `pu` = previous
//!   `u`); COIN-M's diffs add the pair `ps`, its snapshots `symbol` and `pair`, none of
//!   which the book needs. Quantities are contracts.
//! - **Key order.** COIN-M documents aggTrade's `a` before `s`, depthUpdate's `ps` after
//!   `s`, and bookTicker's `T`/`E` last; the hot paths of spot's parsers take both
//!   layouts, and serde reads any other.

use super::binance_futures::{BinanceDerivatives, Product, Routing, StatusField};

/// Binance COIN-M futures, as documented.
pub const COIN_M: Product = Product {
    id: "binance_delivery",
    label: "Binance COIN-M",
    rest_base: "https://dapi.binance.com",
    websocket_base: "wss://dstream.binance.com",
    rest_prefix: "/dapi",
    routing: Routing::Single,
    status_field: StatusField::ContractStatus,
    ip_weight_per_minute: 2400,
    // The `Connect` page says 200; a copy of the overview page says 1024: the smaller.
    streams_per_connection: 200,
    limits_source: "https://developers.binance.com/docs/derivatives/coin-margined-futures/websocket-market-streams \
                    https://developers.binance.com/docs/derivatives/coin-margined-futures/market-data/Order-Book \
                    https://developers.binance.com/docs/vip_services/Query-Futures-IP-Rate-Limits",
};

/// The Binance COIN-M futures adapter (`binance_delivery`, `BINANCE_DELIVERY`).
#[derive(Debug, Clone, Copy, Default)]
pub struct BinanceDelivery;

impl BinanceDerivatives for BinanceDelivery {
    fn product(&self) -> &'static Product {
        &COIN_M
    }
}

#[cfg(test)]
mod tests;
