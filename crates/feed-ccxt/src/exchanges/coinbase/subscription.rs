//! Coinbase's subscribe messages.

use crate::adapter::Subscription;

/// The channel of trades.
pub(super) const MARKET_TRADES: &str = "market_trades";
/// The channel that keeps quiet subscriptions open.
pub(super) const HEARTBEATS: &str = "heartbeats";

/// Two subscribes, as documented (one channel per message, many products per message):
///
/// ```json
/// {"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channel":"market_trades"}
/// {"type":"subscribe","channel":"heartbeats"}
/// ```
///
/// The docs warn that "most channels close within 60-90 seconds if no updates are sent.
/// Subscribe to heartbeats to keep all subscriptions open", so the `heartbeats` channel
/// (one message a second, no products) is subscribed too; a quiet market then stays
/// subscribed and the connection never looks idle. Both go out right after connecting: the
/// server drops connections that do not subscribe within 5 seconds. Unauthenticated
/// clients may send 8 messages a second, so two messages are well within the limit.
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<String> {
    let product_ids: Vec<&str> = subscriptions
        .iter()
        .map(|subscription| subscription.exchange_symbol.as_str())
        .collect();
    vec![
        serde_json::json!({
            "type": "subscribe",
            "product_ids": product_ids,
            "channel": MARKET_TRADES,
        })
        .to_string(),
        serde_json::json!({"type": "subscribe", "channel": HEARTBEATS}).to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::trade_subscriptions;

    #[test]
    fn market_trades_for_every_product_then_heartbeats() {
        let subscriptions: Vec<Subscription> =
            trade_subscriptions(&[("BTC-USD", "BTC-USD"), ("ETH-EUR", "ETH-EUR")]);
        let messages: Vec<serde_json::Value> = subscribe_messages(&subscriptions)
            .iter()
            .map(|message| serde_json::from_str(message).unwrap())
            .collect();
        assert_eq!(
            messages,
            vec![
                serde_json::json!({"type":"subscribe","product_ids":["BTC-USD","ETH-EUR"],"channel":"market_trades"}),
                serde_json::json!({"type":"subscribe","channel":"heartbeats"}),
            ]
        );
    }
}
