//! HTX TICKER: `market.$symbol.bbo`
//! <https://huobiapi.github.io/docs/spot/v1/en/#best-bid-offer>.

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Symbol, Ticker};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, integer, malformed};
use crate::parsed::ParsedFrame;

/// The `tick` of a best bid/offer update, as documented:
///
/// ```json
/// {"ch":"market.btcusdt.bbo","ts":1630994555540,
///  "tick":{"seqId":137005172456,"ask":52659.23,"askSize":0.058146,"bid":52659.22,
///          "bidSize":0.132785,"quoteTime":1630994555540,"symbol":"btcusdt"}}
/// ```
///
/// `quoteTime` (ms) is the quote's time.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bbo<'a> {
    #[serde(borrow)]
    ask: &'a RawValue,
    #[serde(borrow)]
    ask_size: Option<&'a RawValue>,
    #[serde(borrow)]
    bid: &'a RawValue,
    #[serde(borrow)]
    bid_size: Option<&'a RawValue>,
    #[serde(borrow)]
    quote_time: Option<&'a RawValue>,
}

fn number(raw: &RawValue, field: &str) -> Result<Decimal, FrameError> {
    decimal(raw.get().trim_matches('"'), field)
}

fn optional(raw: Option<&RawValue>, field: &str) -> Result<Option<Decimal>, FrameError> {
    match raw {
        Some(raw) if raw.get() != "null" => number(raw, field).map(Some),
        _ => Ok(None),
    }
}

pub(super) fn push_bbo(
    symbol: &Symbol,
    tick: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let bbo: Bbo<'_> = serde_json::from_str(tick.get()).map_err(|e| malformed(&e))?;
    if bbo.bid.get() == "null" || bbo.ask.get() == "null" {
        return Ok(()); // an empty side: no quote
    }
    let timestamp = match bbo.quote_time {
        Some(raw) => Some(millis_to_seconds(integer(raw, "quoteTime")?)),
        None => None,
    };
    out.events.push(Event::Ticker(Ticker {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        bid: number(bbo.bid, "bid")?,
        bid_size: optional(bbo.bid_size, "bidSize")?,
        ask: number(bbo.ask, "ask")?,
        ask_size: optional(bbo.ask_size, "askSize")?,
        timestamp,
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchanges::htx::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    #[test]
    fn documented_bbo_normalizes_field_by_field() {
        let markets = [Market::new("BTC", "USDT", "btcusdt")];
        let parsed = parse_frame_with(
            parse_frame,
            &markets,
            "HTX",
            "1630994556",
            r#"{"ch":"market.btcusdt.bbo","ts":1630994555540,"tick":{"seqId":137005172456,"ask":52659.23,"askSize":0.058146,"bid":52659.22,"bidSize":0.132785,"quoteTime":1630994555540,"symbol":"btcusdt"}}"#,
        )
        .unwrap();
        let Event::Ticker(ticker) = &parsed.events[0] else {
            panic!("a ticker: {:?}", parsed.events);
        };
        assert_eq!(ticker.symbol.as_str(), "BTC-USDT");
        assert_eq!(ticker.exchange.as_ref(), "HTX");
        assert_eq!(ticker.bid.to_string(), "52659.22");
        assert_eq!(ticker.bid_size.unwrap().to_string(), "0.132785");
        assert_eq!(ticker.ask.to_string(), "52659.23");
        assert_eq!(ticker.ask_size.unwrap().to_string(), "0.058146");
        assert_eq!(ticker.timestamp.unwrap().to_string(), "1630994555.540");
        assert_eq!(ticker.receipt_timestamp.to_string(), "1630994556");
    }
}
