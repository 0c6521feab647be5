//! OPEN_INTEREST: the `open-interest` channel of perpetuals, futures and options (pushed
//! every 3 s when it changes)
//! <https://www.okx.com/docs-v5/en/#public-data-websocket-open-interest-channel>.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::{Event, OpenInterest};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::field::{elements, seconds};
use crate::adapter::FrameContext;
use crate::parse::decimal;
use crate::parsed::ParsedFrame;

/// The channel name.
pub(super) const CHANNEL: &str = "open-interest";

/// One element of an `open-interest` push's `data`, as documented:
///
/// ```json
/// {"arg":{"channel":"open-interest","instId":"LTC-USD-SWAP"},
///  "data":[{"instId":"LTC-USD-SWAP","instType":"SWAP","oi":"5000","oiCcy":"555.55",
///           "oiUsd":"50000","ts":"1597026383085"}]}
/// ```
///
/// `oi` is in contracts (the venue's unit, delivered), `oiCcy` in the base currency,
/// `oiUsd` in US dollars. `notional` is `None`: it is documented as the value in the quote
/// or settle currency, and `oiUsd` is neither for USDT and USDC contracts.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OkxOpenInterest<'a> {
    #[serde(borrow)]
    inst_id: Cow<'a, str>,
    #[serde(borrow)]
    oi: Cow<'a, str>,
    #[serde(borrow, default)]
    ts: Cow<'a, str>,
}

/// Every figure of `data` of a listed market, or none when one is malformed.
pub(super) fn push_open_interest(
    data: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let figures: Vec<OkxOpenInterest<'_>> = elements(data)?;
    let mut events = Vec::with_capacity(figures.len());
    for figure in &figures {
        let Some(symbol) = context.markets.symbol(&figure.inst_id) else {
            continue;
        };
        events.push(Event::OpenInterest(OpenInterest {
            exchange: context.exchange.clone(),
            symbol: symbol.clone(),
            open_interest: decimal(&figure.oi, "oi")?,
            notional: None,
            timestamp: Some(seconds(&figure.ts, "ts")?),
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

    const DOCUMENTED: &str = r#"{"arg":{"channel":"open-interest","instId":"LTC-USD-SWAP"},"data":[{"instId":"LTC-USD-SWAP","instType":"SWAP","oi":"5000","oiCcy":"555.55","oiUsd":"50000","ts":"1597026383085"}]}"#;

    fn parse(frame: &str) -> Result<Vec<Event>, FrameError> {
        let markets = [Market::for_symbol(
            Symbol::perpetual("LTC", "USD"),
            "LTC-USD-SWAP",
        )];
        parse_frame_with(parse_frame, &markets, "OKX", "1597026384", frame)
            .map(|parsed| parsed.events)
    }

    #[test]
    fn documented_open_interest_field_by_field() {
        assert_eq!(
            parse(DOCUMENTED).unwrap(),
            vec![Event::OpenInterest(OpenInterest {
                exchange: "OKX".into(),
                symbol: Symbol::parse("LTC-USD-PERP").unwrap(),
                open_interest: Decimal::from_str("5000").unwrap(),
                notional: None,
                timestamp: Some(Decimal::from_str("1597026383.085").unwrap()),
                receipt_timestamp: Decimal::from_str("1597026384").unwrap(),
            })]
        );
    }

    #[test]
    fn other_markets_are_skipped_and_garbage_is_malformed() {
        let other = DOCUMENTED.replace("LTC-USD-SWAP", "BTC-USD-SWAP");
        assert!(parse(&other).unwrap().is_empty());
        let garbage = DOCUMENTED.replace(r#""oi":"5000""#, r#""oi":"lots""#);
        assert!(matches!(parse(&garbage), Err(FrameError::Malformed(_))));
    }
}
