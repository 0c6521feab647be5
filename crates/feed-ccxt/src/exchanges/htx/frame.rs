//! HTX frames: gzip-compressed binary on the wire; every documented shape of the JSON
//! inside recognised, then handed to its parser
//! (<https://huobiapi.github.io/docs/spot/v1/en/#websocket-market-data>).
//!
//! Shapes:
//!
//! - `{"ping": 1492420473027}`: the server's heartbeat, answered with
//!   `{"pong": 1492420473027}` (the same number, as sent);
//! - `{"ch": "market.$symbol.<channel>", "ts": .., "tick": {..}}`: data, by channel:
//!   `trade.detail` ([`super::trade`]), `mbp.$levels` ([`super::book`]), `bbo`
//!   ([`super::ticker`]); other channels (`kline`, `depth`, `detail`, `ticker`) are
//!   recognised and not delivered here; a market not subscribed is skipped;
//! - `{"id": "1", "status": "ok", "subbed": ".."}`: the `sub` with that id is accepted;
//!   `{"id": .., "status": "ok", "unsubbed": ".."}`: an `unsub` done (nothing to do);
//! - `{"id": "req-1", "rep": "market.btcusdt.mbp.20", "status": "ok", "data": {..}}`: the
//!   refresh image of a book ([`super::book`]);
//! - `{"id": "1", "status": "error", "err-code": "bad-request", "err-msg": ".."}`: a refused
//!   `sub` (or `req`, whose id names the same subscription) — an acknowledgement refusal;
//!   an error naming none of our ids is an exchange error.
//!
//! Anything else is malformed.

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{Cursor, Read};

use feed_core::runtime::FrameError;
use flate2::read::GzDecoder;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{book, ticker, trade, trade_fast};
use crate::adapter::FrameContext;
use crate::parse::malformed;
use crate::parsed::{Ack, ParsedFrame};

/// The most bytes a frame may decompress to (a 400-level image is far smaller).
const MAX_DECOMPRESSED: u64 = 16 * 1024 * 1024;

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    ping: Option<&'a RawValue>,
    #[serde(borrow)]
    ch: Option<Cow<'a, str>>,
    #[serde(borrow)]
    ts: Option<&'a RawValue>,
    #[serde(borrow)]
    tick: Option<&'a RawValue>,
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    status: Option<Cow<'a, str>>,
    #[serde(borrow)]
    subbed: Option<&'a RawValue>,
    #[serde(borrow)]
    unsubbed: Option<&'a RawValue>,
    #[serde(borrow)]
    rep: Option<Cow<'a, str>>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
    #[serde(borrow, rename = "err-code")]
    err_code: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "err-msg")]
    err_msg: Option<Cow<'a, str>>,
}

/// A decompressed frame's text is kept for the next frame when it is at most this large.
const KEPT_TEXT: usize = 1024 * 1024;

/// One thread's gzip decoder (its inflate state and input buffer) and text buffer, reused
/// frame after frame instead of allocated for each.
struct Gunzip {
    decoder: GzDecoder<Cursor<Vec<u8>>>,
    text: String,
}

thread_local! {
    static GUNZIP: RefCell<Gunzip> = RefCell::new(Gunzip {
        decoder: GzDecoder::new(Cursor::new(Vec::new())),
        text: String::new(),
    });
}

/// A gzip frame: decompressed (with this thread's reused decoder and buffers), then read as
/// text: a trade push in the documented layout on the hot path ([`trade_fast`]), else with
/// serde.
pub(super) fn parse_gzip_frame(
    frame: &[u8],
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    GUNZIP.with(|gunzip| {
        let Gunzip { decoder, text } = &mut *gunzip.borrow_mut();
        let mut input = decoder.reset(Cursor::new(Vec::new())).into_inner();
        input.clear();
        input.extend_from_slice(frame);
        decoder.reset(Cursor::new(input));
        text.clear();
        let read = decoder
            .take(MAX_DECOMPRESSED + 1)
            .read_to_string(text)
            .map_err(|error| {
                FrameError::Malformed(format!("a binary frame that is not gzip text: {error}"))
            })
            .and_then(|_| {
                if text.len() as u64 > MAX_DECOMPRESSED {
                    return Err(FrameError::Malformed(format!(
                        "a frame that decompresses beyond {MAX_DECOMPRESSED} bytes"
                    )));
                }
                if trade_fast::push_trades(text, context, out).is_some() {
                    return Ok(());
                }
                parse_frame(text, context, out)
            });
        if text.capacity() > KEPT_TEXT {
            *text = String::new();
        }
        read
    })
}

/// The subscription id of a `sub` (`"7"`) or `req` (`"req-7"`) answer.
fn subscription_id(raw: &RawValue) -> Option<u64> {
    let text = raw.get().trim_matches('"');
    text.strip_prefix("req-").unwrap_or(text).parse().ok()
}

/// The market of `market.$symbol.<channel>` and the channel.
fn market_and_channel(topic: &str) -> Option<(&str, &str)> {
    let rest = topic.strip_prefix("market.")?;
    rest.split_once('.')
}

pub(super) fn parse_frame(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let envelope: Envelope<'_> = serde_json::from_str(frame).map_err(|e| malformed(&e))?;
    if let Some(ping) = envelope.ping {
        out.replies.push(format!(r#"{{"pong":{}}}"#, ping.get()));
        return Ok(());
    }
    if let Some(topic) = envelope.ch.as_deref() {
        let tick = envelope
            .tick
            .ok_or_else(|| FrameError::Malformed("data without 'tick'".into()))?;
        let (market, channel) = market_and_channel(topic)
            .ok_or_else(|| FrameError::Malformed(format!("a topic {topic:?}")))?;
        let Some(symbol) = context.markets.symbol(market) else {
            return Ok(()); // a market this feed did not subscribe to
        };
        return match channel {
            "trade.detail" => trade::push_trades(symbol, tick, context, out),
            "bbo" => ticker::push_bbo(symbol, tick, context, out),
            _ if channel.starts_with("mbp.") => {
                book::push_increment(symbol, tick, envelope.ts, &mut out.books)
            }
            _ => Ok(()), // kline, depth, detail, ticker: not delivered by this adapter
        };
    }
    match envelope.status.as_deref() {
        Some("ok") => {
            if let Some(topic) = envelope.rep.as_deref() {
                let data = envelope
                    .data
                    .ok_or_else(|| FrameError::Malformed("a refresh without 'data'".into()))?;
                let Some((market, _)) = market_and_channel(topic) else {
                    return Err(FrameError::Malformed(format!("a topic {topic:?}")));
                };
                let Some(symbol) = context.markets.symbol(market) else {
                    return Ok(());
                };
                return book::push_refresh(symbol, data, envelope.ts, &mut out.books);
            }
            if envelope.subbed.is_some() {
                if let Some(id) = envelope.id.and_then(subscription_id) {
                    out.acks.push(Ack::Request {
                        id,
                        outcome: Ok(()),
                    });
                }
                return Ok(());
            }
            if envelope.unsubbed.is_some() {
                return Ok(());
            }
            Err(FrameError::Malformed(
                "an ok answer to neither sub, unsub nor req".into(),
            ))
        }
        Some("error") => {
            let reason = format!(
                "{}: {}",
                envelope.err_code.as_deref().unwrap_or("error"),
                envelope.err_msg.as_deref().unwrap_or("no message")
            );
            match envelope.id.and_then(subscription_id) {
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
        _ => Err(FrameError::Malformed(
            "neither a ping, data nor an answer".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::markets::{Market, MarketMap};
    use crate::testing::{kinds, parse_frame_with};

    fn parse(frame: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [Market::new("BTC", "USDT", "btcusdt")];
        parse_frame_with(parse_frame, &markets, "HTX", "1", frame)
    }

    fn gzip(text: &str) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(text.as_bytes()).unwrap();
        encoder.finish().unwrap()
    }

    fn parse_binary(bytes: &[u8]) -> Result<ParsedFrame, FrameError> {
        let markets = MarketMap::new([Market::new("BTC", "USDT", "btcusdt")]);
        let exchange: std::sync::Arc<str> = "HTX".into();
        let context = FrameContext {
            connection: None,
            markets: &markets,
            exchange: &exchange,
            receipt: rust_decimal::Decimal::ONE,
        };
        let mut out = ParsedFrame::default();
        parse_gzip_frame(bytes, &context, &mut out).map(|()| out)
    }

    #[test]
    fn gzip_frames_are_read_and_pings_answered_with_the_same_number() {
        let parsed = parse_binary(&gzip(r#"{"ping": 1492420473027}"#)).unwrap();
        assert_eq!(parsed.replies, vec![r#"{"pong":1492420473027}"#.to_owned()]);
        let trade = gzip(
            r#"{"ch":"market.btcusdt.trade.detail","ts":1,"tick":{"id":1,"ts":1,"data":[{"id":1,"ts":1630994963173,"tradeId":1,"amount":1,"price":2,"direction":"sell"}]}}"#,
        );
        assert_eq!(kinds(&parse_binary(&trade).unwrap()), vec!["trades"]);
        assert!(matches!(
            parse_binary(b"not gzip"),
            Err(FrameError::Malformed(_))
        ));
        assert!(matches!(
            parse_binary(&trade[..trade.len() / 2]),
            Err(FrameError::Malformed(_))
        ));
    }

    #[test]
    fn answers_acknowledge_or_refuse_their_subscription() {
        assert_eq!(
            parse(r#"{"id":"1","status":"ok","subbed":"market.btcusdt.trade.detail","ts":1489474081631}"#)
                .unwrap()
                .acks,
            vec![Ack::Request { id: 1, outcome: Ok(()) }]
        );
        assert_eq!(
            parse(r#"{"id":"2","status":"error","err-code":"bad-request","err-msg":"invalid topic market.invalidsymbol.trade.detail","ts":1494301904959}"#)
                .unwrap()
                .acks,
            vec![Ack::Request {
                id: 2,
                outcome: Err("bad-request: invalid topic market.invalidsymbol.trade.detail".into())
            }]
        );
        assert_eq!(
            parse(r#"{"id":"req-3","status":"error","err-code":"bad-request","err-msg":"invalid topic"}"#)
                .unwrap()
                .acks[0],
            Ack::Request { id: 3, outcome: Err("bad-request: invalid topic".into()) }
        );
        assert_eq!(
            parse(r#"{"status":"error","err-code":"too-many-requests","err-msg":"slow down"}"#)
                .unwrap_err(),
            FrameError::Exchange("too-many-requests: slow down".into())
        );
        assert!(parse(
            r#"{"id":"unsub-3","status":"ok","unsubbed":"market.btcusdt.mbp.20","ts":1}"#
        )
        .unwrap()
        .acks
        .is_empty());
    }

    /// Every documented shape is recognised; only the delivered channels yield anything.
    #[test]
    fn every_documented_shape_is_recognised() {
        let frames = [
            r#"{"ch":"market.btcusdt.kline.1min","ts":1489474082831,"tick":{"id":1489464480,"amount":0.0,"count":0,"open":7962.62,"close":7962.62,"low":7962.62,"high":7962.62,"vol":0.0}}"#,
            r#"{"ch":"market.btcusdt.depth.step0","ts":1489474082831,"tick":{"bids":[[9999.3900,0.0098]],"asks":[[10010.9800,0.0199]],"version":100434317651,"ts":1630994558001}}"#,
            r#"{"ch":"market.ethusdt.trade.detail","ts":1,"tick":{"id":1,"ts":1,"data":[]}}"#,
            r#"{"ch":"market.btcusdt.bbo","ts":1630994555540,"tick":{"seqId":1,"ask":2,"askSize":1,"bid":1,"bidSize":1,"quoteTime":1630994555540,"symbol":"btcusdt"}}"#,
            r#"{"ch":"market.btcusdt.mbp.20","ts":1,"tick":{"seqNum":2,"prevSeqNum":1,"bids":[[1,0]],"asks":[]}}"#,
        ];
        let parsed: Vec<ParsedFrame> = frames
            .iter()
            .map(|f| parse(f).unwrap_or_else(|e| panic!("{e}: {f}")))
            .collect();
        assert!(parsed[..3].iter().all(|p| kinds(p).is_empty()));
        assert_eq!(kinds(&parsed[3]), vec!["ticker"]);
        assert_eq!(kinds(&parsed[4]), vec!["l2_book"]);
        assert!(matches!(
            parse(r#"{"foo":1}"#),
            Err(FrameError::Malformed(_))
        ));
        assert!(matches!(
            parse(r#"{"ch":"market.btcusdt.trade.detail","ts":1}"#),
            Err(FrameError::Malformed(_))
        ));
    }
}
