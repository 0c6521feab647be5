//! Deribit's `trades.{instrument_name}.{interval}` channel (TRADES)
//! (<https://docs.deribit.com/subscriptions/trades/tradesinstrument_nameinterval>).

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Side, Trade};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, integer, malformed, scalar_text, trade_id};
use crate::parsed::ParsedFrame;

/// One trade of a notification's `data` array, as documented:
///
/// ```json
/// {"jsonrpc":"2.0","method":"subscription","params":{"channel":"trades.BTC-PERPETUAL.100ms",
///  "data":[{"trade_seq":30289432,"trade_id":"48079254","timestamp":1590484156350,
///   "tick_direction":0,"price":8950.0,"mark_price":8948.9,"instrument_name":"BTC-PERPETUAL",
///   "index_price":8955.88,"direction":"sell","amount":10.0}]}}
/// ```
///
/// `direction` is the taker's side; `amount` is in USD for perpetuals and inverse futures,
/// in the base currency for options and linear instruments; numbers are JSON numbers, read
/// as their exact text; `timestamp` is in milliseconds.
#[derive(Deserialize)]
struct WireTrade<'a> {
    #[serde(borrow)]
    instrument_name: Cow<'a, str>,
    #[serde(borrow)]
    trade_id: &'a RawValue,
    #[serde(borrow)]
    price: &'a RawValue,
    #[serde(borrow)]
    amount: &'a RawValue,
    #[serde(borrow)]
    direction: Cow<'a, str>,
    #[serde(borrow)]
    timestamp: &'a RawValue,
}

/// The trades of listed instruments; the others are skipped. On an error nothing of the
/// notification is kept.
pub(super) fn push_trades(
    data: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let trades: Vec<WireTrade<'_>> =
        serde_json::from_str(data.get()).map_err(|error| malformed(&error))?;
    let before = out.events.len();
    for trade in &trades {
        if let Err(error) = push_trade(trade, context, out) {
            out.events.truncate(before);
            return Err(error);
        }
    }
    Ok(())
}

fn push_trade(
    trade: &WireTrade<'_>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let Some(symbol) = context.markets.symbol(&trade.instrument_name) else {
        return Ok(());
    };
    let side = match trade.direction.as_ref() {
        "buy" => Side::Buy,
        "sell" => Side::Sell,
        other => {
            return Err(FrameError::Malformed(format!(
                "a trade direction that is neither buy nor sell: {other:?}"
            )))
        }
    };
    out.events.push(Event::Trade(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side,
        amount: decimal(&scalar_text(trade.amount, "amount")?, "amount")?,
        price: decimal(&scalar_text(trade.price, "price")?, "price")?,
        id: Some(trade_id(trade.trade_id, "trade_id")?),
        timestamp: millis_to_seconds(integer(trade.timestamp, "timestamp")?),
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use std::str::FromStr;

    use feed_core::{Symbol, TradeId};
    use rust_decimal::Decimal;

    use super::*;
    use crate::exchanges::deribit::frame::parse_frame;
    use crate::exchanges::deribit::tests::markets;
    use crate::testing::parse_with;

    /// The documented notification.
    pub(crate) const DOCUMENTED_TRADES: &str = r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"trades.BTC-PERPETUAL.100ms","data":[{"trade_seq":30289432,"trade_id":"48079254","timestamp":1590484156350,"tick_direction":0,"price":8950.0,"mark_price":8948.9,"instrument_name":"BTC-PERPETUAL","index_price":8955.88,"direction":"sell","amount":10.0},{"trade_seq":30289433,"trade_id":"48079255","timestamp":1590484156350,"tick_direction":1,"price":8950.5,"mark_price":8948.9,"instrument_name":"BTC-PERPETUAL","index_price":8955.88,"direction":"buy","amount":20.0}]}}"#;

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn parse(frame: &str) -> Result<Vec<Trade>, FrameError> {
        parse_with(parse_frame, &markets(), "DERIBIT", "1590484156.5", frame)
    }

    #[test]
    fn documented_trades_field_by_field() {
        let trades = parse(DOCUMENTED_TRADES).unwrap();
        assert_eq!(
            trades[0],
            Trade {
                exchange: "DERIBIT".into(),
                symbol: Symbol::parse("BTC-USD-PERP").unwrap(),
                side: Side::Sell,
                amount: decimal("10.0"),
                price: decimal("8950.0"),
                id: Some(TradeId::Number(48_079_254)),
                timestamp: decimal("1590484156.350"),
                receipt_timestamp: decimal("1590484156.5"),
            }
        );
        assert_eq!(trades[1].side, Side::Buy);
        assert_eq!(trades[1].price.to_string(), "8950.5");
    }

    #[test]
    fn option_and_future_trades_are_normalized() {
        let option = DOCUMENTED_TRADES
            .replace("BTC-PERPETUAL", "BTC-26DEC26-100000-C")
            .replace("8950.0", "0.0125");
        let trades = parse(&option).unwrap();
        assert_eq!(trades[0].symbol.as_str(), "BTC-USD-26DEC26-100000-C");
        assert_eq!(trades[0].price.to_string(), "0.0125");
        let future = DOCUMENTED_TRADES.replace("BTC-PERPETUAL", "BTC-26DEC26");
        assert_eq!(
            parse(&future).unwrap()[0].symbol.as_str(),
            "BTC-USD-26DEC26"
        );
        let other = DOCUMENTED_TRADES.replace("BTC-PERPETUAL", "ETH-PERPETUAL");
        assert!(parse(&other).unwrap().is_empty());
    }

    #[test]
    fn bad_trades_are_malformed() {
        for bad in [
            DOCUMENTED_TRADES.replace(r#""direction":"sell""#, r#""direction":"up""#),
            DOCUMENTED_TRADES.replace(r#""price":8950.0"#, r#""price":"x""#),
            DOCUMENTED_TRADES.replace(r#""amount":10.0"#, r#""amount":null"#),
            DOCUMENTED_TRADES.replace(
                r#""timestamp":1590484156350,"tick_direction":0"#,
                r#""tick_direction":0"#,
            ),
        ] {
            assert!(
                matches!(parse(&bad), Err(FrameError::Malformed(_))),
                "{bad}"
            );
        }
    }
}
