//! COIN-M through the adapter: streams, polls and every documented frame shape (its
//! endpoints are tested with USD-M's in `super::super::binance_futures`).

use feed_core::runtime::FrameError;
use feed_core::{Channel, Event, Expiry, Symbol};

use super::*;
use crate::adapter::{AckBy, ExchangeAdapter, Subscription};
use crate::markets::Market;
use crate::parsed::ParsedFrame;
use crate::testing::{kinds, parse_frame_with};

/// Streams are named by the lower-case symbol, perpetual and quarterly alike, and one
/// SUBSCRIBE on `/ws` carries every channel.
#[test]
fn one_subscribe_on_ws_carries_every_channel() {
    let perpetual = Symbol::perpetual("BTC", "USD");
    let quarterly = Symbol::future("BTC", "USD", Expiry::new(2026, 12, 26).unwrap());
    let mut subscriptions = Vec::new();
    for (id, channel) in BinanceDelivery.channels().iter().copied().enumerate() {
        let (symbol, exchange_symbol) = if id % 2 == 0 {
            (perpetual.clone(), "BTCUSD_PERP")
        } else {
            (quarterly.clone(), "BTCUSD_261226")
        };
        subscriptions.push(Subscription {
            id: id as u64 + 1,
            ..Subscription::new(channel, symbol, exchange_symbol)
        });
    }
    let adapter = BinanceDelivery;
    let channels: Vec<Channel> = subscriptions.iter().map(|s| s.channel).collect();
    assert!(adapter.check_channels(&channels).is_ok());
    assert_eq!(
        adapter.websocket_url(COIN_M.websocket_base, &subscriptions),
        "wss://dstream.binance.com/ws"
    );
    let requests = adapter.subscribe_messages(&subscriptions);
    assert_eq!(requests.len(), 1);
    let message: serde_json::Value = serde_json::from_str(&requests[0].message).unwrap();
    assert_eq!(
        message,
        serde_json::json!({"method": "SUBSCRIBE", "id": 1, "params": [
            "btcusd_perp@aggTrade", "btcusd_261226@depth@100ms", "btcusd_perp@bookTicker",
            "btcusd_261226@markPrice@1s", "btcusd_261226@forceOrder", "btcusd_perp@kline_1m"
        ]})
    );
    assert_eq!(requests[0].ack, AckBy::RequestId(1));
    assert_eq!(
        requests[0].covers,
        vec![1, 2, 3, 4, 6, 7],
        "OPEN_INTEREST is polled"
    );
    let poll = adapter
        .poll(COIN_M.rest_base, &subscriptions[4], 1)
        .unwrap();
    assert_eq!(
        poll.url,
        "https://dapi.binance.com/dapi/v1/openInterest?symbol=BTCUSD_PERP"
    );
}

fn parse(text: &str) -> Result<ParsedFrame, FrameError> {
    let markets = [
        Market::for_symbol(Symbol::perpetual("BTC", "USD"), "BTCUSD_PERP"),
        Market::for_symbol(
            Symbol::future("BTC", "USD", Expiry::new(2020, 6, 26).unwrap()),
            "BTCUSD_200626",
        ),
        Market::for_symbol(
            Symbol::future("BTC", "USD", Expiry::new(2020, 12, 25).unwrap()),
            "BTCUSD_201225",
        ),
    ];
    parse_frame_with(
        |text, context, out| BinanceDelivery.parse_frame(text, context, out),
        &markets,
        "BINANCE_DELIVERY",
        "1591261134.5",
        text,
    )
}

/// COIN-M's documented payloads, each stream's: recognised (none malformed), and only the
/// delivered kinds produce anything.
#[test]
fn every_documented_coin_m_shape_is_recognised() {
    let cases: [(&str, &[&str]); 12] = [
        (
            r#"{"e":"aggTrade","E":1591261134288,"a":424951,"s":"BTCUSD_200626","p":"9643.5","q":"2","f":606073,"l":606073,"T":1591261134199,"m":false}"#,
            &["trades"],
        ),
        (
            r#"{"e":"depthUpdate","E":1591270260907,"T":1591270260891,"s":"BTCUSD_200626","ps":"BTCUSD","U":17285681,"u":17285702,"pu":17285675,"b":[["9517.6","10"]],"a":[["9518.5","45"]]}"#,
            &["l2_book"],
        ),
        (
            r#"{"e":"bookTicker","u":17242169,"s":"BTCUSD_200626","ps":"BTCUSD","b":"9548.1","B":"52","a":"9548.5","A":"11","T":1591268628155,"E":1591268628166}"#,
            &["ticker"],
        ),
        (
            r#"{"e":"markPriceUpdate","E":1596095725000,"s":"BTCUSD_201225","p":"10934.62615417","P":"10962.17178236","i":"10933.62615417","r":"","T":0}"#,
            &[],
        ),
        (
            r#"[{"e":"markPriceUpdate","E":1596095725000,"s":"BTCUSD_201225","p":"10934.62615417","P":"10962.17178236","i":"10933.62615417","r":"","T":0},{"e":"markPriceUpdate","E":1596095725000,"s":"BTCUSD_PERP","p":"11012.31359011","P":"10962.17178236","i":"10933.62615417","r":"0.00000000","T":1596096000000}]"#,
            &["funding"],
        ),
        (
            r#"{"e":"forceOrder","E":1591154240950,"o":{"s":"BTCUSD_200626","ps":"BTCUSD","S":"SELL","o":"LIMIT","f":"IOC","q":"1","p":"9425.5","ap":"9496.5","X":"FILLED","l":"1","z":"1","T":1591154240949}}"#,
            &["liquidations"],
        ),
        (
            r#"{"e":"kline","E":1591261542539,"s":"BTCUSD_200626","k":{"t":1591261500000,"T":1591261559999,"s":"BTCUSD_200626","i":"1m","f":606400,"L":606430,"o":"9638.9","c":"9639.8","h":"9639.8","l":"9638.6","v":"156","n":31,"x":false,"q":"1.61836886","V":"73","Q":"0.75731156","B":"0"}}"#,
            &["candles"],
        ),
        (
            r#"{"e":"continuous_kline","E":1591261542539,"ps":"BTCUSD","ct":"NEXT_QUARTER","k":{"t":1591261500000,"T":1591261559999,"i":"1m","f":606400,"L":606430,"o":"9638.9","c":"9639.8","h":"9639.8","l":"9638.6","v":"156","n":31,"x":false,"q":"1.61836886","V":"73","Q":"0.75731156","B":"0"}}"#,
            &[],
        ),
        (r#"{"result":null,"id":1}"#, &[]),
        (
            r#"{"stream":"btcusd_perp@aggTrade","data":{"e":"aggTrade","E":1591261134288,"a":424952,"s":"BTCUSD_PERP","p":"9643.6","q":"3","f":606074,"l":606074,"T":1591261134200,"m":true}}"#,
            &["trades"],
        ),
        (
            r#"{"e":"aggTrade","E":1591261134288,"a":1,"s":"ETHUSD_PERP","p":"1","q":"1","f":1,"l":1,"T":1591261134199,"m":false}"#,
            &[],
        ),
        (
            r#"{"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1770123456789}}"#,
            &[],
        ),
    ];
    for (text, expected) in cases {
        let parsed = parse(text).unwrap_or_else(|error| panic!("{error}: {text}"));
        assert_eq!(kinds(&parsed), expected.to_vec(), "{text}");
    }
    assert_eq!(
        parse(r#"{"code": 2, "msg": "Invalid request: too many parameters"}"#).unwrap_err(),
        FrameError::Exchange("code 2: Invalid request: too many parameters".into())
    );
    assert!(matches!(
        parse(r#"{"foo":1}"#),
        Err(FrameError::Malformed(_))
    ));
}

/// The documented aggTrade and forceOrder in contracts, field by field where COIN-M's
/// layout differs from USDⓈ-M's.
#[test]
fn coin_m_trades_and_liquidations_count_contracts() {
    let parsed = parse(
        r#"{"e":"aggTrade","E":1591261134288,"a":424951,"s":"BTCUSD_200626","p":"9643.5","q":"2","f":606073,"l":606073,"T":1591261134199,"m":false}"#,
    )
    .unwrap();
    let Some(Event::Trade(trade)) = parsed.events.first() else {
        panic!("{parsed:?}")
    };
    assert_eq!(&*trade.exchange, "BINANCE_DELIVERY");
    assert_eq!(trade.symbol.as_str(), "BTC-USD-26JUN20");
    assert_eq!(trade.side, feed_core::Side::Buy, "the buyer took");
    assert_eq!(
        (trade.price.to_string(), trade.amount.to_string()),
        ("9643.5".into(), "2".into())
    );
    assert_eq!(trade.id, Some(feed_core::TradeId::Number(424_951)));
    assert_eq!(trade.timestamp.to_string(), "1591261134.199");
    let parsed = parse(
        r#"{"e":"forceOrder","E":1591154240950,"o":{"s":"BTCUSD_200626","ps":"BTCUSD","S":"SELL","o":"LIMIT","f":"IOC","q":"1","p":"9425.5","ap":"9496.5","X":"FILLED","l":"1","z":"1","T":1591154240949}}"#,
    )
    .unwrap();
    let Some(Event::Liquidation(liquidation)) = parsed.events.first() else {
        panic!("{parsed:?}")
    };
    assert_eq!(
        (
            liquidation.quantity.to_string(),
            liquidation.price.to_string(),
            &*liquidation.status
        ),
        ("1".into(), "9425.5".into(), "filled")
    );
}
