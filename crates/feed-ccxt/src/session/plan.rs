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

/// `plan` over connections: first by the adapter's connection group
/// ([`ExchangeAdapter::connection_group`]: subscriptions of different groups never share
/// one), then into connections of at most `per_connection` subscriptions each (no limit
/// when `None`). Whole symbols stay together (every channel of a symbol of a group on one
/// connection) unless one symbol alone exceeds the limit, and each connection's plan knows
/// only its own markets. Subscription ids stay those of the whole feed.
#[must_use]
pub fn split_plan(plan: &Arc<FeedPlan>, per_connection: Option<usize>) -> Vec<Arc<FeedPlan>> {
    let limit = per_connection
        .filter(|limit| *limit > 0)
        .unwrap_or(usize::MAX);
    let mut by_group: Vec<(u8, Vec<Subscription>)> = Vec::new();
    for subscription in &plan.subscriptions {
        let group = plan.adapter.connection_group(subscription);
        match by_group.iter_mut().find(|(known, _)| *known == group) {
            Some((_, members)) => members.push(subscription.clone()),
            None => by_group.push((group, vec![subscription.clone()])),
        }
    }
    if by_group.len() == 1 && plan.subscriptions.len() <= limit {
        return vec![Arc::clone(plan)];
    }
    by_group
        .into_iter()
        .flat_map(|(_, members)| chunk_by_symbol(&members, limit))
        .map(|group| {
            let mut symbols: Vec<Symbol> = group.iter().map(|s| s.symbol.clone()).collect();
            symbols.dedup();
            let mut part = FeedPlan::new(
                Arc::clone(&plan.adapter),
                plan.markets.restricted_to(&symbols),
                group,
                plan.rest_base.clone(),
            );
            part.ack_timeout = plan.ack_timeout;
            Arc::new(part)
        })
        .collect()
}

/// `subscriptions` in chunks of at most `limit`, a symbol's run kept whole where it fits.
fn chunk_by_symbol(subscriptions: &[Subscription], limit: usize) -> Vec<Vec<Subscription>> {
    let mut groups: Vec<Vec<Subscription>> = vec![Vec::new()];
    let mut rest = subscriptions;
    while let Some(first) = rest.first() {
        let same_symbol = rest
            .iter()
            .take_while(|subscription| subscription.symbol == first.symbol)
            .count();
        let (symbol, after) = rest.split_at(same_symbol);
        rest = after;
        let current = groups.last().map_or(0, Vec::len);
        if current > 0 && current + symbol.len() > limit && symbol.len() <= limit {
            groups.push(Vec::new());
        }
        for subscription in symbol {
            if groups.last().is_some_and(|group| group.len() >= limit) {
                groups.push(Vec::new());
            }
            if let Some(group) = groups.last_mut() {
                group.push(subscription.clone());
            }
        }
    }
    groups.retain(|group| !group.is_empty());
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markets::Market;

    fn plan(symbols: usize, channels: &[Channel]) -> Arc<FeedPlan> {
        let adapter = crate::registry::adapter("binance").unwrap();
        let mut markets = Vec::new();
        let mut subscriptions = Vec::new();
        for n in 0..symbols {
            let symbol = Symbol::parse(&format!("C{n}-USDT")).unwrap();
            markets.push(Market::for_symbol(symbol.clone(), format!("C{n}USDT")));
            for channel in channels {
                subscriptions.push(Subscription {
                    id: subscriptions.len() as u64 + 1,
                    ..Subscription::new(*channel, symbol.clone(), format!("C{n}USDT"))
                });
            }
        }
        Arc::new(FeedPlan::new(
            adapter,
            MarketMap::new(markets),
            subscriptions,
            "http://127.0.0.1:1".into(),
        ))
    }

    #[test]
    fn a_plan_within_the_limit_is_one_connection() {
        let whole = plan(10, &[Channel::Trades]);
        assert_eq!(split_plan(&whole, Some(1024)).len(), 1);
        assert_eq!(split_plan(&whole, None).len(), 1);
    }

    #[test]
    fn every_subscription_lands_on_exactly_one_connection_within_the_limit() {
        let whole = plan(1_500, &[Channel::Trades, Channel::L2Book]);
        let parts = split_plan(&whole, Some(1024));
        assert_eq!(parts.len(), 3);
        let mut ids: Vec<u64> = parts
            .iter()
            .flat_map(|part| part.subscriptions.iter().map(|s| s.id))
            .collect();
        ids.sort_unstable();
        assert_eq!(ids, (1..=3_000).collect::<Vec<u64>>());
        for part in &parts {
            assert!(part.subscriptions.len() <= 1024);
            // A symbol's trades and book share a connection, and its markets are its own.
            for subscription in &part.subscriptions {
                assert!(part
                    .index_of(Channel::Trades, &subscription.symbol)
                    .is_some());
                assert!(part
                    .index_of(Channel::L2Book, &subscription.symbol)
                    .is_some());
                assert!(part.markets.market(&subscription.symbol).is_some());
            }
            assert_eq!(part.markets.len() * 2, part.subscriptions.len());
        }
    }

    #[test]
    fn connection_groups_never_share_a_connection() {
        let adapter = crate::registry::adapter("binance_futures").unwrap();
        let symbol = Symbol::perpetual("BTC", "USDT");
        let subscriptions: Vec<Subscription> = [
            Channel::Trades,
            Channel::L2Book,
            Channel::Ticker,
            Channel::Funding,
        ]
        .iter()
        .enumerate()
        .map(|(n, channel)| Subscription {
            id: n as u64 + 1,
            ..Subscription::new(*channel, symbol.clone(), "BTCUSDT")
        })
        .collect();
        let whole = Arc::new(FeedPlan::new(
            Arc::clone(&adapter),
            MarketMap::new([Market::for_symbol(symbol.clone(), "BTCUSDT")]),
            subscriptions,
            String::new(),
        ));
        let parts = split_plan(&whole, None);
        let channels: Vec<Vec<Channel>> = parts
            .iter()
            .map(|part| part.subscriptions.iter().map(|s| s.channel).collect())
            .collect();
        assert_eq!(
            channels,
            [
                vec![Channel::Trades, Channel::Funding],
                vec![Channel::L2Book, Channel::Ticker]
            ]
        );
        let urls: Vec<String> = parts
            .iter()
            .map(|part| adapter.websocket_url("wss://fstream.binance.com", &part.subscriptions))
            .collect();
        assert_eq!(
            urls,
            [
                "wss://fstream.binance.com/market/ws",
                "wss://fstream.binance.com/public/ws"
            ]
        );
    }

    #[test]
    fn a_symbol_larger_than_the_limit_is_split() {
        let whole = plan(2, &[Channel::Trades, Channel::L2Book, Channel::Ticker]);
        let parts = split_plan(&whole, Some(2));
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|part| part.subscriptions.len() <= 2));
    }
}
