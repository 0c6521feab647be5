//! Binance's subscribe message.

use crate::adapter::Subscription;

/// One `SUBSCRIBE` for all streams, as documented:
///
/// ```json
/// {"method":"SUBSCRIBE","params":["btcusdt@aggTrade","ethusdt@aggTrade"],"id":1}
/// ```
///
/// Stream names use the lower-case symbol. Binance allows 1024 streams per connection and
/// 5 messages per second, so one message serves every symbol.
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<String> {
    let streams: Vec<String> = subscriptions
        .iter()
        .map(|subscription| {
            format!(
                "{}@aggTrade",
                subscription.exchange_symbol.to_ascii_lowercase()
            )
        })
        .collect();
    let message = serde_json::json!({"method": "SUBSCRIBE", "params": streams, "id": 1});
    vec![message.to_string()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::trade_subscriptions;

    #[test]
    fn one_subscribe_with_lower_case_agg_trade_streams() {
        let subscriptions: Vec<Subscription> =
            trade_subscriptions(&[("BTC-USDT", "BTCUSDT"), ("ETH-USDT", "ETHUSDT")]);
        assert_eq!(
            subscribe_messages(&subscriptions),
            vec![
                r#"{"id":1,"method":"SUBSCRIBE","params":["btcusdt@aggTrade","ethusdt@aggTrade"]}"#
            ]
        );
    }
}
