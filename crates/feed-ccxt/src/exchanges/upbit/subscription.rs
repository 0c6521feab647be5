//! Upbit's request message
//! <https://docs.upbit.com/kr/reference/websocket-request-format>: a ticket, one type
//! object per data type with its codes, and the format, in one message:
//!
//! ```json
//! [{"ticket":"feedhandler-1"},
//!  {"type":"trade","codes":["KRW-BTC","KRW-ETH"],"is_only_realtime":true},
//!  {"type":"orderbook","codes":["KRW-BTC.15","KRW-ETH.15"]},
//!  {"format":"DEFAULT"}]
//! ```
//!
//! Codes are upper case as listed; an order book code carries its unit count
//! (`{code}.{count}`, see [`super::book::units`]). No acknowledgement is documented.

use feed_core::Channel;

use super::book;
use crate::adapter::{AckBy, SubscribeRequest, Subscription};

/// The one request for every subscription (TRADES and L2_BOOK; others are not served).
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
    let served: Vec<&Subscription> = subscriptions
        .iter()
        .filter(|subscription| matches!(subscription.channel, Channel::Trades | Channel::L2Book))
        .collect();
    let Some(first) = served.first() else {
        return Vec::new();
    };
    let codes = |channel: Channel| -> Vec<String> {
        served
            .iter()
            .filter(|subscription| subscription.channel == channel)
            .map(|subscription| match channel {
                Channel::L2Book => format!(
                    "{}.{}",
                    subscription.exchange_symbol,
                    book::units(subscription)
                ),
                _ => subscription.exchange_symbol.clone(),
            })
            .collect()
    };
    let mut message = vec![serde_json::json!({"ticket": format!("feedhandler-{}", first.id)})];
    let trades = codes(Channel::Trades);
    if !trades.is_empty() {
        message
            .push(serde_json::json!({"type": "trade", "codes": trades, "is_only_realtime": true}));
    }
    let books = codes(Channel::L2Book);
    if !books.is_empty() {
        message.push(serde_json::json!({"type": "orderbook", "codes": books}));
    }
    message.push(serde_json::json!({"format": "DEFAULT"}));
    vec![SubscribeRequest::new(
        serde_json::Value::Array(message).to_string(),
        &served,
        AckBy::Nothing,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use feed_core::Symbol;

    fn subscription(channel: Channel, symbol: &str, code: &str, id: u64) -> Subscription {
        Subscription {
            id,
            ..Subscription::new(channel, Symbol::parse(symbol).unwrap(), code)
        }
    }

    #[test]
    fn one_request_carries_every_type_and_code() {
        let requests = subscribe_messages(&[
            subscription(Channel::Trades, "BTC-KRW", "KRW-BTC", 1),
            subscription(Channel::Trades, "ETH-KRW", "KRW-ETH", 2),
            subscription(Channel::L2Book, "BTC-KRW", "KRW-BTC", 3),
        ]);
        assert_eq!(requests.len(), 1);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&requests[0].message).unwrap(),
            serde_json::json!([
                {"ticket": "feedhandler-1"},
                {"type": "trade", "codes": ["KRW-BTC", "KRW-ETH"], "is_only_realtime": true},
                {"type": "orderbook", "codes": ["KRW-BTC.15"]},
                {"format": "DEFAULT"}
            ])
        );
        assert_eq!(requests[0].covers, vec![1, 2, 3]);
        assert_eq!(requests[0].ack, AckBy::Nothing);
        assert!(
            subscribe_messages(&[subscription(Channel::Ticker, "BTC-KRW", "KRW-BTC", 1)])
                .is_empty()
        );
    }
}
