//! [`TrueBook`]: the book a stand-in exchange really has, walking randomly and
//! deterministically (a seed), with prices and sizes as exchange text of fixed scale
//! (`"100.25"`, `"0.5000"`: trailing zeros included, so that scale-keeping is tested).

use std::collections::BTreeMap;

/// A side of the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Bids.
    Bid,
    /// Asks.
    Ask,
}

/// One level change as an exchange sends it: size `"0.0000"` deletes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The side.
    pub side: Side,
    /// The price text.
    pub price: String,
    /// The size text (zero deletes).
    pub size: String,
}

/// A book of integer ticks and lots, rendered with fixed scales.
#[derive(Debug, Clone)]
pub struct TrueBook {
    bids: BTreeMap<i64, i64>,
    asks: BTreeMap<i64, i64>,
    price_scale: u32,
    size_scale: u32,
    rng: fastrand::Rng,
}

/// Renders `value / 10^scale` with exactly `scale` fraction digits.
#[must_use]
pub fn render(value: i64, scale: u32) -> String {
    if scale == 0 {
        return value.to_string();
    }
    let unit = 10_i64.pow(scale);
    format!(
        "{}.{:0width$}",
        value / unit,
        value % unit,
        width = scale as usize
    )
}

impl TrueBook {
    /// `levels` levels per side around a mid of 100.00 (ticks of 0.01, sizes of 0.0001).
    #[must_use]
    pub fn new(seed: u64, levels: usize) -> Self {
        let mut book = TrueBook {
            bids: BTreeMap::new(),
            asks: BTreeMap::new(),
            price_scale: 2,
            size_scale: 4,
            rng: fastrand::Rng::with_seed(seed),
        };
        let mid = 10_000;
        let (mut bid, mut ask) = (mid - 1, mid + 1);
        for _ in 0..levels {
            let size = book.size();
            book.bids.insert(bid, size);
            let size = book.size();
            book.asks.insert(ask, size);
            bid -= book.rng.i64(1..=3);
            ask += book.rng.i64(1..=3);
        }
        book
    }

    fn size(&mut self) -> i64 {
        self.rng.i64(1..=50_000)
    }

    /// Price text of `ticks`.
    #[must_use]
    pub fn price_text(&self, ticks: i64) -> String {
        render(ticks, self.price_scale)
    }

    /// Size text of `lots`.
    #[must_use]
    pub fn size_text(&self, lots: i64) -> String {
        render(lots, self.size_scale)
    }

    /// The best `depth` levels of a side, best first, as text.
    #[must_use]
    pub fn top(&self, side: Side, depth: usize) -> Vec<(String, String)> {
        let levels: Box<dyn Iterator<Item = (&i64, &i64)>> = match side {
            Side::Bid => Box::new(self.bids.iter().rev()),
            Side::Ask => Box::new(self.asks.iter()),
        };
        levels
            .take(depth)
            .map(|(price, size)| (self.price_text(*price), self.size_text(*size)))
            .collect()
    }

    /// How many levels a side has.
    #[must_use]
    pub fn len(&self, side: Side) -> usize {
        match side {
            Side::Bid => self.bids.len(),
            Side::Ask => self.asks.len(),
        }
    }

    /// True when both sides are empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.bids.is_empty() && self.asks.is_empty()
    }

    fn set(&mut self, side: Side, price: i64, size: i64) -> Change {
        let levels = match side {
            Side::Bid => &mut self.bids,
            Side::Ask => &mut self.asks,
        };
        if size == 0 {
            levels.remove(&price);
        } else {
            levels.insert(price, size);
        }
        Change {
            side,
            price: render(price, self.price_scale),
            size: render(size, self.size_scale),
        }
    }

    /// One random step: 1 to 4 changes near the top (new sizes, deletions, new levels
    /// inside the spread or behind the best, a delete of an absent level now and then).
    /// The book never crosses and keeps at least 5 levels per side.
    pub fn step(&mut self) -> Vec<Change> {
        let count = self.rng.usize(1..=4);
        (0..count).map(|_| self.one_change()).collect()
    }

    fn one_change(&mut self) -> Change {
        let side = if self.rng.bool() {
            Side::Bid
        } else {
            Side::Ask
        };
        let best_bid = *self.bids.keys().next_back().unwrap_or(&9_999);
        let best_ask = *self.asks.keys().next().unwrap_or(&10_001);
        let (best, len) = match side {
            Side::Bid => (best_bid, self.bids.len()),
            Side::Ask => (best_ask, self.asks.len()),
        };
        let away = |distance: i64| match side {
            Side::Bid => best - distance,
            Side::Ask => best + distance,
        };
        match self.rng.u8(0..10) {
            // A new size for one of the best levels.
            0..=3 => {
                let rank = self.rng.usize(0..len.min(8));
                let price = self.price_at(side, rank);
                let size = self.size();
                self.set(side, price, size)
            }
            // A level goes (keeping at least five).
            4..=5 if len > 5 => {
                let rank = self.rng.usize(0..len.min(8));
                let price = self.price_at(side, rank);
                self.set(side, price, 0)
            }
            // A new level inside the spread (the best moves) when there is room.
            6 if best_ask - best_bid > 1 => {
                let price = match side {
                    Side::Bid => best_bid + 1,
                    Side::Ask => best_ask - 1,
                };
                let size = self.size();
                self.set(side, price, size)
            }
            // A delete of a level the book does not have: exchanges send those.
            7 => {
                let price = away(self.rng.i64(200..300));
                let text = render(0, self.size_scale);
                self.bids.remove(&price);
                self.asks.remove(&price);
                Change {
                    side,
                    price: render(price, self.price_scale),
                    size: text,
                }
            }
            // A new level behind the best.
            _ => {
                let price = away(self.rng.i64(1..40));
                let size = self.size();
                self.set(side, price, size)
            }
        }
    }

    fn price_at(&self, side: Side, rank: usize) -> i64 {
        match side {
            Side::Bid => *self.bids.keys().rev().nth(rank).unwrap_or(&9_999),
            Side::Ask => *self.asks.keys().nth(rank).unwrap_or(&10_001),
        }
    }

    /// The changes that turn the view `before` (best `depth` levels per side) into the
    /// view now: what a fixed-depth stream sends (levels leaving the view are deleted,
    /// levels entering it are sent).
    #[must_use]
    pub fn view_changes(&self, before: &View, depth: usize) -> Vec<Change> {
        let after = self.view(depth);
        let mut changes = Vec::new();
        for (side, old, new) in [
            (Side::Bid, &before.bids, &after.bids),
            (Side::Ask, &before.asks, &after.asks),
        ] {
            for (price, _) in old {
                if !new.iter().any(|(p, _)| p == price) {
                    changes.push(Change {
                        side,
                        price: price.clone(),
                        size: render(0, self.size_scale),
                    });
                }
            }
            for (price, size) in new {
                if !old.iter().any(|(p, s)| p == price && s == size) {
                    changes.push(Change {
                        side,
                        price: price.clone(),
                        size: size.clone(),
                    });
                }
            }
        }
        changes
    }

    /// The best `depth` levels of each side.
    #[must_use]
    pub fn view(&self, depth: usize) -> View {
        View {
            bids: self.top(Side::Bid, depth),
            asks: self.top(Side::Ask, depth),
        }
    }
}

/// The best levels of both sides, best first, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct View {
    /// Bids, best first.
    pub bids: Vec<(String, String)>,
    /// Asks, best first.
    pub asks: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_fixed_scales() {
        assert_eq!(render(10_025, 2), "100.25");
        assert_eq!(render(5_000, 4), "0.5000");
        assert_eq!(render(7, 0), "7");
    }

    #[test]
    fn walks_without_crossing_or_emptying() {
        let mut book = TrueBook::new(7, 20);
        for _ in 0..5_000 {
            book.step();
            let best_bid = *book.bids.keys().next_back().unwrap();
            let best_ask = *book.asks.keys().next().unwrap();
            assert!(best_bid < best_ask);
            assert!(book.bids.len() >= 5 && book.asks.len() >= 5);
        }
    }

    #[test]
    fn view_changes_rebuild_the_view() {
        let mut book = TrueBook::new(3, 30);
        for _ in 0..500 {
            let before = book.view(10);
            book.step();
            let changes = book.view_changes(&before, 10);
            let mut bids: BTreeMap<String, String> = before.bids.iter().cloned().collect();
            let mut asks: BTreeMap<String, String> = before.asks.iter().cloned().collect();
            for change in changes {
                let side = if change.side == Side::Bid {
                    &mut bids
                } else {
                    &mut asks
                };
                if change.size == "0.0000" {
                    side.remove(&change.price);
                } else {
                    side.insert(change.price, change.size);
                }
            }
            let after = book.view(10);
            assert_eq!(bids.len(), after.bids.len());
            assert!(after.bids.iter().all(|(p, s)| bids.get(p) == Some(s)));
            assert!(after.asks.iter().all(|(p, s)| asks.get(p) == Some(s)));
        }
    }
}
