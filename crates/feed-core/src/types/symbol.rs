//! Normalized symbols, as cryptofeed spells them: `BTC-USDT` (spot), `BTC-USDT-PERP`
//! (perpetual), `BTC-USD-26DEC26` (future), `BTC-USD-26DEC26-100000-C` (option); see
//! [`super::instrument`] for every accepted spelling.

use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::instrument::{Expiry, InstrumentKind, InstrumentName, OptionKind};

/// A normalized instrument symbol in upper case: `BTC-USDT`, `BTC-USDT-PERP`,
/// `BTC-USD-26DEC26`, `BTC-USD-26DEC26-100000-C`.
///
/// Cheap to clone (shared); adapters build one per market when they load the market list
/// and hand clones to every trade.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(Arc<str>);

/// A symbol in none of the accepted spellings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid symbol '{0}': expected BASE-QUOTE (BTC-USDT), BASE-QUOTE-PERP, a future \
     BASE-QUOTE-26DEC26 or an option BASE-QUOTE-26DEC26-100000-C (cryptofeed's \
     BTC-USD-26Z26 and BTC-USD-100000-26Z26-call are accepted too)"
)]
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

    /// The perpetual swap of a pair (`BTC-USDT-PERP`).
    #[must_use]
    pub fn perpetual(base: &str, quote: &str) -> Self {
        Symbol(format!("{}-PERP", Symbol::new(base, quote)).into())
    }

    /// The future of a pair expiring on `expiry` (`BTC-USD-26DEC26`).
    #[must_use]
    pub fn future(base: &str, quote: &str, expiry: Expiry) -> Self {
        Symbol(format!("{}-{expiry}", Symbol::new(base, quote)).into())
    }

    /// An option (`BTC-USD-26DEC26-100000-C`); the strike is written without trailing zeros.
    #[must_use]
    pub fn option(
        base: &str,
        quote: &str,
        expiry: Expiry,
        strike: Decimal,
        kind: OptionKind,
    ) -> Self {
        Symbol(
            format!(
                "{}-{expiry}-{}-{}",
                Symbol::new(base, quote),
                strike.normalize(),
                kind.letter()
            )
            .into(),
        )
    }

    /// Parses any accepted spelling, case-insensitively, into the normalized one.
    ///
    /// # Errors
    /// [`InvalidSymbol`] for text in none of them.
    pub fn parse(text: &str) -> Result<Self, InvalidSymbol> {
        InstrumentName::parse(text)
            .map(|name| Symbol(name.normalized().into()))
            .ok_or_else(|| InvalidSymbol(text.to_owned()))
    }

    /// What the symbol names (kind, assets, expiry, strike).
    #[must_use]
    pub fn instrument(&self) -> InstrumentName {
        // Every Symbol is built normalized, so this always parses; the fallback keeps a
        // hand-built odd symbol (Symbol::new with a dash inside) from panicking.
        InstrumentName::parse(&self.0).unwrap_or_else(|| InstrumentName {
            kind: InstrumentKind::Spot,
            base: self.base().to_owned(),
            quote: self.quote().to_owned(),
            expiry: None,
            strike: None,
            option: None,
        })
    }

    /// Spot, perpetual, future or option.
    #[must_use]
    pub fn kind(&self) -> InstrumentKind {
        match self.0.bytes().filter(|b| *b == b'-').count() {
            1 => InstrumentKind::Spot,
            _ if self.0.ends_with("-PERP") => InstrumentKind::Perpetual,
            2 => InstrumentKind::Future,
            _ => InstrumentKind::Option,
        }
    }

    /// The symbol as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address of the shared text: equal for clones of one symbol (and only for them
    /// while one of those clones is alive), for caches keyed by identity that keep a clone.
    #[must_use]
    pub fn text_address(&self) -> usize {
        Arc::as_ptr(&self.0).cast::<u8>() as usize
    }

    /// The base asset (`BTC` of `BTC-USDT`).
    #[must_use]
    pub fn base(&self) -> &str {
        self.0.split_once('-').map_or(&self.0, |(base, _)| base)
    }

    /// The quote asset (`USDT` of `BTC-USDT` and of `BTC-USDT-PERP`).
    #[must_use]
    pub fn quote(&self) -> &str {
        self.0.split('-').nth(1).unwrap_or("")
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

    #[test]
    fn derivatives_build_and_parse_alike() {
        let expiry = Expiry::new(2026, 12, 26).unwrap();
        let perp = Symbol::perpetual("btc", "usdt");
        assert_eq!(perp.as_str(), "BTC-USDT-PERP");
        assert_eq!((perp.base(), perp.quote()), ("BTC", "USDT"));
        assert_eq!(perp.kind(), InstrumentKind::Perpetual);
        let future = Symbol::future("BTC", "USD", expiry);
        assert_eq!(future, Symbol::parse("BTC-USD-26Z26").unwrap());
        assert_eq!(future.kind(), InstrumentKind::Future);
        let option = Symbol::option(
            "BTC",
            "USD",
            expiry,
            Decimal::new(1_000_000, 1),
            OptionKind::Call,
        );
        assert_eq!(option.as_str(), "BTC-USD-26DEC26-100000-C");
        assert_eq!(option, Symbol::parse("btc-usd-100000-26Z26-call").unwrap());
        assert_eq!(option.kind(), InstrumentKind::Option);
        assert_eq!(option.instrument().strike, Some(Decimal::from(100_000)));
        assert_eq!(
            Symbol::parse("BTC-USDT").unwrap().kind(),
            InstrumentKind::Spot
        );
        assert_ne!(
            Symbol::parse("BTC-USDT").unwrap(),
            perp,
            "spot and perpetual differ"
        );
    }
}
