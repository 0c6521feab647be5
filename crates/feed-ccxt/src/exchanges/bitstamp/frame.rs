//! Bitstamp frames: every documented shape recognised, then handed to its parser
//! (<https://www.bitstamp.net/websocket/v2/>). Every frame is
//! `{"event": .., "channel": .., "data": ..}`, told apart by `event`:
//!
//! - `trade` on `live_trades_<pair>`: a trade ([`super::trade`]);
//! - `data` on `diff_order_book_<pair>`: a book diff ([`super::book`]); `data` on other
//!   channels (`order_book_`, `detail_order_book_`) and the `live_orders_` events
//!   (`order_created`, `order_changed`, `order_deleted`): recognised, not delivered here;
//! - `bts:subscription_succeeded` (`{"event":"bts:subscription_succeeded",
//!   "channel":"live_trades_btcusd","data":{}}`): that channel is active ([`Ack::Topic`]);
//!   `bts:unsubscription_succeeded`: nothing to do;
//! - `bts:heartbeat` (`{"event":"bts:heartbeat","channel":"","data":{"status":"success"}}`):
//!   the answer to our heartbeat;
//! - `bts:request_reconnect` (`{"event":"bts:request_reconnect","channel":"","data":""}`):
//!   the server goes into maintenance: reconnect ([`ParsedFrame::reconnect`]);
//! - `bts:error` (`{"event":"bts:error","channel":"","data":{"code":null,
//!   "message":"Bad subscription string."}}`): an exchange error.
//!
//! Anything else is malformed.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::Channel;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{book, subscription, trade};
use crate::adapter::FrameContext;
use crate::parse::malformed;
use crate::parsed::{Ack, ParsedFrame};

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    event: Cow<'a, str>,
    #[serde(borrow, default)]
    channel: Cow<'a, str>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct ErrorData<'a> {
    #[serde(borrow)]
    code: Option<&'a RawValue>,
    #[serde(borrow)]
    message: Option<Cow<'a, str>>,
}

pub(super) fn parse_frame(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let envelope: Envelope<'_> = serde_json::from_str(frame).map_err(|e| malformed(&e))?;
    let data = || {
        envelope
            .data
            .ok_or_else(|| FrameError::Malformed(format!("{} without 'data'", envelope.event)))
    };
    match envelope.event.as_ref() {
        "trade" | "data" => {
            let Some((channel, pair)) = subscription::parse_channel(&envelope.channel) else {
                return Ok(()); // order_book_, detail_order_book_, ...: not delivered here
            };
            let Some(symbol) = context.markets.symbol(pair) else {
                return Ok(());
            };
            match (envelope.event.as_ref(), channel) {
                ("trade", Channel::Trades) => trade::push_trade(symbol, data()?, context, out),
                ("data", Channel::L2Book) => book::push_diff(symbol, data()?, &mut out.books),
                _ => Err(FrameError::Malformed(format!(
                    "event {} on {}",
                    envelope.event, envelope.channel
                ))),
            }
        }
        "order_created"
        | "order_changed"
        | "order_deleted"
        | "bts:heartbeat"
        | "bts:unsubscription_succeeded" => Ok(()),
        "bts:subscription_succeeded" => {
            if let Some((channel, pair)) = subscription::parse_channel(&envelope.channel) {
                out.acks.push(Ack::Topic {
                    channel,
                    exchange_symbol: pair.to_owned(),
                    outcome: Ok(()),
                });
            }
            Ok(())
        }
        "bts:request_reconnect" => {
            out.reconnect = Some("bitstamp asked to reconnect (bts:request_reconnect)".into());
            Ok(())
        }
        "bts:error" => Err(FrameError::Exchange(error_text(envelope.data))),
        other => Err(FrameError::Malformed(format!("event {other:?}"))),
    }
}

/// `code 123: Bad subscription string.`, or the message alone when the code is null.
fn error_text(data: Option<&RawValue>) -> String {
    let Some(raw) = data else {
        return "an error without data".into();
    };
    match serde_json::from_str::<ErrorData<'_>>(raw.get()) {
        Ok(ErrorData {
            code,
            message: Some(message),
        }) => match code.map(RawValue::get) {
            Some(code) if code != "null" => format!("code {}: {message}", code.trim_matches('"')),
            _ => message.into_owned(),
        },
        _ => raw.get().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markets::Market;
    use crate::testing::{kinds, parse_frame_with};

    fn parse(frame: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [Market::new("BTC", "USD", "btcusd")];
        parse_frame_with(parse_frame, &markets, "BITSTAMP", "1", frame)
    }

    #[test]
    fn acks_errors_heartbeats_and_reconnect_requests() {
        assert_eq!(
            parse(
                r#"{"event":"bts:subscription_succeeded","channel":"live_trades_btcusd","data":{}}"#
            )
            .unwrap()
            .acks,
            vec![Ack::Topic {
                channel: Channel::Trades,
                exchange_symbol: "btcusd".into(),
                outcome: Ok(())
            }]
        );
        assert_eq!(
            parse(r#"{"event":"bts:error","channel":"","data":{"code":null,"message":"Bad subscription string."}}"#)
                .unwrap_err(),
            FrameError::Exchange("Bad subscription string.".into())
        );
        assert_eq!(
            parse(
                r#"{"event":"bts:error","channel":"","data":{"code":4,"message":"Rate limited."}}"#
            )
            .unwrap_err(),
            FrameError::Exchange("code 4: Rate limited.".into())
        );
        let heartbeat =
            parse(r#"{"event":"bts:heartbeat","channel":"","data":{"status":"success"}}"#).unwrap();
        assert!(kinds(&heartbeat).is_empty() && heartbeat.reconnect.is_none());
        let reconnect =
            parse(r#"{"event":"bts:request_reconnect","channel":"","data":""}"#).unwrap();
        assert!(reconnect.reconnect.is_some());
    }

    #[test]
    fn every_documented_shape_is_recognised() {
        let frames = [
            r#"{"data":{"timestamp":"1687962049","microtimestamp":"1687962049130472","bids":[["30475","0.5"]],"asks":[]},"channel":"order_book_btcusd","event":"data"}"#,
            r#"{"data":{"id":1634934838558721,"id_str":"1634934838558721","order_type":0,"datetime":"1687962048","microtimestamp":"1687962048178000","amount":0.1,"amount_str":"0.10000000","price":30470,"price_str":"30470"},"channel":"live_orders_btcusd","event":"order_created"}"#,
            r#"{"event":"bts:unsubscription_succeeded","channel":"live_trades_btcusd","data":{}}"#,
            r#"{"data":{"timestamp":"1687962049","microtimestamp":"1687962049130472","bids":[["30475","0.51222614"]],"asks":[["30488","0.00000000"]]},"channel":"diff_order_book_btcusd","event":"data"}"#,
            r#"{"data":{"id":1,"timestamp":"1687962048","amount":1,"amount_str":"1","price":2,"price_str":"2","type":0,"microtimestamp":"1687962048178000","buy_order_id":1,"sell_order_id":2},"channel":"live_trades_btcusd","event":"trade"}"#,
        ];
        let parsed: Vec<ParsedFrame> = frames
            .iter()
            .map(|f| parse(f).unwrap_or_else(|e| panic!("{e}: {f}")))
            .collect();
        assert!(parsed[..3].iter().all(|p| kinds(p).is_empty()));
        assert_eq!(kinds(&parsed[3]), vec!["l2_book"]);
        assert_eq!(kinds(&parsed[4]), vec!["trades"]);
        assert!(matches!(
            parse(r#"{"foo":1}"#),
            Err(FrameError::Malformed(_))
        ));
        assert!(matches!(
            parse(r#"{"event":"surprise","channel":"","data":{}}"#),
            Err(FrameError::Malformed(_))
        ));
    }
}
