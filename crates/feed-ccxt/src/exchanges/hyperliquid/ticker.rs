//! Hyperliquid's `bbo` channel (TICKER): the best bid and ask, "sent only if the bbo
//! changes on a block".

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Ticker};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::book::WireLevel;
use crate::adapter::FrameContext;
use crate::parse::{integer, malformed};
use crate::parsed::ParsedFrame;

/// The subscription type and channel.
pub(super) const SUBSCRIPTION: &str = "bbo";

/// The data of a `bbo` message. The docs give the type, not an example:
///
/// ```typescript
/// interface WsBbo { coin: string; time: number; bbo: [WsLevel | null, WsLevel | null]; }
/// interface WsLevel { px: string; sz: string; n: number; }
/// ```
///
/// so a message of that shape reads:
///
/// ```json
/// {"channel":"bbo","data":{"coin":"BTC","time":1708622398623,
///  "bbo":[{"px":"51225.0","sz":"0.25718","n":3},{"px":"51226.0","sz":"1.2","n":2}]}}
/// ```
///
/// `bbo` is `[bid, ask]`, each `WsLevel | null` (an empty side); `time` is in
/// milliseconds. A message with a `null` side is no ticker (both prices are needed).
#[derive(Deserialize)]
struct WsBbo<'a> {
    #[serde(borrow)]
    coin: Cow<'a, str>,
    #[serde(borrow)]
    time: &'a RawValue,
    #[serde(borrow)]
    bbo: (Option<WireLevel<'a>>, Option<WireLevel<'a>>),
}

/// A `bbo` message of a listed coin as a ticker.
pub(super) fn push_bbo(
    data: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let bbo: WsBbo<'_> = serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    let Some(symbol) = context.markets.symbol(&bbo.coin) else {
        return Ok(()); // a coin this feed did not subscribe to
    };
    let time = integer(bbo.time, "time")?;
    let (Some(bid), Some(ask)) = &bbo.bbo else {
        return Ok(()); // a side is empty
    };
    let (bid, bid_size) = bid.price_size()?;
    let (ask, ask_size) = ask.price_size()?;
    out.events.push(Event::Ticker(Ticker {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        bid,
        bid_size: Some(bid_size),
        ask,
        ask_size: Some(ask_size),
        timestamp: Some(millis_to_seconds(time)),
        receipt_timestamp: context.receipt,
    }));
    Ok(())
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

    /// A `WsBbo` message in the documented shape.
    pub(crate) const DOCUMENTED_BBO: &str = r#"{"channel":"bbo","data":{"coin":"BTC","time":1708622398623,"bbo":[{"px":"51225.0","sz":"0.25718","n":3},{"px":"51226.0","sz":"1.2","n":2}]}}"#;

    fn parse(frame: &str) -> Result<Vec<Event>, FrameError> {
        let markets = [Market::for_symbol(Symbol::perpetual("BTC", "USDC"), "BTC")];
        parse_frame_with(parse_frame, &markets, "HYPERLIQUID", "1708622398.7", frame)
            .map(|parsed| parsed.events)
    }

    #[test]
    fn documented_bbo_is_a_ticker_field_by_field() {
        let decimal = |text: &str| Decimal::from_str(text).unwrap();
        assert_eq!(
            parse(DOCUMENTED_BBO).unwrap(),
            vec![Event::Ticker(Ticker {
                exchange: "HYPERLIQUID".into(),
                symbol: Symbol::parse("BTC-USDC-PERP").unwrap(),
                bid: decimal("51225.0"),
                bid_size: Some(decimal("0.25718")),
                ask: decimal("51226.0"),
                ask_size: Some(decimal("1.2")),
                timestamp: Some(decimal("1708622398.623")),
                receipt_timestamp: decimal("1708622398.7"),
            })]
        );
        let Event::Ticker(ticker) = &parse(DOCUMENTED_BBO).unwrap()[0] else {
            unreachable!()
        };
        assert_eq!(ticker.bid.to_string(), "51225.0", "the scale is kept");
    }

    #[test]
    fn an_empty_side_or_another_coin_is_no_ticker_and_bad_levels_are_malformed() {
        let no_ask = DOCUMENTED_BBO.replace(r#"{"px":"51226.0","sz":"1.2","n":2}"#, "null");
        assert!(parse(&no_ask).unwrap().is_empty());
        let no_bid = DOCUMENTED_BBO.replace(r#"{"px":"51225.0","sz":"0.25718","n":3}"#, "null");
        assert!(parse(&no_bid).unwrap().is_empty());
        let other = DOCUMENTED_BBO.replace(r#""coin":"BTC""#, r#""coin":"ETH""#);
        assert!(parse(&other).unwrap().is_empty());
        for bad in [
            DOCUMENTED_BBO.replace(r#""px":"51226.0""#, r#""px":"oops""#),
            DOCUMENTED_BBO.replace(r#","time":1708622398623"#, ""),
            DOCUMENTED_BBO.replace(r#""bbo":["#, r#""bbo":[null,"#),
        ] {
            assert!(
                matches!(parse(&bad), Err(FrameError::Malformed(_))),
                "{bad}"
            );
        }
    }
}
