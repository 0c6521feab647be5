//! Gemini's subscribe and unsubscribe messages
//! <https://docs.gemini.com/websocket/market-data/v2/about>.
//!
//! TRADES and L2_BOOK of a symbol are the same `l2` subscription: each symbol is named
//! once, in one message for the whole feed:
//!
//! ```json
//! {"type":"subscribe","subscriptions":[{"name":"l2","symbols":["BTCUSD","ETHUSD"]}]}
//! ```
//!
//! No acknowledgement is documented ([`AckBy::Nothing`]).

use feed_core::Channel;

use crate::adapter::{AckBy, SubscribeRequest, Subscription};

/// The symbols of the subscriptions this adapter serves, each once, in order.
fn symbols<'a>(subscriptions: &[&'a Subscription]) -> Vec<&'a str> {
    let mut symbols: Vec<&str> = Vec::new();
    for subscription in subscriptions {
        let name = subscription.exchange_symbol.as_str();
        if !symbols.contains(&name) {
            symbols.push(name);
        }
    }
    symbols
}

fn served(subscriptions: &[Subscription]) -> Vec<&Subscription> {
    subscriptions
        .iter()
        .filter(|subscription| matches!(subscription.channel, Channel::Trades | Channel::L2Book))
        .collect()
}

fn message(kind: &str, symbols: &[&str]) -> String {
    serde_json::json!({"type": kind, "subscriptions": [{"name": "l2", "symbols": symbols}]})
        .to_string()
}

/// One `subscribe` of `l2` for every symbol, covering every subscription.
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
    let served = served(subscriptions);
    if served.is_empty() {
        return Vec::new();
    }
    vec![SubscribeRequest::new(
        message("subscribe", &symbols(&served)),
        &served,
        AckBy::Nothing,
    )]
}

/// One `unsubscribe` of `l2` for these symbols (a book resync).
pub(super) fn unsubscribe_messages(subscriptions: &[Subscription]) -> Vec<String> {
    let served = served(subscriptions);
    if served.is_empty() {
        return Vec::new();
    }
    vec![message("unsubscribe", &symbols(&served))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use feed_core::Symbol;

    fn subscription(channel: Channel, symbol: &str, name: &str, id: u64) -> Subscription {
        Subscription {
            id,
            ..Subscription::new(channel, Symbol::parse(symbol).unwrap(), name)
        }
    }

    #[test]
    fn one_l2_subscription_names_each_symbol_once() {
        let requests = subscribe_messages(&[
            subscription(Channel::Trades, "BTC-USD", "BTCUSD", 1),
            subscription(Channel::L2Book, "BTC-USD", "BTCUSD", 2),
            subscription(Channel::Trades, "ETH-USD", "ETHUSD", 3),
        ]);
        assert_eq!(requests.len(), 1);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&requests[0].message).unwrap(),
            serde_json::json!({"type":"subscribe","subscriptions":[{"name":"l2","symbols":["BTCUSD","ETHUSD"]}]})
        );
        assert_eq!(requests[0].covers, vec![1, 2, 3]);
        assert_eq!(requests[0].ack, AckBy::Nothing);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(
                &unsubscribe_messages(&[subscription(Channel::L2Book, "BTC-USD", "BTCUSD", 2)])[0]
            )
            .unwrap(),
            serde_json::json!({"type":"unsubscribe","subscriptions":[{"name":"l2","symbols":["BTCUSD"]}]})
        );
        assert!(
            subscribe_messages(&[subscription(Channel::Ticker, "BTC-USD", "BTCUSD", 1)]).is_empty()
        );
    }
}
