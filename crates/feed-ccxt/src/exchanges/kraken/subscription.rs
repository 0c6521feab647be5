//! Kraken's subscribe message (WebSocket v2).

use crate::adapter::Subscription;

/// One `subscribe` to the `trade` channel for every symbol, as documented:
///
/// ```json
/// {"method":"subscribe","params":{"channel":"trade","symbol":["BTC/USD","ETH/USD"],"snapshot":false},"req_id":1}
/// ```
///
/// Symbols are v2 names (`BTC/USD`, not `XBT/USD`). `snapshot` is always sent: the docs
/// disagree on its default, and the snapshot (the last 50 trades) would replay history
/// after every reconnection. No per-message symbol limit is documented; the server answers
/// with one ack per symbol.
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<String> {
    let symbols: Vec<&str> = subscriptions
        .iter()
        .map(|subscription| subscription.exchange_symbol.as_str())
        .collect();
    let message = serde_json::json!({
        "method": "subscribe",
        "params": {"channel": "trade", "symbol": symbols, "snapshot": false},
        "req_id": 1,
    });
    vec![message.to_string()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::trade_subscriptions;

    #[test]
    fn one_subscribe_with_v2_symbols_and_no_snapshot() {
        let subscriptions: Vec<Subscription> =
            trade_subscriptions(&[("BTC-USD", "BTC/USD"), ("DOGE-USD", "DOGE/USD")]);
        let messages = subscribe_messages(&subscriptions);
        assert_eq!(messages.len(), 1);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&messages[0]).unwrap(),
            serde_json::json!({"method":"subscribe","params":{"channel":"trade","symbol":["BTC/USD","DOGE/USD"],"snapshot":false},"req_id":1})
        );
    }
}
