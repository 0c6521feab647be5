//! The session driven by plain calls with Binance's documented frames: acknowledgements,
//! snapshot requests, joins, gaps, resyncs, losing the connection.

use std::str::FromStr;

use feed_core::runtime::{Action, FeedSession, Frame, SessionOutput};
use feed_core::{Channel, Event};
use rust_decimal::Decimal;

use crate::CcxtFeed;

const MARKETS: &str = r#"{"symbols":[{"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT"}]}"#;

fn session() -> super::CcxtSession {
    CcxtFeed::replay("binance", MARKETS)
        .unwrap()
        .with_channels(vec![Channel::Trades, Channel::L2Book])
        .unwrap()
        .new_session()
        .unwrap()
}

fn at(seconds: i64) -> Decimal {
    Decimal::from(seconds)
}

fn depth(first: u64, last: u64, bid: &str) -> String {
    format!(
        r#"{{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":{first},"u":{last},"b":[["{bid}","1"]],"a":[]}}"#
    )
}

fn requests(out: &SessionOutput) -> Vec<(u64, String)> {
    out.actions
        .iter()
        .filter_map(|action| match action {
            Action::Request(request) => Some((request.id, request.url.clone())),
            _ => None,
        })
        .collect()
}

fn gaps(out: &SessionOutput) -> Vec<String> {
    out.events
        .iter()
        .filter_map(|event| match event {
            Event::Gap(gap) => Some(gap.reason.clone()),
            _ => None,
        })
        .collect()
}

fn snapshot(last: u64) -> bytes::Bytes {
    format!(r#"{{"lastUpdateId":{last},"bids":[["99.00","1"]],"asks":[["101.00","1"]]}}"#).into()
}

#[test]
fn subscribes_waits_for_the_ack_and_every_gap_refetches() {
    let mut session = session();
    let mut out = SessionOutput::default();
    session.open(at(0), &mut out);
    assert!(
        matches!(&out.actions[..], [Action::Send(message)] if message.contains("btcusdt@depth@100ms"))
    );
    assert!(session.awaiting_acknowledgements());
    out.clear();
    session
        .frame(Frame::Text(r#"{"result":null,"id":1}"#), at(0), &mut out)
        .unwrap();
    assert!(!session.awaiting_acknowledgements());

    // The first diff asks for the snapshot; the snapshot joins; books flow.
    session
        .frame(Frame::Text(&depth(10, 12, "99.50")), at(1), &mut out)
        .unwrap();
    let asked = requests(&out);
    assert_eq!(asked.len(), 1);
    assert!(
        asked[0]
            .1
            .ends_with("/api/v3/depth?symbol=BTCUSDT&limit=1000"),
        "{}",
        asked[0].1
    );
    out.clear();
    session.response(asked[0].0, Ok(snapshot(11)), at(1), &mut out);
    assert!(matches!(&out.events[..], [Event::Book(book)] if book.sequence == Some(12)));
    out.clear();

    // Three gaps in a row: each one a gap event and a new request at once.
    let mut last = 12;
    for round in 0..3 {
        session
            .frame(
                Frame::Text(&depth(last + 5, last + 6, "99.60")),
                at(2 + round),
                &mut out,
            )
            .unwrap();
        assert_eq!(gaps(&out).len(), 1, "round {round}: {:?}", out.events);
        let asked = requests(&out);
        assert_eq!(asked.len(), 1, "round {round}: {:?}", out.actions);
        out.clear();
        session.response(asked[0].0, Ok(snapshot(last + 5)), at(2 + round), &mut out);
        assert!(
            matches!(&out.events[..], [Event::Book(book)] if book.sequence == Some(last + 6)),
            "round {round}: {:?}",
            out.events
        );
        out.clear();
        last += 6;
    }

    // Losing the connection: a gap for every subscription.
    session.closed(Some("reset"), at(9), &mut out);
    let reasons = gaps(&out);
    assert_eq!(reasons, vec!["connection lost: reset".to_owned(); 2]);
}

#[test]
fn a_refusal_and_silence_are_rejections_naming_symbol_and_channel() {
    let mut session = session();
    let mut out = SessionOutput::default();
    session.open(at(0), &mut out);
    out.clear();
    session
        .frame(
            Frame::Text(r#"{"error":{"code":2,"msg":"Invalid request"},"id":1}"#),
            at(0),
            &mut out,
        )
        .unwrap();
    let rejected: Vec<String> = out
        .events
        .iter()
        .filter_map(|event| match event {
            Event::Rejected(rejected) => Some(rejected.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(rejected.len(), 2);
    assert!(
        rejected[0].starts_with("binance rejected the subscription to TRADES BTC-USDT: "),
        "{}",
        rejected[0]
    );
    assert!(!session.awaiting_acknowledgements());

    let mut session = self::session();
    let mut out = SessionOutput::default();
    session.open(at(0), &mut out);
    out.clear();
    session.tick(at(9), &mut out);
    assert!(out.events.is_empty());
    session.tick(Decimal::from_str("10.0").unwrap(), &mut out);
    assert!(
        matches!(&out.events[0], Event::Rejected(rejected) if rejected.reason == "not acknowledged within 10s")
    );
}

/// An adapter whose frames carry a connection-wide sequence number (as Coinbase's do): a
/// skipped number is a gap on every subscription and resyncs every book.
#[test]
fn a_skipped_message_number_is_a_gap_everywhere() {
    use crate::adapter::{
        DefaultEndpoints, ExchangeAdapter, FrameContext, SubscribeRequest, Subscription,
    };
    use crate::error::AdapterError;
    use crate::markets::Market;
    use crate::parsed::ParsedFrame;
    use feed_core::runtime::FrameError;

    struct Numbered;
    impl ExchangeAdapter for Numbered {
        fn id(&self) -> &'static str {
            "numbered"
        }
        fn default_endpoints(&self) -> DefaultEndpoints {
            DefaultEndpoints {
                rest: "https://x.invalid",
                websocket: "wss://x.invalid",
            }
        }
        fn markets_url(&self, rest_base: &str) -> String {
            rest_base.to_owned()
        }
        fn parse_markets(&self, _body: &str) -> Result<Vec<Market>, AdapterError> {
            Ok(vec![Market::new("BTC", "USD", "BTC-USD")])
        }
        fn subscribe_messages(&self, _subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
            Vec::new()
        }
        fn parse_frame(
            &self,
            frame: &str,
            _context: &FrameContext<'_>,
            out: &mut ParsedFrame,
        ) -> Result<(), FrameError> {
            out.sequence = frame.parse().ok();
            Ok(())
        }
    }
    crate::register_adapter(std::sync::Arc::new(Numbered));
    let mut session = CcxtFeed::replay("numbered", "")
        .unwrap()
        .new_session()
        .unwrap();
    let mut out = SessionOutput::default();
    for number in ["1", "2", "3"] {
        session.frame(Frame::Text(number), at(0), &mut out).unwrap();
    }
    assert!(out.events.is_empty());
    session.frame(Frame::Text("5"), at(0), &mut out).unwrap();
    assert_eq!(
        gaps(&out),
        vec!["message sequence: expected 4, got 5".to_owned()]
    );
    out.clear();
    session.frame(Frame::Text("6"), at(0), &mut out).unwrap();
    assert!(
        out.events.is_empty(),
        "counting goes on from the new number"
    );
}

/// A book whose resubscribe is refused (or whose snapshot never comes) is never left
/// silent: 30 s later it is resubscribed again.
#[test]
fn a_book_stuck_waiting_for_its_snapshot_is_resynced_again() {
    let markets = include_str!("../../tests/corpus/bybit/markets.json");
    let mut session = CcxtFeed::replay("bybit", markets)
        .unwrap()
        .with_channels(vec![Channel::L2Book])
        .unwrap()
        .new_session()
        .unwrap();
    let mut out = SessionOutput::default();
    let frame = |kind: &str, u: u64| {
        format!(
            r#"{{"topic":"orderbook.50.BTCUSDT","type":"{kind}","ts":1,"data":{{"s":"BTCUSDT","b":[["100.00","1"]],"a":[["101.00","1"]],"u":{u},"seq":1}}}}"#
        )
    };
    session
        .frame(Frame::Text(&frame("snapshot", 5)), at(0), &mut out)
        .unwrap();
    session
        .frame(Frame::Text(&frame("delta", 7)), at(1), &mut out)
        .unwrap();
    assert_eq!(gaps(&out).len(), 1);
    let resubscribes = |out: &SessionOutput| {
        out.actions
            .iter()
            .filter(|action| matches!(action, Action::Send(message) if message.contains("orderbook.50.BTCUSDT")))
            .count()
    };
    assert_eq!(
        resubscribes(&out),
        2,
        "unsubscribe and subscribe: {:?}",
        out.actions
    );
    out.clear();
    // The refusal of the new subscribe, then silence.
    session.tick(at(20), &mut out);
    assert!(out.actions.is_empty());
    session.tick(at(31), &mut out);
    assert_eq!(
        resubscribes(&out),
        2,
        "resubscribed again: {:?}",
        out.actions
    );
    out.clear();
    session
        .frame(Frame::Text(&frame("snapshot", 9)), at(32), &mut out)
        .unwrap();
    assert!(matches!(&out.events[..], [Event::Book(_)]));
    out.clear();
    session.tick(at(100), &mut out);
    assert!(out.actions.is_empty(), "a live book is left alone");
}

/// An exchange whose open interest is REST only: the session polls it.
struct PollingExchange;

impl crate::ExchangeAdapter for PollingExchange {
    fn id(&self) -> &'static str {
        "pollex"
    }
    fn default_endpoints(&self) -> crate::DefaultEndpoints {
        crate::DefaultEndpoints {
            rest: "https://127.0.0.1:1",
            websocket: "wss://127.0.0.1:2",
        }
    }
    fn channels(&self) -> &'static [Channel] {
        &[Channel::OpenInterest]
    }
    fn markets_url(&self, rest_base: &str) -> String {
        format!("{rest_base}/markets")
    }
    fn parse_markets(&self, _body: &str) -> Result<Vec<crate::Market>, crate::AdapterError> {
        Ok(Vec::new())
    }
    fn subscribe_messages(
        &self,
        _subscriptions: &[crate::Subscription],
    ) -> Vec<crate::SubscribeRequest> {
        Vec::new()
    }
    fn poll(
        &self,
        rest_base: &str,
        subscription: &crate::Subscription,
        polled: usize,
    ) -> Option<crate::PollRequest> {
        (subscription.channel == Channel::OpenInterest).then(|| crate::PollRequest {
            url: format!("{rest_base}/oi?symbol={}", subscription.exchange_symbol),
            every: Decimal::from(5 * polled),
        })
    }
    fn parse_poll(
        &self,
        body: &str,
        subscription: &crate::Subscription,
        context: &crate::FrameContext<'_>,
        out: &mut crate::ParsedFrame,
    ) -> Result<(), feed_core::runtime::FrameError> {
        let open_interest = Decimal::from_str(body)
            .map_err(|error| feed_core::runtime::FrameError::Malformed(error.to_string()))?;
        out.events
            .push(Event::OpenInterest(feed_core::OpenInterest {
                exchange: context.exchange.clone(),
                symbol: subscription.symbol.clone(),
                open_interest,
                notional: None,
                timestamp: None,
                receipt_timestamp: context.receipt,
            }));
        Ok(())
    }
    fn parse_frame(
        &self,
        _frame: &str,
        _context: &crate::FrameContext<'_>,
        _out: &mut crate::ParsedFrame,
    ) -> Result<(), feed_core::runtime::FrameError> {
        Ok(())
    }
}

#[test]
fn rest_only_channels_are_polled_spread_out_one_at_a_time_and_retried() {
    let markets = vec![
        crate::Market::for_symbol(feed_core::Symbol::perpetual("BTC", "USDT"), "BTCUSDT"),
        crate::Market::for_symbol(feed_core::Symbol::perpetual("ETH", "USDT"), "ETHUSDT"),
    ];
    let subscriptions = markets
        .iter()
        .enumerate()
        .map(|(index, market)| {
            let mut subscription = crate::Subscription::new(
                Channel::OpenInterest,
                market.symbol.clone(),
                market.exchange_symbol.clone(),
            );
            subscription.id = index as u64 + 1;
            subscription
        })
        .collect();
    let plan = crate::FeedPlan::new(
        std::sync::Arc::new(PollingExchange),
        crate::MarketMap::new(markets),
        subscriptions,
        "https://rest.test".into(),
    );
    let mut session = super::CcxtSession::new(std::sync::Arc::new(plan));
    let mut out = SessionOutput::default();
    session.open(at(0), &mut out);
    // Two subscriptions, every 10 s: BTC at once, ETH half an interval later.
    assert_eq!(
        requests(&out),
        vec![(1, "https://rest.test/oi?symbol=BTCUSDT".to_owned())]
    );
    assert!(
        !session.awaiting_acknowledgements(),
        "nothing to acknowledge"
    );
    out.clear();
    session.tick(at(4), &mut out);
    assert!(
        requests(&out).is_empty(),
        "BTC's poll is in flight, ETH's not due"
    );
    session.tick(at(5), &mut out);
    assert_eq!(
        requests(&out),
        vec![(2, "https://rest.test/oi?symbol=ETHUSDT".to_owned())]
    );
    out.clear();

    session.response(1, Ok(bytes::Bytes::from("10659.509")), at(6), &mut out);
    let Some(Event::OpenInterest(interest)) = out.events.first() else {
        panic!("{:?}", out.events)
    };
    assert_eq!(interest.symbol.as_str(), "BTC-USDT-PERP");
    assert_eq!(interest.open_interest.to_string(), "10659.509");
    out.clear();
    // A failed answer: a warning, and the next try one interval later.
    session.response(2, Err("HTTP 429".into()), at(6), &mut out);
    assert!(out.events.is_empty());
    session.tick(at(15), &mut out);
    assert!(requests(&out).is_empty());
    session.tick(at(16), &mut out);
    let asked = requests(&out);
    assert_eq!(
        asked.len(),
        2,
        "both due again: BTC (answered at 6) and ETH (failed at 6)"
    );
    assert!(asked.iter().all(|(id, _)| *id > 2), "fresh request ids");
}

const TWO_MARKETS: &str = r#"{"symbols":[{"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT"},{"symbol":"ETHUSDT","status":"TRADING","baseAsset":"ETH","quoteAsset":"USDT"}]}"#;

fn agg_trade(symbol: &str, id: u64) -> String {
    format!(
        r#"{{"e":"aggTrade","E":1,"s":"{symbol}","a":{id},"p":"1.5","q":"2","f":{id},"l":{id},"T":1,"m":false,"M":true}}"#
    )
}

#[test]
fn a_silent_subscription_on_a_live_connection_gets_a_gap_and_is_resubscribed() {
    let mut session = CcxtFeed::replay("binance", TWO_MARKETS)
        .unwrap()
        .with_channels(vec![Channel::Trades])
        .unwrap()
        .new_session()
        .unwrap();
    let mut out = SessionOutput::default();
    session.open(at(0), &mut out);
    session
        .frame(Frame::Text(r#"{"result":null,"id":1}"#), at(0), &mut out)
        .unwrap();
    out.clear();
    // Both trade every second for a minute; then ETH stops while BTC carries on.
    let mut id = 0;
    for second in 0..60 {
        for symbol in ["BTCUSDT", "ETHUSDT"] {
            id += 1;
            session
                .frame(Frame::Text(&agg_trade(symbol, id)), at(second), &mut out)
                .unwrap();
        }
        session.tick(at(second), &mut out);
    }
    assert!(gaps(&out).is_empty(), "{:?}", gaps(&out));
    out.clear();
    let mut resubscribed_at = None;
    for second in 60..200 {
        id += 1;
        session
            .frame(Frame::Text(&agg_trade("BTCUSDT", id)), at(second), &mut out)
            .unwrap();
        out.events.retain(|event| !matches!(event, Event::Trade(_)));
        session.tick(at(second), &mut out);
        if resubscribed_at.is_none() && !out.actions.is_empty() {
            resubscribed_at = Some(second);
            let gap = gaps(&out);
            assert_eq!(gap.len(), 1, "{gap:?}");
            assert!(gap[0].contains("no data for 6"), "{gap:?}");
            assert!(
                matches!(&out.actions[..], [Action::Send(message)]
                    if message.contains("ethusdt@aggTrade") && !message.contains("btcusdt")),
                "{:?}",
                out.actions
            );
            let Event::Gap(gap) = &out.events[0] else {
                unreachable!()
            };
            assert_eq!(gap.symbol.as_str(), "ETH-USDT");
            assert_eq!(gap.channel, Channel::Trades);
        }
    }
    // Trades floor 60 s (30 × its 1 s cadence is less): resubscribed about a minute after
    // its last trade, and not again within the doubled wait.
    let at_second = resubscribed_at.expect("the silent subscription was resubscribed");
    assert!((119..=122).contains(&at_second), "{at_second}");
    assert_eq!(gaps(&out).len(), 1);
}

#[test]
fn seconds_as_float_agree_with_decimal_to_f64() {
    use rust_decimal::prelude::ToPrimitive;
    let texts = [
        "0",
        "1700000000.123456",
        "1700000000.123456789",
        "-3.5",
        "0.000001",
        "79228162514264337593543950335",
        "7922816251426433759.3543950335",
    ];
    for text in texts {
        let value = Decimal::from_str(text).unwrap();
        let expected = value.to_f64().unwrap();
        let got = super::seconds(value);
        assert!(
            (got - expected).abs() <= expected.abs() * 1e-15,
            "{text}: {got} vs {expected}"
        );
    }
}
