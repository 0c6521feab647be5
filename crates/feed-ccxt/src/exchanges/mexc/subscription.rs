//! MEXC's subscribe messages
//! <https://www.mexc.com/api-docs/spot-v3/websocket-market-streams>:
//!
//! ```json
//! {"method":"SUBSCRIPTION","params":["spot@public.aggre.deals.v3.api.pb@100ms@BTCUSDT"],"id":1}
//! ```
//!
//! One topic per message (the docs give no per-message limit; one each keeps every answer
//! naming one topic); a connection carries at most [`MAX_PER_CONNECTION`] (noted, not
//! sharded yet). The answer `{"id":0,"code":0,"msg":"<topics>"}` names the topics: an
//! acknowledgement per topic ([`AckBy::Topic`]).

use feed_core::Channel;

use crate::adapter::{AckBy, SubscribeRequest, Subscription};

/// The documented subscriptions per connection.
pub const MAX_PER_CONNECTION: usize = 30;

/// The channel part of each topic (between `spot@` and `@100ms@SYMBOL`).
pub(super) const DEALS: &str = "public.aggre.deals.v3.api.pb";
pub(super) const DEPTH: &str = "public.aggre.depth.v3.api.pb";
pub(super) const BOOK_TICKER: &str = "public.aggre.bookTicker.v3.api.pb";

/// The topic of a subscription (100 ms aggregation).
pub(super) fn topic(subscription: &Subscription) -> Option<String> {
    let channel = match subscription.channel {
        Channel::Trades => DEALS,
        Channel::L2Book => DEPTH,
        Channel::Ticker => BOOK_TICKER,
        _ => return None,
    };
    Some(format!(
        "spot@{channel}@100ms@{}",
        subscription.exchange_symbol
    ))
}

/// The channel and exchange symbol of a topic.
pub(super) fn parse_topic(topic: &str) -> Option<(Channel, &str)> {
    let rest = topic.trim().strip_prefix("spot@")?;
    let (channel, rest) = rest.split_once('@')?;
    let symbol = rest.rsplit('@').next()?;
    let channel = match channel {
        DEALS => Channel::Trades,
        DEPTH => Channel::L2Book,
        BOOK_TICKER => Channel::Ticker,
        _ => return None,
    };
    Some((channel, symbol))
}

pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
    subscriptions
        .iter()
        .filter_map(|subscription| {
            let topic = topic(subscription)?;
            let message = serde_json::json!({"method": "SUBSCRIPTION", "params": [topic], "id": subscription.id});
            Some(SubscribeRequest::new(
                message.to_string(),
                &[subscription],
                AckBy::Topic,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use feed_core::Symbol;

    #[test]
    fn one_topic_per_message_and_topics_read_back() {
        let subscriptions: Vec<Subscription> = [Channel::Trades, Channel::L2Book, Channel::Ticker]
            .into_iter()
            .enumerate()
            .map(|(index, channel)| Subscription {
                id: index as u64 + 1,
                ..Subscription::new(channel, Symbol::parse("BTC-USDT").unwrap(), "BTCUSDT")
            })
            .collect();
        let requests = subscribe_messages(&subscriptions);
        let messages: Vec<serde_json::Value> = requests
            .iter()
            .map(|r| serde_json::from_str(&r.message).unwrap())
            .collect();
        assert_eq!(
            messages,
            vec![
                serde_json::json!({"method":"SUBSCRIPTION","params":["spot@public.aggre.deals.v3.api.pb@100ms@BTCUSDT"],"id":1}),
                serde_json::json!({"method":"SUBSCRIPTION","params":["spot@public.aggre.depth.v3.api.pb@100ms@BTCUSDT"],"id":2}),
                serde_json::json!({"method":"SUBSCRIPTION","params":["spot@public.aggre.bookTicker.v3.api.pb@100ms@BTCUSDT"],"id":3}),
            ]
        );
        assert_eq!(requests[0].ack, AckBy::Topic);
        assert_eq!(
            parse_topic("spot@public.aggre.depth.v3.api.pb@100ms@ETHUSDT"),
            Some((Channel::L2Book, "ETHUSDT"))
        );
        assert_eq!(
            parse_topic("spot@public.kline.v3.api.pb@BTCUSDT@Min15"),
            None
        );
    }
}
