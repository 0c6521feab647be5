//! Bybit v5 product categories: each has its own public stream, market list query,
//! subscribe limits and book depths. A feed (one connection) holds instruments of one
//! category, which its symbols decide ([`Category::of`]).
//!
//! <https://bybit-exchange.github.io/docs/v5/ws/connect>,
//! <https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook>,
//! <https://bybit-exchange.github.io/docs/v5/market/instrument>

use feed_core::{Channel, InstrumentKind, Symbol};

/// A product category (`category=spot` in REST requests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Spot: `wss://stream.bybit.com/v5/public/spot`.
    Spot,
    /// USDT and USDC perpetuals and dated futures (contractType `LinearPerpetual`,
    /// `LinearFutures`): `wss://stream.bybit.com/v5/public/linear`.
    Linear,
    /// Coin-margined perpetuals and futures (`InversePerpetual`, `InverseFutures`), quoted
    /// in USD: `wss://stream.bybit.com/v5/public/inverse`.
    Inverse,
}

impl Category {
    /// Every category, in the order markets are listed.
    pub const ALL: [Category; 3] = [Category::Spot, Category::Linear, Category::Inverse];

    /// The category of a normalized symbol: spot pairs are spot; perpetuals and futures
    /// quoted in `USD` are inverse (Bybit's inverse contracts are the only ones quoted in
    /// USD), every other perpetual or future is linear. Options are not served: `None`.
    #[must_use]
    pub fn of(symbol: &Symbol) -> Option<Category> {
        match symbol.kind() {
            InstrumentKind::Spot => Some(Category::Spot),
            InstrumentKind::Perpetual | InstrumentKind::Future => {
                if symbol.quote().eq_ignore_ascii_case("USD") {
                    Some(Category::Inverse)
                } else {
                    Some(Category::Linear)
                }
            }
            _ => None,
        }
    }

    /// The name in REST queries and stream paths (`spot`, `linear`, `inverse`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Category::Spot => "spot",
            Category::Linear => "linear",
            Category::Inverse => "inverse",
        }
    }

    /// The category of a REST `result.category` name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Category> {
        Category::ALL
            .into_iter()
            .find(|category| category.name() == name)
    }

    /// The documented public WebSocket URL of the category.
    #[must_use]
    pub const fn websocket_url(self) -> &'static str {
        match self {
            Category::Spot => "wss://stream.bybit.com/v5/public/spot",
            Category::Linear => "wss://stream.bybit.com/v5/public/linear",
            Category::Inverse => "wss://stream.bybit.com/v5/public/inverse",
        }
    }

    /// The market list request of the category. Spot has no pagination; linear and
    /// inverse page with `limit` (at most 1000) and `cursor`: `limit=1000` is asked and
    /// each `nextPageCursor` followed (`market::next_page`).
    #[must_use]
    pub fn markets_url(self, rest_base: &str) -> String {
        match self {
            Category::Spot => format!("{rest_base}/v5/market/instruments-info?category=spot"),
            other => format!(
                "{rest_base}/v5/market/instruments-info?category={}&limit=1000",
                other.name()
            ),
        }
    }

    /// The most `args` (topics) one subscribe message may carry, if the category limits it
    /// ("Spot can input up to 10 args for each subscription request sent to one
    /// connection"; futures have no limit).
    #[must_use]
    pub const fn max_args_per_subscribe(self) -> Option<usize> {
        match self {
            Category::Spot => Some(10),
            Category::Linear | Category::Inverse => None,
        }
    }

    /// The depths of the `orderbook.{depth}.{symbol}` topics, smallest first: 1, 50, 200
    /// and 1000 levels on every category (spot pushes them every 10, 20, 200 and 200 ms;
    /// linear and inverse every 10, 20, 100 and 200 ms).
    #[must_use]
    pub const fn book_depths(self) -> &'static [usize] {
        match self {
            Category::Spot | Category::Linear | Category::Inverse => &[1, 50, 200, 1000],
        }
    }

    /// The channels of the category: spot has TRADES, L2_BOOK and CANDLES (its `tickers` carries
    /// no best bid and ask, funding or open interest); linear and inverse add TICKER,
    /// FUNDING and OPEN_INTEREST from `tickers`, and LIQUIDATIONS.
    #[must_use]
    pub const fn channels(self) -> &'static [Channel] {
        match self {
            Category::Spot => &[Channel::Trades, Channel::L2Book, Channel::Candles],
            Category::Linear | Category::Inverse => &[
                Channel::Trades,
                Channel::L2Book,
                Channel::Ticker,
                Channel::Funding,
                Channel::OpenInterest,
                Channel::Liquidations,
                Channel::Candles,
            ],
        }
    }

    /// The single category of these symbols (spot when there are none).
    ///
    /// # Errors
    /// A reason naming the split when they span categories, or a symbol of none.
    pub fn of_all(symbols: &[Symbol]) -> Result<Category, String> {
        let mut found: Vec<(Category, Vec<&str>)> = Vec::new();
        for symbol in symbols {
            let Some(category) = Category::of(symbol) else {
                return Err(format!(
                    "{symbol}: bybit serves spot, linear and inverse instruments only"
                ));
            };
            match found.iter_mut().find(|(seen, _)| *seen == category) {
                Some((_, names)) => names.push(symbol.as_str()),
                None => found.push((category, vec![symbol.as_str()])),
            }
        }
        match found.as_slice() {
            [] => Ok(Category::Spot),
            [(category, _)] => Ok(*category),
            several => Err(format!(
                "bybit serves each category on its own connection: put {} in separate feeds",
                several
                    .iter()
                    .map(|(category, names)| format!("{} ({})", category.name(), names.join(", ")))
                    .collect::<Vec<_>>()
                    .join(" and ")
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn symbols(names: &[&str]) -> Vec<Symbol> {
        names
            .iter()
            .map(|name| Symbol::parse(name).unwrap())
            .collect()
    }

    #[test]
    fn spot_is_the_documented_category() {
        assert_eq!(Category::Spot.name(), "spot");
        assert_eq!(
            Category::Spot.websocket_url(),
            "wss://stream.bybit.com/v5/public/spot"
        );
        assert_eq!(Category::Spot.max_args_per_subscribe(), Some(10));
        assert_eq!(Category::Spot.book_depths(), &[1, 50, 200, 1000]);
    }

    #[test]
    fn linear_and_inverse_are_documented_categories() {
        assert_eq!(
            Category::Linear.websocket_url(),
            "wss://stream.bybit.com/v5/public/linear"
        );
        assert_eq!(
            Category::Inverse.websocket_url(),
            "wss://stream.bybit.com/v5/public/inverse"
        );
        assert_eq!(Category::Linear.max_args_per_subscribe(), None);
        assert_eq!(
            Category::Inverse.markets_url("https://api.bybit.com"),
            "https://api.bybit.com/v5/market/instruments-info?category=inverse&limit=1000"
        );
        assert_eq!(Category::from_name("linear"), Some(Category::Linear));
        assert_eq!(Category::from_name("option"), None);
    }

    #[test]
    fn symbols_decide_the_category() {
        let of = |name: &str| Category::of(&Symbol::parse(name).unwrap());
        assert_eq!(of("BTC-USDT"), Some(Category::Spot));
        assert_eq!(of("BTC-USD"), Some(Category::Spot));
        assert_eq!(of("BTC-USDT-PERP"), Some(Category::Linear));
        assert_eq!(of("BTC-USDC-PERP"), Some(Category::Linear));
        assert_eq!(of("BTC-USDT-26DEC26"), Some(Category::Linear));
        assert_eq!(of("BTC-USD-PERP"), Some(Category::Inverse));
        assert_eq!(of("BTC-USD-26DEC26"), Some(Category::Inverse));
        assert_eq!(
            Category::of_all(&symbols(&["BTC-USDT-PERP", "ETH-USDC-PERP"])),
            Ok(Category::Linear)
        );
        assert_eq!(Category::of_all(&[]), Ok(Category::Spot));
        assert_eq!(
            Category::of_all(&symbols(&["BTC-USDT", "BTC-USDT-PERP", "ETH-USDT-PERP", "BTC-USD-PERP"])),
            Err("bybit serves each category on its own connection: put spot (BTC-USDT) and linear (BTC-USDT-PERP, ETH-USDT-PERP) and inverse (BTC-USD-PERP) in separate feeds".into())
        );
    }
}
