//! Backpack trades: the `trade.<symbol>` stream's payload.

use feed_core::runtime::FrameError;
use feed_core::types::micros_to_seconds;
use feed_core::{Side, Trade};

use super::frame::Payload;
use crate::adapter::FrameContext;
use crate::parse::{boolean, decimal, integer, scalar_text, trade_id};
use crate::parsed::ParsedFrame;

/// The trade stream's payload, as documented:
///
/// ```json
/// {"e":"trade","E":1694688638091000,"s":"SOL_USDC","p":"18.68","q":"0.122",
///  "b":"111063114377265150","a":"111063114585735170","t":12345,"T":1694688638089000,"m":true}
/// ```
///
/// `s` is the symbol, `p`/`q` price and quantity as decimal strings, `t` the trade id
/// (sequential per symbol), `T` the engine (match) time in microseconds (`E` is when the
/// WebSocket server sent the event), and `m` whether the buyer is the maker: `m: true`
/// means the taker sold. Live frames carry `E`/`T` as strings (`"T":"1754601477744000"`),
/// so numbers and strings are both read, as text, for every scalar. A trade of a market not
/// subscribed is skipped.
pub(super) fn push_trade(
    event: &Payload<'_>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let missing = |field: &str| FrameError::Malformed(format!("trade without '{field}'"));
    let exchange_symbol = event.s.as_deref().ok_or_else(|| missing("s"))?;
    let Some(symbol) = context.markets.symbol(exchange_symbol) else {
        return Ok(()); // a market this feed did not subscribe to
    };
    let buyer_is_maker = boolean(event.m.ok_or_else(|| missing("m"))?, "m")?;
    let price = scalar_text(event.p.ok_or_else(|| missing("p"))?, "p")?;
    let amount = scalar_text(event.q.ok_or_else(|| missing("q"))?, "q")?;
    let micros = integer(event.engine_time.ok_or_else(|| missing("T"))?, "T")?;
    out.events.push(feed_core::Event::Trade(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side: if buyer_is_maker {
            Side::Sell
        } else {
            Side::Buy
        },
        amount: decimal(&amount, "q")?,
        price: decimal(&price, "p")?,
        id: Some(trade_id(event.t.ok_or_else(|| missing("t"))?, "t")?),
        timestamp: micros_to_seconds(micros),
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use feed_core::{Symbol, TradeId};
    use rust_decimal::Decimal;

    use super::*;
    use crate::exchanges::backpack::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_with;

    /// The trade payload from Backpack's documentation, wrapped as every stream frame is.
    const DOCUMENTED_TRADE: &str = r#"{"stream": "trade.SOL_USDC", "data": {
      "e": "trade", "E": 1694688638091000, "s": "SOL_USDC", "p": "18.68", "q": "0.122",
      "b": "111063114377265150", "a": "111063114585735170", "t": 12345,
      "T": 1694688638089000, "m": true
    }}"#;

    /// A live frame as ccxt captured it (times as strings), moved to a spot market.
    const LIVE_TRADE: &str = r#"{"data":{"E":"1754601477746429","T":"1754601477744000","a":"5121860761","b":"5121861755","e":"trade","m":false,"p":"3870.25","q":"0.0008","s":"ETH_USDC","t":10782547},"stream":"trade.ETH_USDC"}"#;

    fn parse(frame: &str) -> Result<Vec<Trade>, FrameError> {
        let markets = [
            Market::new("SOL", "USDC", "SOL_USDC"),
            Market::new("ETH", "USDC", "ETH_USDC"),
        ];
        parse_with(parse_frame, &markets, "BACKPACK", "1694688638.5", frame)
    }

    #[test]
    fn documented_trade_normalizes_field_by_field() {
        let trades = parse(DOCUMENTED_TRADE).unwrap();
        assert_eq!(
            trades,
            vec![Trade {
                exchange: "BACKPACK".into(),
                symbol: Symbol::parse("SOL-USDC").unwrap(),
                side: Side::Sell, // buyer is maker: the taker sold
                amount: Decimal::from_str("0.122").unwrap(),
                price: Decimal::from_str("18.68").unwrap(),
                id: Some(TradeId::Number(12345)),
                timestamp: Decimal::from_str("1694688638.089000").unwrap(),
                receipt_timestamp: Decimal::from_str("1694688638.5").unwrap(),
            }]
        );
        assert_eq!(
            trades[0].timestamp.to_string(),
            "1694688638.089000",
            "engine time T, to the microsecond"
        );
    }

    #[test]
    fn live_frame_with_string_times_and_taker_buy() {
        let trades = parse(LIVE_TRADE).unwrap();
        assert_eq!(
            trades,
            vec![Trade {
                exchange: "BACKPACK".into(),
                symbol: Symbol::parse("ETH-USDC").unwrap(),
                side: Side::Buy,
                amount: Decimal::from_str("0.0008").unwrap(),
                price: Decimal::from_str("3870.25").unwrap(),
                id: Some(TradeId::Number(10_782_547)),
                timestamp: Decimal::from_str("1754601477.744000").unwrap(),
                receipt_timestamp: Decimal::from_str("1694688638.5").unwrap(),
            }]
        );
    }

    #[test]
    fn numbers_keep_their_text_and_scale() {
        let frame = DOCUMENTED_TRADE
            .replace(r#""p": "18.68""#, r#""p": 18.680"#)
            .replace(r#""q": "0.122""#, r#""q": "0.12200""#)
            .replace(r#""t": 12345"#, r#""t": "12345""#);
        let trade = &parse(&frame).unwrap()[0];
        assert_eq!(trade.price.to_string(), "18.680");
        assert_eq!(trade.amount.to_string(), "0.12200");
        assert_eq!(trade.id, Some(TradeId::Number(12345)));
    }

    #[test]
    fn unsubscribed_markets_are_skipped_and_garbage_is_malformed() {
        let other = DOCUMENTED_TRADE.replace("SOL_USDC", "BTC_USDC");
        assert!(parse(&other).unwrap().is_empty());
        let perp = LIVE_TRADE.replace("ETH_USDC", "ETH_USDC_PERP");
        assert!(parse(&perp).unwrap().is_empty());
        assert!(matches!(parse("not json"), Err(FrameError::Malformed(_))));
        assert!(matches!(parse("[]"), Err(FrameError::Malformed(_))));
        assert!(matches!(
            parse(r#"{"foo":1}"#),
            Err(FrameError::Malformed(_))
        ));
        let no_price = DOCUMENTED_TRADE.replace(r#""p": "18.68","#, "");
        assert!(
            matches!(parse(&no_price), Err(FrameError::Malformed(text)) if text.contains("'p'"))
        );
        let no_time = DOCUMENTED_TRADE.replace(r#""T": 1694688638089000,"#, "");
        assert!(
            matches!(parse(&no_time), Err(FrameError::Malformed(text)) if text.contains("'T'"))
        );
        let bad_price = DOCUMENTED_TRADE.replace(r#""p": "18.68""#, r#""p": "18,68""#);
        assert!(matches!(parse(&bad_price), Err(FrameError::Malformed(_))));
        let bad_side = DOCUMENTED_TRADE.replace(r#""m": true"#, r#""m": "yes""#);
        assert!(matches!(parse(&bad_side), Err(FrameError::Malformed(_))));
        assert!(matches!(
            parse(r#"{"stream":"trade.SOL_USDC","data":{"s":"SOL_USDC"}}"#),
            Err(FrameError::Malformed(_))
        ));
    }
}
