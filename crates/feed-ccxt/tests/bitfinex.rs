//! Bitfinex against a loopback stand-in speaking its documented v2 wire format: `info`
//! on connect, `conf` with the checksum and timestamp flags, one `subscribe` per channel and
//! symbol answered by `subscribed` with its `chanId`, array data frames read by `chanId`
//! (trade snapshots and `tu` skipped, heartbeats), tickers, refusals and error events.

mod common;

use std::str::FromStr;
use std::sync::Arc;

use common::{collect_events, json, start_error};
use feed_ccxt::CcxtFeed;
use feed_core::{Channel, Event, EventKind, Side, Symbol, TradeId};
use feed_testkit::{CannedResponse, ExchangeScript, ScriptedExchange, ServerFrame};
use rust_decimal::Decimal;
use serde_json::json;

const PAIRS: &str = r#"[["BTCUSD","ETHUSD","AVAX:USD","ETHBTC"]]"#;
const INFO: &str = r#"{"event":"info","version":2,"serverId":"1dbc3b01-4bd1-4a4b-9eb3-64d8f02b6bfe","platform":{"status":1}}"#;

fn number(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn subscribed(channel: &str, chan_id: u64, symbol: &str) -> ServerFrame {
    ServerFrame::Text(
        json!({"event": "subscribed", "channel": channel, "chanId": chan_id, "symbol": symbol, "pair": &symbol[1..]})
            .to_string(),
    )
}

/// `conf` answered; each subscribe answered with its channel id, then: BTC trades (the
/// snapshot, a `te`, its `tu`, a heartbeat, another `te`), an ETH and an AVAX trade, a
/// ticker, and an error event naming no channel.
fn script() -> ExchangeScript {
    ExchangeScript {
        markets_path: "/v2/conf/pub:list:pair:exchange".into(),
        markets: CannedResponse::ok(PAIRS),
        on_connect: vec![INFO.into()],
        on_message: Arc::new(|message: &str| {
            let request = json(message);
            if request["event"] == "conf" {
                assert_eq!(request["flags"], 163_840, "OB_CHECKSUM + TIMESTAMP");
                return vec![r#"{"event":"conf","status":"OK","flags":163840}"#.into()];
            }
            assert_eq!(request["event"], "subscribe", "{message}");
            match (request["channel"].as_str(), request["symbol"].as_str()) {
                (Some("trades"), Some("tBTCUSD")) => vec![
                    subscribed("trades", 17470, "tBTCUSD"),
                    "[17470,[[401597393,1574694475039,0.005,7244.9],[401597394,1574694478807,-0.0012,7245]],1574694478900]".into(),
                    "[17470,\"te\",[401597395,1574694478808,0.00500,7245.30],1574694478909]".into(),
                    "[17470,\"tu\",[401597395,1574694478808,0.00500,7245.30],1574694478910]".into(),
                    "[17470,\"hb\",1574694478911]".into(),
                    "[17470,\"te\",[401597396,1574694478812,-0.0012,7245.2],1574694478913]".into(),
                ],
                (Some("trades"), Some("tAVAX:USD")) => vec![
                    subscribed("trades", 17471, "tAVAX:USD"),
                    "[17471,\"te\",[55,1574694479000,-12.5,20.125],1574694479001]".into(),
                    r#"{"event":"error","msg":"Unknown event","code":10000}"#.into(),
                ],
                (Some("ticker"), Some("tBTCUSD")) => vec![
                    subscribed("ticker", 2, "tBTCUSD"),
                    "[2,[10645,73.93854271,10647,75.22266119,731.60645389,0.0738,10644.00645389,14480.89849423,10766,9889.1449809],1574694478808]".into(),
                ],
                (Some("ticker"), Some("tAVAX:USD")) => vec![subscribed("ticker", 3, "tAVAX:USD")],
                _ => vec![json!({"event": "error", "msg": "symbol: invalid", "code": 10300, "channel": request["channel"], "symbol": request["symbol"]}).to_string().into()],
            }
        }),
    }
}

fn feed(standin: &ScriptedExchange, symbols: &[&str], channels: Vec<Channel>) -> CcxtFeed {
    let symbols = symbols.iter().map(|s| Symbol::parse(s).unwrap()).collect();
    CcxtFeed::new("bitfinex", symbols, channels)
        .unwrap()
        .with_rest_endpoint(standin.rest_base())
        .with_websocket_endpoint(standin.websocket_url("/ws/2"))
}

#[tokio::test]
async fn subscribes_as_documented_and_reads_frames_by_channel_id() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let (events, stats) = collect_events(
        &standin,
        feed(
            &standin,
            &["BTC-USD", "AVAX-USD"],
            vec![Channel::Trades, Channel::Ticker],
        ),
        &[EventKind::Trade, EventKind::Ticker],
        |events| events.len() >= 4,
    )
    .await;

    let received: Vec<serde_json::Value> = standin.received().iter().map(|m| json(m)).collect();
    assert_eq!(
        received,
        vec![
            json!({"event": "conf", "flags": 163_840}),
            json!({"event": "subscribe", "channel": "trades", "symbol": "tBTCUSD"}),
            json!({"event": "subscribe", "channel": "ticker", "symbol": "tBTCUSD"}),
            json!({"event": "subscribe", "channel": "trades", "symbol": "tAVAX:USD"}),
            json!({"event": "subscribe", "channel": "ticker", "symbol": "tAVAX:USD"}),
        ]
    );
    let trades: Vec<_> = events
        .iter()
        .filter_map(|event| match event {
            Event::Trade(trade) => Some(trade.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        trades.len(),
        3,
        "the snapshot and tu are skipped: {trades:#?}"
    );
    let first = &trades[0];
    assert_eq!(&*first.exchange, "BITFINEX");
    assert_eq!(first.symbol.as_str(), "BTC-USD");
    assert_eq!(first.side, Side::Buy, "a positive amount");
    assert_eq!(first.amount.to_string(), "0.00500", "the digits sent");
    assert_eq!(first.price.to_string(), "7245.30");
    assert_eq!(first.id, Some(TradeId::Number(401_597_395)));
    assert_eq!(first.timestamp, number("1574694478.808"));
    let second = &trades[1];
    assert_eq!(
        (
            second.symbol.as_str(),
            second.side,
            second.amount.to_string()
        ),
        ("BTC-USD", Side::Sell, "0.0012".into())
    );
    let avax = &trades[2];
    assert_eq!(
        (avax.symbol.as_str(), avax.side, avax.id.clone()),
        ("AVAX-USD", Side::Sell, Some(TradeId::Number(55)))
    );
    assert_eq!(
        (avax.amount.to_string(), avax.price.to_string()),
        ("12.5".into(), "20.125".into())
    );
    let tickers: Vec<_> = events
        .iter()
        .filter_map(|event| match event {
            Event::Ticker(ticker) => Some(ticker.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(tickers.len(), 1, "{tickers:#?}");
    let ticker = &tickers[0];
    assert_eq!(
        (
            ticker.symbol.as_str(),
            ticker.bid.to_string(),
            ticker.ask.to_string()
        ),
        ("BTC-USD", "10645".into(), "10647".into())
    );
    assert_eq!(ticker.bid_size, Some(number("73.93854271")));
    assert_eq!(ticker.ask_size, Some(number("75.22266119")));
    assert_eq!(ticker.timestamp, Some(number("1574694478.808")));

    assert_eq!(stats.trades, 3);
    assert_eq!(
        stats.exchange_errors, 1,
        "the error event naming no channel"
    );
    assert_eq!(stats.parse_errors, 0);
    assert_eq!(stats.rejected, 0);
}

#[tokio::test]
async fn a_refused_subscribe_fails_the_feed_naming_the_reason() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let error = start_error(
        &standin,
        feed(&standin, &["ETH-BTC"], vec![Channel::Trades]),
    )
    .await
    .to_string();
    assert!(
        error.contains(
            "bitfinex rejected the subscription to TRADES ETH-BTC: code 10300: symbol: invalid"
        ),
        "{error}"
    );
}

#[tokio::test]
async fn a_pair_not_listed_is_not_a_market() {
    let standin = ScriptedExchange::start(script()).await.unwrap();
    let error = start_error(
        &standin,
        feed(&standin, &["SOL-USD"], vec![Channel::Trades]),
    )
    .await
    .to_string();
    assert!(error.contains("bitfinex has no market SOL-USD"), "{error}");
    assert_eq!(standin.websocket.connection_count(), 0);
}

/// Channel ids are per connection: two sessions of one feed (a reconnect overlapping the
/// old connection, two connections of a plan) each read their own `chanId` 17.
#[test]
fn two_connections_of_one_feed_keep_their_own_channel_ids() {
    use feed_core::runtime::{FeedSession, Frame, SessionOutput};
    let feed = CcxtFeed::replay("bitfinex", r#"[["BTCUSD","ETHUSD"]]"#).unwrap();
    let (mut first, mut second) = (feed.new_session().unwrap(), feed.new_session().unwrap());
    let receipt = Decimal::from_str("1574694479.5").unwrap();
    let feed_frames = |session: &mut feed_ccxt::CcxtSession, frames: &[String]| {
        let mut out = SessionOutput::default();
        for frame in frames {
            session
                .frame(Frame::Text(frame), receipt, &mut out)
                .unwrap();
        }
        out.events
    };
    let subscribed = |symbol: &str| {
        json!({"event": "subscribed", "channel": "trades", "chanId": 17, "symbol": symbol, "pair": &symbol[1..]})
            .to_string()
    };
    let trade = r#"[17,"te",[401597395,1574694478808,0.005,7245.3]]"#.to_owned();
    feed_frames(&mut first, &[INFO.to_owned(), subscribed("tBTCUSD")]);
    feed_frames(&mut second, &[INFO.to_owned(), subscribed("tETHUSD")]);
    let symbols = |events: Vec<Event>| -> Vec<String> {
        events
            .iter()
            .filter_map(|event| match event {
                Event::Trade(trade) => Some(trade.symbol.to_string()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        symbols(feed_frames(&mut first, std::slice::from_ref(&trade))),
        ["BTC-USD"]
    );
    assert_eq!(symbols(feed_frames(&mut second, &[trade])), ["ETH-USD"]);
}
