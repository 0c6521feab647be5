//! Bitget's subscribe and unsubscribe requests.

use feed_core::Channel;
use serde_json::{json, Value};

use crate::adapter::{AckBy, SubscribeRequest, Subscription};

/// The trades channel.
pub(super) const TRADES: &str = "trade";
/// The whole-book channel (snapshot, then updates).
pub(super) const BOOKS: &str = "books";
/// The ticker channel (TICKER).
pub(super) const TICKER: &str = "ticker";
/// The documented `instType` of spot.
pub(super) const SPOT: &str = "SPOT";
/// The documented limit of one request's args, in bytes.
pub(super) const MAX_ARGS_BYTES: usize = 4096;

/// The channel of a subscription, if this adapter serves it.
pub(super) fn channel_name(channel: Channel) -> Option<&'static str> {
    match channel {
        Channel::Trades => Some(TRADES),
        Channel::L2Book => Some(BOOKS),
        Channel::Ticker => Some(TICKER),
        _ => None,
    }
}

/// The feed's channel of a documented channel name.
pub(super) fn channel_of(name: &str) -> Option<Channel> {
    match name {
        TRADES => Some(Channel::Trades),
        BOOKS => Some(Channel::L2Book),
        TICKER => Some(Channel::Ticker),
        _ => None,
    }
}

fn arg(subscription: &Subscription) -> Option<Value> {
    let channel = channel_name(subscription.channel)?;
    Some(json!({"instType": SPOT, "channel": channel, "instId": subscription.exchange_symbol}))
}

/// Requests of `op` with one arg per subscription, their args within [`MAX_ARGS_BYTES`]
/// each, with the subscriptions each carries.
fn messages<'a>(
    op: &str,
    subscriptions: &'a [Subscription],
) -> Vec<(String, Vec<&'a Subscription>)> {
    let mut messages = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    let mut carried: Vec<&Subscription> = Vec::new();
    let mut length = 2; // the brackets
    let flush =
        |args: &mut Vec<Value>, carried: &mut Vec<&'a Subscription>, messages: &mut Vec<_>| {
            if !args.is_empty() {
                let message = json!({"op": op, "args": std::mem::take(args)}).to_string();
                messages.push((message, std::mem::take(carried)));
            }
        };
    for subscription in subscriptions {
        let Some(arg) = arg(subscription) else {
            continue;
        };
        let size = arg.to_string().len() + 1; // and its comma
        if !args.is_empty() && length + size > MAX_ARGS_BYTES {
            flush(&mut args, &mut carried, &mut messages);
            length = 2;
        }
        length += size;
        args.push(arg);
        carried.push(subscription);
    }
    flush(&mut args, &mut carried, &mut messages);
    messages
}

/// The documented request, one arg per channel and symbol, split at 4096 bytes of args:
///
/// ```json
/// {"op":"subscribe","args":[{"instType":"SPOT","channel":"trade","instId":"BTCUSDT"},
///                           {"instType":"SPOT","channel":"books","instId":"BTCUSDT"}]}
/// ```
///
/// Each arg is acknowledged on its own: `{"event":"subscribe","arg":{...}}`.
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
    messages("subscribe", subscriptions)
        .into_iter()
        .map(|(message, carried)| SubscribeRequest::new(message, &carried, AckBy::Topic))
        .collect()
}

/// The same requests with `op` `unsubscribe` (a book resync resubscribes its symbol).
pub(super) fn unsubscribe_messages(subscriptions: &[Subscription]) -> Vec<String> {
    messages("unsubscribe", subscriptions)
        .into_iter()
        .map(|(message, _)| message)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use feed_core::Symbol;

    fn subscription(channel: Channel, symbol: &str, id: u64) -> Subscription {
        let pair = symbol.replace('-', "");
        Subscription {
            id,
            ..Subscription::new(channel, Symbol::parse(symbol).unwrap(), pair)
        }
    }

    #[test]
    fn one_arg_per_channel_and_symbol_acknowledged_by_topic() {
        let subscriptions = vec![
            subscription(Channel::Trades, "BTC-USDT", 1),
            subscription(Channel::L2Book, "BTC-USDT", 2),
            subscription(Channel::Ticker, "ETH-USDT", 3),
            subscription(Channel::Funding, "ETH-USDT", 4),
        ];
        let requests = subscribe_messages(&subscriptions);
        assert_eq!(requests.len(), 1);
        assert_eq!(
            serde_json::from_str::<Value>(&requests[0].message).unwrap(),
            json!({"op":"subscribe","args":[
                {"instType":"SPOT","channel":"trade","instId":"BTCUSDT"},
                {"instType":"SPOT","channel":"books","instId":"BTCUSDT"},
                {"instType":"SPOT","channel":"ticker","instId":"ETHUSDT"}]})
        );
        assert_eq!(requests[0].covers, vec![1, 2, 3]);
        assert_eq!(requests[0].ack, AckBy::Topic);
        let unsubscribe = unsubscribe_messages(&subscriptions[1..2]);
        assert_eq!(
            serde_json::from_str::<Value>(&unsubscribe[0]).unwrap(),
            json!({"op":"unsubscribe","args":[{"instType":"SPOT","channel":"books","instId":"BTCUSDT"}]})
        );
        assert!(subscribe_messages(&subscriptions[3..]).is_empty());
    }

    #[test]
    fn requests_are_split_at_4096_bytes_of_args() {
        let subscriptions: Vec<Subscription> = (0..200)
            .map(|index| subscription(Channel::Trades, &format!("C{index}-USDT"), index + 1))
            .collect();
        let requests = subscribe_messages(&subscriptions);
        assert!(requests.len() > 1);
        let mut covered = Vec::new();
        for request in &requests {
            let message: Value = serde_json::from_str(&request.message).unwrap();
            let args = message["args"].to_string();
            assert!(args.len() <= MAX_ARGS_BYTES, "{} bytes", args.len());
            assert_eq!(
                message["args"].as_array().unwrap().len(),
                request.covers.len()
            );
            covered.extend(request.covers.iter().copied());
        }
        assert_eq!(covered, (1..=200).collect::<Vec<u64>>());
        assert_eq!(channel_of("books"), Some(Channel::L2Book));
        assert_eq!(channel_of("books5"), None);
    }
}
