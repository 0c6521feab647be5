//! Data channels, spelled as in cryptofeed (`TRADES`).

use std::fmt;
use std::str::FromStr;

/// A kind of market data a feed can subscribe to.
///
/// Configs spell them as cryptofeed does (`TRADES`, `L2_BOOK`); parsing ignores case.
/// Adapters say which ones they support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Channel {
    /// Every public trade.
    Trades,
    /// Best bid and offer updates.
    Ticker,
    /// Order book by price level.
    L2Book,
    /// Order book by order.
    L3Book,
    /// OHLCV candles.
    Candles,
    /// Funding rates of perpetual swaps.
    Funding,
    /// Open interest of derivatives.
    OpenInterest,
    /// Forced liquidations.
    Liquidations,
}

impl Channel {
    /// Every channel, in cryptofeed's order of spelling.
    pub const ALL: [Channel; 8] = [
        Channel::Trades,
        Channel::Ticker,
        Channel::L2Book,
        Channel::L3Book,
        Channel::Candles,
        Channel::Funding,
        Channel::OpenInterest,
        Channel::Liquidations,
    ];

    /// Every channel but L3 books: what a derivatives venue with the whole set offers.
    pub const WITHOUT_L3: [Channel; 7] = [
        Channel::Trades,
        Channel::L2Book,
        Channel::Ticker,
        Channel::Funding,
        Channel::OpenInterest,
        Channel::Liquidations,
        Channel::Candles,
    ];

    /// The channel as spelled in configs: `TRADES`, `L2_BOOK`, ...
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Trades => "TRADES",
            Channel::Ticker => "TICKER",
            Channel::L2Book => "L2_BOOK",
            Channel::L3Book => "L3_BOOK",
            Channel::Candles => "CANDLES",
            Channel::Funding => "FUNDING",
            Channel::OpenInterest => "OPEN_INTEREST",
            Channel::Liquidations => "LIQUIDATIONS",
        }
    }
}

impl Channel {
    /// The channel as JSON lines name it, as cryptofeed's constants do: `trades`, `l2_book`,
    /// `ticker`, `funding`, `open_interest`, `liquidations`, `candles`.
    #[must_use]
    pub fn json_name(self) -> &'static str {
        match self {
            Channel::Trades => "trades",
            Channel::Ticker => "ticker",
            Channel::L2Book => "l2_book",
            Channel::L3Book => "l3_book",
            Channel::Candles => "candles",
            Channel::Funding => "funding",
            Channel::OpenInterest => "open_interest",
            Channel::Liquidations => "liquidations",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown channel name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown channel '{name}' (known: {known})", known = Channel::ALL.map(Channel::as_str).join(", "))]
pub struct UnknownChannel {
    /// The name as given.
    pub name: String,
}

impl FromStr for Channel {
    type Err = UnknownChannel;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Channel::ALL
            .into_iter()
            .find(|channel| channel.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownChannel { name: s.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cryptofeed_spellings() {
        assert_eq!("TRADES".parse(), Ok(Channel::Trades));
        assert_eq!("trades".parse(), Ok(Channel::Trades));
        assert_eq!("L2_BOOK".parse(), Ok(Channel::L2Book));
        let error = "TRADE".parse::<Channel>().unwrap_err();
        assert!(error
            .to_string()
            .starts_with("unknown channel 'TRADE' (known: TRADES,"));
    }
}
