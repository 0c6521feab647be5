//! Bitget frames: every documented shape recognised, then handed to its parser.
//!
//! - the text `pong`: the answer to our keep-alive;
//! - `{"event":"subscribe","arg":{"instType":"SPOT","channel":"trade","instId":"BTCUSDT"}}`:
//!   the acknowledgement of that arg; `event: "unsubscribe"`: nothing;
//! - `{"event":"error","arg":{..},"code":30001,"msg":"..","op":"subscribe"}`: the refusal of
//!   that arg; without `arg` (`{"event":"error","code":30002,"msg":"Unrecognized request"}`)
//!   an exchange error;
//! - pushes `{"action":"snapshot"|"update","arg":{..,"channel":..,"instId":..},"data":[..],
//!   "ts":..}` of `trade`, `books`, `ticker`; of any other channel (`books5`, `candle1m`,
//!   ...): recognised and skipped.
//!
//! Anything else is malformed.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::subscription::{channel_of, BOOKS, TICKER, TRADES};
use super::{book, ticker, trade};
use crate::adapter::FrameContext;
use crate::parse::{malformed, scalar_text};
use crate::parsed::{Ack, ParsedFrame};

#[derive(Deserialize)]
struct Arg<'a> {
    #[serde(borrow, default)]
    channel: Cow<'a, str>,
    #[serde(borrow, rename = "instId", default)]
    inst_id: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    event: Option<Cow<'a, str>>,
    #[serde(borrow)]
    action: Option<Cow<'a, str>>,
    #[serde(borrow)]
    arg: Option<Arg<'a>>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
    #[serde(borrow)]
    code: Option<&'a RawValue>,
    #[serde(borrow, default)]
    msg: Cow<'a, str>,
}

fn error_text(envelope: &Envelope<'_>) -> String {
    let code = envelope
        .code
        .and_then(|raw| scalar_text(raw, "code").ok())
        .unwrap_or(Cow::Borrowed("?"));
    format!("code {code}: {}", envelope.msg)
}

pub(super) fn parse_frame(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    if frame.trim() == "pong" {
        return Ok(());
    }
    let envelope: Envelope<'_> = serde_json::from_str(frame).map_err(|error| malformed(&error))?;
    if let Some(event) = envelope.event.as_deref() {
        let topic = envelope
            .arg
            .as_ref()
            .and_then(|arg| Some((channel_of(&arg.channel)?, arg.inst_id.to_string())));
        match event {
            "subscribe" => {
                if let Some((channel, exchange_symbol)) = topic {
                    out.acks.push(Ack::Topic {
                        channel,
                        exchange_symbol,
                        outcome: Ok(()),
                    });
                }
                return Ok(());
            }
            "error" => {
                let reason = error_text(&envelope);
                return match (topic, &envelope.arg) {
                    (Some((channel, exchange_symbol)), _) => {
                        out.acks.push(Ack::Topic {
                            channel,
                            exchange_symbol,
                            outcome: Err(reason),
                        });
                        Ok(())
                    }
                    (None, Some(_)) => Ok(()), // a refusal of a channel this adapter never asks for
                    (None, None) => Err(FrameError::Exchange(reason)),
                };
            }
            _ => return Ok(()), // unsubscribe, login, ...
        }
    }
    let (Some(action), Some(arg), Some(data)) =
        (envelope.action.as_deref(), &envelope.arg, envelope.data)
    else {
        return Err(FrameError::Malformed(
            "neither a push, an event nor pong".into(),
        ));
    };
    match arg.channel.as_ref() {
        TRADES => trade::push_trades(action, &arg.inst_id, data, context, out),
        BOOKS => book::push_books(action, &arg.inst_id, data, context, &mut out.books),
        TICKER => ticker::push_tickers(&arg.inst_id, data, context, out),
        _ => Ok(()), // a channel not delivered here
    }
}

#[cfg(test)]
mod tests {
    use feed_core::Channel;

    use super::*;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    fn parse(frame: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [Market::new("BTC", "USDT", "BTCUSDT")];
        parse_frame_with(parse_frame, &markets, "BITGET", "1695716761.5", frame)
    }

    #[test]
    fn acks_refusals_and_errors() {
        let ack = parse(r#"{"event":"subscribe","arg":{"instType":"SPOT","channel":"books","instId":"BTCUSDT"}}"#).unwrap();
        assert_eq!(
            ack.acks,
            vec![Ack::Topic {
                channel: Channel::L2Book,
                exchange_symbol: "BTCUSDT".into(),
                outcome: Ok(())
            }]
        );
        let refused = parse(r#"{"event":"error","arg":{"instType":"SPOT","channel":"trade","instId":"BTCUSDT1"},"code":30001,"msg":"instType:SPOT,channel:trade,instId:BTCUSDT1 doesn't exist","op":"subscribe"}"#).unwrap();
        assert_eq!(
            refused.acks,
            vec![Ack::Topic {
                channel: Channel::Trades,
                exchange_symbol: "BTCUSDT1".into(),
                outcome: Err(
                    "code 30001: instType:SPOT,channel:trade,instId:BTCUSDT1 doesn't exist".into()
                )
            }]
        );
        let error = parse(r#"{"event":"error","code":30002,"msg":"Unrecognized request: hello"}"#);
        assert!(
            matches!(&error, Err(FrameError::Exchange(text)) if text == "code 30002: Unrecognized request: hello"),
            "{error:?}"
        );
    }

    #[test]
    fn every_documented_shape_is_recognised() {
        for frame in [
            "pong",
            r#"{"event":"unsubscribe","arg":{"instType":"SPOT","channel":"books","instId":"BTCUSDT"}}"#,
            r#"{"event":"subscribe","arg":{"instType":"SPOT","channel":"candle1m","instId":"BTCUSDT"}}"#,
            r#"{"action":"snapshot","arg":{"instType":"SPOT","channel":"books5","instId":"BTCUSDT"},"data":[{"asks":[["27000.5","8.760"]],"bids":[["27000.0","2.710"]],"checksum":0,"ts":"1695716059516"}],"ts":1695716059516}"#,
        ] {
            let parsed = parse(frame).unwrap();
            assert!(
                parsed.events.is_empty() && parsed.books.is_empty() && parsed.acks.is_empty(),
                "{frame}"
            );
        }
        for bad in [
            r#"{"foo":1}"#,
            "ping",
            r#"{"action":"update","arg":{"channel":"trade"}}"#,
            "[1]",
        ] {
            assert!(matches!(parse(bad), Err(FrameError::Malformed(_))), "{bad}");
        }
    }
}
