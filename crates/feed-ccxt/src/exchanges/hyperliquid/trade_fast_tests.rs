//! The Hyperliquid trades hot path gives exactly the serde path's events, or declines: on
//! the fuzz corpus, on mutations of it, and on generated messages of 1 to 5 `WsTrade`s.

use feed_core::Symbol;

use super::frame::parse_frame;
use super::trade_fast::push_trades;
use crate::fast_path_check::{
    assert_agrees_with_mutations, assert_all_read, variants, Lcg, EDGE_DECIMALS, EXACT_DECIMALS,
};
use crate::markets::Market;

/// Coins traded: two perpetuals and a spot pair subscribed, `SOL` not (its trades are
/// skipped by both paths).
const COINS: &[&str] = &["BTC", "ETH", "PURR/USDC", "SOL"];
/// Trade ids: 50-bit numbers, small ones, and strings (which stay text when not plain).
const TIDS: &[&str] = &[
    "512093762541133",
    "87",
    "0",
    r#""1125899906842623""#,
    r#""x1""#,
];

fn markets() -> Vec<Market> {
    vec![
        Market::for_symbol(Symbol::perpetual("BTC", "USDC"), "BTC"),
        Market::for_symbol(Symbol::perpetual("ETH", "USDC"), "ETH"),
        Market::new("PURR", "USDC", "PURR/USDC"),
    ]
}

/// A 0x-prefixed hex string of `digits` digits, varied by `seed`.
fn hex(seed: usize, digits: usize) -> String {
    let text: String = (0..digits)
        .map(|n| char::from(b"0123456789abcdef"[(seed * 7 + n * 13) % 16]))
        .collect();
    format!("0x{text}")
}

/// One `WsTrade`: the type's key order, another, without `tid` now and then.
fn trade(rng: &mut Lcg, decimals: &[&str], coin: &str, i: usize) -> String {
    let users = format!(r#"["{}","{}"]"#, hex(i, 40), hex(i + 1, 40));
    let mut fields: Vec<(&str, String)> = vec![
        ("coin", format!("\"{coin}\"")),
        ("side", format!("\"{}\"", rng.pick(&["B", "A"]))),
        ("px", format!("\"{}\"", rng.pick(decimals))),
        ("sz", format!("\"{}\"", rng.pick(decimals))),
        ("hash", format!("\"{}\"", hex(i, 64))),
        ("time", (1_734_076_800_123_u64 + i as u64).to_string()),
        ("tid", rng.pick(TIDS).to_owned()),
        ("users", users),
    ];
    if rng.below(6) == 0 {
        fields.retain(|(key, _)| *key != "tid");
    }
    if rng.below(3) == 0 {
        fields.rotate_left(1 + rng.below(6));
    }
    let fields: Vec<String> = fields
        .iter()
        .map(|(key, value)| format!(r#""{key}":{value}"#))
        .collect();
    format!("{{{}}}", fields.join(","))
}

/// `count` generated messages (seeded by `seed`), decimals drawn from `decimals`.
fn generated(seed: u64, decimals: &[&str], count: usize) -> Vec<String> {
    let mut rng = Lcg(seed);
    (0..count)
        .map(|i| {
            let trades: Vec<String> = (0..1 + rng.below(5))
                .map(|n| {
                    let coin = rng.pick(COINS);
                    trade(&mut rng, decimals, coin, i * 10 + n)
                })
                .collect();
            format!(r#"{{"channel":"trades","data":[{}]}}"#, trades.join(","))
        })
        .collect()
}

/// The documented message, then with one thing wrong or unusual at a time.
fn odd_shapes() -> Vec<String> {
    variants(
        super::trade::tests::DOCUMENTED_TRADES,
        &[
            (r#""side":"A""#, r#""side":"a""#),
            (r#""side":"A""#, r#""side":null"#),
            (r#""coin":"BTC","side":"A""#, r#""coin":"SOL","side":1"#),
            (r#""coin":"BTC","side":"A""#, r#""coin":"SOL""#),
            (r#""px":"97432.0""#, r#""px":97432.0"#),
            (r#""px":"97432.0""#, r#""px":"97432.0","px":"1""#),
            (r#""tid":87"#, r#""tid":87,"tid":88"#),
            (r#""tid":87"#, r#""tid":-1"#),
            (r#""tid":87"#, r#""tid":"87""#),
            (r#""time":1734076800124"#, r#""time":"1734076800124""#),
            (r#""time":1734076800124"#, r#""time":1.5"#),
            (r#""hash":"0x2a"#, r#""hash":["0x2a"],"h":"#),
            (r#""users":["#, r#""users":[1,"#),
            (r#""users":["#, r#""users":{},"u":["#),
            (r#""users":["#, r#""users":"x","u":["#),
            (r#""users":["#, r#""users":[],"users":["#),
            (r#""coin":"BTC""#, r#""coin":"B\u0054C""#),
            (r#""data":["#, r#""data": ["#),
            (r#"}]}"#, r#"}],"extra":1}"#),
        ],
    )
}

#[test]
fn well_formed_messages_take_the_hot_path_with_the_serde_events() {
    let mut frames = generated(47, EXACT_DECIMALS, 400);
    frames.extend([
        odd_shapes().swap_remove(0),
        r#"{"channel":"trades","data":[]}"#.to_owned(),
    ]);
    assert_all_read(push_trades, parse_frame, &markets(), &frames);
}

#[test]
fn edge_decimals_and_other_shapes_agree_or_decline() {
    let edge = [EXACT_DECIMALS, EDGE_DECIMALS].concat();
    let frames = [generated(53, &edge, 400), odd_shapes()].concat();
    assert_agrees_with_mutations(push_trades, parse_frame, &markets(), "hyperliquid", frames);
}
