//! Hyperliquid's `trades` channel: an array of trades per message.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Side, Trade};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, each_or_none, integer, malformed, scalar_text, trade_id};
use crate::parsed::ParsedFrame;

/// The channel and subscription type.
pub(super) const CHANNEL: &str = "trades";

/// One trade of a `trades` message. The docs give the type, not an example:
///
/// ```typescript
/// interface WsTrade { coin: string; side: string; px: string; sz: string; hash: string;
///   time: number; tid: number; users: [string, string]; }
/// ```
///
/// so a message of that shape reads:
///
/// ```json
/// {"channel":"trades","data":[{"coin":"BTC","side":"B","px":"97432.5","sz":"0.1",
///   "hash":"0x2a5f8cbd2c7e4e1a9b3d6f0e8c1b7a4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
///   "time":1734076800123,"tid":512093762541133,
///   "users":["0x1111111111111111111111111111111111111111","0x2222222222222222222222222222222222222222"]}]}
/// ```
///
/// `side` is the aggressor's ("B = Bid = Buy, A = Ask = Short. Side is aggressing side for
/// trades", Notation), `px`/`sz` price and size in coins as strings, `time` milliseconds,
/// `tid` a "50-bit hash of (buyer_oid, seller_oid)" (unique with the block time and coin),
/// `users` `[buyer, seller]`.
#[derive(Deserialize)]
struct WsTrade<'a> {
    #[serde(borrow)]
    coin: Option<Cow<'a, str>>,
    #[serde(borrow)]
    side: Option<Cow<'a, str>>,
    #[serde(borrow)]
    px: Option<&'a RawValue>,
    #[serde(borrow)]
    sz: Option<&'a RawValue>,
    #[serde(borrow)]
    time: Option<&'a RawValue>,
    #[serde(borrow)]
    tid: Option<&'a RawValue>,
}

/// Every trade of `data` of a listed coin, or none when one of them is malformed.
pub(super) fn push_trades(
    data: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let trades: Vec<WsTrade<'_>> =
        serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    each_or_none(&trades, out, |trade, out| push_trade(trade, context, out))
}

fn push_trade(
    trade: &WsTrade<'_>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let missing = |field: &str| FrameError::Malformed(format!("trade without '{field}'"));
    let coin = trade.coin.as_deref().ok_or_else(|| missing("coin"))?;
    let Some(symbol) = context.markets.symbol(coin) else {
        return Ok(()); // a coin this feed did not subscribe to
    };
    let side = match trade.side.as_deref().ok_or_else(|| missing("side"))? {
        "B" => Side::Buy,
        "A" => Side::Sell,
        other => {
            return Err(FrameError::Malformed(format!(
                "side is neither B nor A: {other:?}"
            )))
        }
    };
    let price = scalar_text(trade.px.ok_or_else(|| missing("px"))?, "px")?;
    let amount = scalar_text(trade.sz.ok_or_else(|| missing("sz"))?, "sz")?;
    let time = integer(trade.time.ok_or_else(|| missing("time"))?, "time")?;
    out.events.push(Event::Trade(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side,
        amount: decimal(&amount, "sz")?,
        price: decimal(&price, "px")?,
        id: trade.tid.map(|tid| trade_id(tid, "tid")).transpose()?,
        timestamp: millis_to_seconds(time),
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use std::str::FromStr;

    use feed_core::{Symbol, TradeId};
    use rust_decimal::Decimal;

    use super::*;
    use crate::exchanges::hyperliquid::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_with;

    /// A `WsTrade[]` message with every documented field: a taker buy, then a taker sell.
    pub(crate) const DOCUMENTED_TRADES: &str = r#"{"channel":"trades","data":[{"coin":"BTC","side":"B","px":"97432.5","sz":"0.1","hash":"0x2a5f8cbd2c7e4e1a9b3d6f0e8c1b7a4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b","time":1734076800123,"tid":512093762541133,"users":["0x1111111111111111111111111111111111111111","0x2222222222222222222222222222222222222222"]},{"coin":"BTC","side":"A","px":"97432.0","sz":"0.02500","hash":"0x2a5f8cbd2c7e4e1a9b3d6f0e8c1b7a4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b","time":1734076800124,"tid":87,"users":["0x3333333333333333333333333333333333333333","0x1111111111111111111111111111111111111111"]}]}"#;

    fn parse(frame: &str) -> Result<Vec<Trade>, FrameError> {
        let markets = [
            Market::for_symbol(Symbol::perpetual("BTC", "USDC"), "BTC"),
            Market::for_symbol(Symbol::perpetual("ETH", "USDC"), "ETH"),
        ];
        parse_with(parse_frame, &markets, "HYPERLIQUID", "1734076800.5", frame)
    }

    #[test]
    fn documented_trades_normalize_field_by_field() {
        let decimal = |text: &str| Decimal::from_str(text).unwrap();
        let trades = parse(DOCUMENTED_TRADES).unwrap();
        assert_eq!(
            trades[0],
            Trade {
                exchange: "HYPERLIQUID".into(),
                symbol: Symbol::parse("BTC-USDC-PERP").unwrap(),
                side: Side::Buy, // B: the aggressor bought
                amount: decimal("0.1"),
                price: decimal("97432.5"),
                id: Some(TradeId::Number(512_093_762_541_133)),
                timestamp: decimal("1734076800.123"),
                receipt_timestamp: decimal("1734076800.5"),
            }
        );
        assert_eq!(trades.len(), 2);
        assert_eq!(trades[1].side, Side::Sell, "A: the aggressor sold");
        assert_eq!(trades[1].amount.to_string(), "0.02500");
        assert_eq!(trades[1].price.to_string(), "97432.0");
        assert_eq!(trades[1].id, Some(TradeId::Number(87)));
        assert_eq!(trades[1].timestamp.to_string(), "1734076800.124");
    }

    #[test]
    fn empty_messages_other_coins_and_a_missing_tid() {
        assert!(parse(r#"{"channel":"trades","data":[]}"#)
            .unwrap()
            .is_empty());
        let other = DOCUMENTED_TRADES.replace(r#""coin":"BTC""#, r#""coin":"SOL""#);
        assert!(parse(&other).unwrap().is_empty());
        let untagged = r#"{"channel":"trades","data":[{"coin":"ETH","side":"A","px":"3000.1","sz":"2","hash":"0x0","time":1734076800999}]}"#;
        let trades = parse(untagged).unwrap();
        assert_eq!(
            (trades[0].symbol.as_str(), trades[0].id.clone()),
            ("ETH-USDC-PERP", None)
        );
    }

    #[test]
    fn a_malformed_trade_drops_the_whole_message() {
        for bad in [
            DOCUMENTED_TRADES.replace(r#""px":"97432.0""#, r#""px":"oops""#),
            DOCUMENTED_TRADES.replace(r#""side":"A""#, r#""side":"S""#),
            DOCUMENTED_TRADES.replace(r#""time":1734076800124,"#, ""),
            DOCUMENTED_TRADES.replace(r#""tid":87"#, r#""tid":-1"#),
            DOCUMENTED_TRADES.replace(r#""sz":"0.1","#, ""),
            r#"{"channel":"trades","data":{"coin":"BTC"}}"#.to_owned(),
        ] {
            assert!(
                matches!(parse(&bad), Err(FrameError::Malformed(_))),
                "{bad}"
            );
        }
    }
}
