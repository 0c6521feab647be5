//! Backpack frames: every documented shape recognised, then handed to its parser.
//!
//! Shapes (<https://docs.backpack.exchange/#tag/Streams>):
//!
//! - stream data, every public stream's frame, wrapped as documented:
//!   `{"stream":"<type>.<symbol>","data":{...}}`, told apart by `data.e`:
//!   - `trade`: trades ([`super::trade`]);
//!   - `depth`: book diffs ([`super::book`]);
//!   - `bookTicker`, `kline`, `ticker`, `markPrice`, `openInterest`, `liquidation`, and any
//!     other event (the pre-2024-01-16 `depthEvent` of old recordings included): recognised
//!     and not delivered here;
//!   - data without `e`: malformed;
//! - an error: undocumented; the shape ccxt captured for a bad stream name is
//!   `{"id":null,"error":{"code":4006,"message":"Invalid stream"}}` (`code` a number or a
//!   string): an exchange error. It names no stream, and no acknowledgement is documented
//!   (subscriptions count as active once sent), so it is reported, never attributed;
//! - an answer, a frame with `id` or `result` and no error: none is documented; taken as an
//!   acknowledgement and ignored.
//!
//! Anything else is malformed. The frame is read in one pass: the payload's fields are kept
//! as raw text, and each parser reads the ones its stream documents.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use serde::de::{Deserializer, IgnoredAny};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{book, trade};
use crate::adapter::FrameContext;
use crate::parse::{malformed, scalar_text};
use crate::parsed::ParsedFrame;

/// Every frame shape on the stream, read in one pass.
#[derive(Deserialize)]
struct BackpackFrame<'a> {
    #[serde(borrow)]
    data: Option<Payload<'a>>,
    #[serde(borrow)]
    error: Option<&'a RawValue>,
    #[serde(default, deserialize_with = "present")]
    id: bool,
    #[serde(default, deserialize_with = "present")]
    result: bool,
}

/// A stream payload: the union of the keys the delivered streams document, as raw JSON
/// (Backpack sends integers as numbers or as strings, `a`/`b` are arrays of levels in
/// `depth` and strings in `trade` and `bookTicker`).
#[derive(Deserialize)]
pub(super) struct Payload<'a> {
    /// The event type.
    #[serde(borrow)]
    pub e: Option<Cow<'a, str>>,
    /// The symbol.
    #[serde(borrow)]
    pub s: Option<Cow<'a, str>>,
    /// Trade price.
    #[serde(borrow)]
    pub p: Option<&'a RawValue>,
    /// Trade quantity.
    #[serde(borrow)]
    pub q: Option<&'a RawValue>,
    /// Trade id.
    #[serde(borrow)]
    pub t: Option<&'a RawValue>,
    /// Engine time, microseconds.
    #[serde(borrow, rename = "T")]
    pub engine_time: Option<&'a RawValue>,
    /// WebSocket emit time, microseconds.
    #[serde(borrow, rename = "E")]
    pub event_time: Option<&'a RawValue>,
    /// Trade: the buyer is the maker.
    #[serde(borrow)]
    pub m: Option<&'a RawValue>,
    /// Depth: the first update id of the event.
    #[serde(borrow, rename = "U")]
    pub first_id: Option<&'a RawValue>,
    /// Depth: the last update id of the event.
    #[serde(borrow)]
    pub u: Option<&'a RawValue>,
    /// Depth: asks (trade: the ask order id).
    #[serde(borrow)]
    pub a: Option<&'a RawValue>,
    /// Depth: bids (trade: the bid order id).
    #[serde(borrow)]
    pub b: Option<&'a RawValue>,
}

/// An error object: `{"code":4006,"message":"Invalid stream"}` (`code` a number or a string).
#[derive(Deserialize)]
struct ErrorBody<'a> {
    #[serde(borrow)]
    code: Option<&'a RawValue>,
    #[serde(borrow)]
    message: Option<Cow<'a, str>>,
}

/// True for a key that is there, even with `null` (`"id": null`).
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    IgnoredAny::deserialize(deserializer).map(|_| true)
}

pub(super) fn parse_frame(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let parsed: BackpackFrame<'_> =
        serde_json::from_str(frame).map_err(|error| malformed(&error))?;
    if let Some(error) = parsed.error {
        return Err(FrameError::Exchange(error_text(error)));
    }
    if let Some(payload) = parsed.data {
        return match payload.e.as_deref() {
            Some("trade") => trade::push_trade(&payload, context, out),
            Some("depth") => book::push_depth(&payload, context, &mut out.books),
            Some(_) => Ok(()), // bookTicker, kline, ticker, ...: not delivered by this adapter
            None => Err(FrameError::Malformed("data without 'e'".into())),
        };
    }
    if parsed.id || parsed.result {
        return Ok(()); // an acknowledgement
    }
    Err(FrameError::Malformed(
        "neither stream data, an error nor an ack".into(),
    ))
}

/// `code 4006: Invalid stream`, or the raw error when it is not the usual object.
fn error_text(error: &RawValue) -> String {
    match serde_json::from_str::<ErrorBody<'_>>(error.get()) {
        Ok(ErrorBody {
            code: Some(code),
            message: Some(message),
        }) => {
            let code = scalar_text(code, "code").unwrap_or(Cow::Borrowed(code.get()));
            format!("code {code}: {message}")
        }
        _ => error.get().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markets::Market;
    use crate::testing::{parse_frame_with, parse_with};
    use feed_core::Trade;

    fn parse(frame: &str) -> Result<Vec<Trade>, FrameError> {
        let markets = [
            Market::new("SOL", "USDC", "SOL_USDC"),
            Market::new("ETH", "USDC", "ETH_USDC"),
        ];
        parse_with(parse_frame, &markets, "BACKPACK", "1694688638.5", frame)
    }

    fn parse_all(frame: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [Market::new("SOL", "USDC", "SOL_USDC")];
        parse_frame_with(parse_frame, &markets, "BACKPACK", "1694688638.5", frame)
    }

    #[test]
    fn errors_are_exchange_errors_with_code_and_message() {
        let error = parse(r#"{"id": null, "error": {"code": 4006, "message": "Invalid stream"}}"#)
            .unwrap_err();
        assert_eq!(
            error,
            FrameError::Exchange("code 4006: Invalid stream".into())
        );
        let text_code =
            parse(r#"{"error":{"code":"INVALID_CLIENT_REQUEST","message":"Bad params"}}"#)
                .unwrap_err();
        assert_eq!(
            text_code,
            FrameError::Exchange("code INVALID_CLIENT_REQUEST: Bad params".into())
        );
        let odd = parse(r#"{"error":"Too many streams"}"#).unwrap_err();
        assert_eq!(odd, FrameError::Exchange(r#""Too many streams""#.into()));
    }

    #[test]
    fn acks_and_other_streams_carry_no_trade() {
        assert!(parse(r#"{"id":null,"result":null}"#).unwrap().is_empty());
        assert!(parse(r#"{"result":null,"id":1,"error":null}"#)
            .unwrap()
            .is_empty());
        let ticker = r#"{"stream":"ticker.SOL_USDC","data":{"e":"ticker","E":1694687692980000,"s":"SOL_USDC","o":"18.75","c":"19.24","h":"19.80","l":"18.50","v":"32123","V":"928190","n":93828}}"#;
        assert!(parse(ticker).unwrap().is_empty());
    }

    /// A real recording interleaves every stream: each documented shape is recognised
    /// (none is malformed), and only trades and depth diffs produce anything.
    #[test]
    fn every_documented_shape_is_recognised() {
        let frames = [
            // depth, as documented, then as live frames carry it (times as strings)
            r#"{"stream":"depth.SOL_USDC","data":{"e":"depth","E":1694687965941000,"s":"SOL_USDC","a":[["18.70","0.000"]],"b":[["18.67","0.832"],["18.68","0.000"]],"U":94978271,"u":94978271,"T":1694687965940999}}"#,
            r#"{"data":{"E":"1754903057555305","T":"1754903057554352","U":1345937436,"a":[],"b":[],"e":"depth","s":"SOL_USDC","u":1345937436},"stream":"depth.SOL_USDC"}"#,
            // bookTicker, as documented (`u` a string) and live (`u` a number)
            r#"{"stream":"bookTicker.SOL_USDC","data":{"e":"bookTicker","E":1694687965941000,"s":"SOL_USDC","a":"18.70","A":"1.000","b":"18.67","B":"2.000","u":"111063070525358080","T":1694687965940999}}"#,
            r#"{"data":{"A":"0.4087","B":"0.0020","E":"1754517402450016","T":"1754517402449064","a":"3667.50","b":"3667.49","e":"bookTicker","s":"SOL_USDC","u":1328288557},"stream":"bookTicker.SOL_USDC"}"#,
            r#"{"stream":"kline.1m.SOL_USD","data":{"e":"kline","E":1694687692980000,"s":"SOL_USD","t":"2024-09-11T12:00:00","T":"2024-09-11T12:01:00","o":"18.75","c":"19.25","h":"19.80","l":"18.50","v":"32123","n":93828,"X":false}}"#,
            r#"{"stream":"ticker.SOL_USD","data":{"e":"ticker","E":1694687692980000,"s":"SOL_USD","o":"18.75","c":"19.24","h":"19.80","l":"18.50","v":"32123","V":"928190","n":93828}}"#,
            r#"{"stream":"trade.SOL_USDC","data":{"e":"trade","E":1694688638091000,"s":"SOL_USDC","p":"18.68","q":"0.122","b":"111063114377265150","a":"111063114585735170","t":12345,"T":1694688638089000,"m":true}}"#,
        ];
        let parsed: Vec<ParsedFrame> = frames
            .iter()
            .map(|frame| parse_all(frame).unwrap_or_else(|error| panic!("{error}: {frame}")))
            .collect();
        assert_eq!(parsed[0].books.messages.len(), 1, "a depth diff");
        assert_eq!(parsed[1].books.messages.len(), 1, "an empty depth diff");
        assert!(parsed[2..6]
            .iter()
            .all(|p| p.events.is_empty() && p.books.is_empty()));
        assert_eq!(parsed[6].events.len(), 1, "a trade");
        assert!(parsed[6].books.is_empty());
        assert!(matches!(
            parse_all(r#"{"stream":"depth.SOL_USDC","data":{"s":"SOL_USDC"}}"#),
            Err(FrameError::Malformed(_))
        ));
        assert!(matches!(
            parse_all(r#"{"foo":1}"#),
            Err(FrameError::Malformed(_))
        ));
    }
}
