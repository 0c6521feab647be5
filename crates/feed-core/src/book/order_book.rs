//! [`OrderBook`]: one symbol's price levels, bids and asks kept sorted.
//!
//! Levels are keyed by their price as an integer count of the book's smallest price unit
//! (`10^-scale`, the largest price scale seen so far), so that lookups compare integers,
//! not decimals; each level keeps the price and size `Decimal`s exactly as the exchange
//! sent them.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::types::Level;

/// A side of the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BookSide {
    /// Buy orders; best is the highest price.
    Bid,
    /// Sell orders; best is the lowest price.
    Ask,
}

/// What applying one level did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelChange {
    /// A new price level.
    Inserted,
    /// An existing level got a new size.
    Updated,
    /// A level was removed (size 0).
    Deleted,
    /// Size 0 for a price the book does not have: normal (the level was already gone, or
    /// was never in the window the book knows).
    AbsentDeleted,
    /// A price the book cannot key exactly (beyond 10^38 of its smallest unit): not applied.
    OutOfRange,
}

/// One symbol's L2 book: price → size on each side, sorted, prices and sizes as `Decimal`
/// with the scale the exchange sent.
///
/// Prices compare by value (`37000.1` and `37000.10` are the same level); a level keeps
/// the price text it was first inserted with and takes each update's size as sent.
///
/// # Examples
/// ```
/// use feed_core::book::{BookSide, OrderBook};
/// use rust_decimal::Decimal;
///
/// let mut book = OrderBook::new();
/// book.apply(BookSide::Bid, Decimal::new(100, 0), Decimal::new(5, 1));
/// book.apply(BookSide::Bid, Decimal::new(101, 0), Decimal::new(2, 0));
/// book.apply(BookSide::Ask, Decimal::new(102, 0), Decimal::new(1, 0));
/// assert_eq!(book.best_bid().unwrap().price, Decimal::new(101, 0));
/// book.apply(BookSide::Bid, Decimal::new(101, 0), Decimal::ZERO); // size 0 deletes
/// assert_eq!(book.best_bid().unwrap().price, Decimal::new(100, 0));
/// assert!(!book.is_crossed());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderBook {
    bids: BTreeMap<i128, Level>,
    asks: BTreeMap<i128, Level>,
    /// Keys count units of `10^-scale`.
    scale: u32,
}

/// `10^exponent` as an i128, for exponents up to 38.
fn power_of_ten(exponent: u32) -> Option<i128> {
    10_i128.checked_pow(exponent)
}

impl OrderBook {
    /// An empty book.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Removes every level.
    pub fn clear(&mut self) {
        self.bids.clear();
        self.asks.clear();
        self.scale = 0;
    }

    /// The key of `price` at the book's scale, widening the scale (and every key) first
    /// when the price has more fraction digits than any before.
    fn key(&mut self, price: &Decimal) -> Option<i128> {
        let scale = price.scale();
        if scale > self.scale {
            self.rescale(scale)?;
        }
        price
            .mantissa()
            .checked_mul(power_of_ten(self.scale - scale)?)
    }

    /// The key of `price` without changing the book (`None` when it cannot be in it).
    fn lookup_key(&self, price: &Decimal) -> Option<i128> {
        let scale = price.scale();
        if scale > self.scale {
            // More digits than any key: present only if the extra digits are zeros.
            let excess = power_of_ten(scale - self.scale)?;
            let mantissa = price.mantissa();
            return (mantissa % excess == 0).then_some(mantissa / excess);
        }
        price
            .mantissa()
            .checked_mul(power_of_ten(self.scale - scale)?)
    }

    fn rescale(&mut self, scale: u32) -> Option<()> {
        let factor = power_of_ten(scale - self.scale)?;
        for side in [&mut self.bids, &mut self.asks] {
            let mut rekeyed = BTreeMap::new();
            for (key, level) in std::mem::take(side) {
                rekeyed.insert(key.checked_mul(factor)?, level);
            }
            *side = rekeyed;
        }
        self.scale = scale;
        Some(())
    }

    fn side_mut(&mut self, side: BookSide) -> &mut BTreeMap<i128, Level> {
        match side {
            BookSide::Bid => &mut self.bids,
            BookSide::Ask => &mut self.asks,
        }
    }

    fn side(&self, side: BookSide) -> &BTreeMap<i128, Level> {
        match side {
            BookSide::Bid => &self.bids,
            BookSide::Ask => &self.asks,
        }
    }

    /// Sets the size at `price` on `side`; size zero deletes the level.
    pub fn apply(&mut self, side: BookSide, price: Decimal, size: Decimal) -> LevelChange {
        if size.is_zero() {
            let Some(key) = self.lookup_key(&price) else {
                return LevelChange::AbsentDeleted;
            };
            return match self.side_mut(side).remove(&key) {
                Some(_) => LevelChange::Deleted,
                None => LevelChange::AbsentDeleted,
            };
        }
        let Some(key) = self.key(&price) else {
            return LevelChange::OutOfRange;
        };
        match self.side_mut(side).entry(key) {
            std::collections::btree_map::Entry::Occupied(mut level) => {
                level.get_mut().size = size;
                LevelChange::Updated
            }
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(Level::new(price, size));
                LevelChange::Inserted
            }
        }
    }

    /// The best bid.
    #[must_use]
    pub fn best_bid(&self) -> Option<Level> {
        self.bids.values().next_back().copied()
    }

    /// The best ask.
    #[must_use]
    pub fn best_ask(&self) -> Option<Level> {
        self.asks.values().next().copied()
    }

    /// True when the best bid is at or above the best ask: a corrupt book.
    #[must_use]
    pub fn is_crossed(&self) -> bool {
        match (self.bids.keys().next_back(), self.asks.keys().next()) {
            (Some(bid), Some(ask)) => bid >= ask,
            _ => false,
        }
    }

    /// How many levels `side` has.
    #[must_use]
    pub fn len(&self, side: BookSide) -> usize {
        self.side(side).len()
    }

    /// True when both sides are empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.bids.is_empty() && self.asks.is_empty()
    }

    /// The levels of `side`, best first.
    #[must_use]
    pub fn levels(&self, side: BookSide) -> BestFirst<'_> {
        match side {
            BookSide::Bid => BestFirst::Bids(self.bids.values().rev()),
            BookSide::Ask => BestFirst::Asks(self.asks.values()),
        }
    }

    /// The bids, best (highest) first.
    pub fn bids(&self) -> impl Iterator<Item = Level> + '_ {
        self.levels(BookSide::Bid)
    }

    /// The asks, best (lowest) first.
    pub fn asks(&self) -> impl Iterator<Item = Level> + '_ {
        self.levels(BookSide::Ask)
    }

    /// Keeps only the best `depth` levels of each side (exchanges whose stream keeps a
    /// fixed depth expect the client to drop levels pushed out of it).
    pub fn truncate(&mut self, depth: usize) {
        while self.bids.len() > depth {
            self.bids.pop_first();
        }
        while self.asks.len() > depth {
            self.asks.pop_last();
        }
    }

    /// Writes the best `depth` levels of each side into `bids` and `asks` (cleared first).
    pub fn top_into(&self, depth: usize, bids: &mut Vec<Level>, asks: &mut Vec<Level>) {
        bids.clear();
        asks.clear();
        bids.extend(self.bids().take(depth));
        asks.extend(self.asks().take(depth));
    }
}

/// The levels of one side, best first.
#[derive(Debug, Clone)]
pub enum BestFirst<'a> {
    /// Bids: highest price first.
    Bids(std::iter::Rev<std::collections::btree_map::Values<'a, i128, Level>>),
    /// Asks: lowest price first.
    Asks(std::collections::btree_map::Values<'a, i128, Level>),
}

impl Iterator for BestFirst<'_> {
    type Item = Level;

    fn next(&mut self) -> Option<Level> {
        match self {
            BestFirst::Bids(levels) => levels.next().copied(),
            BestFirst::Asks(levels) => levels.next().copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn keeps_both_sides_sorted_best_first() {
        let mut book = OrderBook::new();
        for (price, size) in [("100.5", "1"), ("99", "2"), ("101", "3")] {
            assert_eq!(
                book.apply(BookSide::Bid, d(price), d(size)),
                LevelChange::Inserted
            );
        }
        for (price, size) in [("103", "1"), ("102.25", "2"), ("110", "3")] {
            book.apply(BookSide::Ask, d(price), d(size));
        }
        let bids: Vec<String> = book.bids().map(|level| level.price.to_string()).collect();
        let asks: Vec<String> = book.asks().map(|level| level.price.to_string()).collect();
        assert_eq!(bids, ["101", "100.5", "99"]);
        assert_eq!(asks, ["102.25", "103", "110"]);
        let (mut top_bids, mut top_asks) = (Vec::new(), Vec::new());
        book.top_into(2, &mut top_bids, &mut top_asks);
        assert_eq!(
            top_bids,
            vec![Level::new(d("101"), d("3")), Level::new(d("100.5"), d("1"))]
        );
        assert_eq!(top_asks.len(), 2);
    }

    #[test]
    fn size_zero_deletes_and_absent_deletes_are_normal() {
        let mut book = OrderBook::new();
        book.apply(BookSide::Ask, d("10"), d("1"));
        assert_eq!(
            book.apply(BookSide::Ask, d("10.0"), d("2.50")),
            LevelChange::Updated
        );
        assert_eq!(
            book.best_ask().unwrap().size.to_string(),
            "2.50",
            "size as sent"
        );
        assert_eq!(
            book.best_ask().unwrap().price.to_string(),
            "10",
            "first price text kept"
        );
        assert_eq!(
            book.apply(BookSide::Ask, d("10.00"), d("0")),
            LevelChange::Deleted
        );
        assert_eq!(
            book.apply(BookSide::Ask, d("10"), d("0.000")),
            LevelChange::AbsentDeleted
        );
        assert_eq!(
            book.apply(BookSide::Ask, d("10.001"), d("0")),
            LevelChange::AbsentDeleted
        );
        assert!(book.is_empty());
    }

    #[test]
    fn prices_of_every_scale_compare_by_value() {
        let mut book = OrderBook::new();
        book.apply(BookSide::Bid, d("100"), d("1"));
        book.apply(BookSide::Bid, d("99.5"), d("1"));
        book.apply(BookSide::Bid, d("100.25"), d("1")); // widens every key to 2 digits
        book.apply(BookSide::Bid, d("99.875"), d("1")); // and to 3
        let bids: Vec<String> = book.bids().map(|level| level.price.to_string()).collect();
        assert_eq!(bids, ["100.25", "100", "99.875", "99.5"]);
        assert_eq!(
            book.apply(BookSide::Bid, d("100.0"), d("0")),
            LevelChange::Deleted
        );
        assert_eq!(
            book.apply(BookSide::Bid, d("99.50"), d("2")),
            LevelChange::Updated
        );
        // A price of 28 fraction digits widens the keys to 28 digits; a 29-digit price then
        // cannot be keyed exactly and is refused, never rounded.
        book.apply(BookSide::Ask, d("0.0000000000000000000000000001"), d("1"));
        let huge = Decimal::from_str("79228162514264337593543950335").unwrap();
        assert_eq!(
            book.apply(BookSide::Ask, huge, d("1")),
            LevelChange::OutOfRange
        );
        assert_eq!(
            book.apply(BookSide::Ask, huge, d("0")),
            LevelChange::AbsentDeleted
        );
        assert_eq!(
            book.bids().count(),
            3,
            "the other levels survive the rescale"
        );
    }

    #[test]
    fn crossed_and_truncated() {
        let mut book = OrderBook::new();
        book.apply(BookSide::Bid, d("100"), d("1"));
        book.apply(BookSide::Ask, d("101"), d("1"));
        assert!(!book.is_crossed());
        book.apply(BookSide::Bid, d("101"), d("1"));
        assert!(book.is_crossed(), "bid equal to ask is crossed");
        book.apply(BookSide::Bid, d("101"), d("0"));
        for price in ["99", "98", "97"] {
            book.apply(BookSide::Bid, d(price), d("1"));
        }
        for price in ["102", "103"] {
            book.apply(BookSide::Ask, d(price), d("1"));
        }
        book.truncate(2);
        assert_eq!(
            book.bids().map(|l| l.price).collect::<Vec<_>>(),
            vec![d("100"), d("99")]
        );
        assert_eq!(
            book.asks().map(|l| l.price).collect::<Vec<_>>(),
            vec![d("101"), d("102")]
        );
    }
}
