//! KuCoin TICKER: `/market/ticker:{symbol}` <https://kucoin.com/docs-new/3470063w0>.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Ticker};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, integer, malformed};
use crate::parsed::ParsedFrame;

/// The `data` of a ticker message, as documented (the market is the topic's suffix):
///
/// ```json
/// {"type":"message","topic":"/market/ticker:BTC-USDT","subject":"trade.ticker",
///  "data":{"sequence":"1545896668986","price":"0.08","size":"0.011","bestAsk":"0.08",
///   "bestAskSize":"0.18","bestBid":"0.049","bestBidSize":"0.036","Time":1704873323416}}
/// ```
///
/// `bestBid`/`bestBidSize`, `bestAsk`/`bestAskSize` are the best bid and ask; `Time` (older
/// docs: `time`) is the time of the latest match in ms.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KucoinTicker<'a> {
    #[serde(borrow)]
    best_bid: Cow<'a, str>,
    #[serde(borrow)]
    best_bid_size: Option<Cow<'a, str>>,
    #[serde(borrow)]
    best_ask: Cow<'a, str>,
    #[serde(borrow)]
    best_ask_size: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "Time", alias = "time")]
    time: Option<&'a RawValue>,
}

fn optional(
    text: Option<&Cow<'_, str>>,
    field: &str,
) -> Result<Option<rust_decimal::Decimal>, FrameError> {
    match text {
        Some(text) if !text.is_empty() => decimal(text, field).map(Some),
        _ => Ok(None),
    }
}

/// The ticker of `exchange_symbol` (the topic's market) from a ticker message's `data`.
pub(super) fn push_ticker(
    exchange_symbol: &str,
    data: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let Some(symbol) = context.markets.symbol(exchange_symbol) else {
        return Ok(());
    };
    let ticker: KucoinTicker<'_> = serde_json::from_str(data.get()).map_err(|e| malformed(&e))?;
    if ticker.best_bid.is_empty() || ticker.best_ask.is_empty() {
        return Ok(()); // an empty book side: no quote
    }
    let timestamp = match ticker.time {
        Some(raw) => Some(millis_to_seconds(integer(raw, "Time")?)),
        None => None,
    };
    out.events.push(Event::Ticker(Ticker {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        bid: decimal(&ticker.best_bid, "bestBid")?,
        bid_size: optional(ticker.best_bid_size.as_ref(), "bestBidSize")?,
        ask: decimal(&ticker.best_ask, "bestAsk")?,
        ask_size: optional(ticker.best_ask_size.as_ref(), "bestAskSize")?,
        timestamp,
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use feed_core::Symbol;

    use super::*;
    use crate::exchanges::kucoin::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_frame_with;

    const DOCUMENTED: &str = r#"{"type":"message","topic":"/market/ticker:BTC-USDT","subject":"trade.ticker","data":{"sequence":"1545896668986","price":"0.08","size":"0.011","bestAsk":"0.08","bestAskSize":"0.18","bestBid":"0.049","bestBidSize":"0.036","Time":1704873323416}}"#;

    fn tickers(frame: &str) -> Vec<Ticker> {
        let markets = [Market::new("BTC", "USDT", "BTC-USDT")];
        parse_frame_with(parse_frame, &markets, "KUCOIN", "1704873324", frame)
            .unwrap()
            .events
            .into_iter()
            .filter_map(|event| match event {
                Event::Ticker(ticker) => Some(ticker),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn documented_ticker_normalizes_field_by_field() {
        let ticker = &tickers(DOCUMENTED)[0];
        assert_eq!(ticker.symbol, Symbol::parse("BTC-USDT").unwrap());
        assert_eq!(ticker.exchange.as_ref(), "KUCOIN");
        assert_eq!(ticker.bid.to_string(), "0.049");
        assert_eq!(ticker.bid_size.unwrap().to_string(), "0.036");
        assert_eq!(ticker.ask.to_string(), "0.08");
        assert_eq!(ticker.ask_size.unwrap().to_string(), "0.18");
        assert_eq!(ticker.timestamp.unwrap().to_string(), "1704873323.416");
        assert_eq!(ticker.receipt_timestamp.to_string(), "1704873324");
        let old_docs = DOCUMENTED.replace("\"Time\"", "\"time\"");
        assert_eq!(tickers(&old_docs)[0].timestamp, ticker.timestamp);
        assert!(tickers(&DOCUMENTED.replace("BTC-USDT", "ETH-USDT")).is_empty());
    }
}
