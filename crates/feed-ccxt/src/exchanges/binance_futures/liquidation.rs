//! LIQUIDATIONS: the liquidation order stream `<symbol>@forceOrder`
//! (<https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Liquidation-Order-Streams>,
//! <https://developers.binance.com/docs/derivatives/coin-margined-futures/websocket-market-streams/Liquidation-Order-Streams>).

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Liquidation, Side};
use serde::Deserialize;

use crate::adapter::FrameContext;
use crate::parse::{decimal, malformed};
use crate::parsed::ParsedFrame;

/// The liquidation order event, as documented:
///
/// ```json
/// {"e":"forceOrder","E":1568014460893,
///  "o":{"s":"BTCUSDT","S":"SELL","o":"LIMIT","f":"IOC","q":"0.014","p":"9910",
///       "ap":"9910","X":"FILLED","l":"0.014","z":"0.014","T":1568014460893}}
/// ```
///
/// `o` is the order: side `S`, type `o`, time in force `f`, original quantity `q`, price
/// `p`, average price `ap`, status `X`, last and accumulated filled quantity `l`/`z`, trade
/// time `T` (ms); COIN-M adds the pair `o.ps`. Only the latest liquidation of a symbol
/// within 1000 ms is pushed. Delivered: `q` and `p` (the order, as cryptofeed), `X` in lower
/// case, `o.T` as the time; `q` counts base asset units on USD-M, contracts on COIN-M.
#[derive(Deserialize)]
struct ForceOrder<'a> {
    #[serde(rename = "E")]
    event_time: Option<i64>,
    #[serde(borrow)]
    o: Order<'a>,
}

#[derive(Deserialize)]
struct Order<'a> {
    #[serde(borrow)]
    s: Cow<'a, str>,
    #[serde(rename = "S", borrow)]
    side: Cow<'a, str>,
    #[serde(borrow)]
    q: Cow<'a, str>,
    #[serde(borrow)]
    p: Cow<'a, str>,
    #[serde(rename = "X", borrow)]
    status: Cow<'a, str>,
    #[serde(rename = "T")]
    trade_time: Option<i64>,
}

/// A `forceOrder` of a listed market as a [`Liquidation`] (others are skipped).
pub(super) fn push_force_order(
    text: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let event: ForceOrder<'_> = serde_json::from_str(text).map_err(|error| malformed(&error))?;
    let order = &event.o;
    let Some(symbol) = context.markets.symbol(&order.s) else {
        return Ok(());
    };
    let side = match order.side.as_ref() {
        "BUY" => Side::Buy,
        "SELL" => Side::Sell,
        other => {
            return Err(FrameError::Malformed(format!(
                "forceOrder side is neither BUY nor SELL: {other:?}"
            )))
        }
    };
    out.events.push(Event::Liquidation(Liquidation {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side,
        quantity: decimal(&order.q, "q")?,
        price: decimal(&order.p, "p")?,
        id: None,
        status: order.status.to_ascii_lowercase().into(),
        timestamp: order.trade_time.or(event.event_time).map(millis_to_seconds),
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

    const DOCUMENTED_FORCE_ORDER: &str = r#"{"e":"forceOrder","E":1568014460893,"o":{"s":"BTCUSDT","S":"SELL","o":"LIMIT","f":"IOC","q":"0.014","p":"9910","ap":"9910","X":"FILLED","l":"0.014","z":"0.014","T":1568014460893}}"#;

    fn parse(text: &str) -> Result<Vec<Event>, FrameError> {
        let markets = [Market::for_symbol(
            Symbol::perpetual("BTC", "USDT"),
            "BTCUSDT",
        )];
        parse_frame_with(parse_frame, &markets, "BINANCE_FUTURES", "1568014461", text)
            .map(|parsed| parsed.events)
    }

    fn number(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn documented_force_order_normalizes_field_by_field() {
        assert_eq!(
            parse(DOCUMENTED_FORCE_ORDER).unwrap(),
            vec![Event::Liquidation(Liquidation {
                exchange: "BINANCE_FUTURES".into(),
                symbol: Symbol::parse("BTC-USDT-PERP").unwrap(),
                side: Side::Sell,
                quantity: number("0.014"),
                price: number("9910"),
                id: None,
                status: "filled".into(),
                timestamp: Some(number("1568014460.893")),
                receipt_timestamp: number("1568014461"),
            })]
        );
    }

    #[test]
    fn the_order_is_delivered_not_its_fills_and_bad_sides_are_malformed() {
        let partial = DOCUMENTED_FORCE_ORDER
            .replace(r#""S":"SELL""#, r#""S":"BUY""#)
            .replace(
                r#""ap":"9910","X":"FILLED","l":"0.014","z":"0.014""#,
                r#""ap":"9911.5","X":"PARTIALLY_FILLED","l":"0.004","z":"0.004""#,
            );
        let Event::Liquidation(liquidation) = &parse(&partial).unwrap()[0] else {
            unreachable!()
        };
        assert_eq!(liquidation.side, Side::Buy);
        assert_eq!(&*liquidation.status, "partially_filled");
        assert_eq!(
            (liquidation.quantity, liquidation.price),
            (number("0.014"), number("9910")),
            "the order's quantity and price"
        );
        let sideways = DOCUMENTED_FORCE_ORDER.replace(r#""S":"SELL""#, r#""S":"HOLD""#);
        assert!(matches!(parse(&sideways), Err(FrameError::Malformed(_))));
        let other = DOCUMENTED_FORCE_ORDER.replace("BTCUSDT", "ETHUSDT");
        assert!(parse(&other).unwrap().is_empty());
    }
}
