//! FUNDING: the mark price stream `<symbol>@markPrice@1s`
//! (<https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Mark-Price-Stream>,
//! <https://developers.binance.com/docs/derivatives/coin-margined-futures/websocket-market-streams/Mark-Price-Stream>).

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Funding};
use serde::Deserialize;

use crate::adapter::FrameContext;
use crate::parse::{decimal, malformed};
use crate::parsed::ParsedFrame;

/// The mark price event, as USDⓈ-M documents it:
///
/// ```json
/// {"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11794.15000000",
///  "i":"11784.62659091","P":"11784.25641265","r":"0.00038167","T":1562306400000}
/// ```
///
/// and as COIN-M does, for a delivery contract (another key order, read alike):
///
/// ```json
/// {"e":"markPriceUpdate","E":1596095725000,"s":"BTCUSD_201225","p":"10934.62615417",
///  "P":"10962.17178236","i":"10933.62615417","r":"","T":0}
/// ```
///
/// `p` is the mark price, `i` the index price, `P` the estimated settle price, `r` the
/// funding rate, `T` the next funding time and `E` the event time (ms). A delivery contract
/// has no funding: `r` is `""` and `T` is `0` there (documented for COIN-M), and such an
/// event gives no [`Funding`].
#[derive(Deserialize)]
struct MarkPrice<'a> {
    #[serde(borrow)]
    s: Cow<'a, str>,
    #[serde(rename = "E")]
    event_time: Option<i64>,
    #[serde(borrow)]
    p: Cow<'a, str>,
    #[serde(borrow)]
    r: Cow<'a, str>,
    #[serde(rename = "T")]
    next_funding_time: Option<i64>,
}

/// A `markPriceUpdate` of a listed perpetual as a [`Funding`] (others are skipped).
pub(super) fn push_mark_price(
    text: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let update: MarkPrice<'_> = serde_json::from_str(text).map_err(|error| malformed(&error))?;
    let Some(symbol) = context.markets.symbol(&update.s) else {
        return Ok(());
    };
    if update.r.is_empty() {
        return Ok(()); // a delivery contract
    }
    out.events.push(Event::Funding(Funding {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        mark_price: Some(decimal(&update.p, "p")?),
        rate: decimal(&update.r, "r")?,
        predicted_rate: None,
        next_funding_time: update
            .next_funding_time
            .filter(|time| *time > 0)
            .map(millis_to_seconds),
        timestamp: update.event_time.map(millis_to_seconds),
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use feed_core::{Expiry, Symbol};
    use rust_decimal::Decimal;

    use super::*;
    use crate::exchanges::binance_futures::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    const DOCUMENTED_MARK_PRICE: &str = r#"{"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11794.15000000","i":"11784.62659091","P":"11784.25641265","r":"0.00038167","T":1562306400000}"#;

    fn parse(text: &str) -> Result<Vec<Event>, FrameError> {
        let expiry = Expiry::new(2026, 12, 26).unwrap();
        let markets = [
            Market::for_symbol(Symbol::perpetual("BTC", "USDT"), "BTCUSDT"),
            Market::for_symbol(Symbol::future("BTC", "USDT", expiry), "BTCUSDT_261226"),
        ];
        parse_frame_with(
            parse_frame,
            &markets,
            "BINANCE_FUTURES",
            "1562305380.25",
            text,
        )
        .map(|parsed| parsed.events)
    }

    fn number(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn documented_mark_price_normalizes_field_by_field() {
        assert_eq!(
            parse(DOCUMENTED_MARK_PRICE).unwrap(),
            vec![Event::Funding(Funding {
                exchange: "BINANCE_FUTURES".into(),
                symbol: Symbol::parse("BTC-USDT-PERP").unwrap(),
                mark_price: Some(number("11794.15000000")),
                rate: number("0.00038167"),
                predicted_rate: None,
                next_funding_time: Some(number("1562306400")),
                timestamp: Some(number("1562305380")),
                receipt_timestamp: number("1562305380.25"),
            })]
        );
    }

    #[test]
    fn delivery_contracts_have_no_funding_and_bad_rates_are_malformed() {
        let delivery = DOCUMENTED_MARK_PRICE
            .replace("BTCUSDT", "BTCUSDT_261226")
            .replace(r#""r":"0.00038167","T":1562306400000"#, r#""r":"","T":0"#);
        assert!(parse(&delivery).unwrap().is_empty());
        let no_next = DOCUMENTED_MARK_PRICE.replace("1562306400000", "0");
        let Event::Funding(funding) = &parse(&no_next).unwrap()[0] else {
            unreachable!()
        };
        assert_eq!(funding.next_funding_time, None);
        let bad = DOCUMENTED_MARK_PRICE.replace("0.00038167", "0.0003x");
        assert!(matches!(parse(&bad), Err(FrameError::Malformed(text)) if text.contains('r')));
        let other = DOCUMENTED_MARK_PRICE.replace("BTCUSDT", "ETHUSDT");
        assert!(parse(&other).unwrap().is_empty());
    }

    fn parse_coin_m(text: &str) -> Result<Vec<Event>, FrameError> {
        let expiry = Expiry::new(2020, 12, 25).unwrap();
        let markets = [
            Market::for_symbol(Symbol::perpetual("BTC", "USD"), "BTCUSD_PERP"),
            Market::for_symbol(Symbol::future("BTC", "USD", expiry), "BTCUSD_201225"),
        ];
        parse_frame_with(
            parse_frame,
            &markets,
            "BINANCE_DELIVERY",
            "1596095725.5",
            text,
        )
        .map(|parsed| parsed.events)
    }

    /// COIN-M's Mark Price Stream (a delivery contract) and its pair stream's array (the
    /// same contract and the perpetual, whose documented rate is zero).
    #[test]
    fn coin_m_documented_mark_prices_fund_perpetuals_only() {
        let delivery = r#"{"e":"markPriceUpdate","E":1596095725000,"s":"BTCUSD_201225","p":"10934.62615417","P":"10962.17178236","i":"10933.62615417","r":"","T":0}"#;
        assert!(parse_coin_m(delivery).unwrap().is_empty());
        let pair = format!(
            r#"[{delivery},{{"e":"markPriceUpdate","E":1596095725000,"s":"BTCUSD_PERP","p":"11012.31359011","P":"10962.17178236","i":"10933.62615417","r":"0.00000000","T":1596096000000}}]"#
        );
        assert_eq!(
            parse_coin_m(&pair).unwrap(),
            vec![Event::Funding(Funding {
                exchange: "BINANCE_DELIVERY".into(),
                symbol: Symbol::parse("BTC-USD-PERP").unwrap(),
                mark_price: Some(number("11012.31359011")),
                rate: number("0.00000000"),
                predicted_rate: None,
                next_funding_time: Some(number("1596096000")),
                timestamp: Some(number("1596095725")),
                receipt_timestamp: number("1596095725.5"),
            })]
        );
    }
}
