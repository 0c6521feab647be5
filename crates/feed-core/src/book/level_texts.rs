//! [`LevelTexts`]: the checksum text of each level last checksummed, kept per book so that
//! the next checksum formats only the levels that changed.
//!
//! A checksum covers the best 25 (OKX, Bitget) or 10 (Kraken) levels of each side, written
//! out digit for digit after every message; a message changes a few of them. Writing 50
//! prices and 50 sizes per message was most of the cost of an OKX book update. The text of a
//! level is a pure function of the mantissas and scales of its price and size (`1.0` and
//! `1.00` are different texts), so a level whose price and size have those of a level of
//! the last call takes that level's text; any other level is written again. The result is
//! the same text, whatever the book did in between.

use rust_decimal::Decimal;

use super::order_book::{BookSide, OrderBook};
use crate::types::Level;

/// How far past its last match the levels of the last call are searched for a level (a
/// message that inserts or deletes a few levels shifts the rest by as many places).
const LOOKAHEAD: usize = 6;

/// Texts written are appended to one buffer; it is compacted to the live texts when it
/// grows past this many times their size (and this many kilobytes).
const COMPACT_FACTOR: usize = 8;

/// Whether two decimals print the same: `push_decimal` (and every checksum format built on
/// it) depends only on the mantissa and the scale.
fn same_text(a: &Decimal, b: &Decimal) -> bool {
    a.scale() == b.scale() && a.mantissa() == b.mantissa()
}

/// One level, and where its text is in [`LevelTexts::bytes`].
#[derive(Debug, Clone, Copy)]
struct Entry {
    level: Level,
    start: u32,
    end: u32,
}

impl Entry {
    fn is(&self, level: &Level) -> bool {
        same_text(&self.level.price, &level.price) && same_text(&self.level.size, &level.size)
    }

    fn span(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// The texts of the levels a checksum covered last time, per side (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct LevelTexts {
    /// Per side, best first.
    sides: [Vec<Entry>; 2],
    spare: Vec<Entry>,
    /// Every text written (the entries' spans point into it).
    bytes: Vec<u8>,
    /// What the texts were written for (a format and its parameters): another key clears
    /// them.
    key: Option<u64>,
    /// Per side: the depth of the last refresh, and its worst price when the side had that
    /// many levels (a change beyond it cannot change the texts).
    depths: [usize; 2],
    edges: [Option<Decimal>; 2],
    /// Per side: no change within the edge was reported since the last refresh.
    clean: [bool; 2],
    /// The checksum of the texts, while both sides are clean.
    checksum: Option<u32>,
    /// The checksum text being composed.
    pub text: Vec<u8>,
}

fn index(side: BookSide) -> usize {
    match side {
        BookSide::Bid => 0,
        BookSide::Ask => 1,
    }
}

impl LevelTexts {
    /// Empty: nothing remembered.
    #[must_use]
    pub fn new() -> Self {
        LevelTexts::default()
    }

    /// A level of the book changed (inserted, updated or deleted at `price`): the texts of
    /// `side` are refreshed at the next checksum unless the price is beyond the side's edge.
    pub fn touched(&mut self, side: BookSide, price: &Decimal) {
        let at = index(side);
        if !self.clean[at] {
            return;
        }
        let beyond = self.edges[at].is_some_and(|edge| match side {
            BookSide::Bid => *price < edge,
            BookSide::Ask => *price > edge,
        });
        if !beyond {
            self.clean[at] = false;
            self.checksum = None;
        }
    }

    /// The book changed in a way not reported level by level (a snapshot, a reset, a
    /// truncation): both sides are refreshed at the next checksum.
    pub fn invalidate(&mut self) {
        self.clean = [false; 2];
        self.checksum = None;
    }

    /// The checksum remembered by [`remember`](Self::remember) when it still holds: the
    /// same format, and no change reported on either side since.
    #[must_use]
    pub fn unchanged(&self, key: u64) -> Option<u32> {
        (self.key == Some(key) && self.clean == [true; 2])
            .then_some(self.checksum)
            .flatten()
    }

    /// Remembers the checksum of the texts as refreshed now.
    pub fn remember(&mut self, checksum: u32) {
        self.checksum = (self.clean == [true; 2]).then_some(checksum);
    }

    /// Brings `side`'s texts to the book's best `depth` levels: each written by `write`
    /// unless the last call had the same level. `key` names the format (and any parameter
    /// it depends on); texts written under another key are forgotten first. A side with no
    /// change reported since its last refresh at this depth (see [`touched`](Self::touched))
    /// is kept as it is: whoever changes the book reports every change, or
    /// [`invalidate`](Self::invalidate)s.
    pub fn refresh(
        &mut self,
        book: &OrderBook,
        side: BookSide,
        depth: usize,
        key: u64,
        mut write: impl FnMut(&Level, &mut Vec<u8>),
    ) {
        if self.key != Some(key) {
            self.sides.iter_mut().for_each(Vec::clear);
            self.bytes.clear();
            self.key = Some(key);
            self.invalidate();
        }
        let at = index(side);
        if self.clean[at] && self.depths[at] == depth {
            return;
        }
        let old = &self.sides[at];
        let new = &mut self.spare;
        new.clear();
        let mut next = 0;
        for level in book.levels(side).take(depth) {
            let found = old
                .get(next..)
                .unwrap_or_default()
                .iter()
                .take(LOOKAHEAD)
                .position(|entry| entry.is(&level));
            let entry = match found {
                Some(offset) => {
                    next += offset + 1;
                    Entry {
                        level,
                        ..old[next - 1]
                    }
                }
                None => {
                    let start = self.bytes.len() as u32;
                    write(&level, &mut self.bytes);
                    Entry {
                        level,
                        start,
                        end: self.bytes.len() as u32,
                    }
                }
            };
            new.push(entry);
        }
        std::mem::swap(&mut self.sides[at], &mut self.spare);
        let levels = &self.sides[at];
        self.edges[at] = (levels.len() == depth)
            .then(|| levels.last().map(|entry| entry.level.price))
            .flatten();
        self.depths[at] = depth;
        self.clean[at] = true;
        self.checksum = None;
        self.compact_when_large();
    }

    /// Rewrites the buffer with only the texts still in use, once it is mostly dead.
    fn compact_when_large(&mut self) {
        let live: usize = self
            .sides
            .iter()
            .flatten()
            .map(|entry| entry.span().len())
            .sum();
        if self.bytes.len() <= COMPACT_FACTOR * (live + 1024) {
            return;
        }
        let mut bytes = Vec::with_capacity(2 * live + 1024);
        for entry in self.sides.iter_mut().flatten() {
            let start = bytes.len() as u32;
            bytes.extend_from_slice(&self.bytes[entry.span()]);
            (entry.start, entry.end) = (start, bytes.len() as u32);
        }
        self.bytes = bytes;
    }

    /// How many levels of `side` the last [`refresh`](Self::refresh) covered.
    #[must_use]
    pub fn len(&self, side: BookSide) -> usize {
        self.sides[index(side)].len()
    }

    /// Whether the last refresh of both sides covered no level.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.sides.iter().all(Vec::is_empty)
    }

    /// The text of `side`'s level `position` (0 = best), as of the last refresh.
    #[must_use]
    pub fn get(&self, side: BookSide, position: usize) -> Option<&[u8]> {
        self.sides[index(side)]
            .get(position)
            .map(|entry| &self.bytes[entry.span()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::json::push_decimal;

    fn write(level: &Level, out: &mut Vec<u8>) {
        push_decimal(out, &level.price);
        out.push(b':');
        push_decimal(out, &level.size);
    }

    fn fresh(book: &OrderBook, side: BookSide, depth: usize) -> Vec<Vec<u8>> {
        book.levels(side)
            .take(depth)
            .map(|level| {
                let mut text = Vec::new();
                write(&level, &mut text);
                text
            })
            .collect()
    }

    /// Random books changed a few levels at a time (most beyond the best 25, so sides are
    /// often kept whole), sizes sometimes only re-scaled (`2` → `2.0`, the same value in
    /// another text), every change reported: the remembered texts are always what writing
    /// every level afresh gives.
    #[test]
    fn remembered_texts_are_always_the_fresh_texts() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..40 {
            let mut book = OrderBook::new();
            let mut texts = LevelTexts::new();
            for _ in 0..400 {
                for _ in 0..rng.usize(1..6) {
                    let side = if rng.bool() {
                        BookSide::Bid
                    } else {
                        BookSide::Ask
                    };
                    let price = match side {
                        BookSide::Bid => Decimal::new(rng.i64(9_900..10_000), 2),
                        BookSide::Ask => Decimal::new(rng.i64(10_001..10_100), 2),
                    };
                    let size = if rng.u8(..) < 50 {
                        Decimal::ZERO
                    } else {
                        Decimal::new(rng.i64(1..5) * 10_i64.pow(rng.u32(0..3)), rng.u32(0..3))
                    };
                    book.apply(side, price, size);
                    texts.touched(side, &price);
                }
                for side in [BookSide::Bid, BookSide::Ask] {
                    let depth = 25;
                    texts.refresh(&book, side, depth, 1, write);
                    let expected = fresh(&book, side, depth);
                    assert_eq!(texts.len(side), expected.len());
                    for (position, text) in expected.iter().enumerate() {
                        assert_eq!(texts.get(side, position), Some(&text[..]));
                    }
                }
            }
        }
    }

    #[test]
    fn a_checksum_is_remembered_until_a_change_within_the_edge() {
        let mut book = OrderBook::new();
        for price in 1..=30 {
            book.apply(BookSide::Bid, Decimal::new(price, 0), Decimal::ONE);
            book.apply(BookSide::Ask, Decimal::new(100 + price, 0), Decimal::ONE);
        }
        let mut texts = LevelTexts::new();
        assert_eq!(texts.unchanged(1), None, "nothing remembered yet");
        for side in [BookSide::Bid, BookSide::Ask] {
            texts.refresh(&book, side, 25, 1, write);
        }
        texts.remember(77);
        assert_eq!(texts.unchanged(1), Some(77));
        assert_eq!(texts.unchanged(2), None, "another format");
        // Bid edge is 6 (the 25th best of 30..1), ask edge 125: beyond them nothing changes.
        book.apply(BookSide::Bid, Decimal::new(3, 0), Decimal::TWO);
        texts.touched(BookSide::Bid, &Decimal::new(3, 0));
        book.apply(BookSide::Ask, Decimal::new(129, 0), Decimal::ZERO);
        texts.touched(BookSide::Ask, &Decimal::new(129, 0));
        assert_eq!(texts.unchanged(1), Some(77));
        texts.touched(BookSide::Bid, &Decimal::new(6, 0));
        assert_eq!(
            texts.unchanged(1),
            None,
            "the edge itself changes the texts"
        );
        texts.refresh(&book, BookSide::Bid, 25, 1, write);
        texts.remember(78);
        assert_eq!(texts.unchanged(1), Some(78));
        texts.invalidate();
        assert_eq!(texts.unchanged(1), None);
    }

    #[test]
    fn another_key_writes_every_level_again() {
        let mut book = OrderBook::new();
        book.apply(BookSide::Bid, Decimal::new(100, 0), Decimal::new(15, 1));
        let mut texts = LevelTexts::new();
        texts.refresh(&book, BookSide::Bid, 10, 1, write);
        assert_eq!(texts.get(BookSide::Bid, 0), Some(&b"100:1.5"[..]));
        texts.refresh(&book, BookSide::Bid, 10, 2, |_, out| {
            out.extend_from_slice(b"x")
        });
        assert_eq!(texts.get(BookSide::Bid, 0), Some(&b"x"[..]));
        assert!(!texts.is_empty());
    }
}
