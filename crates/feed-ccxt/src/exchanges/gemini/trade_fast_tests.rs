//! The Gemini trade hot path gives exactly the serde path's events, or declines: on the fuzz
//! corpus, on mutations of it, and on generated messages in the documented layout.

use super::frame::parse_frame;
use super::trade_fast::push_trade;
use crate::fast_path_check::{check_trade_hot_path, markets, Lcg};

/// The markets of the feed: (base, quote, exchange symbol).
const MARKETS: &[(&str, &str, &str)] = &[
    ("BTC", "USD", "BTCUSD"),
    ("ETH", "USD", "ETHUSD"),
    ("SOL", "USD", "SOLUSD"),
];
const IDS: &[&str] = &[
    "2840140800042677",
    "0",
    "18446744073709551615",
    r#""77""#,
    r#""x-1""#,
];

/// One `trade` message in the documented order, or with its keys in another order; now
/// and then of a symbol not subscribed, with the time as a string, or without `event_id`.
fn message(rng: &mut Lcg, decimals: &[&str], i: usize) -> String {
    let symbol = if rng.below(8) == 0 {
        "DOGEUSD" // not subscribed: skipped by both paths
    } else {
        MARKETS[rng.below(MARKETS.len())].2
    };
    let time = 1_560_976_400_428_u64 + i as u64;
    let time = if rng.below(6) == 0 {
        format!(r#""{time}""#)
    } else {
        time.to_string()
    };
    let mut fields = vec![
        r#""type":"trade""#.to_owned(),
        format!(r#""symbol":"{symbol}""#),
        format!(r#""event_id":{}"#, 3_575_573_053 + i),
        format!(r#""timestamp":{time}"#),
        format!(r#""price":"{}""#, rng.pick(decimals)),
        format!(r#""quantity":"{}""#, rng.pick(decimals)),
        format!(r#""side":"{}""#, rng.pick(&["buy", "sell"])),
        format!(r#""tid":{}"#, rng.pick(IDS)),
    ];
    match rng.below(4) {
        0 => {
            fields.remove(2);
        }
        1 => fields.rotate_left(1 + rng.below(7)),
        2 => fields.swap(3, 7),
        _ => {}
    }
    format!("{{{}}}", fields.join(","))
}

/// Hand-made shapes near the layout, the documented frame first.
fn variants() -> Vec<String> {
    let base = r#"{"type":"trade","symbol":"BTCUSD","event_id":3575573053,"timestamp":151231241,"price":"9004.21000000","quantity":"0.09110000","side":"buy","tid":2840140800042677}"#;
    vec![
        base.to_owned(),
        base.replace(r#""side":"buy""#, r#""side":"BUY""#),
        base.replace(r#""side":"buy""#, r#""side":"auction""#),
        base.replace(r#""side":"buy""#, r#""side":null"#),
        base.replace(r#""timestamp":151231241"#, r#""timestamp":151231241.5"#),
        base.replace(r#""timestamp":151231241"#, r#""timestamp":"x1""#),
        base.replace(r#""timestamp":151231241"#, r#""timestamp":true"#),
        base.replace(r#""tid":2840140800042677"#, r#""tid":-1"#),
        base.replace(r#""tid":2840140800042677"#, r#""tid":1.5"#),
        base.replace(r#""tid":2840140800042677"#, r#""tid":"0077""#),
        base.replace(r#""price":"#, r#""price":"1","price":"#),
        base.replace(r#""price":"9004.21000000""#, r#""price":9004.21"#),
        base.replace(r#""quantity":"#, r#""q":{},"quantity":"#),
        base.replace(r#""symbol":"BTCUSD""#, r#""symbol":"B\u0054CUSD""#),
        base.replace(r#""symbol":"BTCUSD""#, r#""symbol": "BTCUSD""#),
        base.replace(r#""type":"trade","#, ""),
        base.replace(r#""type":"trade""#, r#""type":"l2_updates""#),
        base.replace(
            r#""event_id""#,
            r#""result":"error","reason":"X","message""#,
        ),
        base.replace(r#""event_id""#, r#""result":"ok","e""#),
        base.replace(r#""symbol":"BTCUSD","#, ""),
        base.replace(
            r#""tid":2840140800042677"#,
            r#""tid":2840140800042677,"x":[1]"#,
        ),
        format!("{base}\n"),
        format!("{base},"),
    ]
}

#[test]
fn the_hot_path_reads_what_serde_reads_or_declines() {
    check_trade_hot_path(
        push_trade,
        parse_frame,
        &markets(MARKETS),
        "gemini",
        message,
        &variants(),
    );
}
