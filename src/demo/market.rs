//! The simulated exchange's markets and its price walk.

/// A simulated market: Binance's names for it and a starting price in cents.
#[derive(Debug, Clone, Copy)]
pub struct SimulatedMarket {
    /// Exchange symbol (`BTCUSDT`).
    pub symbol: &'static str,
    /// Base asset.
    pub base: &'static str,
    /// Quote asset.
    pub quote: &'static str,
    /// Starting price in hundredths of the quote asset.
    pub start_cents: i64,
}

/// What the simulator lists.
pub const MARKETS: [SimulatedMarket; 3] = [
    SimulatedMarket {
        symbol: "BTCUSDT",
        base: "BTC",
        quote: "USDT",
        start_cents: 9_712_345,
    },
    SimulatedMarket {
        symbol: "ETHUSDT",
        base: "ETH",
        quote: "USDT",
        start_cents: 361_020,
    },
    SimulatedMarket {
        symbol: "SOLUSDT",
        base: "SOL",
        quote: "USDT",
        start_cents: 24_113,
    },
];

/// The body of `GET /api/v3/exchangeInfo`, in Binance's documented shape.
#[must_use]
pub fn exchange_info() -> String {
    let symbols: Vec<serde_json::Value> = MARKETS
        .iter()
        .map(|market| {
            serde_json::json!({
                "symbol": market.symbol, "status": "TRADING",
                "baseAsset": market.base, "baseAssetPrecision": 8,
                "quoteAsset": market.quote, "quotePrecision": 8,
                "isSpotTradingAllowed": true, "filters": [], "permissions": []
            })
        })
        .collect();
    serde_json::json!({
        "timezone": "UTC", "serverTime": now_millis(), "rateLimits": [], "exchangeFilters": [],
        "symbols": symbols
    })
    .to_string()
}

/// Milliseconds since the epoch.
#[must_use]
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}

/// A random walk of one market's trades.
#[derive(Debug, Clone)]
pub struct PriceWalk {
    market: SimulatedMarket,
    cents: i64,
    next_id: u64,
}

impl PriceWalk {
    /// Starts at the market's starting price.
    #[must_use]
    pub fn new(market: SimulatedMarket) -> Self {
        PriceWalk {
            market,
            cents: market.start_cents,
            next_id: 1,
        }
    }

    /// The next trade as a Binance `aggTrade` frame.
    pub fn next_frame(&mut self) -> String {
        let step = (self.cents / 20_000).max(1);
        self.cents = (self.cents + fastrand::i64(-step..=step)).max(1);
        let quantity_thousandths = fastrand::u64(1..5_000);
        let id = self.next_id;
        self.next_id += 1;
        let now = now_millis();
        format!(
            r#"{{"e":"aggTrade","E":{now},"s":"{}","a":{id},"p":"{}.{:02}","q":"{}.{:03}","f":{id},"l":{id},"T":{now},"m":{},"M":true}}"#,
            self.market.symbol,
            self.cents / 100,
            self.cents % 100,
            quantity_thousandths / 1000,
            quantity_thousandths % 1000,
            fastrand::bool(),
        )
    }
}
