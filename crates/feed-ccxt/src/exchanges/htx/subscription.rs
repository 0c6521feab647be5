//! HTX's routes and subscribe messages
//! <https://huobiapi.github.io/docs/spot/v1/en/#websocket-market-data>.

use feed_core::Channel;

use super::book;
use crate::adapter::{AckBy, SubscribeRequest, Subscription};

/// The path of market data other than MBP books.
const WS_PATH: &str = "/ws";
/// The path of the MBP incremental channel and its refresh.
const FEED_PATH: &str = "/feed";

/// The topic of a subscription: `market.$symbol.trade.detail`, `market.$symbol.mbp.$levels`
/// (levels per [`book::levels`]), `market.$symbol.bbo`; the symbol as listed (lower case).
pub(super) fn topic(subscription: &Subscription) -> Option<String> {
    let symbol = &subscription.exchange_symbol;
    match subscription.channel {
        Channel::Trades => Some(format!("market.{symbol}.trade.detail")),
        Channel::L2Book => Some(format!(
            "market.{symbol}.mbp.{}",
            book::levels(subscription)
        )),
        Channel::Ticker => Some(format!("market.{symbol}.bbo")),
        _ => None,
    }
}

/// `base` as given when it has a path; else `base` + `/feed` for a feed of books, `/ws`
/// otherwise.
pub(super) fn websocket_url(base: &str, subscriptions: &[Subscription]) -> String {
    let after_scheme = base.split_once("://").map_or(base, |(_, rest)| rest);
    if after_scheme
        .split_once('/')
        .is_some_and(|(_, path)| !path.is_empty())
    {
        return base.to_owned();
    }
    let books = subscriptions
        .iter()
        .any(|subscription| subscription.channel == Channel::L2Book);
    let path = if books { FEED_PATH } else { WS_PATH };
    format!("{}{path}", base.trim_end_matches('/'))
}

/// The refresh request's id for subscription `id` (its answer names it).
pub(super) fn refresh_id(id: u64) -> String {
    format!("req-{id}")
}

/// One `sub` per topic, as documented, acknowledged by its id:
///
/// ```json
/// {"sub": "market.btcusdt.trade.detail", "id": "1"}
/// ```
///
/// A book's `sub` is followed by the `req` for its refresh image on the same connection
/// (`{"req": "market.btcusdt.mbp.20", "id": "req-1"}`), carried with the same subscription
/// so that a resync sends both again; its answer is the snapshot, not an acknowledgement.
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
    let mut requests = Vec::new();
    for subscription in subscriptions {
        let Some(topic) = topic(subscription) else {
            continue;
        };
        let id = subscription.id;
        let message = serde_json::json!({"sub": topic, "id": id.to_string()});
        requests.push(SubscribeRequest::new(
            message.to_string(),
            &[subscription],
            AckBy::RequestId(id),
        ));
        if subscription.channel == Channel::L2Book {
            let refresh = serde_json::json!({"req": topic, "id": refresh_id(id)});
            requests.push(SubscribeRequest::new(
                refresh.to_string(),
                &[subscription],
                AckBy::Nothing,
            ));
        }
    }
    requests
}

/// `{"unsub": "<topic>", "id": "unsub-<id>"}` per subscription (book resyncs).
pub(super) fn unsubscribe_messages(subscriptions: &[Subscription]) -> Vec<String> {
    subscriptions
        .iter()
        .filter_map(|subscription| {
            let topic = topic(subscription)?;
            Some(
                serde_json::json!({"unsub": topic, "id": format!("unsub-{}", subscription.id)})
                    .to_string(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use feed_core::Symbol;

    fn subscription(channel: Channel, id: u64) -> Subscription {
        Subscription {
            id,
            ..Subscription::new(channel, Symbol::parse("BTC-USDT").unwrap(), "btcusdt")
        }
    }

    #[test]
    fn one_sub_per_topic_and_a_refresh_request_per_book() {
        let requests = subscribe_messages(&[
            subscription(Channel::Trades, 1),
            subscription(Channel::Ticker, 2),
            subscription(Channel::L2Book, 3),
        ]);
        let messages: Vec<serde_json::Value> = requests
            .iter()
            .map(|r| serde_json::from_str(&r.message).unwrap())
            .collect();
        assert_eq!(
            messages,
            vec![
                serde_json::json!({"sub":"market.btcusdt.trade.detail","id":"1"}),
                serde_json::json!({"sub":"market.btcusdt.bbo","id":"2"}),
                serde_json::json!({"sub":"market.btcusdt.mbp.20","id":"3"}),
                serde_json::json!({"req":"market.btcusdt.mbp.20","id":"req-3"}),
            ]
        );
        assert_eq!(requests[0].ack, AckBy::RequestId(1));
        assert_eq!(requests[3].ack, AckBy::Nothing);
        assert_eq!(requests[3].covers, vec![3]);
        assert_eq!(
            unsubscribe_messages(&[subscription(Channel::L2Book, 3)]),
            vec![r#"{"id":"unsub-3","unsub":"market.btcusdt.mbp.20"}"#.to_owned()]
        );
    }

    #[test]
    fn books_go_to_feed_the_rest_to_ws() {
        let book = [subscription(Channel::L2Book, 1)];
        let trades = [subscription(Channel::Trades, 1)];
        assert_eq!(
            websocket_url("wss://api.huobi.pro", &book),
            "wss://api.huobi.pro/feed"
        );
        assert_eq!(
            websocket_url("wss://api.huobi.pro/", &trades),
            "wss://api.huobi.pro/ws"
        );
        assert_eq!(
            websocket_url("wss://api-aws.huobi.pro/feed", &trades),
            "wss://api-aws.huobi.pro/feed",
            "a base with a path is used as given"
        );
    }
}
