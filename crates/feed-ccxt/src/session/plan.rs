//! [`FeedPlan`]: what every connection of a feed shares — the adapter, the markets, the
//! subscriptions and where each channel's data goes.

use std::sync::Arc;

use feed_core::{Channel, Symbol};
use rust_decimal::Decimal;

use crate::adapter::{ExchangeAdapter, Subscription};
use crate::markets::{FastMap, MarketMap};

/// The default time an exchange has to acknowledge a subscription.
pub const DEFAULT_ACK_TIMEOUT_SECONDS: i64 = 10;

/// A feed's subscriptions over its markets, shared by its sessions.
pub struct FeedPlan {
    /// The exchange.
    pub adapter: Arc<dyn ExchangeAdapter>,
    /// Its name in events.
    pub exchange: Arc<str>,
    /// The markets frames may name.
    pub markets: MarketMap,
    /// Every subscription, ids from 1.
    pub subscriptions: Vec<Subscription>,
    /// REST base URL (book snapshots).
    pub rest_base: String,
    /// How long subscriptions may wait for an acknowledgement, in seconds.
    pub ack_timeout: Decimal,
    trades: FastMap<Symbol, usize>,
    books: FastMap<Symbol, usize>,
    /// Subscriptions of the other channels, by channel and symbol.
    others: FastMap<(Channel, Symbol), usize>,
    /// The channels subscribed, each once.
    channels: Vec<Channel>,
}

impl FeedPlan {
    /// The plan of these subscriptions.
    #[must_use]
    pub fn new(
        adapter: Arc<dyn ExchangeAdapter>,
        markets: MarketMap,
        subscriptions: Vec<Subscription>,
        rest_base: String,
    ) -> Self {
        let mut trades = FastMap::default();
        let mut books = FastMap::default();
        let mut others = FastMap::default();
        let mut channels = Vec::new();
        for (index, subscription) in subscriptions.iter().enumerate() {
            if !channels.contains(&subscription.channel) {
                channels.push(subscription.channel);
            }
            match subscription.channel {
                Channel::Trades => {
                    trades.insert(subscription.symbol.clone(), index);
                }
                Channel::L2Book => {
                    books.insert(subscription.symbol.clone(), index);
                }
                channel => {
                    others.insert((channel, subscription.symbol.clone()), index);
                }
            }
        }
        FeedPlan {
            exchange: adapter.name().into(),
            adapter,
            markets,
            subscriptions,
            rest_base,
            ack_timeout: Decimal::from(DEFAULT_ACK_TIMEOUT_SECONDS),
            trades,
            books,
            others,
            channels,
        }
    }

    /// The index of the subscription of `channel` for `symbol`.
    #[must_use]
    pub fn index_of(&self, channel: Channel, symbol: &Symbol) -> Option<usize> {
        match channel {
            Channel::Trades => self.trades.get(symbol).copied(),
            Channel::L2Book => self.books.get(symbol).copied(),
            _ => self.others.get(&(channel, symbol.clone())).copied(),
        }
    }

    /// True when some subscription is of `channel`.
    #[must_use]
    pub fn has_channel(&self, channel: Channel) -> bool {
        self.channels.contains(&channel)
    }
}
