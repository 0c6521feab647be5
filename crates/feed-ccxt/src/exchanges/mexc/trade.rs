//! MEXC trades: `spot@public.aggre.deals.v3.api.pb@100ms@<symbol>`
//! <https://www.mexc.com/api-docs/spot-v3/websocket-market-streams#trade-streams>.

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use feed_core::{Event, Side, Symbol, Trade, TradeId};

use super::proto::PublicAggreDealsV3Api;
use crate::adapter::FrameContext;
use crate::parse::{decimal, trade_id_from_text};
use crate::parsed::ParsedFrame;

/// The deals of one push, as documented (shown as JSON; protobuf on the wire):
///
/// ```json
/// {"channel":"spot@public.aggre.deals.v3.api.pb@100ms@BTCUSDT",
///  "publicdeals":{"dealsList":[{"price":"93220.00","quantity":"0.04438243",
///   "tradetype":2,"time":1736409765051}],"eventtype":"spot@public.aggre.deals.v3.api.pb@100ms"},
///  "symbol":"BTCUSDT","sendtime":1736409765052}
/// ```
///
/// `tradeType` 1 is a buy, 2 a sell (the taker's side); `time` in ms; `tradeId` where sent
/// (else no id). Every deal of the push, or none when one is malformed.
pub(super) fn push_deals(
    symbol: &Symbol,
    deals: &PublicAggreDealsV3Api,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    let mut trades = Vec::with_capacity(deals.deals.len());
    for deal in &deals.deals {
        let side = match deal.trade_type {
            1 => Side::Buy,
            2 => Side::Sell,
            other => return Err(FrameError::Malformed(format!("tradeType {other}"))),
        };
        let id: Option<TradeId> =
            (!deal.trade_id.is_empty()).then(|| trade_id_from_text(&deal.trade_id));
        trades.push(Event::Trade(Trade {
            exchange: context.exchange.clone(),
            symbol: symbol.clone(),
            side,
            amount: decimal(&deal.quantity, "quantity")?,
            price: decimal(&deal.price, "price")?,
            id,
            timestamp: millis_to_seconds(deal.time),
            receipt_timestamp: context.receipt,
        }));
    }
    out.events.extend(trades);
    Ok(())
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::super::frame::tests::parse_binary;
    use super::super::proto::{Body, PublicAggreDealsV3ApiItem, PushDataV3ApiWrapper};
    use super::*;

    fn deal(
        price: &str,
        quantity: &str,
        trade_type: i32,
        time: i64,
        id: &str,
    ) -> PublicAggreDealsV3ApiItem {
        PublicAggreDealsV3ApiItem {
            price: price.into(),
            quantity: quantity.into(),
            trade_type,
            time,
            trade_id: id.into(),
        }
    }

    #[test]
    fn documented_deals_normalize_field_by_field() {
        let wrapper = PushDataV3ApiWrapper {
            channel: "spot@public.aggre.deals.v3.api.pb@100ms@BTCUSDT".into(),
            body: Some(Body::PublicAggreDeals(PublicAggreDealsV3Api {
                deals: vec![
                    deal("93220.00", "0.04438243", 2, 1_736_409_765_051, ""),
                    deal("93220.01", "0.1", 1, 1_736_409_765_052, "5532466"),
                ],
                event_type: "spot@public.aggre.deals.v3.api.pb@100ms".into(),
            })),
            symbol: Some("BTCUSDT".into()),
            symbol_id: None,
            create_time: None,
            send_time: Some(1_736_409_765_052),
        };
        let parsed = parse_binary(&wrapper.encode_to_vec()).unwrap();
        let trades: Vec<&Trade> = parsed.trades().collect();
        assert_eq!(trades.len(), 2);
        assert_eq!(trades[0].exchange.as_ref(), "MEXC");
        assert_eq!(trades[0].symbol.as_str(), "BTC-USDT");
        assert_eq!(trades[0].side, Side::Sell);
        assert_eq!(trades[0].price.to_string(), "93220.00");
        assert_eq!(trades[0].amount.to_string(), "0.04438243");
        assert_eq!(trades[0].timestamp.to_string(), "1736409765.051");
        assert_eq!(trades[0].id, None);
        assert_eq!(trades[1].side, Side::Buy);
        assert_eq!(trades[1].id, Some(TradeId::Number(5_532_466)));
        let mut bad = wrapper.clone();
        if let Some(Body::PublicAggreDeals(deals)) = bad.body.as_mut() {
            deals.deals[1].trade_type = 7;
        }
        assert!(parse_binary(&bad.encode_to_vec()).is_err());
    }
}
