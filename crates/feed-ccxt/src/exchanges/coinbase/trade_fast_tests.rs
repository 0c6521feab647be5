//! The Coinbase `market_trades` hot path gives exactly the serde path's events and
//! `sequence_num`, or declines: on the fuzz corpus, on mutations of it, and on generated
//! messages in make_frames.py's style (and the documented key order).

use super::frame::parse_frame;
use super::trade_fast::push_trades;
use crate::fast_path_check::{assert_fast_path_agrees, awkward_frames, Lcg, EXACT_DECIMALS};
use crate::markets::Market;

/// The products subscribed; trades of others (`DOGE-USD`) are skipped by both paths.
const PRODUCTS: &[&str] = &["BTC-USD", "ETH-USD", "SOL-USD"];
/// Trade ids: numeric, zero-padded (so text), past a `u64`, not numeric, empty.
const TRADE_IDS: &[&str] = &["600000000", "007", "0", "99999999999999999999", "a-1", ""];
/// Dates at the edges of months, years and leap years.
const DATES: &[&str] = &[
    "2023-11-14",
    "2024-02-29",
    "2023-02-28",
    "2023-03-01",
    "2023-12-31",
    "2024-01-01",
    "2000-02-29",
    "1970-01-01",
    "2099-12-31",
];
/// One well-formed message (make_frames.py's first frame, numbered 5).
const MESSAGE: &str = r#"{"channel":"market_trades","client_id":"","timestamp":"2023-11-14T22:13:20.003000000Z","sequence_num":5,"events":[{"type":"update","trades":[{"product_id":"BTC-USD","trade_id":"600000000","price":"36967.29","size":"1.01492072","time":"2023-11-14T22:13:20.000000Z","side":"BUY"}]}]}"#;

fn subscribed() -> Vec<Market> {
    PRODUCTS
        .iter()
        .map(|product| {
            let (base, quote) = product.split_once('-').expect("BASE-QUOTE");
            Market::new(base, quote, *product)
        })
        .collect()
}

/// An RFC 3339 UTC time with 0 to 9 fraction digits.
fn time(rng: &mut Lcg) -> String {
    let date = rng.pick(DATES);
    let clock = if rng.below(4) == 0 {
        "23:59:59".to_owned()
    } else {
        format!(
            "{:02}:{:02}:{:02}",
            rng.below(24),
            rng.below(60),
            rng.below(60)
        )
    };
    let digits = rng.below(10);
    let fraction: String = (0..digits)
        .map(|_| char::from(b'0' + u8::try_from(rng.below(10)).expect("a digit")))
        .collect();
    let dot = if digits == 0 { "" } else { "." };
    format!("{date}T{clock}{dot}{fraction}Z")
}

/// One trade in make_frames.py's key order, the documented one, or another.
fn trade(rng: &mut Lcg, decimals: &[&str], product: &str) -> String {
    let id = rng.pick(TRADE_IDS);
    let id = if rng.below(4) == 0 && matches!(id, "600000000" | "0") {
        id.to_owned() // a plain JSON number, which the serde path reads too
    } else {
        format!("\"{id}\"")
    };
    let mut fields = vec![
        format!(r#""product_id":"{product}""#),
        format!(r#""trade_id":{id}"#),
        format!(r#""price":"{}""#, rng.pick(decimals)),
        format!(r#""size":"{}""#, rng.pick(decimals)),
        format!(r#""time":"{}""#, time(rng)),
        format!(
            r#""side":"{}""#,
            rng.pick(&["BUY", "SELL", "BUY", "SELL", "buy"])
        ),
    ];
    match rng.below(4) {
        0 => fields.swap(0, 1), // the documented order starts with trade_id
        1 => fields.rotate_left(1 + rng.below(5)),
        2 => fields.push(r#""maker_order_id":"ac928c66","taker":true"#.to_owned()),
        _ => {}
    }
    format!("{{{}}}", fields.join(","))
}

/// A message of one event (sometimes two) of 0 to 5 trades.
fn message(rng: &mut Lcg, decimals: &[&str], sequence: usize) -> String {
    let events: Vec<String> = (0..1 + rng.below(3) / 2)
        .map(|_| {
            let trades: Vec<String> = (0..rng.below(6))
                .map(|_| {
                    let product = if rng.below(8) == 0 {
                        "DOGE-USD"
                    } else {
                        rng.pick(PRODUCTS)
                    };
                    trade(rng, decimals, product)
                })
                .collect();
            format!(r#"{{"type":"update","trades":[{}]}}"#, trades.join(","))
        })
        .collect();
    format!(
        r#"{{"channel":"market_trades","client_id":"","timestamp":"{}","sequence_num":{sequence},"events":[{}]}}"#,
        time(rng),
        events.join(",")
    )
}

/// 400 messages numbered from 0, their decimals drawn from `decimals`.
fn messages(seed: u64, decimals: &[&str]) -> Vec<String> {
    let mut rng = Lcg(seed);
    (0..400)
        .map(|sequence| message(&mut rng, decimals, sequence))
        .collect()
}

#[test]
fn well_formed_messages_take_the_hot_path_with_the_serde_events() {
    let mut frames = messages(17, EXACT_DECIMALS);
    frames.extend([MESSAGE.to_owned(), format!("{MESSAGE}\n")]);
    let read = assert_fast_path_agrees(push_trades, parse_frame, &subscribed(), &frames);
    assert_eq!(read, frames.len(), "every well-formed message is read fast");
}

/// `MESSAGE` with one change each: what the hot path must decline, or read as serde does.
const CHANGES: &[(&str, &str)] = &[
    (r#""side":"BUY""#, r#""side":"MAYBE""#),
    (r#""side":"BUY""#, r#""side":null"#),
    (r#""side":"BUY""#, r#""side":"BUY","side":"SELL""#),
    (r#""price":"#, r#""price":"1","price":"#),
    (r#""price":"36967.29""#, r#""price":36967.29"#),
    (r#""size":"#, r#""extra":{},"size":"#),
    (r#""size":"#, r#""extra":[1],"size":"#),
    (r#""trade_id":"600000000""#, r#""trade_id":600000000"#),
    (r#""trade_id":"600000000""#, r#""trade_id":6.5"#),
    (r#""trade_id":"600000000""#, r#""trade_id":true"#),
    (
        r#""trade_id":"600000000""#,
        r#""trade_id":"1","trade_id":"2""#,
    ),
    (r#""trade_id":"600000000","#, ""),
    (
        r#""product_id":"BTC-USD""#,
        r#""product_id":"B\u0054C-USD""#,
    ),
    (r#""product_id":"BTC-USD""#, r#""product_id": "BTC-USD""#),
    (
        r#""product_id":"BTC-USD""#,
        r#""product_id":"DOGE-USD","price":7"#,
    ),
    (
        r#""time":"2023-11-14T22:13:20.000000Z""#,
        r#""time":"yesterday""#,
    ),
    ("22:13:20.000000Z\"", "22:13:20.000000+00:00\""),
    ("22:13:20.000000Z\"", "22:13:20.0000000000001Z\""),
    ("22:13:20.000000Z\"", "22:13:20.Z\""),
    ("22:13:20.000000Z\"", "22:13:20.5+01:00\""),
    ("2023-11-14T22:13:20.000000Z\"", "2023-02-30T22:13:20Z\""),
    ("2023-11-14T22:13:20.000000Z\"", "2023-11-14 22:13:20z\""),
    (r#""sequence_num":5"#, r#""sequence_num":-5"#),
    (r#""sequence_num":5"#, r#""sequence_num":5.0"#),
    (
        r#""sequence_num":5"#,
        r#""sequence_num":18446744073709551616"#,
    ),
    (r#""sequence_num":5"#, r#""sequence_num":"5""#),
    (r#""type":"update""#, r#""type":"snapshot""#),
    (r#""type":"update","trades":"#, r#""trades":"#),
    (r#""client_id":"""#, r#""client_id":"a\"b""#),
    ("]}]}", "]}],\"extra\":1}"),
    ("]}]}", "]},{\"type\":\"update\",\"trades\":[]}]}"),
    ("market_trades", "ticker"),
];

#[test]
fn edge_decimals_times_and_other_shapes_agree_or_decline() {
    let frames = awkward_frames("coinbase", message, MESSAGE, CHANGES);
    let read = assert_fast_path_agrees(push_trades, parse_frame, &subscribed(), &frames);
    assert!(read > 150, "the hot path read {read} frames");
}
