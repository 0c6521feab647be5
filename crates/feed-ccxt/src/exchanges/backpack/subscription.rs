//! Backpack's subscribe message.

use crate::adapter::Subscription;

/// One `SUBSCRIBE` for all streams, as documented:
///
/// ```json
/// {"method":"SUBSCRIBE","params":["trade.SOL_USDC","trade.BTC_USDC"]}
/// ```
///
/// Stream names are `trade.` and the exchange symbol, case-sensitive. No `id` is documented
/// (and no acknowledgement); Backpack documents no limit on streams per connection or
/// message, so one message serves every symbol.
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<String> {
    let streams: Vec<String> = subscriptions
        .iter()
        .map(|subscription| format!("trade.{}", subscription.exchange_symbol))
        .collect();
    let message = serde_json::json!({"method": "SUBSCRIBE", "params": streams});
    vec![message.to_string()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::trade_subscriptions;

    #[test]
    fn one_subscribe_with_trade_streams_of_exchange_symbols() {
        let subscriptions: Vec<Subscription> =
            trade_subscriptions(&[("SOL-USDC", "SOL_USDC"), ("BTC-USDC", "BTC_USDC")]);
        assert_eq!(
            subscribe_messages(&subscriptions),
            vec![r#"{"method":"SUBSCRIBE","params":["trade.SOL_USDC","trade.BTC_USDC"]}"#]
        );
    }
}
