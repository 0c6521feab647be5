//! Binance frames: every documented shape recognised, then handed to its parser.
//!
//! Shapes, decided as Binance's key names collide across case (`e`/`E`, `b`/`B`, `a`/`A`):
//!
//! - the combined-stream wrapper `{"stream":"btcusdt@aggTrade","data":{...}}`: unwrapped;
//! - an array of events (the all-market streams, `!ticker@arr`; USD-M's `!markPrice@arr`):
//!   each element read as a frame of its own;
//! - an answer to a request, `{"result":null,"id":1}`: the acknowledgement of that
//!   subscribe message; `{"error":{"code":2,"msg":"..."},"id":1}`: its refusal;
//! - an error naming no request, `{"code":2,"msg":"Invalid request: ..."}`: an exchange
//!   error;
//! - events with `e`: `aggTrade` (trades), `depthUpdate` (book diffs), `serverShutdown`
//!   (logged; the connection drops and is re-established), and `trade`, `kline`,
//!   `24hrTicker` and the other documented events, recognised and not delivered here;
//! - `e`-less payloads: `bookTicker` (`{"u":..,"s":..,"b":"..","B":"..","a":"..","A":".."}`)
//!   and partial depth (`{"lastUpdateId":160,"bids":[..],"asks":[..]}`), recognised and not
//!   delivered here.
//!
//! Anything else is malformed.
//!
//! [`parse_frame_with`] is this recognition with the events an adapter delivers given by
//! an [`EventParser`]: spot's here, the futures products' in `super::super::binance_futures`.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{book, trade};
use crate::adapter::FrameContext;
use crate::parse::malformed;
use crate::parsed::{Ack, ParsedFrame};

/// The fields that tell the shapes apart; everything else is read by the shape's parser.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    e: Option<Cow<'a, str>>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    code: Option<i64>,
    #[serde(borrow)]
    msg: Option<Cow<'a, str>>,
    #[serde(borrow)]
    error: Option<&'a RawValue>,
    #[serde(rename = "lastUpdateId")]
    last_update_id: Option<IgnoredAny>,
    #[serde(rename = "A")]
    best_ask_quantity: Option<IgnoredAny>,
}

/// The id of an answer, as sent: subscribe messages carry unsigned integers.
fn request_id(raw: &RawValue) -> Option<u64> {
    raw.get().trim_matches('"').parse().ok()
}

/// What an adapter of the Binance family makes of an event of type `e` (the frame is the
/// event's own object): `None` for a documented event it does not deliver.
pub(crate) type EventParser =
    fn(&str, &str, &FrameContext<'_>, &mut ParsedFrame) -> Option<Result<(), FrameError>>;

pub(super) fn parse_frame(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    // A `depthUpdate` in the documented layout goes to the depth cursor at once: the
    // envelope's serde pass would read the whole frame (and allocate) only to find `e` and
    // then hand it to the same cursor. Anything the cursor declines takes the envelope.
    if let Some(outcome) = book::fast_depth_update(frame, context, &mut out.books) {
        return outcome;
    }
    parse_frame_with(frame, context, out, spot_event)
}

/// Spot delivers aggregate trades and depth diffs.
fn spot_event(
    kind: &str,
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<Result<(), FrameError>> {
    match kind {
        "aggTrade" => Some(trade::push_agg_trade_frame(frame, context, out)),
        "depthUpdate" => Some(book::push_depth_update(frame, context, &mut out.books)),
        _ => None, // trade, kline, 24hrTicker, ...: not delivered by the spot adapter
    }
}

/// The event of a combined-stream frame in the documented layout,
/// `{"stream":"btcusdt@aggTrade","data":{...}}` (no whitespace, no escape in the stream
/// name), for the hot path; `None` for any other text, which the serde path reads (the
/// stream name is not used: the event names its symbol).
fn combined_stream_data(frame: &str) -> Option<&str> {
    let rest = frame.strip_prefix(r#"{"stream":""#)?;
    let name_end = rest.find('"')?;
    if rest[..name_end].contains('\\') {
        return None;
    }
    rest[name_end..]
        .strip_prefix(r#"","data":"#)?
        .strip_suffix('}')
}

/// Every documented shape recognised (see the module docs); events go to `events`.
pub(crate) fn parse_frame_with(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
    events: EventParser,
) -> Result<(), FrameError> {
    if let Some(outcome) = trade::fast_agg_trade(frame, context, out) {
        return outcome;
    }
    if let Some(outcome) =
        combined_stream_data(frame).and_then(|data| trade::fast_agg_trade(data, context, out))
    {
        return outcome;
    }
    if frame.trim_start().starts_with('[') {
        let items: Vec<&RawValue> =
            serde_json::from_str(frame).map_err(|error| malformed(&error))?;
        for item in items {
            if !item.get().starts_with('{') {
                return Err(FrameError::Malformed(
                    "an array element that is not an event".into(),
                ));
            }
            parse_frame_with(item.get(), context, out, events)?;
        }
        return Ok(());
    }
    let envelope: Envelope<'_> = serde_json::from_str(frame).map_err(|error| malformed(&error))?;
    if let Some(data) = envelope.data {
        return parse_frame_with(data.get(), context, out, events);
    }
    if let Some(error) = envelope.error {
        let reason = error.get().to_owned();
        return match envelope.id.and_then(request_id) {
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
    if let (Some(code), Some(msg)) = (envelope.code, &envelope.msg) {
        return Err(FrameError::Exchange(format!("code {code}: {msg}")));
    }
    match envelope.e.as_deref() {
        Some("serverShutdown") => {
            tracing::info!(
                "binance announced a server shutdown; the connection will be re-established"
            );
            Ok(())
        }
        Some(kind) => events(kind, frame, context, out).unwrap_or(Ok(())),
        None if envelope.id.is_some() => {
            if let Some(id) = envelope.id.and_then(request_id) {
                out.acks.push(Ack::Request {
                    id,
                    outcome: Ok(()),
                });
            }
            Ok(())
        }
        None if envelope.last_update_id.is_some() || envelope.best_ask_quantity.is_some() => Ok(()),
        None => Err(FrameError::Malformed(
            "neither an event, an answer nor an error".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    fn parse(frame: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [Market::new("BNB", "BTC", "BNBBTC")];
        parse_frame_with(parse_frame, &markets, "BINANCE", "1672515782.5", frame)
    }

    #[test]
    fn the_combined_stream_wrapper_is_cut_exactly_or_left_to_serde() {
        let inner = r#"{"e":"aggTrade","E":1,"s":"BTCUSDT"}"#;
        assert_eq!(
            combined_stream_data(&format!(
                r#"{{"stream":"btcusdt@aggTrade","data":{inner}}}"#
            )),
            Some(inner)
        );
        for other in [
            format!(r#"{{"stream": "btcusdt@aggTrade","data":{inner}}}"#),
            format!(r#"{{"stream":"btc\"usdt","data":{inner}}}"#),
            format!(r#"{{"data":{inner},"stream":"btcusdt@aggTrade"}}"#),
            inner.to_owned(),
        ] {
            assert_eq!(combined_stream_data(&other), None, "{other}");
        }
    }

    #[test]
    fn answers_acknowledge_or_refuse_their_request() {
        let ack = parse(r#"{"result":null,"id":7}"#).unwrap();
        assert_eq!(
            ack.acks,
            vec![Ack::Request {
                id: 7,
                outcome: Ok(())
            }]
        );
        let refused = parse(r#"{"error":{"code":3,"msg":"Invalid JSON"},"id":7}"#).unwrap();
        assert!(
            matches!(&refused.acks[..], [Ack::Request { id: 7, outcome: Err(text) }] if text.contains("Invalid JSON"))
        );
        let listing = parse(r#"{"result":["bnbbtc@aggTrade"],"id":3}"#).unwrap();
        assert_eq!(listing.acks.len(), 1);
    }

    /// A documented `depthUpdate` read by the cursor before the envelope gives what the
    /// envelope's route gives (the same frame with spaces, which only serde reads).
    #[test]
    fn a_documented_depth_update_skips_the_envelope_with_the_same_result() {
        let raw = r#"{"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":157,"u":160,"b":[["0.0024","10"],["0.0023","0"]],"a":[["0.0026","100"]]}"#;
        let spaced = raw.replace(',', ", ");
        let (fast, slow) = (parse(raw).unwrap(), parse(&spaced).unwrap());
        assert_eq!(fast.books.messages.len(), 1);
        assert_eq!(fast.books.messages, slow.books.messages);
        assert_eq!(fast.books.levels, slow.books.levels);
        assert!(fast.events.is_empty() && fast.acks.is_empty());
        let bad = raw.replace("\"10\"", "\"1x\"");
        assert!(matches!(parse(&bad), Err(FrameError::Malformed(_))));
        let other_market = raw.replace("BNBBTC", "ETHBTC");
        assert!(parse(&other_market).unwrap().books.is_empty());
    }

    /// A real recording interleaves every stream: each documented shape is recognised
    /// (none is malformed), and only the subscribed kinds produce anything.
    #[test]
    fn every_documented_shape_is_recognised() {
        let frames = [
            r#"{"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":157,"u":160,"b":[["0.0024","10"]],"a":[["0.0026","100"]]}"#,
            r#"{"u":400900217,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}"#,
            r#"{"e":"kline","E":1672515782136,"s":"BNBBTC","k":{"t":1672515780000,"T":1672515839999,"s":"BNBBTC","i":"1m","f":100,"L":200,"o":"0.0010","c":"0.0020","h":"0.0025","l":"0.0015","v":"1000","n":100,"x":false,"q":"1.0000","V":"500","Q":"0.500","B":"123456"}}"#,
            r#"{"e":"trade","E":1672515782136,"s":"BNBBTC","t":12345,"p":"0.001","q":"100","b":88,"a":50,"T":1672515782136,"m":true,"M":true}"#,
            r#"{"lastUpdateId":160,"bids":[["0.0024","10"]],"asks":[["0.0026","100"]]}"#,
            r#"{"stream":"bnbbtc@depth@100ms","data":{"e":"depthUpdate","E":1672515782136,"s":"BNBBTC","U":161,"u":165,"b":[],"a":[]}}"#,
            r#"{"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1770123456789}}"#,
            r#"{"e":"aggTrade","E":1672515782136,"s":"BNBBTC","a":12345,"p":"0.001","q":"100","f":100,"l":105,"T":1672515782136,"m":true,"M":true}"#,
        ];
        let parsed: Vec<ParsedFrame> = frames.iter().map(|frame| parse(frame).unwrap()).collect();
        assert_eq!(parsed[0].books.messages.len(), 1, "a depth diff");
        assert!(parsed[1..5]
            .iter()
            .all(|p| p.events.is_empty() && p.books.is_empty()));
        assert_eq!(parsed[5].books.messages.len(), 1, "a wrapped depth diff");
        assert!(parsed[6].events.is_empty());
        assert_eq!(parsed[7].events.len(), 1, "a trade");
        assert!(matches!(
            parse(r#"{"foo":1}"#),
            Err(FrameError::Malformed(_))
        ));
        let all_market = parse(r#"[{"e":"24hrTicker","E":1672515782136,"s":"BNBBTC"}]"#);
        assert!(all_market.unwrap().events.is_empty(), "an all-market array");
        assert!(matches!(parse("[1]"), Err(FrameError::Malformed(_))));
    }
}
