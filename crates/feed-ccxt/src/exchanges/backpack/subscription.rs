//! Backpack's subscribe message.

use feed_core::Channel;

use crate::adapter::{AckBy, SubscribeRequest, Subscription};

/// The stream of a subscription: `trade.<symbol>` for trades, the real-time diff depth
/// `depth.<symbol>` for books (see [`super::book`] for why not an aggregated one); the
/// exchange symbol as listed, case-sensitive (`SOL_USDC`).
fn stream(subscription: &Subscription) -> Option<String> {
    let symbol = &subscription.exchange_symbol;
    match subscription.channel {
        Channel::Trades => Some(format!("trade.{symbol}")),
        Channel::L2Book => Some(format!("depth.{symbol}")),
        _ => None,
    }
}

/// One `SUBSCRIBE` for all streams, as documented:
///
/// ```json
/// {"method":"SUBSCRIBE","params":["trade.SOL_USDC","depth.SOL_USDC"]}
/// ```
///
/// No `id` is documented, and no acknowledgement ([`AckBy::Nothing`]: the subscriptions
/// count as active once sent, and depth diffs are buffered from then on); Backpack
/// documents no limit on streams per connection or message, so one message serves every
/// symbol.
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
    let carried: Vec<&Subscription> = subscriptions
        .iter()
        .filter(|s| stream(s).is_some())
        .collect();
    if carried.is_empty() {
        return Vec::new();
    }
    let streams: Vec<String> = carried.iter().filter_map(|s| stream(s)).collect();
    let message = serde_json::json!({"method": "SUBSCRIBE", "params": streams});
    vec![SubscribeRequest::new(
        message.to_string(),
        &carried,
        AckBy::Nothing,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::trade_subscriptions;
    use feed_core::Symbol;

    #[test]
    fn one_subscribe_with_trade_streams_of_exchange_symbols() {
        let subscriptions: Vec<Subscription> =
            trade_subscriptions(&[("SOL-USDC", "SOL_USDC"), ("BTC-USDC", "BTC_USDC")]);
        let messages: Vec<String> = subscribe_messages(&subscriptions)
            .into_iter()
            .map(|request| request.message)
            .collect();
        assert_eq!(
            messages,
            vec![r#"{"method":"SUBSCRIBE","params":["trade.SOL_USDC","trade.BTC_USDC"]}"#]
        );
    }

    #[test]
    fn streams_follow_the_channel_and_nothing_acknowledges_them() {
        let mut subscriptions: Vec<Subscription> = trade_subscriptions(&[("SOL-USDC", "SOL_USDC")]);
        subscriptions[0].id = 3;
        subscriptions.push(Subscription {
            id: 4,
            ..Subscription::new(
                Channel::L2Book,
                Symbol::parse("SOL-USDC").unwrap(),
                "SOL_USDC",
            )
        });
        subscriptions.push(Subscription {
            id: 5,
            ..Subscription::new(
                Channel::Ticker,
                Symbol::parse("SOL-USDC").unwrap(),
                "SOL_USDC",
            )
        });
        let requests = subscribe_messages(&subscriptions);
        assert_eq!(requests.len(), 1);
        assert_eq!(
            requests[0].message,
            r#"{"method":"SUBSCRIBE","params":["trade.SOL_USDC","depth.SOL_USDC"]}"#
        );
        assert_eq!(requests[0].ack, AckBy::Nothing);
        assert_eq!(requests[0].covers, vec![3, 4], "a channel not carried");
        assert!(subscribe_messages(&subscriptions[2..]).is_empty());
    }
}
