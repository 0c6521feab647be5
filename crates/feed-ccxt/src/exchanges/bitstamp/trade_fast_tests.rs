//! The Bitstamp trade hot path gives exactly the serde path's events, or declines: on the
//! fuzz corpus, on mutations of it, and on generated events in the documented layout.

use super::frame::parse_frame;
use super::trade_fast::push_trade;
use crate::fast_path_check::{check_trade_hot_path, markets, Lcg};

/// The markets of the feed: (base, quote, exchange symbol).
const MARKETS: &[(&str, &str, &str)] = &[
    ("BTC", "USD", "btcusd"),
    ("ETH", "EUR", "etheur"),
    ("XRP", "USD", "xrpusd"),
];
const IDS: &[&str] = &["288014064", "0", r#""288014065""#, r#""id-7""#];

/// A `data` object in the documented order, or with its keys in another order; now and
/// then without the `_str` decimals (the numbers read instead) or with the time a number.
fn data(rng: &mut Lcg, decimals: &[&str], i: u64) -> String {
    let (amount, price) = (rng.pick(decimals), rng.pick(decimals));
    let micros = 1_687_962_048_178_000 + i * 1_000;
    let time = if rng.below(5) == 0 {
        micros.to_string()
    } else {
        format!(r#""{micros}""#)
    };
    let mut fields = vec![
        format!(r#""id":{}"#, rng.pick(IDS)),
        format!(r#""timestamp":"{}""#, micros / 1_000_000),
        format!(r#""amount":"{amount}""#),
        format!(r#""amount_str":"{amount}""#),
        format!(r#""price":"{price}""#),
        format!(r#""price_str":"{price}""#),
        format!(r#""type":{}"#, rng.below(2)),
        format!(r#""microtimestamp":{time}"#),
        format!(r#""buy_order_id":{}"#, 1_634_934_838_558_721 + i),
        format!(r#""sell_order_id":{}"#, 1_634_934_839_877_632 + i),
    ];
    match rng.below(5) {
        0 => {
            // Only the numbers: the serde path reads `amount` and `price` then.
            fields.remove(5);
            fields.remove(3);
        }
        1 => fields.rotate_left(1 + rng.below(9)),
        2 => fields.swap(0, 9),
        _ => {}
    }
    format!("{{{}}}", fields.join(","))
}

/// A `trade` event, its keys in the documented order or another; now and then of a pair
/// not subscribed.
fn event(rng: &mut Lcg, decimals: &[&str], i: usize) -> String {
    let pair = if rng.below(8) == 0 {
        "ltcbtc" // not subscribed: skipped by both paths
    } else {
        MARKETS[rng.below(MARKETS.len())].2
    };
    let data = data(rng, decimals, i as u64);
    match rng.below(4) {
        0 => format!(r#"{{"event":"trade","channel":"live_trades_{pair}","data":{data}}}"#),
        1 => format!(r#"{{"channel":"live_trades_{pair}","data":{data},"event":"trade"}}"#),
        _ => format!(r#"{{"data":{data},"channel":"live_trades_{pair}","event":"trade"}}"#),
    }
}

/// Hand-made shapes near the layout, the documented frame first.
fn variants() -> Vec<String> {
    let base = r#"{"data":{"id":288014064,"timestamp":"1687962048","amount":0.00284,"amount_str":"0.00284000","price":30478,"price_str":"30478","type":1,"microtimestamp":"1687962048178000","buy_order_id":1634934838558721,"sell_order_id":1634934839877632},"channel":"live_trades_btcusd","event":"trade"}"#;
    let numbers_only = base
        .replace(r#""amount_str":"0.00284000","#, "")
        .replace(r#""price_str":"30478","#, "");
    vec![
        base.to_owned(),
        numbers_only.clone(),
        numbers_only.replace(r#""amount":0.00284"#, r#""amount":true"#),
        numbers_only.replace(r#""amount":0.00284"#, r#""amount":2.84e-3"#),
        numbers_only.replace(r#""amount":0.00284,"#, ""),
        base.replace(r#""amount":0.00284"#, r#""amount":true"#),
        base.replace(r#""type":1"#, r#""type":7"#),
        base.replace(r#""type":1"#, r#""type":"1""#),
        base.replace(r#""type":1"#, r#""type":1.0"#),
        base.replace(r#""type":1"#, r#""type":-0"#),
        base.replace(r#""type":1,"#, ""),
        base.replace(r#""amount_str":"0.00284000""#, r#""amount_str":0.00284"#),
        base.replace(r#""price_str":"#, r#""price_str":"1","price_str":"#),
        base.replace(
            r#""microtimestamp":"1687962048178000""#,
            r#""microtimestamp":"x""#,
        ),
        base.replace(
            r#""microtimestamp":"1687962048178000""#,
            r#""microtimestamp":1.5"#,
        ),
        base.replace(r#""id":288014064"#, r#""id":-5"#),
        base.replace(r#""id":288014064"#, r#""id":"0012""#),
        base.replace(
            r#""buy_order_id":1634934838558721"#,
            r#""buy_order_id":null"#,
        ),
        base.replace("live_trades_btcusd", "diff_order_book_btcusd"),
        base.replace("live_trades_btcusd", "order_book_btcusd"),
        base.replace("live_trades_btcusd", "live_trades_"),
        base.replace(r#""channel":"live_trades_btcusd","#, ""),
        base.replace(r#""event":"trade""#, r#""event":"data""#),
        base.replace(r#""event":"trade""#, r#""event":"trade","event":"trade""#),
        base.replace(r#""event":"trade""#, r#""event":"trade","extra":[1]"#),
        base.replace(r#""event":"trade""#, r#""event":"trade","v":2"#),
        base.replace(
            r#""channel":"live_trades_btcusd""#,
            r#""channel":"live_trades_btc\u0075sd""#,
        ),
        base.replace(r#"{"data":"#, r#"{ "data":"#),
        format!("{base}\n"),
        format!(r#"{{"data":{{}},{}"#, &base[1..]),
    ]
}

#[test]
fn the_hot_path_reads_what_serde_reads_or_declines() {
    check_trade_hot_path(
        push_trade,
        parse_frame,
        &markets(MARKETS),
        "bitstamp",
        event,
        &variants(),
    );
}
