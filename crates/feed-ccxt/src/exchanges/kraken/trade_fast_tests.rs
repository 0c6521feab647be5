//! The Kraken v2 trade hot path gives exactly the serde path's events, or declines: on the
//! fuzz corpus, on mutations of it, and on generated updates in make_frames.py's style.

use super::frame::parse_frame_serde;
use super::trade_fast::push_trades;
use crate::fast_path_check::{
    assert_fast_path_agrees, corpus, mutations, Lcg, EDGE_DECIMALS, EXACT_DECIMALS,
};
use crate::markets::Market;

const SUBSCRIBED: &[&str] = &["BTC/USD", "ETH/USD", "DOGE/USD"];
const TIMES: &[&str] = &[
    "2023-11-14T22:13:20.000000Z",
    "2023-09-25T07:48:36.925533Z",
    "2023-11-14T22:13:20.123Z",
    "2023-11-14T22:13:20Z",
];

fn markets() -> Vec<Market> {
    vec![
        Market::new("BTC", "USD", "BTC/USD"),
        Market::new("ETH", "USD", "ETH/USD"),
        Market::new("DOGE", "USD", "DOGE/USD"),
    ]
}

/// A decimal as a JSON number (make_frames.py's form) or a string.
fn number(rng: &mut Lcg, decimals: &[&str]) -> String {
    let text = rng.pick(decimals);
    if rng.below(4) == 0 || text.is_empty() {
        format!("\"{text}\"")
    } else {
        text.to_owned()
    }
}

fn trade(rng: &mut Lcg, decimals: &[&str], symbol: &str, i: usize) -> String {
    let mut fields = vec![
        format!(r#""symbol":"{symbol}""#),
        format!(r#""side":"{}""#, rng.pick(&["buy", "sell"])),
        format!(r#""price":{}"#, number(rng, decimals)),
        format!(r#""qty":{}"#, number(rng, decimals)),
        format!(r#""ord_type":"{}""#, rng.pick(&["limit", "market"])),
        format!(r#""timestamp":"{}""#, rng.pick(TIMES)),
    ];
    match rng.below(4) {
        0 => {}
        1 => fields.insert(5, format!(r#""trade_id":"{}""#, 80_000_000 + i)),
        _ => fields.insert(5, format!(r#""trade_id":{}"#, 80_000_000 + i)),
    }
    if rng.below(4) == 0 {
        fields.rotate_left(1 + rng.below(5));
    }
    format!("{{{}}}", fields.join(","))
}

fn update(rng: &mut Lcg, decimals: &[&str], i: usize) -> String {
    let trades: Vec<String> = (0..1 + rng.below(5))
        .map(|n| {
            let symbol = if rng.below(8) == 0 {
                "XRP/USD" // not subscribed: skipped by both paths
            } else {
                rng.pick(SUBSCRIBED)
            };
            trade(rng, decimals, symbol, i * 10 + n)
        })
        .collect();
    format!(
        r#"{{"channel":"trade","type":"update","data":[{}]}}"#,
        trades.join(",")
    )
}

#[test]
fn well_formed_updates_take_the_hot_path_with_the_serde_events() {
    let mut rng = Lcg(17);
    let exact: Vec<&str> = EXACT_DECIMALS
        .iter()
        .copied()
        .filter(|text| !text.is_empty())
        .collect();
    let frames: Vec<String> = (0..400).map(|i| update(&mut rng, &exact, i)).collect();
    let read = assert_fast_path_agrees(push_trades, parse_frame_serde, &markets(), &frames);
    assert_eq!(read, frames.len(), "every well-formed update is read fast");
}

#[test]
fn edge_decimals_and_other_shapes_agree_or_decline() {
    let mut rng = Lcg(29);
    let mut both: Vec<&str> = EXACT_DECIMALS.to_vec();
    both.extend(EDGE_DECIMALS.iter().filter(|text| !text.is_empty()));
    let mut frames: Vec<String> = (0..400).map(|i| update(&mut rng, &both, i)).collect();
    let base = update(&mut rng, EXACT_DECIMALS, 0);
    frames.extend([
        base.replace(r#""side":"buy""#, r#""side":"BUY""#),
        base.replace(r#""side":"sell""#, r#""side":null"#),
        base.replace(r#""timestamp":"2023"#, r#""timestamp":"x2023"#),
        base.replace(r#""price":"#, r#""price":1,"price":"#),
        base.replace(r#""qty":"#, r#""q":{},"qty":"#),
        base.replace(r#""ord_type":"#, r#""trade_id":-3,"o":"#),
        base.replace(r#""ord_type":"#, r#""trade_id":1.5,"o":"#),
        base.replace(r#""ord_type":"#, r#""trade_id":null,"o":"#),
        base.replace(r#""symbol":""#, r#""symbol": ""#),
        base.replace(r#""type":"update""#, r#""type":"snapshot""#),
        base.replace(r#"}]}"#, r#"}],"extra":1}"#),
        format!("{base} "),
        format!(" {base}"),
    ]);
    let mut seeds = corpus("kraken");
    frames.extend(seeds.iter().cloned());
    seeds.extend(frames.iter().take(40).cloned());
    frames.extend(mutations(&seeds, 3000));
    let read = assert_fast_path_agrees(push_trades, parse_frame_serde, &markets(), &frames);
    assert!(read > 100, "the hot path read {read} frames");
}
