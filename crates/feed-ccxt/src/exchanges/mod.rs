//! The built-in exchanges, one folder each.

pub mod backpack;
pub mod binance;
pub mod binance_delivery;
pub mod binance_futures;
pub mod bitfinex;
pub mod bitget;
pub mod bitstamp;
pub mod bybit;
pub mod coinbase;
pub mod deribit;
pub mod gateio;
pub mod gemini;
pub mod htx;
pub mod hyperliquid;
pub mod kraken;
pub mod kucoin;
pub mod mexc;
pub mod okx;
pub mod upbit;
// (module list: one `pub mod` line per exchange, above this line)

#[cfg(test)]
mod limits_tests;

use std::sync::Arc;

use crate::adapter::ExchangeAdapter;

/// Every built-in adapter.
#[must_use]
pub fn built_in() -> Vec<Arc<dyn ExchangeAdapter>> {
    vec![
        Arc::new(binance::Binance),
        Arc::new(binance_futures::BinanceFutures),
        Arc::new(binance_delivery::BinanceDelivery),
        Arc::new(bybit::Bybit),
        Arc::new(backpack::Backpack),
        Arc::new(coinbase::Coinbase),
        Arc::new(okx::Okx),
        Arc::new(kraken::Kraken),
        Arc::new(hyperliquid::Hyperliquid),
        Arc::new(deribit::Deribit),
        Arc::new(kucoin::Kucoin),
        Arc::new(htx::Htx),
        Arc::new(bitstamp::Bitstamp),
        Arc::new(gateio::Gateio),
        Arc::new(bitget::Bitget),
        Arc::new(bitfinex::Bitfinex::default()),
        Arc::new(gemini::Gemini),
        Arc::new(upbit::Upbit),
        Arc::new(mexc::Mexc),
        // (adapter list: one line per exchange, above this line)
    ]
}
