//! TICKER, FUNDING and OPEN_INTEREST: the one `tickers.<symbol>` topic of linear and
//! inverse contracts (<https://bybit-exchange.github.io/docs/v5/websocket/public/ticker>),
//! pushed every 100 ms as a `snapshot` then `delta`s carrying only the fields that changed.
//!
//! - TICKER: the best bid and ask as a [`TickerPatch`] (whole on a `snapshot`, the changed
//!   fields on a `delta`); the session merges deltas onto the connection's last snapshot,
//!   so a delta moving one side gives the whole new quote, and a delta before any snapshot
//!   gives none.
//! - FUNDING when the frame has `fundingRate` (empty on dated futures: none), with
//!   `nextFundingTime` and `markPrice` where the same frame gives them (else `None`).
//! - OPEN_INTEREST when it has `openInterest`, with `openInterestValue` where given.
//!
//! Spot's `tickers` carries no best bid or ask (and no funding or open interest), so these
//! channels are refused on spot feeds ([`super::Bybit`]'s `check_symbols`).

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Funding, OpenInterest};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, integer, malformed};
use crate::parsed::{ParsedFrame, TickerPatch};

/// The topic prefix (`tickers.BTCUSDT`).
pub(super) const TICKER_TOPIC_PREFIX: &str = "tickers.";

/// The `data` of a linear/inverse `tickers` frame, as documented (snapshot; a delta has
/// `"type":"delta"` and a subset of the keys):
///
/// ```json
/// {"topic":"tickers.BTCUSDT","type":"snapshot",
///  "data":{"symbol":"BTCUSDT","tickDirection":"PlusTick","price24hPcnt":"0.017103",
///          "lastPrice":"17216.00","prevPrice24h":"16926.50","highPrice24h":"17281.50",
///          "lowPrice24h":"16915.00","prevPrice1h":"17238.00","markPrice":"17217.33",
///          "indexPrice":"17227.36","openInterest":"68744.761",
///          "openInterestValue":"1183601235.91","turnover24h":"1570383121.943499",
///          "volume24h":"91705.276","nextFundingTime":"1673280000000",
///          "fundingRate":"-0.000212","bid1Price":"17215.50","bid1Size":"84.489",
///          "ask1Price":"17216.00","ask1Size":"83.020"},
///  "cs":24987956059,"ts":1673272861686}
/// ```
///
/// Every figure is a decimal string; `nextFundingTime` is in ms; `ts` (ms) is the time of
/// the data. An empty string reads as absent.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TickerData<'a> {
    #[serde(borrow)]
    symbol: Cow<'a, str>,
    #[serde(borrow, default)]
    bid1_price: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    bid1_size: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    ask1_price: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    ask1_size: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    funding_rate: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    next_funding_time: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    mark_price: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    open_interest: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    open_interest_value: Option<Cow<'a, str>>,
}

/// A field that is present and not empty.
fn given<'a>(field: &'a Option<Cow<'_, str>>) -> Option<&'a str> {
    field.as_deref().filter(|text| !text.is_empty())
}

fn optional_decimal(
    field: &Option<Cow<'_, str>>,
    name: &str,
) -> Result<Option<Decimal>, FrameError> {
    given(field).map(|text| decimal(text, name)).transpose()
}

/// One `tickers` frame, as the envelope gave it.
pub(super) struct TickerFrame<'a> {
    pub(super) topic: &'a str,
    /// `snapshot` or `delta`.
    pub(super) kind: Option<&'a str>,
    pub(super) ts: Option<&'a RawValue>,
    pub(super) data: Option<&'a RawValue>,
}

/// The events of one `tickers` frame, all or none.
pub(super) fn push_ticker(
    frame: &TickerFrame<'_>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let topic = frame.topic;
    let snapshot = match frame.kind {
        Some("snapshot") => true,
        Some("delta") => false,
        other => {
            return Err(FrameError::Malformed(format!(
                "{topic} of type {other:?} (neither snapshot nor delta)"
            )))
        }
    };
    let data = frame
        .data
        .ok_or_else(|| FrameError::Malformed(format!("{topic} without 'data'")))?;
    let ticker: TickerData<'_> =
        serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    let Some(symbol) = context.markets.symbol(&ticker.symbol) else {
        return Ok(()); // a market this feed did not subscribe to
    };
    let timestamp = frame
        .ts
        .map(|raw| integer(raw, "ts").map(millis_to_seconds))
        .transpose()?;
    let quote = TickerPatch {
        symbol: symbol.clone(),
        snapshot,
        bid: optional_decimal(&ticker.bid1_price, "bid1Price")?,
        bid_size: optional_decimal(&ticker.bid1_size, "bid1Size")?,
        ask: optional_decimal(&ticker.ask1_price, "ask1Price")?,
        ask_size: optional_decimal(&ticker.ask1_size, "ask1Size")?,
        timestamp,
        receipt_timestamp: context.receipt,
    };
    let mut events = Vec::with_capacity(2);
    if let Some(rate) = given(&ticker.funding_rate) {
        let next_funding_time = given(&ticker.next_funding_time)
            .map(|text| {
                text.parse::<i64>().map(millis_to_seconds).map_err(|_| {
                    FrameError::Malformed(format!("nextFundingTime is not an integer: {text:?}"))
                })
            })
            .transpose()?;
        events.push(Event::Funding(Funding {
            exchange: context.exchange.clone(),
            symbol: symbol.clone(),
            mark_price: optional_decimal(&ticker.mark_price, "markPrice")?,
            rate: decimal(rate, "fundingRate")?,
            predicted_rate: None,
            next_funding_time,
            timestamp,
            receipt_timestamp: context.receipt,
        }));
    }
    if let Some(open_interest) = given(&ticker.open_interest) {
        events.push(Event::OpenInterest(OpenInterest {
            exchange: context.exchange.clone(),
            symbol: symbol.clone(),
            open_interest: decimal(open_interest, "openInterest")?,
            notional: optional_decimal(&ticker.open_interest_value, "openInterestValue")?,
            timestamp,
            receipt_timestamp: context.receipt,
        }));
    }
    let has_quote = quote.snapshot
        || [quote.bid, quote.bid_size, quote.ask, quote.ask_size]
            .iter()
            .any(Option::is_some);
    if has_quote {
        out.ticker_patches.push(quote);
    }
    out.events.extend(events);
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use feed_core::Symbol;

    use super::super::frame::parse_frame;
    use super::*;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    /// The documented linear snapshot.
    pub(crate) const SNAPSHOT: &str = r#"{"topic":"tickers.BTCUSDT","type":"snapshot","data":{"symbol":"BTCUSDT","tickDirection":"PlusTick","price24hPcnt":"0.017103","lastPrice":"17216.00","prevPrice24h":"16926.50","highPrice24h":"17281.50","lowPrice24h":"16915.00","prevPrice1h":"17238.00","markPrice":"17217.33","indexPrice":"17227.36","openInterest":"68744.761","openInterestValue":"1183601235.91","turnover24h":"1570383121.943499","volume24h":"91705.276","nextFundingTime":"1673280000000","fundingRate":"-0.000212","bid1Price":"17215.50","bid1Size":"84.489","ask1Price":"17216.00","ask1Size":"83.020"},"cs":24987956059,"ts":1673272861686}"#;

    fn parse(frame: &str) -> ParsedFrame {
        let markets = [Market::for_symbol(
            Symbol::parse("BTC-USDT-PERP").unwrap(),
            "BTCUSDT",
        )];
        parse_frame_with(parse_frame, &markets, "BYBIT", "1673272862.5", frame).unwrap()
    }

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn a_documented_snapshot_gives_a_whole_quote_funding_and_open_interest() {
        let symbol = Symbol::parse("BTC-USDT-PERP").unwrap();
        let timestamp = Some(decimal("1673272861.686"));
        let receipt = decimal("1673272862.5");
        let parsed = parse(SNAPSHOT);
        assert_eq!(
            parsed.ticker_patches,
            vec![TickerPatch {
                symbol: symbol.clone(),
                snapshot: true,
                bid: Some(decimal("17215.50")),
                bid_size: Some(decimal("84.489")),
                ask: Some(decimal("17216.00")),
                ask_size: Some(decimal("83.020")),
                timestamp,
                receipt_timestamp: receipt,
            }]
        );
        assert_eq!(
            parsed.events,
            vec![
                Event::Funding(Funding {
                    exchange: "BYBIT".into(),
                    symbol: symbol.clone(),
                    mark_price: Some(decimal("17217.33")),
                    rate: decimal("-0.000212"),
                    predicted_rate: None,
                    next_funding_time: Some(decimal("1673280000")),
                    timestamp,
                    receipt_timestamp: receipt,
                }),
                Event::OpenInterest(OpenInterest {
                    exchange: "BYBIT".into(),
                    symbol,
                    open_interest: decimal("68744.761"),
                    notional: Some(decimal("1183601235.91")),
                    timestamp,
                    receipt_timestamp: receipt,
                }),
            ]
        );
    }

    #[test]
    fn deltas_carry_what_changed_for_the_session_to_merge() {
        // One side of the book moved, the mark price changed: a patch of the bid, no funding.
        let partial = r#"{"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT","markPrice":"17217.40","bid1Price":"17215.60","bid1Size":"1.2"},"cs":24987956060,"ts":1673272861786}"#;
        let parsed = parse(partial);
        assert!(parsed.events.is_empty());
        let patch = &parsed.ticker_patches[0];
        assert!(!patch.snapshot);
        assert_eq!(
            (patch.bid, patch.bid_size, patch.ask, patch.ask_size),
            (Some(decimal("17215.60")), Some(decimal("1.2")), None, None)
        );
        // Open interest only: no ticker patch.
        let interest = r#"{"topic":"tickers.BTCUSDT","type":"delta","data":{"symbol":"BTCUSDT","openInterest":"68745"},"cs":24987956061,"ts":1673272861886}"#;
        let parsed = parse(interest);
        assert!(parsed.ticker_patches.is_empty());
        assert!(
            matches!(&parsed.events[..], [Event::OpenInterest(o)] if o.notional.is_none() && o.open_interest == decimal("68745"))
        );
        // A dated future: an empty fundingRate gives no funding.
        let future = r#"{"topic":"tickers.BTCUSDT","type":"snapshot","data":{"symbol":"BTCUSDT","fundingRate":"","nextFundingTime":"0"},"ts":1}"#;
        let parsed = parse(future);
        assert!(parsed.events.is_empty());
        // Another market, a malformed figure, an unknown type.
        let other = parse(&SNAPSHOT.replace("\"BTCUSDT\"", "\"ETHUSDT\""));
        assert!(other.events.is_empty() && other.ticker_patches.is_empty());
        let markets = [Market::for_symbol(
            Symbol::parse("BTC-USDT-PERP").unwrap(),
            "BTCUSDT",
        )];
        let bad = SNAPSHOT.replace("\"-0.000212\"", "\"x\"");
        assert!(matches!(
            parse_frame_with(parse_frame, &markets, "BYBIT", "1", &bad),
            Err(FrameError::Malformed(text)) if text.contains("fundingRate")
        ));
        let unknown = SNAPSHOT.replace("\"snapshot\"", "\"update\"");
        assert!(parse_frame_with(parse_frame, &markets, "BYBIT", "1", &unknown).is_err());
    }
}
