//! KuCoin's subscribe messages
//! <https://www.kucoin.com/docs-new/websocket-api/base-info/introduction>.

use feed_core::Channel;

use crate::adapter::{AckBy, SubscribeRequest, Subscription};

/// Topics per subscribe message: the documented maximum, declared once in
/// [`super::LIMITS`] (`subscriptions_per_message`).
pub(super) fn topics_per_message() -> usize {
    super::LIMITS
        .subscriptions_per_message
        .unwrap_or(usize::MAX)
}

/// The topic prefix of a channel: `/market/match` (trades), `/market/level2` (incremental
/// book), `/market/ticker` (best bid and ask).
pub(super) fn topic_prefix(channel: Channel) -> Option<&'static str> {
    match channel {
        Channel::Trades => Some("/market/match"),
        Channel::L2Book => Some("/market/level2"),
        Channel::Ticker => Some("/market/ticker"),
        _ => None,
    }
}

/// One message per channel and at most [`topics_per_message`] symbols, as documented:
///
/// ```json
/// {"id":1545910660739,"type":"subscribe","topic":"/market/ticker:BTC-USDT,ETH-USDT",
///  "privateChannel":false,"response":true}
/// ```
///
/// `response: true` asks for the `ack` that echoes `id` ([`AckBy::RequestId`]); the id is
/// the first carried subscription's (unique: each subscription is in one message).
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
    let mut requests = Vec::new();
    for channel in [Channel::Trades, Channel::L2Book, Channel::Ticker] {
        let Some(prefix) = topic_prefix(channel) else {
            continue;
        };
        let of_channel: Vec<&Subscription> = subscriptions
            .iter()
            .filter(|s| s.channel == channel)
            .collect();
        for chunk in of_channel.chunks(topics_per_message()) {
            let id = chunk[0].id;
            let symbols: Vec<&str> = chunk.iter().map(|s| s.exchange_symbol.as_str()).collect();
            let message = serde_json::json!({
                "id": id,
                "type": "subscribe",
                "topic": format!("{prefix}:{}", symbols.join(",")),
                "privateChannel": false,
                "response": true,
            });
            requests.push(SubscribeRequest::new(
                message.to_string(),
                chunk,
                AckBy::RequestId(id),
            ));
        }
    }
    requests
}

#[cfg(test)]
mod tests {
    use super::*;
    use feed_core::Symbol;

    fn subscription(channel: Channel, symbol: &str, id: u64) -> Subscription {
        Subscription {
            id,
            ..Subscription::new(channel, Symbol::parse(symbol).unwrap(), symbol)
        }
    }

    #[test]
    fn one_message_per_channel_and_hundred_topics() {
        let mut subscriptions = vec![
            subscription(Channel::Trades, "BTC-USDT", 1),
            subscription(Channel::Ticker, "BTC-USDT", 2),
            subscription(Channel::Trades, "ETH-USDT", 3),
        ];
        for n in 0..150 {
            subscriptions.push(subscription(Channel::L2Book, &format!("A{n}-USDT"), 10 + n));
        }
        let requests = subscribe_messages(&subscriptions);
        assert_eq!(requests.len(), 4);
        let first: serde_json::Value = serde_json::from_str(&requests[0].message).unwrap();
        assert_eq!(
            first,
            serde_json::json!({"id":1,"type":"subscribe","topic":"/market/match:BTC-USDT,ETH-USDT","privateChannel":false,"response":true})
        );
        assert_eq!(requests[0].covers, vec![1, 3]);
        assert_eq!(requests[0].ack, AckBy::RequestId(1));
        assert_eq!(requests[1].covers.len(), 100);
        assert_eq!(requests[2].covers.len(), 50);
        assert_eq!(requests[2].ack, AckBy::RequestId(110));
        let ticker: serde_json::Value = serde_json::from_str(&requests[3].message).unwrap();
        assert_eq!(ticker["topic"], "/market/ticker:BTC-USDT");
    }
}
