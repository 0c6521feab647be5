//! Markets: the mapping between normalized symbols (`BTC-USDT`) and an exchange's own
//! (`BTCUSDT`, `BTC_USDC`, `BTC/USD`), built from the exchange's market list.

use feed_core::Symbol;
use feed_proxy::closest_matches;

use crate::error::AdapterError;

/// One tradable market from an exchange's market list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Market {
    /// The normalized symbol.
    pub symbol: Symbol,
    /// The exchange's own name for it, as used on the wire.
    pub exchange_symbol: String,
    /// Fraction digits of its prices, where the market list gives them.
    pub price_precision: Option<u32>,
    /// Fraction digits of its sizes, where the market list gives them.
    pub size_precision: Option<u32>,
}

impl Market {
    /// A market from its base and quote assets and the exchange's name for it.
    #[must_use]
    pub fn new(base: &str, quote: &str, exchange_symbol: impl Into<String>) -> Self {
        Market {
            symbol: Symbol::new(base, quote),
            exchange_symbol: exchange_symbol.into(),
            price_precision: None,
            size_precision: None,
        }
    }

    /// A market of any instrument kind (`BTC-USDT-PERP`) and the exchange's name for it.
    #[must_use]
    pub fn for_symbol(symbol: Symbol, exchange_symbol: impl Into<String>) -> Self {
        Market {
            symbol,
            exchange_symbol: exchange_symbol.into(),
            price_precision: None,
            size_precision: None,
        }
    }

    /// With the fraction digits of prices and sizes (checksums that need them: Kraken).
    #[must_use]
    pub fn with_precision(mut self, price: Option<u32>, size: Option<u32>) -> Self {
        self.price_precision = price;
        self.size_precision = size;
        self
    }
}

pub use feed_core::fast_hash::{FastMap, SymbolHasher};

/// Both directions of the symbol mapping.
#[derive(Debug, Clone, Default)]
pub struct MarketMap {
    by_exchange: FastMap<Box<str>, Symbol>,
    by_symbol: FastMap<Symbol, Market>,
}

impl MarketMap {
    /// The map of a market list. The first market wins when two normalize alike.
    #[must_use]
    pub fn new(markets: impl IntoIterator<Item = Market>) -> Self {
        let mut map = MarketMap::default();
        for market in markets {
            if map.by_symbol.contains_key(&market.symbol) {
                continue;
            }
            map.by_exchange
                .insert(market.exchange_symbol.clone().into(), market.symbol.clone());
            map.by_symbol.insert(market.symbol.clone(), market);
        }
        map
    }

    /// The normalized symbol of an exchange symbol (hot path: one hash lookup).
    #[must_use]
    pub fn symbol(&self, exchange_symbol: &str) -> Option<&Symbol> {
        self.by_exchange.get(exchange_symbol)
    }

    /// The exchange symbol of a normalized symbol.
    ///
    /// # Errors
    /// [`AdapterError::UnknownSymbol`] with up to three close matches.
    pub fn exchange_symbol(&self, exchange: &str, symbol: &Symbol) -> Result<&str, AdapterError> {
        self.by_symbol
            .get(symbol)
            .map(|market| market.exchange_symbol.as_str())
            .ok_or_else(|| AdapterError::UnknownSymbol {
                exchange: exchange.to_owned(),
                symbol: symbol.to_string(),
                suggestions: closest_matches(
                    symbol.as_str(),
                    self.by_symbol.keys().map(Symbol::as_str),
                    3,
                )
                .into_iter()
                .map(str::to_owned)
                .collect(),
            })
    }

    /// The sub-map of these symbols only.
    #[must_use]
    pub fn restricted_to(&self, symbols: &[Symbol]) -> MarketMap {
        MarketMap::new(
            symbols
                .iter()
                .filter_map(|symbol| self.by_symbol.get(symbol).cloned()),
        )
    }

    /// The market of a normalized symbol.
    #[must_use]
    pub fn market(&self, symbol: &Symbol) -> Option<&Market> {
        self.by_symbol.get(symbol)
    }

    /// Every market, in no particular order.
    pub fn markets(&self) -> impl Iterator<Item = &Market> {
        self.by_symbol.values()
    }

    /// How many markets.
    #[must_use]
    pub fn len(&self) -> usize {
        self.by_symbol.len()
    }

    /// True when there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.by_symbol.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> MarketMap {
        MarketMap::new([
            Market::new("BTC", "USDT", "BTCUSDT"),
            Market::new("ETH", "USDT", "ETHUSDT"),
            Market::new("BTC", "USDC", "BTCUSDC"),
        ])
    }

    #[test]
    fn maps_both_ways() {
        let map = map();
        assert_eq!(map.symbol("BTCUSDT").unwrap().as_str(), "BTC-USDT");
        let symbol = Symbol::parse("ETH-USDT").unwrap();
        assert_eq!(map.exchange_symbol("binance", &symbol).unwrap(), "ETHUSDT");
    }

    #[test]
    fn unknown_symbol_names_close_matches() {
        let error = map()
            .exchange_symbol("binance", &Symbol::parse("BTC-USDX").unwrap())
            .unwrap_err();
        let text = error.to_string();
        assert!(
            text.starts_with("binance has no market BTC-USDX (did you mean "),
            "{text}"
        );
        assert!(
            text.contains("BTC-USDT") && text.contains("BTC-USDC"),
            "{text}"
        );
    }
}
