//! Gate's subscribe requests.

use std::time::{SystemTime, UNIX_EPOCH};

use feed_core::Channel;

use crate::adapter::{AckBy, SubscribeRequest, Subscription};

/// The trades channel.
pub(super) const TRADES: &str = "spot.trades";
/// The book diff channel.
pub(super) const BOOK: &str = "spot.order_book_update";
/// The best bid and ask channel (TICKER).
pub(super) const BOOK_TICKER: &str = "spot.book_ticker";
/// The book channel's update interval: `100ms` notifies the best 100 levels.
pub(super) const BOOK_INTERVAL: &str = "100ms";

/// The current time in seconds, for the documented `time` of a request.
pub(super) fn now_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

fn request(time: u64, id: u64, channel: &str, payload: &[&str]) -> String {
    serde_json::json!({
        "time": time,
        "id": id,
        "channel": channel,
        "event": "subscribe",
        "payload": payload,
    })
    .to_string()
}

/// The documented requests, each answered by `{"id":<id>,"event":"subscribe",
/// "result":{"status":"success"}}` (its id the first subscription's):
///
/// ```json
/// {"time":1606292218,"id":1,"channel":"spot.trades","event":"subscribe","payload":["BTC_USDT","ETH_USDT"]}
/// {"time":1606292218,"id":3,"channel":"spot.order_book_update","event":"subscribe","payload":["BTC_USDT","100ms"]}
/// {"time":1606292218,"id":5,"channel":"spot.book_ticker","event":"subscribe","payload":["BTC_USDT","ETH_USDT"]}
/// ```
///
/// Trades and tickers: one request for every pair; books: one request per pair (its
/// payload is one pair and the interval).
pub(super) fn subscribe_messages(
    subscriptions: &[Subscription],
    time: u64,
) -> Vec<SubscribeRequest> {
    let mut requests = Vec::new();
    for (channel, name) in [(Channel::Trades, TRADES), (Channel::Ticker, BOOK_TICKER)] {
        let carried: Vec<&Subscription> = subscriptions
            .iter()
            .filter(|subscription| subscription.channel == channel)
            .collect();
        let Some(first) = carried.first() else {
            continue;
        };
        let pairs: Vec<&str> = carried
            .iter()
            .map(|subscription| subscription.exchange_symbol.as_str())
            .collect();
        requests.push(SubscribeRequest::new(
            request(time, first.id, name, &pairs),
            &carried,
            AckBy::RequestId(first.id),
        ));
    }
    for subscription in subscriptions
        .iter()
        .filter(|subscription| subscription.channel == Channel::L2Book)
    {
        requests.push(SubscribeRequest::new(
            request(
                time,
                subscription.id,
                BOOK,
                &[subscription.exchange_symbol.as_str(), BOOK_INTERVAL],
            ),
            &[subscription],
            AckBy::RequestId(subscription.id),
        ));
    }
    requests
}

#[cfg(test)]
mod tests {
    use super::*;
    use feed_core::Symbol;

    fn subscription(channel: Channel, symbol: &str, pair: &str, id: u64) -> Subscription {
        Subscription {
            id,
            ..Subscription::new(channel, Symbol::parse(symbol).unwrap(), pair)
        }
    }

    #[test]
    fn one_request_per_channel_and_one_per_book() {
        let subscriptions = vec![
            subscription(Channel::Trades, "BTC-USDT", "BTC_USDT", 1),
            subscription(Channel::Trades, "ETH-USDT", "ETH_USDT", 2),
            subscription(Channel::L2Book, "BTC-USDT", "BTC_USDT", 3),
            subscription(Channel::L2Book, "ETH-USDT", "ETH_USDT", 4),
            subscription(Channel::Ticker, "BTC-USDT", "BTC_USDT", 5),
            subscription(Channel::Funding, "BTC-USDT", "BTC_USDT", 6),
        ];
        let requests = subscribe_messages(&subscriptions, 1_606_292_218);
        let messages: Vec<serde_json::Value> = requests
            .iter()
            .map(|request| serde_json::from_str(&request.message).unwrap())
            .collect();
        assert_eq!(
            messages,
            vec![
                serde_json::json!({"time":1_606_292_218,"id":1,"channel":"spot.trades","event":"subscribe","payload":["BTC_USDT","ETH_USDT"]}),
                serde_json::json!({"time":1_606_292_218,"id":5,"channel":"spot.book_ticker","event":"subscribe","payload":["BTC_USDT"]}),
                serde_json::json!({"time":1_606_292_218,"id":3,"channel":"spot.order_book_update","event":"subscribe","payload":["BTC_USDT","100ms"]}),
                serde_json::json!({"time":1_606_292_218,"id":4,"channel":"spot.order_book_update","event":"subscribe","payload":["ETH_USDT","100ms"]}),
            ]
        );
        assert_eq!(requests[0].covers, vec![1, 2]);
        assert_eq!(requests[0].ack, AckBy::RequestId(1));
        assert_eq!(requests[2].covers, vec![3]);
        assert_eq!(requests[3].ack, AckBy::RequestId(4));
        assert!(subscribe_messages(&[], 1).is_empty());
        assert!(now_seconds() > 1_700_000_000);
    }
}
