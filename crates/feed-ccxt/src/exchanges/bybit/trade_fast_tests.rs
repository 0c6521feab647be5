//! The Bybit public-trade hot path gives exactly the serde path's events, or declines: on
//! the fuzz corpus, on mutations of it, and on generated frames in the documented order and
//! in make_frames.py's (the live stream's) order.

use super::frame::parse_frame_serde;
use super::trade_fast::push_trades;
use crate::fast_path_check::{
    assert_fast_path_agrees, corpus, mutations, Lcg, EDGE_DECIMALS, EXACT_DECIMALS,
};
use crate::markets::Market;

const SUBSCRIBED: &[&str] = &["BTCUSDT", "ETHUSDT", "SOLUSDT"];
const IDS: &[&str] = &[
    "2290000000061666327",
    "20f43950-d8dd-5b31-9112-a178eb6023af",
    "0",
    "0123",
    "99999999999999999999",
    "",
];

fn markets() -> Vec<Market> {
    vec![
        Market::new("BTC", "USDT", "BTCUSDT"),
        Market::new("ETH", "USDT", "ETHUSDT"),
        Market::new("SOL", "USDT", "SOLUSDT"),
    ]
}

/// One trade in the documented order (with `L`, `BT`) or in make_frames.py's (`i` first,
/// `BT`, `RPI`, sometimes `seq`).
fn trade(rng: &mut Lcg, decimals: &[&str], symbol: &str, time: u64) -> String {
    let (id, price, size) = (rng.pick(IDS), rng.pick(decimals), rng.pick(decimals));
    let side = rng.pick(&["Buy", "Sell"]);
    if rng.below(2) == 0 {
        format!(
            r#"{{"T":{time},"s":"{symbol}","S":"{side}","v":"{size}","p":"{price}","L":"PlusTick","i":"{id}","BT":false}}"#
        )
    } else {
        let seq = if rng.below(3) == 0 {
            ",\"seq\":1783284617"
        } else {
            ""
        };
        format!(
            r#"{{"i":"{id}","T":{time},"p":"{price}","v":"{size}","S":"{side}","s":"{symbol}","BT":false,"RPI":true{seq}}}"#
        )
    }
}

fn frame(rng: &mut Lcg, decimals: &[&str], i: u64) -> String {
    let topic_symbol = rng.pick(SUBSCRIBED);
    let time = 1_700_000_000_000 + i * 10;
    let trades: Vec<String> = (0..1 + rng.below(5) as u64)
        .map(|n| {
            let symbol = if rng.below(8) == 0 {
                "XRPUSDT" // not subscribed: skipped by both paths
            } else {
                topic_symbol
            };
            trade(rng, decimals, symbol, time + n)
        })
        .collect();
    let data = trades.join(",");
    if rng.below(2) == 0 {
        format!(
            r#"{{"topic":"publicTrade.{topic_symbol}","type":"snapshot","ts":{time},"data":[{data}]}}"#
        )
    } else {
        format!(
            r#"{{"topic":"publicTrade.{topic_symbol}","ts":{time},"type":"snapshot","data":[{data}]}}"#
        )
    }
}

#[test]
fn well_formed_frames_take_the_hot_path_with_the_serde_events() {
    let mut rng = Lcg(17);
    let frames: Vec<String> = (0..400)
        .map(|i| frame(&mut rng, EXACT_DECIMALS, i))
        .collect();
    let read = assert_fast_path_agrees(push_trades, parse_frame_serde, &markets(), &frames);
    assert_eq!(read, frames.len(), "every well-formed frame is read fast");
}

#[test]
fn edge_decimals_and_other_shapes_agree_or_decline() {
    let mut rng = Lcg(29);
    let mut both: Vec<&str> = EXACT_DECIMALS.to_vec();
    both.extend_from_slice(EDGE_DECIMALS);
    let mut frames: Vec<String> = (0..400).map(|i| frame(&mut rng, &both, i)).collect();
    let base = frame(&mut rng, EXACT_DECIMALS, 0);
    frames.extend([
        base.replace(r#""S":"Buy""#, r#""S":"buy""#),
        base.replace(r#""S":"Sell""#, r#""S":null"#),
        base.replace(r#""T":17"#, r#""T":"17"#),
        base.replace(r#""T":1"#, r#""T":1.5,"t":1"#),
        base.replace(r#""T":1"#, r#""T":99999999999999999999,"t":1"#),
        base.replace(r#""p":"#, r#""p":"1","p":"#),
        base.replace(r#""v":"#, r#""x":[],"v":"#),
        base.replace(r#","i":""#, r#","j":""#),
        base.replace(r#""BT":false"#, r#""BT":nul"#),
        base.replace(r#""s":""#, r#""s": ""#),
        base.replacen(
            r#""topic":"publicTrade."#,
            r#""topic":"public\u0054rade."#,
            1,
        ),
        base.replace(r#"}]}"#, r#"}],"cs":1}"#),
        base.replace("publicTrade.", "allLiquidation."),
        base.replace(r#""type":"snapshot""#, r#""type":1"#),
        format!("{base}\n"),
        format!("\t{base}"),
    ]);
    let mut seeds = corpus("bybit");
    frames.extend(seeds.iter().cloned());
    seeds.extend(frames.iter().take(40).cloned());
    frames.extend(mutations(&seeds, 3000));
    let read = assert_fast_path_agrees(push_trades, parse_frame_serde, &markets(), &frames);
    assert!(read > 100, "the hot path read {read} frames");
}
