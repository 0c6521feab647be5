//! Kraken WebSocket v2 frames: every documented shape recognised, then handed to its
//! parser (trades, books, request answers, status, heartbeats, errors).

use std::borrow::Cow;

use feed_core::book::BookMessageKind;
use feed_core::runtime::FrameError;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{ack, book, book_fast, trade, trade_fast};
use crate::adapter::FrameContext;
use crate::parse::fast::read_books;
use crate::parse::malformed;
use crate::parsed::ParsedFrame;

/// Every frame shape, read in one pass. Requests are answered with `method` frames: the
/// subscribe ack (one per symbol)
///
/// ```json
/// {"method":"subscribe","result":{"channel":"trade","snapshot":true,"symbol":"MATIC/USD"},
///  "success":true,"time_in":"2023-09-25T09:04:31.742599Z","time_out":"2023-09-25T09:04:31.742648Z"}
/// ```
///
/// or, on failure, `"success":false` with `error`
/// (`{"error":"Currency pair not supported XBT/FOO","method":"subscribe","req_id":1,"success":false,...}`),
/// read by [`ack`]; unsubscribe acks and `{"method":"pong",...}` carry nothing. Data frames
/// have a `channel`: `trade` ([`trade`]), `book` ([`book`]: `type` is `snapshot` or
/// `update`), `{"channel":"heartbeat"}` about once a second when nothing else is sent, and
/// `status` on connect and on trading-engine changes:
///
/// ```json
/// {"channel":"status","data":[{"api_version":"v2","connection_id":13834774380200032777,
///  "system":"online","version":"2.0.0"}],"type":"update"}
/// ```
///
/// A failed request is an error unless it is the refusal of a subscription ([`ack`]); so
/// is a bare `{"error":...}` (or the undocumented `{"Error":"Exceeded msg rate"}` some
/// clients report). Other channels and methods are ignored.
#[derive(Deserialize)]
pub(super) struct KrakenFrame<'a> {
    #[serde(borrow)]
    pub(super) method: Option<Cow<'a, str>>,
    pub(super) success: Option<bool>,
    #[serde(borrow, alias = "Error")]
    pub(super) error: Option<&'a RawValue>,
    #[serde(borrow)]
    pub(super) result: Option<&'a RawValue>,
    /// The top-level `symbol` some error acks carry (not documented; read if a string).
    #[serde(borrow)]
    pub(super) symbol: Option<&'a RawValue>,
    #[serde(borrow)]
    pub(super) req_id: Option<&'a RawValue>,
    #[serde(borrow)]
    channel: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
}

/// The part of a `status` frame's data worth a log line.
#[derive(Deserialize)]
struct SystemStatus<'a> {
    #[serde(borrow)]
    system: Option<Cow<'a, str>>,
}

/// Every documented shape recognised (see the module docs): trade updates and book frames in
/// the documented layout on the hot paths ([`trade_fast`], [`book_fast`]), everything else
/// with serde.
pub(super) fn parse_frame(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    if trade_fast::push_trades(frame, context, out).is_some()
        || read_books(book_fast::read_frame, frame, context, out).is_some()
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
    let parsed: KrakenFrame<'_> = serde_json::from_str(frame).map_err(|error| malformed(&error))?;
    if let Some(method) = parsed.method.as_deref() {
        return ack::parse_answer(method, &parsed, frame, context, out);
    }
    let bare_error = parsed.error.is_some() && parsed.channel.is_none();
    if parsed.success == Some(false) || bare_error {
        return Err(FrameError::Exchange(error_text(&parsed, frame)));
    }
    match parsed.channel.as_deref() {
        Some("trade") => trade::push_trade_frame(parsed.kind.as_deref(), parsed.data, context, out),
        Some("book") => {
            let kind = match parsed.kind.as_deref() {
                Some("snapshot") => BookMessageKind::Snapshot,
                Some("update") => BookMessageKind::Delta,
                other => {
                    return Err(FrameError::Malformed(format!(
                        "book type is neither snapshot nor update: {other:?}"
                    )))
                }
            };
            let data = parsed
                .data
                .ok_or_else(|| FrameError::Malformed("book without 'data'".into()))?;
            book::push_book_frame(kind, data, context, &mut out.books)
        }
        Some("status") => {
            log_status(parsed.data);
            Ok(())
        }
        Some(_) => Ok(()), // heartbeat, and channels this feed does not read
        None => Err(FrameError::Malformed(
            "neither a method response nor a channel message".into(),
        )),
    }
}

/// The words of a failure: its `error` text, or the frame itself.
pub(super) fn error_text(frame: &KrakenFrame<'_>, text: &str) -> String {
    match frame.error {
        Some(error) => serde_json::from_str::<Cow<'_, str>>(error.get())
            .map_or_else(|_| error.get().to_owned(), Cow::into_owned),
        None => match frame.method.as_deref() {
            Some(method) => format!("{method} failed: {text}"),
            None => text.to_owned(),
        },
    }
}

fn log_status(data: Option<&RawValue>) {
    let statuses: Vec<SystemStatus<'_>> = data
        .and_then(|data| serde_json::from_str(data.get()).ok())
        .unwrap_or_default();
    for system in statuses
        .iter()
        .filter_map(|status| status.system.as_deref())
    {
        if system == "online" {
            tracing::debug!(system, "kraken trading engine status");
        } else {
            tracing::warn!(
                system,
                "kraken trading engine is not online: no trades expected"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use feed_core::Channel;

    use super::*;
    use crate::markets::Market;
    use crate::parsed::Ack;
    use crate::testing::parse_frame_with;

    fn parse(frame: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [
            Market::new("MATIC", "USD", "MATIC/USD").with_precision(Some(4), Some(8)),
            Market::new("BTC", "USD", "BTC/USD").with_precision(Some(1), Some(8)),
        ];
        parse_frame_with(parse_frame, &markets, "KRAKEN", "1696613756.5", frame)
    }

    /// A real connection interleaves every channel: each documented shape is recognised
    /// (none is malformed) and only trades, books and acks produce anything.
    #[test]
    fn every_documented_shape_is_recognised() {
        let frames = [
            r#"{"channel":"status","data":[{"api_version":"v2","connection_id":13834774380200032777,"system":"online","version":"2.0.0"}],"type":"update"}"#,
            r#"{"channel":"heartbeat"}"#,
            r#"{"method":"subscribe","result":{"channel":"book","depth":10,"snapshot":true,"symbol":"MATIC/USD"},"success":true,"time_in":"2023-10-06T17:35:55.219022Z","time_out":"2023-10-06T17:35:55.219067Z"}"#,
            r#"{"channel":"book","type":"snapshot","data":[{"symbol":"MATIC/USD","bids":[{"price":0.5666,"qty":4831.75496356}],"asks":[{"price":0.5668,"qty":4410.79769741}],"checksum":2439117997,"timestamp":"2023-10-06T17:35:55.440295Z"}]}"#,
            r#"{"channel":"book","type":"update","data":[{"symbol":"MATIC/USD","bids":[{"price":0.5657,"qty":1098.3947558}],"asks":[],"checksum":2114181697,"timestamp":"2023-10-06T17:35:55.440295Z"}]}"#,
            r#"{"channel":"trade","type":"update","data":[{"symbol":"MATIC/USD","side":"buy","price":0.5147,"qty":6423.46326,"ord_type":"limit","trade_id":4665846,"timestamp":"2023-09-25T07:48:36.925533Z"}]}"#,
            r#"{"channel":"ticker","type":"update","data":[{"symbol":"BTC/USD","bid":0.0,"bid_qty":0.0,"ask":0.0,"ask_qty":0.0,"last":0.0,"volume":0.0,"vwap":0.0,"low":0.0,"high":0.0,"change":0.0,"change_pct":0.0,"timestamp":"2022-12-25T09:30:59.123456Z"}]}"#,
            r#"{"method":"unsubscribe","result":{"channel":"book","depth":10,"symbol":"MATIC/USD"},"success":true,"time_in":"2023-10-06T17:35:55.219022Z","time_out":"2023-10-06T17:35:55.219067Z"}"#,
            r#"{"method":"pong","req_id":101,"time_in":"2023-09-24T14:10:23.799685Z","time_out":"2023-09-24T14:10:23.799703Z"}"#,
        ];
        let parsed: Vec<ParsedFrame> = frames.iter().map(|frame| parse(frame).unwrap()).collect();
        let nothing =
            |p: &ParsedFrame| p.events.is_empty() && p.books.is_empty() && p.acks.is_empty();
        assert!(nothing(&parsed[0]) && nothing(&parsed[1]));
        assert_eq!(
            parsed[2].acks,
            vec![Ack::Topic {
                channel: Channel::L2Book,
                exchange_symbol: "MATIC/USD".into(),
                outcome: Ok(())
            }]
        );
        assert_eq!(parsed[3].books.messages[0].kind, BookMessageKind::Snapshot);
        assert_eq!(parsed[3].books.levels.len(), 2);
        assert_eq!(parsed[4].books.messages[0].kind, BookMessageKind::Delta);
        assert_eq!(parsed[4].books.messages[0].checksum, Some(2_114_181_697));
        assert_eq!(parsed[5].trades().count(), 1);
        assert!(
            parsed[6..].iter().all(nothing),
            "ticker, unsubscribe ack, pong"
        );
    }

    #[test]
    fn book_frames_of_other_shapes_are_malformed() {
        for (frame, expected) in [
            (
                r#"{"channel":"book","type":"partial","data":[]}"#,
                "neither snapshot nor update",
            ),
            (
                r#"{"channel":"book","data":[]}"#,
                "neither snapshot nor update",
            ),
            (r#"{"channel":"book","type":"update"}"#, "'data'"),
            (
                r#"{"channel":"book","type":"update","data":{}}"#,
                "expected",
            ),
        ] {
            match parse(frame) {
                Err(FrameError::Malformed(text)) => assert!(text.contains(expected), "{text}"),
                other => panic!("{frame}: {other:?}"),
            }
        }
    }
}
