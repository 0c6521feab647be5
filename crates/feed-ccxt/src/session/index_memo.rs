//! Subscription indices remembered by the identity of the symbol: every trade of a market
//! carries a clone of that market's one `Symbol`, so its index is found by comparing an
//! address instead of hashing and comparing the text (the plan's maps) once per frame.

use feed_core::{Channel, Symbol};

use super::plan::FeedPlan;

/// Slots of the memo (direct-mapped: a symbol and channel have one slot).
const SLOTS: usize = 256;

/// [`FeedPlan::index_of`], remembered.
///
/// A slot keeps a clone of its symbol, so while it is kept no other symbol can have that
/// address: an equal address means the same text, and the same answer from the plan.
pub(super) struct IndexMemo {
    slots: Box<[Option<Remembered>]>,
}

struct Remembered {
    symbol: Symbol,
    channel: Channel,
    index: Option<usize>,
}

impl Default for IndexMemo {
    fn default() -> Self {
        IndexMemo {
            slots: std::iter::repeat_with(|| None).take(SLOTS).collect(),
        }
    }
}

impl IndexMemo {
    /// The index of `channel` of `symbol` in `plan`'s subscriptions.
    pub(super) fn index_of(
        &mut self,
        plan: &FeedPlan,
        channel: Channel,
        symbol: &Symbol,
    ) -> Option<usize> {
        let address = symbol.text_address();
        let slot = ((address >> 4) ^ channel as usize) % SLOTS;
        if let Some(remembered) = &self.slots[slot] {
            if remembered.channel == channel && remembered.symbol.text_address() == address {
                return remembered.index;
            }
        }
        let index = plan.index_of(channel, symbol);
        self.slots[slot] = Some(Remembered {
            symbol: symbol.clone(),
            channel,
            index,
        });
        index
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapter::Subscription;
    use crate::markets::{Market, MarketMap};

    /// Trades of every symbol, books of every second, tickers of every third.
    fn plan_of(symbols: &[Symbol]) -> FeedPlan {
        let mut markets = Vec::new();
        let mut subscriptions = Vec::new();
        for (n, symbol) in symbols.iter().enumerate() {
            let name = symbol.as_str().replace('-', "");
            markets.push(Market::for_symbol(symbol.clone(), name.clone()));
            for (channel, every) in [
                (Channel::Trades, 1),
                (Channel::L2Book, 2),
                (Channel::Ticker, 3),
            ] {
                if n % every == 0 {
                    subscriptions.push(Subscription {
                        id: subscriptions.len() as u64 + 1,
                        ..Subscription::new(channel, symbol.clone(), name.clone())
                    });
                }
            }
        }
        FeedPlan::new(
            crate::registry::adapter("binance").unwrap(),
            MarketMap::new(markets),
            subscriptions,
            "http://127.0.0.1:1".into(),
        )
    }

    #[test]
    fn remembered_indices_are_the_plan_s_for_shared_and_unshared_symbols() {
        let symbols: Vec<Symbol> = (0..600)
            .map(|n| Symbol::new(&format!("C{n}"), "USDT"))
            .collect();
        let plan = plan_of(&symbols[..400]);
        let mut memo = IndexMemo::default();
        for round in 0..3 {
            for symbol in &symbols {
                for channel in [Channel::Trades, Channel::L2Book, Channel::Ticker] {
                    assert_eq!(
                        memo.index_of(&plan, channel, symbol),
                        plan.index_of(channel, symbol),
                        "{symbol} {channel:?} round {round}"
                    );
                    // An equal symbol that is not a clone: the same answer.
                    let copy = Symbol::new(symbol.base(), symbol.quote());
                    assert_eq!(
                        memo.index_of(&plan, channel, &copy),
                        plan.index_of(channel, symbol)
                    );
                }
            }
        }
    }
}
