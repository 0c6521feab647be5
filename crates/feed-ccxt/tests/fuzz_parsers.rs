//! Fuzzing every adapter's frame parser and market-list parser, the way `feedhandler
//! replay` and the live feed reach them: `CcxtFeed::replay(id, markets)`, then its session's
//! `frame(frame, receipt, &mut out)` (one session per target, so book state accumulates
//! across cases as it would on a live connection).
//!
//! Inputs: arbitrary text, and mutations (truncations, byte flips, deletions,
//! duplications, huge numbers, structure characters) of the seed corpus in
//! `tests/corpus/<id>/`: the documented payloads of each adapter's unit tests.
//!
//! Properties:
//! - nothing panics;
//! - a frame either parses whole or yields no event (events already in `out` are kept);
//! - every trade is of this exchange and of a listed market, and its JSON line is valid
//!   JSON carrying the trade's decimals; every other event's line is valid JSON;
//! - a trade's price and amount are exactly the digits the exchange sent, or the frame is
//!   rejected as malformed: never rounded, never overflowed.
//!
//! `cargo test` runs each target for `PROPTEST_CASES` cases (256 by default);
//! `scripts/fuzz` gives each a large budget.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use std::cell::RefCell;

use feed_ccxt::{CcxtFeed, CcxtSession};
use feed_core::runtime::{FeedSession, Frame, FrameError, SessionOutput};
use feed_core::{Event, Side, Symbol, Trade, TradeId};
use feed_testkit::fuzz::{fuzz, mutations_of, INTERESTING_TOKENS};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Every adapter with a seed corpus.
const EXCHANGES: &[&str] = &[
    "binance",
    "binance_futures",
    "binance_delivery",
    "backpack",
    "coinbase",
    "kraken",
    "bybit",
    "okx",
    "hyperliquid",
    "deribit",
    "kucoin",
    "htx",
    "bitstamp",
    "gateio",
    "bitget",
    "bitfinex",
    "gemini",
    "upbit",
];

fn corpus_dir(exchange: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(exchange)
}

/// The documented frames of `exchange` (`frame-*.json`), in name order.
fn seed_frames(exchange: &str) -> Vec<String> {
    let dir = corpus_dir(exchange);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("read the corpus {}: {error}", dir.display()))
        .map(|entry| entry.expect("a corpus entry").path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("frame-") && name.ends_with(".json"))
        })
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no seed frames in {}", dir.display());
    paths
        .iter()
        .map(|path| std::fs::read_to_string(path).expect("read a seed frame"))
        .collect()
}

/// The documented market list body of `exchange`.
fn seed_markets(exchange: &str) -> String {
    let path = corpus_dir(exchange).join("markets.json");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("read {}: {error}", path.display()))
}

/// Frames a session of `exchange` needs before its documented frames mean anything
/// (Bitfinex numbers its channels in `subscribed` events).
fn prelude(exchange: &str) -> &'static [&'static str] {
    match exchange {
        "bitfinex" => &[
            r#"{"event":"info","version":2,"serverId":"1dbc3b01","platform":{"status":1}}"#,
            r#"{"event":"subscribed","channel":"trades","chanId":17470,"symbol":"tBTCUSD","pair":"BTCUSD"}"#,
            r#"{"event":"subscribed","channel":"book","chanId":10092,"symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"25","pair":"BTCUSD"}"#,
            r#"{"event":"subscribed","channel":"ticker","chanId":2,"symbol":"tBTCUSD","pair":"BTCUSD"}"#,
        ],
        _ => &[],
    }
}

fn replay_session(exchange: &str) -> RefCell<CcxtSession> {
    let feed = CcxtFeed::replay(exchange, &seed_markets(exchange))
        .unwrap_or_else(|error| panic!("{exchange}: the seed market list loads: {error}"));
    let mut session = feed.new_session().expect("markets loaded");
    for frame in prelude(exchange) {
        let mut out = SessionOutput::default();
        let outcome = session.frame(Frame::Text(frame), receipt(), &mut out);
        assert!(
            outcome.is_ok(),
            "{exchange}: the prelude parses: {outcome:?}"
        );
    }
    RefCell::new(session)
}

/// A trade no parser makes: a frame must leave it where it is.
fn sentinel() -> Trade {
    Trade {
        exchange: "SENTINEL".into(),
        symbol: Symbol::new("SEN", "TINEL"),
        side: Side::Buy,
        amount: Decimal::ONE,
        price: Decimal::ONE,
        id: Some(TradeId::Number(0)),
        timestamp: Decimal::ZERO,
        receipt_timestamp: Decimal::ZERO,
    }
}

fn receipt() -> Decimal {
    Decimal::from_str("1700000000.123456").expect("a decimal")
}

/// Parses `frame` after a sentinel event and checks every property of a parsed frame;
/// returns the new trades and the outcome.
fn parse_checked(
    session: &RefCell<CcxtSession>,
    exchange: &str,
    frame: &str,
) -> Result<(Vec<Trade>, Result<(), FrameError>), TestCaseError> {
    let mut out = SessionOutput::default();
    out.events.push(Event::Trade(sentinel()));
    let outcome = session
        .borrow_mut()
        .frame(Frame::Text(frame), receipt(), &mut out);
    prop_assert_eq!(
        &out.events[0],
        &Event::Trade(sentinel()),
        "the event already in `out` was touched"
    );
    let events = out.events.split_off(1);
    if outcome.is_err() {
        prop_assert!(
            events.is_empty() && out.actions.is_empty(),
            "a frame that failed still yielded {} event(s)",
            events.len()
        );
    }
    for event in &events {
        let line = event.to_json_line();
        serde_json::from_str::<serde_json::Value>(&line)
            .map_err(|error| TestCaseError::fail(format!("not JSON ({error}): {line}")))?;
    }
    let trades: Vec<Trade> = events
        .into_iter()
        .filter_map(|event| match event {
            Event::Trade(trade) => Some(trade),
            _ => None,
        })
        .collect();
    let name = exchange.to_ascii_uppercase();
    for trade in &trades {
        prop_assert_eq!(&*trade.exchange, name.as_str());
        prop_assert_eq!(trade.receipt_timestamp, receipt());
        let line = trade.to_json_line();
        let json: serde_json::Value = serde_json::from_str(&line)
            .map_err(|error| TestCaseError::fail(format!("not JSON ({error}): {line}")))?;
        prop_assert_eq!(
            &json["price"],
            &serde_json::Value::from(trade.price.to_string())
        );
        prop_assert_eq!(
            &json["amount"],
            &serde_json::Value::from(trade.amount.to_string())
        );
        prop_assert_eq!(
            &json["symbol"],
            &serde_json::Value::from(trade.symbol.to_string())
        );
    }
    Ok((trades, outcome))
}

/// Arbitrary text, and (four times as often) mutations of the documented frames.
fn frames(exchange: &str) -> impl Strategy<Value = String> {
    prop_oneof![
        1 => any::<String>(),
        1 => "[{}\\[\\]\":,a-zA-Z0-9._ -]{0,200}",
        4 => mutations_of(seed_frames(exchange), INTERESTING_TOKENS),
    ]
}

fn fuzz_frames(exchange: &'static str) {
    let session = replay_session(exchange);
    fuzz(&format!("{exchange}_frames"), frames(exchange), |frame| {
        parse_checked(&session, exchange, &frame).map(|_| ())
    });
}

/// Adapters whose frames arrive gzip-compressed (binary): their seeds are the decompressed
/// payloads, fuzzed as text above and, compressed, as binary frames here.
const GZIP_EXCHANGES: &[&str] = &["htx"];

/// Arbitrary bytes, and (four times as often) the gzip of the text cases: the binary path
/// never panics, and a frame either parses whole or yields nothing.
fn fuzz_gzip_frames(exchange: &'static str) {
    use std::io::Write;
    let session = replay_session(exchange);
    let gzip = |text: String| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(text.as_bytes()).expect("in memory");
        encoder.finish().expect("in memory")
    };
    let bytes = prop_oneof![
        1 => any::<Vec<u8>>(),
        4 => frames(exchange).prop_map(gzip),
    ];
    fuzz(&format!("{exchange}_gzip_frames"), bytes, |frame| {
        let mut out = SessionOutput::default();
        let outcome = session
            .borrow_mut()
            .frame(Frame::Binary(&frame), receipt(), &mut out);
        if outcome.is_err() {
            prop_assert!(out.events.is_empty() && out.actions.is_empty());
        }
        Ok(())
    });
}

#[test]
fn gzip_frames_of_compressing_exchanges() {
    for exchange in GZIP_EXCHANGES {
        fuzz_gzip_frames(exchange);
    }
}

/// Adapters whose frames arrive as UTF-8 JSON in binary frames (Upbit): their seeds are
/// the payloads, fuzzed as text above and, as bytes, as binary frames here.
const UTF8_BINARY_EXCHANGES: &[&str] = &["upbit"];

/// Arbitrary bytes, and (four times as often) the bytes of the text cases: the binary path
/// never panics, and a frame either parses whole or yields nothing.
fn fuzz_utf8_binary_frames(exchange: &'static str) {
    let session = replay_session(exchange);
    let bytes = prop_oneof![
        1 => any::<Vec<u8>>(),
        4 => frames(exchange).prop_map(String::into_bytes),
    ];
    fuzz(&format!("{exchange}_binary_frames"), bytes, |frame| {
        let mut out = SessionOutput::default();
        let outcome = session
            .borrow_mut()
            .frame(Frame::Binary(&frame), receipt(), &mut out);
        if outcome.is_err() {
            prop_assert!(out.events.is_empty() && out.actions.is_empty());
        }
        Ok(())
    });
}

#[test]
fn binary_frames_of_utf8_binary_exchanges() {
    for exchange in UTF8_BINARY_EXCHANGES {
        fuzz_utf8_binary_frames(exchange);
    }
}

/// Arbitrary text and mutations of the documented market list.
fn fuzz_markets(exchange: &'static str) {
    let bodies = prop_oneof![
        1 => any::<String>(),
        4 => mutations_of(vec![seed_markets(exchange)], INTERESTING_TOKENS),
    ];
    fuzz(&format!("{exchange}_markets"), bodies, |body| {
        // Any outcome is fine; a panic is the finding.
        let _ = CcxtFeed::replay(exchange, &body);
        Ok(())
    });
}

/// A documented trade frame of `exchange` with `{P}` and `{Q}` where its price and
/// amount go (quoted as the exchange quotes them).
fn trade_template(exchange: &str) -> &'static str {
    match exchange {
        "binance" => {
            r#"{"e":"aggTrade","E":1672515782136,"s":"BNBBTC","a":12345,"p":"{P}","q":"{Q}","f":100,"l":105,"T":1672515782136,"m":true,"M":true}"#
        }
        "binance_futures" => {
            r#"{"e":"aggTrade","E":123456789,"s":"BTCUSDT","a":5933014,"p":"{P}","q":"{Q}","f":100,"l":105,"T":123456785,"m":true}"#
        }
        "binance_delivery" => {
            r#"{"e":"aggTrade","E":1591261134288,"a":424951,"s":"BTCUSD_200626","p":"{P}","q":"{Q}","f":606073,"l":606073,"T":1591261134199,"m":false}"#
        }
        "backpack" => {
            r#"{"stream":"trade.SOL_USDC","data":{"e":"trade","E":1694688638091000,"s":"SOL_USDC","p":"{P}","q":"{Q}","b":"1","a":"2","t":12345,"T":1694688638089000,"m":true}}"#
        }
        "coinbase" => {
            r#"{"channel":"market_trades","client_id":"","timestamp":"2023-02-09T20:19:35.39625135Z","sequence_num":0,"events":[{"type":"update","trades":[{"trade_id":"1","product_id":"BTC-USD","price":"{P}","size":"{Q}","side":"BUY","time":"2019-08-14T20:42:27.265Z"}]}]}"#
        }
        "kraken" => {
            r#"{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy","price":{P},"qty":{Q},"ord_type":"limit","trade_id":4665846,"timestamp":"2023-09-25T07:48:36.925533Z"}]}"#
        }
        "bybit" => {
            r#"{"topic":"publicTrade.BTCUSDT","type":"snapshot","ts":1672304486868,"data":[{"T":1672304486865,"s":"BTCUSDT","S":"Buy","v":"{Q}","p":"{P}","L":"PlusTick","i":"20f43950-d8dd-5b31-9112-a178eb6023af","BT":false}]}"#
        }
        "okx" => {
            r#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[{"instId":"BTC-USDT","tradeId":"130639474","px":"{P}","sz":"{Q}","side":"buy","ts":"1630048897897","count":"3","seqId":1234}]}"#
        }
        "hyperliquid" => {
            r#"{"channel":"trades","data":[{"coin":"BTC","side":"B","px":"{P}","sz":"{Q}","hash":"0x2a5f","time":1734076800123,"tid":512093762541133,"users":["0x1","0x2"]}]}"#
        }
        "deribit" => {
            r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"trades.BTC-PERPETUAL.100ms","data":[{"trade_seq":30289432,"trade_id":"48079254","timestamp":1590484156350,"tick_direction":0,"price":{P},"mark_price":8948.9,"instrument_name":"BTC-PERPETUAL","index_price":8955.88,"direction":"sell","amount":{Q}}]}}"#
        }
        "kucoin" => {
            r#"{"type":"message","topic":"/market/match:BTC-USDT","subject":"trade.l3match","data":{"makerOrderId":"a","price":"{P}","sequence":"1","side":"buy","size":"{Q}","symbol":"BTC-USDT","takerOrderId":"b","time":"1729843222921000000","tradeId":"11067996","type":"match"}}"#
        }
        "htx" => {
            r#"{"ch":"market.btcusdt.trade.detail","ts":1630994963175,"tick":{"id":137005445109,"ts":1630994963173,"data":[{"id":1,"ts":1630994963173,"tradeId":102523573486,"amount":{Q},"price":{P},"direction":"buy"}]}}"#
        }
        "bitstamp" => {
            r#"{"data":{"id":288014064,"timestamp":"1687962048","amount_str":"{Q}","price_str":"{P}","type":1,"microtimestamp":"1687962048178000","buy_order_id":1,"sell_order_id":2},"channel":"live_trades_btcusd","event":"trade"}"#
        }
        "gateio" => {
            r#"{"time":1606292218,"time_ms":1606292218231,"channel":"spot.trades","event":"update","result":{"id":309143071,"create_time":1606292218,"create_time_ms":"1606292218213.4578","side":"sell","currency_pair":"GT_USDT","amount":"{Q}","price":"{P}","range":"2390902-2390902"}}"#
        }
        "bitget" => {
            r#"{"action":"update","arg":{"instType":"SPOT","channel":"trade","instId":"BTCUSDT"},"data":[{"ts":"1695716760565","price":"{P}","size":"{Q}","side":"buy","tradeId":"1111111111"}],"ts":1695716761589}"#
        }
        "bitfinex" => r#"[17470,"te",[401597395,1574694478808,{Q},{P}],1574694478809]"#,
        "upbit" => {
            r#"{"type":"trade","code":"KRW-BTC","timestamp":1676965220452,"trade_timestamp":1676965220395,"trade_price":{P},"trade_volume":{Q},"ask_bid":"BID","sequential_id":1676965220395000,"stream_type":"REALTIME"}"#
        }
        "gemini" => {
            r#"{"type":"trade","symbol":"BTCUSD","event_id":3575573053,"timestamp":151231241,"price":"{P}","quantity":"{Q}","side":"buy","tid":2840140800042677}"#
        }
        other => panic!("no trade template for {other}"),
    }
}

/// Decimal text as exchanges write it (no sign, no leading zeros), from one digit to far
/// more than any decimal type holds.
fn decimal_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "(0|[1-9][0-9]{0,12})(\\.[0-9]{1,10})?",
        "(0|[1-9][0-9]{0,40})(\\.[0-9]{1,40})?",
        "0\\.0{0,40}[1-9]{1,3}",
        "[1-9]{1,3}0{0,40}",
    ]
}

/// The value `text` stands for, when a `Decimal` holds it exactly with these digits.
fn exact_decimal(text: &str) -> Option<Decimal> {
    Decimal::from_str_exact(text)
        .ok()
        .filter(|value| value.to_string() == text)
}

fn fuzz_round_trip(exchange: &'static str) {
    let session = replay_session(exchange);
    let template = trade_template(exchange);
    fuzz(
        &format!("{exchange}_decimals_round_trip"),
        (decimal_text(), decimal_text()),
        |(price, amount)| {
            let frame = template.replace("{P}", &price).replace("{Q}", &amount);
            let (trades, outcome) = parse_checked(&session, exchange, &frame)?;
            match (exact_decimal(&price), exact_decimal(&amount)) {
                (Some(_), Some(_)) => {
                    prop_assert!(
                        outcome.is_ok(),
                        "rejected a representable trade: {outcome:?}"
                    );
                    prop_assert_eq!(trades.len(), 1);
                    prop_assert_eq!(trades[0].price.to_string(), price);
                    prop_assert_eq!(trades[0].amount.to_string(), amount);
                }
                _ => {
                    prop_assert!(
                        matches!(outcome, Err(FrameError::Malformed(_))),
                        "a number no Decimal holds exactly was not rejected: {outcome:?}, trades {trades:?}"
                    );
                }
            }
            Ok(())
        },
    );
}

#[test]
fn the_seed_corpus_parses_and_every_adapter_has_a_trade_seed() {
    for exchange in EXCHANGES {
        let session = replay_session(exchange);
        let mut trades = 0;
        for frame in seed_frames(exchange) {
            let (parsed, _) = parse_checked(&session, exchange, &frame)
                .unwrap_or_else(|error| panic!("{exchange}: {error}: {frame}"));
            trades += parsed.len();
        }
        assert!(trades > 0, "{exchange}: no seed frame yields a trade");
        let template = trade_template(exchange)
            .replace("{P}", "37000.10")
            .replace("{Q}", "0.5");
        let (parsed, outcome) = parse_checked(&session, exchange, &template).expect("properties");
        assert!(outcome.is_ok(), "{exchange}: {outcome:?}");
        assert_eq!(parsed.len(), 1, "{exchange}: the template is a trade");
    }
}

macro_rules! targets {
    ($($exchange:ident),*) => {
        mod frames {
            $(#[test] fn $exchange() { super::fuzz_frames(stringify!($exchange)); })*
        }
        mod markets {
            $(#[test] fn $exchange() { super::fuzz_markets(stringify!($exchange)); })*
        }
        mod decimals_round_trip {
            $(#[test] fn $exchange() { super::fuzz_round_trip(stringify!($exchange)); })*
        }
    };
}

targets!(
    binance,
    binance_futures,
    binance_delivery,
    backpack,
    coinbase,
    kraken,
    bybit,
    okx,
    hyperliquid,
    deribit,
    kucoin,
    htx,
    bitstamp,
    gateio,
    bitget,
    bitfinex,
    gemini,
    upbit
);

/// MEXC: its text frames are JSON answers (seeded from `corpus/mexc/`), its data protobuf
/// binary frames, seeded here from the documented messages (encoded with the adapter's
/// own prost messages) since no text frame carries a trade.
mod mexc {
    use super::*;
    use feed_ccxt::exchanges::mexc::proto::{
        Body, PublicAggreBookTickerV3Api, PublicAggreDealsV3Api, PublicAggreDealsV3ApiItem,
        PublicAggreDepthV3ApiItem, PublicAggreDepthsV3Api, PushDataV3ApiWrapper,
    };
    use prost::Message;

    fn wrapper(channel: &str, body: Body) -> PushDataV3ApiWrapper {
        PushDataV3ApiWrapper {
            channel: format!("spot@{channel}@100ms@BTCUSDT"),
            body: Some(body),
            symbol: Some("BTCUSDT".into()),
            symbol_id: None,
            create_time: Some(1_736_409_765_051),
            send_time: Some(1_736_409_765_052),
        }
    }

    fn deals(price: &str, quantity: &str) -> Vec<u8> {
        wrapper(
            "public.aggre.deals.v3.api.pb",
            Body::PublicAggreDeals(PublicAggreDealsV3Api {
                deals: vec![PublicAggreDealsV3ApiItem {
                    price: price.into(),
                    quantity: quantity.into(),
                    trade_type: 2,
                    time: 1_736_409_765_051,
                    trade_id: "5532466".into(),
                }],
                event_type: "spot@public.aggre.deals.v3.api.pb@100ms".into(),
            }),
        )
        .encode_to_vec()
    }

    /// The documented pushes: deals, a depth update, a book ticker.
    fn seeds() -> Vec<Vec<u8>> {
        let depth = wrapper(
            "public.aggre.depth.v3.api.pb",
            Body::PublicAggreDepths(PublicAggreDepthsV3Api {
                asks: vec![],
                bids: vec![PublicAggreDepthV3ApiItem {
                    price: "92877.58".into(),
                    quantity: "0.00000000".into(),
                }],
                event_type: "spot@public.aggre.depth.v3.api.pb@100ms".into(),
                from_version: "10589632359".into(),
                to_version: "10589632359".into(),
                last_order_create_time: 0,
            }),
        );
        let ticker = wrapper(
            "public.aggre.bookTicker.v3.api.pb",
            Body::PublicAggreBookTicker(PublicAggreBookTickerV3Api {
                bid_price: "93387.28".into(),
                bid_quantity: "3.73485".into(),
                ask_price: "93387.29".into(),
                ask_quantity: "7.669875".into(),
                version: String::new(),
                last_order_create_time: 0,
            }),
        );
        vec![
            deals("93220.00", "0.04438243"),
            depth.encode_to_vec(),
            ticker.encode_to_vec(),
        ]
    }

    fn binary(
        session: &RefCell<CcxtSession>,
        frame: &[u8],
    ) -> (Vec<Trade>, Result<(), FrameError>, bool) {
        let mut out = SessionOutput::default();
        let outcome = session
            .borrow_mut()
            .frame(Frame::Binary(frame), receipt(), &mut out);
        let clean = outcome.is_ok() || (out.events.is_empty() && out.actions.is_empty());
        let trades = out
            .events
            .into_iter()
            .filter_map(|event| match event {
                Event::Trade(trade) => Some(trade),
                _ => None,
            })
            .collect();
        (trades, outcome, clean)
    }

    #[test]
    fn frames() {
        super::fuzz_frames("mexc");
    }

    #[test]
    fn markets() {
        super::fuzz_markets("mexc");
    }

    #[test]
    fn the_protobuf_seeds_parse_and_one_is_a_trade() {
        let session = replay_session("mexc");
        let mut trades = 0;
        for seed in seeds() {
            let (parsed, outcome, _) = binary(&session, &seed);
            assert!(outcome.is_ok(), "{outcome:?}");
            trades += parsed.len();
        }
        assert_eq!(trades, 1);
    }

    /// Arbitrary bytes and byte-level mutations of the seeds: never a panic, and a frame
    /// either parses whole or yields nothing.
    #[test]
    fn binary_frames() {
        let session = replay_session("mexc");
        let seeds = seeds();
        let mutated = (
            0..seeds.len(),
            proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
            any::<usize>(),
        )
            .prop_map(move |(index, flips, cut)| {
                let mut bytes = seeds[index].clone();
                for (at, byte) in flips {
                    let at = at % bytes.len();
                    bytes[at] = byte;
                }
                let keep = bytes.len().saturating_sub(cut % 3);
                bytes.truncate(keep);
                bytes
            });
        let bytes = prop_oneof![1 => any::<Vec<u8>>(), 4 => mutated];
        fuzz("mexc_binary_frames", bytes, |frame| {
            let (_, _, clean) = binary(&session, &frame);
            prop_assert!(clean, "a frame that failed still yielded events");
            Ok(())
        });
    }

    /// Prices and quantities are protobuf strings: every representable decimal is kept
    /// digit for digit, every other one rejected.
    #[test]
    fn decimals_round_trip() {
        let session = replay_session("mexc");
        fuzz(
            "mexc_decimals_round_trip",
            (decimal_text(), decimal_text()),
            |(price, amount)| {
                let (trades, outcome, _) = binary(&session, &deals(&price, &amount));
                match (exact_decimal(&price), exact_decimal(&amount)) {
                    (Some(_), Some(_)) => {
                        prop_assert!(outcome.is_ok(), "{outcome:?}");
                        prop_assert_eq!(trades.len(), 1);
                        prop_assert_eq!(trades[0].price.to_string(), price);
                        prop_assert_eq!(trades[0].amount.to_string(), amount);
                    }
                    _ => prop_assert!(
                        matches!(outcome, Err(FrameError::Malformed(_))),
                        "{outcome:?}"
                    ),
                }
                Ok(())
            },
        );
    }
}
