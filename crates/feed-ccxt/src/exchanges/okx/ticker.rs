//! TICKER: the `tickers` channel (best bid and ask with their sizes, pushed at most every
//! 100 ms) <https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-tickers-channel>.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::{Event, Ticker};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::field::{elements, optional_decimal, seconds};
use crate::adapter::FrameContext;
use crate::parse::decimal;
use crate::parsed::ParsedFrame;

/// The channel name.
pub(super) const CHANNEL: &str = "tickers";

/// One element of a `tickers` push's `data`, as documented:
///
/// ```json
/// {"arg":{"channel":"tickers","instId":"BTC-USDT"},
///  "data":[{"instType":"SPOT","instId":"BTC-USDT","last":"9999.99","lastSz":"0.1",
///           "askPx":"9999.99","askSz":"11","bidPx":"8888.88","bidSz":"5","open24h":"9000",
///           "high24h":"10000","low24h":"8888.88","volCcy24h":"2222","vol24h":"2222",
///           "sodUtc0":"2222","sodUtc8":"2222","ts":"1597026383085"}]}
/// ```
///
/// `bidPx`/`bidSz` and `askPx`/`askSz` are the best bid and ask (sizes in contracts for
/// derivatives), `ts` the time in ms. A side without a price (an empty string, an empty
/// book side of an illiquid instrument) gives no ticker.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OkxTicker<'a> {
    #[serde(borrow)]
    inst_id: Cow<'a, str>,
    #[serde(borrow, default)]
    bid_px: Cow<'a, str>,
    #[serde(borrow, default)]
    bid_sz: Cow<'a, str>,
    #[serde(borrow, default)]
    ask_px: Cow<'a, str>,
    #[serde(borrow, default)]
    ask_sz: Cow<'a, str>,
    #[serde(borrow, default)]
    ts: Cow<'a, str>,
}

/// Every ticker of `data` of a listed market, or none when one is malformed.
pub(super) fn push_tickers(
    data: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let tickers: Vec<OkxTicker<'_>> = elements(data)?;
    let mut events = Vec::with_capacity(tickers.len());
    for ticker in &tickers {
        let Some(symbol) = context.markets.symbol(&ticker.inst_id) else {
            continue;
        };
        if ticker.bid_px.is_empty() || ticker.ask_px.is_empty() {
            continue;
        }
        events.push(Event::Ticker(Ticker {
            exchange: context.exchange.clone(),
            symbol: symbol.clone(),
            bid: decimal(&ticker.bid_px, "bidPx")?,
            bid_size: optional_decimal(&ticker.bid_sz, "bidSz")?,
            ask: decimal(&ticker.ask_px, "askPx")?,
            ask_size: optional_decimal(&ticker.ask_sz, "askSz")?,
            timestamp: Some(seconds(&ticker.ts, "ts")?),
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

    pub(crate) const DOCUMENTED: &str = r#"{"arg":{"channel":"tickers","instId":"BTC-USDT"},"data":[{"instType":"SPOT","instId":"BTC-USDT","last":"9999.99","lastSz":"0.1","askPx":"9999.99","askSz":"11","bidPx":"8888.88","bidSz":"5","open24h":"9000","high24h":"10000","low24h":"8888.88","volCcy24h":"2222","vol24h":"2222","sodUtc0":"2222","sodUtc8":"2222","ts":"1597026383085"}]}"#;

    fn parse(frame: &str) -> Result<Vec<Event>, FrameError> {
        let markets = [
            Market::new("BTC", "USDT", "BTC-USDT"),
            Market::for_symbol(Symbol::perpetual("BTC", "USDT"), "BTC-USDT-SWAP"),
        ];
        parse_frame_with(parse_frame, &markets, "OKX", "1597026383.5", frame)
            .map(|parsed| parsed.events)
    }

    fn number(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn documented_ticker_field_by_field() {
        let events = parse(DOCUMENTED).unwrap();
        assert_eq!(
            events,
            vec![Event::Ticker(Ticker {
                exchange: "OKX".into(),
                symbol: Symbol::parse("BTC-USDT").unwrap(),
                bid: number("8888.88"),
                bid_size: Some(number("5")),
                ask: number("9999.99"),
                ask_size: Some(number("11")),
                timestamp: Some(number("1597026383.085")),
                receipt_timestamp: number("1597026383.5"),
            })]
        );
    }

    #[test]
    fn a_perpetual_ticker_is_the_perpetual_symbol_and_empty_sides_are_skipped() {
        let swap = DOCUMENTED
            .replace("\"BTC-USDT\"", "\"BTC-USDT-SWAP\"")
            .replace("\"SPOT\"", "\"SWAP\"");
        let events = parse(&swap).unwrap();
        assert!(matches!(&events[..], [Event::Ticker(t)] if t.symbol.as_str() == "BTC-USDT-PERP"));
        let empty = DOCUMENTED.replace(r#""bidPx":"8888.88""#, r#""bidPx":"""#);
        assert!(parse(&empty).unwrap().is_empty());
        let other = DOCUMENTED.replace("\"BTC-USDT\"", "\"ETH-USDT\"");
        assert!(parse(&other).unwrap().is_empty());
        let garbage = DOCUMENTED.replace(r#""askPx":"9999.99""#, r#""askPx":"x""#);
        assert!(matches!(parse(&garbage), Err(FrameError::Malformed(_))));
    }
}
