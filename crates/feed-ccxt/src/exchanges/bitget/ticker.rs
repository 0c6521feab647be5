//! TICKER: the `ticker` channel (best bid and ask with their sizes).

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Ticker};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, integer, malformed};
use crate::parsed::ParsedFrame;

/// One element of a `ticker` push's `data`, as documented:
///
/// ```json
/// {"action":"snapshot","arg":{"instType":"SPOT","channel":"ticker","instId":"BTCUSDT"},
///  "data":[{"instId":"BTCUSDT","lastPr":"27000.5","open24h":"27000.5","high24h":"30668.5",
///           "low24h":"26999.0","change24h":"-0.00002","bidPr":"27000","askPr":"27000.5",
///           "bidSz":"2.71","askSz":"8.76","baseVolume":"1.21","quoteVolume":"32729.7",
///           "openUtc":"27000.5","changeUtc24h":"0","ts":"1695702438018"}],
///  "ts":1695702438029}
/// ```
///
/// `bidPr`/`bidSz` and `askPr`/`askSz` are the best bid and ask, `ts` the time in ms. A
/// side without a price (an empty string) gives no ticker.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BitgetTicker<'a> {
    #[serde(borrow, default)]
    inst_id: Cow<'a, str>,
    #[serde(borrow, default)]
    bid_pr: Cow<'a, str>,
    #[serde(borrow, default)]
    bid_sz: Cow<'a, str>,
    #[serde(borrow, default)]
    ask_pr: Cow<'a, str>,
    #[serde(borrow, default)]
    ask_sz: Cow<'a, str>,
    #[serde(borrow)]
    ts: Option<&'a RawValue>,
}

fn optional(text: &str, field: &str) -> Result<Option<Decimal>, FrameError> {
    if text.is_empty() {
        Ok(None)
    } else {
        decimal(text, field).map(Some)
    }
}

/// Every ticker of `data` of a listed market (by its `instId`, else the push's), or none
/// when one is malformed.
pub(super) fn push_tickers(
    inst_id: &str,
    data: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let tickers: Vec<BitgetTicker<'_>> =
        serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    let mut events = Vec::with_capacity(tickers.len());
    for ticker in &tickers {
        let name = if ticker.inst_id.is_empty() {
            inst_id
        } else {
            &ticker.inst_id
        };
        let Some(symbol) = context.markets.symbol(name) else {
            continue;
        };
        if ticker.bid_pr.is_empty() || ticker.ask_pr.is_empty() {
            continue;
        }
        events.push(Event::Ticker(Ticker {
            exchange: context.exchange.clone(),
            symbol: symbol.clone(),
            bid: decimal(&ticker.bid_pr, "bidPr")?,
            bid_size: optional(&ticker.bid_sz, "bidSz")?,
            ask: decimal(&ticker.ask_pr, "askPr")?,
            ask_size: optional(&ticker.ask_sz, "askSz")?,
            timestamp: ticker
                .ts
                .map(|raw| integer(raw, "ts").map(millis_to_seconds))
                .transpose()?,
            receipt_timestamp: context.receipt,
        }));
    }
    out.events.extend(events);
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use feed_core::Symbol;

    use super::*;
    use crate::exchanges::bitget::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    const DOCUMENTED: &str = r#"{"action":"snapshot","arg":{"instType":"SPOT","channel":"ticker","instId":"BTCUSDT"},"data":[{"instId":"BTCUSDT","lastPr":"27000.5","open24h":"27000.5","high24h":"30668.5","low24h":"26999.0","change24h":"-0.00002","bidPr":"27000","askPr":"27000.5","bidSz":"2.71","askSz":"8.76","baseVolume":"1.21","quoteVolume":"32729.7","openUtc":"27000.5","changeUtc24h":"0","ts":"1695702438018"}],"ts":1695702438029}"#;

    fn parse(frame: &str) -> Result<Vec<Event>, FrameError> {
        let markets = [Market::new("BTC", "USDT", "BTCUSDT")];
        parse_frame_with(parse_frame, &markets, "BITGET", "1695702438.5", frame)
            .map(|parsed| parsed.events)
    }

    fn number(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn documented_ticker_field_by_field() {
        assert_eq!(
            parse(DOCUMENTED).unwrap(),
            vec![Event::Ticker(Ticker {
                exchange: "BITGET".into(),
                symbol: Symbol::parse("BTC-USDT").unwrap(),
                bid: number("27000"),
                bid_size: Some(number("2.71")),
                ask: number("27000.5"),
                ask_size: Some(number("8.76")),
                timestamp: Some(number("1695702438.018")),
                receipt_timestamp: number("1695702438.5"),
            })]
        );
    }

    #[test]
    fn empty_sides_other_markets_and_garbage() {
        assert!(
            parse(&DOCUMENTED.replace(r#""bidPr":"27000""#, r#""bidPr":"""#))
                .unwrap()
                .is_empty()
        );
        assert!(parse(&DOCUMENTED.replace("BTCUSDT", "ETHUSDT"))
            .unwrap()
            .is_empty());
        assert!(matches!(
            parse(&DOCUMENTED.replace(r#""askPr":"27000.5""#, r#""askPr":"x""#)),
            Err(FrameError::Malformed(_))
        ));
    }
}
