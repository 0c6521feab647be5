//! [`BookCheck`]: what a bench's book callback verifies of every delivered book (the full
//! delivered depth on both sides, best bid below best ask), and, once asked to keep them,
//! the last book of each symbol, for comparing with the stand-in's true books at the end.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use feedhandler::feed_core::types::{L2Book, Level};
use rust_decimal::Decimal;

use super::tape::Truth;

/// Counts and the last books of a run.
#[derive(Default)]
pub struct BookCheck {
    depth: usize,
    /// Books delivered.
    pub books: AtomicU64,
    /// Books whose best bid was not below the best ask.
    pub crossed: AtomicU64,
    /// Books with fewer than `depth` levels on a side.
    pub short: AtomicU64,
    keeping: AtomicBool,
    last: Mutex<HashMap<String, L2Book>>,
}

/// How the last delivered books compared with the true books.
pub struct Comparison {
    /// Symbols whose last book equals the true book after the same update.
    pub equal: usize,
    /// Symbols with a last book.
    pub symbols: usize,
    /// The true books' levels a side after those updates: (fewest, most) over symbols and
    /// sides.
    pub levels: (usize, usize),
}

fn same(levels: &[Level], truth: &[(String, String)]) -> bool {
    let parsed = |text: &str| Decimal::from_str(text).ok();
    levels.len() == truth.len()
        && levels.iter().zip(truth).all(|(level, (price, size))| {
            parsed(price) == Some(level.price) && parsed(size) == Some(level.size)
        })
}

impl BookCheck {
    /// Books delivered `depth` levels a side.
    pub fn new(depth: usize) -> Self {
        BookCheck {
            depth,
            ..BookCheck::default()
        }
    }

    /// From now on, keep the last book of each symbol.
    pub fn keep_last(&self) {
        self.keeping.store(true, Ordering::Relaxed);
    }

    /// Whether books are being kept (a copy is made: callers not counting it check this).
    pub fn keeping(&self) -> bool {
        self.keeping.load(Ordering::Relaxed)
    }

    /// Checks one delivered book.
    pub fn on_book(&self, book: &L2Book) {
        self.books.fetch_add(1, Ordering::Relaxed);
        if book.bids.len() < self.depth || book.asks.len() < self.depth {
            self.short.fetch_add(1, Ordering::Relaxed);
        }
        match (book.best_bid(), book.best_ask()) {
            (Some(bid), Some(ask)) if bid.price < ask.price => {}
            _ => {
                self.crossed.fetch_add(1, Ordering::Relaxed);
            }
        }
        if self.keeping() {
            if let Ok(mut last) = self.last.lock() {
                last.insert(book.symbol.as_str().to_owned(), book.clone());
            }
        }
    }

    /// The last book of each symbol against the true book after the update it was built
    /// from (`truth`: the stand-in's record of a stream's last updates).
    pub fn compare(&self, truth: &[Truth]) -> Comparison {
        let last = self
            .last
            .lock()
            .map(|last| last.clone())
            .unwrap_or_default();
        let mut comparison = Comparison {
            equal: 0,
            symbols: last.len(),
            levels: (usize::MAX, 0),
        };
        for book in last.values() {
            let exchange_symbol = book.symbol.as_str().replace('-', "");
            let Some(true_book) = truth.iter().rev().find(|truth| {
                truth.symbol == exchange_symbol && Some(truth.last_id) == book.sequence
            }) else {
                continue;
            };
            if same(&book.bids, &true_book.bids) && same(&book.asks, &true_book.asks) {
                comparison.equal += 1;
            }
            let (bids, asks) = true_book.levels;
            comparison.levels.0 = comparison.levels.0.min(bids.min(asks));
            comparison.levels.1 = comparison.levels.1.max(bids.max(asks));
        }
        comparison
    }
}
