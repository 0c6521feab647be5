//! Kraken's subscribe and unsubscribe messages (WebSocket v2).

use feed_core::Channel;

use super::book::stream_depth;
use crate::adapter::{AckBy, SubscribeRequest, Subscription};

/// The subscribe messages, as documented:
///
/// ```json
/// {"method":"subscribe","params":{"channel":"trade","symbol":["BTC/USD","ETH/USD"],"snapshot":false},"req_id":1}
/// {"method":"subscribe","params":{"channel":"book","symbol":["BTC/USD"],"depth":10,"snapshot":true},"req_id":3}
/// ```
///
/// - Trades: one message for every symbol. Symbols are v2 names (`BTC/USD`, not
///   `XBT/USD`). `snapshot` is always sent: the docs disagree on its default, and the
///   snapshot (the last 50 trades) would replay history after every reconnection. No
///   per-message symbol limit is documented; the server answers with one ack per symbol.
///   Its `req_id` is the first trade subscription's id.
/// - Books: one message per symbol, its `req_id` the subscription's id (unique in the
///   feed), so that a refusal that names no symbol still names its subscription (the
///   research notes' recommendation: Kraken's error acks are not documented to carry the
///   symbol). `depth` is [`stream_depth`] of `book_depth`; `snapshot: true` (the default,
///   sent anyway) because the book starts from the stream's snapshot.
///
/// Each message is acknowledged by its request id or, per symbol, by the ack's
/// `result.channel` and `result.symbol` ([`crate::Ack::Topic`]).
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
    let trades: Vec<&Subscription> = subscriptions
        .iter()
        .filter(|subscription| subscription.channel == Channel::Trades)
        .collect();
    let mut requests = Vec::new();
    if let Some(first) = trades.first() {
        let symbols: Vec<&str> = trades
            .iter()
            .map(|subscription| subscription.exchange_symbol.as_str())
            .collect();
        let message = serde_json::json!({
            "method": "subscribe",
            "params": {"channel": "trade", "symbol": symbols, "snapshot": false},
            "req_id": first.id,
        });
        requests.push(SubscribeRequest::new(
            message.to_string(),
            &trades,
            AckBy::RequestId(first.id),
        ));
    }
    for book in subscriptions
        .iter()
        .filter(|subscription| subscription.channel == Channel::L2Book)
    {
        let message = serde_json::json!({
            "method": "subscribe",
            "params": {
                "channel": "book",
                "symbol": [book.exchange_symbol],
                "depth": book.chosen_stream_depth(stream_depth),
                "snapshot": true,
            },
            "req_id": book.id,
        });
        requests.push(SubscribeRequest::new(
            message.to_string(),
            &[book],
            AckBy::RequestId(book.id),
        ));
    }
    requests
}

/// The unsubscribe messages, as documented (the same `params` without `snapshot`; `depth`
/// names the book subscription):
///
/// ```json
/// {"method":"unsubscribe","params":{"channel":"book","symbol":["BTC/USD"],"depth":10},"req_id":3}
/// ```
///
/// The session sends them before subscribing again to resync a book (a checksum mismatch):
/// the new subscription starts with a fresh snapshot.
pub(super) fn unsubscribe_messages(subscriptions: &[Subscription]) -> Vec<String> {
    subscriptions
        .iter()
        .filter_map(|subscription| {
            let params = match subscription.channel {
                Channel::Trades => serde_json::json!({
                    "channel": "trade",
                    "symbol": [subscription.exchange_symbol],
                }),
                Channel::L2Book => serde_json::json!({
                    "channel": "book",
                    "symbol": [subscription.exchange_symbol],
                    "depth": subscription.chosen_stream_depth(stream_depth),
                }),
                _ => return None,
            };
            let message = serde_json::json!({
                "method": "unsubscribe",
                "params": params,
                "req_id": subscription.id,
            });
            Some(message.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::trade_subscriptions;
    use feed_core::Symbol;

    fn json(text: &str) -> serde_json::Value {
        serde_json::from_str(text).unwrap()
    }

    fn book(id: u64, symbol: &str, exchange_symbol: &str, depth: usize) -> Subscription {
        Subscription {
            id,
            book_depth: depth,
            ..Subscription::new(
                Channel::L2Book,
                Symbol::parse(symbol).unwrap(),
                exchange_symbol,
            )
        }
    }

    #[test]
    fn one_subscribe_with_v2_symbols_and_no_snapshot() {
        let subscriptions: Vec<Subscription> =
            trade_subscriptions(&[("BTC-USD", "BTC/USD"), ("DOGE-USD", "DOGE/USD")]);
        let messages = subscribe_messages(&subscriptions);
        assert_eq!(messages.len(), 1);
        assert_eq!(
            json(&messages[0].message),
            serde_json::json!({"method":"subscribe","params":{"channel":"trade","symbol":["BTC/USD","DOGE/USD"],"snapshot":false},"req_id":1})
        );
    }

    #[test]
    fn one_book_subscribe_per_symbol_with_its_id_and_depth() {
        let mut subscriptions = trade_subscriptions(&[("BTC-USD", "BTC/USD")]);
        subscriptions.push(book(2, "BTC-USD", "BTC/USD", 5));
        subscriptions.push(book(3, "ETH-USD", "ETH/USD", 50));
        let requests = subscribe_messages(&subscriptions);
        assert_eq!(requests.len(), 3);
        assert_eq!(requests[0].ack, AckBy::RequestId(1));
        assert_eq!(
            json(&requests[1].message),
            serde_json::json!({"method":"subscribe","params":{"channel":"book","symbol":["BTC/USD"],"depth":10,"snapshot":true},"req_id":2})
        );
        assert_eq!(
            (requests[1].ack, &requests[1].covers),
            (AckBy::RequestId(2), &vec![2])
        );
        assert_eq!(
            json(&requests[2].message),
            serde_json::json!({"method":"subscribe","params":{"channel":"book","symbol":["ETH/USD"],"depth":100,"snapshot":true},"req_id":3})
        );
        assert!(subscribe_messages(&[]).is_empty());
    }

    #[test]
    fn unsubscribe_names_the_channel_symbol_and_depth() {
        let messages = unsubscribe_messages(&[book(4, "ETH-USD", "ETH/USD", 25)]);
        assert_eq!(messages.len(), 1);
        assert_eq!(
            json(&messages[0]),
            serde_json::json!({"method":"unsubscribe","params":{"channel":"book","symbol":["ETH/USD"],"depth":25},"req_id":4})
        );
        let trades = unsubscribe_messages(&trade_subscriptions(&[("BTC-USD", "BTC/USD")]));
        assert_eq!(
            json(&trades[0]),
            serde_json::json!({"method":"unsubscribe","params":{"channel":"trade","symbol":["BTC/USD"]},"req_id":1})
        );
    }
}
