//! Hyperliquid's subscribe and unsubscribe messages: one feed per message.

use feed_core::Channel;
use serde::Serialize;

use super::{asset_ctx, book, candle, ticker, trade};
use crate::adapter::{AckBy, SubscribeRequest, Subscription};

/// The `subscription` object of a message, in the documented key order:
/// `{"type":"trades","coin":"BTC"}`, `{"type":"candle","coin":"BTC","interval":"1m"}`,
/// `{"type":"l2Book","coin":"BTC","fast":true}`.
#[derive(Debug, Serialize, PartialEq, Eq)]
struct Feed<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    coin: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    interval: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fast: Option<bool>,
}

#[derive(Serialize)]
struct Request<'a> {
    method: &'static str,
    subscription: &'a Feed<'a>,
}

/// The Hyperliquid subscription types this adapter sends, with the channels each serves:
/// one `activeAssetCtx` of a coin serves both FUNDING and OPEN_INTEREST.
pub(super) fn channels_of(kind: &str) -> &'static [Channel] {
    match kind {
        trade::CHANNEL => &[Channel::Trades],
        book::CHANNEL => &[Channel::L2Book],
        ticker::SUBSCRIPTION => &[Channel::Ticker],
        candle::CHANNEL => &[Channel::Candles],
        asset_ctx::CHANNEL => &[Channel::Funding, Channel::OpenInterest],
        _ => &[],
    }
}

/// The feed that serves a subscription, if this adapter has its channel.
fn feed(subscription: &Subscription) -> Option<Feed<'_>> {
    let feed = |kind| Feed {
        kind,
        coin: subscription.exchange_symbol.as_str(),
        interval: None,
        fast: None,
    };
    Some(match subscription.channel {
        Channel::Trades => feed(trade::CHANNEL),
        Channel::Ticker => feed(ticker::SUBSCRIPTION),
        Channel::L2Book => Feed {
            fast: book::is_fast(subscription).then_some(true),
            ..feed(book::CHANNEL)
        },
        Channel::Candles => Feed {
            interval: Some(&*subscription.candle_interval),
            ..feed(candle::CHANNEL)
        },
        Channel::Funding | Channel::OpenInterest => feed(asset_ctx::CHANNEL),
        _ => return None,
    })
}

/// Each distinct feed once, with the subscriptions it serves, in the order of their first
/// subscription: FUNDING and OPEN_INTEREST of a coin are one `activeAssetCtx` feed.
fn feeds(subscriptions: &[Subscription]) -> Vec<(Feed<'_>, Vec<&Subscription>)> {
    let mut feeds: Vec<(Feed<'_>, Vec<&Subscription>)> = Vec::new();
    for subscription in subscriptions {
        let Some(wanted) = feed(subscription) else {
            continue;
        };
        match feeds.iter_mut().find(|(known, _)| *known == wanted) {
            Some((_, served)) => served.push(subscription),
            None => feeds.push((wanted, vec![subscription])),
        }
    }
    feeds
}

fn message(method: &'static str, feed: &Feed<'_>) -> String {
    serde_json::to_string(&Request {
        method,
        subscription: feed,
    })
    .unwrap_or_default()
}

/// One `subscribe` per feed, as documented:
///
/// ```json
/// {"method":"subscribe","subscription":{"type":"trades","coin":"SOL"}}
/// ```
///
/// answered by `{"channel":"subscriptionResponse","data":{"method":"subscribe",
/// "subscription":{"type":"trades","coin":"SOL"}}}`: acknowledged by topic, the
/// `activeAssetCtx` answer acknowledging both FUNDING and OPEN_INTEREST of its coin. The
/// message of a shared feed is sent once and covers both subscriptions.
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
    feeds(subscriptions)
        .into_iter()
        .map(|(feed, served)| {
            SubscribeRequest::new(message("subscribe", &feed), &served, AckBy::Topic)
        })
        .collect()
}

/// One `unsubscribe` per feed, the same `subscription` as its subscribe (a book resync):
///
/// ```json
/// {"method":"unsubscribe","subscription":{"type":"l2Book","coin":"BTC"}}
/// ```
pub(super) fn unsubscribe_messages(subscriptions: &[Subscription]) -> Vec<String> {
    feeds(subscriptions)
        .iter()
        .map(|(feed, _)| message("unsubscribe", feed))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapter::ExchangeAdapter;
    use crate::exchanges::hyperliquid::Hyperliquid;
    use feed_core::Symbol;

    fn subscriptions(channels: &[Channel], coins: &[&str]) -> Vec<Subscription> {
        let mut all = Vec::new();
        for coin in coins {
            for channel in channels {
                all.push(Subscription {
                    id: all.len() as u64 + 1,
                    candle_interval: "15m".into(),
                    ..Subscription::new(*channel, Symbol::perpetual(coin, "USDC"), *coin)
                });
            }
        }
        all
    }

    #[test]
    fn one_message_per_feed_with_funding_and_open_interest_sharing_one() {
        let all = subscriptions(Hyperliquid.channels(), &["BTC", "ETH"]);
        let requests = subscribe_messages(&all);
        let messages: Vec<&str> = requests.iter().map(|r| r.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                r#"{"method":"subscribe","subscription":{"type":"trades","coin":"BTC"}}"#,
                r#"{"method":"subscribe","subscription":{"type":"bbo","coin":"BTC"}}"#,
                r#"{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC"}}"#,
                r#"{"method":"subscribe","subscription":{"type":"candle","coin":"BTC","interval":"15m"}}"#,
                r#"{"method":"subscribe","subscription":{"type":"activeAssetCtx","coin":"BTC"}}"#,
                r#"{"method":"subscribe","subscription":{"type":"trades","coin":"ETH"}}"#,
                r#"{"method":"subscribe","subscription":{"type":"bbo","coin":"ETH"}}"#,
                r#"{"method":"subscribe","subscription":{"type":"l2Book","coin":"ETH"}}"#,
                r#"{"method":"subscribe","subscription":{"type":"candle","coin":"ETH","interval":"15m"}}"#,
                r#"{"method":"subscribe","subscription":{"type":"activeAssetCtx","coin":"ETH"}}"#,
            ]
        );
        assert!(requests.iter().all(|request| request.ack == AckBy::Topic));
        let covers: Vec<Vec<u64>> = requests.iter().map(|r| r.covers.clone()).collect();
        assert_eq!(
            covers[4],
            vec![5, 6],
            "activeAssetCtx serves FUNDING and OPEN_INTEREST"
        );
        assert_eq!(covers[9], vec![11, 12]);
        assert_eq!(covers[0], vec![1]);

        let only_interest = subscriptions(&[Channel::OpenInterest], &["BTC"]);
        assert_eq!(
            subscribe_messages(&only_interest)[0].message,
            r#"{"method":"subscribe","subscription":{"type":"activeAssetCtx","coin":"BTC"}}"#
        );
        assert!(subscribe_messages(&subscriptions(&[Channel::Liquidations], &["BTC"])).is_empty());
    }

    #[test]
    fn books_up_to_five_levels_subscribe_fast() {
        let mut book = subscriptions(&[Channel::L2Book], &["BTC"]);
        book[0].book_depth = 5;
        assert_eq!(
            subscribe_messages(&book)[0].message,
            r#"{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC","fast":true}}"#
        );
        assert_eq!(
            unsubscribe_messages(&book),
            vec![
                r#"{"method":"unsubscribe","subscription":{"type":"l2Book","coin":"BTC","fast":true}}"#
            ]
        );
        book[0].book_depth = 6;
        assert_eq!(
            unsubscribe_messages(&book),
            vec![r#"{"method":"unsubscribe","subscription":{"type":"l2Book","coin":"BTC"}}"#]
        );
        book[0].stream_depth = Some(5);
        assert!(subscribe_messages(&book)[0]
            .message
            .contains(r#""fast":true"#));
    }

    #[test]
    fn acknowledged_types_name_their_channels() {
        assert_eq!(channels_of("trades"), &[Channel::Trades]);
        assert_eq!(channels_of("bbo"), &[Channel::Ticker]);
        assert_eq!(channels_of("l2Book"), &[Channel::L2Book]);
        assert_eq!(channels_of("candle"), &[Channel::Candles]);
        assert_eq!(
            channels_of("activeAssetCtx"),
            &[Channel::Funding, Channel::OpenInterest]
        );
        assert!(channels_of("allMids").is_empty());
    }
}
