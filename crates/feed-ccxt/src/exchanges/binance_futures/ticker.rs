//! TICKER: the individual symbol book ticker stream `<symbol>@bookTicker` (real time).

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Ticker};
use serde::Deserialize;

use crate::adapter::FrameContext;
use crate::parse::{decimal, malformed};
use crate::parsed::ParsedFrame;

/// The book ticker event, as Binance's SDK models it (its docs page was not at hand):
///
/// ```json
/// {"e":"bookTicker","u":400900217,"E":1568014460893,"T":1568014460891,"s":"BNBUSDT",
///  "b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}
/// ```
///
/// COIN-M's (Binance's COIN-M connector) adds the pair and orders the keys otherwise:
///
/// ```json
/// {"e":"bookTicker","u":17242169,"s":"BTCUSD_200626","ps":"BTCUSD","b":"9548.1","B":"52",
///  "a":"9548.5","A":"11","T":1591268628155,"E":1591268628166}
/// ```
///
/// `b`/`B` are the best bid price and quantity (COIN-M: contracts), `a`/`A` the best
/// ask's, `u` the order book update id, `E` the event time and `T` the transaction time in
/// milliseconds. The ticker's time is `T`, else `E`.
#[derive(Deserialize)]
struct BookTicker<'a> {
    #[serde(borrow)]
    s: Cow<'a, str>,
    #[serde(rename = "E")]
    event_time: Option<i64>,
    #[serde(rename = "T")]
    transaction_time: Option<i64>,
    #[serde(borrow)]
    b: Cow<'a, str>,
    #[serde(rename = "B", borrow)]
    bid_quantity: Cow<'a, str>,
    #[serde(borrow)]
    a: Cow<'a, str>,
    #[serde(rename = "A", borrow)]
    ask_quantity: Cow<'a, str>,
}

/// A `bookTicker` event of a listed market as a [`Ticker`] (others are skipped).
pub(super) fn push_book_ticker(
    text: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let ticker: BookTicker<'_> = serde_json::from_str(text).map_err(|error| malformed(&error))?;
    let Some(symbol) = context.markets.symbol(&ticker.s) else {
        return Ok(());
    };
    out.events.push(Event::Ticker(Ticker {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        bid: decimal(&ticker.b, "b")?,
        bid_size: Some(decimal(&ticker.bid_quantity, "B")?),
        ask: decimal(&ticker.a, "a")?,
        ask_size: Some(decimal(&ticker.ask_quantity, "A")?),
        timestamp: ticker
            .transaction_time
            .or(ticker.event_time)
            .map(millis_to_seconds),
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

    const DOCUMENTED_BOOK_TICKER: &str = r#"{"e":"bookTicker","u":400900217,"E":1568014460893,"T":1568014460891,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}"#;

    fn parse(text: &str) -> Result<Vec<Event>, FrameError> {
        let markets = [Market::for_symbol(
            Symbol::perpetual("BNB", "USDT"),
            "BNBUSDT",
        )];
        parse_frame_with(
            parse_frame,
            &markets,
            "BINANCE_FUTURES",
            "1568014461.25",
            text,
        )
        .map(|parsed| parsed.events)
    }

    fn number(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn documented_book_ticker_normalizes_field_by_field() {
        let wrapped =
            format!(r#"{{"stream":"bnbusdt@bookTicker","data":{DOCUMENTED_BOOK_TICKER}}}"#);
        for text in [DOCUMENTED_BOOK_TICKER, wrapped.as_str()] {
            assert_eq!(
                parse(text).unwrap(),
                vec![Event::Ticker(Ticker {
                    exchange: "BINANCE_FUTURES".into(),
                    symbol: Symbol::parse("BNB-USDT-PERP").unwrap(),
                    bid: number("25.35190000"),
                    bid_size: Some(number("31.21000000")),
                    ask: number("25.36520000"),
                    ask_size: Some(number("40.66000000")),
                    timestamp: Some(number("1568014460.891")),
                    receipt_timestamp: number("1568014461.25"),
                })]
            );
        }
        let Event::Ticker(ticker) = &parse(DOCUMENTED_BOOK_TICKER).unwrap()[0] else {
            unreachable!()
        };
        assert_eq!(
            ticker.bid.to_string(),
            "25.35190000",
            "the exchange's scale is kept"
        );
    }

    #[test]
    fn other_markets_are_skipped_and_bad_numbers_are_malformed() {
        let other = DOCUMENTED_BOOK_TICKER.replace("BNBUSDT", "ETHUSDT");
        assert!(parse(&other).unwrap().is_empty());
        let bad = DOCUMENTED_BOOK_TICKER.replace("\"25.35190000\"", "\"25.3x\"");
        assert!(matches!(parse(&bad), Err(FrameError::Malformed(text)) if text.contains('b')));
        let without_ask = DOCUMENTED_BOOK_TICKER.replace(r#","a":"25.36520000""#, "");
        assert!(matches!(parse(&without_ask), Err(FrameError::Malformed(_))));
        let no_transaction_time = DOCUMENTED_BOOK_TICKER.replace(r#""T":1568014460891,"#, "");
        let Event::Ticker(ticker) = &parse(&no_transaction_time).unwrap()[0] else {
            unreachable!()
        };
        assert_eq!(ticker.timestamp, Some(number("1568014460.893")));
    }
}
