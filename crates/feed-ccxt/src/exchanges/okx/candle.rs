//! CANDLES: the `candle<bar>` channels, on the `business` endpoint only
//! <https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-candlesticks-channel>.

use std::borrow::Cow;
use std::sync::Arc;

use feed_core::runtime::FrameError;
use feed_core::{Candle, Event};
use rust_decimal::Decimal;
use serde_json::value::RawValue;

use super::field::{elements, seconds};
use crate::adapter::FrameContext;
use crate::parse::decimal;
use crate::parsed::ParsedFrame;

/// The prefix of every candle channel (`candle1m`, `candle1H`, `candle1Dutc`).
pub(super) const PREFIX: &str = "candle";

/// The intervals offered, as configs spell them, with OKX's bar and the bar's length in
/// ms. OKX's `6H` and longer bars without `utc` are aligned to Hong Kong time (UTC+8); the
/// `utc` bars are taken so that every bar starts at a UTC boundary, as on other venues.
/// Monthly bars (`1M`, `3M`) are left out: their length varies, so the bar's end could
/// not be given as for the others.
const BARS: &[(&str, &str, i64)] = &[
    ("1m", "1m", 60_000),
    ("3m", "3m", 180_000),
    ("5m", "5m", 300_000),
    ("15m", "15m", 900_000),
    ("30m", "30m", 1_800_000),
    ("1h", "1H", 3_600_000),
    ("2h", "2H", 7_200_000),
    ("4h", "4H", 14_400_000),
    ("6h", "6Hutc", 21_600_000),
    ("12h", "12Hutc", 43_200_000),
    ("1d", "1Dutc", 86_400_000),
    ("2d", "2Dutc", 172_800_000),
    ("3d", "3Dutc", 259_200_000),
    ("1w", "1Wutc", 604_800_000),
];

/// The configs' spelling of every interval offered.
pub(super) const INTERVALS: &[&str] = &[
    "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "12h", "1d", "2d", "3d", "1w",
];

/// The OKX channel of a configured interval (`1h` → `candle1H`).
pub(super) fn channel(interval: &str) -> Option<String> {
    BARS.iter()
        .find(|(ours, _, _)| *ours == interval)
        .map(|(_, bar, _)| format!("{PREFIX}{bar}"))
}

/// The configured interval and bar length of an OKX candle channel (`candle1H` → `1h`).
fn interval_of(channel: &str) -> Option<(&'static str, i64)> {
    let bar = channel.strip_prefix(PREFIX)?;
    BARS.iter()
        .find(|(_, okx, _)| *okx == bar)
        .map(|(ours, _, length)| (*ours, *length))
}

/// One element of a candle push's `data`, an array of strings, as documented:
///
/// ```json
/// {"arg":{"channel":"candle1D","instId":"BTC-USDT"},
///  "data":[["1597026383085","8533.02","8553.74","8527.17","8548.26","45247",
///           "529.5858061","529.5858061","0"]]}
/// ```
///
/// `[ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]`: `ts` the bar's start (ms),
/// `vol` the volume in contracts for derivatives and in the base currency for spot,
/// `confirm` `"0"` while the bar is open and `"1"` once it is complete. The interval is
/// the channel's; the stop is the bar's last millisecond (start + length - 1 ms), as for
/// Binance; no trade count or update time is given.
type Row<'a> = Vec<Cow<'a, str>>;

/// Every candle of `data` of a listed market, or none when one is malformed. A channel of
/// a bar not offered here is skipped.
pub(super) fn push_candles(
    channel: &str,
    inst_id: Option<&str>,
    data: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let Some((interval, length)) = interval_of(channel) else {
        return Ok(());
    };
    let inst_id =
        inst_id.ok_or_else(|| FrameError::Malformed("a candle push without 'instId'".into()))?;
    let rows: Vec<Row<'_>> = elements(data)?;
    let Some(symbol) = context.markets.symbol(inst_id) else {
        return Ok(());
    };
    let interval: Arc<str> = interval.into();
    let mut events = Vec::with_capacity(rows.len());
    for row in &rows {
        let [ts, open, high, low, close, volume, ..] = &row[..] else {
            return Err(FrameError::Malformed(format!(
                "a candle of {} fields",
                row.len()
            )));
        };
        let confirm = row.get(8).map_or("0", |value| value.as_ref());
        let start = seconds(ts, "ts")?;
        events.push(Event::Candle(Candle {
            exchange: context.exchange.clone(),
            symbol: symbol.clone(),
            start,
            stop: start + Decimal::new(length - 1, 3),
            interval: interval.clone(),
            trades: None,
            open: decimal(open, "o")?,
            close: decimal(close, "c")?,
            high: decimal(high, "h")?,
            low: decimal(low, "l")?,
            volume: decimal(volume, "vol")?,
            closed: confirm == "1",
            timestamp: None,
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
    use crate::exchanges::okx::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    const DOCUMENTED: &str = r#"{"arg":{"channel":"candle1D","instId":"BTC-USDT"},"data":[["1597026383085","8533.02","8553.74","8527.17","8548.26","45247","529.5858061","529.5858061","0"]]}"#;

    fn parse(frame: &str) -> Result<Vec<Event>, FrameError> {
        let markets = [
            Market::new("BTC", "USDT", "BTC-USDT"),
            Market::for_symbol(Symbol::perpetual("BTC", "USDT"), "BTC-USDT-SWAP"),
        ];
        parse_frame_with(parse_frame, &markets, "OKX", "1597026384", frame)
            .map(|parsed| parsed.events)
    }

    fn number(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn intervals_map_both_ways() {
        assert_eq!(channel("1m").as_deref(), Some("candle1m"));
        assert_eq!(channel("1h").as_deref(), Some("candle1H"));
        assert_eq!(channel("1d").as_deref(), Some("candle1Dutc"));
        assert_eq!(channel("1M"), None);
        assert_eq!(interval_of("candle1H"), Some(("1h", 3_600_000)));
        assert_eq!(interval_of("candle1Dutc"), Some(("1d", 86_400_000)));
        assert_eq!(
            interval_of("candle1D"),
            None,
            "Hong Kong-aligned bars are not ours"
        );
        for interval in INTERVALS {
            let okx = channel(interval).unwrap();
            assert_eq!(interval_of(&okx).map(|(ours, _)| ours), Some(*interval));
        }
    }

    #[test]
    fn documented_candle_field_by_field() {
        // The documented frame's `candle1D` is not subscribed (Hong Kong days): skipped.
        assert!(parse(DOCUMENTED).unwrap().is_empty());
        let frame = DOCUMENTED
            .replace("candle1D", "candle1m")
            .replace("\"BTC-USDT\"", "\"BTC-USDT-SWAP\"");
        assert_eq!(
            parse(&frame).unwrap(),
            vec![Event::Candle(Candle {
                exchange: "OKX".into(),
                symbol: Symbol::parse("BTC-USDT-PERP").unwrap(),
                start: number("1597026383.085"),
                stop: number("1597026443.084"),
                interval: "1m".into(),
                trades: None,
                open: number("8533.02"),
                close: number("8548.26"),
                high: number("8553.74"),
                low: number("8527.17"),
                volume: number("45247"),
                closed: false,
                timestamp: None,
                receipt_timestamp: number("1597026384"),
            })]
        );
        let confirmed = frame.replace(r#""529.5858061","0"]"#, r#""529.5858061","1"]"#);
        assert!(matches!(&parse(&confirmed).unwrap()[..], [Event::Candle(c)] if c.closed));
        let short = r#"{"arg":{"channel":"candle1m","instId":"BTC-USDT"},"data":[["1597026383085","1","2"]]}"#;
        assert!(matches!(parse(short), Err(FrameError::Malformed(_))));
    }
}
