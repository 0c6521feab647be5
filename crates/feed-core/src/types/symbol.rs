//! Normalized symbols: `BASE-QUOTE`, as cryptofeed spells them (`BTC-USDT`).

use std::fmt;
use std::sync::Arc;

/// A normalized instrument symbol, `BASE-QUOTE` in upper case (`BTC-USDT`).
///
/// Cheap to clone (shared); adapters build one per market when they load the market list
/// and hand clones to every trade.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(Arc<str>);

/// A symbol that is not `BASE-QUOTE`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid symbol '{0}': expected BASE-QUOTE, e.g. BTC-USDT")]
pub struct InvalidSymbol(pub String);

impl Symbol {
    /// The symbol for a base and a quote asset (upper-cased).
    #[must_use]
    pub fn new(base: &str, quote: &str) -> Self {
        Symbol(
            format!(
                "{}-{}",
                base.to_ascii_uppercase(),
                quote.to_ascii_uppercase()
            )
            .into(),
        )
    }

    /// Parses `BASE-QUOTE` (case-insensitive; stored upper-case).
    ///
    /// # Errors
    /// [`InvalidSymbol`] unless the text is two non-empty alphanumeric parts joined by `-`.
    pub fn parse(text: &str) -> Result<Self, InvalidSymbol> {
        let valid_part = |part: &str| !part.is_empty() && part.chars().all(char::is_alphanumeric);
        match text.split_once('-') {
            Some((base, quote)) if valid_part(base) && valid_part(quote) => {
                Ok(Symbol::new(base, quote))
            }
            _ => Err(InvalidSymbol(text.to_owned())),
        }
    }

    /// The symbol as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The base asset (`BTC` of `BTC-USDT`).
    #[must_use]
    pub fn base(&self) -> &str {
        self.0.split_once('-').map_or(&self.0, |(base, _)| base)
    }

    /// The quote asset (`USDT` of `BTC-USDT`).
    #[must_use]
    pub fn quote(&self) -> &str {
        self.0.split_once('-').map_or("", |(_, quote)| quote)
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl std::str::FromStr for Symbol {
    type Err = InvalidSymbol;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Symbol::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalizes_case() {
        let symbol = Symbol::parse("btc-usdt").unwrap();
        assert_eq!(symbol.as_str(), "BTC-USDT");
        assert_eq!((symbol.base(), symbol.quote()), ("BTC", "USDT"));
    }

    #[test]
    fn rejects_other_shapes() {
        for bad in ["BTCUSDT", "BTC-", "-USDT", "BTC/USDT", "BTC-US-DT", ""] {
            assert!(Symbol::parse(bad).is_err(), "{bad}");
        }
    }
}
