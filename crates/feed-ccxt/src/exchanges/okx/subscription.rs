//! OKX's subscribe and unsubscribe messages.

use feed_core::{Channel, InstrumentKind};
use serde_json::{json, Value};

use super::{book, candle, funding, liquidation, open_interest, ticker, trade};
use crate::adapter::{AckBy, SubscribeRequest, Subscription};

/// The largest message sent. OKX documents that "the total length of multiple channels
/// cannot exceed 64 KB" (earlier versions of the docs said 4096 bytes); messages are kept
/// within the older, smaller limit, which costs a few more of the 480 subscribe and
/// unsubscribe requests a connection may make per hour.
const MAX_MESSAGE_BYTES: usize = 4096;

/// The arg of a subscription as documented: `{"channel":"trades","instId":"BTC-USDT"}`
/// (`books` for every book depth, `tickers`, `funding-rate`, `open-interest`,
/// `candle<bar>`), or `{"channel":"liquidation-orders","instType":"SWAP"}`, which covers
/// every instrument of that type. `None` for a channel without one here, and where OKX
/// has no such data: FUNDING of anything but perpetuals, OPEN_INTEREST and LIQUIDATIONS
/// of spot (such subscriptions are sent nothing and wait for nothing).
fn arg(subscription: &Subscription) -> Option<Value> {
    let kind = subscription.symbol.instrument().kind;
    let channel = match subscription.channel {
        Channel::Trades => trade::CHANNEL.to_owned(),
        Channel::L2Book => book::CHANNEL.to_owned(),
        Channel::Ticker => ticker::CHANNEL.to_owned(),
        Channel::Funding if kind == InstrumentKind::Perpetual => funding::CHANNEL.to_owned(),
        Channel::OpenInterest if kind != InstrumentKind::Spot => open_interest::CHANNEL.to_owned(),
        Channel::Candles => candle::channel(&subscription.candle_interval)?,
        Channel::Liquidations => {
            let inst_type = liquidation::inst_type(&subscription.symbol)?;
            return Some(json!({"channel": liquidation::CHANNEL, "instType": inst_type}));
        }
        _ => return None,
    };
    Some(json!({"channel": channel, "instId": subscription.exchange_symbol}))
}

/// `subscribe` messages as documented, as few as [`MAX_MESSAGE_BYTES`] allows:
///
/// ```json
/// {"op":"subscribe","args":[{"channel":"trades","instId":"BTC-USDT"},{"channel":"books","instId":"BTC-USDT"}]}
/// ```
///
/// OKX answers each arg with `{"event":"subscribe","arg":{...}}`, so each subscription is
/// acknowledged by its channel and market. The optional `id` is not sent: errors carry no
/// `arg`, and the docs do not say whether the other args of a request with one bad arg are
/// acknowledged before or after its error, so an error is not pinned on a request (the
/// session keeps its words for whatever stays unacknowledged).
pub(super) fn subscribe_messages(subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
    messages("subscribe", subscriptions)
        .into_iter()
        .map(|(message, carried)| SubscribeRequest::new(message, &carried, AckBy::Topic))
        .collect()
}

/// `unsubscribe` messages as documented (before subscribing a book again to resync it):
///
/// ```json
/// {"op":"unsubscribe","args":[{"channel":"books","instId":"BTC-USDT"}]}
/// ```
pub(super) fn unsubscribe_messages(subscriptions: &[Subscription]) -> Vec<String> {
    messages("unsubscribe", subscriptions)
        .into_iter()
        .map(|(message, _)| message)
        .collect()
}

/// Messages of `op` with an arg per subscription, each within [`MAX_MESSAGE_BYTES`], with
/// the subscriptions each carries.
fn messages<'a>(
    op: &str,
    subscriptions: &'a [Subscription],
) -> Vec<(String, Vec<&'a Subscription>)> {
    let empty_length = message(op, Vec::new()).len();
    let mut messages = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    let mut carried: Vec<&Subscription> = Vec::new();
    let mut length = empty_length;
    let mut sent: Vec<Value> = Vec::new();
    for subscription in subscriptions {
        let Some(arg) = arg(subscription) else {
            continue;
        };
        if subscription.channel == Channel::Liquidations {
            // One arg per instrument type: the first subscription of a type sends it, the
            // others ride along (acknowledged by the same answer).
            if sent.contains(&arg) {
                carried.push(subscription);
                continue;
            }
            sent.push(arg.clone());
        }
        let arg_length = arg.to_string().len() + 1; // and a comma
        if !args.is_empty() && length + arg_length > MAX_MESSAGE_BYTES {
            messages.push((
                message(op, std::mem::take(&mut args)),
                std::mem::take(&mut carried),
            ));
            length = empty_length;
        }
        length += arg_length;
        args.push(arg);
        carried.push(subscription);
    }
    if !args.is_empty() {
        messages.push((message(op, args), carried));
    }
    messages
}

fn message(op: &str, args: Vec<Value>) -> String {
    json!({"op": op, "args": args}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use feed_core::Symbol;

    fn subscription(channel: Channel, symbol: &str, id: u64) -> Subscription {
        Subscription {
            id,
            ..Subscription::new(channel, Symbol::parse(symbol).unwrap(), symbol)
        }
    }

    #[test]
    fn one_subscribe_with_an_arg_per_channel_and_instrument() {
        let requests = subscribe_messages(&[
            subscription(Channel::Trades, "BTC-USDT", 1),
            subscription(Channel::Trades, "ETH-USDT", 2),
        ]);
        assert_eq!(requests.len(), 1);
        assert_eq!(
            requests[0].message,
            r#"{"args":[{"channel":"trades","instId":"BTC-USDT"},{"channel":"trades","instId":"ETH-USDT"}],"op":"subscribe"}"#
        );
        assert_eq!(requests[0].ack, AckBy::Topic);
        assert_eq!(requests[0].covers, vec![1, 2]);
    }

    #[test]
    fn books_subscribe_and_unsubscribe_channel_books() {
        let subscriptions = [
            subscription(Channel::L2Book, "BTC-USDT", 1),
            subscription(Channel::Trades, "BTC-USDT", 2),
            subscription(Channel::L3Book, "BTC-USDT", 3),
        ];
        let requests = subscribe_messages(&subscriptions);
        assert_eq!(
            requests[0].message,
            r#"{"args":[{"channel":"books","instId":"BTC-USDT"},{"channel":"trades","instId":"BTC-USDT"}],"op":"subscribe"}"#
        );
        assert_eq!(requests[0].covers, vec![1, 2], "no channel for L3 books");
        assert_eq!(
            unsubscribe_messages(&subscriptions[..1]),
            vec![r#"{"args":[{"channel":"books","instId":"BTC-USDT"}],"op":"unsubscribe"}"#]
        );
    }

    #[test]
    fn derivative_channels_have_their_documented_args() {
        let mut candles = subscription(Channel::Candles, "BTC-USDT-PERP", 5);
        candles.exchange_symbol = "BTC-USDT-SWAP".into();
        candles.candle_interval = "1h".into();
        let mut subscriptions = vec![
            subscription(Channel::Ticker, "BTC-USDT-PERP", 1),
            subscription(Channel::Funding, "BTC-USDT-PERP", 2),
            subscription(Channel::OpenInterest, "BTC-USDT-PERP", 3),
            subscription(Channel::Liquidations, "BTC-USDT-PERP", 4),
            subscription(Channel::Liquidations, "ETH-USDT-PERP", 6),
            subscription(Channel::Liquidations, "BTC-USD-26DEC26", 7),
            subscription(Channel::Liquidations, "BTC-USDT", 8),
        ];
        for subscription in &mut subscriptions[..4] {
            subscription.exchange_symbol = "BTC-USDT-SWAP".into();
        }
        subscriptions.insert(4, candles);
        let requests = subscribe_messages(&subscriptions);
        assert_eq!(requests.len(), 1);
        assert_eq!(
            requests[0].message,
            r#"{"args":[{"channel":"tickers","instId":"BTC-USDT-SWAP"},{"channel":"funding-rate","instId":"BTC-USDT-SWAP"},{"channel":"open-interest","instId":"BTC-USDT-SWAP"},{"channel":"liquidation-orders","instType":"SWAP"},{"channel":"candle1H","instId":"BTC-USDT-SWAP"},{"channel":"liquidation-orders","instType":"FUTURES"}],"op":"subscribe"}"#
        );
        assert_eq!(
            requests[0].covers,
            vec![1, 2, 3, 4, 5, 6, 7],
            "no liquidations of spot"
        );
        let spot = [
            subscription(Channel::Funding, "BTC-USDT", 1),
            subscription(Channel::OpenInterest, "BTC-USDT", 2),
            subscription(Channel::Funding, "BTC-USD-26DEC26", 3),
            subscription(Channel::OpenInterest, "BTC-USD-26DEC26", 4),
        ];
        let requests = subscribe_messages(&spot);
        assert_eq!(requests.len(), 1);
        assert_eq!(
            requests[0].covers,
            vec![4],
            "funding of perpetuals, no spot interest"
        );
    }

    #[test]
    fn many_instruments_are_split_into_messages_within_the_limit() {
        let subscriptions: Vec<Subscription> = (0..300)
            .map(|index| subscription(Channel::L2Book, &format!("COIN{index}-USDT"), index + 1))
            .collect();
        let requests = subscribe_messages(&subscriptions);
        assert!(requests.len() > 1, "{}", requests.len());
        let mut inst_ids = Vec::new();
        let mut covered = Vec::new();
        for request in &requests {
            assert!(
                request.message.len() <= MAX_MESSAGE_BYTES,
                "{}",
                request.message.len()
            );
            let value: Value = serde_json::from_str(&request.message).unwrap();
            assert_eq!(value["op"], "subscribe");
            let args = value["args"].as_array().unwrap();
            assert_eq!(args.len(), request.covers.len());
            for arg in args {
                assert_eq!(arg["channel"], "books");
                inst_ids.push(arg["instId"].as_str().unwrap().to_owned());
            }
            covered.extend(request.covers.iter().copied());
        }
        let expected: Vec<String> = (0..300).map(|index| format!("COIN{index}-USDT")).collect();
        assert_eq!(inst_ids, expected, "every instrument once, in order");
        assert_eq!(covered, (1..=300).collect::<Vec<u64>>());
        assert!(subscribe_messages(&[]).is_empty());
        assert_eq!(unsubscribe_messages(&subscriptions).len(), requests.len());
    }
}
