//! CANDLES: the `kline.<interval>.<symbol>` topic, on every category
//! (<https://bybit-exchange.github.io/docs/v5/websocket/public/kline>), pushed every 1 to
//! 60 s (every second on linear and inverse) while the bar is open, `confirm: true` once
//! it closes.

use std::borrow::Cow;
use std::sync::Arc;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Candle, Event};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, malformed};
use crate::parsed::ParsedFrame;

/// The topic prefix (`kline.5.BTCUSDT`).
pub(super) const CANDLE_TOPIC_PREFIX: &str = "kline.";

/// The intervals offered, as configs spell them, with Bybit's name: minutes `1 3 5 15 30
/// 60 120 240 360 720`, then `D` (day), `W` (week), `M` (month). Bybit gives each bar's
/// `start` and `end`, so the monthly bar is offered too.
const INTERVALS_BY_NAME: &[(&str, &str)] = &[
    ("1m", "1"),
    ("3m", "3"),
    ("5m", "5"),
    ("15m", "15"),
    ("30m", "30"),
    ("1h", "60"),
    ("2h", "120"),
    ("4h", "240"),
    ("6h", "360"),
    ("12h", "720"),
    ("1d", "D"),
    ("1w", "W"),
    ("1M", "M"),
];

/// The configs' spelling of every interval offered.
pub(super) const INTERVALS: &[&str] = &[
    "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "12h", "1d", "1w", "1M",
];

/// The topic of a configured interval (`1h` → `kline.60.BTCUSDT`).
pub(super) fn topic(interval: &str, exchange_symbol: &str) -> Option<String> {
    INTERVALS_BY_NAME
        .iter()
        .find(|(ours, _)| *ours == interval)
        .map(|(_, bybit)| format!("{CANDLE_TOPIC_PREFIX}{bybit}.{exchange_symbol}"))
}

/// The configured interval of a Bybit interval (`60` → `1h`).
fn interval_of(bybit: &str) -> Option<&'static str> {
    INTERVALS_BY_NAME
        .iter()
        .find(|(_, theirs)| *theirs == bybit)
        .map(|(ours, _)| *ours)
}

/// One bar of a `kline` frame's `data`, as documented:
///
/// ```json
/// {"topic":"kline.5.BTCUSDT",
///  "data":[{"start":1672324800000,"end":1672325099999,"interval":"5","open":"16649.5",
///           "close":"16677","high":"16677","low":"16608","volume":"2.081",
///           "turnover":"34666.4005","confirm":false,"timestamp":1672324988882}],
///  "ts":1672324988882,"type":"snapshot"}
/// ```
///
/// `start`/`end` are the bar's first and last ms, `confirm` true once the bar is closed,
/// `timestamp` the time of the figures; `volume` is in the base coin (contracts on
/// inverse), `turnover` (quote) is not read. The symbol is the topic's last part.
#[derive(Deserialize)]
struct Kline<'a> {
    start: i64,
    end: i64,
    #[serde(borrow)]
    interval: Cow<'a, str>,
    #[serde(borrow)]
    open: Cow<'a, str>,
    #[serde(borrow)]
    close: Cow<'a, str>,
    #[serde(borrow)]
    high: Cow<'a, str>,
    #[serde(borrow)]
    low: Cow<'a, str>,
    #[serde(borrow)]
    volume: Cow<'a, str>,
    confirm: bool,
    #[serde(default)]
    timestamp: Option<i64>,
}

/// The bars of a `kline` frame, all or none.
pub(super) fn push_candles(
    topic: &str,
    data: Option<&RawValue>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let mut parts = topic.splitn(3, '.');
    let (Some(_), Some(_), Some(exchange_symbol)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(FrameError::Malformed(format!("not a kline topic: {topic}")));
    };
    let Some(symbol) = context.markets.symbol(exchange_symbol) else {
        return Ok(()); // a market this feed did not subscribe to
    };
    let data = data.ok_or_else(|| FrameError::Malformed(format!("{topic} without 'data'")))?;
    let klines: Vec<Kline<'_>> =
        serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    let mut events = Vec::with_capacity(klines.len());
    for kline in &klines {
        let interval = interval_of(&kline.interval).ok_or_else(|| {
            FrameError::Malformed(format!("unknown kline interval {:?}", kline.interval))
        })?;
        events.push(Event::Candle(Candle {
            exchange: context.exchange.clone(),
            symbol: symbol.clone(),
            start: millis_to_seconds(kline.start),
            stop: millis_to_seconds(kline.end),
            interval: Arc::from(interval),
            trades: None,
            open: decimal(&kline.open, "open")?,
            close: decimal(&kline.close, "close")?,
            high: decimal(&kline.high, "high")?,
            low: decimal(&kline.low, "low")?,
            volume: decimal(&kline.volume, "volume")?,
            closed: kline.confirm,
            timestamp: kline.timestamp.map(millis_to_seconds),
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
    use rust_decimal::Decimal;

    use super::super::frame::parse_frame;
    use super::*;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    /// The documented kline frame.
    const DOCUMENTED: &str = r#"{"topic":"kline.5.BTCUSDT","data":[{"start":1672324800000,"end":1672325099999,"interval":"5","open":"16649.5","close":"16677","high":"16677","low":"16608","volume":"2.081","turnover":"34666.4005","confirm":false,"timestamp":1672324988882}],"ts":1672324988882,"type":"snapshot"}"#;

    fn parse(frame: &str) -> Result<Vec<Event>, FrameError> {
        let markets = [Market::for_symbol(
            Symbol::parse("BTC-USDT-PERP").unwrap(),
            "BTCUSDT",
        )];
        parse_frame_with(parse_frame, &markets, "BYBIT", "1672324989", frame)
            .map(|parsed| parsed.events)
    }

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn the_documented_kline_is_a_candle_field_by_field() {
        assert_eq!(
            parse(DOCUMENTED).unwrap(),
            vec![Event::Candle(Candle {
                exchange: "BYBIT".into(),
                symbol: Symbol::parse("BTC-USDT-PERP").unwrap(),
                start: decimal("1672324800"),
                stop: decimal("1672325099.999"),
                interval: "5m".into(),
                trades: None,
                open: decimal("16649.5"),
                close: decimal("16677"),
                high: decimal("16677"),
                low: decimal("16608"),
                volume: decimal("2.081"),
                closed: false,
                timestamp: Some(decimal("1672324988.882")),
                receipt_timestamp: decimal("1672324989"),
            })]
        );
    }

    #[test]
    fn intervals_map_both_ways_and_other_shapes_are_handled() {
        assert_eq!(topic("1h", "BTCUSDT").as_deref(), Some("kline.60.BTCUSDT"));
        assert_eq!(topic("1M", "BTCUSD").as_deref(), Some("kline.M.BTCUSD"));
        assert_eq!(topic("2d", "BTCUSD"), None);
        for (ours, bybit) in INTERVALS_BY_NAME {
            assert!(INTERVALS.contains(ours));
            assert_eq!(interval_of(bybit), Some(*ours));
        }
        let closed = DOCUMENTED
            .replace("\"confirm\":false", "\"confirm\":true")
            .replace("kline.5.", "kline.D.")
            .replace("\"interval\":\"5\"", "\"interval\":\"D\"");
        assert!(matches!(&parse(&closed).unwrap()[0],
            Event::Candle(candle) if candle.closed && &*candle.interval == "1d"));
        assert!(parse(&DOCUMENTED.replace("BTCUSDT", "ETHUSDT"))
            .unwrap()
            .is_empty());
        assert!(matches!(
            parse(&DOCUMENTED.replace("\"16608\"", "\"low\"")),
            Err(FrameError::Malformed(_))
        ));
        assert!(matches!(
            parse(&DOCUMENTED.replace("\"interval\":\"5\"", "\"interval\":\"7\"")),
            Err(FrameError::Malformed(text)) if text.contains("\"7\"")
        ));
    }
}
