//! LIQUIDATIONS: the `allLiquidation.<symbol>` topic of linear and inverse contracts
//! (<https://bybit-exchange.github.io/docs/v5/websocket/public/all-liquidation>), every
//! liquidation pushed every 500 ms. It replaces the older `liquidation.<symbol>` topic
//! (one liquidation per second at most, documented as deprecated), which is never
//! subscribed and skipped like any other topic.

use std::borrow::Cow;
use std::sync::Arc;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Liquidation, Side};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, integer, malformed};
use crate::parsed::ParsedFrame;

/// The topic prefix (`allLiquidation.BTCUSDT`).
pub(super) const LIQUIDATION_TOPIC_PREFIX: &str = "allLiquidation.";

/// The status every Bybit liquidation is given: the stream reports executed
/// liquidations only.
const STATUS: &str = "filled";

/// One liquidation of an `allLiquidation` frame's `data`, as documented:
///
/// ```json
/// {"topic":"allLiquidation.ROSEUSDT","type":"snapshot","ts":1739502303204,
///  "data":[{"T":1739502302929,"s":"ROSEUSDT","S":"Sell","v":"20000","p":"0.04499"}]}
/// ```
///
/// `T` is the time in ms, `v`/`p` size and price, `S` the side of the liquidated
/// *position* ("When you receive a Buy update, this means that a long position has been
/// liquidated"). Our `side` is the liquidation order's (a long is closed by a sell), so
/// `Buy` becomes [`Side::Sell`] and `Sell` [`Side::Buy`]. No id is given. `T` is read as
/// a number or a numeric string.
#[derive(Deserialize)]
struct AllLiquidation<'a> {
    #[serde(borrow, rename = "T")]
    time: &'a RawValue,
    #[serde(borrow, rename = "s")]
    symbol: Cow<'a, str>,
    #[serde(borrow, rename = "S")]
    side: Cow<'a, str>,
    #[serde(borrow, rename = "v")]
    size: Cow<'a, str>,
    #[serde(borrow, rename = "p")]
    price: Cow<'a, str>,
}

/// The liquidations of an `allLiquidation` frame, all or none.
pub(super) fn push_liquidations(
    topic: &str,
    data: Option<&RawValue>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let data = data.ok_or_else(|| FrameError::Malformed(format!("{topic} without 'data'")))?;
    let liquidations: Vec<AllLiquidation<'_>> =
        serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    let mut events = Vec::with_capacity(liquidations.len());
    for liquidation in &liquidations {
        let Some(symbol) = context.markets.symbol(&liquidation.symbol) else {
            continue;
        };
        let side = match &*liquidation.side {
            "Buy" => Side::Sell, // a long position liquidated
            "Sell" => Side::Buy, // a short position liquidated
            other => {
                return Err(FrameError::Malformed(format!(
                    "S is neither Buy nor Sell: {other:?}"
                )))
            }
        };
        events.push(Event::Liquidation(Liquidation {
            exchange: context.exchange.clone(),
            symbol: symbol.clone(),
            side,
            quantity: decimal(&liquidation.size, "v")?,
            price: decimal(&liquidation.price, "p")?,
            id: None,
            status: Arc::from(STATUS),
            timestamp: Some(millis_to_seconds(integer(liquidation.time, "T")?)),
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

    use super::super::frame::parse_frame;
    use super::*;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    /// The documented frame.
    const DOCUMENTED: &str = r#"{"topic":"allLiquidation.ROSEUSDT","type":"snapshot","ts":1739502303204,"data":[{"T":1739502302929,"s":"ROSEUSDT","S":"Sell","v":"20000","p":"0.04499"}]}"#;

    fn parse(frame: &str) -> Result<Vec<Event>, FrameError> {
        let markets = [Market::for_symbol(
            Symbol::parse("ROSE-USDT-PERP").unwrap(),
            "ROSEUSDT",
        )];
        parse_frame_with(parse_frame, &markets, "BYBIT", "1739502303.5", frame)
            .map(|parsed| parsed.events)
    }

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn the_documented_liquidation_field_by_field_with_the_order_side() {
        assert_eq!(
            parse(DOCUMENTED).unwrap(),
            vec![Event::Liquidation(Liquidation {
                exchange: "BYBIT".into(),
                symbol: Symbol::parse("ROSE-USDT-PERP").unwrap(),
                side: Side::Buy, // a short position (S: Sell) is closed by a buy
                quantity: decimal("20000"),
                price: decimal("0.04499"),
                id: None,
                status: "filled".into(),
                timestamp: Some(decimal("1739502302.929")),
                receipt_timestamp: decimal("1739502303.5"),
            })]
        );
        let long = DOCUMENTED.replace("\"S\":\"Sell\"", "\"S\":\"Buy\"");
        assert!(matches!(&parse(&long).unwrap()[0], Event::Liquidation(l) if l.side == Side::Sell));
    }

    #[test]
    fn other_markets_the_old_topic_and_bad_frames() {
        assert!(parse(&DOCUMENTED.replace("\"ROSEUSDT\"", "\"BTCUSDT\""))
            .unwrap()
            .is_empty());
        let old = r#"{"topic":"liquidation.ROSEUSDT","type":"snapshot","ts":1673251091822,"data":{"price":"0.04499","side":"Buy","size":"20000","symbol":"ROSEUSDT","updatedTime":1673251091822}}"#;
        assert!(parse(old).unwrap().is_empty(), "never subscribed");
        assert!(matches!(
            parse(&DOCUMENTED.replace("\"S\":\"Sell\"", "\"S\":\"sell\"")),
            Err(FrameError::Malformed(_))
        ));
        assert!(matches!(
            parse(&DOCUMENTED.replace("\"20000\"", "\"\"")),
            Err(FrameError::Malformed(_))
        ));
    }
}
