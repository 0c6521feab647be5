//! Kraken's answers to requests (`method` frames): subscribe acknowledgements and refusals.
//!
//! "There is a separate acknowledgement response for each symbol in the subscription
//! list" (<https://docs.kraken.com/api/docs/websocket-v2/book>):
//!
//! ```json
//! {"method":"subscribe","result":{"channel":"book","depth":10,"snapshot":true,"symbol":"ALGO/USD"},
//!  "success":true,"time_in":"2023-10-06T17:35:55.219022Z","time_out":"2023-10-06T17:35:55.219067Z"}
//! ```
//!
//! becomes [`Ack::Topic`] for its channel (`book`, `trade`) and symbol. A failure is
//! documented only by its schema: `success: false` and "`error`: Condition: If success is
//! false. Error message", with `req_id` echoed; no example shows whether it names the
//! symbol (third-party fixtures show none, live frames are reported to carry a top-level
//! `symbol`), and none names the channel. So, in this order:
//!
//! - a failure naming a symbol of this feed (top-level `symbol`, or `result.symbol`) refuses
//!   that symbol's subscription of `result.channel`, or, without a channel, that symbol's
//!   subscriptions of both channels still waiting for their answer (those already
//!   acknowledged are unaffected);
//! - a failure naming another symbol is an exchange error (it refuses nothing of this
//!   feed): `Currency pair not supported XBT/FOO`;
//! - a failure naming no symbol, with its `error` text and `req_id`, refuses the message of
//!   that request id ([`Ack::Request`]): book subscribe messages carry one symbol each with
//!   the subscription's id as `req_id` (the research notes' recommendation), so the refusal
//!   is that subscription's;
//! - anything else (no `error` text, or no `req_id`) is an exchange error, which the session
//!   keeps as the reason of subscriptions that stay unacknowledged.
//!
//! Other methods carry nothing (`pong`, unsubscribe acks); their failures are exchange
//! errors.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::Channel;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::frame::{error_text, KrakenFrame};
use crate::adapter::FrameContext;
use crate::parse::malformed;
use crate::parsed::{Ack, ParsedFrame};

/// The `result` of a subscribe answer.
#[derive(Deserialize)]
struct SubscribeResult<'a> {
    #[serde(borrow)]
    channel: Option<Cow<'a, str>>,
    #[serde(borrow)]
    symbol: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    warnings: Vec<Cow<'a, str>>,
}

/// The channel of a v2 channel name this adapter subscribes to.
fn channel_of(name: &str) -> Option<Channel> {
    match name {
        "book" => Some(Channel::L2Book),
        "trade" => Some(Channel::Trades),
        _ => None,
    }
}

fn text_of(raw: &RawValue) -> Option<Cow<'_, str>> {
    serde_json::from_str(raw.get()).ok()
}

/// A `method` frame.
pub(super) fn parse_answer(
    method: &str,
    frame: &KrakenFrame<'_>,
    text: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let failed = frame.success == Some(false);
    match (method, failed) {
        ("subscribe", false) => acknowledged(frame, out),
        ("subscribe", true) => refused(frame, text, context, out),
        (_, true) => Err(FrameError::Exchange(error_text(frame, text))),
        _ => Ok(()), // pong, unsubscribe acks
    }
}

fn acknowledged(frame: &KrakenFrame<'_>, out: &mut ParsedFrame) -> Result<(), FrameError> {
    let Some(result) = frame.result else {
        return Ok(());
    };
    let result: SubscribeResult<'_> =
        serde_json::from_str(result.get()).map_err(|error| malformed(&error))?;
    let (Some(channel), Some(symbol)) = (
        result.channel.as_deref().and_then(channel_of),
        result.symbol.as_deref(),
    ) else {
        return Ok(()); // a channel this adapter does not subscribe to
    };
    if !result.warnings.is_empty() {
        tracing::debug!(symbol, warnings = ?result.warnings, "kraken subscribe warnings");
    }
    out.acks.push(Ack::Topic {
        channel,
        exchange_symbol: symbol.to_owned(),
        outcome: Ok(()),
    });
    Ok(())
}

fn refused(
    frame: &KrakenFrame<'_>,
    text: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let reason = error_text(frame, text);
    let result: Option<SubscribeResult<'_>> = frame
        .result
        .and_then(|raw| serde_json::from_str(raw.get()).ok());
    let symbol = frame
        .symbol
        .and_then(text_of)
        .or_else(|| result.as_ref().and_then(|result| result.symbol.clone()));
    let channel = result
        .as_ref()
        .and_then(|result| result.channel.as_deref())
        .and_then(channel_of);
    let req_id = frame
        .req_id
        .and_then(|raw| raw.get().trim_matches('"').parse::<u64>().ok());
    match symbol {
        Some(symbol) if context.markets.symbol(&symbol).is_some() => {
            tracing::warn!(%symbol, ?channel, ?req_id, %reason, "kraken refused a subscription");
            let channels = channel.map_or(vec![Channel::Trades, Channel::L2Book], |channel| {
                vec![channel]
            });
            for channel in channels {
                out.acks.push(Ack::Topic {
                    channel,
                    exchange_symbol: symbol.clone().into_owned(),
                    outcome: Err(reason.clone()),
                });
            }
            Ok(())
        }
        Some(_) => Err(FrameError::Exchange(reason)),
        None => match (frame.error, req_id) {
            (Some(_), Some(id)) => {
                tracing::warn!(req_id = id, %reason, "kraken refused a subscribe request");
                out.acks.push(Ack::Request {
                    id,
                    outcome: Err(reason),
                });
                Ok(())
            }
            _ => Err(FrameError::Exchange(reason)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::frame::parse_frame;
    use super::*;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    fn parse(frame: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [
            Market::new("ALGO", "USD", "ALGO/USD"),
            Market::new("BTC", "USD", "BTC/USD"),
        ];
        parse_frame_with(parse_frame, &markets, "KRAKEN", "1696613756.5", frame)
    }

    fn topic(channel: Channel, symbol: &str, outcome: Result<(), &str>) -> Ack {
        Ack::Topic {
            channel,
            exchange_symbol: symbol.into(),
            outcome: outcome.map_err(str::to_owned),
        }
    }

    /// The documented book ack (one per symbol), and a trade ack with `req_id`.
    #[test]
    fn documented_acks_acknowledge_their_channel_and_symbol() {
        let book = parse(r#"{"method":"subscribe","result":{"channel":"book","depth":10,"snapshot":true,"symbol":"ALGO/USD"},"success":true,"time_in":"2023-10-06T17:35:55.219022Z","time_out":"2023-10-06T17:35:55.219067Z"}"#).unwrap();
        assert_eq!(book.acks, vec![topic(Channel::L2Book, "ALGO/USD", Ok(()))]);
        let trade = parse(r#"{"method":"subscribe","result":{"channel":"trade","snapshot":false,"symbol":"BTC/USD","warnings":["tick_size is deprecated"]},"success":true,"time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z","req_id":1}"#).unwrap();
        assert_eq!(trade.acks, vec![topic(Channel::Trades, "BTC/USD", Ok(()))]);
        for nothing in [
            r#"{"method":"subscribe","result":{"channel":"instrument","snapshot":true},"success":true}"#,
            r#"{"method":"subscribe","success":true,"req_id":3}"#,
            r#"{"method":"unsubscribe","result":{"channel":"book","depth":10,"symbol":"ALGO/USD"},"success":true}"#,
        ] {
            assert!(parse(nothing).unwrap().acks.is_empty(), "{nothing}");
        }
        assert!(matches!(
            parse(r#"{"method":"subscribe","result":[],"success":true}"#),
            Err(FrameError::Malformed(_))
        ));
    }

    #[test]
    fn a_failure_naming_a_subscribed_symbol_refuses_it() {
        let named = parse(r#"{"error":"Currency pair not supported","method":"subscribe","req_id":7,"success":false,"symbol":"BTC/USD","time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z"}"#).unwrap();
        assert_eq!(
            named.acks,
            vec![
                topic(
                    Channel::Trades,
                    "BTC/USD",
                    Err("Currency pair not supported")
                ),
                topic(
                    Channel::L2Book,
                    "BTC/USD",
                    Err("Currency pair not supported")
                ),
            ],
            "no channel named: the pair's subscriptions still waiting"
        );
        let with_channel = parse(r#"{"error":"Invalid depth","method":"subscribe","result":{"channel":"book","symbol":"ALGO/USD"},"success":false,"req_id":8}"#).unwrap();
        assert_eq!(
            with_channel.acks,
            vec![topic(Channel::L2Book, "ALGO/USD", Err("Invalid depth"))]
        );
    }

    #[test]
    fn a_failure_naming_no_symbol_refuses_its_request() {
        let parsed = parse(r#"{"error":"Exceeded msg rate","method":"subscribe","req_id":9,"success":false,"time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z"}"#).unwrap();
        assert_eq!(
            parsed.acks,
            vec![Ack::Request {
                id: 9,
                outcome: Err("Exceeded msg rate".into())
            }]
        );
        assert_eq!(
            parse(r#"{"error":"Exceeded msg rate","method":"subscribe","success":false}"#)
                .unwrap_err(),
            FrameError::Exchange("Exceeded msg rate".into()),
            "no request id: the session keeps it as the reason of what stays unanswered"
        );
        assert_eq!(
            parse(r#"{"error":"Subscription Not Found","method":"unsubscribe","req_id":9,"success":false}"#)
                .unwrap_err(),
            FrameError::Exchange("Subscription Not Found".into())
        );
    }
}
