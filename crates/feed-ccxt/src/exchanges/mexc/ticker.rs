//! MEXC TICKER: `spot@public.aggre.bookTicker.v3.api.pb@100ms@<symbol>`
//! <https://www.mexc.com/api-docs/spot-v3/websocket-market-streams#individual-symbol-book-ticker-streams>.

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Symbol, Ticker};

use super::proto::PublicAggreBookTickerV3Api;
use crate::adapter::FrameContext;
use crate::parse::decimal;
use crate::parsed::ParsedFrame;

/// A best bid/ask push, as documented (shown as JSON; protobuf on the wire):
///
/// ```json
/// {"channel":"spot@public.aggre.bookTicker.v3.api.pb@100ms@BTCUSDT",
///  "publicbookticker":{"bidprice":"93387.28","bidquantity":"3.73485",
///   "askprice":"93387.29","askquantity":"7.669875"},
///  "symbol":"BTCUSDT","sendtime":1736412092433}
/// ```
///
/// The time is the wrapper's `sendTime` (else `createTime`). An empty side (no price) is no
/// quote: nothing is delivered.
pub(super) fn push_book_ticker(
    symbol: &Symbol,
    quote: &PublicAggreBookTickerV3Api,
    time: Option<i64>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    if quote.bid_price.is_empty() || quote.ask_price.is_empty() {
        return Ok(());
    }
    let size = |text: &str, field: &str| -> Result<Option<rust_decimal::Decimal>, FrameError> {
        if text.is_empty() {
            Ok(None)
        } else {
            decimal(text, field).map(Some)
        }
    };
    out.events.push(Event::Ticker(Ticker {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        bid: decimal(&quote.bid_price, "bidPrice")?,
        bid_size: size(&quote.bid_quantity, "bidQuantity")?,
        ask: decimal(&quote.ask_price, "askPrice")?,
        ask_size: size(&quote.ask_quantity, "askQuantity")?,
        timestamp: time.map(millis_to_seconds),
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::super::frame::tests::parse_binary;
    use super::super::proto::{Body, PushDataV3ApiWrapper};
    use super::*;

    #[test]
    fn documented_book_ticker_normalizes_field_by_field() {
        let wrapper = PushDataV3ApiWrapper {
            channel: "spot@public.aggre.bookTicker.v3.api.pb@100ms@BTCUSDT".into(),
            body: Some(Body::PublicAggreBookTicker(PublicAggreBookTickerV3Api {
                bid_price: "93387.28".into(),
                bid_quantity: "3.73485".into(),
                ask_price: "93387.29".into(),
                ask_quantity: "7.669875".into(),
                version: String::new(),
                last_order_create_time: 0,
            })),
            symbol: Some("BTCUSDT".into()),
            symbol_id: None,
            create_time: None,
            send_time: Some(1_736_412_092_433),
        };
        let parsed = parse_binary(&wrapper.encode_to_vec()).unwrap();
        let Event::Ticker(ticker) = &parsed.events[0] else {
            panic!("a ticker: {:?}", parsed.events);
        };
        assert_eq!(ticker.symbol.as_str(), "BTC-USDT");
        assert_eq!(ticker.bid.to_string(), "93387.28");
        assert_eq!(ticker.bid_size.unwrap().to_string(), "3.73485");
        assert_eq!(ticker.ask.to_string(), "93387.29");
        assert_eq!(ticker.ask_size.unwrap().to_string(), "7.669875");
        assert_eq!(ticker.timestamp.unwrap().to_string(), "1736412092.433");
    }
}
