//! Hyperliquid's `candle` channel (CANDLES): the bar of the subscribed interval, pushed as
//! trades update it.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Candle, Event};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, each_or_none, integer, malformed, scalar_text};
use crate::parsed::ParsedFrame;

/// The channel and subscription type.
pub(super) const CHANNEL: &str = "candle";

/// One candle, as documented (`Candle`; the candle snapshot's example):
///
/// ```json
/// {"channel":"candle","data":{"t":1681923600000,"T":1681924499999,"s":"BTC","i":"15m",
///  "o":"29295.0","c":"29258.0","h":"29309.0","l":"29250.0","v":"0.98639","n":189}}
/// ```
///
/// `t` opens the bar and `T` is its last millisecond, `s` the coin, `i` the interval,
/// `o`/`c`/`h`/`l` prices and `v` the volume in coins (typed `number` in the docs'
/// TypeScript, strings in the example: read as their exact text), `n` the number of
/// trades. The docs type the data `Candle[]`, the SDK reads one object: both are read.
#[derive(Deserialize)]
struct WsCandle<'a> {
    #[serde(borrow)]
    t: &'a RawValue,
    #[serde(rename = "T", borrow)]
    close_time: &'a RawValue,
    #[serde(borrow)]
    s: Cow<'a, str>,
    #[serde(borrow)]
    i: Cow<'a, str>,
    #[serde(borrow)]
    o: &'a RawValue,
    #[serde(borrow)]
    c: &'a RawValue,
    #[serde(borrow)]
    h: &'a RawValue,
    #[serde(borrow)]
    l: &'a RawValue,
    #[serde(borrow)]
    v: &'a RawValue,
    #[serde(borrow)]
    n: Option<&'a RawValue>,
}

/// The candles of `data` (one, or an array) of listed coins, or none when one of them is
/// malformed.
pub(super) fn push_candles(
    data: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let candles: Vec<WsCandle<'_>> = if data.get().starts_with('[') {
        serde_json::from_str(data.get())
    } else {
        serde_json::from_str(data.get()).map(|candle| vec![candle])
    }
    .map_err(|error| malformed(&error))?;
    each_or_none(&candles, out, |candle, out| {
        if let Some(candle) = normalize(candle, context)? {
            out.events.push(Event::Candle(candle));
        }
        Ok(())
    })
}

/// The candle of a listed coin (`None` for another coin). A bar is closed when it arrives
/// after its last millisecond; no closing message is documented.
fn normalize(
    candle: &WsCandle<'_>,
    context: &FrameContext<'_>,
) -> Result<Option<Candle>, FrameError> {
    let Some(symbol) = context.markets.symbol(&candle.s) else {
        return Ok(None);
    };
    let price = |raw: &RawValue, field: &str| decimal(&scalar_text(raw, field)?, field);
    let stop = millis_to_seconds(integer(candle.close_time, "T")?);
    let trades = match candle.n {
        Some(raw) => Some(
            u64::try_from(integer(raw, "n")?)
                .map_err(|_| FrameError::Malformed(format!("n is negative: {}", raw.get())))?,
        ),
        None => None,
    };
    Ok(Some(Candle {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        start: millis_to_seconds(integer(candle.t, "t")?),
        stop,
        interval: (&*candle.i).into(),
        trades,
        open: price(candle.o, "o")?,
        close: price(candle.c, "c")?,
        high: price(candle.h, "h")?,
        low: price(candle.l, "l")?,
        volume: price(candle.v, "v")?,
        closed: context.receipt > stop,
        timestamp: None,
        receipt_timestamp: context.receipt,
    }))
}

#[cfg(test)]
pub(super) mod tests {
    use std::str::FromStr;

    use feed_core::Symbol;
    use rust_decimal::Decimal;

    use super::*;
    use crate::exchanges::hyperliquid::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    /// The documented candle (the candle snapshot's example) in the message shape.
    pub(crate) const DOCUMENTED_CANDLE: &str = r#"{"channel":"candle","data":{"T":1681924499999,"c":"29258.0","h":"29309.0","i":"15m","l":"29250.0","n":189,"o":"29295.0","s":"BTC","t":1681923600000,"v":"0.98639"}}"#;

    fn parse(frame: &str, receipt: &str) -> Result<Vec<Candle>, FrameError> {
        let markets = [Market::for_symbol(Symbol::perpetual("BTC", "USDC"), "BTC")];
        parse_frame_with(parse_frame, &markets, "HYPERLIQUID", receipt, frame).map(|parsed| {
            parsed
                .events
                .into_iter()
                .filter_map(|event| match event {
                    Event::Candle(candle) => Some(candle),
                    _ => None,
                })
                .collect()
        })
    }

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn documented_candle_normalizes_field_by_field_and_is_open_before_its_close() {
        let candles = parse(DOCUMENTED_CANDLE, "1681923833.25").unwrap();
        assert_eq!(
            candles,
            vec![Candle {
                exchange: "HYPERLIQUID".into(),
                symbol: Symbol::parse("BTC-USDC-PERP").unwrap(),
                start: decimal("1681923600"),
                stop: decimal("1681924499.999"),
                interval: "15m".into(),
                trades: Some(189),
                open: decimal("29295.0"),
                close: decimal("29258.0"),
                high: decimal("29309.0"),
                low: decimal("29250.0"),
                volume: decimal("0.98639"),
                closed: false,
                timestamp: None,
                receipt_timestamp: decimal("1681923833.25"),
            }]
        );
        assert_eq!(candles[0].open.to_string(), "29295.0", "the scale is kept");
    }

    #[test]
    fn a_bar_arriving_after_its_last_millisecond_is_closed() {
        assert!(!parse(DOCUMENTED_CANDLE, "1681924499.999").unwrap()[0].closed);
        assert!(parse(DOCUMENTED_CANDLE, "1681924500").unwrap()[0].closed);
    }

    #[test]
    fn an_array_numbers_other_coins_and_bad_candles() {
        let data =
            &DOCUMENTED_CANDLE[r#"{"channel":"candle","data":"#.len()..DOCUMENTED_CANDLE.len() - 1];
        let array = format!(r#"{{"channel":"candle","data":[{data},{data}]}}"#);
        assert_eq!(parse(&array, "1").unwrap().len(), 2);
        let numbers = DOCUMENTED_CANDLE
            .replace(r#""o":"29295.0""#, r#""o":29295.0"#)
            .replace(r#""v":"0.98639""#, r#""v":0.98639"#);
        let candle = &parse(&numbers, "1").unwrap()[0];
        assert_eq!(
            (candle.open.to_string(), candle.volume.to_string()),
            ("29295.0".into(), "0.98639".into())
        );
        let other = DOCUMENTED_CANDLE.replace(r#""s":"BTC""#, r#""s":"ETH""#);
        assert!(parse(&other, "1").unwrap().is_empty());
        for bad in [
            DOCUMENTED_CANDLE.replace(r#""h":"29309.0""#, r#""h":"high""#),
            DOCUMENTED_CANDLE.replace(r#""n":189"#, r#""n":-1"#),
            DOCUMENTED_CANDLE.replace(r#""T":1681924499999,"#, ""),
            array.replace(r#""l":"29250.0""#, r#""l":null"#),
        ] {
            assert!(
                matches!(parse(&bad, "1"), Err(FrameError::Malformed(_))),
                "{bad}"
            );
        }
    }
}
