//! Order books: [`OrderBook`] (sorted price levels), [`SymbolBook`] (one symbol's book kept
//! in sync by an exchange's documented [`BookRules`]), the [`BookBatch`] adapters parse
//! book frames into, and the exchanges' CRC32 [`checksum`] formats.
//!
//! Adapters only parse: a frame becomes [`BookMessage`]s with the exchange's ids. Keeping
//! the book, checking sequences and checksums, and deciding what may be delivered happens
//! here, once, for every exchange.

pub mod checksum;
mod level_texts;
mod message;
mod order_book;
mod rules;
mod sync;

pub use level_texts::LevelTexts;
pub use message::{BookBatch, BookMessage, BookMessageKind, LevelUpdate};
pub use order_book::{BestFirst, BookSide, LevelChange, OrderBook};
pub use rules::{BookRules, ChecksumFn, SequenceNames, SequenceRule, SnapshotSource};
pub use sync::{BookOutcome, BookParams, SymbolBook, MAX_BUFFERED_DELTAS};

#[cfg(test)]
mod tests;
