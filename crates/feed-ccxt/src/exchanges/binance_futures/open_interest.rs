//! OPEN_INTEREST: USD-M has no open interest stream; `GET /fapi/v1/openInterest?symbol=`
//! (weight 1, <https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Open-Interest>)
//! is polled.
//!
//! Interval: open interest polling may use 5 % of the IP's 2400 request weight per minute
//! (120, two requests a second), leaving the rest to book snapshots and to other feeds of
//! the same address; so each subscription is polled every `polled / 2` seconds, and never
//! more often than every 10 s, since no update frequency is documented and a figure that
//! changes with every trade gains little from faster polling. Every answer is delivered,
//! changed or not.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Channel, Event, OpenInterest};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::adapter::{FrameContext, PollRequest, Subscription};
use crate::parse::{decimal, malformed};
use crate::parsed::ParsedFrame;

/// The request weight per minute open interest polling may use (of 2400).
const WEIGHT_PER_MINUTE: i64 = 120;
/// The shortest interval between two polls of one subscription, in seconds.
const MIN_INTERVAL_SECONDS: i64 = 10;

/// Seconds between polls of each of `polled` subscriptions (each of weight 1).
fn interval(polled: usize) -> Decimal {
    let spread = Decimal::from(polled) * Decimal::from(60) / Decimal::from(WEIGHT_PER_MINUTE);
    spread.max(Decimal::from(MIN_INTERVAL_SECONDS))
}

pub(super) fn poll(
    rest_base: &str,
    subscription: &Subscription,
    polled: usize,
) -> Option<PollRequest> {
    (subscription.channel == Channel::OpenInterest).then(|| PollRequest {
        url: format!(
            "{rest_base}/fapi/v1/openInterest?symbol={}",
            subscription.exchange_symbol
        ),
        every: interval(polled),
    })
}

/// The answer, as documented:
///
/// ```json
/// {"openInterest":"10659.509","symbol":"BTCUSDT","time":1589437530011}
/// ```
///
/// `openInterest` in contracts (base asset units), `time` the transaction time (ms). An
/// error answer is `{"code":-1121,"msg":"Invalid symbol."}`.
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
        let subscription = subscription();
        let markets = MarketMap::new([Market::for_symbol(subscription.symbol.clone(), "BTCUSDT")]);
        let exchange: Arc<str> = "BINANCE_FUTURES".into();
        let context = FrameContext {
            markets: &markets,
            exchange: &exchange,
            receipt: Decimal::from_str("1589437530.5").unwrap(),
        };
        let mut out = ParsedFrame::default();
        parse(body, &subscription, &context, &mut out).map(|()| out.events)
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
        let request = poll("https://fapi.binance.com", &subscription(), 2).unwrap();
        assert_eq!(
            request.url,
            "https://fapi.binance.com/fapi/v1/openInterest?symbol=BTCUSDT"
        );
        assert_eq!(request.every, Decimal::from(10));
        assert_eq!(interval(100), Decimal::from(50));
        assert_eq!(interval(1001), Decimal::from_str("500.5").unwrap());
        let trades =
            Subscription::new(Channel::Trades, Symbol::perpetual("BTC", "USDT"), "BTCUSDT");
        assert!(poll("https://fapi.binance.com", &trades, 2).is_none());
    }
}
