//! Bybit's subscribe and unsubscribe messages.

use feed_core::Channel;

use super::category::Category;
use super::{book, candle};
use crate::adapter::{AckBy, SubscribeRequest, Subscription};

/// The topic of a subscription: `publicTrade.<symbol>` for trades, `orderbook.<depth>.<symbol>`
/// for books (the depth chosen by [`book::stream_depth`]); symbols in the exchange's upper
/// case.
fn topic(category: Category, subscription: &Subscription) -> Option<String> {
    match subscription.channel {
        Channel::Trades => Some(format!("publicTrade.{}", subscription.exchange_symbol)),
        Channel::L2Book => Some(book::topic(category, subscription)),
        Channel::Candles => {
            candle::topic(&subscription.candle_interval, &subscription.exchange_symbol)
        }
        Channel::Liquidations if category != Category::Spot => {
            Some(format!("allLiquidation.{}", subscription.exchange_symbol))
        }
        Channel::Ticker | Channel::Funding | Channel::OpenInterest
            if category != Category::Spot =>
        {
            Some(format!("tickers.{}", subscription.exchange_symbol))
        }
        _ => None,
    }
}

/// The subscriptions that have a topic, grouped as the category's per-message `args` limit
/// allows, each with its topics.
fn groups(category: Category, subscriptions: &[Subscription]) -> Vec<Vec<(&Subscription, String)>> {
    let carried: Vec<(&Subscription, String)> = subscriptions
        .iter()
        .filter_map(|subscription| topic(category, subscription).map(|t| (subscription, t)))
        .collect();
    let per_message = category
        .max_args_per_subscribe()
        .unwrap_or(carried.len())
        .max(1);
    carried
        .chunks(per_message)
        .map(<[(&Subscription, String)]>::to_vec)
        .collect()
}

/// One message of `op` for a group: its `req_id` is the first subscription's id, as text
/// (unique per message, since each subscription is in one message).
fn message(op: &str, group: &[(&Subscription, String)]) -> Option<(u64, String)> {
    let (first, _) = group.first()?;
    // TICKER, FUNDING and OPEN_INTEREST of a market share one topic, sent once.
    let mut args: Vec<&str> = Vec::with_capacity(group.len());
    for (_, topic) in group {
        if !args.contains(&topic.as_str()) {
            args.push(topic.as_str());
        }
    }
    let text = serde_json::json!({"req_id": first.id.to_string(), "op": op, "args": args});
    Some((first.id, text.to_string()))
}

/// The documented subscribe message, one per [`Category::max_args_per_subscribe`] topics:
///
/// ```json
/// {"req_id":"1","op":"subscribe","args":["publicTrade.BTCUSDT","orderbook.50.BTCUSDT"]}
/// ```
///
/// answered once per message, echoing `req_id`:
/// `{"success":true,"ret_msg":"subscribe","conn_id":"...","req_id":"1","op":"subscribe"}`.
/// Spot rejects a message with more than 10 `args` (`"ret_msg":"args size >10"`), so
/// longer lists are split into several messages, each acknowledged by its own `req_id`.
pub(super) fn subscribe_messages(
    category: Category,
    subscriptions: &[Subscription],
) -> Vec<SubscribeRequest> {
    groups(category, subscriptions)
        .iter()
        .filter_map(|group| {
            let (id, text) = message("subscribe", group)?;
            let carried: Vec<&Subscription> = group.iter().map(|(s, _)| *s).collect();
            Some(SubscribeRequest::new(text, &carried, AckBy::RequestId(id)))
        })
        .collect()
}

/// The documented unsubscribe message, grouped as subscribe messages are:
///
/// ```json
/// {"op":"unsubscribe","args":["publicTrade.ETHUSD"],"req_id":"customised_id"}
/// ```
pub(super) fn unsubscribe_messages(
    category: Category,
    subscriptions: &[Subscription],
) -> Vec<String> {
    groups(category, subscriptions)
        .iter()
        .filter_map(|group| message("unsubscribe", group).map(|(_, text)| text))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use feed_core::Symbol;

    const SPOT: Category = Category::Spot;

    fn subscriptions(pairs: &[(&str, &str)]) -> Vec<Subscription> {
        let mut subscriptions = crate::testing::trade_subscriptions(pairs);
        for (index, subscription) in subscriptions.iter_mut().enumerate() {
            subscription.id = index as u64 + 1;
        }
        subscriptions
    }

    fn json(text: &str) -> serde_json::Value {
        serde_json::from_str(text).unwrap()
    }

    fn texts(requests: &[SubscribeRequest]) -> Vec<serde_json::Value> {
        requests
            .iter()
            .map(|request| json(&request.message))
            .collect()
    }

    #[test]
    fn one_subscribe_with_public_trade_topics() {
        let messages = subscribe_messages(
            SPOT,
            &subscriptions(&[("BTC-USDT", "BTCUSDT"), ("ETH-USDC", "ETHUSDC")]),
        );
        assert_eq!(messages.len(), 1);
        assert_eq!(
            json(&messages[0].message),
            json(
                r#"{"req_id":"1","op":"subscribe","args":["publicTrade.BTCUSDT","publicTrade.ETHUSDC"]}"#
            )
        );
        assert_eq!(messages[0].ack, AckBy::RequestId(1));
        assert_eq!(messages[0].covers, vec![1, 2]);
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
        let messages = subscribe_messages(SPOT, &subscriptions(&borrowed));
        let topics = |range: &[&str]| -> Vec<String> {
            range
                .iter()
                .map(|base| format!("publicTrade.{base}USDT"))
                .collect()
        };
        assert_eq!(
            texts(&messages),
            vec![
                serde_json::json!({"req_id": "1", "op": "subscribe", "args": topics(&bases[..10])}),
                serde_json::json!({"req_id": "11", "op": "subscribe", "args": topics(&bases[10..])}),
            ]
        );
        assert_eq!(
            messages.iter().map(|m| m.ack).collect::<Vec<_>>(),
            vec![AckBy::RequestId(1), AckBy::RequestId(11)]
        );
        assert_eq!(messages[1].covers, vec![11, 12]);
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
        assert_eq!(subscribe_messages(SPOT, &subscriptions(&borrowed)).len(), 1);
    }

    #[test]
    fn ticker_funding_and_open_interest_share_one_tickers_topic_on_linear() {
        let perpetual = Symbol::parse("BTC-USDT-PERP").unwrap();
        let all: Vec<Subscription> = [
            Channel::Trades,
            Channel::Ticker,
            Channel::Funding,
            Channel::OpenInterest,
        ]
        .into_iter()
        .enumerate()
        .map(|(index, channel)| Subscription {
            id: index as u64 + 1,
            ..Subscription::new(channel, perpetual.clone(), "BTCUSDT")
        })
        .collect();
        let messages = subscribe_messages(Category::Linear, &all);
        assert_eq!(
            texts(&messages),
            vec![serde_json::json!({"req_id": "1", "op": "subscribe",
                "args": ["publicTrade.BTCUSDT", "tickers.BTCUSDT"]})]
        );
        assert_eq!(messages[0].covers, vec![1, 2, 3, 4]);
    }

    #[test]
    fn books_subscribe_their_depth_topic_and_unsubscribe_alike() {
        let book = |id, depth| Subscription {
            id,
            book_depth: depth,
            ..Subscription::new(
                Channel::L2Book,
                Symbol::parse("BTC-USDT").unwrap(),
                "BTCUSDT",
            )
        };
        let mut all = subscriptions(&[("BTC-USDT", "BTCUSDT")]);
        all.push(book(2, 10));
        all.push(Subscription {
            channel: Channel::Ticker,
            id: 3,
            ..book(3, 10)
        });
        let messages = subscribe_messages(SPOT, &all);
        assert_eq!(
            texts(&messages),
            vec![serde_json::json!({"req_id": "1", "op": "subscribe",
                "args": ["publicTrade.BTCUSDT", "orderbook.50.BTCUSDT"]})]
        );
        assert_eq!(messages[0].covers, vec![1, 2], "no topic for tickers here");
        let resync = [book(7, 1)];
        assert_eq!(
            json(&subscribe_messages(SPOT, &resync)[0].message),
            serde_json::json!({"req_id": "7", "op": "subscribe", "args": ["orderbook.1.BTCUSDT"]})
        );
        assert_eq!(
            unsubscribe_messages(SPOT, &resync)
                .iter()
                .map(|m| json(m))
                .collect::<Vec<_>>(),
            vec![
                serde_json::json!({"req_id": "7", "op": "unsubscribe", "args": ["orderbook.1.BTCUSDT"]})
            ]
        );
        assert!(subscribe_messages(SPOT, &[]).is_empty());
    }
}
