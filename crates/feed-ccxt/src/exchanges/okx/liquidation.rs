//! LIQUIDATIONS: the `liquidation-orders` channel, one subscription per instrument type
//! (`SWAP`, `FUTURES`, `OPTION`), not per instrument
//! <https://www.okx.com/docs-v5/en/#public-data-websocket-liquidation-orders-channel>.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::{Event, InstrumentKind, Liquidation, Side, Symbol};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::field::{elements, seconds};
use crate::adapter::FrameContext;
use crate::parse::decimal;
use crate::parsed::ParsedFrame;

/// The channel name.
pub(super) const CHANNEL: &str = "liquidation-orders";

/// The `instType` a symbol's liquidations are subscribed with; `None` for spot, which
/// has none.
pub(super) fn inst_type(symbol: &Symbol) -> Option<&'static str> {
    match symbol.instrument().kind {
        InstrumentKind::Perpetual => Some("SWAP"),
        InstrumentKind::Future => Some("FUTURES"),
        InstrumentKind::Option => Some("OPTION"),
        InstrumentKind::Spot => None,
    }
}

/// One element of a `liquidation-orders` push's `data`, as documented:
///
/// ```json
/// {"arg":{"channel":"liquidation-orders","instType":"SWAP"},
///  "data":[{"details":[{"bkLoss":"0","bkPx":"0.007831","ccy":"","posSide":"short",
///                       "side":"buy","sz":"13","ts":"1692266434010"}],
///           "instFamily":"IOST-USDT","instId":"IOST-USDT-SWAP","instType":"SWAP",
///           "uly":"IOST-USDT"}]}
/// ```
///
/// Each detail is one liquidation: `side` the liquidation order's side (`buy` closes a
/// short), `sz` its size in contracts, `bkPx` the bankruptcy price, `ts` its time (ms).
/// The push carries every instrument of the type: those not listed in the feed are
/// skipped. No order id or status is given: `id` is `None` and the status `filled` (the
/// channel reports liquidations that took place).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OkxLiquidations<'a> {
    #[serde(borrow)]
    inst_id: Cow<'a, str>,
    #[serde(borrow, default)]
    details: Vec<Detail<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Detail<'a> {
    #[serde(borrow)]
    side: Cow<'a, str>,
    #[serde(borrow)]
    sz: Cow<'a, str>,
    #[serde(borrow)]
    bk_px: Cow<'a, str>,
    #[serde(borrow, default)]
    ts: Cow<'a, str>,
}

/// Every liquidation of `data` of a listed market, or none when one is malformed.
pub(super) fn push_liquidations(
    data: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let entries: Vec<OkxLiquidations<'_>> = elements(data)?;
    let mut events = Vec::new();
    for entry in &entries {
        let Some(symbol) = context.markets.symbol(&entry.inst_id) else {
            continue;
        };
        for detail in &entry.details {
            let side = match detail.side.as_ref() {
                "buy" => Side::Buy,
                "sell" => Side::Sell,
                other => {
                    return Err(FrameError::Malformed(format!(
                        "a liquidation of side {other:?}"
                    )))
                }
            };
            events.push(Event::Liquidation(Liquidation {
                exchange: context.exchange.clone(),
                symbol: symbol.clone(),
                side,
                quantity: decimal(&detail.sz, "sz")?,
                price: decimal(&detail.bk_px, "bkPx")?,
                id: None,
                status: "filled".into(),
                timestamp: Some(seconds(&detail.ts, "ts")?),
                receipt_timestamp: context.receipt,
            }));
        }
    }
    out.events.extend(events);
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;

    use super::*;
    use crate::exchanges::okx::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    const DOCUMENTED: &str = r#"{"arg":{"channel":"liquidation-orders","instType":"SWAP"},"data":[{"details":[{"bkLoss":"0","bkPx":"0.007831","ccy":"","posSide":"short","side":"buy","sz":"13","ts":"1692266434010"}],"instFamily":"IOST-USDT","instId":"IOST-USDT-SWAP","instType":"SWAP","uly":"IOST-USDT"}]}"#;

    fn parse(frame: &str) -> Result<Vec<Event>, FrameError> {
        let markets = [Market::for_symbol(
            Symbol::perpetual("IOST", "USDT"),
            "IOST-USDT-SWAP",
        )];
        parse_frame_with(parse_frame, &markets, "OKX", "1692266435", frame)
            .map(|parsed| parsed.events)
    }

    fn number(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn documented_liquidation_field_by_field() {
        assert_eq!(
            parse(DOCUMENTED).unwrap(),
            vec![Event::Liquidation(Liquidation {
                exchange: "OKX".into(),
                symbol: Symbol::parse("IOST-USDT-PERP").unwrap(),
                side: Side::Buy,
                quantity: number("13"),
                price: number("0.007831"),
                id: None,
                status: "filled".into(),
                timestamp: Some(number("1692266434.01")),
                receipt_timestamp: number("1692266435"),
            })]
        );
    }

    #[test]
    fn unlisted_instruments_are_skipped_and_garbage_is_malformed() {
        let other = DOCUMENTED.replace("\"IOST-USDT-SWAP\"", "\"BTC-USDT-SWAP\"");
        assert!(parse(&other).unwrap().is_empty());
        let garbage = DOCUMENTED.replace(r#""side":"buy""#, r#""side":"up""#);
        assert!(matches!(parse(&garbage), Err(FrameError::Malformed(_))));
        assert_eq!(
            inst_type(&Symbol::parse("BTC-USD-26DEC26").unwrap()),
            Some("FUTURES")
        );
        assert_eq!(inst_type(&Symbol::parse("BTC-USDT").unwrap()), None);
    }
}
