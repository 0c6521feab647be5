//! Bybit's subscribe messages.

use crate::adapter::Subscription;

use super::MAX_ARGS_PER_SUBSCRIBE;

/// The documented subscribe message, one per [`MAX_ARGS_PER_SUBSCRIBE`] topics:
///
/// ```json
/// {"op":"subscribe","args":["publicTrade.BTCUSDT","publicTrade.ETHUSDT"]}
/// ```
///
/// Topics use the upper-case exchange symbol. Spot rejects a message with more than 10
/// `args` (`"ret_msg":"args size >10"`), so longer lists are split into several messages;
/// each gets its own ack.
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<String> {
    let topics: Vec<String> = subscriptions
        .iter()
        .map(|subscription| format!("publicTrade.{}", subscription.exchange_symbol))
        .collect();
    topics
        .chunks(MAX_ARGS_PER_SUBSCRIBE)
        .map(|args| serde_json::json!({"op": "subscribe", "args": args}).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subscriptions(pairs: &[(&str, &str)]) -> Vec<Subscription> {
        crate::testing::trade_subscriptions(pairs)
    }

    fn json(text: &str) -> serde_json::Value {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn one_subscribe_with_public_trade_topics() {
        let messages = subscribe_messages(&subscriptions(&[
            ("BTC-USDT", "BTCUSDT"),
            ("ETH-USDC", "ETHUSDC"),
        ]));
        assert_eq!(messages.len(), 1);
        assert_eq!(
            json(&messages[0]),
            json(r#"{"op":"subscribe","args":["publicTrade.BTCUSDT","publicTrade.ETHUSDC"]}"#)
        );
    }

    #[test]
    fn twelve_symbols_are_split_into_ten_and_two() {
        let bases = [
            "BTC", "ETH", "SOL", "XRP", "DOGE", "ADA", "DOT", "LTC", "LINK", "AVAX", "TON", "SUI",
        ];
        let pairs: Vec<(String, String)> = bases
            .iter()
            .map(|base| (format!("{base}-USDT"), format!("{base}USDT")))
            .collect();
        let borrowed: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(symbol, exchange)| (symbol.as_str(), exchange.as_str()))
            .collect();
        let messages = subscribe_messages(&subscriptions(&borrowed));
        let topics = |range: &[&str]| -> Vec<String> {
            range
                .iter()
                .map(|base| format!("publicTrade.{base}USDT"))
                .collect()
        };
        assert_eq!(
            messages
                .iter()
                .map(|message| json(message))
                .collect::<Vec<_>>(),
            vec![
                serde_json::json!({"op": "subscribe", "args": topics(&bases[..10])}),
                serde_json::json!({"op": "subscribe", "args": topics(&bases[10..])}),
            ]
        );
    }

    #[test]
    fn exactly_ten_symbols_fit_one_message() {
        let pairs: Vec<(String, String)> = (0..10)
            .map(|index| (format!("A{index}-USDT"), format!("A{index}USDT")))
            .collect();
        let borrowed: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(symbol, exchange)| (symbol.as_str(), exchange.as_str()))
            .collect();
        assert_eq!(subscribe_messages(&subscriptions(&borrowed)).len(), 1);
    }
}
