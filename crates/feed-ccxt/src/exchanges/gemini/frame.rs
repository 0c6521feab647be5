//! Gemini v2 frames: every documented shape recognised by its `type`, then handed to its
//! parser (<https://docs.gemini.com/websocket/market-data/v2/level-2-data>).
//!
//! - `l2_updates`: the book of a symbol ([`super::book`]);
//! - `trade`: one trade ([`super::trade`]);
//! - `heartbeat`: nothing to do;
//! - `candles_*_updates`, `auction_open`, `auction_indicative`, `auction_result`,
//!   `mark_price_updates`, `funding_amount_updates`: recognised, not delivered here;
//! - `{"result":"error","reason":..,"message":..}` (or `"type":"error"`): an exchange
//!   error.
//!
//! A symbol not subscribed is skipped; anything else is malformed.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use serde::Deserialize;

use super::{book, trade};
use crate::adapter::FrameContext;
use crate::parse::malformed;
use crate::parsed::ParsedFrame;

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    symbol: Option<Cow<'a, str>>,
    #[serde(borrow)]
    result: Option<Cow<'a, str>>,
    #[serde(borrow)]
    reason: Option<Cow<'a, str>>,
    #[serde(borrow)]
    message: Option<Cow<'a, str>>,
}

pub(super) fn parse_frame(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let envelope: Envelope<'_> = serde_json::from_str(frame).map_err(|e| malformed(&e))?;
    if envelope.result.as_deref() == Some("error") || envelope.kind.as_deref() == Some("error") {
        return Err(FrameError::Exchange(format!(
            "{}: {}",
            envelope.reason.as_deref().unwrap_or("error"),
            envelope.message.as_deref().unwrap_or("no message")
        )));
    }
    let Some(kind) = envelope.kind.as_deref() else {
        return Err(FrameError::Malformed("a frame without 'type'".into()));
    };
    match kind {
        "l2_updates" | "trade" => {
            let name = envelope
                .symbol
                .as_deref()
                .ok_or_else(|| FrameError::Malformed(format!("{kind} without 'symbol'")))?;
            let Some(symbol) = context.markets.symbol(name) else {
                return Ok(()); // a symbol this feed did not subscribe to
            };
            if kind == "trade" {
                trade::push_trade(symbol, frame, context, out)
            } else {
                book::push_updates(symbol, frame, &mut out.books)
            }
        }
        "heartbeat"
        | "auction_open"
        | "auction_indicative"
        | "auction_result"
        | "mark_price_updates"
        | "funding_amount_updates" => Ok(()),
        _ if kind.starts_with("candles_") && kind.ends_with("_updates") => Ok(()),
        other => Err(FrameError::Malformed(format!(
            "a message of type {other:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markets::Market;
    use crate::testing::{kinds, parse_frame_with};

    fn parse(frame: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [Market::new("BTC", "USD", "BTCUSD")];
        parse_frame_with(parse_frame, &markets, "GEMINI", "1", frame)
    }

    #[test]
    fn every_documented_shape_is_recognised() {
        let quiet = [
            r#"{"type":"heartbeat","timestamp":1560976400428}"#,
            r#"{"type":"candles_15m_updates","symbol":"BTCUSD","changes":[[1561054500000,9350.18,9358.35,9350.18,9355.51,2.07]]}"#,
            r#"{"type":"auction_result","symbol":"BTCUSD","time_ms":1,"result":"success"}"#,
        ];
        for frame in quiet {
            assert!(kinds(&parse(frame).unwrap_or_else(|e| panic!("{e}: {frame}"))).is_empty());
        }
        assert_eq!(
            kinds(
                &parse(r#"{"type":"l2_updates","symbol":"BTCUSD","changes":[["buy","1","1"]]}"#)
                    .unwrap()
            ),
            vec!["l2_book"]
        );
        assert!(matches!(
            parse(r#"{"foo":1}"#),
            Err(FrameError::Malformed(_))
        ));
        assert!(matches!(
            parse(r#"{"type":"trade","price":"1"}"#),
            Err(FrameError::Malformed(_))
        ));
        assert!(matches!(
            parse(r#"{"type":"surprise"}"#),
            Err(FrameError::Malformed(_))
        ));
    }

    #[test]
    fn error_answers_are_exchange_errors() {
        assert_eq!(
            parse(r#"{"result":"error","reason":"InvalidJson","message":"Could not parse subscription"}"#)
                .unwrap_err(),
            FrameError::Exchange("InvalidJson: Could not parse subscription".into())
        );
    }
}
