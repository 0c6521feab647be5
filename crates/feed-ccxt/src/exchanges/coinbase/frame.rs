//! Coinbase frames: every documented shape recognised, then handed to its parser.
//!
//! Data messages share one envelope, `{"channel":..,"client_id":"","timestamp":..,
//! "sequence_num":..,"events":[..]}`; errors have a `type` instead of a `channel`, so they
//! are told apart first:
//!
//! - `{"type":"error","message":"..."}`: an exchange error;
//! - `l2_data` (the `level2` channel's messages): book snapshots and updates;
//! - `market_trades`: trades;
//! - `subscriptions`: the connection's subscriptions, acknowledging each one listed;
//! - `heartbeats`, `ticker`, `ticker_batch`, `candles`, `status`, `user` and channels added
//!   later: recognised and not delivered here ("New message types can be added at any time.
//!   Clients are expected to ignore messages they do not support.");
//! - a message with a `type` and no `channel`: an unknown message type, ignored.
//!
//! Anything else is malformed. Every frame's `sequence_num` (one counter per connection,
//! see the module docs) is handed to the session, whatever its channel.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::book::{self, L2_DATA};
use super::subscription::{self, MARKET_TRADES, SUBSCRIPTIONS};
use super::trade;
use crate::adapter::FrameContext;
use crate::parse::{malformed, rfc3339_to_seconds};
use crate::parsed::ParsedFrame;

/// The fields that tell the shapes apart; the events are read by the channel's parser.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    channel: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    message: Option<Cow<'a, str>>,
    #[serde(borrow)]
    reason: Option<Cow<'a, str>>,
    #[serde(borrow)]
    timestamp: Option<Cow<'a, str>>,
    sequence_num: Option<u64>,
    #[serde(borrow)]
    events: Option<&'a RawValue>,
}

impl<'a> Envelope<'a> {
    fn events(&self, channel: &str) -> Result<&'a RawValue, FrameError> {
        self.events
            .ok_or_else(|| FrameError::Malformed(format!("{channel} without 'events'")))
    }

    /// The envelope time, exactly (`None` when absent).
    fn time(&self) -> Result<Option<Decimal>, FrameError> {
        self.timestamp
            .as_deref()
            .map(|text| {
                rfc3339_to_seconds(text).ok_or_else(|| {
                    FrameError::Malformed(format!("timestamp is not an RFC 3339 time: {text:?}"))
                })
            })
            .transpose()
    }

    fn error_text(&self, frame: &str) -> String {
        match (self.message.as_deref(), self.reason.as_deref()) {
            (Some(message), Some(reason)) => format!("{message}: {reason}"),
            (Some(message), None) => message.to_owned(),
            (None, Some(reason)) => reason.to_owned(),
            (None, None) => frame.to_owned(),
        }
    }
}

pub(super) fn parse_frame(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let envelope: Envelope<'_> = serde_json::from_str(frame).map_err(|error| malformed(&error))?;
    if envelope.kind.as_deref() == Some("error") {
        return Err(FrameError::Exchange(envelope.error_text(frame)));
    }
    out.sequence = envelope.sequence_num;
    match envelope.channel.as_deref() {
        Some(L2_DATA) => {
            let time = envelope.time()?;
            book::push_l2_data(envelope.events(L2_DATA)?, time, context, &mut out.books)
        }
        Some(MARKET_TRADES) => trade::push_trades(envelope.events(MARKET_TRADES)?, context, out),
        Some(SUBSCRIPTIONS) => {
            subscription::push_acks(envelope.events(SUBSCRIPTIONS)?, &mut out.acks)
        }
        // heartbeats, and channels this feed does not read
        Some(_) => Ok(()),
        None if envelope.kind.is_some() => Ok(()), // an unknown message type
        None => Err(FrameError::Malformed(
            "neither a channel message nor an error".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markets::Market;
    use crate::parsed::Ack;
    use crate::testing::parse_frame_with;
    use feed_core::Channel;

    fn parse(frame: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [
            Market::new("BTC", "USD", "BTC-USD"),
            Market::new("ETH", "USD", "ETH-USD"),
        ];
        parse_frame_with(parse_frame, &markets, "COINBASE", "1676000000.5", frame)
    }

    /// A connection's frames as they interleave, each a documented shape: every one is
    /// recognised, hands its `sequence_num` to the session, and only the subscribed kinds
    /// produce anything.
    #[test]
    fn every_documented_shape_is_recognised_and_numbered() {
        let frames = [
            r#"{"channel":"subscriptions","client_id":"","timestamp":"2023-02-09T20:32:50.714964855Z","sequence_num":1,"events":[{"subscriptions":{"level2":["BTC-USD"],"heartbeats":["heartbeats"]}}]}"#,
            r#"{"channel":"l2_data","client_id":"","timestamp":"2023-02-09T20:32:50.714964855Z","sequence_num":2,"events":[{"type":"snapshot","product_id":"BTC-USD","updates":[{"side":"bid","event_time":"1970-01-01T00:00:00Z","price_level":"21921.73","new_quantity":"0.06317902"}]}]}"#,
            r#"{"channel":"heartbeats","client_id":"","timestamp":"2023-06-23T20:31:26.122969572Z","sequence_num":3,"events":[{"current_time":"2023-06-23 20:31:56.121961769 +0000 UTC m=+91717.525857105","heartbeat_counter":"3049"}]}"#,
            r#"{"channel":"market_trades","client_id":"","timestamp":"2023-02-09T20:19:35.39625135Z","sequence_num":4,"events":[{"type":"update","trades":[{"trade_id":"1","product_id":"BTC-USD","price":"1260.01","size":"0.3","side":"BUY","time":"2019-08-14T20:42:27.265Z"}]}]}"#,
            r#"{"channel":"ticker","client_id":"","timestamp":"2023-02-09T20:30:37.167359596Z","sequence_num":5,"events":[{"type":"snapshot","tickers":[{"type":"ticker","product_id":"BTC-USD","price":"21932.98","best_bid":"21931.98","best_bid_quantity":"8000.21","best_ask":"21933.98","best_ask_quantity":"8038.07770938"}]}]}"#,
            r#"{"channel":"ticker_batch","client_id":"","timestamp":"2023-02-09T20:30:37.167359596Z","sequence_num":6,"events":[]}"#,
            r#"{"channel":"candles","client_id":"","timestamp":"2023-06-09T20:19:35.39625135Z","sequence_num":7,"events":[]}"#,
            r#"{"channel":"status","client_id":"","timestamp":"2023-02-09T20:29:49.753424311Z","sequence_num":8,"events":[]}"#,
        ];
        let parsed: Vec<ParsedFrame> = frames.iter().map(|frame| parse(frame).unwrap()).collect();
        let numbers: Vec<Option<u64>> = parsed.iter().map(|p| p.sequence).collect();
        assert_eq!(numbers, (1..=8).map(Some).collect::<Vec<_>>());
        assert_eq!(parsed[0].acks.len(), 1, "level2 BTC-USD");
        assert_eq!(parsed[1].books.messages.len(), 1, "a snapshot");
        assert_eq!(parsed[3].events.len(), 1, "a trade");
        for (index, p) in parsed.iter().enumerate() {
            if ![0, 1, 3].contains(&index) {
                assert!(p.events.is_empty() && p.books.is_empty() && p.acks.is_empty());
            }
        }
        let unknown = parse(r#"{"type":"something_new"}"#).unwrap();
        assert_eq!(unknown.sequence, None);
        assert!(
            matches!(parse(r#"{"foo":1}"#), Err(FrameError::Malformed(text)) if text.contains("neither"))
        );
    }

    #[test]
    fn errors_come_first_and_carry_no_number() {
        assert_eq!(
            parse(r#"{"type":"error","message":"Unknown product TRUTH-USD"}"#).unwrap_err(),
            FrameError::Exchange("Unknown product TRUTH-USD".into())
        );
        let acks = parse(r#"{"channel":"subscriptions","sequence_num":0,"events":[{"subscriptions":{"level2":["BTC-USD","ETH-USD"],"market_trades":["ETH-USD"]}}]}"#).unwrap().acks;
        let topic = |channel, symbol: &str| Ack::Topic {
            channel,
            exchange_symbol: symbol.into(),
            outcome: Ok(()),
        };
        assert_eq!(
            acks,
            vec![
                topic(Channel::L2Book, "BTC-USD"),
                topic(Channel::L2Book, "ETH-USD"),
                topic(Channel::Trades, "ETH-USD"),
            ]
        );
    }

    #[test]
    fn channel_messages_need_events_and_a_time() {
        for (frame, expected) in [
            (r#"{"channel":"l2_data","sequence_num":1}"#, "'events'"),
            (
                r#"{"channel":"subscriptions","sequence_num":1}"#,
                "'events'",
            ),
            (
                r#"{"channel":"l2_data","timestamp":"yesterday","sequence_num":1,"events":[]}"#,
                "timestamp",
            ),
            (
                r#"{"channel":"heartbeats","sequence_num":-1,"events":[]}"#,
                "invalid value",
            ),
        ] {
            match parse(frame) {
                Err(FrameError::Malformed(text)) => assert!(text.contains(expected), "{text}"),
                other => panic!("{frame}: {other:?}"),
            }
        }
    }
}
