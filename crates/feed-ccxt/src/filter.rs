//! [`MarketFilter`]: `symbols: ALL`, optionally narrowed to a kind of instrument and an
//! asset, selects every live market of the exchange's list that matches.

use std::fmt;

use feed_core::{InstrumentKind, Symbol};

/// Which markets of the list `symbols: ALL` takes (every one when nothing is set).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarketFilter {
    /// Only this kind (spot, perpetual, future, option).
    pub kind: Option<InstrumentKind>,
    /// Only this base asset (upper case).
    pub base: Option<String>,
    /// Only this quote asset (upper case).
    pub quote: Option<String>,
}

impl MarketFilter {
    /// Every market.
    #[must_use]
    pub fn all() -> Self {
        Self::default()
    }

    /// True when `symbol` passes.
    #[must_use]
    pub fn matches(&self, symbol: &Symbol) -> bool {
        self.kind.is_none_or(|kind| symbol.kind() == kind)
            && self
                .base
                .as_deref()
                .is_none_or(|base| symbol.base().eq_ignore_ascii_case(base))
            && self
                .quote
                .as_deref()
                .is_none_or(|quote| symbol.quote().eq_ignore_ascii_case(quote))
    }
}

impl fmt::Display for MarketFilter {
    /// `ALL`, or `ALL {kind: perpetual, quote: USDT}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(kind) = self.kind {
            parts.push(format!("kind: {kind}"));
        }
        if let Some(base) = &self.base {
            parts.push(format!("base: {base}"));
        }
        if let Some(quote) = &self.quote {
            parts.push(format!("quote: {quote}"));
        }
        if parts.is_empty() {
            f.write_str("ALL")
        } else {
            write!(f, "ALL {{{}}}", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrows_by_kind_base_and_quote() {
        let perp = Symbol::perpetual("BTC", "USDT");
        let spot = Symbol::new("BTC", "USDT");
        let eth = Symbol::perpetual("ETH", "USDC");
        let filter = MarketFilter {
            kind: Some(InstrumentKind::Perpetual),
            quote: Some("usdt".into()),
            ..MarketFilter::all()
        };
        assert!(filter.matches(&perp));
        assert!(!filter.matches(&spot) && !filter.matches(&eth));
        assert!(MarketFilter::all().matches(&spot));
        assert_eq!(filter.to_string(), "ALL {kind: perpetual, quote: usdt}");
        assert_eq!(MarketFilter::all().to_string(), "ALL");
    }
}
