//! Gate frames: every documented shape recognised, then handed to its parser.
//!
//! Every frame is an object with `channel` and (except pongs) `event`:
//!
//! - `spot.pong` (`{"time":..,"time_ms":..,"channel":"spot.pong","event":"","result":null}`):
//!   the answer to our keep-alive, nothing to do;
//! - an `error` object that is not `null`
//!   (`{"time":..,"id":1,"channel":"spot.trades","event":"subscribe","error":{"code":2,"message":"unknown currency pair GT_USDT"},"result":null}`):
//!   the refusal of the request with that `id`, or, naming no request, an exchange error;
//! - `event: "subscribe"` with `result: {"status":"success"}`: the acknowledgement of the
//!   request with that `id` (another status refuses it); `event: "unsubscribe"`: nothing;
//! - `event: "update"` of `spot.trades`, `spot.order_book_update`, `spot.book_ticker`: data;
//!   of any other channel (`spot.tickers`, `spot.order_book`, `spot.candlesticks`,
//!   `spot.obu`, ...): recognised and skipped.
//!
//! Anything else is malformed.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::subscription::{BOOK, BOOK_TICKER, TRADES};
use super::{book, ticker, trade};
use crate::adapter::FrameContext;
use crate::parse::malformed;
use crate::parsed::{Ack, ParsedFrame};

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    channel: Option<Cow<'a, str>>,
    #[serde(borrow)]
    event: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    error: Option<&'a RawValue>,
    #[serde(borrow)]
    result: Option<&'a RawValue>,
}

/// The documented error object.
#[derive(Deserialize)]
struct ErrorObject<'a> {
    #[serde(borrow)]
    code: Option<&'a RawValue>,
    #[serde(borrow, default)]
    message: Cow<'a, str>,
}

/// The status of a subscribe answer.
#[derive(Deserialize)]
struct Status<'a> {
    #[serde(borrow, default)]
    status: Cow<'a, str>,
}

fn request_id(raw: Option<&RawValue>) -> Option<u64> {
    raw.and_then(|raw| raw.get().trim_matches('"').parse().ok())
}

fn is_null(raw: Option<&RawValue>) -> bool {
    raw.is_none_or(|raw| raw.get() == "null")
}

pub(super) fn parse_frame(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let envelope: Envelope<'_> = serde_json::from_str(frame).map_err(|error| malformed(&error))?;
    let Some(channel) = envelope.channel.as_deref() else {
        return Err(FrameError::Malformed("a frame without a channel".into()));
    };
    if channel == "spot.pong" {
        return Ok(());
    }
    if let Some(error) = envelope.error.filter(|raw| raw.get() != "null") {
        let reason = match serde_json::from_str::<ErrorObject<'_>>(error.get()) {
            Ok(object) => match object.code {
                Some(code) => format!("{channel}: code {}: {}", code.get(), object.message),
                None => format!("{channel}: {}", object.message),
            },
            Err(_) => format!("{channel}: {}", error.get()),
        };
        return match request_id(envelope.id) {
            Some(id) => {
                out.acks.push(Ack::Request {
                    id,
                    outcome: Err(reason),
                });
                Ok(())
            }
            None => Err(FrameError::Exchange(reason)),
        };
    }
    match envelope.event.as_deref() {
        Some("subscribe") => {
            let status = match envelope.result {
                Some(result) if !is_null(Some(result)) => {
                    serde_json::from_str::<Status<'_>>(result.get())
                        .map_err(|error| malformed(&error))?
                        .status
                }
                _ => Cow::Borrowed(""),
            };
            if let Some(id) = request_id(envelope.id) {
                let outcome = if status == "success" {
                    Ok(())
                } else {
                    Err(format!("{channel}: subscribe status {status:?}"))
                };
                out.acks.push(Ack::Request { id, outcome });
            }
            Ok(())
        }
        Some("unsubscribe") => Ok(()),
        Some("update") => {
            let Some(result) = envelope.result.filter(|raw| raw.get() != "null") else {
                return Err(FrameError::Malformed(format!(
                    "{channel} update without result"
                )));
            };
            match channel {
                TRADES => trade::push_trades(result, context, out),
                BOOK => book::push_update(result, context, &mut out.books),
                BOOK_TICKER => ticker::push_ticker(result, context, out),
                _ => Ok(()), // a channel not delivered here
            }
        }
        Some(_) => Ok(()), // other documented events (`all` of spot.order_book, ...)
        None => Err(FrameError::Malformed(format!(
            "{channel}: neither an update, an answer nor an error"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    fn parse(frame: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [Market::new("BTC", "USDT", "BTC_USDT")];
        parse_frame_with(parse_frame, &markets, "GATEIO", "1606292218.5", frame)
    }

    #[test]
    fn answers_acknowledge_or_refuse_their_request() {
        let ack = parse(r#"{"time":1606292218,"time_ms":1606292218231,"id":7,"channel":"spot.trades","event":"subscribe","result":{"status":"success"}}"#).unwrap();
        assert_eq!(
            ack.acks,
            vec![Ack::Request {
                id: 7,
                outcome: Ok(())
            }]
        );
        let refused = parse(r#"{"time":1606292218,"time_ms":1606292218231,"id":7,"channel":"spot.trades","event":"subscribe","error":{"code":2,"message":"unknown currency pair GT_USDT"},"result":null}"#).unwrap();
        assert_eq!(
            refused.acks,
            vec![Ack::Request {
                id: 7,
                outcome: Err("spot.trades: code 2: unknown currency pair GT_USDT".into())
            }]
        );
        let unattributed = parse(
            r#"{"time":1606292218,"channel":"spot.trades","event":"subscribe","error":{"code":1,"message":"invalid argument"},"result":null}"#,
        );
        assert!(
            matches!(&unattributed, Err(FrameError::Exchange(text)) if text == "spot.trades: code 1: invalid argument"),
            "{unattributed:?}"
        );
    }

    #[test]
    fn every_documented_shape_is_recognised() {
        let quiet = [
            r#"{"time":1545404023,"time_ms":1545404023123,"channel":"spot.pong","event":"","result":null}"#,
            r#"{"time":1606292218,"channel":"spot.trades","event":"unsubscribe","result":{"status":"success"}}"#,
            r#"{"time":1606292218,"time_ms":1606292218231,"channel":"spot.tickers","event":"update","result":{"currency_pair":"BTC_USDT","last":"19106.55","lowest_ask":"19108.71","highest_bid":"19106.55"}}"#,
            r#"{"time":1606292218,"channel":"spot.order_book","event":"update","result":{"t":1606295412123,"lastUpdateId":48791820,"s":"BTC_USDT","bids":[["19079.55","0.0195"]],"asks":[["19080.24","0.1638"]]}}"#,
        ];
        for frame in quiet {
            let parsed = parse(frame).unwrap();
            assert!(
                parsed.events.is_empty() && parsed.books.is_empty() && parsed.acks.is_empty(),
                "{frame}"
            );
        }
        assert!(matches!(
            parse(r#"{"foo":1}"#),
            Err(FrameError::Malformed(_))
        ));
        assert!(matches!(
            parse(r#"{"channel":"spot.trades"}"#),
            Err(FrameError::Malformed(_))
        ));
        assert!(matches!(
            parse(r#"{"channel":"spot.trades","event":"update","result":null}"#),
            Err(FrameError::Malformed(_))
        ));
        assert!(matches!(parse("[1]"), Err(FrameError::Malformed(_))));
    }
}
