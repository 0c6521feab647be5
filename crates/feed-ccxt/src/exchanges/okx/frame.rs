//! OKX frames: every documented shape recognised, then handed to its parser.
//!
//! - the text `pong`, the answer to the client's `ping`;
//! - an ack per subscribed arg,
//!   `{"event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT"},"connId":"a4d3ae55"}`
//!   (an `id` is echoed when the request had one): the acknowledgement of that channel of
//!   that market;
//! - an unsubscribe ack, `{"event":"unsubscribe","arg":{...},"connId":"d0b44253"}`;
//! - an error, `{"event":"error","code":"60012","msg":"Invalid request: ...","connId":"a4d3ae55"}`
//!   (`code` a string; no `arg`): an exchange error, which the session keeps as the reason
//!   of subscriptions still unacknowledged when their time runs out;
//! - a notice before a service upgrade,
//!   `{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade. Please reconnect.","connId":"a4d3ae55"}`
//!   (logged; the connection drops and is re-established), and other events (`login`,
//!   `channel-conn-count`, ...), recognised and ignored;
//! - a push, `{"arg":{"channel":"...","instId":"..."},"data":[...]}`: `trades`, `books`
//!   (with its `action`), `tickers`, `funding-rate`, `open-interest`, `candle<bar>` and
//!   `liquidation-orders` (whose arg names an `instType`, not an `instId`) are parsed;
//!   pushes of the other channels (`books5`, `bbo-tbt`, `books-l2-tbt`, `books50-l2-tbt`,
//!   `mark-price`, `index-tickers`, `price-limit`, `mark-price-candle<bar>`, ...) are
//!   recognised and skipped.
//!
//! Anything else is malformed.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::Channel;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{
    book, book_fast, candle, funding, liquidation, open_interest, ticker, trade, trade_fast,
};
use crate::adapter::FrameContext;
use crate::parse::fast::read_books;
use crate::parse::{malformed, scalar_text};
use crate::parsed::{Ack, ParsedFrame};

/// The answer to the client's `ping`: plain text, not JSON.
const PONG: &str = "pong";

/// The fields that tell the shapes apart; the push's `data` is read by its channel's
/// parser.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    event: Option<Cow<'a, str>>,
    #[serde(borrow)]
    code: Option<&'a RawValue>,
    #[serde(borrow)]
    msg: Option<Cow<'a, str>>,
    #[serde(borrow)]
    arg: Option<Arg<'a>>,
    #[serde(borrow)]
    action: Option<Cow<'a, str>>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Arg<'a> {
    #[serde(borrow)]
    channel: Option<Cow<'a, str>>,
    #[serde(borrow)]
    inst_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    inst_type: Option<Cow<'a, str>>,
}

/// The feedhandler channel of an OKX channel this adapter subscribes to.
fn channel_of(name: &str) -> Option<Channel> {
    match name {
        trade::CHANNEL => Some(Channel::Trades),
        book::CHANNEL => Some(Channel::L2Book),
        ticker::CHANNEL => Some(Channel::Ticker),
        funding::CHANNEL => Some(Channel::Funding),
        open_interest::CHANNEL => Some(Channel::OpenInterest),
        liquidation::CHANNEL => Some(Channel::Liquidations),
        _ if name.starts_with(candle::PREFIX) => Some(Channel::Candles),
        _ => None,
    }
}

/// Every documented shape recognised (see the module docs): trade and book frames in the
/// documented layout on the hot paths ([`trade_fast`], [`book_fast`]), everything else with
/// serde.
pub(super) fn parse_frame(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    if trade_fast::push_trades(frame, context, out).is_some()
        || read_books(book_fast::read_push, frame, context, out).is_some()
    {
        return Ok(());
    }
    parse_frame_serde(frame, context, out)
}

/// Every documented shape recognised with serde (the hot path's fallback).
pub(super) fn parse_frame_serde(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    if frame.trim() == PONG {
        return Ok(());
    }
    let envelope: Envelope<'_> = serde_json::from_str(frame).map_err(|error| malformed(&error))?;
    if let Some(event) = envelope.event.as_deref() {
        return match event {
            "subscribe" => {
                acknowledge(envelope.arg.as_ref(), context, out);
                Ok(())
            }
            "error" => Err(FrameError::Exchange(error_text(&envelope))),
            "notice" => {
                tracing::info!(
                    notice = %error_text(&envelope),
                    "okx announced that the connection will close; it will be re-established"
                );
                Ok(())
            }
            _ => Ok(()), // unsubscribe acks and other events
        };
    }
    match (envelope.arg, envelope.data) {
        (Some(arg), Some(data)) => match arg.channel.as_deref() {
            Some(trade::CHANNEL) => trade::push_trades(data, context, out),
            Some(book::CHANNEL) => book::push_books(
                arg.inst_id.as_deref(),
                envelope.action.as_deref(),
                data,
                context,
                &mut out.books,
            ),
            Some(ticker::CHANNEL) => ticker::push_tickers(data, context, out),
            Some(funding::CHANNEL) => funding::push_funding(data, context, out),
            Some(open_interest::CHANNEL) => open_interest::push_open_interest(data, context, out),
            Some(liquidation::CHANNEL) => liquidation::push_liquidations(data, context, out),
            Some(name) if name.starts_with(candle::PREFIX) => {
                candle::push_candles(name, arg.inst_id.as_deref(), data, context, out)
            }
            _ => Ok(()), // a channel this adapter does not subscribe to
        },
        _ => Err(FrameError::Malformed(
            "neither an event, a pong nor a push".into(),
        )),
    }
}

/// A subscribe ack of a channel this adapter subscribes to, as the ack of that topic.
/// A `liquidation-orders` ack names an `instType`: it acknowledges the liquidations of
/// every listed market of that type.
fn acknowledge(arg: Option<&Arg<'_>>, context: &FrameContext<'_>, out: &mut ParsedFrame) {
    let Some(arg) = arg else {
        return;
    };
    if arg.channel.as_deref() == Some(liquidation::CHANNEL) {
        let Some(inst_type) = arg.inst_type.as_deref() else {
            return;
        };
        for market in context.markets.markets() {
            if liquidation::inst_type(&market.symbol) == Some(inst_type) {
                out.acks.push(Ack::Topic {
                    channel: Channel::Liquidations,
                    exchange_symbol: market.exchange_symbol.clone(),
                    outcome: Ok(()),
                });
            }
        }
        return;
    }
    let (Some(channel), Some(inst_id)) = (
        arg.channel.as_deref().and_then(channel_of),
        arg.inst_id.as_deref(),
    ) else {
        return;
    };
    out.acks.push(Ack::Topic {
        channel,
        exchange_symbol: inst_id.to_owned(),
        outcome: Ok(()),
    });
}

/// `code 60018: Wrong URL or channel...`.
fn error_text(envelope: &Envelope<'_>) -> String {
    let code = envelope
        .code
        .map(|code| scalar_text(code, "code").unwrap_or(Cow::Borrowed(code.get())))
        .unwrap_or(Cow::Borrowed("?"));
    format!("code {code}: {}", envelope.msg.as_deref().unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    fn parse(frame: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [
            Market::new("BTC", "USDT", "BTC-USDT"),
            Market::new("ETH", "USDT", "ETH-USDT"),
        ];
        parse_frame_with(parse_frame, &markets, "OKX", "1630048898.25", frame)
    }

    #[test]
    fn subscribe_acks_acknowledge_their_channel_and_market() {
        let documented = r#"{"id":"1512","event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT"},"connId":"a4d3ae55"}"#;
        assert_eq!(
            parse(documented).unwrap().acks,
            vec![Ack::Topic {
                channel: Channel::L2Book,
                exchange_symbol: "BTC-USDT".into(),
                outcome: Ok(())
            }]
        );
        let trades = r#"{"event":"subscribe","arg":{"channel":"trades","instId":"ETH-USDT"},"connId":"a4d3ae55"}"#;
        assert!(matches!(
            &parse(trades).unwrap().acks[..],
            [Ack::Topic { channel: Channel::Trades, exchange_symbol, outcome: Ok(()) }] if exchange_symbol == "ETH-USDT"
        ));
        let other = r#"{"event":"subscribe","arg":{"channel":"mark-price","instId":"BTC-USDT"},"connId":"a4d3ae55"}"#;
        assert!(parse(other).unwrap().acks.is_empty());
        let unsubscribed = r#"{"event":"unsubscribe","arg":{"channel":"books","instId":"BTC-USDT"},"connId":"d0b44253"}"#;
        let parsed = parse(unsubscribed).unwrap();
        assert!(parsed.acks.is_empty() && parsed.books.is_empty());
    }

    /// A real connection interleaves every channel: each documented shape is recognised
    /// (none is malformed), and only the channels this adapter subscribes to produce anything.
    #[test]
    fn every_documented_shape_is_recognised() {
        let skipped = [
            "pong",
            r#"{"arg":{"channel":"books5","instId":"BCH-USDT-SWAP"},"data":[{"asks":[["111.06","55154","0","2"],["111.07","53276","0","2"],["111.08","72435","0","2"],["111.09","70312","0","2"],["111.1","67272","0","2"]],"bids":[["111.05","57745","0","2"],["111.04","57109","0","2"],["111.03","69563","0","2"],["111.02","71248","0","2"],["111.01","65090","0","2"]],"instId":"BCH-USDT-SWAP","ts":"1670324386802","seqId":363996337}]}"#,
            r#"{"arg":{"channel":"bbo-tbt","instId":"BCH-USDT-SWAP"},"data":[{"asks":[["111.06","55154","0","2"]],"bids":[["111.05","57745","0","2"]],"ts":"1670324386802","seqId":363996337}]}"#,
            r#"{"arg":{"channel":"books5","instId":"BTC-USDT"},"data":[{"asks":[["111.06","55154","0","2"]],"bids":[["111.05","57745","0","2"]],"instId":"BTC-USDT","ts":"1670324386802","seqId":363996337}]}"#,
            r#"{"arg":{"channel":"books-l2-tbt","instId":"BTC-USDT"},"action":"update","data":[{"asks":[],"bids":[],"ts":"1","checksum":0,"prevSeqId":1,"seqId":1}]}"#,
            r#"{"arg":{"channel":"mark-price","instId":"BTC-USDT-SWAP"},"data":[{"instType":"SWAP","instId":"BTC-USDT-SWAP","markPx":"42310.6","ts":"1630049139746"}]}"#,
            r#"{"arg":{"channel":"index-tickers","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","idxPx":"0.1","high24h":"0.5","low24h":"0.1","open24h":"0.1","sodUtc0":"0.1","sodUtc8":"0.1","ts":"1597026383085"}]}"#,
            r#"{"arg":{"channel":"mark-price-candle1D","instId":"BTC-USD-190628"},"data":[["1597026383085","3.721","3.743","3.677","3.708","0"]]}"#,
            r#"{"event":"notice","code":"64008","msg":"The connection will soon be closed for a service upgrade. Please reconnect.","connId":"a4d3ae55"}"#,
            r#"{"event":"channel-conn-count","channel":"orders","connCount":"2","connId":"abcd1234"}"#,
        ];
        for frame in skipped {
            let parsed = parse(frame).unwrap_or_else(|error| panic!("{error}: {frame}"));
            assert!(
                parsed.events.is_empty() && parsed.books.is_empty(),
                "{frame}"
            );
        }
        let book = r#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[],"bids":[["8476.97","0","0","0"]],"ts":"1597026383085","checksum":0,"prevSeqId":15,"seqId":16}]}"#;
        assert_eq!(parse(book).unwrap().books.messages.len(), 1);
        let trade = r#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"130639474","px":"42219.9","sz":"0.12060306","side":"buy","ts":"1630048897897","count":"3","seqId":1234}]}"#;
        assert_eq!(parse(trade).unwrap().events.len(), 1);
        let ticker = r#"{"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":[{"instType":"SPOT","instId":"BTC-USDT","last":"9999.99","lastSz":"0.1","askPx":"9999.99","askSz":"11","bidPx":"8888.88","bidSz":"5","open24h":"9000","high24h":"10000","low24h":"8888.88","volCcy24h":"2222","vol24h":"2222","sodUtc0":"2222","sodUtc8":"2222","ts":"1597026383085"}]}"#;
        assert_eq!(parse(ticker).unwrap().events.len(), 1);
    }

    #[test]
    fn derivative_channel_acks_and_an_instrument_type_wide_liquidation_ack() {
        let markets = [
            Market::new("BTC", "USDT", "BTC-USDT"),
            Market::for_symbol(feed_core::Symbol::perpetual("BTC", "USDT"), "BTC-USDT-SWAP"),
            Market::for_symbol(feed_core::Symbol::perpetual("ETH", "USDT"), "ETH-USDT-SWAP"),
        ];
        let parse = |frame: &str| {
            parse_frame_with(parse_frame, &markets, "OKX", "1", frame)
                .unwrap()
                .acks
        };
        let liquidations = r#"{"event":"subscribe","arg":{"channel":"liquidation-orders","instType":"SWAP"},"connId":"a4d3ae55"}"#;
        let acked: Vec<(Channel, String)> = parse(liquidations)
            .into_iter()
            .map(|ack| match ack {
                Ack::Topic {
                    channel,
                    exchange_symbol,
                    outcome: Ok(()),
                } => (channel, exchange_symbol),
                other => panic!("{other:?}"),
            })
            .collect();
        let mut acked = acked;
        acked.sort();
        assert_eq!(
            acked,
            vec![
                (Channel::Liquidations, "BTC-USDT-SWAP".to_owned()),
                (Channel::Liquidations, "ETH-USDT-SWAP".to_owned()),
            ]
        );
        for (name, channel) in [
            ("tickers", Channel::Ticker),
            ("funding-rate", Channel::Funding),
            ("open-interest", Channel::OpenInterest),
            ("candle1H", Channel::Candles),
        ] {
            let ack = format!(
                r#"{{"event":"subscribe","arg":{{"channel":"{name}","instId":"BTC-USDT-SWAP"}},"connId":"a4d3ae55"}}"#
            );
            assert_eq!(
                parse(&ack),
                vec![Ack::Topic {
                    channel,
                    exchange_symbol: "BTC-USDT-SWAP".into(),
                    outcome: Ok(())
                }]
            );
        }
    }

    #[test]
    fn documented_errors_are_exchange_errors_with_code_and_message() {
        let documented = r#"{"id":"1512","event":"error","code":"60012","msg":"Invalid request: {\"op\": \"subscribe\", \"argss\":[{ \"channel\" : \"books\", \"instId\" : \"BTC-USD-191227\"}]}","connId":"a4d3ae55"}"#;
        assert_eq!(
            parse(documented).unwrap_err(),
            FrameError::Exchange(
                r#"code 60012: Invalid request: {"op": "subscribe", "argss":[{ "channel" : "books", "instId" : "BTC-USD-191227"}]}"#
                    .into()
            )
        );
        let unknown = r#"{"event":"error","msg":"Wrong URL or channel:books,instId:BTC-USDX doesn't exist. Please use the correct URL, channel and parameters referring to API document.","code":"60018","connId":"b2b0944b"}"#;
        assert!(matches!(
            parse(unknown).unwrap_err(),
            FrameError::Exchange(text) if text.starts_with("code 60018: Wrong URL or channel:books,instId:BTC-USDX")
        ));
    }

    #[test]
    fn garbage_is_malformed() {
        assert!(matches!(parse("ping"), Err(FrameError::Malformed(_))));
        assert!(matches!(parse("not json"), Err(FrameError::Malformed(_))));
        assert!(matches!(
            parse(r#"{"foo":1}"#),
            Err(FrameError::Malformed(_))
        ));
        let no_data = r#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot"}"#;
        assert!(matches!(parse(no_data), Err(FrameError::Malformed(_))));
        let no_inst = r#"{"arg":{"channel":"books"},"action":"snapshot","data":[]}"#;
        assert!(matches!(parse(no_inst), Err(FrameError::Malformed(_))));
    }
}
