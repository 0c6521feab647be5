//! Deribit's requests: `public/subscribe` and `public/unsubscribe` with their channels,
//! `public/set_heartbeat` after connecting, and `public/test` answering a heartbeat's
//! `test_request`
//! (<https://docs.deribit.com/api-reference/subscription-management/public-subscribe>,
//! <https://docs.deribit.com/api-reference/session-management/public-set_heartbeat>,
//! <https://docs.deribit.com/api-reference/supporting/public-test>).

use feed_core::Channel;
use serde::Serialize;
use serde_json::json;

use crate::adapter::{AckBy, SubscribeRequest, Subscription};

/// The notification interval of every channel. `raw` needs an authorized connection for
/// public market-data channels; `100ms` does not.
pub(super) const INTERVAL: &str = "100ms";

/// Channels per `public/subscribe` message: the docs give no limit, this keeps messages
/// small (our choice).
pub(super) const CHANNELS_PER_MESSAGE: usize = 100;

/// The heartbeat interval asked for, in seconds (the docs' minimum is 10).
pub(super) const HEARTBEAT_SECONDS: u64 = 15;

/// Request ids from here on are not subscribe requests (subscription ids are small): the
/// answers to them acknowledge nothing.
pub(super) const RESERVED_IDS: u64 = 1 << 40;
/// The id of `public/set_heartbeat`.
pub(super) const HEARTBEAT_ID: u64 = RESERVED_IDS;
/// The id of every `public/test` sent back to a `test_request`.
pub(super) const TEST_ID: u64 = RESERVED_IDS + 1;
/// Unsubscribe ids: this plus the id of the message's first subscription.
pub(super) const UNSUBSCRIBE_IDS: u64 = RESERVED_IDS * 2;

/// The kind of a Deribit channel (`trades`, `book`, `ticker`) serving a feedhandler
/// channel; TICKER, FUNDING and OPEN_INTEREST of an instrument share its `ticker` channel.
fn kind_of(channel: Channel) -> Option<&'static str> {
    match channel {
        Channel::Trades => Some("trades"),
        Channel::L2Book => Some("book"),
        Channel::Ticker | Channel::Funding | Channel::OpenInterest => Some("ticker"),
        _ => None,
    }
}

/// The feedhandler channels a Deribit channel kind serves.
pub(super) fn channels_of(kind: &str) -> &'static [Channel] {
    match kind {
        "trades" => &[Channel::Trades],
        "book" => &[Channel::L2Book],
        "ticker" => &[Channel::Ticker, Channel::Funding, Channel::OpenInterest],
        _ => &[],
    }
}

/// `trades.BTC-PERPETUAL.100ms`.
fn channel_name(subscription: &Subscription) -> Option<String> {
    kind_of(subscription.channel)
        .map(|kind| format!("{kind}.{}.{INTERVAL}", subscription.exchange_symbol))
}

/// Each distinct Deribit channel once, with the subscriptions riding on it, in the order
/// of their first subscription.
fn channels(subscriptions: &[Subscription]) -> Vec<(String, Vec<&Subscription>)> {
    let mut channels: Vec<(String, Vec<&Subscription>)> = Vec::new();
    for subscription in subscriptions {
        let Some(name) = channel_name(subscription) else {
            continue;
        };
        match channels.iter_mut().find(|(known, _)| *known == name) {
            Some((_, riding)) => riding.push(subscription),
            None => channels.push((name, vec![subscription])),
        }
    }
    channels
}

#[derive(Serialize)]
struct Request<'a, P: Serialize> {
    jsonrpc: &'static str,
    id: u64,
    method: &'a str,
    params: P,
}

fn request(id: u64, method: &str, params: impl Serialize) -> String {
    serde_json::to_string(&Request {
        jsonrpc: "2.0",
        id,
        method,
        params,
    })
    .unwrap_or_default()
}

/// `{"jsonrpc":"2.0","id":1099511627776,"method":"public/set_heartbeat","params":{"interval":15}}`.
pub(super) fn set_heartbeat() -> String {
    request(
        HEARTBEAT_ID,
        "public/set_heartbeat",
        json!({ "interval": HEARTBEAT_SECONDS }),
    )
}

/// The answer to `{"method":"heartbeat","params":{"type":"test_request"}}`.
pub(super) fn test_reply() -> String {
    request(TEST_ID, "public/test", json!({}))
}

/// `public/set_heartbeat` first (acknowledged by nothing: its answer is `"ok"`), then the
/// channels in messages of up to [`CHANNELS_PER_MESSAGE`], as documented:
///
/// ```json
/// {"jsonrpc":"2.0","id":3600,"method":"public/subscribe",
///  "params":{"channels":["trades.BTC-PERPETUAL.100ms","book.BTC-PERPETUAL.100ms"]}}
/// ```
///
/// Each message's id is its first subscription's id, answered by `{"id":3600,"result":
/// [the channels subscribed]}` (see [`super::frame`]). A channel shared by several
/// subscriptions (`ticker`) is sent once and its answer settles them all.
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
    let channels = channels(subscriptions);
    if channels.is_empty() {
        return Vec::new();
    }
    let mut requests = vec![SubscribeRequest::new(set_heartbeat(), &[], AckBy::Nothing)];
    for chunk in channels.chunks(CHANNELS_PER_MESSAGE) {
        let covered: Vec<&Subscription> = chunk
            .iter()
            .flat_map(|(_, riding)| riding.iter().copied())
            .collect();
        let id = covered.first().map_or(0, |subscription| subscription.id);
        let names: Vec<&str> = chunk.iter().map(|(name, _)| name.as_str()).collect();
        requests.push(SubscribeRequest::new(
            request(id, "public/subscribe", json!({ "channels": names })),
            &covered,
            AckBy::RequestId(id),
        ));
    }
    requests
}

/// `public/unsubscribe` of the same channels (a book resync), with ids whose answers
/// acknowledge nothing.
pub(super) fn unsubscribe_messages(subscriptions: &[Subscription]) -> Vec<String> {
    channels(subscriptions)
        .chunks(CHANNELS_PER_MESSAGE)
        .map(|chunk| {
            let id = chunk
                .first()
                .and_then(|(_, riding)| riding.first())
                .map_or(0, |subscription| subscription.id);
            let names: Vec<&str> = chunk.iter().map(|(name, _)| name.as_str()).collect();
            request(
                UNSUBSCRIBE_IDS + id,
                "public/unsubscribe",
                json!({ "channels": names }),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use feed_core::Symbol;

    fn subscriptions(channels: &[Channel], instruments: &[&str]) -> Vec<Subscription> {
        let mut all = Vec::new();
        for instrument in instruments {
            for channel in channels {
                all.push(Subscription {
                    id: all.len() as u64 + 1,
                    ..Subscription::new(*channel, Symbol::perpetual("BTC", "USD"), *instrument)
                });
            }
        }
        all
    }

    #[test]
    fn heartbeat_first_then_each_channel_once() {
        let all = subscriptions(
            &[
                Channel::Trades,
                Channel::L2Book,
                Channel::Ticker,
                Channel::Funding,
                Channel::OpenInterest,
            ],
            &["BTC-PERPETUAL", "BTC-26DEC26"],
        );
        let requests = subscribe_messages(&all);
        assert_eq!(requests.len(), 2);
        assert_eq!(
            requests[0].message,
            r#"{"jsonrpc":"2.0","id":1099511627776,"method":"public/set_heartbeat","params":{"interval":15}}"#
        );
        assert_eq!(
            (requests[0].ack, requests[0].covers.len()),
            (AckBy::Nothing, 0)
        );
        assert_eq!(
            requests[1].message,
            r#"{"jsonrpc":"2.0","id":1,"method":"public/subscribe","params":{"channels":["trades.BTC-PERPETUAL.100ms","book.BTC-PERPETUAL.100ms","ticker.BTC-PERPETUAL.100ms","trades.BTC-26DEC26.100ms","book.BTC-26DEC26.100ms","ticker.BTC-26DEC26.100ms"]}}"#
        );
        assert_eq!(requests[1].ack, AckBy::RequestId(1));
        assert_eq!(requests[1].covers, (1..=10).collect::<Vec<u64>>());
        assert!(subscribe_messages(&subscriptions(&[Channel::Liquidations], &["X"])).is_empty());
    }

    #[test]
    fn messages_hold_at_most_the_chosen_number_of_channels() {
        let names: Vec<String> = (0..250).map(|n| format!("I{n}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let requests = subscribe_messages(&subscriptions(&[Channel::Trades], &refs));
        assert_eq!(requests.len(), 4);
        assert_eq!(requests[3].ack, AckBy::RequestId(201));
        assert_eq!(requests[3].covers.len(), 50);
    }

    #[test]
    fn a_resync_unsubscribes_with_a_reserved_id() {
        let book = subscriptions(&[Channel::L2Book], &["BTC-PERPETUAL"]);
        assert_eq!(
            unsubscribe_messages(&book),
            vec![
                r#"{"jsonrpc":"2.0","id":2199023255553,"method":"public/unsubscribe","params":{"channels":["book.BTC-PERPETUAL.100ms"]}}"#
            ]
        );
        assert_eq!(
            test_reply(),
            r#"{"jsonrpc":"2.0","id":1099511627777,"method":"public/test","params":{}}"#
        );
        assert_eq!(channels_of("ticker").len(), 3);
        assert!(channels_of("quote").is_empty());
    }
}
