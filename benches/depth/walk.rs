//! [`BookWalk`]: one symbol's true book on a fixed price grid, walked deterministically so
//! that it keeps exactly `levels` levels a side forever (every delete is paired with an
//! insert on the same side), never crosses, and never leaves the window of its first
//! snapshot (the deepest slot of each side stays occupied). Rendered as Binance's
//! documented `depthUpdate` frames and REST depth snapshots.

use std::fmt::Write as _;

/// A side's slots: slot `i` is `i` ticks behind the best possible price of that side;
/// the size in lots (`0` = no level there).
#[derive(Clone)]
struct Slots {
    sizes: Vec<u64>,
}

/// Bids or asks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Bid,
    Ask,
}

/// The true book of one symbol and the ids of its stream.
#[derive(Clone)]
pub struct BookWalk {
    pub symbol: &'static str,
    /// The mid price in ticks of 0.01 (no level is ever there: bids below, asks above).
    mid: i64,
    bids: Slots,
    asks: Slots,
    last_id: u64,
    event_ms: i64,
    rng: fastrand::Rng,
    /// (side, slot) of the changes of the update being built: one change per price.
    touched: Vec<(Side, usize)>,
}

/// Levels as text, (price, size), best first.
pub type TextLevels = Vec<(String, String)>;

/// Sizes have 8 fraction digits, as Binance sends them.
const SIZE_UNIT: u64 = 100_000_000;

fn push_price(out: &mut String, ticks: i64) {
    let _ = write!(out, "{}.{:02}", ticks / 100, ticks % 100);
}

fn push_size(out: &mut String, lots: u64) {
    let _ = write!(out, "{}.{:08}", lots / SIZE_UNIT, lots % SIZE_UNIT);
}

impl BookWalk {
    /// `levels` levels a side spread over `levels * 6 / 5` slots (a sixth of the grid
    /// empty, so that inserts have room), around a mid of `mid` ticks.
    pub fn new(symbol: &'static str, mid: i64, levels: usize, seed: u64) -> Self {
        let slots = levels * 6 / 5;
        let mut rng = fastrand::Rng::with_seed(seed);
        let side = |rng: &mut fastrand::Rng| {
            let mut sizes = vec![0; slots];
            // The deepest slot always; then random others until `levels` are filled.
            sizes[slots - 1] = rng.u64(1..=50 * SIZE_UNIT);
            let mut filled = 1;
            while filled < levels {
                let slot = rng.usize(0..slots - 1);
                if sizes[slot] == 0 {
                    sizes[slot] = rng.u64(1..=50 * SIZE_UNIT);
                    filled += 1;
                }
            }
            Slots { sizes }
        };
        let bids = side(&mut rng);
        let asks = side(&mut rng);
        BookWalk {
            symbol,
            mid,
            bids,
            asks,
            last_id: 1_000_000,
            event_ms: 1_700_000_000_000,
            rng,
            touched: Vec::with_capacity(32),
        }
    }

    fn slots(&self, side: Side) -> &Slots {
        match side {
            Side::Bid => &self.bids,
            Side::Ask => &self.asks,
        }
    }

    fn price(&self, side: Side, slot: usize) -> i64 {
        let offset = slot as i64 + 1;
        match side {
            Side::Bid => self.mid - offset,
            Side::Ask => self.mid + offset,
        }
    }

    /// The last update id sent (the snapshot's `lastUpdateId` before any update).
    pub fn last_id(&self) -> u64 {
        self.last_id
    }

    /// Levels per side now: (bids, asks).
    pub fn levels(&self) -> (usize, usize) {
        let count = |slots: &Slots| slots.sizes.iter().filter(|size| **size > 0).count();
        (count(&self.bids), count(&self.asks))
    }

    /// A slot near the top mostly: 80 % within the best 50 slots, the rest anywhere but
    /// the deepest slot (which keeps the snapshot's window).
    fn pick(&mut self) -> usize {
        let slots = self.bids.sizes.len();
        if self.rng.u8(0..10) < 8 {
            self.rng.usize(0..50.min(slots - 1))
        } else {
            self.rng.usize(0..slots - 1)
        }
    }

    /// An untouched slot of `side` that is occupied (or empty), if one turns up soon.
    fn find(&mut self, side: Side, occupied: bool) -> Option<usize> {
        (0..64).find_map(|_| {
            let slot = self.pick();
            let size = self.slots(side).sizes[slot];
            ((size > 0) == occupied && !self.touched.contains(&(side, slot))).then_some(slot)
        })
    }

    fn set(&mut self, side: Side, slot: usize, size: u64) {
        match side {
            Side::Bid => self.bids.sizes[slot] = size,
            Side::Ask => self.asks.sizes[slot] = size,
        }
        self.touched.push((side, slot));
    }

    /// One change, or two (a delete and an insert on the same side, either order), so that
    /// the side keeps its number of levels.
    /// `room`: how many more changes the update may take.
    fn change(&mut self, room: usize) {
        let side = if self.rng.bool() {
            Side::Bid
        } else {
            Side::Ask
        };
        let slot = self.pick();
        if self.touched.contains(&(side, slot)) {
            return;
        }
        let new_size = self.rng.u64(1..=50 * SIZE_UNIT);
        let occupied = self.slots(side).sizes[slot] > 0;
        if occupied && (room < 2 || self.rng.u8(0..4) != 0) {
            self.set(side, slot, new_size); // a new size
        } else if room < 2 {
            // no room for a pair in this update
        } else if let Some(partner) = self.find(side, !occupied) {
            // A level goes and another comes: here, and at the partner.
            let (gone, new) = if occupied {
                (slot, partner)
            } else {
                (partner, slot)
            };
            self.set(side, gone, 0);
            self.set(side, new, new_size);
        }
    }

    /// The next `depthUpdate` frame: 1 to 10 changed levels (a pair counts as two),
    /// `U` right after the last `u`, `u` 0 to 2 ids further. With `touch_best`, the first
    /// change is a new size for the best bid (the delivered top changes for sure).
    pub fn update_frame(&mut self, touch_best: bool) -> String {
        self.touched.clear();
        if touch_best {
            if let Some(best) = self.bids.sizes.iter().position(|size| *size > 0) {
                let size = self.rng.u64(1..=50 * SIZE_UNIT);
                self.set(Side::Bid, best, size);
            }
        }
        let wanted = self.rng.usize(1..=10).max(self.touched.len());
        while self.touched.len() < wanted {
            self.change(wanted - self.touched.len());
        }
        let first = self.last_id + 1;
        self.last_id = first + self.rng.u64(0..=2);
        self.event_ms += 1;
        let mut frame = String::with_capacity(64 + 40 * self.touched.len());
        let _ = write!(
            frame,
            r#"{{"e":"depthUpdate","E":{},"s":"{}","U":{first},"u":{},"b":["#,
            self.event_ms, self.symbol, self.last_id
        );
        self.push_changes(&mut frame, Side::Bid);
        frame.push_str(r#"],"a":["#);
        self.push_changes(&mut frame, Side::Ask);
        frame.push_str("]}");
        frame
    }

    fn push_changes(&self, frame: &mut String, side: Side) {
        let mut first = true;
        for &(changed, slot) in &self.touched {
            if changed != side {
                continue;
            }
            if !first {
                frame.push(',');
            }
            first = false;
            self.push_level(frame, side, slot);
        }
    }

    fn push_level(&self, out: &mut String, side: Side, slot: usize) {
        out.push_str("[\"");
        push_price(out, self.price(side, slot));
        out.push_str("\",\"");
        push_size(out, self.slots(side).sizes[slot]);
        out.push_str("\"]");
    }

    fn push_top(&self, out: &mut String, side: Side, limit: usize) {
        let levels = self.slots(side).sizes.iter().enumerate();
        for (index, (slot, _)) in levels
            .filter(|(_, size)| **size > 0)
            .take(limit)
            .enumerate()
        {
            if index > 0 {
                out.push(',');
            }
            self.push_level(out, side, slot);
        }
    }

    /// The REST snapshot body of the book now, `limit` levels a side, as documented.
    pub fn snapshot_body(&self, limit: usize) -> String {
        let mut body = String::with_capacity(80 * limit + 64);
        let _ = write!(body, r#"{{"lastUpdateId":{},"bids":["#, self.last_id);
        self.push_top(&mut body, Side::Bid, limit);
        body.push_str(r#"],"asks":["#);
        self.push_top(&mut body, Side::Ask, limit);
        body.push_str("]}");
        body
    }

    /// The best `depth` levels a side now, as (price, size) text, best first.
    pub fn top(&self, depth: usize) -> (TextLevels, TextLevels) {
        let side = |side: Side| -> TextLevels {
            let levels = self.slots(side).sizes.iter().enumerate();
            levels
                .filter(|(_, size)| **size > 0)
                .take(depth)
                .map(|(slot, size)| {
                    let (mut price, mut text) = (String::new(), String::new());
                    push_price(&mut price, self.price(side, slot));
                    push_size(&mut text, *size);
                    (price, text)
                })
                .collect()
        };
        (side(Side::Bid), side(Side::Ask))
    }
}
