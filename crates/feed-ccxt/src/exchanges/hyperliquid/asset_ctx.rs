//! Hyperliquid's `activeAssetCtx` channel: a perpetual's context, which serves both
//! FUNDING and OPEN_INTEREST (one subscription per coin, see [`super::subscription`]).

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::{Event, Funding, OpenInterest};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, malformed, scalar_text};
use crate::parsed::ParsedFrame;

/// The channel and subscription type.
pub(super) const CHANNEL: &str = "activeAssetCtx";

/// The data of an `activeAssetCtx` message, as documented (`WsActiveAssetCtx`, its `ctx` a
/// `PerpsAssetCtx`), with the context of the documented `metaAndAssetCtxs` example:
///
/// ```json
/// {"channel":"activeAssetCtx","data":{"coin":"BTC","ctx":{"dayNtlVlm":"1169046.29406",
///  "funding":"0.0000125","impactPxs":["14.3047","14.3444"],"markPx":"14.3161",
///  "midPx":"14.314","openInterest":"688.11","oraclePx":"14.32","premium":"0.00031774",
///  "prevDayPx":"15.322"}}}
/// ```
///
/// `funding` is the current hourly rate, `openInterest` the open interest as the venue
/// counts it (sizes are in coins), `markPx` the mark price; typed `number` in the docs'
/// TypeScript, strings in every example: both are read as their exact text. The context
/// carries no time. (A spot coin's context comes on the `activeSpotAssetCtx` channel.)
#[derive(Deserialize)]
struct WsActiveAssetCtx<'a> {
    #[serde(borrow)]
    coin: Cow<'a, str>,
    #[serde(borrow)]
    ctx: PerpsAssetCtx<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PerpsAssetCtx<'a> {
    #[serde(borrow)]
    funding: Option<&'a RawValue>,
    #[serde(borrow)]
    open_interest: Option<&'a RawValue>,
    #[serde(borrow)]
    mark_px: Option<&'a RawValue>,
}

/// An `activeAssetCtx` message of a listed coin as a funding rate and an open interest;
/// the session keeps the ones the feed subscribed to.
pub(super) fn push_asset_ctx(
    data: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let message: WsActiveAssetCtx<'_> =
        serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    let Some(symbol) = context.markets.symbol(&message.coin) else {
        return Ok(()); // a coin this feed did not subscribe to
    };
    let required = |raw: Option<&RawValue>, field: &str| {
        raw.ok_or_else(|| FrameError::Malformed(format!("activeAssetCtx without '{field}'")))
            .and_then(|raw| exact(raw, field))
    };
    let rate = required(message.ctx.funding, "funding")?;
    let open_interest = required(message.ctx.open_interest, "openInterest")?;
    let mark_price = message
        .ctx
        .mark_px
        .map(|raw| exact(raw, "markPx"))
        .transpose()?;
    out.events.push(Event::Funding(Funding {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        mark_price,
        rate,
        predicted_rate: None,
        next_funding_time: None,
        timestamp: None,
        receipt_timestamp: context.receipt,
    }));
    out.events.push(Event::OpenInterest(OpenInterest {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        open_interest,
        notional: None,
        timestamp: None,
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}

/// A number sent as a JSON number or string, exactly.
fn exact(raw: &RawValue, field: &str) -> Result<rust_decimal::Decimal, FrameError> {
    decimal(&scalar_text(raw, field)?, field)
}

#[cfg(test)]
pub(super) mod tests {
    use std::str::FromStr;

    use feed_core::Symbol;
    use rust_decimal::Decimal;

    use super::*;
    use crate::exchanges::hyperliquid::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    /// The documented message shape around the documented context example.
    pub(crate) const DOCUMENTED_CTX: &str = r#"{"channel":"activeAssetCtx","data":{"coin":"BTC","ctx":{"dayNtlVlm":"1169046.29406","funding":"0.0000125","impactPxs":["14.3047","14.3444"],"markPx":"14.3161","midPx":"14.314","openInterest":"688.11","oraclePx":"14.32","premium":"0.00031774","prevDayPx":"15.322"}}}"#;

    fn parse(frame: &str) -> Result<Vec<Event>, FrameError> {
        let markets = [Market::for_symbol(Symbol::perpetual("BTC", "USDC"), "BTC")];
        parse_frame_with(parse_frame, &markets, "HYPERLIQUID", "1700000000.25", frame)
            .map(|parsed| parsed.events)
    }

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn documented_context_is_a_funding_rate_and_an_open_interest() {
        let symbol = Symbol::parse("BTC-USDC-PERP").unwrap();
        assert_eq!(
            parse(DOCUMENTED_CTX).unwrap(),
            vec![
                Event::Funding(Funding {
                    exchange: "HYPERLIQUID".into(),
                    symbol: symbol.clone(),
                    mark_price: Some(decimal("14.3161")),
                    rate: decimal("0.0000125"),
                    predicted_rate: None,
                    next_funding_time: None,
                    timestamp: None,
                    receipt_timestamp: decimal("1700000000.25"),
                }),
                Event::OpenInterest(OpenInterest {
                    exchange: "HYPERLIQUID".into(),
                    symbol,
                    open_interest: decimal("688.11"),
                    notional: None,
                    timestamp: None,
                    receipt_timestamp: decimal("1700000000.25"),
                }),
            ]
        );
    }

    #[test]
    fn numbers_as_the_typescript_types_say_are_read_exactly() {
        let numbers = r#"{"channel":"activeAssetCtx","data":{"coin":"BTC","ctx":{"dayNtlVlm":1169046.29406,"funding":-0.00001250,"markPx":97000.10,"openInterest":1.2e3,"oraclePx":97001,"prevDayPx":96000}}}"#;
        let events = parse(numbers).unwrap();
        let Event::Funding(funding) = &events[0] else {
            panic!("{events:?}")
        };
        assert_eq!(funding.rate.to_string(), "-0.00001250");
        assert_eq!(funding.mark_price.unwrap().to_string(), "97000.10");
        let Event::OpenInterest(interest) = &events[1] else {
            panic!("{events:?}")
        };
        assert_eq!(interest.open_interest, decimal("1200"));
    }

    #[test]
    fn other_coins_are_skipped_and_bad_contexts_yield_nothing() {
        let other = DOCUMENTED_CTX.replace(r#""coin":"BTC""#, r#""coin":"ETH""#);
        assert!(parse(&other).unwrap().is_empty());
        let no_mark = DOCUMENTED_CTX.replace(r#""markPx":"14.3161","#, "");
        let Event::Funding(funding) = &parse(&no_mark).unwrap()[0] else {
            panic!("a funding rate")
        };
        assert_eq!(funding.mark_price, None);
        for bad in [
            DOCUMENTED_CTX.replace(r#""funding":"0.0000125","#, ""),
            DOCUMENTED_CTX.replace(r#""openInterest":"688.11""#, r#""openInterest":null"#),
            DOCUMENTED_CTX.replace(r#""markPx":"14.3161""#, r#""markPx":"n/a""#),
            DOCUMENTED_CTX
                .replace(r#""ctx":{"#, r#""ctx":[{"#)
                .replace("}}}", "}]}}"),
        ] {
            assert!(
                matches!(parse(&bad), Err(FrameError::Malformed(_))),
                "{bad}"
            );
        }
    }
}
