//! The Bybit books hot path gives exactly the serde path's book messages, or declines: on
//! the fuzz corpus, on mutations of it, and on generated frames in the documented order and
//! in make_frames.py's (the live stream's) order.

use super::book_fast::read_book;
use super::frame::parse_frame_serde;
use crate::fast_book_check::{check_book_hot_path, levels};
use crate::fast_path_check::Lcg;
use crate::markets::Market;

const SUBSCRIBED: &[&str] = &["BTCUSDT", "ETHUSDT", "SOLUSDT"];
const DEPTHS: &[&str] = &["1", "50", "200", "1000"];

fn markets() -> Vec<Market> {
    vec![
        Market::new("BTC", "USDT", "BTCUSDT"),
        Market::new("ETH", "USDT", "ETHUSDT"),
        Market::new("SOL", "USDT", "SOLUSDT"),
    ]
}

fn level(_: &mut Lcg, price: &str, size: &str) -> String {
    format!(r#"["{price}","{size}"]"#)
}

/// A frame with `type` then `ts` (the docs) or `ts` then `type` (make_frames.py, the live
/// stream), with or without `cts`; `u` 1 now and then (a service restart).
fn frame(rng: &mut Lcg, decimals: &[&str], i: usize) -> String {
    let kind = rng.pick(&["snapshot", "delta", "delta"]);
    let ts = 1_700_000_000_000_u64 + i as u64;
    let head = if rng.below(2) == 0 {
        format!(r#""type":"{kind}","ts":{ts}"#)
    } else {
        format!(r#""ts":{ts},"type":"{kind}""#)
    };
    let u = if rng.below(10) == 0 { 1 } else { 2 + i };
    let cts = if rng.below(4) == 0 {
        String::new()
    } else {
        format!(r#","cts":{}"#, ts - 2)
    };
    let symbol = rng.pick(SUBSCRIBED);
    format!(
        r#"{{"topic":"orderbook.{}.{symbol}",{head},"data":{{"s":"{symbol}","b":{},"a":{},"u":{u},"seq":{}}}{cts}}}"#,
        rng.pick(DEPTHS),
        levels(rng, decimals, level),
        levels(rng, decimals, level),
        5000 + 3 * i,
    )
}

/// Generated frames, the hand-made shapes below, the corpus and its mutations: see
/// [`check_book_hot_path`].
#[test]
fn the_hot_path_gives_the_serde_messages_or_declines() {
    let base = r#"{"topic":"orderbook.50.BTCUSDT","type":"delta","ts":1687940967466,"data":{"s":"BTCUSDT","b":[["30247.20","30.028"],["30240.00","0"]],"a":[["30248.70","0"]],"u":177400507,"seq":66544703342},"cts":1687940967464}"#;
    let variants = [
        base.to_owned(),
        base.replace(r#""type":"delta""#, r#""type":"partial""#),
        base.replace(r#""type":"delta","#, ""),
        base.replace("orderbook.50.", "orderbook.full."),
        base.replace("orderbook.50.", "orderbook.rpi."),
        base.replace(r#""ts":1687940967466"#, r#""ts":"1687940967466""#),
        base.replace(r#""ts":1687940967466"#, r#""ts":1.5"#),
        base.replace(r#""u":177400507"#, r#""u":-1"#),
        base.replace(r#""u":177400507"#, r#""u":"177400507""#),
        base.replace(r#""u":177400507"#, r#""u":18446744073709551616"#),
        base.replace(r#""u":177400507,"#, ""),
        base.replace(r#""u":177400507"#, r#""u":1"#),
        base.replace(r#","seq":66544703342"#, ""),
        base.replace(r#""30.028""#, r#""x""#),
        base.replace(r#""30.028""#, r#"30.028"#),
        base.replace(r#"["30248.70","0"]"#, r#"["30248.70","0","1"]"#),
        base.replace(r#""b":"#, r#""b":[],"b":"#),
        base.replace(r#","a":[["30248.70","0"]]"#, ""),
        base.replace("BTCUSDT", "XRPUSDT"),
        base.replace(r#""s":"BTCUSDT""#, r#""s":"BTC\u0055SDT""#),
        base.replace(r#","cts":1687940967464"#, r#","cts":1687940967464,"x":1"#),
        base.replace(r#""data":{"#, r#""data": {"#),
    ];
    check_book_hot_path(
        read_book,
        parse_frame_serde,
        &markets(),
        "bybit",
        frame,
        &variants,
    );
}
