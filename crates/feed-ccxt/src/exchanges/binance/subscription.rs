//! Binance's subscribe message.

use feed_core::Channel;

use crate::adapter::{AckBy, SubscribeRequest, Subscription};

/// The stream of a subscription: `<symbol>@aggTrade` for trades (as cryptofeed), the 100 ms
/// diff depth `<symbol>@depth@100ms` for books; symbols in lower case.
fn stream(subscription: &Subscription) -> Option<String> {
    let symbol = subscription.exchange_symbol.to_ascii_lowercase();
    match subscription.channel {
        Channel::Trades => Some(format!("{symbol}@aggTrade")),
        Channel::L2Book => Some(format!("{symbol}@depth@100ms")),
        _ => None,
    }
}

/// One `SUBSCRIBE` for every stream, as documented:
///
/// ```json
/// {"method":"SUBSCRIBE","params":["btcusdt@aggTrade","btcusdt@depth@100ms"],"id":1}
/// ```
///
/// answered by `{"result":null,"id":1}`. Binance documents no per-message limit and allows
/// 1024 streams per connection ([`super::LIMITS`]; the runtime splits a feed over
/// connections by it), so one message serves a connection. Its id is the first
/// subscription's id.
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
    subscribe_messages_with(subscriptions, stream)
}

/// The `SUBSCRIBE` of the subscriptions that `stream` names a stream for (in their order),
/// with the id of the first; none when no subscription has a stream. The futures products
/// (`super::super::binance_futures`: USD-M and COIN-M) document the same message and answer
/// and 10 incoming messages per second.
pub(crate) fn subscribe_messages_with(
    subscriptions: &[Subscription],
    stream: fn(&Subscription) -> Option<String>,
) -> Vec<SubscribeRequest> {
    let carried: Vec<&Subscription> = subscriptions
        .iter()
        .filter(|s| stream(s).is_some())
        .collect();
    let Some(first) = carried.first() else {
        return Vec::new();
    };
    let streams: Vec<String> = carried.iter().filter_map(|s| stream(s)).collect();
    let id = first.id;
    let message = serde_json::json!({"method": "SUBSCRIBE", "params": streams, "id": id});
    vec![SubscribeRequest::new(
        message.to_string(),
        &carried,
        AckBy::RequestId(id),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::trade_subscriptions;
    use feed_core::Symbol;

    #[test]
    fn one_subscribe_with_lower_case_streams_per_channel() {
        let mut subscriptions: Vec<Subscription> =
            trade_subscriptions(&[("BTC-USDT", "BTCUSDT"), ("ETH-USDT", "ETHUSDT")]);
        subscriptions[0].id = 5;
        subscriptions.push(Subscription {
            id: 7,
            ..Subscription::new(
                Channel::L2Book,
                Symbol::parse("BTC-USDT").unwrap(),
                "BTCUSDT",
            )
        });
        let requests = subscribe_messages(&subscriptions);
        assert_eq!(requests.len(), 1);
        assert_eq!(
            requests[0].message,
            r#"{"id":5,"method":"SUBSCRIBE","params":["btcusdt@aggTrade","ethusdt@aggTrade","btcusdt@depth@100ms"]}"#
        );
        assert_eq!(requests[0].ack, AckBy::RequestId(5));
        assert_eq!(requests[0].covers, vec![5, 1, 7]);
    }
}
