//! The taker's side of a trade.

use std::fmt;

/// The side of the aggressor (taker) of a trade: `Buy` when the taker bought, lifting an
/// ask; `Sell` when the taker sold into a bid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The taker bought.
    Buy,
    /// The taker sold.
    Sell,
}

impl Side {
    /// `buy` or `sell`, as printed in JSON lines.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buy => "buy",
            Side::Sell => "sell",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}
