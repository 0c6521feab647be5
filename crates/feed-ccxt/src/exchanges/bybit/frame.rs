//! Bybit frames: every documented shape of the public stream recognised, then handed to
//! its parser.
//!
//! - Data frames have a `topic`: `publicTrade.*` (trades), `orderbook.{depth}.*` (books),
//!   `tickers.*` (tickers, funding, open interest; spot's carry none of them), `kline.*`
//!   (candles), `allLiquidation.*` (liquidations); every other topic (`liquidation.*`,
//!   `orderbook.full.*`, `orderbook.rpi.*`, ...) is never subscribed and is skipped.
//! - Control frames have `op` and `success`: the answer to a subscribe message with our
//!   `req_id` acknowledges (or refuses) that message ([`Ack::Request`]); pongs and
//!   unsubscribe answers carry nothing; a failure we cannot tie to a subscribe message is
//!   an exchange error (the session keeps it as the possible reason of a refusal).
//! - The option-style pong `{"args":["1672916271846"],"op":"pong"}` carries nothing.
//!
//! Anything else is malformed.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::book::{self, BookFrame};
use super::candle::{self, CANDLE_TOPIC_PREFIX};
use super::liquidation::{self, LIQUIDATION_TOPIC_PREFIX};
use super::ticker::{self, TICKER_TOPIC_PREFIX};
use super::trade::{self, TRADE_TOPIC_PREFIX};
use super::{book_fast, trade_fast};
use crate::adapter::FrameContext;
use crate::parse::fast::read_books;
use crate::parse::{malformed, scalar_text};
use crate::parsed::{Ack, ParsedFrame};

/// Every frame shape on the public stream, read in one pass. The documented control
/// frames (spot ack, spot pong, and a failure as captured live — the docs show none):
///
/// ```json
/// {"success":true,"ret_msg":"subscribe","conn_id":"2324d924-aa4d-45b0-a858-7b8be29ab52b","req_id":"10001","op":"subscribe"}
/// {"success":true,"ret_msg":"pong","conn_id":"0970e817-426e-429a-a679-ff7f55e0b16a","op":"ping"}
/// {"success":false,"ret_msg":"error:handler not found,topic:orderbook.1.NOPEUSDT","conn_id":"x","req_id":"3","op":"subscribe"}
/// ```
///
/// Other categories answer with `"ret_msg":""` and `"req_id":""`, so `success` decides,
/// never the text of `ret_msg`. The data frames are [`book`]'s and [`trade`]'s.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    topic: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "type")]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    ts: Option<&'a RawValue>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
    success: Option<bool>,
    #[serde(borrow)]
    ret_msg: Option<Cow<'a, str>>,
    #[serde(borrow)]
    op: Option<Cow<'a, str>>,
    #[serde(borrow)]
    req_id: Option<&'a RawValue>,
}

/// The id of one of our subscribe messages: we send `req_id` as the decimal text of a
/// number; anything else (`""`, another client's text) is not ours.
fn request_id(raw: Option<&RawValue>) -> Option<u64> {
    let text = scalar_text(raw?, "req_id").ok()?;
    text.parse().ok()
}

/// The topic a failure names (`error:handler not found,topic:orderbook.1.NOPEUSDT`).
fn named_topic(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once("topic:")?;
    let topic = rest.split([',', ']', ' ']).next().unwrap_or(rest);
    (!topic.is_empty()).then_some(topic)
}

/// Every documented shape recognised (see the module docs): trade and book frames in the
/// documented layout on the hot paths ([`trade_fast`], [`book_fast`]), everything else with
/// serde.
pub(super) fn parse_frame(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    if trade_fast::push_trades(frame, context, out).is_some()
        || read_books(book_fast::read_book, frame, context, out).is_some()
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
    let envelope: Envelope<'_> = serde_json::from_str(frame).map_err(|error| malformed(&error))?;
    if let Some(topic) = envelope.topic.as_deref() {
        if topic.starts_with(TRADE_TOPIC_PREFIX) {
            return trade::push_trades(topic, envelope.data, context, out);
        }
        if topic.starts_with(LIQUIDATION_TOPIC_PREFIX) {
            return liquidation::push_liquidations(topic, envelope.data, context, out);
        }
        if topic.starts_with(CANDLE_TOPIC_PREFIX) {
            return candle::push_candles(topic, envelope.data, context, out);
        }
        if topic.starts_with(TICKER_TOPIC_PREFIX) {
            let frame = ticker::TickerFrame {
                topic,
                kind: envelope.kind.as_deref(),
                ts: envelope.ts,
                data: envelope.data,
            };
            return ticker::push_ticker(&frame, context, out);
        }
        if book::is_book_topic(topic) {
            let frame = BookFrame {
                topic,
                kind: envelope.kind.as_deref(),
                ts: envelope.ts,
                data: envelope.data,
            };
            return book::push_book(&frame, context, &mut out.books);
        }
        return Ok(()); // a topic this adapter never subscribes to
    }
    let op = envelope.op.as_deref();
    match envelope.success {
        Some(true) => {
            if op == Some("subscribe") {
                if let Some(id) = request_id(envelope.req_id) {
                    out.acks.push(Ack::Request {
                        id,
                        outcome: Ok(()),
                    });
                }
            }
            Ok(()) // a pong, an unsubscribe answer, or another client's subscribe
        }
        Some(false) => {
            let message = envelope
                .ret_msg
                .as_deref()
                .filter(|message| !message.is_empty())
                .unwrap_or("no ret_msg");
            let op_name = op.unwrap_or("request");
            let reason = match named_topic(message) {
                Some(topic) => format!("{op_name} of {topic} failed: {message}"),
                None => format!("{op_name} failed: {message}"),
            };
            match (op, request_id(envelope.req_id)) {
                (Some("subscribe"), Some(id)) => {
                    out.acks.push(Ack::Request {
                        id,
                        outcome: Err(reason),
                    });
                    Ok(())
                }
                _ => Err(FrameError::Exchange(reason)),
            }
        }
        None if op == Some("pong") => Ok(()),
        None => Err(FrameError::Malformed(
            "neither a topic, an ack nor a pong".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    fn parse(frame: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [Market::new("BTC", "USDT", "BTCUSDT")];
        parse_frame_with(parse_frame, &markets, "BYBIT", "1672304487.25", frame)
    }

    #[test]
    fn our_subscribe_answers_acknowledge_their_request() {
        let ack = parse(r#"{"success":true,"ret_msg":"subscribe","conn_id":"2324d924-aa4d-45b0-a858-7b8be29ab52b","req_id":"10001","op":"subscribe"}"#).unwrap();
        assert_eq!(
            ack.acks,
            vec![Ack::Request {
                id: 10001,
                outcome: Ok(())
            }]
        );
        // Linear-style (`req_id` empty), no `req_id`, an unsubscribe answer, pongs: nothing.
        for frame in [
            r#"{"success":true,"ret_msg":"","conn_id":"c","req_id":"","op":"subscribe"}"#,
            r#"{"success":true,"ret_msg":"subscribe","conn_id":"f6b17b77-48b6-4c5c-b5ec-4a1c733f5763","op":"subscribe"}"#,
            r#"{"success":true,"ret_msg":"","conn_id":"c","req_id":"3","op":"unsubscribe"}"#,
            r#"{"success":true,"ret_msg":"pong","conn_id":"0970e817-426e-429a-a679-ff7f55e0b16a","op":"ping"}"#,
            r#"{"args":["1672916271846"],"op":"pong"}"#,
        ] {
            let parsed = parse(frame).unwrap();
            assert!(
                parsed.acks.is_empty() && parsed.events.is_empty(),
                "{frame}"
            );
        }
    }

    #[test]
    fn a_refusal_of_our_subscribe_names_the_topic() {
        let refused = parse(r#"{"success":false,"ret_msg":"error:handler not found,topic:orderbook.1.NOPEUSDT","conn_id":"x","req_id":"3","op":"subscribe"}"#).unwrap();
        assert_eq!(
            refused.acks,
            vec![Ack::Request {
                id: 3,
                outcome: Err("subscribe of orderbook.1.NOPEUSDT failed: error:handler not found,topic:orderbook.1.NOPEUSDT".into()),
            }]
        );
        // The same refusal without a `req_id` of ours: an exchange error naming the topic.
        assert_eq!(
            parse(r#"{"success":false,"ret_msg":"error:handler not found,topic:publicTrade.NOTASYMBOL","conn_id":"da7tne17jutmkv5im010-bcdap","req_id":"","op":"subscribe"}"#).unwrap_err(),
            FrameError::Exchange("subscribe of publicTrade.NOTASYMBOL failed: error:handler not found,topic:publicTrade.NOTASYMBOL".into())
        );
        assert_eq!(
            parse(r#"{"success":false,"ret_msg":"args size >10","conn_id":"c","req_id":"11","op":"subscribe"}"#).unwrap().acks,
            vec![Ack::Request { id: 11, outcome: Err("subscribe failed: args size >10".into()) }]
        );
        assert!(matches!(
            parse(r#"{"success":false,"ret_msg":"not subscribed","conn_id":"c","req_id":"3","op":"unsubscribe"}"#),
            Err(FrameError::Exchange(text)) if text == "unsubscribe failed: not subscribed"
        ));
    }

    /// A recording interleaves every topic: each documented shape is recognised (none is
    /// malformed), and only trades, candles and the depth books produce anything (the spot
    /// ticker carries no best bid and ask).
    #[test]
    fn every_documented_shape_is_recognised() {
        let frames = [
            r#"{"topic":"tickers.BTCUSDT","ts":1673853746003,"type":"snapshot","cs":2588407389,"data":{"symbol":"BTCUSDT","lastPrice":"21109.77","highPrice24h":"21426.99","lowPrice24h":"20575","prevPrice24h":"20704.93","volume24h":"6780.866843","turnover24h":"141946527.22907118","price24hPcnt":"0.0196","usdIndexPrice":"21120.2400136"}}"#,
            r#"{"topic":"orderbook.full.BTCUSDT","ts":1784103477732,"type":"delta","data":{"s":"BTCUSDT","b":[["0.4758","2342.47"]],"a":[],"u":278547,"seq":1501100579},"cts":1784103477730}"#,
            r#"{"topic":"orderbook.rpi.BTCUSDT","ts":1752472188075,"type":"delta","data":{"s":"BTCUSDT","b":[["121975.1","0.114259","0"]],"a":[],"u":2258980,"seq":79683241099},"cts":1752472188067}"#,
            r#"{"topic":"kline.5.BTCUSDT","data":[{"start":1672324800000,"end":1672325099999,"interval":"5","open":"16649.5","close":"16677","high":"16677","low":"16608","volume":"2.081","turnover":"34666.4005","confirm":false,"timestamp":1672324988882}],"ts":1672324988882,"type":"snapshot"}"#,
            r#"{"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1687940967466,"data":{"s":"BTCUSDT","b":[["30247.20","30.028"]],"a":[],"u":177400507,"seq":66544703342},"cts":1687940967464}"#,
            r#"{"topic":"orderbook.1.BTCUSDT","ts":1772694601512,"type":"snapshot","data":{"s":"BTCUSDT","b":[["16493.50","0.006"]],"a":[["16611.00","0.029"]],"u":18521288,"seq":7961638724},"cts":1772694601510}"#,
            r#"{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1672304486868,"data":[{"T":1672304486865,"s":"BTCUSDT","S":"Buy","v":"0.001","p":"16578.50","L":"PlusTick","i":"20f43950-d8dd-5b31-9112-a178eb6023af","BT":false}]}"#,
        ];
        let parsed: Vec<ParsedFrame> = frames.iter().map(|frame| parse(frame).unwrap()).collect();
        assert!(parsed[..3]
            .iter()
            .all(|p| p.events.is_empty() && p.books.is_empty()));
        assert_eq!(parsed[3].events.len(), 1, "a candle (CANDLES came later)");
        assert_eq!(parsed[4].books.messages.len(), 1, "a depth-50 delta");
        assert_eq!(parsed[5].books.messages.len(), 1, "a level-1 snapshot");
        assert_eq!(parsed[6].events.len(), 1, "a trade");
        assert!(matches!(
            parse(r#"{"foo":1}"#),
            Err(FrameError::Malformed(_))
        ));
    }
}
