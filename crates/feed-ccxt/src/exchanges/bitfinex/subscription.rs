//! Bitfinex's requests: `conf` (flags), then one `subscribe` per channel and symbol.

use feed_core::Channel;
use serde_json::json;

use crate::adapter::{AckBy, SubscribeRequest, Subscription};

/// `OB_CHECKSUM` (131072): a `cs` message after every book iteration.
pub(super) const OB_CHECKSUM: u64 = 131_072;
/// `TIMESTAMP` (32768): the time in ms appended to every data message.
pub(super) const TIMESTAMP: u64 = 32_768;

/// The documented channel name of a feed channel.
pub(super) fn channel_name(channel: Channel) -> Option<&'static str> {
    match channel {
        Channel::Trades => Some("trades"),
        Channel::L2Book => Some("book"),
        Channel::Ticker => Some("ticker"),
        _ => None,
    }
}

/// The feed channel of a documented channel name.
pub(super) fn channel_of(name: &str) -> Option<Channel> {
    match name {
        "trades" => Some(Channel::Trades),
        "book" => Some(Channel::L2Book),
        "ticker" => Some(Channel::Ticker),
        _ => None,
    }
}

/// The book length (`len`, levels per side) for a delivered depth: the smallest of the
/// documented 25, 100 and 250 that holds it (at most 250).
pub(super) fn book_len(book_depth: usize) -> usize {
    match book_depth {
        0..=25 => 25,
        26..=100 => 100,
        _ => 250,
    }
}

/// The documented subscribe request of a channel of `symbol` (`len` for books).
pub(super) fn request(channel: Channel, symbol: &str, len: usize) -> Option<String> {
    let name = channel_name(channel)?;
    Some(if channel == Channel::L2Book {
        json!({"event": "subscribe", "channel": name, "symbol": symbol, "prec": "P0", "freq": "F0", "len": len.to_string()})
            .to_string()
    } else {
        json!({"event": "subscribe", "channel": name, "symbol": symbol}).to_string()
    })
}

/// The `conf` request, answered by `{"event":"conf","status":"OK","flags":163840}`.
pub(super) fn conf() -> String {
    json!({"event": "conf", "flags": OB_CHECKSUM + TIMESTAMP}).to_string()
}

/// `conf` (acknowledging no subscription), then, as documented, one request per channel
/// and symbol, each answered by its `subscribed` event:
///
/// ```json
/// {"event":"conf","flags":163840}
/// {"event":"subscribe","channel":"trades","symbol":"tBTCUSD"}
/// {"event":"subscribe","channel":"book","symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"25"}
/// {"event":"subscribe","channel":"ticker","symbol":"tBTCUSD"}
/// ```
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
    let mut requests = vec![SubscribeRequest::new(conf(), &[], AckBy::Nothing)];
    for subscription in subscriptions {
        let len = book_len(subscription.book_depth);
        if let Some(message) = request(subscription.channel, &subscription.exchange_symbol, len) {
            requests.push(SubscribeRequest::new(
                message,
                &[subscription],
                AckBy::Topic,
            ));
        }
    }
    requests
}

#[cfg(test)]
mod tests {
    use super::*;
    use feed_core::Symbol;

    #[test]
    fn conf_then_one_request_per_channel_and_symbol() {
        let subscription = |channel, id, depth| Subscription {
            id,
            book_depth: depth,
            ..Subscription::new(channel, Symbol::parse("BTC-USD").unwrap(), "tBTCUSD")
        };
        let requests = subscribe_messages(&[
            subscription(Channel::Trades, 1, 10),
            subscription(Channel::L2Book, 2, 50),
            subscription(Channel::Ticker, 3, 10),
            subscription(Channel::Funding, 4, 10),
        ]);
        let messages: Vec<serde_json::Value> = requests
            .iter()
            .map(|request| serde_json::from_str(&request.message).unwrap())
            .collect();
        assert_eq!(
            messages,
            vec![
                json!({"event":"conf","flags":163_840}),
                json!({"event":"subscribe","channel":"trades","symbol":"tBTCUSD"}),
                json!({"event":"subscribe","channel":"book","symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"100"}),
                json!({"event":"subscribe","channel":"ticker","symbol":"tBTCUSD"}),
            ]
        );
        assert!(requests[0].covers.is_empty());
        assert_eq!(requests[0].ack, AckBy::Nothing);
        assert_eq!(
            (requests[2].covers.clone(), requests[2].ack),
            (vec![2], AckBy::Topic)
        );
        assert_eq!(
            (book_len(1), book_len(25), book_len(26), book_len(1000)),
            (25, 25, 100, 250)
        );
    }
}
