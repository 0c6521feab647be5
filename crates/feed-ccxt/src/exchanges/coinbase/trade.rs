//! Coinbase's `market_trades` channel: trades of `update` events (snapshots skipped).

use std::borrow::Cow;

use feed_core::runtime::FrameError;

use crate::parsed::ParsedFrame;
use feed_core::{Side, Trade};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::adapter::FrameContext;
use crate::parse::{decimal, malformed, rfc3339_to_seconds, trade_id};

/// One event of a `market_trades` message: `{"type":"update","trades":[...]}`. The trades
/// are read only for updates.
#[derive(Deserialize)]
struct TradeEvent<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    trades: Option<&'a RawValue>,
}

/// One trade, as documented:
///
/// ```json
/// {"trade_id":"000000000","product_id":"ETH-USD","price":"1260.01","size":"0.3","side":"BUY",
///  "time":"2019-08-14T20:42:27.265Z"}
/// ```
///
/// Every field is a string: `size` is the base quantity, `time` an RFC 3339 time with up to
/// nanoseconds (kept exactly).
///
/// `side` is the **maker's** side, so the taker's side (what [`Trade::side`] holds) is the
/// opposite: `"side":"BUY"` means a resting buy order was hit, the taker sold. Sources:
/// - Coinbase Advanced Trade, WebSocket channels, `market_trades`: "Each market trade
///   belongs to a `side`, which refers to the makers side"
///   (<https://docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/websocket/websocket-channels>);
/// - the Exchange (formerly Pro) feed's `match` and REST trades, the same engine's prints:
///   "The side field indicates the maker order side"
///   (<https://docs.cdp.coinbase.com/exchange/websocket-feed/channels#match>);
/// - NautilusTrader's current Coinbase adapter (`nautilus_coinbase::http::parse::
///   coinbase_side_to_aggressor`): "Coinbase reports the maker side on public market
///   trades, so the aggressor is the opposite side".
///
/// cryptofeed 2.4.1 and ccxt read it as the taker's side without citing a source; an
/// earlier version of this adapter did too. Following Coinbase's own words, and the one
/// maintained client that documents its reason, is the choice here.
#[derive(Deserialize)]
struct CoinbaseTrade<'a> {
    #[serde(borrow)]
    trade_id: &'a RawValue,
    #[serde(borrow)]
    product_id: Cow<'a, str>,
    #[serde(borrow)]
    price: Cow<'a, str>,
    #[serde(borrow)]
    size: Cow<'a, str>,
    #[serde(borrow)]
    side: Cow<'a, str>,
    #[serde(borrow)]
    time: Cow<'a, str>,
}

/// The events of a `market_trades` message, as documented:
///
/// ```json
/// {"channel":"market_trades","client_id":"","timestamp":"2023-02-09T20:19:35.39625135Z",
///  "sequence_num":0,
///  "events":[{"type":"snapshot","trades":[{"trade_id":"000000000","product_id":"ETH-USD",
///             "price":"1260.01","size":"0.3","side":"BUY","time":"2019-08-14T20:42:27.265Z"}]}]}
/// ```
///
/// The first message after subscribing holds a `snapshot` event of recent trades; then come
/// `update` events, each with the trades of the last 250 ms, so one frame carries any
/// number of events with any number of trades, possibly of several products. Snapshots are
/// skipped (as cryptofeed does): they replay history after every (re)connection.
pub(super) fn push_trades(
    events: &RawValue,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let events: Vec<TradeEvent<'_>> =
        serde_json::from_str(events.get()).map_err(|error| malformed(&error))?;
    for event in events.iter().filter(|event| event.kind == "update") {
        let Some(trades) = event.trades else {
            return Err(FrameError::Malformed("update without 'trades'".into()));
        };
        let trades: Vec<CoinbaseTrade<'_>> =
            serde_json::from_str(trades.get()).map_err(|error| malformed(&error))?;
        for trade in &trades {
            push_trade(trade, context, out)?;
        }
    }
    Ok(())
}

fn push_trade(
    trade: &CoinbaseTrade<'_>,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let Some(symbol) = context.markets.symbol(&trade.product_id) else {
        return Ok(()); // a product this feed did not subscribe to
    };
    // The wire's side is the maker's: the taker is on the other side.
    let side = if trade.side.eq_ignore_ascii_case("BUY") {
        Side::Sell
    } else if trade.side.eq_ignore_ascii_case("SELL") {
        Side::Buy
    } else {
        return Err(FrameError::Malformed(format!(
            "side is neither BUY nor SELL: {:?}",
            trade.side
        )));
    };
    let timestamp = rfc3339_to_seconds(&trade.time).ok_or_else(|| {
        FrameError::Malformed(format!("time is not an RFC 3339 time: {:?}", trade.time))
    })?;
    out.events.push(feed_core::Event::Trade(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side,
        amount: decimal(&trade.size, "size")?,
        price: decimal(&trade.price, "price")?,
        id: Some(trade_id(trade.trade_id, "trade_id")?),
        timestamp,
        receipt_timestamp: context.receipt,
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use feed_core::Symbol;
    use rust_decimal::Decimal;

    use feed_core::TradeId;

    use super::*;
    use crate::exchanges::coinbase::frame::parse_frame;
    use crate::markets::Market;
    use crate::testing::parse_with;

    /// The `market_trades` payload from Coinbase's documentation (a snapshot).
    const DOCUMENTED_MARKET_TRADES: &str = r#"{
      "channel": "market_trades",
      "client_id": "",
      "timestamp": "2023-02-09T20:19:35.39625135Z",
      "sequence_num": 0,
      "events": [
        {
          "type": "snapshot",
          "trades": [
            {
              "trade_id": "000000000",
              "product_id": "ETH-USD",
              "price": "1260.01",
              "size": "0.3",
              "side": "BUY",
              "time": "2019-08-14T20:42:27.265Z"
            }
          ]
        }
      ]
    }"#;

    fn parse(frame: &str) -> Result<Vec<Trade>, FrameError> {
        let markets = [
            Market::new("ETH", "USD", "ETH-USD"),
            Market::new("BTC", "USD", "BTC-USD"),
        ];
        parse_with(parse_frame, &markets, "COINBASE", "1676000000.5", frame)
    }

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn the_documented_snapshot_is_skipped() {
        assert_eq!(parse(DOCUMENTED_MARKET_TRADES).unwrap(), vec![]);
    }

    #[test]
    fn the_documented_trade_as_an_update_normalizes_field_by_field() {
        let update =
            DOCUMENTED_MARKET_TRADES.replace(r#""type": "snapshot""#, r#""type": "update""#);
        assert_eq!(
            parse(&update).unwrap(),
            vec![Trade {
                exchange: "COINBASE".into(),
                symbol: Symbol::parse("ETH-USD").unwrap(),
                side: Side::Sell, // the wire's BUY is the maker's side,
                amount: dec("0.3"),
                price: dec("1260.01"),
                id: Some(TradeId::Text("000000000".into())),
                timestamp: dec("1565815347.265"),
                receipt_timestamp: dec("1676000000.5"),
            }]
        );
    }

    #[test]
    fn every_trade_of_every_update_event_in_order() {
        let frame = r#"{"channel":"market_trades","client_id":"","timestamp":"2023-02-09T20:19:35.39625135Z","sequence_num":7,
          "events":[
            {"type":"update","trades":[
              {"trade_id":"629147539","product_id":"BTC-USD","price":"64123.45","size":"0.00150000","side":"SELL","time":"2023-02-09T20:19:35.396251350Z"},
              {"trade_id":"629147540","product_id":"SOL-USD","price":"20.1","size":"1","side":"BUY","time":"2023-02-09T20:19:35.4Z"},
              {"trade_id":"81264223","product_id":"ETH-USD","price":"1650.10","size":"2.5","side":"BUY","time":"2023-02-09T20:19:35.5Z"}]},
            {"type":"update","trades":[
              {"trade_id":"629147541","product_id":"BTC-USD","price":"64123.46","size":"0.1","side":"BUY","time":"2023-02-09T20:19:35.6Z"}]}]}"#;
        let trade = |symbol: &str, side, amount, price, id, timestamp| Trade {
            exchange: "COINBASE".into(),
            symbol: Symbol::parse(symbol).unwrap(),
            side,
            amount: dec(amount),
            price: dec(price),
            id: Some(TradeId::Number(id)),
            timestamp: dec(timestamp),
            receipt_timestamp: dec("1676000000.5"),
        };
        // The wire's side is the maker's: SELL is a taker buy, BUY a taker sell.
        assert_eq!(
            parse(frame).unwrap(),
            vec![
                trade(
                    "BTC-USD",
                    Side::Buy,
                    "0.00150000",
                    "64123.45",
                    629_147_539,
                    "1675973975.396251350"
                ),
                trade(
                    "ETH-USD",
                    Side::Sell,
                    "2.5",
                    "1650.10",
                    81_264_223,
                    "1675973975.5"
                ),
                trade(
                    "BTC-USD",
                    Side::Sell,
                    "0.1",
                    "64123.46",
                    629_147_541,
                    "1675973975.6"
                ),
            ],
            "SOL-USD is not subscribed"
        );
        let scales: Vec<String> = parse(frame)
            .unwrap()
            .iter()
            .map(|t| t.amount.to_string())
            .collect();
        assert_eq!(
            scales,
            ["0.00150000", "2.5", "0.1"],
            "the exchange's scale is kept"
        );
    }

    #[test]
    fn acks_heartbeats_and_other_channels_carry_no_trade() {
        for frame in [
            r#"{"channel":"subscriptions","client_id":"","timestamp":"2023-02-09T20:32:50.714964855Z","sequence_num":1,"events":[{"subscriptions":{"market_trades":["BTC-USD","ETH-USD"],"heartbeats":["heartbeats"]}}]}"#,
            r#"{"channel":"heartbeats","client_id":"","timestamp":"2023-06-23T20:31:26.122969572Z","sequence_num":0,"events":[{"current_time":"2023-06-23 20:31:56.121961769 +0000 UTC m=+91717.525857105","heartbeat_counter":"3049"}]}"#,
            r#"{"channel":"heartbeats","client_id":"","timestamp":"2026-04-07T14:30:10.000000Z","sequence_num":0,"events":[{"current_time":"2026-04-07 14:30:10.000000000+00:00","heartbeat_counter":42}]}"#,
            r#"{"channel":"ticker","client_id":"","timestamp":"2023-02-09T20:30:37.167359596Z","sequence_num":0,"events":[]}"#,
            r#"{"type":"something_new"}"#,
        ] {
            assert_eq!(parse(frame).unwrap(), vec![], "{frame}");
        }
    }

    #[test]
    fn error_frames_are_exchange_errors() {
        assert_eq!(
            parse(r#"{"type":"error","message":"failure to subscribe"}"#).unwrap_err(),
            FrameError::Exchange("failure to subscribe".into())
        );
        assert_eq!(
            parse(r#"{"type":"error","message":"Failed to subscribe","reason":"GIBBERISH-USD is not a valid product"}"#)
                .unwrap_err(),
            FrameError::Exchange("Failed to subscribe: GIBBERISH-USD is not a valid product".into())
        );
    }

    #[test]
    fn garbage_is_malformed() {
        let update =
            DOCUMENTED_MARKET_TRADES.replace(r#""type": "snapshot""#, r#""type": "update""#);
        for (frame, expected) in [
            ("not json".to_owned(), "expected"),
            (r#"{"foo":1}"#.to_owned(), "neither"),
            (r#"{"channel":"market_trades"}"#.to_owned(), "'events'"),
            (update.replace(r#""price": "1260.01","#, ""), "price"),
            (update.replace("\"BUY\"", "\"MAYBE\""), "side"),
            (update.replace("1260.01", "12x"), "price"),
            (
                update.replace("2019-08-14T20:42:27.265Z", "yesterday"),
                "time",
            ),
            (update.replace(r#""000000000""#, "true"), "trade_id"),
        ] {
            match parse(&frame) {
                Err(FrameError::Malformed(text)) => assert!(text.contains(expected), "{text}"),
                other => panic!("{frame}: {other:?}"),
            }
        }
    }
}
