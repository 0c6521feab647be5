//! The heads of JSON lines, written once per market: a replay or a sink writing millions of
//! trades of a few hundred markets writes `{"exchange":"BINANCE","symbol":"BTC-USDT",
//! "channel":"trades"` as one copy instead of escaping three strings per line.

use std::sync::Arc;

use super::json::push_line_head;
use super::Symbol;
use crate::fast_hash::FastMap;

/// More heads than this (markets × channels of one process) and the cache starts over, so
/// names created and dropped over a long run cannot grow it without bound.
const MOST_HEADS: usize = 1 << 16;

/// Remembered line heads, keyed by the identity of the shared exchange and symbol names.
///
/// A key is the address of each shared name; the entry holds a clone of both, so while it
/// is kept neither address can be reused by another name, and equal addresses mean equal
/// text. Names that are equal but not shared get entries of their own (still correct).
#[derive(Default)]
pub struct LineHeads {
    heads: FastMap<HeadKey, Head>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct HeadKey {
    exchange: usize,
    symbol: usize,
    channel: (usize, usize),
}

struct Head {
    /// Keep the names alive: their addresses are the key.
    _names: (Arc<str>, Symbol),
    text: Box<[u8]>,
}

impl LineHeads {
    /// A cache with no heads yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends what [`push_line_head`] appends for these names, from the cache when it has
    /// written this head before.
    pub fn push(
        &mut self,
        out: &mut Vec<u8>,
        exchange: &Arc<str>,
        symbol: &Symbol,
        channel: &'static str,
    ) {
        let key = HeadKey {
            exchange: Arc::as_ptr(exchange).cast::<u8>() as usize,
            symbol: symbol.text_address(),
            channel: (channel.as_ptr() as usize, channel.len()),
        };
        if let Some(head) = self.heads.get(&key) {
            out.extend_from_slice(&head.text);
            return;
        }
        if self.heads.len() >= MOST_HEADS {
            self.heads.clear();
        }
        let mut text = Vec::with_capacity(96);
        push_line_head(&mut text, exchange, symbol.as_str(), channel);
        out.extend_from_slice(&text);
        self.heads.insert(
            key,
            Head {
                _names: (Arc::clone(exchange), symbol.clone()),
                text: text.into_boxed_slice(),
            },
        );
    }

    /// How many heads are remembered.
    #[must_use]
    pub fn len(&self) -> usize {
        self.heads.len()
    }

    /// True when no head is remembered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.heads.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(exchange: &str, symbol: &str, channel: &str) -> Vec<u8> {
        let mut out = Vec::new();
        push_line_head(&mut out, exchange, symbol, channel);
        out
    }

    #[test]
    fn a_remembered_head_is_the_written_one_for_every_name() {
        let mut heads = LineHeads::new();
        let binance: Arc<str> = "BINANCE".into();
        let okx: Arc<str> = "OKX".into();
        let btc = Symbol::new("BTC", "USDT");
        let eth = Symbol::new("ETH", "USDT");
        let odd = Symbol::new("A\"B", "C\\D");
        for _ in 0..3 {
            for (exchange, symbol, channel) in [
                (&binance, &btc, "trades"),
                (&binance, &eth, "trades"),
                (&okx, &btc, "trades"),
                (&binance, &btc, "l2_book"),
                (&okx, &odd, "trades"),
            ] {
                let mut out = b"before".to_vec();
                heads.push(&mut out, exchange, symbol, channel);
                let mut expected = b"before".to_vec();
                expected.extend(head(exchange, symbol.as_str(), channel));
                assert_eq!(out, expected);
            }
        }
        assert_eq!(heads.len(), 5);
        // An equal name that is not shared: an entry of its own, the same text.
        let other_btc = Symbol::new("BTC", "USDT");
        let mut out = Vec::new();
        heads.push(&mut out, &binance, &other_btc, "trades");
        assert_eq!(out, head("BINANCE", "BTC-USDT", "trades"));
        assert_eq!(heads.len(), 6);
    }

    #[test]
    fn names_dropped_and_made_again_never_get_a_stale_head() {
        let mut heads = LineHeads::new();
        let exchange: Arc<str> = "BINANCE".into();
        for round in 0..2_000 {
            // Each round's symbol is dropped after use; its allocation may be reused by the
            // next one, whose text differs: the kept clone prevents that reuse.
            let symbol = Symbol::new(&format!("C{round}"), "USDT");
            let mut out = Vec::new();
            heads.push(&mut out, &exchange, &symbol, "trades");
            assert_eq!(out, head("BINANCE", symbol.as_str(), "trades"));
        }
    }
}
