//! Deribit frames (JSON-RPC 2.0): every documented shape recognised, then handed to its
//! parser (<https://docs.deribit.com/articles/json-rpc-overview>,
//! <https://docs.deribit.com/articles/notifications>).
//!
//! - An answer, `{"jsonrpc":"2.0","id":N,"result":...}`: to a `public/subscribe` (ids
//!   below [`RESERVED_IDS`]) its `result` lists the channels subscribed, each
//!   acknowledging the feedhandler channels it serves; any other subscription of the
//!   request is then refused (not in the list). Answers to the other requests
//!   (`set_heartbeat`'s `"ok"`, `public/test`, `public/unsubscribe`) acknowledge nothing.
//! - An error answer, `{"jsonrpc":"2.0","id":N,"error":{"code":...,"message":...}}`: the
//!   refusal of a subscribe request, else an exchange error.
//! - A notification, `{"jsonrpc":"2.0","method":"subscription","params":{"channel":...,
//!   "data":...}}`: `trades.*`, `book.*` (not the grouped `book.*.*.*.*`) and `ticker.*`
//!   are parsed, every other channel skipped.
//! - A heartbeat, `{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"test_request"}}`
//!   is answered with `public/test`; `"type":"heartbeat"` needs nothing.
//! - Any other `method` is skipped. Anything else is malformed.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::subscription::{channels_of, test_reply, RESERVED_IDS};
use super::{book, ticker, trade};
use crate::adapter::FrameContext;
use crate::parse::malformed;
use crate::parsed::{Ack, ParsedFrame};

#[derive(Deserialize)]
struct Envelope<'a> {
    id: Option<u64>,
    #[serde(borrow)]
    result: Option<&'a RawValue>,
    #[serde(borrow)]
    error: Option<&'a RawValue>,
    #[serde(borrow)]
    method: Option<Cow<'a, str>>,
    #[serde(borrow)]
    params: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Notification<'a> {
    #[serde(borrow)]
    channel: Cow<'a, str>,
    #[serde(borrow)]
    data: &'a RawValue,
}

#[derive(Deserialize)]
struct Heartbeat<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
}

#[derive(Deserialize)]
struct RpcError<'a> {
    code: Option<i64>,
    #[serde(borrow)]
    message: Option<Cow<'a, str>>,
}

pub(super) fn parse_frame(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let envelope: Envelope<'_> = serde_json::from_str(frame).map_err(|error| malformed(&error))?;
    if let Some(error) = envelope.error {
        return refusal(envelope.id, error, out);
    }
    match envelope.method.as_deref() {
        Some("subscription") => notification(params(envelope.params)?, context, out),
        Some("heartbeat") => {
            let heartbeat: Heartbeat<'_> = serde_json::from_str(params(envelope.params)?.get())
                .map_err(|error| malformed(&error))?;
            if heartbeat.kind == "test_request" {
                out.replies.push(test_reply());
            }
            Ok(())
        }
        Some(_) => Ok(()), // another notification this adapter does not use
        None => match (envelope.id, envelope.result) {
            (Some(id), Some(result)) => answer(id, result, out),
            _ => Err(FrameError::Malformed(
                "neither an answer nor a notification".into(),
            )),
        },
    }
}

fn params(params: Option<&RawValue>) -> Result<&RawValue, FrameError> {
    params.ok_or_else(|| FrameError::Malformed("a notification without 'params'".into()))
}

fn notification(
    params: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let notification: Notification<'_> =
        serde_json::from_str(params.get()).map_err(|error| malformed(&error))?;
    let parts: Vec<&str> = notification.channel.split('.').collect();
    match parts.as_slice() {
        ["trades", _, _] => trade::push_trades(notification.data, context, out),
        ["book", _, _] => book::push_book(notification.data, context, &mut out.books),
        ["ticker", _, _] => ticker::push_ticker(notification.data, context, out),
        _ => Ok(()), // a channel this adapter does not subscribe to
    }
}

/// The answer to a request: a subscribe's list of channels acknowledges them.
fn answer(id: u64, result: &RawValue, out: &mut ParsedFrame) -> Result<(), FrameError> {
    if id >= RESERVED_IDS {
        return Ok(());
    }
    let Ok(channels) = serde_json::from_str::<Vec<Cow<'_, str>>>(result.get()) else {
        return Ok(()); // not a subscribe answer
    };
    for channel in &channels {
        let parts: Vec<&str> = channel.split('.').collect();
        if let [kind, instrument, _] = parts.as_slice() {
            for served in channels_of(kind) {
                out.acks.push(Ack::Topic {
                    channel: *served,
                    exchange_symbol: (*instrument).to_owned(),
                    outcome: Ok(()),
                });
            }
        }
    }
    // What the list did not acknowledge above, Deribit did not subscribe.
    out.acks.push(Ack::Request {
        id,
        outcome: Err(format!(
            "not among the channels Deribit subscribed: {}",
            result.get()
        )),
    });
    Ok(())
}

fn refusal(id: Option<u64>, error: &RawValue, out: &mut ParsedFrame) -> Result<(), FrameError> {
    let words = match serde_json::from_str::<RpcError<'_>>(error.get()) {
        Ok(RpcError {
            code: Some(code),
            message: Some(message),
        }) => format!("{code}: {message}"),
        _ => error.get().to_owned(),
    };
    match id {
        Some(id) if id < RESERVED_IDS => {
            out.acks.push(Ack::Request {
                id,
                outcome: Err(words),
            });
            Ok(())
        }
        _ => Err(FrameError::Exchange(words)),
    }
}

#[cfg(test)]
mod tests {
    use feed_core::Channel;

    use super::*;
    use crate::exchanges::deribit::tests::markets;
    use crate::testing::parse_frame_with;

    fn parse(frame: &str) -> Result<ParsedFrame, FrameError> {
        parse_frame_with(parse_frame, &markets(), "DERIBIT", "1700000000.5", frame)
    }

    fn topic(channel: Channel, instrument: &str) -> Ack {
        Ack::Topic {
            channel,
            exchange_symbol: instrument.into(),
            outcome: Ok(()),
        }
    }

    #[test]
    fn a_subscribe_answer_acknowledges_its_channels_and_refuses_the_rest() {
        let answer = r#"{"jsonrpc":"2.0","id":3,"result":["trades.BTC-PERPETUAL.100ms","ticker.BTC-26DEC26.100ms"],"usIn":1,"usOut":2,"usDiff":1,"testnet":false}"#;
        let acks = parse(answer).unwrap().acks;
        assert_eq!(
            acks[..4],
            [
                topic(Channel::Trades, "BTC-PERPETUAL"),
                topic(Channel::Ticker, "BTC-26DEC26"),
                topic(Channel::Funding, "BTC-26DEC26"),
                topic(Channel::OpenInterest, "BTC-26DEC26"),
            ]
        );
        assert!(
            matches!(&acks[4], Ack::Request { id: 3, outcome: Err(words) } if words.contains("not among"))
        );
        for silent in [
            r#"{"jsonrpc":"2.0","id":1099511627776,"result":"ok"}"#,
            r#"{"jsonrpc":"2.0","id":1099511627777,"result":{"version":"1.2.26"}}"#,
            r#"{"jsonrpc":"2.0","id":2199023255553,"result":["book.BTC-PERPETUAL.100ms"]}"#,
            r#"{"jsonrpc":"2.0","id":7,"result":"ok"}"#,
        ] {
            assert!(parse(silent).unwrap().acks.is_empty(), "{silent}");
        }
    }

    #[test]
    fn errors_refuse_their_request_or_are_exchange_errors() {
        let refused = r#"{"jsonrpc":"2.0","id":5,"error":{"message":"Invalid params","data":{"reason":"wrong format","param":"channels"},"code":-32602}}"#;
        assert_eq!(
            parse(refused).unwrap().acks,
            vec![Ack::Request {
                id: 5,
                outcome: Err("-32602: Invalid params".into())
            }]
        );
        assert_eq!(
            parse(r#"{"jsonrpc":"2.0","id":1099511627776,"error":{"code":10028,"message":"too_many_requests"}}"#).unwrap_err(),
            FrameError::Exchange("10028: too_many_requests".into())
        );
        assert!(matches!(
            parse(r#"{"jsonrpc":"2.0","error":"odd"}"#),
            Err(FrameError::Exchange(_))
        ));
    }

    #[test]
    fn a_test_request_is_answered_with_public_test() {
        let parsed =
            parse(r#"{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"test_request"}}"#)
                .unwrap();
        assert_eq!(parsed.replies, vec![test_reply()]);
        let beat = parse(r#"{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"heartbeat"}}"#)
            .unwrap();
        assert!(beat.replies.is_empty());
    }

    #[test]
    fn every_documented_shape_is_recognised() {
        for skipped in [
            r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"deribit_price_index.btc_usd","data":{"timestamp":1535098298227,"price":6521.17,"index_name":"btc_usd"}}}"#,
            r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"book.BTC-PERPETUAL.none.10.100ms","data":{"timestamp":1,"instrument_name":"BTC-PERPETUAL","change_id":1,"bids":[],"asks":[]}}}"#,
            r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"platform_state","data":{"allow_unauthenticated_public_requests":true}}}"#,
            r#"{"jsonrpc":"2.0","method":"somethingNew","params":{}}"#,
        ] {
            let parsed = parse(skipped).unwrap_or_else(|error| panic!("{skipped}: {error}"));
            assert!(
                parsed.events.is_empty() && parsed.books.is_empty(),
                "{skipped}"
            );
        }
        assert_eq!(
            parse(trade::tests::DOCUMENTED_TRADES).unwrap().events.len(),
            2
        );
        assert_eq!(
            parse(book::tests::DOCUMENTED_SNAPSHOT)
                .unwrap()
                .books
                .messages
                .len(),
            1
        );
        assert_eq!(
            parse(ticker::tests::DOCUMENTED_TICKER)
                .unwrap()
                .events
                .len(),
            3
        );
        for bad in [
            "not json",
            r#"{"jsonrpc":"2.0"}"#,
            r#"{"jsonrpc":"2.0","method":"subscription"}"#,
            r#"{"jsonrpc":"2.0","method":"heartbeat","params":{}}"#,
            r#"["trades"]"#,
        ] {
            assert!(matches!(parse(bad), Err(FrameError::Malformed(_))), "{bad}");
        }
    }
}
