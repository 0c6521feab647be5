//! The Backpack trade hot path gives exactly the serde path's events, or declines: on the
//! fuzz corpus, on mutations of it, and on generated frames in the documented and the live
//! layouts.

use super::frame::parse_frame;
use super::trade_fast::push_trade;
use crate::fast_path_check::{
    assert_agrees_with_mutations, assert_all_read, variants, Lcg, EDGE_DECIMALS, EXACT_DECIMALS,
};
use crate::markets::Market;

/// The symbols traded: `BTC_USDC` is not subscribed, its trades are skipped by both paths.
const SYMBOLS: &[&str] = &["SOL_USDC", "ETH_USDC", "SOL_USDC_PERP", "BTC_USDC"];
/// Trade ids: plain, zero, zero-padded (text), past a `u64`, not numeric, empty.
const IDS: &[&str] = &["12345", "0", "007", "99999999999999999999", "a-1", ""];

fn markets() -> Vec<Market> {
    vec![
        Market::new("SOL", "USDC", "SOL_USDC"),
        Market::new("ETH", "USDC", "ETH_USDC"),
        Market::for_symbol(feed_core::Symbol::perpetual("SOL", "USDC"), "SOL_USDC_PERP"),
    ]
}

/// A value as a JSON string, or (when `number` and it is a plain JSON number) unquoted.
fn quoted_or_not(text: &str, number: bool) -> String {
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|byte| byte.is_ascii_digit() || byte == b'.');
    if number && plain {
        text.to_owned()
    } else {
        format!("\"{text}\"")
    }
}

/// A trade id: a JSON number when it is a plain whole number (half the time), else a string.
fn trade_id(rng: &mut Lcg) -> String {
    let id = rng.pick(IDS);
    quoted_or_not(id, matches!(id, "12345" | "0") && rng.below(2) == 0)
}

/// One trade payload: the documented key order, the live stream's (alphabetical), or
/// another; times as numbers (documented) or strings (live).
fn payload(rng: &mut Lcg, decimals: &[&str], symbol: &str, i: usize) -> String {
    let time = 1_694_688_638_089_000_u64 + i as u64;
    let strings = rng.below(2) == 0;
    let time_text = |offset: u64| quoted_or_not(&(time + offset).to_string(), !strings);
    let mut fields = vec![
        (r#""e":"trade""#.to_owned()),
        format!(r#""E":{}"#, time_text(2_000)),
        format!(r#""s":"{symbol}""#),
        format!(
            r#""p":{}"#,
            quoted_or_not(rng.pick(decimals), rng.below(6) == 0)
        ),
        format!(
            r#""q":{}"#,
            quoted_or_not(rng.pick(decimals), rng.below(6) == 0)
        ),
        format!(r#""b":"{}""#, 111_063_114_377_265_150_u64 + i as u64),
        format!(r#""a":"{}""#, 111_063_114_585_735_170_u64 + i as u64),
        format!(r#""t":{}"#, trade_id(rng)),
        format!(r#""T":{}"#, time_text(0)),
        format!(r#""m":{}"#, rng.below(2) == 0),
    ];
    match rng.below(3) {
        0 => fields.sort(), // the live stream's order
        1 => fields.rotate_left(1 + rng.below(9)),
        _ => {}
    }
    format!("{{{}}}", fields.join(","))
}

fn frame(rng: &mut Lcg, decimals: &[&str], i: usize) -> String {
    let symbol = rng.pick(SYMBOLS);
    let data = payload(rng, decimals, symbol, i);
    if rng.below(2) == 0 {
        format!(r#"{{"stream":"trade.{symbol}","data":{data}}}"#)
    } else {
        format!(r#"{{"data":{data},"stream":"trade.{symbol}"}}"#)
    }
}

/// `count` generated frames (seeded by `seed`), prices and sizes drawn from `decimals`.
fn generated(seed: u64, decimals: &[&str], count: usize) -> Vec<String> {
    let mut rng = Lcg(seed);
    (0..count).map(|i| frame(&mut rng, decimals, i)).collect()
}

/// The documented frame, whole, then with one thing wrong or unusual at a time.
fn odd_shapes() -> Vec<String> {
    let base = r#"{"stream":"trade.SOL_USDC","data":{"e":"trade","E":1694688638091000,"s":"SOL_USDC","p":"18.68","q":"0.122","b":"1","a":"2","t":12345,"T":1694688638089000,"m":true}}"#;
    variants(
        base,
        &[
            (r#""m":true"#, r#""m":"true""#),
            (r#""m":true"#, r#""m":null"#),
            (r#""m":true"#, r#""m":1"#),
            (r#""e":"trade""#, r#""e":"depth""#),
            (r#""e":"trade","#, ""),
            (r#""T":16"#, r#""T":"x16"#),
            (r#""T":1694688638089000"#, r#""T":1694688638089000.5"#),
            (r#""p":"#, r#""p":"1","p":"#),
            (r#""E":"#, r#""E":1,"E":"#),
            (r#""b":"1""#, r#""U":1,"U":2,"b":"1""#),
            (r#""b":"1""#, r#""b":[["1","2"]]"#),
            (r#""t":12345"#, r#""t":-3"#),
            (r#""t":12345"#, r#""t":1.5"#),
            (r#""s":"SOL_USDC""#, r#""s":"S\u004fL_USDC""#),
            (r#""s":"SOL_USDC","#, ""),
            (r#""data":"#, r#""data": "#),
            (r#""stream":"trade.SOL_USDC""#, r#""stream":1"#),
            (r#""stream":"trade.SOL_USDC","#, ""),
            ("}}", r#"},"error":null}"#),
            ("}}", r#"},"id":1}"#),
        ],
    )
}

#[test]
fn well_formed_frames_take_the_hot_path_with_the_serde_events() {
    let mut frames = generated(23, EXACT_DECIMALS, 400);
    frames.push(odd_shapes().swap_remove(0));
    assert_all_read(push_trade, parse_frame, &markets(), &frames);
}

#[test]
fn edge_decimals_and_other_shapes_agree_or_decline() {
    let mut frames = generated(31, &[EXACT_DECIMALS, EDGE_DECIMALS].concat(), 400);
    frames.extend(odd_shapes());
    assert_agrees_with_mutations(push_trade, parse_frame, &markets(), "backpack", frames);
}
