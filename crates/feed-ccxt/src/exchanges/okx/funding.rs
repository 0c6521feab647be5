//! FUNDING: the `funding-rate` channel of perpetuals (pushed every 30 to 90 s)
//! <https://www.okx.com/docs-v5/en/#public-data-websocket-funding-rate-channel>.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::{Event, Funding};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::field::{elements, optional_decimal, optional_seconds, seconds};
use crate::adapter::FrameContext;
use crate::parse::decimal;
use crate::parsed::ParsedFrame;

/// The channel name.
pub(super) const CHANNEL: &str = "funding-rate";

/// One element of a `funding-rate` push's `data`, as documented:
///
/// ```json
/// {"arg":{"channel":"funding-rate","instId":"BTC-USD-SWAP"},
///  "data":[{"formulaType":"noRate","fundingRate":"0.0001875391284828",
///           "fundingTime":"1700726400000","impactValue":"","instId":"BTC-USD-SWAP",
///           "instType":"SWAP","interestRate":"","maxFundingRate":"0.00375",
///           "method":"current_period","minFundingRate":"-0.00375","nextFundingRate":"",
///           "nextFundingTime":"1700755200000","premium":"0.0001233824646391",
///           "settFundingRate":"0.0001699799259033","settState":"settled","sign":"",
///           "ts":"1700724675402"}]}
/// ```
///
/// `fundingRate` is the rate of the current period, settled at `fundingTime`; the
/// funding's `next_funding_time` is therefore `fundingTime` (as cryptofeed does), and its
/// `predicted_rate` is `nextFundingRate` (empty, so `None`, under `method`
/// `current_period`). No mark price is pushed (`None`). `ts` is the time of the figure.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OkxFunding<'a> {
    #[serde(borrow)]
    inst_id: Cow<'a, str>,
    #[serde(borrow)]
    funding_rate: Cow<'a, str>,
    #[serde(borrow, default)]
    next_funding_rate: Cow<'a, str>,
    #[serde(borrow, default)]
    funding_time: Cow<'a, str>,
    #[serde(borrow, default)]
    ts: Cow<'a, str>,
}

/// Every funding of `data` of a listed market, or none when one is malformed.
pub(super) fn push_funding(
    data: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let fundings: Vec<OkxFunding<'_>> = elements(data)?;
    let mut events = Vec::with_capacity(fundings.len());
    for funding in &fundings {
        let Some(symbol) = context.markets.symbol(&funding.inst_id) else {
            continue;
        };
        events.push(Event::Funding(Funding {
            exchange: context.exchange.clone(),
            symbol: symbol.clone(),
            mark_price: None,
            rate: decimal(&funding.funding_rate, "fundingRate")?,
            predicted_rate: optional_decimal(&funding.next_funding_rate, "nextFundingRate")?,
            next_funding_time: optional_seconds(&funding.funding_time, "fundingTime")?,
            timestamp: Some(seconds(&funding.ts, "ts")?),
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

    use super::*;
    use crate::exchanges::okx::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    const DOCUMENTED: &str = r#"{"arg":{"channel":"funding-rate","instId":"BTC-USD-SWAP"},"data":[{"formulaType":"noRate","fundingRate":"0.0001875391284828","fundingTime":"1700726400000","impactValue":"","instId":"BTC-USD-SWAP","instType":"SWAP","interestRate":"","maxFundingRate":"0.00375","method":"current_period","minFundingRate":"-0.00375","nextFundingRate":"","nextFundingTime":"1700755200000","premium":"0.0001233824646391","settFundingRate":"0.0001699799259033","settState":"settled","sign":"","ts":"1700724675402"}]}"#;

    fn parse(frame: &str) -> Result<Vec<Event>, FrameError> {
        let markets = [Market::for_symbol(
            Symbol::perpetual("BTC", "USD"),
            "BTC-USD-SWAP",
        )];
        parse_frame_with(parse_frame, &markets, "OKX", "1700724675.5", frame)
            .map(|parsed| parsed.events)
    }

    fn number(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn documented_funding_field_by_field() {
        assert_eq!(
            parse(DOCUMENTED).unwrap(),
            vec![Event::Funding(Funding {
                exchange: "OKX".into(),
                symbol: Symbol::parse("BTC-USD-PERP").unwrap(),
                mark_price: None,
                rate: number("0.0001875391284828"),
                predicted_rate: None,
                next_funding_time: Some(number("1700726400")),
                timestamp: Some(number("1700724675.402")),
                receipt_timestamp: number("1700724675.5"),
            })]
        );
    }

    #[test]
    fn a_next_rate_is_the_predicted_rate_and_garbage_is_malformed() {
        let next = DOCUMENTED.replace(r#""nextFundingRate":"""#, r#""nextFundingRate":"-0.00012""#);
        assert!(matches!(
            &parse(&next).unwrap()[..],
            [Event::Funding(f)] if f.predicted_rate == Some(number("-0.00012"))
        ));
        let garbage = DOCUMENTED.replace(r#""ts":"1700724675402""#, r#""ts":"soon""#);
        assert!(matches!(parse(&garbage), Err(FrameError::Malformed(_))));
        let other = DOCUMENTED.replace("BTC-USD-SWAP", "ETH-USD-SWAP");
        assert!(parse(&other).unwrap().is_empty());
    }
}
