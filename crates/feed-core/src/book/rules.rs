//! [`BookRules`]: how an exchange's book data is synchronized, as its documentation says.

use super::order_book::OrderBook;

/// How one update continues from the previous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SequenceRule {
    /// No sequence ids: integrity comes from checksums alone (Kraken).
    None,
    /// Each delta covers the update ids `first..=last` (Binance spot `U`/`u`, Backpack):
    /// a delta follows iff `first <= previous last + 1 <= last` (one that ends at or before
    /// the book's id is skipped). Joining a REST snapshot whose id is
    /// `L`: deltas with `last <= L` are dropped, and the first one applied must satisfy
    /// `first <= L + 1 <= last`.
    FirstLast,
    /// Each delta names the id of the delta before it (Binance futures `pu`, OKX
    /// `prevSeqId`): a delta follows iff `prev == previous last`. Joining a REST snapshot
    /// `L`: deltas with `last < L` are dropped and the first applied must satisfy
    /// `first <= L <= last`. (A delta whose `last` is below its `prev` is a documented
    /// sequence reset on OKX and is accepted; one with `prev == last` is an empty update.)
    PreviousLast,
    /// Each delta's id is the previous one's plus one (`last == previous last + 1`; one at
    /// or below the book's id is skipped).
    Consecutive,
}

/// Where the book's snapshot comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotSource {
    /// A REST request, joined with deltas buffered from the stream (Binance, Backpack):
    /// resynchronizing refetches it.
    Rest,
    /// A snapshot message on the stream after subscribing (OKX, Bybit, Kraken, Coinbase):
    /// resynchronizing resubscribes the symbol.
    Stream,
}

/// How the levels after a message are checksummed, to compare with the exchange's. The
/// [`LevelTexts`](super::LevelTexts) are the book's own, kept from its last checksum (see
/// [`super::checksum`]).
pub type ChecksumFn = fn(&OrderBook, &super::BookParams, &mut super::LevelTexts) -> u32;

/// The names of the sequence ids in the exchange's documentation, for gap messages
/// (`sequence: expected U=161, got 170`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SequenceNames {
    /// The first id of a delta (`U`).
    pub first: &'static str,
    /// The last id (`u`, `seqId`).
    pub last: &'static str,
    /// The previous id (`pu`, `prevSeqId`).
    pub prev: &'static str,
}

impl Default for SequenceNames {
    fn default() -> Self {
        SequenceNames {
            first: "U",
            last: "u",
            prev: "pu",
        }
    }
}

/// An exchange's documented book synchronization.
#[derive(Debug, Clone, Copy)]
pub struct BookRules {
    /// How deltas follow each other.
    pub sequence: SequenceRule,
    /// Where snapshots come from.
    pub snapshot: SnapshotSource,
    /// The exchange's checksum, when it sends one.
    pub checksum: Option<ChecksumFn>,
    /// The stream keeps a fixed depth (`BookParams::stream_depth`) and the client drops
    /// levels pushed out of it (Kraken, Bybit).
    pub truncate_to_stream_depth: bool,
    /// Names for messages.
    pub names: SequenceNames,
}

impl BookRules {
    /// Rules with these two parts and no checksum, truncation or special names.
    #[must_use]
    pub fn new(sequence: SequenceRule, snapshot: SnapshotSource) -> Self {
        BookRules {
            sequence,
            snapshot,
            checksum: None,
            truncate_to_stream_depth: false,
            names: SequenceNames::default(),
        }
    }

    /// With a checksum.
    #[must_use]
    pub fn with_checksum(mut self, checksum: ChecksumFn) -> Self {
        self.checksum = Some(checksum);
        self
    }

    /// Truncating to the stream depth after every message.
    #[must_use]
    pub fn truncating(mut self) -> Self {
        self.truncate_to_stream_depth = true;
        self
    }

    /// With the documentation's names of the ids.
    #[must_use]
    pub fn named(mut self, first: &'static str, last: &'static str, prev: &'static str) -> Self {
        self.names = SequenceNames { first, last, prev };
        self
    }
}
