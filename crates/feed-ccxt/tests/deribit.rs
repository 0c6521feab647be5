//! Deribit against a loopback stand-in speaking its documented JSON-RPC wire format: the
//! instrument list answered on `GET /api/v2/public/get_instruments`, `public/set_heartbeat`
//! answered `"ok"` and followed by a `test_request` heartbeat (whose `public/test` answer
//! brings one more trade), every `public/subscribe` answered with the channels it
//! subscribed (all but ETH-PERPETUAL's: those are refused) and followed by those channels'
//! documented notifications.

mod common;

use std::str::FromStr;

use common::{collect_events, json, start_error};
use feed_ccxt::CcxtFeed;
use feed_core::{Channel, Event, EventKind, Side, Symbol, TradeId};
use feed_testkit::{CannedResponse, ExchangeScript, ScriptedExchange, ServerFrame};
use rust_decimal::Decimal;
use serde_json::Value;

/// The documented response shape: a perpetual, a future, an option, another perpetual.
const INSTRUMENTS: &str = r#"{"jsonrpc":"2.0","result":[
 {"tick_size":0.5,"settlement_period":"perpetual","quote_currency":"USD","kind":"future","is_active":true,"instrument_name":"BTC-PERPETUAL","expiration_timestamp":32503708800000,"contract_size":10,"base_currency":"BTC","settlement_currency":"BTC","counter_currency":"USD"},
 {"tick_size":2.5,"settlement_period":"month","quote_currency":"USD","kind":"future","is_active":true,"instrument_name":"BTC-26DEC26","expiration_timestamp":1798272000000,"contract_size":10,"base_currency":"BTC","settlement_currency":"BTC","counter_currency":"USD"},
 {"strike":100000.0,"option_type":"call","settlement_period":"month","quote_currency":"BTC","kind":"option","is_active":true,"instrument_name":"BTC-26DEC26-100000-C","expiration_timestamp":1798272000000,"contract_size":1.0,"base_currency":"BTC","settlement_currency":"BTC","counter_currency":"USD"},
 {"settlement_period":"perpetual","quote_currency":"USD","kind":"future","is_active":true,"instrument_name":"ETH-PERPETUAL","expiration_timestamp":32503708800000,"contract_size":1,"base_currency":"ETH","settlement_currency":"ETH","counter_currency":"USD"}],
 "usIn":1,"usOut":2,"usDiff":1,"testnet":false}"#;

const DATA_KINDS: [EventKind; 5] = [
    EventKind::Trade,
    EventKind::Ticker,
    EventKind::Book,
    EventKind::Funding,
    EventKind::OpenInterest,
];

const PERP: &str = "BTC-USD-PERP";
const FUTURE: &str = "BTC-USD-26DEC26";
const OPTION: &str = "BTC-USD-26DEC26-100000-C";

fn notification(channel: &str, data: &str) -> ServerFrame {
    ServerFrame::Text(format!(
        r#"{{"jsonrpc":"2.0","method":"subscription","params":{{"channel":"{channel}","data":{data}}}}}"#
    ))
}

/// The documented notifications of one subscribed channel.
fn frames_for(channel: &str) -> Vec<ServerFrame> {
    let parts: Vec<&str> = channel.split('.').collect();
    let [kind, instrument, _] = parts.as_slice() else {
        return Vec::new();
    };
    match (*kind, *instrument) {
        ("trades", "BTC-PERPETUAL") => vec![
            notification(
                channel,
                r#"[{"trade_seq":30289432,"trade_id":"48079254","timestamp":1590484156350,"tick_direction":0,"price":8950.0,"mark_price":8948.9,"instrument_name":"BTC-PERPETUAL","index_price":8955.88,"direction":"sell","amount":10.0},{"trade_seq":30289433,"trade_id":"48079255","timestamp":1590484156351,"tick_direction":1,"price":8950.5,"mark_price":8948.9,"instrument_name":"BTC-PERPETUAL","index_price":8955.88,"direction":"buy","amount":20.0}]"#,
            ),
            // A channel not asked for.
            notification(
                "deribit_price_index.btc_usd",
                r#"{"timestamp":1535098298227,"price":6521.17,"index_name":"btc_usd"}"#,
            ),
        ],
        ("trades", name) => vec![notification(
            channel,
            &format!(
                r#"[{{"trade_seq":7,"trade_id":"ETH-1234","timestamp":1590484157000,"tick_direction":2,"price":0.0125,"mark_price":0.0126,"instrument_name":"{name}","index_price":8955.88,"direction":"buy","amount":1.5}}]"#
            ),
        )],
        ("ticker", "BTC-PERPETUAL") => vec![notification(
            channel,
            r#"{"timestamp":1623060194301,"stats":{"volume_usd":284061480,"volume":7871.02139035,"price_change":0.7229,"low":35213.5,"high":36824.5},"state":"open","settlement_price":36169.49,"open_interest":502097590,"min_price":35898.37,"max_price":36991.72,"mark_price":36446.51,"last_price":36457.5,"interest_value":1.7362511643080387,"instrument_name":"BTC-PERPETUAL","index_price":36441.64,"funding_8h":0.0000211,"estimated_delivery_price":36441.64,"current_funding":0.00001250,"best_bid_price":36442.5,"best_bid_amount":5000,"best_ask_price":36443,"best_ask_amount":100}"#,
        )],
        ("ticker", name) => vec![notification(
            channel,
            &format!(
                r#"{{"timestamp":1623060195000,"stats":{{"volume":1}},"state":"open","open_interest":312.7,"mark_price":0.0151,"last_price":0.015,"instrument_name":"{name}","index_price":36441.64,"estimated_delivery_price":36441.64,"best_bid_price":0.0145,"best_bid_amount":3.5,"best_ask_price":0.0155,"best_ask_amount":2}}"#
            ),
        )],
        ("book", "BTC-PERPETUAL") => vec![
            notification(
                channel,
                r#"{"type":"snapshot","timestamp":1554373962454,"instrument_name":"BTC-PERPETUAL","change_id":297217,"bids":[["new",5042.34,30],["new",5041.94,20]],"asks":[["new",5042.64,40],["new",5043.3,40]]}"#,
            ),
            notification(
                channel,
                r#"{"type":"change","timestamp":1554373962455,"prev_change_id":297217,"instrument_name":"BTC-PERPETUAL","change_id":297218,"bids":[["delete",5041.94,0],["change",5042.34,25]],"asks":[["new",5042.5,1]]}"#,
            ),
        ],
        _ => Vec::new(),
    }
}

fn answer(id: &Value, result: Value) -> ServerFrame {
    ServerFrame::Text(serde_json::json!({"jsonrpc": "2.0", "id": id, "result": result, "usIn": 1, "usOut": 2, "usDiff": 1, "testnet": false}).to_string())
}

fn script() -> ExchangeScript {
    ExchangeScript {
        markets_path: "/api/v2/public/get_instruments".into(),
        markets: CannedResponse::ok(INSTRUMENTS),
        on_connect: vec![],
        on_message: std::sync::Arc::new(move |message: &str| {
            let request: Value = serde_json::from_str(message).unwrap_or_default();
            let id = &request["id"];
            match request["method"].as_str() {
                Some("public/set_heartbeat") => vec![
                    answer(id, "ok".into()),
                    ServerFrame::from(r#"{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"heartbeat"}}"#),
                    ServerFrame::from(r#"{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"test_request"}}"#),
                ],
                Some("public/test") => vec![
                    answer(id, serde_json::json!({"version": "1.2.26"})),
                    notification("trades.BTC-26DEC26.100ms", r#"[{"trade_seq":8,"trade_id":"ETH-1235","timestamp":1590484158000,"tick_direction":0,"price":9001.5,"mark_price":9000,"instrument_name":"BTC-26DEC26","index_price":8955.88,"direction":"sell","amount":30}]"#),
                ],
                Some("public/subscribe") => {
                    let channels: Vec<String> = request["params"]["channels"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|channel| channel.as_str().map(str::to_owned))
                        .collect();
                    let subscribed: Vec<&String> = channels
                        .iter()
                        .filter(|channel| !channel.contains("ETH-PERPETUAL"))
                        .collect();
                    let mut frames = vec![answer(id, serde_json::json!(subscribed))];
                    for channel in subscribed {
                        frames.extend(frames_for(channel));
                    }
                    frames
                }
                _ => vec![ServerFrame::Text(
                    serde_json::json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32601, "message": "Method not found"}}).to_string(),
                )],
            }
        }),
    }
}

fn decimal(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn of<'a>(events: &'a [Event], kind: EventKind, symbol: &str) -> Vec<&'a Event> {
    events
        .iter()
        .filter(|event| event.kind() == kind && event.symbol().map(Symbol::as_str) == Some(symbol))
        .collect()
}

/// 5 trades (one after `public/test`), 3 tickers, 1 funding rate, 3 open interests, 2 books.
const EVENTS: usize = 14;

#[tokio::test]
async fn every_channel_of_perpetuals_futures_and_options_field_by_field() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let symbols = [PERP, FUTURE, OPTION]
        .iter()
        .map(|symbol| Symbol::parse(symbol).unwrap())
        .collect();
    let feed = CcxtFeed::new(
        "deribit",
        symbols,
        feed_ccxt::adapter("deribit").unwrap().channels().to_vec(),
    )
    .unwrap()
    .with_rest_endpoint(standin.rest_base())
    .with_websocket_endpoint(standin.websocket_url("/ws/api/v2"))
    .with_book_depth(10);
    let (events, stats) =
        collect_events(&standin, feed, &DATA_KINDS, |events| events.len() >= EVENTS).await;
    assert_eq!(events.len(), EVENTS, "{events:#?}");

    // The heartbeat first, then one subscribe with each channel once; public/test answered
    // the test_request.
    let received: Vec<Value> = standin.received().iter().map(|m| json(m)).collect();
    assert_eq!(
        received[0],
        serde_json::json!({"jsonrpc": "2.0", "id": 1_099_511_627_776_u64, "method": "public/set_heartbeat", "params": {"interval": 15}})
    );
    let mut expected = Vec::new();
    for instrument in ["BTC-PERPETUAL", "BTC-26DEC26", "BTC-26DEC26-100000-C"] {
        for kind in ["trades", "book", "ticker"] {
            expected.push(format!("{kind}.{instrument}.100ms"));
        }
    }
    assert_eq!(received[1]["method"], "public/subscribe");
    assert_eq!(
        received[1]["params"]["channels"],
        serde_json::json!(expected)
    );
    assert!(
        received
            .iter()
            .any(|message| message["method"] == "public/test"
                && message["id"] == 1_099_511_627_777_u64),
        "{received:#?}"
    );
    assert_eq!(received.len(), 3, "no other requests: {received:#?}");

    // Trades.
    let trade = |event: &Event| match event {
        Event::Trade(trade) => trade.clone(),
        other => panic!("{other:?}"),
    };
    let perp: Vec<_> = of(&events, EventKind::Trade, PERP)
        .into_iter()
        .map(trade)
        .collect();
    assert_eq!(perp.len(), 2);
    assert_eq!(&*perp[0].exchange, "DERIBIT");
    assert_eq!(
        (
            perp[0].side,
            perp[0].price.to_string(),
            perp[0].amount.to_string()
        ),
        (Side::Sell, "8950.0".into(), "10.0".into())
    );
    assert_eq!(perp[0].id, Some(TradeId::Number(48_079_254)));
    assert_eq!(perp[0].timestamp, decimal("1590484156.350"));
    assert_eq!(perp[1].side, Side::Buy);
    let option: Vec<_> = of(&events, EventKind::Trade, OPTION)
        .into_iter()
        .map(trade)
        .collect();
    assert_eq!(
        (
            option[0].price.to_string(),
            option[0].amount.to_string(),
            option[0].id.clone()
        ),
        (
            "0.0125".into(),
            "1.5".into(),
            Some(TradeId::Text("ETH-1234".into()))
        )
    );
    let future: Vec<_> = of(&events, EventKind::Trade, FUTURE)
        .into_iter()
        .map(trade)
        .collect();
    assert_eq!(future.len(), 2, "one more after public/test");
    assert_eq!(
        (future[1].side, future[1].price.to_string()),
        (Side::Sell, "9001.5".into())
    );

    // Tickers, funding and open interest, from the one ticker channel.
    let Event::Ticker(ticker) = of(&events, EventKind::Ticker, PERP)[0] else {
        unreachable!()
    };
    assert_eq!(
        (
            ticker.bid,
            ticker.bid_size,
            ticker.ask,
            ticker.ask_size,
            ticker.timestamp
        ),
        (
            decimal("36442.5"),
            Some(decimal("5000")),
            decimal("36443"),
            Some(decimal("100")),
            Some(decimal("1623060194.301"))
        )
    );
    assert_eq!(of(&events, EventKind::Ticker, OPTION).len(), 1);
    assert_eq!(of(&events, EventKind::Ticker, FUTURE).len(), 1);
    let funding: Vec<_> = events
        .iter()
        .filter(|e| e.kind() == EventKind::Funding)
        .collect();
    assert_eq!(funding.len(), 1, "perpetuals only");
    let Event::Funding(funding) = funding[0] else {
        unreachable!()
    };
    assert_eq!(
        (
            funding.symbol.as_str(),
            funding.rate.to_string(),
            funding.mark_price
        ),
        (PERP, "0.00001250".into(), Some(decimal("36446.51")))
    );
    let Event::OpenInterest(interest) = of(&events, EventKind::OpenInterest, OPTION)[0] else {
        unreachable!()
    };
    assert_eq!(interest.open_interest, decimal("312.7"));
    assert_eq!(of(&events, EventKind::OpenInterest, PERP).len(), 1);

    // The book: the snapshot, then the chained change.
    let books: Vec<_> = of(&events, EventKind::Book, PERP);
    assert_eq!(books.len(), 2);
    let Event::Book(book) = books[1] else {
        unreachable!()
    };
    let text = |levels: &[feed_core::Level]| -> Vec<String> {
        levels
            .iter()
            .map(|l| format!("{}:{}", l.price, l.size))
            .collect()
    };
    assert_eq!(text(&book.bids), vec!["5042.34:25"]);
    assert_eq!(
        text(&book.asks),
        vec!["5042.5:1", "5042.64:40", "5043.3:40"]
    );
    assert_eq!(book.sequence, Some(297_218));

    assert_eq!(
        (
            stats.rejected,
            stats.parse_errors,
            stats.exchange_errors,
            stats.gaps
        ),
        (0, 0, 0, 0)
    );
}

#[tokio::test]
async fn a_channel_missing_from_the_answer_is_refused() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let feed = CcxtFeed::new(
        "deribit",
        vec![
            Symbol::parse(PERP).unwrap(),
            Symbol::parse("ETH-USD-PERP").unwrap(),
        ],
        vec![Channel::Trades],
    )
    .unwrap()
    .with_rest_endpoint(standin.rest_base())
    .with_websocket_endpoint(standin.websocket_url("/ws/api/v2"));
    let error = start_error(&standin, feed).await.to_string();
    assert!(
        error.contains(
            "deribit rejected the subscription to TRADES ETH-USD-PERP: not among the channels Deribit subscribed"
        ),
        "{error}"
    );
    assert!(!error.contains("TRADES BTC-USD-PERP"), "{error}");
}
