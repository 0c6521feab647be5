//! What tells Binance's two futures products apart. USDⓈ-M (`fapi`, `fstream`) and COIN-M
//! (`dapi`, `dstream`) document the same streams, answers and REST shapes; a [`Product`]
//! holds what differs, and every adapter of the family is a type naming its product
//! ([`BinanceDerivatives`]), so both adapters share one implementation.

use crate::exchanges::binance::market::SymbolInfo;

/// How a product reaches its streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routing {
    /// USDⓈ-M since 2026: high-frequency streams on `/public`, the others on `/market`;
    /// a connection receives its own path's streams only (`super::route`).
    PublicMarket,
    /// One path for every stream (`/ws`), as COIN-M documents.
    Single,
}

/// Which `exchangeInfo` field says whether a symbol trades.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusField {
    /// `status` (spot, USDⓈ-M).
    Status,
    /// `contractStatus` (COIN-M).
    ContractStatus,
}

impl StatusField {
    /// The symbol's status as this product names it (empty when absent).
    pub(crate) fn of(self, info: &SymbolInfo) -> &str {
        match self {
            StatusField::Status => &info.status,
            StatusField::ContractStatus => &info.contract_status,
        }
    }
}

/// One Binance futures product, as documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Product {
    /// The adapter id (`binance_futures`); its name in events is the id in upper case.
    pub id: &'static str,
    /// The product as messages name it (`Binance USD-M`).
    pub label: &'static str,
    /// The REST base URL.
    pub rest_base: &'static str,
    /// The WebSocket root; the stream path is added to it (`super::route`).
    pub websocket_base: &'static str,
    /// The REST path prefix: `/fapi` or `/dapi` (`/fapi/v1/exchangeInfo`, `/v1/depth`,
    /// `/v1/openInterest`).
    pub rest_prefix: &'static str,
    /// How streams are reached.
    pub routing: Routing,
    /// Which `exchangeInfo` field says a symbol trades.
    pub status_field: StatusField,
    /// The documented request weight per minute and IP.
    pub ip_weight_per_minute: u32,
    /// The documented streams one connection may listen to.
    pub streams_per_connection: usize,
    /// Where the product's limits are documented (URLs, for `VenueLimits::source`).
    pub limits_source: &'static str,
}

impl Product {
    /// The REST URL of `endpoint` (`v1/depth`) on `rest_base`.
    pub(crate) fn rest_url(&self, rest_base: &str, endpoint: &str) -> String {
        format!("{rest_base}{}/{endpoint}", self.rest_prefix)
    }
}

/// Binance USDⓈ-M futures (`super::super::binance_futures`).
pub const USD_M: Product = Product {
    id: "binance_futures",
    label: "Binance USD-M",
    rest_base: "https://fapi.binance.com",
    websocket_base: "wss://fstream.binance.com",
    rest_prefix: "/fapi",
    routing: Routing::PublicMarket,
    status_field: StatusField::Status,
    ip_weight_per_minute: 2400,
    streams_per_connection: 1024,
    limits_source: "https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams \
                    https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Order-Book \
                    https://developers.binance.com/docs/zh-CN/vip_services/Query-Futures-IP-Rate-Limits",
};

/// An adapter of the Binance futures family: a type naming its [`Product`]. Every such
/// type is an [`crate::ExchangeAdapter`] (the one implementation is in
/// `super::super::binance_futures`).
pub trait BinanceDerivatives: Send + Sync + 'static {
    /// The product this adapter speaks to.
    fn product(&self) -> &'static Product;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_urls_carry_the_products_prefix() {
        assert_eq!(
            USD_M.rest_url("https://fapi.binance.com", "v1/exchangeInfo"),
            "https://fapi.binance.com/fapi/v1/exchangeInfo"
        );
    }
}
