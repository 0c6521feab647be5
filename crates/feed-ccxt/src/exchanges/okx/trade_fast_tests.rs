//! The OKX trades hot path gives exactly the serde path's events, or declines: on the fuzz
//! corpus, on mutations of it, and on generated pushes in make_frames.py's style.

use super::frame::parse_frame_serde;
use super::trade_fast::push_trades;
use crate::fast_path_check::{
    assert_fast_path_agrees, corpus, mutations, Lcg, EDGE_DECIMALS, EXACT_DECIMALS,
};
use crate::markets::Market;

const SUBSCRIBED: &[&str] = &["BTC-USDT", "ETH-USDT", "SOL-USDT"];
const IDS: &[&str] = &["130639474", "0", "007", "99999999999999999999", "a-1", ""];

fn markets() -> Vec<Market> {
    vec![
        Market::new("BTC", "USDT", "BTC-USDT"),
        Market::new("ETH", "USDT", "ETH-USDT"),
        Market::new("SOL", "USDT", "SOL-USDT"),
    ]
}

/// One trade as make_frames.py writes it (documented order, `count`, sometimes `seqId` or
/// `source`), or with its keys in another order.
fn trade(rng: &mut Lcg, decimals: &[&str], inst_id: &str, i: usize) -> String {
    let mut fields = vec![
        format!(r#""instId":"{inst_id}""#),
        format!(r#""tradeId":"{}""#, rng.pick(IDS)),
        format!(r#""px":"{}""#, rng.pick(decimals)),
        format!(r#""sz":"{}""#, rng.pick(decimals)),
        format!(r#""side":"{}""#, rng.pick(&["buy", "sell"])),
        format!(r#""ts":"{}""#, 1_630_048_897_000_u64 + i as u64),
        format!(r#""count":"{}""#, 1 + rng.below(5)),
    ];
    match rng.below(4) {
        0 => fields.push(format!(r#""seqId":{}"#, rng.below(1_000_000))),
        1 => fields.push(r#""source":"0""#.to_owned()),
        2 => fields.rotate_left(1 + rng.below(6)),
        _ => {}
    }
    format!("{{{}}}", fields.join(","))
}

fn push(rng: &mut Lcg, decimals: &[&str], i: usize) -> String {
    let arg = rng.pick(SUBSCRIBED);
    let trades: Vec<String> = (0..1 + rng.below(5))
        .map(|n| {
            let inst_id = if rng.below(8) == 0 {
                "XRP-USDT" // not subscribed: skipped by both paths
            } else {
                arg
            };
            trade(rng, decimals, inst_id, i * 10 + n)
        })
        .collect();
    format!(
        r#"{{"arg":{{"channel":"trades","instId":"{arg}"}},"data":[{}]}}"#,
        trades.join(",")
    )
}

#[test]
fn well_formed_pushes_take_the_hot_path_with_the_serde_events() {
    let mut rng = Lcg(17);
    let frames: Vec<String> = (0..400)
        .map(|i| push(&mut rng, EXACT_DECIMALS, i))
        .collect();
    let read = assert_fast_path_agrees(push_trades, parse_frame_serde, &markets(), &frames);
    assert_eq!(read, frames.len(), "every well-formed push is read fast");
    let empty = r#"{"arg":{"channel":"trades","instId":"BTC-USDT"},"data":[]}"#.to_owned();
    assert_eq!(
        assert_fast_path_agrees(push_trades, parse_frame_serde, &markets(), &[empty]),
        1
    );
}

#[test]
fn edge_decimals_and_other_shapes_agree_or_decline() {
    let mut rng = Lcg(29);
    let mut both: Vec<&str> = EXACT_DECIMALS.to_vec();
    both.extend_from_slice(EDGE_DECIMALS);
    let mut frames: Vec<String> = (0..400).map(|i| push(&mut rng, &both, i)).collect();
    let base = push(&mut rng, EXACT_DECIMALS, 0);
    frames.extend([
        base.replace(r#""side":"buy""#, r#""side":"BUY""#),
        base.replace(r#""side":"sell""#, r#""side":null"#),
        base.replace(r#""ts":"16"#, r#""ts":"x16"#),
        base.replace(r#""px":"#, r#""px":"1","px":"#),
        base.replace(r#""sz":"#, r#""px2":{},"sz":"#),
        base.replace(r#""tradeId":"#, r#""tradeId":12,"tid":"#),
        base.replace(r#""instId":""#, r#""instId": ""#),
        base.replace(r#""count":"#, r#""count":1.0,"c":"#),
        base.replacen(r#""instId":"#, r#""instId":"B\u0054C-USDT","i":"#, 1),
        base.replace(r#"}]}"#, r#"}],"extra":1}"#),
        format!("{base} "),
        format!(" {base}"),
        base.replace("trades", "tickers"),
        base.replace(r#""instId":"#, r#""instType":"SPOT","instId":"#),
    ]);
    let mut seeds = corpus("okx");
    frames.extend(seeds.iter().cloned());
    seeds.extend(frames.iter().take(40).cloned());
    frames.extend(mutations(&seeds, 3000));
    let read = assert_fast_path_agrees(push_trades, parse_frame_serde, &markets(), &frames);
    assert!(read > 100, "the hot path read {read} frames");
}
