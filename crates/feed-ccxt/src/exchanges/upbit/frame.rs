//! Upbit frames (JSON, sent in binary frames): every documented shape recognised, then
//! handed to its parser (<https://global-docs.upbit.com/reference/websocket-guide>).
//!
//! - `{"type":"trade","code":..}`: a trade ([`super::trade`]);
//! - `{"type":"orderbook","code":..}`: the top of a book ([`super::book`]);
//! - `{"type":"ticker"|"candle.*",..}`: recognised, not delivered here;
//! - `{"status":"UP"}`: the server's answer to a keep-alive: nothing to do;
//! - `{"error":{"name":..,"message":..}}`: an exchange error.
//!
//! A code not subscribed is skipped (an order book code may come back with its unit count,
//! `KRW-BTC.15`: the count is dropped); anything else is malformed.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use serde::Deserialize;

use super::market::ErrorBody;
use super::{book, trade};
use crate::adapter::FrameContext;
use crate::parse::malformed;
use crate::parsed::ParsedFrame;

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    code: Option<Cow<'a, str>>,
    #[serde(borrow)]
    status: Option<Cow<'a, str>>,
    #[serde(borrow)]
    error: Option<ErrorBody<'a>>,
}

/// `KRW-BTC.15` → `KRW-BTC`.
pub(super) fn market_of(code: &str) -> &str {
    match code.rsplit_once('.') {
        Some((market, count)) if !count.is_empty() && count.bytes().all(|b| b.is_ascii_digit()) => {
            market
        }
        _ => code,
    }
}

pub(super) fn parse_frame(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let envelope: Envelope<'_> = serde_json::from_str(frame).map_err(|e| malformed(&e))?;
    if let Some(error) = envelope.error {
        return Err(FrameError::Exchange(format!(
            "{}: {}",
            error.name.as_deref().unwrap_or("error"),
            error.message.as_deref().unwrap_or("no message")
        )));
    }
    if let Some(status) = envelope.status.as_deref() {
        return match status {
            "UP" => Ok(()),
            other => Err(FrameError::Exchange(format!("server status {other:?}"))),
        };
    }
    let Some(kind) = envelope.kind.as_deref() else {
        return Err(FrameError::Malformed(
            "neither data, a status nor an error".into(),
        ));
    };
    match kind {
        "trade" | "orderbook" => {
            let code = envelope
                .code
                .as_deref()
                .ok_or_else(|| FrameError::Malformed(format!("{kind} without 'code'")))?;
            let Some(symbol) = context.markets.symbol(market_of(code)) else {
                return Ok(()); // a market this feed did not subscribe to
            };
            if kind == "trade" {
                trade::push_trade(symbol, frame, context, out)
            } else {
                book::push_orderbook(symbol, frame, out)
            }
        }
        "ticker" => Ok(()),
        _ if kind.starts_with("candle.") => Ok(()),
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
        let markets = [Market::new("BTC", "KRW", "KRW-BTC")];
        parse_frame_with(parse_frame, &markets, "UPBIT", "1", frame)
    }

    #[test]
    fn every_documented_shape_is_recognised() {
        assert!(kinds(&parse(r#"{"status":"UP"}"#).unwrap()).is_empty());
        assert!(kinds(&parse(r#"{"type":"ticker","code":"KRW-BTC","opening_price":31883000,"trade_price":32292000,"stream_type":"REALTIME"}"#).unwrap()).is_empty());
        assert!(kinds(&parse(r#"{"type":"candle.1s","code":"KRW-BTC","candle_date_time_utc":"2025-01-02T04:28:05","opening_price":142009000}"#).unwrap()).is_empty());
        let coded = r#"{"type":"orderbook","code":"KRW-BTC.15","timestamp":1,"orderbook_units":[{"ask_price":2,"bid_price":1,"ask_size":1,"bid_size":1}],"stream_type":"REALTIME"}"#;
        assert_eq!(kinds(&parse(coded).unwrap()), vec!["l2_book"]);
        assert!(matches!(
            parse(r#"{"foo":1}"#),
            Err(FrameError::Malformed(_))
        ));
        assert!(matches!(
            parse(r#"{"type":"trade","trade_price":1}"#),
            Err(FrameError::Malformed(_))
        ));
        assert!(matches!(parse("PONG"), Err(FrameError::Malformed(_))));
    }

    #[test]
    fn documented_errors_are_exchange_errors() {
        assert_eq!(
            parse(r#"{"error":{"name":"INVALID_PARAM","message":"Missing required request parameters or unsupported value requested"}}"#)
                .unwrap_err(),
            FrameError::Exchange(
                "INVALID_PARAM: Missing required request parameters or unsupported value requested".into()
            )
        );
        assert_eq!(
            parse(r#"{"error":{"name":"NO_TICKET"}}"#).unwrap_err(),
            FrameError::Exchange("NO_TICKET: no message".into())
        );
    }
}
