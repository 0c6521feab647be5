//! [`Shard`]: one process's share of every feed's symbols, for running one configuration
//! over several processes (`feedhandler run CONFIG --shard K/N`).
//!
//! A symbol belongs to shard `1 + h mod N`, where `h` is the 64-bit FNV-1a hash of
//! `exchange_id`, a zero byte, and the normalized symbol. The assignment depends on nothing
//! else — not on the order of the config, the market list, the process or the version —
//! so N processes given the same config and `--shard 1/N` .. `--shard N/N` carry every
//! subscription exactly once between them, and all channels of one symbol of one exchange
//! are in the same process (their per-symbol order in a Kafka partition stays whole).

use std::fmt;

use feed_core::Symbol;

/// Shard `index` of `count` (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shard {
    index: u32,
    count: u32,
}

/// FNV-1a, 64 bits: stable and documented, unlike the standard library's hasher.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in *part {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

impl Shard {
    /// Shard `index` of `count`.
    ///
    /// # Errors
    /// Unless `1 <= index <= count`, in words.
    pub fn new(index: u32, count: u32) -> Result<Self, String> {
        if count == 0 || index == 0 || index > count {
            return Err(format!(
                "shard {index}/{count}: K/N needs 1 <= K <= N (e.g. 1/3, 2/3, 3/3)"
            ));
        }
        Ok(Shard { index, count })
    }

    /// From `K/N`.
    ///
    /// # Errors
    /// Not two whole numbers with `1 <= K <= N`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (index, count) = text
            .split_once('/')
            .ok_or_else(|| format!("'{text}' is not K/N (e.g. 2/3)"))?;
        let number = |part: &str| {
            part.trim()
                .parse::<u32>()
                .map_err(|_| format!("'{text}' is not K/N (e.g. 2/3)"))
        };
        Self::new(number(index)?, number(count)?)
    }

    /// The whole: one process carries everything.
    #[must_use]
    pub fn whole() -> Self {
        Shard { index: 1, count: 1 }
    }

    /// True when this shard carries `symbol` of `exchange_id`.
    #[must_use]
    pub fn owns(&self, exchange_id: &str, symbol: &Symbol) -> bool {
        if self.count == 1 {
            return true;
        }
        let hash = fnv1a(&[exchange_id.as_bytes(), &[0], symbol.as_str().as_bytes()]);
        hash % u64::from(self.count) == u64::from(self.index - 1)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_symbol_in_exactly_one_shard_and_the_split_is_even_enough() {
        let symbols: Vec<Symbol> = (0..3000)
            .map(|n| Symbol::parse(&format!("C{n}-USDT")).unwrap())
            .collect();
        let shards: Vec<Shard> = (1..=3).map(|k| Shard::new(k, 3).unwrap()).collect();
        let mut sizes = [0; 3];
        for symbol in &symbols {
            let owners: Vec<usize> = (0..3)
                .filter(|k| shards[*k].owns("binance", symbol))
                .collect();
            assert_eq!(owners.len(), 1, "{symbol}");
            sizes[owners[0]] += 1;
        }
        assert!(
            sizes.iter().all(|size| (900..=1100).contains(size)),
            "{sizes:?}"
        );
    }

    #[test]
    fn the_assignment_is_the_documented_hash() {
        // FNV-1a 64 of "binance\0BTC-USDT", by hand: fixed forever, whatever the platform.
        let hash = fnv1a(&[b"binance", &[0], b"BTC-USDT"]);
        assert_eq!(hash, fnv1a(&[b"binance\0BTC-USDT"]));
        assert_eq!(fnv1a(&[b""]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(&[b"a"]), 0xaf63_dc4c_8601_ec8c);
        let btc = Symbol::parse("BTC-USDT").unwrap();
        let owner = (1..=4)
            .find(|k| Shard::new(*k, 4).unwrap().owns("binance", &btc))
            .unwrap();
        assert_eq!(u64::from(owner - 1), hash % 4);
    }

    #[test]
    fn parse_and_refuse() {
        assert_eq!(Shard::parse("2/3").unwrap().to_string(), "2/3");
        for bad in ["0/3", "4/3", "1/0", "x/3", "3", "1/2/3"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        assert!(Shard::whole().owns("x", &Symbol::parse("A-B").unwrap()));
    }
}
