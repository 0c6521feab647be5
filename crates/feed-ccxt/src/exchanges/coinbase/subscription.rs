//! Coinbase's subscribe and unsubscribe messages, and the `subscriptions` message that
//! acknowledges them.

use std::collections::BTreeMap;

use feed_core::runtime::FrameError;
use feed_core::Channel;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::book::LEVEL2;
use crate::adapter::{AckBy, SubscribeRequest, Subscription};
use crate::parse::malformed;
use crate::parsed::Ack;

/// The channel of trades.
pub(super) const MARKET_TRADES: &str = "market_trades";
/// The channel that keeps quiet subscriptions open.
pub(super) const HEARTBEATS: &str = "heartbeats";
/// The channel of the confirmations.
pub(super) const SUBSCRIPTIONS: &str = "subscriptions";

/// The channels subscribed, in the order their messages go out.
const CHANNELS: [(Channel, &str); 2] =
    [(Channel::L2Book, LEVEL2), (Channel::Trades, MARKET_TRADES)];

fn channel_of(name: &str) -> Option<Channel> {
    CHANNELS
        .iter()
        .find(|(_, channel_name)| *channel_name == name)
        .map(|(channel, _)| *channel)
}

/// One message of `kind` (`subscribe`, `unsubscribe`) per channel the subscriptions
/// carry, with their products, and the subscriptions of each.
fn per_channel<'a>(
    kind: &str,
    subscriptions: &'a [Subscription],
) -> Vec<(String, Vec<&'a Subscription>)> {
    CHANNELS
        .iter()
        .filter_map(|(channel, name)| {
            let carried: Vec<&Subscription> = subscriptions
                .iter()
                .filter(|subscription| subscription.channel == *channel)
                .collect();
            if carried.is_empty() {
                return None;
            }
            let product_ids: Vec<&str> = carried
                .iter()
                .map(|subscription| subscription.exchange_symbol.as_str())
                .collect();
            let message = serde_json::json!({
                "type": kind,
                "product_ids": product_ids,
                "channel": name,
            });
            Some((message.to_string(), carried))
        })
        .collect()
}

/// One subscribe per channel, as documented (a single `channel`, many products), then
/// heartbeats:
///
/// ```json
/// {"type":"subscribe","product_ids":["ETH-USD","BTC-USD"],"channel":"level2"}
/// {"type":"subscribe","product_ids":["ETH-USD","BTC-USD"],"channel":"market_trades"}
/// {"type":"subscribe","channel":"heartbeats"}
/// ```
///
/// Each channel's message is acknowledged by topic: the `subscriptions` message lists the
/// products of every channel subscribed ([`push_acks`]). The docs warn that "most channels
/// close within 60-90 seconds if no updates are sent. Subscribe to heartbeats to keep all
/// subscriptions open", so `heartbeats` (one message a second, no products, nothing to
/// acknowledge) goes too; a quiet market then stays subscribed and the connection never
/// looks idle. All go out right after connecting: the server drops connections that do not
/// subscribe within 5 seconds. Unauthenticated clients may send 8 messages a second, so
/// three messages are well within the limit.
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
    let mut requests: Vec<SubscribeRequest> = per_channel("subscribe", subscriptions)
        .into_iter()
        .map(|(message, carried)| SubscribeRequest::new(message, &carried, AckBy::Topic))
        .collect();
    if !requests.is_empty() {
        let heartbeats = serde_json::json!({"type": "subscribe", "channel": HEARTBEATS});
        requests.push(SubscribeRequest::new(
            heartbeats.to_string(),
            &[],
            AckBy::Nothing,
        ));
    }
    requests
}

/// One unsubscribe per channel, as documented (heartbeats stay subscribed):
///
/// ```json
/// {"type":"unsubscribe","product_ids":["ETH-USD","ETH-EUR"],"channel":"level2"}
/// ```
///
/// "A `subscriptions` message confirms the unsubscribe action." The session sends it before
/// subscribing a book again, to get a fresh snapshot.
pub(super) fn unsubscribe_messages(subscriptions: &[Subscription]) -> Vec<String> {
    per_channel("unsubscribe", subscriptions)
        .into_iter()
        .map(|(message, _)| message)
        .collect()
}

/// One event of a `subscriptions` message: the channels subscribed, each with its products.
#[derive(Deserialize)]
struct SubscriptionsEvent {
    #[serde(default)]
    subscriptions: BTreeMap<String, serde_json::Value>,
}

/// The acknowledgements in a `subscriptions` message, as clients capture it (the docs show
/// none):
///
/// ```json
/// {"channel":"subscriptions","client_id":"","timestamp":"2024-12-20T02:52:29.787710914Z",
///  "sequence_num":1,
///  "events":[{"subscriptions":{"heartbeats":["heartbeats"],"level2":["BTC-USD"],
///                              "market_trades":["BTC-USD"]}}]}
/// ```
///
/// It lists every subscription of the connection (it is sent after each subscribe and
/// unsubscribe), so each `level2` and `market_trades` product listed acknowledges that
/// subscription; other channels are not ours. A requested product that never appears is
/// refused by the session when its time runs out.
pub(super) fn push_acks(events: &RawValue, acks: &mut Vec<Ack>) -> Result<(), FrameError> {
    let events: Vec<SubscriptionsEvent> =
        serde_json::from_str(events.get()).map_err(|error| malformed(&error))?;
    for event in &events {
        for (name, products) in &event.subscriptions {
            let Some(channel) = channel_of(name) else {
                continue;
            };
            let Some(products) = products.as_array() else {
                return Err(FrameError::Malformed(format!(
                    "subscriptions of {name} are not a list: {products}"
                )));
            };
            for product in products {
                let Some(product) = product.as_str() else {
                    return Err(FrameError::Malformed(format!(
                        "a {name} product is not a string: {product}"
                    )));
                };
                acks.push(Ack::Topic {
                    channel,
                    exchange_symbol: product.to_owned(),
                    outcome: Ok(()),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::trade_subscriptions;
    use feed_core::Symbol;

    fn values(messages: &[String]) -> Vec<serde_json::Value> {
        messages
            .iter()
            .map(|message| serde_json::from_str(message).unwrap())
            .collect()
    }

    #[test]
    fn market_trades_for_every_product_then_heartbeats() {
        let subscriptions: Vec<Subscription> =
            trade_subscriptions(&[("BTC-USD", "BTC-USD"), ("ETH-EUR", "ETH-EUR")]);
        let requests = subscribe_messages(&subscriptions);
        let messages: Vec<String> = requests.iter().map(|r| r.message.clone()).collect();
        assert_eq!(
            values(&messages),
            vec![
                serde_json::json!({"type":"subscribe","product_ids":["BTC-USD","ETH-EUR"],"channel":"market_trades"}),
                serde_json::json!({"type":"subscribe","channel":"heartbeats"}),
            ]
        );
        assert_eq!(requests[0].ack, AckBy::Topic);
        assert_eq!(requests[1].ack, AckBy::Nothing);
        assert!(requests[1].covers.is_empty());
    }

    #[test]
    fn one_message_per_channel_each_acknowledged_by_topic() {
        let mut subscriptions: Vec<Subscription> =
            trade_subscriptions(&[("BTC-USD", "BTC-USD"), ("ETH-USD", "ETH-USD")]);
        subscriptions[1].id = 2;
        for (id, name) in [(3, "BTC-USD"), (4, "ETH-USD")] {
            subscriptions.push(Subscription {
                id,
                ..Subscription::new(Channel::L2Book, Symbol::parse(name).unwrap(), name)
            });
        }
        let requests = subscribe_messages(&subscriptions);
        let messages: Vec<String> = requests.iter().map(|r| r.message.clone()).collect();
        assert_eq!(
            values(&messages),
            vec![
                serde_json::json!({"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channel":"level2"}),
                serde_json::json!({"type":"subscribe","product_ids":["BTC-USD","ETH-USD"],"channel":"market_trades"}),
                serde_json::json!({"type":"subscribe","channel":"heartbeats"}),
            ]
        );
        assert_eq!(requests[0].covers, vec![3, 4]);
        assert_eq!(requests[1].covers, vec![1, 2]);
        assert_eq!(requests[0].ack, AckBy::Topic);
        assert_eq!(
            values(&unsubscribe_messages(&subscriptions[2..3])),
            vec![
                serde_json::json!({"type":"unsubscribe","product_ids":["BTC-USD"],"channel":"level2"})
            ]
        );
        assert!(subscribe_messages(&[]).is_empty());
    }

    #[test]
    fn every_listed_product_of_our_channels_is_acknowledged() {
        let events = r#"[{"subscriptions":{"heartbeats":["heartbeats"],"level2":["BTC-USD"],"market_trades":["BTC-USD","ETH-USD"],"ticker":["SOL-USD"]}}]"#;
        let raw: Box<RawValue> = serde_json::from_str(events).unwrap();
        let mut acks = Vec::new();
        push_acks(&raw, &mut acks).unwrap();
        let listed: Vec<(Channel, String)> = acks
            .iter()
            .map(|ack| match ack {
                Ack::Topic {
                    channel,
                    exchange_symbol,
                    outcome: Ok(()),
                } => (*channel, exchange_symbol.clone()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            listed,
            vec![
                (Channel::L2Book, "BTC-USD".into()),
                (Channel::Trades, "BTC-USD".into()),
                (Channel::Trades, "ETH-USD".into()),
            ]
        );
        let mut acks = Vec::new();
        let empty: Box<RawValue> = serde_json::from_str(r#"[{"subscriptions":{}}]"#).unwrap();
        push_acks(&empty, &mut acks).unwrap();
        assert!(acks.is_empty(), "nothing subscribed acknowledges nothing");
        let bad: Box<RawValue> =
            serde_json::from_str(r#"[{"subscriptions":{"level2":"BTC-USD"}}]"#).unwrap();
        assert!(push_acks(&bad, &mut acks).is_err());
    }
}
