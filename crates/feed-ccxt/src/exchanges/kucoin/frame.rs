//! KuCoin frames: every documented shape recognised, then handed to its parser
//! (<https://www.kucoin.com/docs-new/websocket-api/base-info/introduction>).
//!
//! Told apart by `type`:
//!
//! - `welcome` (`{"id":"hQvf8jkno","type":"welcome"}`): the connection is ready; nothing
//!   to do (see the module docs on not waiting for it);
//! - `pong` (`{"id":"ping","type":"pong"}`): the answer to our ping;
//! - `ack` (`{"id":"1545910660739","type":"ack"}`): the subscribe message with that id is
//!   accepted ([`Ack::Request`]);
//! - `error` (`{"id":"1","type":"error","code":404,"data":"topic /market/xx is not found"}`):
//!   with the id of a subscribe message, that message is refused (its subscriptions are
//!   reported with the code and words); without one, an exchange error;
//! - `message` (`{"type":"message","topic":"/market/match:BTC-USDT","subject":..,"data":{..}}`),
//!   by topic: `/market/match` trades ([`super::trade`]), `/market/level2` increments
//!   ([`super::book`]), `/market/ticker` tickers ([`super::ticker`]); any other topic (candles,
//!   snapshots, depth5, ...) is recognised and not delivered here;
//! - `notice` and `command` (server notices): recognised and ignored.
//!
//! Anything else is malformed.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{book, ticker, trade};
use crate::adapter::FrameContext;
use crate::parse::{malformed, scalar_text};
use crate::parsed::{Ack, ParsedFrame};

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    topic: Option<Cow<'a, str>>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
    #[serde(borrow)]
    code: Option<&'a RawValue>,
}

/// The id of our subscribe messages (unsigned integers, echoed as strings).
fn request_id(raw: &RawValue) -> Option<u64> {
    raw.get().trim_matches('"').parse().ok()
}

pub(super) fn parse_frame(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let envelope: Envelope<'_> = serde_json::from_str(frame).map_err(|e| malformed(&e))?;
    match envelope.kind.as_deref() {
        Some("message") => {
            let topic = envelope
                .topic
                .as_deref()
                .ok_or_else(|| FrameError::Malformed("a message without 'topic'".into()))?;
            let data = envelope
                .data
                .ok_or_else(|| FrameError::Malformed("a message without 'data'".into()))?;
            let (prefix, symbols) = topic.split_once(':').unwrap_or((topic, ""));
            match prefix {
                "/market/match" => trade::push_match(data, context, out),
                "/market/level2" => book::push_increment(data, context, &mut out.books),
                "/market/ticker" => ticker::push_ticker(symbols, data, context, out),
                _ => Ok(()), // other topics: not delivered by this adapter
            }
        }
        Some("ack") => {
            let id = envelope
                .id
                .and_then(request_id)
                .ok_or_else(|| FrameError::Malformed("an ack without a request id".into()))?;
            out.acks.push(Ack::Request {
                id,
                outcome: Ok(()),
            });
            Ok(())
        }
        Some("error") => {
            let reason = error_text(envelope.code, envelope.data);
            match envelope.id.and_then(request_id) {
                Some(id) => {
                    out.acks.push(Ack::Request {
                        id,
                        outcome: Err(reason),
                    });
                    Ok(())
                }
                None => Err(FrameError::Exchange(reason)),
            }
        }
        Some("welcome" | "pong" | "notice" | "command") => Ok(()),
        Some(other) => Err(FrameError::Malformed(format!("a frame of type {other:?}"))),
        None => Err(FrameError::Malformed("a frame without 'type'".into())),
    }
}

/// `code 404: topic /market/xx is not found`.
fn error_text(code: Option<&RawValue>, data: Option<&RawValue>) -> String {
    let text = |raw: Option<&RawValue>| {
        raw.map(|raw| {
            scalar_text(raw, "error")
                .map(Cow::into_owned)
                .unwrap_or_else(|_| raw.get().to_owned())
        })
    };
    match (text(code), text(data)) {
        (Some(code), Some(data)) => format!("code {code}: {data}"),
        (Some(code), None) => format!("code {code}"),
        (None, Some(data)) => data,
        (None, None) => "an error without code or data".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markets::Market;
    use crate::testing::{kinds, parse_frame_with};

    fn parse(frame: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [Market::new("BTC", "USDT", "BTC-USDT")];
        parse_frame_with(parse_frame, &markets, "KUCOIN", "1", frame)
    }

    #[test]
    fn acks_and_errors_settle_their_request() {
        assert_eq!(
            parse(r#"{"id":"1545910660739","type":"ack"}"#)
                .unwrap()
                .acks,
            vec![Ack::Request {
                id: 1_545_910_660_739,
                outcome: Ok(())
            }]
        );
        assert_eq!(
            parse(r#"{"id":"1","type":"error","code":404,"data":"topic /market/xx is not found"}"#)
                .unwrap()
                .acks,
            vec![Ack::Request {
                id: 1,
                outcome: Err("code 404: topic /market/xx is not found".into())
            }]
        );
        assert_eq!(
            parse(r#"{"id":"ping","type":"error","code":401,"data":"token is invalid"}"#)
                .unwrap_err(),
            FrameError::Exchange("code 401: token is invalid".into())
        );
    }

    /// A real recording interleaves every stream: each documented shape is recognised.
    #[test]
    fn every_documented_shape_is_recognised() {
        let frames = [
            r#"{"id":"hQvf8jkno","type":"welcome"}"#,
            r#"{"id":"ping","type":"pong"}"#,
            r#"{"type":"message","topic":"/market/candles:BTC-USDT_1hour","subject":"trade.candles.update","data":{"symbol":"BTC-USDT","candles":["1589968800","9786.9","9740.8","9806.1","9732","27.45649579","268280.09830877"],"time":1589970010253893337}}"#,
            r#"{"type":"message","topic":"/spotMarket/level2Depth5:BTC-USDT","subject":"level2","data":{"asks":[["9989","8"]],"bids":[["9988","5"]],"timestamp":1586948108193}}"#,
            r#"{"type":"message","topic":"/market/match:BTC-USDT","subject":"trade.l3match","data":{"makerOrderId":"a","price":"1","sequence":"1","side":"sell","size":"2","symbol":"BTC-USDT","takerOrderId":"b","time":"1729843222921000000","tradeId":"1","type":"match"}}"#,
            r#"{"topic":"/market/level2:BTC-USDT","type":"message","subject":"trade.l2update","data":{"changes":{"asks":[],"bids":[["1","1","5"]]},"sequenceEnd":5,"sequenceStart":5,"symbol":"BTC-USDT","time":1}}"#,
            r#"{"type":"message","topic":"/market/ticker:BTC-USDT","subject":"trade.ticker","data":{"sequence":"1","price":"1","size":"1","bestAsk":"2","bestAskSize":"1","bestBid":"1","bestBidSize":"1","Time":1}}"#,
        ];
        let parsed: Vec<ParsedFrame> = frames
            .iter()
            .map(|f| parse(f).unwrap_or_else(|e| panic!("{e}: {f}")))
            .collect();
        assert!(parsed[..4].iter().all(|p| kinds(p).is_empty()));
        assert_eq!(kinds(&parsed[4]), vec!["trades"]);
        assert_eq!(kinds(&parsed[5]), vec!["l2_book"]);
        assert_eq!(kinds(&parsed[6]), vec!["ticker"]);
        assert!(matches!(
            parse(r#"{"foo":1}"#),
            Err(FrameError::Malformed(_))
        ));
        assert!(matches!(
            parse(r#"{"type":"surprise"}"#),
            Err(FrameError::Malformed(_))
        ));
        assert!(matches!(
            parse(r#"{"type":"message","topic":"/market/match:BTC-USDT"}"#),
            Err(FrameError::Malformed(_))
        ));
    }
}
