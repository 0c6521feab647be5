//! MEXC frames <https://www.mexc.com/api-docs/spot-v3/websocket-market-streams>.
//!
//! Text frames are JSON answers:
//! - `{"id":0,"code":0,"msg":"PONG"}`: the answer to `{"method":"PING"}`;
//! - `{"id":0,"code":0,"msg":"spot@public.aggre.deals.v3.api.pb@100ms@BTCUSDT"}`: the
//!   topics named (comma-separated) are subscribed;
//! - `{"id":0,"code":0,"msg":"Not Subscribed successfully! [spot@...].  Reason： Blocked! "}`:
//!   the bracketed topics are refused, with the reason;
//! - any other `code` or `msg`: an exchange error (refusals when it names our topics).
//!
//! Binary frames are protobuf `PushDataV3ApiWrapper`s ([`super::proto`]): the body says the
//! channel (deals [`super::trade`], depth [`super::book`], book ticker [`super::ticker`]);
//! other bodies and symbols not subscribed are skipped; bytes that do not decode are
//! malformed.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use prost::Message;
use serde::Deserialize;

use super::proto::{Body, PushDataV3ApiWrapper};
use super::subscription::parse_topic;
use super::{book, ticker, trade};
use crate::adapter::FrameContext;
use crate::parse::malformed;
use crate::parsed::{Ack, ParsedFrame};

#[derive(Deserialize)]
struct Answer<'a> {
    code: Option<serde_json::Value>,
    #[serde(borrow)]
    msg: Option<Cow<'a, str>>,
}

const REFUSED: &str = "Not Subscribed successfully!";

pub(super) fn parse_frame(
    frame: &str,
    _context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let answer: Answer<'_> = serde_json::from_str(frame).map_err(|e| malformed(&e))?;
    let Some(msg) = answer.msg.as_deref() else {
        return Err(FrameError::Malformed("an answer without 'msg'".into()));
    };
    let ok = answer.code.as_ref().is_some_and(|code| code == 0);
    if ok && msg == "PONG" {
        return Ok(());
    }
    if let Some(rest) = msg.strip_prefix(REFUSED) {
        let (topics, reason) = match (rest.find('['), rest.find(']')) {
            (Some(open), Some(close)) if open < close => (
                &rest[open + 1..close],
                rest[close + 1..].trim().trim_start_matches('.').trim(),
            ),
            _ => ("", rest.trim()),
        };
        let reason = if reason.is_empty() {
            REFUSED.to_owned()
        } else {
            format!("{REFUSED} {reason}")
        };
        let before = out.acks.len();
        for topic in topics.split(',') {
            if let Some((channel, symbol)) = parse_topic(topic) {
                out.acks.push(Ack::Topic {
                    channel,
                    exchange_symbol: symbol.to_owned(),
                    outcome: Err(reason.clone()),
                });
            }
        }
        if out.acks.len() == before {
            out.acks.push(Ack::Unattributed(reason));
        }
        return Ok(());
    }
    if ok {
        let topics: Vec<_> = msg.split(',').filter_map(parse_topic).collect();
        if !topics.is_empty() {
            for (channel, symbol) in topics {
                out.acks.push(Ack::Topic {
                    channel,
                    exchange_symbol: symbol.to_owned(),
                    outcome: Ok(()),
                });
            }
            return Ok(());
        }
    }
    Err(FrameError::Exchange(format!(
        "code {}: {msg}",
        answer
            .code
            .map_or_else(|| "none".to_owned(), |code| code.to_string())
    )))
}

pub(super) fn parse_binary_frame(
    frame: &[u8],
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let wrapper = PushDataV3ApiWrapper::decode(frame).map_err(|error| {
        FrameError::Malformed(format!(
            "a binary frame that is not a push wrapper: {error}"
        ))
    })?;
    let symbol_name = match wrapper.symbol.as_deref() {
        Some(symbol) if !symbol.is_empty() => symbol,
        _ => parse_topic(&wrapper.channel).map_or("", |(_, symbol)| symbol),
    };
    let Some(body) = wrapper.body.as_ref() else {
        return Ok(()); // a channel this adapter does not read
    };
    let Some(symbol) = context.markets.symbol(symbol_name) else {
        return Ok(()); // a market this feed did not subscribe to
    };
    let time = wrapper.send_time.or(wrapper.create_time);
    match body {
        Body::PublicAggreDeals(deals) => trade::push_deals(symbol, deals, context, out),
        Body::PublicAggreDepths(depths) => book::push_depths(symbol, depths, time, &mut out.books),
        Body::PublicAggreBookTicker(quote) => {
            ticker::push_book_ticker(symbol, quote, time, context, out)
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::markets::{Market, MarketMap};
    use crate::testing::parse_frame_with;

    pub(crate) fn parse_binary(bytes: &[u8]) -> Result<ParsedFrame, FrameError> {
        let markets = MarketMap::new([Market::new("BTC", "USDT", "BTCUSDT")]);
        let exchange: std::sync::Arc<str> = "MEXC".into();
        let context = FrameContext {
            connection: None,
            markets: &markets,
            exchange: &exchange,
            receipt: rust_decimal::Decimal::ONE,
        };
        let mut out = ParsedFrame::default();
        parse_binary_frame(bytes, &context, &mut out).map(|()| out)
    }

    fn parse(frame: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [Market::new("BTC", "USDT", "BTCUSDT")];
        parse_frame_with(parse_frame, &markets, "MEXC", "1", frame)
    }

    #[test]
    fn answers_acknowledge_refuse_or_are_errors() {
        assert!(parse(r#"{"id":0,"code":0,"msg":"PONG"}"#)
            .unwrap()
            .acks
            .is_empty());
        assert_eq!(
            parse(r#"{"id":0,"code":0,"msg":"spot@public.aggre.deals.v3.api.pb@100ms@BTCUSDT"}"#)
                .unwrap()
                .acks,
            vec![Ack::Topic {
                channel: feed_core::Channel::Trades,
                exchange_symbol: "BTCUSDT".into(),
                outcome: Ok(())
            }]
        );
        assert_eq!(
            parse(r#"{"id":0,"code":0,"msg":"Not Subscribed successfully! [spot@public.aggre.depth.v3.api.pb@100ms@BTCUSDT].  Reason： Blocked! "}"#)
                .unwrap()
                .acks,
            vec![Ack::Topic {
                channel: feed_core::Channel::L2Book,
                exchange_symbol: "BTCUSDT".into(),
                outcome: Err("Not Subscribed successfully! Reason： Blocked!".into())
            }]
        );
        assert_eq!(
            parse(r#"{"id":0,"code":1,"msg":"Invalid request"}"#).unwrap_err(),
            FrameError::Exchange("code 1: Invalid request".into())
        );
        assert!(matches!(parse("PONG"), Err(FrameError::Malformed(_))));
    }

    #[test]
    fn binary_frames_that_do_not_decode_are_malformed() {
        assert!(matches!(
            parse_binary(&[0xff, 0xff, 0xff]),
            Err(FrameError::Malformed(_))
        ));
        let other = PushDataV3ApiWrapper {
            channel: "spot@public.kline.v3.api.pb@BTCUSDT@Min15".into(),
            body: None,
            symbol: Some("BTCUSDT".into()),
            symbol_id: None,
            create_time: Some(1),
            send_time: Some(2),
        };
        assert!(parse_binary(&other.encode_to_vec())
            .unwrap()
            .events
            .is_empty());
    }
}
