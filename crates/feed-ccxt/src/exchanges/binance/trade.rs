//! Binance aggregate trades: the hot path over the documented layout, and serde for the rest.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Side, Trade, TradeId};
use serde::Deserialize;

use crate::adapter::FrameContext;
use crate::parse::{decimal, malformed, JsonCursor};
use crate::parsed::ParsedFrame;

/// The aggregate trade, as documented:
///
/// ```json
/// {"e":"aggTrade","E":1672515782136,"s":"BNBBTC","a":12345,"p":"0.001","q":"100",
///  "f":100,"l":105,"T":1672515782136,"m":true,"M":true}
/// ```
///
/// `a` is the aggregate trade id, `p`/`q` price and quantity as decimal strings, `T` the
/// trade time in milliseconds, and `m` whether the buyer is the maker: `m: true` means the
/// taker sold.
#[derive(Deserialize)]
struct AggTrade<'a> {
    #[serde(borrow)]
    s: Option<Cow<'a, str>>,
    a: Option<u64>,
    #[serde(borrow)]
    p: Option<Cow<'a, str>>,
    #[serde(borrow)]
    q: Option<Cow<'a, str>>,
    #[serde(rename = "T")]
    trade_time: Option<i64>,
    m: Option<bool>,
}

/// An aggTrade frame (not in the hot path's layout) read with serde.
pub(crate) fn push_agg_trade_frame(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let trade: AggTrade<'_> = serde_json::from_str(frame).map_err(|error| malformed(&error))?;
    push_trade(&trade, context, out)
}

/// The fields of an aggTrade: prices and quantities as text, ids and times as read.
struct AggTradeText<'a> {
    symbol: Option<&'a str>,
    id: Option<u64>,
    price: Option<&'a str>,
    quantity: Option<&'a str>,
    trade_time: Option<i64>,
    buyer_is_maker: Option<bool>,
}

/// The hot path: a raw aggTrade frame exactly in the documented layout (key order as
/// documented, no whitespace or escapes; COIN-M's `a` before `s` too) read without serde. `None` for every other frame,
/// which the serde path then reads; both give the same trade.
pub(super) fn fast_agg_trade(
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<Result<(), FrameError>> {
    let mut cursor = JsonCursor::new(frame);
    cursor.expect(r#"{"e":"aggTrade","E":"#)?;
    cursor.unsigned()?;
    let (symbol, id) = if cursor.expect(r#","s":"#).is_some() {
        let symbol = cursor.string()?;
        cursor.expect(r#","a":"#)?;
        (symbol, cursor.unsigned()?)
    } else {
        // COIN-M documents the id before the symbol.
        cursor.expect(r#","a":"#)?;
        let id = cursor.unsigned()?;
        cursor.expect(r#","s":"#)?;
        (cursor.string()?, id)
    };
    cursor.expect(r#","p":"#)?;
    let price = cursor.string()?;
    cursor.expect(r#","q":"#)?;
    let quantity = cursor.string()?;
    cursor.expect(r#","f":"#)?;
    cursor.unsigned()?;
    cursor.expect(r#","l":"#)?;
    cursor.unsigned()?;
    cursor.expect(r#","T":"#)?;
    let trade_time = i64::try_from(cursor.unsigned()?).ok()?;
    cursor.expect(r#","m":"#)?;
    let buyer_is_maker = cursor.boolean()?;
    if cursor.expect(r#","M":"#).is_some() {
        cursor.boolean()?;
    }
    cursor.expect("}")?;
    if !cursor.at_end() {
        return None;
    }
    let text = AggTradeText {
        symbol: Some(symbol),
        id: Some(id),
        price: Some(price),
        quantity: Some(quantity),
        trade_time: Some(trade_time),
        buyer_is_maker: Some(buyer_is_maker),
    };
    Some(push_agg_trade(&text, context, out))
}

/// The serde path's aggTrade, through the same normalization as the hot path.
fn push_trade(
    frame: &AggTrade<'_>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let text = AggTradeText {
        symbol: frame.s.as_deref(),
        id: frame.a,
        price: frame.p.as_deref(),
        quantity: frame.q.as_deref(),
        trade_time: frame.trade_time,
        buyer_is_maker: frame.m,
    };
    push_agg_trade(&text, context, out)
}

fn push_agg_trade(
    text: &AggTradeText<'_>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let missing =
        |field: &str| FrameError::Malformed(format!("aggTrade without a valid '{field}'"));
    let Some(symbol) = context
        .markets
        .symbol(text.symbol.ok_or_else(|| missing("s"))?)
    else {
        return Ok(()); // a market this feed did not subscribe to
    };
    let id = text.id.ok_or_else(|| missing("a"))?;
    let trade_time = text.trade_time.ok_or_else(|| missing("T"))?;
    let buyer_is_maker = text.buyer_is_maker.ok_or_else(|| missing("m"))?;
    out.events.push(feed_core::Event::Trade(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side: if buyer_is_maker {
            Side::Sell
        } else {
            Side::Buy
        },
        amount: decimal(text.quantity.ok_or_else(|| missing("q"))?, "q")?,
        price: decimal(text.price.ok_or_else(|| missing("p"))?, "p")?,
        id: Some(TradeId::Number(id)),
        timestamp: millis_to_seconds(trade_time),
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use feed_core::Symbol;
    use rust_decimal::Decimal;

    use std::sync::Arc;

    use super::*;
    use crate::exchanges::binance::frame::parse_frame;
    use crate::markets::{Market, MarketMap};
    use crate::testing::parse_with;

    /// The aggregate trade payload from Binance's documentation.
    const DOCUMENTED_AGG_TRADE: &str = r#"{
      "e": "aggTrade", "E": 1672515782136, "s": "BNBBTC", "a": 12345, "p": "0.001", "q": "100",
      "f": 100, "l": 105, "T": 1672515782136, "m": true, "M": true
    }"#;

    fn parse(frame: &str) -> Result<Vec<Trade>, FrameError> {
        let markets = [Market::new("BNB", "BTC", "BNBBTC")];
        parse_with(parse_frame, &markets, "BINANCE", "1672515782.5", frame)
    }

    #[test]
    fn documented_agg_trade_normalizes_field_by_field() {
        let trades = parse(DOCUMENTED_AGG_TRADE).unwrap();
        assert_eq!(
            trades,
            vec![Trade {
                exchange: "BINANCE".into(),
                symbol: Symbol::parse("BNB-BTC").unwrap(),
                side: Side::Sell, // buyer is maker: the taker sold
                amount: Decimal::from_str("100").unwrap(),
                price: Decimal::from_str("0.001").unwrap(),
                id: Some(TradeId::Number(12345)),
                timestamp: Decimal::from_str("1672515782.136").unwrap(),
                receipt_timestamp: Decimal::from_str("1672515782.5").unwrap(),
            }]
        );
    }

    #[test]
    fn buyer_taker_is_a_buy_and_combined_wrapper_is_unwrapped() {
        let frame = r#"{"stream":"bnbbtc@aggTrade","data":{"e":"aggTrade","E":1,"s":"BNBBTC","a":7,"p":"0.00150000","q":"2.50000000","f":1,"l":1,"T":1672515782001,"m":false}}"#;
        let trades = parse(frame).unwrap();
        assert_eq!(trades[0].side, Side::Buy);
        assert_eq!(
            trades[0].price.to_string(),
            "0.00150000",
            "the exchange's scale is kept"
        );
        assert_eq!(trades[0].amount.to_string(), "2.50000000");
    }

    #[test]
    fn the_fast_path_and_the_serde_path_agree() {
        let raw = r#"{"e":"aggTrade","E":1,"s":"BNBBTC","a":42,"p":"0.00150000","q":"2.5","f":1,"l":1,"T":1672515782001,"m":false,"M":true}"#;
        let wrapped = format!(r#"{{"stream":"bnbbtc@aggTrade","data":{raw}}}"#);
        let spaced = raw.replace(',', ", ").replacen('{', "{ ", 1); // misses the hot path's prefix
        let fast = parse(raw).unwrap();
        assert_eq!(fast.len(), 1);
        assert_eq!(parse(&wrapped).unwrap(), fast);
        assert_eq!(parse(&spaced).unwrap(), fast);
        let escaped = raw.replace("\"q\":\"2.5\"", "\"q\":\"2\\u002e5\""); // serde unescapes: 2.5
        assert_eq!(parse(&escaped).unwrap(), fast);
        let coin_m_order = raw.replace(r#""s":"BNBBTC","a":42,"#, r#""a":42,"s":"BNBBTC","#);
        let markets = MarketMap::new([Market::new("BNB", "BTC", "BNBBTC")]);
        let exchange: Arc<str> = "BINANCE".into();
        let context = FrameContext {
            connection: None,
            markets: &markets,
            exchange: &exchange,
            receipt: Decimal::from_str("1672515782.5").unwrap(),
        };
        let mut out = ParsedFrame::default();
        assert!(
            matches!(
                fast_agg_trade(&coin_m_order, &context, &mut out),
                Some(Ok(()))
            ),
            "COIN-M's key order is the hot path"
        );
        assert_eq!(out.trades().cloned().collect::<Vec<_>>(), fast);
    }

    #[test]
    fn acks_and_shutdown_notices_carry_no_trade() {
        assert!(parse(r#"{"result":null,"id":1}"#).unwrap().is_empty());
        assert!(parse(r#"{"result":["bnbbtc@aggTrade"],"id":3}"#)
            .unwrap()
            .is_empty());
        assert!(parse(r#"{"e":"serverShutdown","E":1770123456789}"#)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn documented_errors_are_exchange_errors() {
        let plain =
            parse(r#"{"code": 2, "msg": "Invalid request: too many parameters"}"#).unwrap_err();
        assert_eq!(
            plain,
            FrameError::Exchange("code 2: Invalid request: too many parameters".into())
        );
    }

    #[test]
    fn unsubscribed_markets_are_skipped_and_garbage_is_malformed() {
        let other = DOCUMENTED_AGG_TRADE.replace("BNBBTC", "ETHBTC");
        assert!(parse(&other).unwrap().is_empty());
        assert!(matches!(parse("not json"), Err(FrameError::Malformed(_))));
        let no_price = DOCUMENTED_AGG_TRADE.replace(r#""p": "0.001","#, "");
        assert!(
            matches!(parse(&no_price), Err(FrameError::Malformed(text)) if text.contains("'p'"))
        );
        assert!(matches!(
            parse(r#"{"foo":1}"#),
            Err(FrameError::Malformed(_))
        ));
    }
}
