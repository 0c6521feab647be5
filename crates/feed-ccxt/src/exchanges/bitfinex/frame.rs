//! Bitfinex frames: every documented shape recognised, then handed to its parser.
//!
//! Objects are events:
//!
//! - `{"event":"info","version":2,"serverId":"..","platform":{"status":1}}` opens each
//!   connection (the feed's old channels are forgotten); `info` with `code` 20051 (server
//!   restart: reconnect), 20060/20061 (maintenance start/end) is logged;
//! - `{"event":"conf","status":"OK","flags":163840}`: nothing (another status: an exchange
//!   error);
//! - `{"event":"subscribed","channel":"book","chanId":10092,"symbol":"tBTCUSD",...}`: the
//!   acknowledgement of that channel and symbol, and what `chanId` carries from now on;
//!   `{"event":"unsubscribed","status":"OK","chanId":10092}`: that `chanId` is gone;
//! - `{"event":"error","msg":"..","code":10300,"channel":"book","symbol":"tBTCUSD"}`: the
//!   refusal of that channel and symbol; code 10301 (already subscribed) for a stream this
//!   feed has is the answer to a resubscribe, and is answered by unsubscribing its
//!   `chanId` and subscribing again; an error naming no channel is an exchange error;
//! - `pong` and other events: nothing.
//!
//! Arrays are data, `[CHAN_ID, ...]`, read by what the `chanId` was subscribed to (an
//! unknown `chanId` is skipped), with the `TIMESTAMP` flag's time (ms) as the last element:
//! `[CHAN_ID, "hb"]` heartbeats; trades `[CHAN_ID, "te", [..]]` (the snapshot and `tu`
//! skipped); books `[CHAN_ID, [[..], ..]]` (snapshot), `[CHAN_ID, [..]]` (one level),
//! `[CHAN_ID, "cs", CHECKSUM]`; tickers `[CHAN_ID, [..]]`.
//!
//! Anything else is malformed.

use std::borrow::Cow;

use feed_core::book::{BookBatch, BookMessageKind, LevelUpdate};
use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Channel, Symbol};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::state::{feed_of, ChannelInfo, State, MAX_PENDING_LEVELS};
use super::subscription::{channel_of, request};
use super::{book, ticker, trade};
use crate::adapter::FrameContext;
use crate::parse::{integer, malformed, scalar_text};
use crate::parsed::{Ack, ParsedFrame};

/// The documented code of "already subscribed".
const ALREADY_SUBSCRIBED: i64 = 10301;

#[derive(Deserialize)]
struct EventFrame<'a> {
    #[serde(borrow)]
    event: Cow<'a, str>,
    #[serde(borrow)]
    channel: Option<Cow<'a, str>>,
    #[serde(rename = "chanId")]
    chan_id: Option<u64>,
    #[serde(borrow)]
    symbol: Option<Cow<'a, str>>,
    #[serde(borrow)]
    len: Option<&'a RawValue>,
    code: Option<i64>,
    #[serde(borrow, default)]
    msg: Cow<'a, str>,
    #[serde(borrow)]
    status: Option<Cow<'a, str>>,
}

pub(super) fn parse_frame(
    state: &State,
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    match frame.trim_start().as_bytes().first() {
        Some(b'{') => parse_event(state, frame, context, out),
        Some(b'[') => parse_data(state, frame, context, out),
        _ => Err(FrameError::Malformed("neither an event nor data".into())),
    }
}

fn parse_event(
    state: &State,
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let event: EventFrame<'_> = serde_json::from_str(frame).map_err(|error| malformed(&error))?;
    let feed = feed_of(context);
    let topic = match (event.channel.as_deref().and_then(channel_of), &event.symbol) {
        (Some(channel), Some(symbol)) => Some((channel, symbol.to_string())),
        _ => None,
    };
    match event.event.as_ref() {
        "info" => {
            if let Some(code) = event.code {
                tracing::warn!(code, msg = %event.msg, "bitfinex info event");
            } else {
                state.connected(feed);
            }
            Ok(())
        }
        "conf" => match event.status.as_deref() {
            None | Some("OK") => Ok(()),
            Some(status) => Err(FrameError::Exchange(format!("conf refused: {status}"))),
        },
        "subscribed" => {
            let Some(chan_id) = event.chan_id else {
                return Err(FrameError::Malformed("subscribed without chanId".into()));
            };
            let Some((channel, symbol)) = topic else {
                return Ok(()); // a channel this adapter does not ask for
            };
            let len = match event.len {
                Some(raw) => scalar_text(raw, "len")?.parse().unwrap_or(25),
                None => 25,
            };
            let again = request(channel, &symbol, len).unwrap_or_default();
            state.subscribed(
                feed,
                chan_id,
                ChannelInfo::new(channel, symbol.clone(), again),
            );
            out.acks.push(Ack::Topic {
                channel,
                exchange_symbol: symbol,
                outcome: Ok(()),
            });
            Ok(())
        }
        "unsubscribed" => {
            if let Some(chan_id) = event.chan_id {
                state.unsubscribed(feed, chan_id);
            }
            Ok(())
        }
        "error" => {
            let reason = format!("code {}: {}", event.code.unwrap_or_default(), event.msg);
            let Some((channel, symbol)) = topic else {
                return Err(FrameError::Exchange(reason));
            };
            if event.code == Some(ALREADY_SUBSCRIBED) {
                if let Some((chan_id, again)) = state.find(feed, channel, &symbol) {
                    out.replies.push(
                        serde_json::json!({"event": "unsubscribe", "chanId": chan_id}).to_string(),
                    );
                    out.replies.push(again);
                    return Ok(());
                }
            }
            out.acks.push(Ack::Topic {
                channel,
                exchange_symbol: symbol,
                outcome: Err(reason),
            });
            Ok(())
        }
        _ => Ok(()), // pong, ...
    }
}

/// The `TIMESTAMP` flag's time: the last element when it is a number after the payload.
fn appended_time(items: &[&RawValue], payload_end: usize) -> Result<Option<Decimal>, FrameError> {
    match items.get(payload_end) {
        Some(raw) => Ok(Some(millis_to_seconds(integer(raw, "timestamp")?))),
        None => Ok(None),
    }
}

fn parse_data(
    state: &State,
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let items: Vec<&RawValue> = serde_json::from_str(frame).map_err(|error| malformed(&error))?;
    let (Some(chan_id), Some(second)) = (items.first(), items.get(1)) else {
        return Err(FrameError::Malformed("data without a payload".into()));
    };
    let chan_id: u64 = chan_id
        .get()
        .parse()
        .map_err(|_| FrameError::Malformed(format!("not a chanId: {}", chan_id.get())))?;
    let feed = feed_of(context);
    let Some((channel, exchange_symbol)) =
        state.with(feed, chan_id, |info| (info.channel, info.symbol.clone()))
    else {
        return Ok(()); // a channel not (or no longer) subscribed on this connection
    };
    let Some(symbol) = context.markets.symbol(&exchange_symbol) else {
        return Ok(());
    };
    let kind = second.get();
    if kind == r#""hb""# {
        return Ok(());
    }
    match channel {
        Channel::Trades => match kind {
            r#""te""# => {
                let trade = items
                    .get(2)
                    .ok_or_else(|| FrameError::Malformed("te without a trade".into()))?;
                trade::push_trade(trade, symbol, context, out)
            }
            r#""tu""# => Ok(()),
            _ if kind.starts_with('[') => Ok(()), // the snapshot of past trades
            _ => Err(FrameError::Malformed(format!(
                "unknown trades message {kind}"
            ))),
        },
        Channel::Ticker if kind.starts_with('[') => {
            let timestamp = appended_time(&items, 2)?;
            ticker::push_ticker(second, timestamp, symbol, context, out)
        }
        Channel::L2Book => parse_book(state, feed, chan_id, &items, symbol, &mut out.books),
        _ => Err(FrameError::Malformed(format!("unknown message {kind}"))),
    }
}

/// A book message: the snapshot is applied at once, levels wait for their checksum.
fn parse_book(
    state: &State,
    feed: usize,
    chan_id: u64,
    items: &[&RawValue],
    symbol: &Symbol,
    books: &mut BookBatch,
) -> Result<(), FrameError> {
    let kind = items[1].get();
    if kind == r#""cs""# {
        let value = items
            .get(2)
            .ok_or_else(|| FrameError::Malformed("cs without a checksum".into()))?;
        let value = integer(value, "CHECKSUM")?;
        let checksum = i32::try_from(value)
            .map(|signed| signed as u32)
            .map_err(|_| FrameError::Malformed(format!("checksum out of range: {value}")))?;
        let timestamp = appended_time(items, 3)?;
        let (levels, pending_time) = state
            .with(feed, chan_id, |info| {
                (std::mem::take(&mut info.pending), info.pending_time.take())
            })
            .unwrap_or_default();
        push_delta(
            books,
            symbol,
            &levels,
            Some(checksum),
            timestamp.or(pending_time),
        );
        return Ok(());
    }
    let inner = items[1].get().strip_prefix('[').map(str::trim_start);
    let is_snapshot = inner.is_some_and(|rest| rest.starts_with('[') || rest.starts_with(']'));
    let timestamp = appended_time(items, 2)?;
    if is_snapshot {
        let levels = book::snapshot_levels(items[1])?;
        state.with(feed, chan_id, |info| {
            info.pending.clear();
            info.pending_time = None;
        });
        let message = books.start(symbol.clone(), BookMessageKind::Snapshot);
        message.timestamp = timestamp;
        for level in levels {
            books.push_level(level.side, level.price, level.size);
        }
        return Ok(());
    }
    if !items[1].get().starts_with('[') {
        return Err(FrameError::Malformed(format!(
            "unknown book message {kind}"
        )));
    }
    let level = book::level(items[1])?;
    let flush = state
        .with(feed, chan_id, |info| {
            info.pending.push(level);
            if timestamp.is_some() {
                info.pending_time = timestamp;
            }
            (info.pending.len() >= MAX_PENDING_LEVELS)
                .then(|| (std::mem::take(&mut info.pending), info.pending_time.take()))
        })
        .flatten();
    if let Some((levels, time)) = flush {
        // Checksums never came: the levels are applied unchecked rather than kept forever.
        push_delta(books, symbol, &levels, None, time);
    }
    Ok(())
}

fn push_delta(
    books: &mut BookBatch,
    symbol: &Symbol,
    levels: &[LevelUpdate],
    checksum: Option<u32>,
    timestamp: Option<Decimal>,
) {
    let message = books.start(symbol.clone(), BookMessageKind::Delta);
    message.checksum = checksum;
    message.timestamp = timestamp;
    for level in levels {
        books.push_level(level.side, level.price, level.size);
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use feed_core::{Event, Side, Ticker, Trade, TradeId};

    use super::*;
    use crate::markets::{Market, MarketMap};

    struct Harness {
        state: State,
        markets: MarketMap,
        exchange: std::sync::Arc<str>,
    }

    impl Harness {
        fn new() -> Self {
            Harness {
                state: State::default(),
                markets: MarketMap::new([Market::new("BTC", "USD", "tBTCUSD")]),
                exchange: "BITFINEX".into(),
            }
        }

        fn parse(&self, frame: &str) -> Result<ParsedFrame, FrameError> {
            let context = FrameContext {
                connection: None,
                markets: &self.markets,
                exchange: &self.exchange,
                receipt: Decimal::from_str("1574694479.5").unwrap(),
            };
            let mut out = ParsedFrame::default();
            parse_frame(&self.state, frame, &context, &mut out)?;
            Ok(out)
        }
    }

    fn number(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    const INFO: &str = r#"{"event":"info","version":2,"serverId":"1dbc3b01-4bd1-4a4b-9eb3-64d8f02b6bfe","platform":{"status":1}}"#;

    #[test]
    fn documented_trades_by_their_channel_id() {
        let harness = Harness::new();
        harness.parse(INFO).unwrap();
        assert!(
            harness
                .parse(r#"[17470,"te",[401597395,1574694478808,0.005,7245.3]]"#)
                .unwrap()
                .events
                .is_empty(),
            "not subscribed yet"
        );
        let ack = harness.parse(r#"{"event":"subscribed","channel":"trades","chanId":17470,"symbol":"tBTCUSD","pair":"BTCUSD"}"#).unwrap();
        assert_eq!(
            ack.acks,
            vec![Ack::Topic {
                channel: Channel::Trades,
                exchange_symbol: "tBTCUSD".into(),
                outcome: Ok(())
            }]
        );
        assert!(harness.parse(r#"[17470,[[401597393,1574694475039,0.005,7244.9],[401597394,1574694478807,-0.0012,7245]]]"#).unwrap().events.is_empty(), "the snapshot of past trades");
        let parsed = harness
            .parse(r#"[17470,"te",[401597395,1574694478808,0.005,7245.3],1574694478809]"#)
            .unwrap();
        assert_eq!(
            parsed.events,
            vec![Event::Trade(Trade {
                exchange: "BITFINEX".into(),
                symbol: Symbol::parse("BTC-USD").unwrap(),
                side: Side::Buy,
                amount: number("0.005"),
                price: number("7245.3"),
                id: Some(TradeId::Number(401_597_395)),
                timestamp: number("1574694478.808"),
                receipt_timestamp: number("1574694479.5"),
            })]
        );
        let sell = harness
            .parse(r#"[17470,"te",[401597396,1574694478810,-0.0012,7245]]"#)
            .unwrap();
        assert!(
            matches!(&sell.events[..], [Event::Trade(t)] if t.side == Side::Sell && t.amount == number("0.0012"))
        );
        for quiet in [
            r#"[17470,"tu",[401597395,1574694478808,0.005,7245.3]]"#,
            r#"[17470,"hb"]"#,
            r#"[17470,"hb",1574694478808]"#,
        ] {
            assert!(harness.parse(quiet).unwrap().events.is_empty(), "{quiet}");
        }
        assert!(matches!(
            harness.parse(r#"[17470,"te",[1,2]]"#),
            Err(FrameError::Malformed(_))
        ));
        harness
            .parse(r#"{"event":"unsubscribed","status":"OK","chanId":17470}"#)
            .unwrap();
        assert!(harness
            .parse(r#"[17470,"te",[401597397,1574694478808,0.005,7245.3]]"#)
            .unwrap()
            .events
            .is_empty());
    }

    #[test]
    fn documented_ticker() {
        let harness = Harness::new();
        harness.parse(r#"{"event":"subscribed","channel":"ticker","chanId":2,"symbol":"tBTCUSD","pair":"BTCUSD"}"#).unwrap();
        let parsed = harness.parse("[2,[10645,73.93854271,10647,75.22266119,731.60645389,0.0738,10644.00645389,14480.89849423,10766,9889.1449809],1574694478808]").unwrap();
        assert_eq!(
            parsed.events,
            vec![Event::Ticker(Ticker {
                exchange: "BITFINEX".into(),
                symbol: Symbol::parse("BTC-USD").unwrap(),
                bid: number("10645"),
                bid_size: Some(number("73.93854271")),
                ask: number("10647"),
                ask_size: Some(number("75.22266119")),
                timestamp: Some(number("1574694478.808")),
                receipt_timestamp: number("1574694479.5"),
            })]
        );
        assert!(matches!(
            harness.parse("[2,[1,2]]"),
            Err(FrameError::Malformed(_))
        ));
    }

    #[test]
    fn book_levels_wait_for_their_checksum() {
        let harness = Harness::new();
        harness.parse(r#"{"event":"subscribed","channel":"book","chanId":10092,"symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"25","pair":"BTCUSD"}"#).unwrap();
        let snapshot = harness
            .parse("[10092,[[7254.7,3,3.3],[7254.8,1,-2.1]],1574694478000]")
            .unwrap()
            .books;
        assert_eq!(snapshot.messages[0].kind, BookMessageKind::Snapshot);
        assert_eq!(snapshot.levels_of(&snapshot.messages[0]).len(), 2);
        assert!(
            harness
                .parse("[10092,[7254.6,1,1],1574694478100]")
                .unwrap()
                .books
                .is_empty(),
            "held"
        );
        assert!(
            harness
                .parse("[10092,[7254.8,0,-1],1574694478100]")
                .unwrap()
                .books
                .is_empty(),
            "held"
        );
        let checked = harness
            .parse(r#"[10092,"cs",-598516861,1574694478101]"#)
            .unwrap()
            .books;
        let message = &checked.messages[0];
        assert_eq!(message.kind, BookMessageKind::Delta);
        assert_eq!(message.checksum, Some(-598_516_861_i32 as u32));
        assert_eq!(message.timestamp, Some(number("1574694478.101")));
        let levels = checked.levels_of(message);
        assert_eq!(levels.len(), 2);
        assert_eq!(
            (levels[1].side, levels[1].size),
            (feed_core::book::BookSide::Ask, Decimal::ZERO)
        );
        let empty = harness.parse(r#"[10092,"cs",12345]"#).unwrap().books;
        assert!(
            empty.levels_of(&empty.messages[0]).is_empty(),
            "a checksum alone"
        );
        assert!(matches!(
            harness.parse(r#"[10092,"cs",99999999999]"#),
            Err(FrameError::Malformed(_))
        ));
    }

    #[test]
    fn events_acks_refusals_and_the_resubscribe_answer() {
        let harness = Harness::new();
        for quiet in [
            INFO,
            r#"{"event":"conf","status":"OK","flags":163840}"#,
            r#"{"event":"pong","cid":1}"#,
            r#"{"event":"info","code":20051,"msg":"Stopping. Please try to reconnect"}"#,
        ] {
            let parsed = harness.parse(quiet).unwrap();
            assert!(
                parsed.acks.is_empty() && parsed.replies.is_empty(),
                "{quiet}"
            );
        }
        assert!(matches!(
            harness.parse(r#"{"event":"conf","status":"FAILED","flags":163840}"#),
            Err(FrameError::Exchange(_))
        ));
        let refused = harness.parse(r#"{"event":"error","msg":"symbol: invalid","code":10300,"channel":"book","symbol":"tBTCUSD","pair":"BTCUSD"}"#).unwrap();
        assert_eq!(
            refused.acks,
            vec![Ack::Topic {
                channel: Channel::L2Book,
                exchange_symbol: "tBTCUSD".into(),
                outcome: Err("code 10300: symbol: invalid".into())
            }]
        );
        let error = harness.parse(r#"{"event":"error","msg":"Unknown event","code":10000}"#);
        assert!(
            matches!(&error, Err(FrameError::Exchange(text)) if text == "code 10000: Unknown event"),
            "{error:?}"
        );
        harness.parse(r#"{"event":"subscribed","channel":"book","chanId":10092,"symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"100","pair":"BTCUSD"}"#).unwrap();
        let dup = harness.parse(r#"{"event":"error","msg":"subscribe: dup","code":10301,"channel":"book","symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"100","pair":"BTCUSD"}"#).unwrap();
        assert!(dup.acks.is_empty());
        let replies: Vec<serde_json::Value> = dup
            .replies
            .iter()
            .map(|reply| serde_json::from_str(reply).unwrap())
            .collect();
        assert_eq!(
            replies,
            vec![
                serde_json::json!({"event":"unsubscribe","chanId":10092}),
                serde_json::json!({"event":"subscribe","channel":"book","symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"100"}),
            ]
        );
        for bad in ["hello", "[]", r#"["x","hb"]"#, r#"{"foo":1}"#] {
            assert!(
                matches!(harness.parse(bad), Err(FrameError::Malformed(_))),
                "{bad}"
            );
        }
    }
}
