//! TICKER: the `spot.book_ticker` channel (best bid and ask with their amounts, pushed
//! every 10 ms).

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Ticker};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, integer, malformed};
use crate::parsed::ParsedFrame;

/// The `result` of a `spot.book_ticker` update, as documented:
///
/// ```json
/// {"time":1606293275,"time_ms":1606293275723,"channel":"spot.book_ticker","event":"update",
///  "result":{"t":1606293275123,"u":48733182,"s":"BTC_USDT","b":"19177.79",
///            "B":"0.0003341504","a":"19179.38","A":"0.09"}}
/// ```
///
/// `b`/`B` the best bid price and amount, `a`/`A` the best ask's, `t` the time in ms. A side
/// without a price (an empty string) gives no ticker.
#[derive(Deserialize)]
struct BookTicker<'a> {
    #[serde(borrow)]
    t: Option<&'a RawValue>,
    #[serde(borrow, default)]
    s: Cow<'a, str>,
    #[serde(borrow, default)]
    b: Cow<'a, str>,
    #[serde(rename = "B", borrow, default)]
    bid_amount: Cow<'a, str>,
    #[serde(borrow, default)]
    a: Cow<'a, str>,
    #[serde(rename = "A", borrow, default)]
    ask_amount: Cow<'a, str>,
}

fn optional(text: &str, field: &str) -> Result<Option<rust_decimal::Decimal>, FrameError> {
    if text.is_empty() {
        Ok(None)
    } else {
        decimal(text, field).map(Some)
    }
}

/// The ticker of a listed market.
pub(super) fn push_ticker(
    result: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let ticker: BookTicker<'_> =
        serde_json::from_str(result.get()).map_err(|error| malformed(&error))?;
    let Some(symbol) = context.markets.symbol(&ticker.s) else {
        return Ok(());
    };
    if ticker.b.is_empty() || ticker.a.is_empty() {
        return Ok(());
    }
    let event = Event::Ticker(Ticker {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        bid: decimal(&ticker.b, "b")?,
        bid_size: optional(&ticker.bid_amount, "B")?,
        ask: decimal(&ticker.a, "a")?,
        ask_size: optional(&ticker.ask_amount, "A")?,
        timestamp: ticker
            .t
            .map(|raw| integer(raw, "t").map(millis_to_seconds))
            .transpose()?,
        receipt_timestamp: context.receipt,
    });
    out.events.push(event);
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use feed_core::Symbol;
    use rust_decimal::Decimal;

    use super::*;
    use crate::exchanges::gateio::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    const DOCUMENTED: &str = r#"{"time":1606293275,"time_ms":1606293275723,"channel":"spot.book_ticker","event":"update","result":{"t":1606293275123,"u":48733182,"s":"BTC_USDT","b":"19177.79","B":"0.0003341504","a":"19179.38","A":"0.09"}}"#;

    fn parse(frame: &str) -> Result<Vec<Event>, FrameError> {
        let markets = [Market::new("BTC", "USDT", "BTC_USDT")];
        parse_frame_with(parse_frame, &markets, "GATEIO", "1606293275.8", frame)
            .map(|parsed| parsed.events)
    }

    fn number(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn documented_book_ticker_field_by_field() {
        assert_eq!(
            parse(DOCUMENTED).unwrap(),
            vec![Event::Ticker(Ticker {
                exchange: "GATEIO".into(),
                symbol: Symbol::parse("BTC-USDT").unwrap(),
                bid: number("19177.79"),
                bid_size: Some(number("0.0003341504")),
                ask: number("19179.38"),
                ask_size: Some(number("0.09")),
                timestamp: Some(number("1606293275.123")),
                receipt_timestamp: number("1606293275.8"),
            })]
        );
    }

    #[test]
    fn empty_sides_other_markets_and_garbage() {
        assert!(parse(&DOCUMENTED.replace(r#""b":"19177.79""#, r#""b":"""#))
            .unwrap()
            .is_empty());
        assert!(parse(&DOCUMENTED.replace("BTC_USDT", "ETH_USDT"))
            .unwrap()
            .is_empty());
        assert!(matches!(
            parse(&DOCUMENTED.replace(r#""a":"19179.38""#, r#""a":"x""#)),
            Err(FrameError::Malformed(_))
        ));
    }
}
