//! [`Tape`]: what one connection of a streaming stand-in sends, frame by frame: Binance
//! aggTrade frames only, or depth updates and trades alternating (a depth update of each
//! book in turn, each followed by a trade), with the true books of the last frames kept
//! for the bench to check the client's books against.

use std::sync::{Arc, Mutex};

use super::walk::{BookWalk, TextLevels};

/// What a stream carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mix {
    /// aggTrade frames only (the trade benches' figures).
    Trades,
    /// A `depthUpdate` and an aggTrade frame in turn.
    Books,
}

impl Mix {
    /// `MIX=trades` or `MIX=books`, else `default`.
    pub fn from_env(default: Mix) -> Mix {
        match std::env::var("MIX").as_deref() {
            Ok("trades") => Mix::Trades,
            Ok("books") => Mix::Books,
            _ => default,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Mix::Trades => "trades",
            Mix::Books => "books",
        }
    }
}

/// A true book after one of the last updates of a stream.
#[derive(Debug, Clone)]
pub struct Truth {
    pub symbol: &'static str,
    /// The update's `u`.
    pub last_id: u64,
    /// The best levels a side, (price, size) text, best first.
    pub bids: TextLevels,
    pub asks: TextLevels,
    /// Levels a side in the whole book: (bids, asks).
    pub levels: (usize, usize),
}

/// The true books of a stream's last frames (the bench compares the client's last books).
#[derive(Clone, Default)]
pub struct TruthLog {
    pub entries: Arc<Mutex<Vec<Truth>>>,
    /// Levels a side kept per entry.
    pub depth: usize,
}

/// A stream's last frames whose true book is kept: the last update of each book, which
/// changes its best bid so that the client delivers that book (the record is small: it is
/// in the process whose RSS the memory bench reports).
const RECORDED_FRAMES: u64 = 8;

/// One connection's frames.
pub struct Tape {
    mix: Mix,
    trades: Arc<Vec<String>>,
    books: Vec<BookWalk>,
    sent: u64,
    total: u64,
    truth: TruthLog,
}

impl Tape {
    pub fn new(
        mix: Mix,
        trades: Arc<Vec<String>>,
        books: Vec<BookWalk>,
        total: u64,
        truth: TruthLog,
    ) -> Self {
        Tape {
            mix,
            trades,
            books,
            sent: 0,
            total,
            truth,
        }
    }

    /// Frames to send before waiting for the client's snapshots: one update of each book
    /// and its trade (none for trades only).
    pub fn warm_up_frames(&self) -> u64 {
        match self.mix {
            Mix::Trades => 0,
            Mix::Books => 2 * self.books.len() as u64,
        }
    }

    /// The next frame.
    pub fn next_frame(&mut self) -> String {
        let index = self.sent;
        self.sent += 1;
        if self.mix == Mix::Books && index % 2 == 0 {
            let book = ((index / 2) % self.books.len() as u64) as usize;
            let last = index + RECORDED_FRAMES >= self.total;
            let frame = self.books[book].update_frame(last);
            if last {
                self.record(book);
            }
            return frame;
        }
        let trade = match self.mix {
            Mix::Trades => index,
            Mix::Books => index / 2,
        };
        self.trades[(trade % self.trades.len() as u64) as usize].clone()
    }

    fn record(&self, book: usize) {
        let walk = &self.books[book];
        let (bids, asks) = walk.top(self.truth.depth);
        let truth = Truth {
            symbol: walk.symbol,
            last_id: walk.last_id(),
            bids,
            asks,
            levels: walk.levels(),
        };
        if let Ok(mut entries) = self.truth.entries.lock() {
            entries.push(truth);
        }
    }
}
