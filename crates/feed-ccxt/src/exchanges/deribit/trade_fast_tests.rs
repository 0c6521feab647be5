//! The Deribit trades hot path gives exactly the serde path's events, or declines: on the
//! fuzz corpus, on mutations of it, and on generated notifications of 1 to 5 trades.

use super::frame::parse_frame;
use super::tests::markets;
use super::trade_fast::push_trades;
use crate::fast_path_check::{
    assert_agrees_with_mutations, assert_all_read, variants, Lcg, EDGE_DECIMALS, EXACT_DECIMALS,
};

/// Listed instruments (a perpetual, a future, an option, a spot pair), and `ETH-PERPETUAL`,
/// which is not: its trades are skipped by both paths.
const INSTRUMENTS: &[&str] = &[
    "BTC-PERPETUAL",
    "BTC-26DEC26",
    "BTC-26DEC26-100000-C",
    "ETH_USDC",
    "ETH-PERPETUAL",
];
/// Trade ids: Deribit's strings, plain JSON numbers, and ids that stay text.
const IDS: &[&str] = &[
    r#""48079254""#,
    r#""ETH-1234567""#,
    r#""007""#,
    "48079255",
    "0",
    r#""""#,
];

/// A notification without trades.
const EMPTY: &str = r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"trades.BTC-PERPETUAL.100ms","data":[]}}"#;

/// Keys some trades carry: an option's `iv`, a liquidation, a block trade's id.
const OPTIONAL: &[&str] = &[
    r#""iv":62.44"#,
    r#""liquidation":"M""#,
    r#""block_trade_id":"154""#,
];

/// A decimal as Deribit sends it, a JSON number, or now and then as a string.
fn number(rng: &mut Lcg, decimals: &[&str]) -> String {
    let text = rng.pick(decimals);
    if rng.below(5) == 0 {
        format!("\"{text}\"")
    } else {
        text.to_owned()
    }
}

/// One trade: the documented key order, another, or sorted; the optional keys sometimes.
fn trade(rng: &mut Lcg, decimals: &[&str], instrument: &str, i: usize) -> String {
    let fields = [
        ("trade_seq", (30_289_432 + i).to_string()),
        ("trade_id", rng.pick(IDS).to_owned()),
        ("timestamp", (1_590_484_156_350_u64 + i as u64).to_string()),
        ("tick_direction", rng.below(4).to_string()),
        ("price", number(rng, decimals)),
        ("mark_price", "8948.9".to_owned()),
        ("instrument_name", format!("\"{instrument}\"")),
        ("index_price", "8955.88".to_owned()),
        ("direction", format!("\"{}\"", rng.pick(&["buy", "sell"]))),
        ("amount", number(rng, decimals)),
    ];
    let mut fields: Vec<String> = fields
        .iter()
        .map(|(key, value)| format!(r#""{key}":{value}"#))
        .collect();
    if rng.below(3) == 0 {
        fields.push(rng.pick(OPTIONAL).to_owned());
    }
    if rng.below(3) == 0 {
        fields.sort();
    } else if rng.below(2) == 0 {
        fields.rotate_left(1 + rng.below(9));
    }
    format!("{{{}}}", fields.join(","))
}

fn notification(rng: &mut Lcg, decimals: &[&str], i: usize) -> String {
    let instrument = rng.pick(INSTRUMENTS);
    let trades: Vec<String> = (0..1 + rng.below(5))
        .map(|n| trade(rng, decimals, instrument, i * 10 + n))
        .collect();
    let interval = rng.pick(&["100ms", "raw", "agg2"]);
    format!(
        r#"{{"jsonrpc":"2.0","method":"subscription","params":{{"channel":"trades.{instrument}.{interval}","data":[{}]}}}}"#,
        trades.join(",")
    )
}

/// `count` generated notifications (seeded by `seed`), decimals drawn from `decimals`.
fn generated(seed: u64, decimals: &[&str], count: usize) -> Vec<String> {
    let mut rng = Lcg(seed);
    (0..count)
        .map(|i| notification(&mut rng, decimals, i))
        .collect()
}

/// The documented notification, then with one thing wrong or unusual at a time.
fn odd_shapes() -> Vec<String> {
    let base = super::trade::tests::DOCUMENTED_TRADES;
    variants(
        base,
        &[
            (r#""direction":"sell""#, r#""direction":"Sell""#),
            (r#""direction":"sell""#, r#""direction":null"#),
            (r#""price":8950.0"#, r#""price":"8950.0""#),
            (r#""price":8950.0"#, r#""price":true"#),
            (r#""price":8950.0"#, r#""price":8950.0,"price":1"#),
            (
                r#""mark_price":8948.9"#,
                r#""mark_price":8948.9,"mark_price":1"#,
            ),
            (r#""amount":10.0"#, r#""amount":1e1"#),
            (
                r#""timestamp":1590484156350"#,
                r#""timestamp":"1590484156350""#,
            ),
            (
                r#""timestamp":1590484156350"#,
                r#""timestamp":1590484156350.5"#,
            ),
            (r#""trade_id":"48079254""#, r#""trade_id":-4"#),
            (r#""trade_id":"48079254""#, r#""trade_id":48079254"#),
            (r#""tick_direction":0"#, r#""tick_direction":{}"#),
            (
                r#""instrument_name":"BTC-PERPETUAL""#,
                r#""instrument_name":7"#,
            ),
            ("trades.BTC-PERPETUAL.100ms", "trades.BTC-PERPETUAL"),
            ("trades.BTC-PERPETUAL.100ms", "trades.BTC.PERPETUAL.100ms"),
            ("trades.BTC-PERPETUAL.100ms", "book.BTC-PERPETUAL.100ms"),
            (
                r#""method":"subscription","#,
                r#""method":"subscription","id":1,"#,
            ),
            (r#"}]}}"#, r#"}],"extra":1}}"#),
            (r#"}]}}"#, r#"}]},"error":{}}"#),
            (r#""params":{"#, r#""params": {"#),
        ],
    )
}

#[test]
fn well_formed_notifications_take_the_hot_path_with_the_serde_events() {
    let mut frames = generated(41, EXACT_DECIMALS, 400);
    frames.extend([odd_shapes().swap_remove(0), EMPTY.to_owned()]);
    assert_all_read(push_trades, parse_frame, &markets(), &frames);
}

#[test]
fn edge_decimals_and_other_shapes_agree_or_decline() {
    let mut frames = generated(43, &[EXACT_DECIMALS, EDGE_DECIMALS].concat(), 400);
    frames.extend(odd_shapes());
    assert_agrees_with_mutations(push_trades, parse_frame, &markets(), "deribit", frames);
}
