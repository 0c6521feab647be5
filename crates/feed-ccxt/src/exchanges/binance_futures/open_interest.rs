//! OPEN_INTEREST: neither futures product has an open interest stream; the REST figure is
//! polled: `GET /fapi/v1/openInterest?symbol=`
//! (<https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Open-Interest>)
//! and `GET /dapi/v1/openInterest?symbol=`
//! (<https://developers.binance.com/docs/derivatives/coin-margined-futures/market-data/rest-api/Open-Interest>),
//! both of weight 1.
//!
//! Interval: open interest polling may use 5 % of the IP's request weight per minute (2400
//! on both products, so 120: two requests a second), leaving the rest to book snapshots
//! and to other feeds of the same address; so each subscription is polled every
//! `polled / 2` seconds, and never more often than every 10 s, since no update frequency
//! is documented and a figure that changes with every trade gains little from faster
//! polling. Every answer is delivered, changed or not.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Channel, Event, OpenInterest};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::product::Product;
use crate::adapter::{FrameContext, PollRequest, Subscription};
use crate::parse::{decimal, malformed};
use crate::parsed::ParsedFrame;

/// The share of the IP's request weight open interest polling may use, in percent.
const BUDGET_PERCENT: u32 = 5;
/// The documented weight of one open interest request.
const REQUEST_WEIGHT: u32 = 1;
/// The shortest interval between two polls of one subscription, in seconds.
const MIN_INTERVAL_SECONDS: i64 = 10;

/// Seconds between polls of each of `polled` subscriptions of `product`.
fn interval(product: &Product, polled: usize) -> Decimal {
    let budget = Decimal::from(product.ip_weight_per_minute * BUDGET_PERCENT / 100);
    let spread = Decimal::from(polled) * Decimal::from(REQUEST_WEIGHT) * Decimal::from(60) / budget;
    spread.max(Decimal::from(MIN_INTERVAL_SECONDS))
}

pub(super) fn poll(
    product: &Product,
    rest_base: &str,
    subscription: &Subscription,
    polled: usize,
) -> Option<PollRequest> {
    (subscription.channel == Channel::OpenInterest).then(|| PollRequest {
        url: format!(
            "{}?symbol={}",
            product.rest_url(rest_base, "v1/openInterest"),
            subscription.exchange_symbol
        ),
        every: interval(product, polled),
    })
}

/// The answer, as documented by USDⓈ-M:
///
/// ```json
/// {"openInterest":"10659.509","symbol":"BTCUSDT","time":1589437530011}
/// ```
///
/// and by COIN-M, which adds the pair and the contract type:
///
/// ```json
/// {"symbol":"BTCUSD_200626","pair":"BTCUSD","openInterest":"15004",
///  "contractType":"CURRENT_QUARTER","time":1591261042378}
/// ```
///
/// `openInterest` in contracts (USD-M: base asset units; COIN-M: contracts of
/// `contractSize` USD), `time` the transaction time (ms). An error answer is
/// `{"code":-1121,"msg":"Invalid symbol."}`.
#[derive(Deserialize)]
struct Answer<'a> {
    #[serde(rename = "openInterest", borrow)]
    open_interest: Option<Cow<'a, str>>,
    #[serde(borrow)]
    symbol: Option<Cow<'a, str>>,
    time: Option<i64>,
    code: Option<i64>,
    #[serde(borrow)]
    msg: Option<Cow<'a, str>>,
}

/// A poll's answer as an [`OpenInterest`] of the subscription's symbol.
pub(super) fn parse(
    body: &str,
    subscription: &Subscription,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let answer: Answer<'_> = serde_json::from_str(body).map_err(|error| malformed(&error))?;
    if let (Some(code), Some(msg)) = (answer.code, &answer.msg) {
        return Err(FrameError::Exchange(format!("code {code}: {msg}")));
    }
    let Some(open_interest) = answer.open_interest else {
        return Err(FrameError::Malformed(
            "open interest answer without 'openInterest'".into(),
        ));
    };
    if let Some(symbol) = answer
        .symbol
        .filter(|symbol| *symbol != subscription.exchange_symbol)
    {
        return Err(FrameError::Malformed(format!(
            "open interest of {symbol} answers a poll of {}",
            subscription.exchange_symbol
        )));
    }
    out.events.push(Event::OpenInterest(OpenInterest {
        exchange: context.exchange.clone(),
        symbol: subscription.symbol.clone(),
        open_interest: decimal(&open_interest, "openInterest")?,
        notional: None,
        timestamp: answer.time.map(millis_to_seconds),
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;
    use std::sync::Arc;

    use feed_core::Symbol;

    use super::*;
    use crate::exchanges::binance_delivery::COIN_M;
    use crate::exchanges::binance_futures::product::USD_M;
    use crate::markets::{Market, MarketMap};

    const DOCUMENTED_OPEN_INTEREST: &str =
        r#"{"openInterest":"10659.509","symbol":"BTCUSDT","time":1589437530011}"#;

    fn subscription() -> Subscription {
        Subscription::new(
            Channel::OpenInterest,
            Symbol::perpetual("BTC", "USDT"),
            "BTCUSDT",
        )
    }

    fn parse_body(body: &str) -> Result<Vec<Event>, FrameError> {
        parse_body_of(&subscription(), "BINANCE_FUTURES", body)
    }

    fn parse_body_of(
        subscription: &Subscription,
        exchange: &str,
        body: &str,
    ) -> Result<Vec<Event>, FrameError> {
        let markets = MarketMap::new([Market::for_symbol(
            subscription.symbol.clone(),
            subscription.exchange_symbol.clone(),
        )]);
        let exchange: Arc<str> = exchange.into();
        let context = FrameContext {
            connection: None,
            markets: &markets,
            exchange: &exchange,
            receipt: Decimal::from_str("1589437530.5").unwrap(),
        };
        let mut out = ParsedFrame::default();
        parse(body, subscription, &context, &mut out).map(|()| out.events)
    }

    #[test]
    fn documented_answer_normalizes_field_by_field() {
        assert_eq!(
            parse_body(DOCUMENTED_OPEN_INTEREST).unwrap(),
            vec![Event::OpenInterest(OpenInterest {
                exchange: "BINANCE_FUTURES".into(),
                symbol: Symbol::parse("BTC-USDT-PERP").unwrap(),
                open_interest: Decimal::from_str("10659.509").unwrap(),
                notional: None,
                timestamp: Some(Decimal::from_str("1589437530.011").unwrap()),
                receipt_timestamp: Decimal::from_str("1589437530.5").unwrap(),
            })]
        );
    }

    #[test]
    fn errors_and_answers_for_another_symbol_are_refused() {
        assert_eq!(
            parse_body(r#"{"code":-1121,"msg":"Invalid symbol."}"#).unwrap_err(),
            FrameError::Exchange("code -1121: Invalid symbol.".into())
        );
        let other = DOCUMENTED_OPEN_INTEREST.replace("BTCUSDT", "ETHUSDT");
        assert!(matches!(parse_body(&other), Err(FrameError::Malformed(_))));
        assert!(matches!(parse_body("{}"), Err(FrameError::Malformed(_))));
        assert!(matches!(
            parse_body("10659.509"),
            Err(FrameError::Malformed(_))
        ));
    }

    #[test]
    fn polls_open_interest_only_within_the_weight_budget() {
        let request = poll(&USD_M, "https://fapi.binance.com", &subscription(), 2).unwrap();
        assert_eq!(
            request.url,
            "https://fapi.binance.com/fapi/v1/openInterest?symbol=BTCUSDT"
        );
        assert_eq!(request.every, Decimal::from(10));
        assert_eq!(interval(&USD_M, 100), Decimal::from(50));
        assert_eq!(interval(&USD_M, 1001), Decimal::from_str("500.5").unwrap());
        let trades =
            Subscription::new(Channel::Trades, Symbol::perpetual("BTC", "USDT"), "BTCUSDT");
        assert!(poll(&USD_M, "https://fapi.binance.com", &trades, 2).is_none());
    }

    /// COIN-M's documented answer: contracts of a quarterly, with its pair and type.
    const COIN_M_OPEN_INTEREST: &str = r#"{"symbol":"BTCUSD_200626","pair":"BTCUSD","openInterest":"15004","contractType":"CURRENT_QUARTER","time":1591261042378}"#;

    fn coin_m_quarterly() -> Subscription {
        let expiry = feed_core::Expiry::new(2020, 6, 26).unwrap();
        Subscription::new(
            Channel::OpenInterest,
            Symbol::future("BTC", "USD", expiry),
            "BTCUSD_200626",
        )
    }

    #[test]
    fn coin_m_answer_normalizes_field_by_field_and_polls_dapi() {
        let subscription = coin_m_quarterly();
        assert_eq!(
            parse_body_of(&subscription, "BINANCE_DELIVERY", COIN_M_OPEN_INTEREST).unwrap(),
            vec![Event::OpenInterest(OpenInterest {
                exchange: "BINANCE_DELIVERY".into(),
                symbol: Symbol::parse("BTC-USD-26JUN20").unwrap(),
                open_interest: Decimal::from(15004),
                notional: None,
                timestamp: Some(Decimal::from_str("1591261042.378").unwrap()),
                receipt_timestamp: Decimal::from_str("1589437530.5").unwrap(),
            })]
        );
        let perpetual = COIN_M_OPEN_INTEREST.replace("BTCUSD_200626", "BTCUSD_PERP");
        assert!(matches!(
            parse_body_of(&subscription, "BINANCE_DELIVERY", &perpetual),
            Err(FrameError::Malformed(_))
        ));
        let request = poll(&COIN_M, "https://dapi.binance.com", &subscription, 3).unwrap();
        assert_eq!(
            request.url,
            "https://dapi.binance.com/dapi/v1/openInterest?symbol=BTCUSD_200626"
        );
        assert_eq!(request.every, Decimal::from(10));
        assert_eq!(interval(&COIN_M, 100), Decimal::from(50), "the same budget");
    }
}
