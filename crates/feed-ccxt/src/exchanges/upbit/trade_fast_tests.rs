//! The Upbit trade hot path gives exactly the serde path's events, or declines: on the fuzz
//! corpus, on mutations of it, and on generated messages in the documented layout.

use super::frame::parse_frame;
use super::trade_fast::push_trade;
use crate::fast_path_check::{check_trade_hot_path, markets, number_or_string, Lcg};

/// The markets of the feed: (base, quote, exchange symbol).
const MARKETS: &[(&str, &str, &str)] = &[
    ("BTC", "KRW", "KRW-BTC"),
    ("ETH", "KRW", "KRW-ETH"),
    ("XRP", "BTC", "BTC-XRP"),
];
const IDS: &[&str] = &["1676965220395000", "0", r#""17""#, r#""a-1""#];

/// A decimal as Upbit writes it (a JSON number), now and then as a string.
fn number(rng: &mut Lcg, decimals: &[&str]) -> String {
    let text = rng.pick(decimals);
    if rng.below(5) == 0 {
        format!(r#""{text}""#)
    } else {
        number_or_string(text)
    }
}

/// One `trade` message in the documented order, or with its keys in another order; now
/// and then of a market not subscribed, a `SNAPSHOT`, without `stream_type`, or with a
/// unit count in its code.
fn message(rng: &mut Lcg, decimals: &[&str], i: usize) -> String {
    let code = match rng.below(10) {
        0 => "KRW-DOGE".to_owned(), // not subscribed: skipped by both paths
        1 => format!("{}.15", MARKETS[rng.below(MARKETS.len())].2),
        _ => MARKETS[rng.below(MARKETS.len())].2.to_owned(),
    };
    let time = 1_676_965_220_395_u64 + i as u64;
    let mut fields = vec![
        r#""type":"trade""#.to_owned(),
        format!(r#""code":"{code}""#),
        format!(r#""timestamp":{}"#, time + 57),
        r#""trade_date":"2023-02-21""#.to_owned(),
        r#""trade_time":"07:40:20""#.to_owned(),
        format!(r#""trade_timestamp":{time}"#),
        format!(r#""trade_price":{}"#, number(rng, decimals)),
        format!(r#""trade_volume":{}"#, number(rng, decimals)),
        format!(r#""ask_bid":"{}""#, rng.pick(&["ASK", "BID"])),
        r#""prev_closing_price":31883000.00000000"#.to_owned(),
        r#""change":"RISE""#.to_owned(),
        r#""change_price":409000.00000000"#.to_owned(),
        format!(r#""sequential_id":{}"#, rng.pick(IDS)),
        format!(
            r#""stream_type":"{}""#,
            rng.pick(&["REALTIME", "REALTIME", "REALTIME", "SNAPSHOT"])
        ),
    ];
    match rng.below(5) {
        0 => {
            fields.pop();
        }
        1 => fields.rotate_left(1 + rng.below(13)),
        2 => fields.swap(0, 13),
        _ => {}
    }
    format!("{{{}}}", fields.join(","))
}

/// Hand-made shapes near the layout, the documented frame first.
fn variants() -> Vec<String> {
    let base = r#"{"type":"trade","code":"KRW-BTC","timestamp":1676965220452,"trade_date":"2023-02-21","trade_time":"07:40:20","trade_timestamp":1676965220395,"trade_price":32292000,"trade_volume":0.03096742,"ask_bid":"BID","prev_closing_price":31883000.00000000,"change":"RISE","change_price":409000.00000000,"sequential_id":1676965220395000,"stream_type":"REALTIME"}"#;
    vec![
        base.to_owned(),
        base.replace(r#""ask_bid":"BID""#, r#""ask_bid":"bid""#),
        base.replace(r#""ask_bid":"BID""#, r#""ask_bid":"MID""#),
        base.replace(r#""ask_bid":"BID""#, r#""ask_bid":null"#),
        base.replace(
            r#""trade_timestamp":1676965220395"#,
            r#""trade_timestamp":1.5"#,
        ),
        base.replace(
            r#""trade_timestamp":1676965220395"#,
            r#""trade_timestamp":"1676965220395""#,
        ),
        base.replace(r#""trade_price":32292000"#, r#""trade_price":true"#),
        base.replace(r#""trade_price":32292000"#, r#""trade_price":3.2292e7"#),
        base.replace(r#""trade_price":32292000"#, r#""trade_price":"32292000.0""#),
        base.replace(r#""trade_volume":"#, r#""trade_volume":1,"trade_volume":"#),
        base.replace(
            r#""sequential_id":1676965220395000"#,
            r#""sequential_id":-1"#,
        ),
        base.replace(
            r#""sequential_id":1676965220395000"#,
            r#""sequential_id":1e3"#,
        ),
        base.replace(r#""stream_type":"REALTIME""#, r#""stream_type":1"#),
        base.replace(r#""stream_type":"REALTIME""#, r#""stream_type":"SNAPSHOT""#),
        base.replace(r#""code":"KRW-BTC""#, r#""code":"KRW-BTC.""#),
        base.replace(r#""code":"KRW-BTC""#, r#""code":"KRW\u002dBTC""#),
        base.replace(r#""code":"KRW-BTC""#, r#""code":7"#),
        base.replace(r#""change":"RISE""#, r#""change":"RISE","status":"UP""#),
        base.replace(r#""change":"RISE""#, r#""change":"RISE","error":"x""#),
        base.replace(r#""change":"RISE""#, r#""change":{"a":1}"#),
        base.replace(r#""type":"trade""#, r#""type":"ticker""#),
        base.replace(r#""type":"trade","#, ""),
        base.replace(r#""trade_timestamp":1676965220395,"#, ""),
        base.replace(r#","stream_type":"REALTIME""#, ""),
        format!("{base}}}"),
    ]
}

#[test]
fn the_hot_path_reads_what_serde_reads_or_declines() {
    check_trade_hot_path(
        push_trade,
        parse_frame,
        &markets(MARKETS),
        "upbit",
        message,
        &variants(),
    );
}
