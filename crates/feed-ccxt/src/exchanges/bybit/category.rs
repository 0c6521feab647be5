//! Bybit v5 product categories: each has its own public stream, market list query,
//! subscribe limits and book depths. Only spot is served today; linear and inverse come
//! as further variants (their URLs are `wss://stream.bybit.com/v5/public/linear` and
//! `.../inverse`, they have no per-message `args` limit, and the same book depths).
//!
//! <https://bybit-exchange.github.io/docs/v5/ws/connect>,
//! <https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook>

/// A product category (`category=spot` in REST requests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Spot: `wss://stream.bybit.com/v5/public/spot`.
    Spot,
}

impl Category {
    /// The category's name in REST queries (`spot`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Category::Spot => "spot",
        }
    }

    /// The documented public WebSocket URL of the category.
    #[must_use]
    pub const fn websocket_url(self) -> &'static str {
        match self {
            Category::Spot => "wss://stream.bybit.com/v5/public/spot",
        }
    }

    /// The most `args` (topics) one subscribe message may carry, if the category limits it
    /// ("Spot can input up to 10 args for each subscription request sent to one
    /// connection"; futures have no limit).
    #[must_use]
    pub const fn max_args_per_subscribe(self) -> Option<usize> {
        match self {
            Category::Spot => Some(10),
        }
    }

    /// The depths of the `orderbook.{depth}.{symbol}` topics, smallest first (spot: 1, 50,
    /// 200 and 1000 levels, pushed every 10, 20, 100 and 200 ms).
    #[must_use]
    pub const fn book_depths(self) -> &'static [usize] {
        match self {
            Category::Spot => &[1, 50, 200, 1000],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
