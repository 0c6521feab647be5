//! Book data as adapters parse it: snapshots and deltas with the exchange's sequence ids and
//! checksum, their levels in one arena so that parsing a frame allocates nothing once the
//! vectors have grown.

use std::ops::Range;

use rust_decimal::Decimal;

use super::order_book::BookSide;
use crate::types::Symbol;

/// Whether a message replaces the book or changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookMessageKind {
    /// The whole book (a REST snapshot, or a stream's snapshot message).
    Snapshot,
    /// Changes to some levels.
    Delta,
}

/// One level change: size zero deletes the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelUpdate {
    /// The side.
    pub side: BookSide,
    /// The price, as sent.
    pub price: Decimal,
    /// The new size at that price, as sent (zero: remove).
    pub size: Decimal,
}

/// One book message of a symbol, with the exchange's ids as the sequence rule of its
/// [`super::BookRules`] reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookMessage {
    /// The normalized symbol.
    pub symbol: Symbol,
    /// Snapshot or delta.
    pub kind: BookMessageKind,
    /// The first update id the message covers (Binance `U`).
    pub first_id: Option<u64>,
    /// The last update id the message covers, or its sequence number (Binance `u`, OKX
    /// `seqId`, Bybit `u`, a REST snapshot's `lastUpdateId`).
    pub last_id: Option<u64>,
    /// The id of the update before this one (Binance futures `pu`, OKX `prevSeqId`).
    pub prev_id: Option<u64>,
    /// The checksum the exchange gives for the book after this message (as its 32 bits).
    pub checksum: Option<u32>,
    /// The exchange's time of the message (seconds since the epoch).
    pub timestamp: Option<Decimal>,
    /// Where its levels are in [`BookBatch::levels`].
    pub levels: Range<usize>,
}

/// The book messages of one frame or one REST response.
///
/// # Examples
/// ```
/// use feed_core::book::{BookBatch, BookMessageKind, BookSide};
/// use feed_core::Symbol;
/// use rust_decimal::Decimal;
///
/// let mut batch = BookBatch::default();
/// let message = batch.start(Symbol::parse("BTC-USDT")?, BookMessageKind::Delta);
/// message.first_id = Some(161);
/// message.last_id = Some(165);
/// batch.push_level(BookSide::Bid, Decimal::new(3700010, 2), Decimal::new(5, 1));
/// assert_eq!(batch.levels_of(&batch.messages[0]).len(), 1);
/// # Ok::<(), feed_core::types::InvalidSymbol>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct BookBatch {
    /// The messages, in the order they came.
    pub messages: Vec<BookMessage>,
    /// Every message's levels, back to back.
    pub levels: Vec<LevelUpdate>,
}

impl BookBatch {
    /// Empties the batch, keeping its capacity.
    pub fn clear(&mut self) {
        self.messages.clear();
        self.levels.clear();
    }

    /// True when there are no messages.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// Starts a message; levels pushed next belong to it. Returns it to set its ids.
    pub fn start(
        &mut self,
        symbol: crate::types::Symbol,
        kind: BookMessageKind,
    ) -> &mut BookMessage {
        let at = self.levels.len();
        self.messages.push(BookMessage {
            symbol,
            kind,
            first_id: None,
            last_id: None,
            prev_id: None,
            checksum: None,
            timestamp: None,
            levels: at..at,
        });
        let last = self.messages.len() - 1;
        &mut self.messages[last]
    }

    /// Where the batch ends now, to [`BookBatch::rollback`] to.
    #[must_use]
    pub fn mark(&self) -> (usize, usize) {
        (self.messages.len(), self.levels.len())
    }

    /// Drops every message and level added since `mark`.
    pub fn rollback(&mut self, mark: (usize, usize)) {
        self.messages.truncate(mark.0);
        self.levels.truncate(mark.1);
    }

    /// The message being built.
    ///
    /// # Panics
    /// When no message was started.
    pub fn current(&mut self) -> &mut BookMessage {
        self.messages
            .last_mut()
            .expect("BookBatch::start before current")
    }

    /// Adds a level to the message being built.
    pub fn push_level(&mut self, side: BookSide, price: Decimal, size: Decimal) {
        self.levels.push(LevelUpdate { side, price, size });
        if let Some(message) = self.messages.last_mut() {
            message.levels.end = self.levels.len();
        }
    }

    /// The levels of `message`.
    #[must_use]
    pub fn levels_of(&self, message: &BookMessage) -> &[LevelUpdate] {
        &self.levels[message.levels.clone()]
    }
}
