//! Bitstamp's subscribe messages <https://www.bitstamp.net/websocket/v2/>.

use feed_core::Channel;

use crate::adapter::{AckBy, SubscribeRequest, Subscription};

/// The channel prefix of each delivered kind: `live_trades_`, `diff_order_book_`.
const TRADES: &str = "live_trades_";
const DIFF_BOOK: &str = "diff_order_book_";

/// The channel name of a subscription (`live_trades_btcusd`).
fn channel_name(subscription: &Subscription) -> Option<String> {
    let prefix = match subscription.channel {
        Channel::Trades => TRADES,
        Channel::L2Book => DIFF_BOOK,
        _ => return None,
    };
    Some(format!("{prefix}{}", subscription.exchange_symbol))
}

/// Our channel and the pair of a Bitstamp channel name; `None` for channels not delivered
/// here (`order_book_`, `detail_order_book_`, `live_orders_`, ...).
pub(super) fn parse_channel(name: &str) -> Option<(Channel, &str)> {
    if let Some(pair) = name.strip_prefix(TRADES) {
        return Some((Channel::Trades, pair));
    }
    name.strip_prefix(DIFF_BOOK)
        .map(|pair| (Channel::L2Book, pair))
}

/// One `bts:subscribe` per channel, as documented, acknowledged per channel by
/// `bts:subscription_succeeded` ([`AckBy::Topic`]):
///
/// ```json
/// {"event":"bts:subscribe","data":{"channel":"live_trades_btcusd"}}
/// ```
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
    subscriptions
        .iter()
        .filter_map(|subscription| {
            let channel = channel_name(subscription)?;
            let message =
                serde_json::json!({"event": "bts:subscribe", "data": {"channel": channel}});
            Some(SubscribeRequest::new(
                message.to_string(),
                &[subscription],
                AckBy::Topic,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use feed_core::Symbol;

    #[test]
    fn one_message_per_channel() {
        let symbol = Symbol::parse("BTC-USD").unwrap();
        let requests = subscribe_messages(&[
            Subscription::new(Channel::Trades, symbol.clone(), "btcusd"),
            Subscription::new(Channel::L2Book, symbol, "btcusd"),
        ]);
        assert_eq!(
            requests[0].message,
            r#"{"data":{"channel":"live_trades_btcusd"},"event":"bts:subscribe"}"#
        );
        assert_eq!(
            requests[1].message,
            r#"{"data":{"channel":"diff_order_book_btcusd"},"event":"bts:subscribe"}"#
        );
        assert_eq!(requests[0].ack, AckBy::Topic);
        assert_eq!(
            parse_channel("live_trades_btcusd"),
            Some((Channel::Trades, "btcusd"))
        );
        assert_eq!(
            parse_channel("diff_order_book_etheur"),
            Some((Channel::L2Book, "etheur"))
        );
        assert_eq!(parse_channel("order_book_btcusd"), None);
    }
}
