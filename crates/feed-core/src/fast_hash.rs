//! A fast, non-cryptographic hasher for the short keys looked up once per frame: symbols,
//! exchange names, and the pointers of shared names (the Fx algorithm of rustc, with the
//! last bytes of a key taken as one word). Keys come
//! from an exchange's own market list or from this process, so hash flooding is not a
//! concern here.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The Fx hasher: eight bytes at a time, rotate, xor, multiply.
#[derive(Default, Clone, Copy)]
pub struct SymbolHasher(u64);

impl SymbolHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for SymbolHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.add(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        }
        let rest = words.remainder();
        // The last 1..=7 bytes in one word: two overlapping halves, or three bytes.
        let last = match rest.len() {
            0 => return,
            1..=3 => {
                u64::from(rest[0])
                    | u64::from(rest[rest.len() / 2]) << 8
                    | u64::from(rest[rest.len() - 1]) << 16
            }
            _ => {
                let low = rest.first_chunk::<4>().copied().unwrap_or_default();
                let high = rest.last_chunk::<4>().copied().unwrap_or_default();
                u64::from(u32::from_le_bytes(low)) | u64::from(u32::from_le_bytes(high)) << 32
            }
        };
        self.add(last ^ (rest.len() as u64) << 56);
    }

    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map with [`SymbolHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<SymbolHasher>>;
