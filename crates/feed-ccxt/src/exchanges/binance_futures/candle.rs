//! CANDLES: the kline stream `<symbol>@kline_<interval>`, pushed every 250 ms
//! (<https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Kline-Candlestick-Streams>,
//! <https://developers.binance.com/docs/derivatives/coin-margined-futures/websocket-market-streams/Kline-Candlestick-Streams>).

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Candle, Event};
use serde::Deserialize;

use crate::adapter::FrameContext;
use crate::parse::{decimal, malformed};
use crate::parsed::ParsedFrame;

/// The kline event, as documented:
///
/// ```json
/// {"e":"kline","E":1638747660000,"s":"BTCUSDT",
///  "k":{"t":1638747660000,"T":1638747719999,"s":"BTCUSDT","i":"1m","f":100,"L":200,
///       "o":"0.0010","c":"0.0020","h":"0.0025","l":"0.0015","v":"1000","n":100,"x":false,
///       "q":"1.0000","V":"500","Q":"0.500","B":"123456"}}
/// ```
///
/// `k.t`/`k.T` are the bar's start and its last millisecond, `i` the interval, `o c h l`
/// the prices, `v` the volume (USD-M: base asset; COIN-M: contracts, its `q` being the
/// base asset volume), `n` the number of trades, `x` whether the bar is closed; `E` is the
/// event time. The candle's volume is `v` on both products.
#[derive(Deserialize)]
struct KlineEvent<'a> {
    #[serde(rename = "E")]
    event_time: Option<i64>,
    #[serde(borrow)]
    s: Cow<'a, str>,
    #[serde(borrow)]
    k: Kline<'a>,
}

#[derive(Deserialize)]
struct Kline<'a> {
    t: i64,
    #[serde(rename = "T")]
    close_time: i64,
    #[serde(borrow)]
    i: Cow<'a, str>,
    #[serde(borrow)]
    o: Cow<'a, str>,
    #[serde(borrow)]
    c: Cow<'a, str>,
    #[serde(borrow)]
    h: Cow<'a, str>,
    #[serde(borrow)]
    l: Cow<'a, str>,
    #[serde(borrow)]
    v: Cow<'a, str>,
    n: Option<u64>,
    x: bool,
}

/// A `kline` of a listed market as a [`Candle`] (others are skipped).
pub(super) fn push_kline(
    text: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let event: KlineEvent<'_> = serde_json::from_str(text).map_err(|error| malformed(&error))?;
    let Some(symbol) = context.markets.symbol(&event.s) else {
        return Ok(());
    };
    let bar = &event.k;
    out.events.push(Event::Candle(Candle {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        start: millis_to_seconds(bar.t),
        stop: millis_to_seconds(bar.close_time),
        interval: bar.i.as_ref().into(),
        trades: bar.n,
        open: decimal(&bar.o, "o")?,
        close: decimal(&bar.c, "c")?,
        high: decimal(&bar.h, "h")?,
        low: decimal(&bar.l, "l")?,
        volume: decimal(&bar.v, "v")?,
        closed: bar.x,
        timestamp: event.event_time.map(millis_to_seconds),
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use feed_core::Symbol;
    use rust_decimal::Decimal;

    use super::*;
    use crate::exchanges::binance_futures::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    const DOCUMENTED_KLINE: &str = r#"{"e":"kline","E":1638747660000,"s":"BTCUSDT","k":{"t":1638747660000,"T":1638747719999,"s":"BTCUSDT","i":"1m","f":100,"L":200,"o":"0.0010","c":"0.0020","h":"0.0025","l":"0.0015","v":"1000","n":100,"x":false,"q":"1.0000","V":"500","Q":"0.500","B":"123456"}}"#;

    fn parse(text: &str) -> Result<Vec<Event>, FrameError> {
        let markets = [Market::for_symbol(
            Symbol::perpetual("BTC", "USDT"),
            "BTCUSDT",
        )];
        parse_frame_with(
            parse_frame,
            &markets,
            "BINANCE_FUTURES",
            "1638747660.125",
            text,
        )
        .map(|parsed| parsed.events)
    }

    fn number(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn documented_kline_normalizes_field_by_field() {
        assert_eq!(
            parse(DOCUMENTED_KLINE).unwrap(),
            vec![Event::Candle(Candle {
                exchange: "BINANCE_FUTURES".into(),
                symbol: Symbol::parse("BTC-USDT-PERP").unwrap(),
                start: number("1638747660"),
                stop: number("1638747719.999"),
                interval: "1m".into(),
                trades: Some(100),
                open: number("0.0010"),
                close: number("0.0020"),
                high: number("0.0025"),
                low: number("0.0015"),
                volume: number("1000"),
                closed: false,
                timestamp: Some(number("1638747660")),
                receipt_timestamp: number("1638747660.125"),
            })]
        );
        let Event::Candle(candle) = &parse(DOCUMENTED_KLINE).unwrap()[0] else {
            unreachable!()
        };
        assert_eq!(
            candle.open.to_string(),
            "0.0010",
            "the exchange's scale is kept"
        );
    }

    #[test]
    fn closed_bars_month_intervals_and_malformed_bars() {
        let closed = DOCUMENTED_KLINE
            .replace(r#""x":false"#, r#""x":true"#)
            .replace(r#""i":"1m""#, r#""i":"1M""#);
        let Event::Candle(candle) = &parse(&closed).unwrap()[0] else {
            unreachable!()
        };
        assert!(candle.closed);
        assert_eq!(&*candle.interval, "1M");
        let bad = DOCUMENTED_KLINE.replace(r#""h":"0.0025""#, r#""h":"high""#);
        assert!(matches!(parse(&bad), Err(FrameError::Malformed(text)) if text.contains('h')));
        let no_start = DOCUMENTED_KLINE.replace(r#""t":1638747660000,"#, "");
        assert!(matches!(parse(&no_start), Err(FrameError::Malformed(_))));
        let other = DOCUMENTED_KLINE.replace("BTCUSDT", "ETHUSDT");
        assert!(parse(&other).unwrap().is_empty());
    }
}
