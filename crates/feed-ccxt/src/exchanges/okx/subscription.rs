//! OKX's subscribe messages.

use serde_json::{json, Value};

use crate::adapter::Subscription;

/// The largest subscribe message sent. OKX documents that "the total length of multiple
/// channels cannot exceed 64 KB" (earlier versions of the docs said 4096 bytes); messages
/// are kept within the older, smaller limit, which costs a few more of the 480
/// subscribe requests a connection may make per hour.
const MAX_MESSAGE_BYTES: usize = 4096;

/// `subscribe` messages as documented, as few as [`MAX_MESSAGE_BYTES`] allows:
///
/// ```json
/// {"op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"},{"channel":"trades","instId":"ETH-USDT"}]}
/// ```
///
/// The optional `id` is not sent (acks and errors are told apart without it).
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<String> {
    let empty_length = message(Vec::new()).len();
    let mut messages = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    let mut length = empty_length;
    for subscription in subscriptions {
        let arg = json!({"channel": "trades", "instId": subscription.exchange_symbol});
        let arg_length = arg.to_string().len() + 1; // and a comma
        if !args.is_empty() && length + arg_length > MAX_MESSAGE_BYTES {
            messages.push(message(std::mem::take(&mut args)));
            length = empty_length;
        }
        length += arg_length;
        args.push(arg);
    }
    if !args.is_empty() {
        messages.push(message(args));
    }
    messages
}

fn message(args: Vec<Value>) -> String {
    json!({"op": "subscribe", "args": args}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use feed_core::{Channel, Symbol};

    fn subscription(symbol: &str) -> Subscription {
        Subscription::new(Channel::Trades, Symbol::parse(symbol).unwrap(), symbol)
    }

    #[test]
    fn one_subscribe_with_a_trades_arg_per_instrument() {
        let messages = subscribe_messages(&[subscription("BTC-USDT"), subscription("ETH-USDT")]);
        assert_eq!(
            messages,
            vec![
                r#"{"args":[{"channel":"trades","instId":"BTC-USDT"},{"channel":"trades","instId":"ETH-USDT"}],"op":"subscribe"}"#
            ]
        );
    }

    #[test]
    fn many_instruments_are_split_into_messages_within_the_limit() {
        let subscriptions: Vec<Subscription> = (0..300)
            .map(|index| subscription(&format!("COIN{index}-USDT")))
            .collect();
        let messages = subscribe_messages(&subscriptions);
        assert!(messages.len() > 1, "{}", messages.len());
        let mut inst_ids = Vec::new();
        for message in &messages {
            assert!(message.len() <= MAX_MESSAGE_BYTES, "{}", message.len());
            let value: Value = serde_json::from_str(message).unwrap();
            assert_eq!(value["op"], "subscribe");
            for arg in value["args"].as_array().unwrap() {
                assert_eq!(arg["channel"], "trades");
                inst_ids.push(arg["instId"].as_str().unwrap().to_owned());
            }
        }
        let expected: Vec<String> = (0..300).map(|index| format!("COIN{index}-USDT")).collect();
        assert_eq!(inst_ids, expected, "every instrument once, in order");
        assert!(subscribe_messages(&[]).is_empty());
    }
}
