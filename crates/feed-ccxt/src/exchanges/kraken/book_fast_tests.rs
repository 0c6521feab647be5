//! The Kraken v2 books hot path gives exactly the serde path's book messages, or declines:
//! on the fuzz corpus, on mutations of it, and on generated frames in make_frames.py's
//! style.

use super::book_fast::read_frame;
use super::frame::parse_frame_serde;
use crate::fast_book_check::{check_book_hot_path, levels};
use crate::fast_path_check::Lcg;
use crate::markets::Market;

const SUBSCRIBED: &[&str] = &["BTC/USD", "ETH/USD", "DOGE/USD"];
const TIMES: &[&str] = &[
    "2023-10-06T17:35:55.440295Z",
    "2023-11-14T22:13:20.001000Z",
    "2023-11-14T22:13:20Z",
];
const CHECKSUMS: &[&str] = &["2439117997", "0", "4294967295", "1914174417"];

/// BTC/USD at the precisions of its AssetPairs entry (levels padded to them), ETH/USD with
/// a price precision only, DOGE/USD as sent.
fn markets() -> Vec<Market> {
    vec![
        Market::new("BTC", "USD", "BTC/USD").with_precision(Some(1), Some(8)),
        Market::new("ETH", "USD", "ETH/USD").with_precision(Some(5), None),
        Market::new("DOGE", "USD", "DOGE/USD"),
    ]
}

/// A level as JSON numbers with the decimals' exact digits.
fn level(_: &mut Lcg, price: &str, qty: &str) -> String {
    format!(r#"{{"price":{price},"qty":{qty}}}"#)
}

fn frame(rng: &mut Lcg, decimals: &[&str]) -> String {
    let kind = rng.pick(&["snapshot", "update", "update"]);
    let elements: Vec<String> = (0..1 + usize::from(rng.below(8) == 0))
        .map(|_| {
            format!(
                r#"{{"symbol":"{}","bids":{},"asks":{},"checksum":{},"timestamp":"{}"}}"#,
                rng.pick(SUBSCRIBED),
                levels(rng, decimals, level),
                levels(rng, decimals, level),
                rng.pick(CHECKSUMS),
                rng.pick(TIMES),
            )
        })
        .collect();
    format!(
        r#"{{"channel":"book","type":"{kind}","data":[{}]}}"#,
        elements.join(",")
    )
}

/// Generated frames, the hand-made shapes below, the corpus and its mutations: see
/// [`check_book_hot_path`].
#[test]
fn the_hot_path_gives_the_serde_messages_or_declines() {
    let base = r#"{"channel":"book","type":"update","data":[{"symbol":"BTC/USD","bids":[{"price":36999.9,"qty":0.5}],"asks":[{"price":37000.1,"qty":0}],"checksum":2114181697,"timestamp":"2023-10-06T17:35:55.440295Z"}]}"#;
    let variants = [
        base.to_owned(),
        base.replace(r#""type":"update""#, r#""type":"partial""#),
        base.replace(r#""type":"update","#, ""),
        base.replace(r#""price":36999.9"#, r#""price":"36999.9""#),
        base.replace(r#""qty":0.5"#, r#""qty":5e-1"#),
        base.replace(r#""qty":0.5"#, r#""qty":null"#),
        base.replace(r#","qty":0.5"#, r#","qty":0.5,"x":1"#),
        base.replace(
            r#""price":36999.9,"qty":0.5"#,
            r#""qty":0.5,"price":36999.9"#,
        ),
        base.replace(r#""checksum":2114181697"#, r#""checksum":4294967296"#),
        base.replace(r#""checksum":2114181697"#, r#""checksum":-1"#),
        base.replace(r#""checksum":2114181697"#, r#""checksum":1.0"#),
        base.replace(r#""checksum":2114181697,"#, ""),
        base.replace(r#","timestamp":"2023-10-06T17:35:55.440295Z""#, ""),
        base.replace("2023-10-06T17:35:55.440295Z", "yesterday"),
        base.replace(r#""bids":"#, r#""bids":[],"bids":"#),
        base.replace(r#""asks""#, r#""askz""#),
        base.replace("BTC/USD", "XRP/USD"),
        base.replace("BTC/USD", r#"BTC\/USD"#),
        base.replace(r#"}]}"#, r#"}],"extra":1}"#),
        base.replace(r#""channel":"book""#, r#""channel":"book","method":"x""#),
        base.replace(r#""data":["#, r#""data": ["#),
    ];
    check_book_hot_path(
        read_frame,
        parse_frame_serde,
        &markets(),
        "kraken",
        |rng, decimals, _| frame(rng, decimals),
        &variants,
    );
}
