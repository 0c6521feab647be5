//! The simulated exchange's markets: an order book per market that trades take liquidity
//! from and that churns on its own, with Binance's update ids, so the demo's books go
//! through the real synchronization (diffs joined to a REST snapshot).

use std::collections::BTreeMap;

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

/// How many recent level changes a market keeps for connections to send.
const CHANGE_LOG: usize = 20_000;

/// `value / 100` with two fraction digits.
fn cents(value: i64) -> String {
    format!("{}.{:02}", value / 100, value % 100)
}

/// `value / 1000` with three fraction digits.
fn thousandths(value: i64) -> String {
    format!("{}.{:03}", value / 1000, value % 1000)
}

/// One level change with its update id.
#[derive(Debug, Clone, Copy)]
struct Change {
    id: u64,
    bid: bool,
    price: i64,
    size: i64,
}

/// A market's book (price in cents -> size in thousandths), trades and update ids.
#[derive(Debug, Clone)]
pub struct MarketSim {
    market: SimulatedMarket,
    bids: BTreeMap<i64, i64>,
    asks: BTreeMap<i64, i64>,
    update_id: u64,
    changes: std::collections::VecDeque<Change>,
    next_trade_id: u64,
}

impl MarketSim {
    /// A book of 50 levels a side around the market's starting price.
    #[must_use]
    pub fn new(market: SimulatedMarket) -> Self {
        let mut sim = MarketSim {
            market,
            bids: BTreeMap::new(),
            asks: BTreeMap::new(),
            update_id: 1_000,
            changes: std::collections::VecDeque::new(),
            next_trade_id: 1,
        };
        let tick = sim.tick();
        for level in 0..50 {
            sim.bids.insert(
                market.start_cents - tick * (level + 1),
                fastrand::i64(100..5_000),
            );
            sim.asks.insert(
                market.start_cents + tick * (level + 1),
                fastrand::i64(100..5_000),
            );
        }
        sim
    }

    /// The exchange symbol.
    #[must_use]
    pub fn symbol(&self) -> &'static str {
        self.market.symbol
    }

    /// The price step: about a hundred-thousandth of the price, at least a cent.
    fn tick(&self) -> i64 {
        (self.market.start_cents / 100_000).max(1)
    }

    fn set(&mut self, bid: bool, price: i64, size: i64) {
        let side = if bid { &mut self.bids } else { &mut self.asks };
        if size <= 0 {
            side.remove(&price);
        } else {
            side.insert(price, size);
        }
        self.update_id += 1;
        self.changes.push_back(Change {
            id: self.update_id,
            bid,
            price,
            size: size.max(0),
        });
        if self.changes.len() > CHANGE_LOG {
            self.changes.pop_front();
        }
    }

    /// A few random changes near the top, the way a live book churns: new sizes, levels
    /// that go, new levels behind the best or inside the spread.
    pub fn churn(&mut self) {
        let tick = self.tick();
        for _ in 0..fastrand::usize(1..=4) {
            let bid = fastrand::bool();
            let (best, len) = if bid {
                (self.bids.keys().next_back().copied(), self.bids.len())
            } else {
                (self.asks.keys().next().copied(), self.asks.len())
            };
            let Some(best) = best else { continue };
            let behind = |distance: i64| {
                if bid {
                    best - distance * tick
                } else {
                    best + distance * tick
                }
            };
            match fastrand::u8(0..10) {
                0..=4 => {
                    let rank = fastrand::usize(0..len.min(10));
                    let side = if bid { &self.bids } else { &self.asks };
                    let price = if bid {
                        side.keys().rev().nth(rank)
                    } else {
                        side.keys().nth(rank)
                    };
                    if let Some(&price) = price {
                        self.set(bid, price, fastrand::i64(100..5_000));
                    }
                }
                5..=6 if len > 20 => {
                    let rank = fastrand::usize(0..len.min(10));
                    let side = if bid { &self.bids } else { &self.asks };
                    let price = if bid {
                        side.keys().rev().nth(rank)
                    } else {
                        side.keys().nth(rank)
                    };
                    if let Some(&price) = price {
                        self.set(bid, price, 0);
                    }
                }
                7 => {
                    let spread_inside = if bid { best + tick } else { best - tick };
                    let other = if bid {
                        self.asks.keys().next()
                    } else {
                        self.bids.keys().next_back()
                    };
                    if other.is_some_and(|&other| {
                        if bid {
                            spread_inside < other
                        } else {
                            spread_inside > other
                        }
                    }) {
                        self.set(bid, spread_inside, fastrand::i64(100..2_000));
                    }
                }
                _ => {
                    let price = behind(fastrand::i64(1..30));
                    self.set(bid, price, fastrand::i64(100..5_000));
                }
            }
        }
    }

    /// The next trade as a Binance `aggTrade` frame: a taker hits the best bid or lifts the
    /// best ask, taking part or all of it (the book changes with it).
    pub fn trade_frame(&mut self) -> Option<String> {
        let buy = fastrand::bool();
        let (price, available) = if buy {
            self.asks.iter().next().map(|(p, s)| (*p, *s))?
        } else {
            self.bids.iter().next_back().map(|(p, s)| (*p, *s))?
        };
        let quantity = fastrand::i64(1..=available.min(3_000));
        self.set(!buy, price, available - quantity);
        if self.bids.len() < 20 || self.asks.len() < 20 {
            self.churn();
        }
        let id = self.next_trade_id;
        self.next_trade_id += 1;
        let now = now_millis();
        Some(format!(
            r#"{{"e":"aggTrade","E":{now},"s":"{}","a":{id},"p":"{}","q":"{}","f":{id},"l":{id},"T":{now},"m":{},"M":true}}"#,
            self.market.symbol,
            cents(price),
            thousandths(quantity),
            !buy,
        ))
    }

    /// The changes after update id `after` as one `depthUpdate` frame, and its last id;
    /// `None` when there are none.
    #[must_use]
    pub fn depth_frame(&self, after: u64) -> Option<(String, u64)> {
        let first = self.changes.iter().position(|change| change.id > after)?;
        let changes: Vec<&Change> = self.changes.iter().skip(first).collect();
        let first_id = changes.first()?.id;
        let mut latest: BTreeMap<(bool, i64), i64> = BTreeMap::new();
        for change in &changes {
            latest.insert((change.bid, change.price), change.size);
        }
        let levels = |bid: bool| -> Vec<[String; 2]> {
            latest
                .iter()
                .filter(|((is_bid, _), _)| *is_bid == bid)
                .map(|((_, price), size)| [cents(*price), thousandths(*size)])
                .collect()
        };
        let frame = serde_json::json!({
            "e": "depthUpdate", "E": now_millis(), "s": self.market.symbol,
            "U": first_id, "u": self.update_id, "b": levels(true), "a": levels(false),
        });
        Some((frame.to_string(), self.update_id))
    }

    /// The update id of the last change.
    #[must_use]
    pub fn update_id(&self) -> u64 {
        self.update_id
    }

    /// The body of `GET /api/v3/depth?symbol=...&limit=N`.
    #[must_use]
    pub fn snapshot(&self, limit: usize) -> String {
        let bids: Vec<[String; 2]> = self
            .bids
            .iter()
            .rev()
            .take(limit)
            .map(|(p, s)| [cents(*p), thousandths(*s)])
            .collect();
        let asks: Vec<[String; 2]> = self
            .asks
            .iter()
            .take(limit)
            .map(|(p, s)| [cents(*p), thousandths(*s)])
            .collect();
        serde_json::json!({"lastUpdateId": self.update_id, "bids": bids, "asks": asks}).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trades_take_from_the_book_and_diffs_carry_consecutive_ids() {
        let mut sim = MarketSim::new(MARKETS[0]);
        let start = sim.update_id();
        for _ in 0..500 {
            assert!(sim.trade_frame().is_some());
            sim.churn();
            let best_bid = *sim.bids.keys().next_back().unwrap();
            let best_ask = *sim.asks.keys().next().unwrap();
            assert!(best_bid < best_ask, "never crossed");
        }
        let (frame, last) = sim.depth_frame(start).unwrap();
        let value: serde_json::Value = serde_json::from_str(&frame).unwrap();
        assert_eq!(value["U"], start + 1);
        assert_eq!(value["u"], last);
        assert!(sim.depth_frame(last).is_none());
        let snapshot: serde_json::Value = serde_json::from_str(&sim.snapshot(5)).unwrap();
        assert_eq!(snapshot["bids"].as_array().unwrap().len(), 5);
        assert_eq!(snapshot["lastUpdateId"], last);
    }
}
