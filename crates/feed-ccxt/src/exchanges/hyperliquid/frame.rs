//! Hyperliquid frames: every documented shape recognised, then handed to its parser.
//!
//! Every message is `{"channel":"<name>","data":...}`:
//!
//! - `subscriptionResponse`, `{"channel":"subscriptionResponse","data":{"method":"subscribe",
//!   "subscription":{"type":"trades","coin":"SOL"}}}`: the acknowledgement of that feed
//!   (both FUNDING and OPEN_INTEREST for `activeAssetCtx`); the answer to an
//!   `unsubscribe` acknowledges nothing;
//! - `pong`, `{"channel":"pong"}`: the answer to the client's ping;
//! - `error`, `{"channel":"error","data":"<text>"}`: an exchange error (its text names no
//!   subscription reliably; the session keeps it as the reason of the subscriptions still
//!   unacknowledged);
//! - `trades`, `l2Book`, `bbo`, `candle`, `activeAssetCtx`: parsed;
//! - every other channel (`activeSpotAssetCtx`, `allMids`, `notification`, `webData2`,
//!   `webData3`, `user`, `userFills`, `orderUpdates`, `userFundings`,
//!   `userNonFundingLedgerUpdates`, `activeAssetData`, `userTwapSliceFills`,
//!   `userTwapHistory`, `post`, and channels added later): recognised and skipped.
//!
//! The plain text `Websocket connection established.` (which the SDK skips) is skipped
//! too. Anything else is malformed.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{asset_ctx, book, candle, subscription, ticker, trade};
use crate::adapter::FrameContext;
use crate::parse::malformed;
use crate::parsed::{Ack, ParsedFrame};

/// A greeting some servers send on connecting, not JSON.
const GREETING: &str = "Websocket connection established.";

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    channel: Option<Cow<'a, str>>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
}

/// The `data` of a `subscriptionResponse`.
#[derive(Deserialize)]
struct Response<'a> {
    #[serde(borrow)]
    method: Option<Cow<'a, str>>,
    #[serde(borrow)]
    subscription: Option<Echo<'a>>,
}

/// The echoed subscription: only its type and coin identify the feed.
#[derive(Deserialize)]
struct Echo<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    coin: Option<Cow<'a, str>>,
}

pub(super) fn parse_frame(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    if frame.trim() == GREETING {
        return Ok(());
    }
    let envelope: Envelope<'_> = serde_json::from_str(frame).map_err(|error| malformed(&error))?;
    let channel = envelope
        .channel
        .ok_or_else(|| FrameError::Malformed("a message without 'channel'".into()))?;
    let data = || {
        envelope
            .data
            .ok_or_else(|| FrameError::Malformed(format!("a {channel} message without 'data'")))
    };
    match channel.as_ref() {
        "pong" => Ok(()),
        "subscriptionResponse" => acknowledge(data()?, out),
        "error" => Err(FrameError::Exchange(error_text(envelope.data))),
        trade::CHANNEL => trade::push_trades(data()?, context, out),
        book::CHANNEL => book::push_book(data()?, context, &mut out.books),
        ticker::SUBSCRIPTION => ticker::push_bbo(data()?, context, out),
        candle::CHANNEL => candle::push_candles(data()?, context, out),
        asset_ctx::CHANNEL => asset_ctx::push_asset_ctx(data()?, context, out),
        _ => Ok(()), // a channel this adapter does not subscribe to
    }
}

/// The acknowledgement of every channel a subscribed feed serves.
fn acknowledge(data: &RawValue, out: &mut ParsedFrame) -> Result<(), FrameError> {
    let response: Response<'_> =
        serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    if response.method.as_deref() != Some("subscribe") {
        return Ok(()); // an unsubscribe answered
    }
    let Some(Echo {
        kind: Some(kind),
        coin: Some(coin),
    }) = response.subscription
    else {
        return Ok(()); // a feed without a coin: not one of this adapter's
    };
    for channel in subscription::channels_of(&kind) {
        out.acks.push(Ack::Topic {
            channel: *channel,
            exchange_symbol: coin.clone().into_owned(),
            outcome: Ok(()),
        });
    }
    Ok(())
}

/// The error's text: `data` as a string, else as sent.
fn error_text(data: Option<&RawValue>) -> String {
    match data {
        Some(raw) => {
            serde_json::from_str::<String>(raw.get()).unwrap_or_else(|_| raw.get().to_owned())
        }
        None => "an error without a message".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use feed_core::{Channel, Symbol};

    use super::*;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    fn parse(frame: &str) -> Result<ParsedFrame, FrameError> {
        let markets = [
            Market::for_symbol(Symbol::perpetual("BTC", "USDC"), "BTC"),
            Market::for_symbol(Symbol::perpetual("SOL", "USDC"), "SOL"),
        ];
        parse_frame_with(parse_frame, &markets, "HYPERLIQUID", "1700000000.5", frame)
    }

    fn topic(channel: Channel, coin: &str) -> Ack {
        Ack::Topic {
            channel,
            exchange_symbol: coin.into(),
            outcome: Ok(()),
        }
    }

    #[test]
    fn the_documented_answer_acknowledges_its_feed() {
        let documented = r#"{"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{"type":"trades","coin":"SOL"}}}"#;
        assert_eq!(
            parse(documented).unwrap().acks,
            vec![topic(Channel::Trades, "SOL")]
        );
        let context = r#"{"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{"type":"activeAssetCtx","coin":"BTC"}}}"#;
        assert_eq!(
            parse(context).unwrap().acks,
            vec![
                topic(Channel::Funding, "BTC"),
                topic(Channel::OpenInterest, "BTC")
            ]
        );
        let candle = r#"{"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{"type":"candle","coin":"BTC","interval":"1m"}}}"#;
        assert_eq!(
            parse(candle).unwrap().acks,
            vec![topic(Channel::Candles, "BTC")]
        );
        let fast = r#"{"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC","fast":true,"nSigFigs":null}}}"#;
        assert_eq!(
            parse(fast).unwrap().acks,
            vec![topic(Channel::L2Book, "BTC")]
        );
        let bbo = r#"{"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{"type":"bbo","coin":"BTC"}}}"#;
        assert_eq!(
            parse(bbo).unwrap().acks,
            vec![topic(Channel::Ticker, "BTC")]
        );
        for silent in [
            r#"{"channel":"subscriptionResponse","data":{"method":"unsubscribe","subscription":{"type":"l2Book","coin":"BTC"}}}"#,
            r#"{"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{"type":"allMids"}}}"#,
            r#"{"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{"type":"userFills","user":"0x0"}}}"#,
        ] {
            assert!(parse(silent).unwrap().acks.is_empty(), "{silent}");
        }
    }

    #[test]
    fn errors_are_exchange_errors_with_their_text() {
        assert_eq!(
            parse(r#"{"channel":"error","data":"Invalid subscription {\"type\":\"trades\",\"coin\":\"NOPE\"}"}"#)
                .unwrap_err(),
            FrameError::Exchange(r#"Invalid subscription {"type":"trades","coin":"NOPE"}"#.into())
        );
        assert_eq!(
            parse(r#"{"channel":"error","data":{"code":1}}"#).unwrap_err(),
            FrameError::Exchange(r#"{"code":1}"#.into())
        );
        assert!(matches!(
            parse(r#"{"channel":"error"}"#),
            Err(FrameError::Exchange(_))
        ));
    }

    /// A live connection interleaves every channel: each documented shape is recognised
    /// (none is malformed), and only the subscribed kinds produce anything.
    #[test]
    fn every_documented_shape_is_recognised() {
        let skipped = [
            "Websocket connection established.",
            r#"{"channel":"pong"}"#,
            r#"{"channel":"allMids","data":{"mids":{"BTC":"97432.5","ETH":"3000.1"}}}"#,
            r#"{"channel":"notification","data":{"notification":"hello"}}"#,
            r#"{"channel":"activeSpotAssetCtx","data":{"coin":"@107","ctx":{"dayNtlVlm":"1","prevDayPx":"1","markPx":"1","midPx":"1","circulatingSupply":"1"}}}"#,
            r#"{"channel":"userFills","data":{"isSnapshot":true,"user":"0x0","fills":[]}}"#,
            r#"{"channel":"orderUpdates","data":[]}"#,
            r#"{"channel":"user","data":{"fills":[]}}"#,
            r#"{"channel":"post","data":{"id":256,"response":{"type":"info","payload":{}}}}"#,
            r#"{"channel":"somethingNew","data":[1,2,3]}"#,
        ];
        for frame in skipped {
            let parsed = parse(frame).unwrap_or_else(|error| panic!("{frame}: {error}"));
            assert!(
                parsed.events.is_empty() && parsed.books.is_empty() && parsed.acks.is_empty(),
                "{frame}"
            );
        }
        let trades = parse(super::super::trade::tests::DOCUMENTED_TRADES).unwrap();
        assert_eq!(trades.events.len(), 2);
        let book = parse(super::super::book::tests::DOCUMENTED_BOOK).unwrap();
        assert_eq!(book.books.messages.len(), 1);
        for bad in [
            "not json",
            r#"{"data":[]}"#,
            r#"{"channel":"trades"}"#,
            r#"{"channel":"subscriptionResponse","data":"ok"}"#,
            r#"["trades"]"#,
        ] {
            assert!(matches!(parse(bad), Err(FrameError::Malformed(_))), "{bad}");
        }
    }
}
