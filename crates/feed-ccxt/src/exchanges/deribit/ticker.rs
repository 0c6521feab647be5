//! Deribit's `ticker.{instrument_name}.{interval}` channel: TICKER, and FUNDING and
//! OPEN_INTEREST from the same notification
//! (<https://docs.deribit.com/subscriptions/ticker/tickerinstrument_nameinterval>).

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Funding, OpenInterest, Ticker};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, integer, malformed, scalar_text};
use crate::parsed::ParsedFrame;

/// The `data` of a `ticker` notification, as documented (a perpetual's):
///
/// ```json
/// {"jsonrpc":"2.0","method":"subscription","params":{"channel":"ticker.BTC-PERPETUAL.100ms",
///  "data":{"timestamp":1623060194301,"stats":{"volume_usd":284061480,"volume":7871.02139035,
///   "price_change":0.7229,"low":35213.5,"high":36824.5},"state":"open",
///   "settlement_price":36169.49,"open_interest":502097590,"min_price":35898.37,
///   "max_price":36991.72,"mark_price":36446.51,"last_price":36457.5,
///   "interest_value":1.7362511643080387,"instrument_name":"BTC-PERPETUAL",
///   "index_price":36441.64,"funding_8h":0.0000211,"estimated_delivery_price":36441.64,
///   "current_funding":0,"best_bid_price":36442.5,"best_bid_amount":5000,
///   "best_ask_price":36443,"best_ask_amount":100}}}
/// ```
///
/// `best_bid_price`/`best_ask_price` are `null` when that side is empty: no ticker then.
/// `current_funding` and `funding_8h` come for perpetuals only: a notification without
/// `current_funding` is no funding rate. `open_interest` is in USD for perpetuals and
/// inverse futures, in the base currency for options and linear instruments.
#[derive(Deserialize)]
struct WireTicker<'a> {
    #[serde(borrow)]
    instrument_name: Cow<'a, str>,
    #[serde(borrow)]
    timestamp: &'a RawValue,
    #[serde(borrow)]
    best_bid_price: Option<&'a RawValue>,
    #[serde(borrow)]
    best_bid_amount: Option<&'a RawValue>,
    #[serde(borrow)]
    best_ask_price: Option<&'a RawValue>,
    #[serde(borrow)]
    best_ask_amount: Option<&'a RawValue>,
    #[serde(borrow)]
    current_funding: Option<&'a RawValue>,
    #[serde(borrow)]
    mark_price: Option<&'a RawValue>,
    #[serde(borrow)]
    open_interest: Option<&'a RawValue>,
}

/// A number, `None` when absent or `null`.
fn optional(raw: Option<&RawValue>, field: &str) -> Result<Option<Decimal>, FrameError> {
    match raw {
        None => Ok(None),
        Some(raw) if raw.get() == "null" => Ok(None),
        Some(raw) => decimal(&scalar_text(raw, field)?, field).map(Some),
    }
}

/// A `ticker` notification of a listed instrument as a ticker (both sides present), a
/// funding rate (perpetuals) and an open interest; the session keeps the ones the feed
/// subscribed to.
pub(super) fn push_ticker(
    data: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let ticker: WireTicker<'_> =
        serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    let Some(symbol) = context.markets.symbol(&ticker.instrument_name) else {
        return Ok(());
    };
    let timestamp = Some(millis_to_seconds(integer(ticker.timestamp, "timestamp")?));
    let bid = optional(ticker.best_bid_price, "best_bid_price")?;
    let bid_size = optional(ticker.best_bid_amount, "best_bid_amount")?;
    let ask = optional(ticker.best_ask_price, "best_ask_price")?;
    let ask_size = optional(ticker.best_ask_amount, "best_ask_amount")?;
    let rate = optional(ticker.current_funding, "current_funding")?;
    let mark_price = optional(ticker.mark_price, "mark_price")?;
    let open_interest = optional(ticker.open_interest, "open_interest")?;
    if let (Some(bid), Some(ask)) = (bid, ask) {
        out.events.push(Event::Ticker(Ticker {
            exchange: context.exchange.clone(),
            symbol: symbol.clone(),
            bid,
            bid_size,
            ask,
            ask_size,
            timestamp,
            receipt_timestamp: context.receipt,
        }));
    }
    if let Some(rate) = rate {
        out.events.push(Event::Funding(Funding {
            exchange: context.exchange.clone(),
            symbol: symbol.clone(),
            mark_price,
            rate,
            predicted_rate: None,
            next_funding_time: None,
            timestamp,
            receipt_timestamp: context.receipt,
        }));
    }
    if let Some(open_interest) = open_interest {
        out.events.push(Event::OpenInterest(OpenInterest {
            exchange: context.exchange.clone(),
            symbol: symbol.clone(),
            open_interest,
            notional: None,
            timestamp,
            receipt_timestamp: context.receipt,
        }));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use std::str::FromStr;

    use feed_core::Symbol;

    use super::*;
    use crate::exchanges::deribit::frame::parse_frame;
    use crate::exchanges::deribit::tests::markets;
    use crate::testing::parse_frame_with;

    /// The documented notification.
    pub(crate) const DOCUMENTED_TICKER: &str = r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"ticker.BTC-PERPETUAL.100ms","data":{"timestamp":1623060194301,"stats":{"volume_usd":284061480,"volume":7871.02139035,"price_change":0.7229,"low":35213.5,"high":36824.5},"state":"open","settlement_price":36169.49,"open_interest":502097590,"min_price":35898.37,"max_price":36991.72,"mark_price":36446.51,"last_price":36457.5,"interest_value":1.7362511643080387,"instrument_name":"BTC-PERPETUAL","index_price":36441.64,"funding_8h":0.0000211,"estimated_delivery_price":36441.64,"current_funding":0,"best_bid_price":36442.5,"best_bid_amount":5000,"best_ask_price":36443,"best_ask_amount":100}}}"#;

    /// An option's ticker in the documented shape (no funding fields).
    pub(crate) const OPTION_TICKER: &str = r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"ticker.BTC-26DEC26-100000-C.100ms","data":{"underlying_price":101000.5,"underlying_index":"BTC-26DEC26","timestamp":1798200000123,"stats":{"volume":12.5,"price_change":null,"low":0.01,"high":0.02},"state":"open","open_interest":312.7,"min_price":0.0005,"max_price":0.5,"mark_price":0.0151,"mark_iv":55.1,"last_price":0.015,"interest_rate":0,"instrument_name":"BTC-26DEC26-100000-C","index_price":100500.1,"greeks":{"delta":0.51},"estimated_delivery_price":100500.1,"bid_iv":54.2,"best_bid_price":0.0145,"best_bid_amount":3.5,"best_ask_price":0.0155,"best_ask_amount":null,"ask_iv":56.0}}}"#;

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn parse(frame: &str) -> Result<Vec<Event>, FrameError> {
        parse_frame_with(parse_frame, &markets(), "DERIBIT", "1623060194.5", frame)
            .map(|parsed| parsed.events)
    }

    #[test]
    fn documented_ticker_is_a_ticker_a_funding_rate_and_an_open_interest() {
        let symbol = Symbol::parse("BTC-USD-PERP").unwrap();
        let timestamp = Some(decimal("1623060194.301"));
        let receipt_timestamp = decimal("1623060194.5");
        assert_eq!(
            parse(DOCUMENTED_TICKER).unwrap(),
            vec![
                Event::Ticker(Ticker {
                    exchange: "DERIBIT".into(),
                    symbol: symbol.clone(),
                    bid: decimal("36442.5"),
                    bid_size: Some(decimal("5000")),
                    ask: decimal("36443"),
                    ask_size: Some(decimal("100")),
                    timestamp,
                    receipt_timestamp,
                }),
                Event::Funding(Funding {
                    exchange: "DERIBIT".into(),
                    symbol: symbol.clone(),
                    mark_price: Some(decimal("36446.51")),
                    rate: decimal("0"),
                    predicted_rate: None,
                    next_funding_time: None,
                    timestamp,
                    receipt_timestamp,
                }),
                Event::OpenInterest(OpenInterest {
                    exchange: "DERIBIT".into(),
                    symbol,
                    open_interest: decimal("502097590"),
                    notional: None,
                    timestamp,
                    receipt_timestamp,
                }),
            ]
        );
    }

    #[test]
    fn an_option_ticker_has_no_funding_and_a_missing_size_is_none() {
        let events = parse(OPTION_TICKER).unwrap();
        assert_eq!(events.len(), 2, "{events:?}");
        let Event::Ticker(ticker) = &events[0] else {
            panic!("{events:?}")
        };
        assert_eq!(ticker.symbol.as_str(), "BTC-USD-26DEC26-100000-C");
        assert_eq!(
            (ticker.bid, ticker.ask),
            (decimal("0.0145"), decimal("0.0155"))
        );
        assert_eq!(
            (ticker.bid_size, ticker.ask_size),
            (Some(decimal("3.5")), None)
        );
        assert_eq!(ticker.timestamp, Some(decimal("1798200000.123")));
        let Event::OpenInterest(interest) = &events[1] else {
            panic!("{events:?}")
        };
        assert_eq!(interest.open_interest.to_string(), "312.7");
    }

    #[test]
    fn an_empty_side_is_no_ticker_and_bad_numbers_are_malformed() {
        let no_bid =
            DOCUMENTED_TICKER.replace(r#""best_bid_price":36442.5"#, r#""best_bid_price":null"#);
        let events = parse(&no_bid).unwrap();
        assert_eq!(events.len(), 2);
        assert!(matches!(events[0], Event::Funding(_)));
        let funded = DOCUMENTED_TICKER.replace(
            r#""current_funding":0,"#,
            r#""current_funding":-0.00001250,"#,
        );
        let Event::Funding(funding) = &parse(&funded).unwrap()[1] else {
            panic!("a funding rate")
        };
        assert_eq!(funding.rate.to_string(), "-0.00001250");
        for bad in [
            DOCUMENTED_TICKER.replace(r#""best_ask_price":36443"#, r#""best_ask_price":"n/a""#),
            DOCUMENTED_TICKER.replace(r#""timestamp":1623060194301,"#, ""),
        ] {
            assert!(
                matches!(parse(&bad), Err(FrameError::Malformed(_))),
                "{bad}"
            );
        }
    }
}
