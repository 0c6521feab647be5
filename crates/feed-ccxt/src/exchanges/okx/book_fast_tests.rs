//! The OKX books hot path gives exactly the serde path's book messages, or declines: on
//! the fuzz corpus, on mutations of it, and on generated pushes in make_frames.py's style.

use super::book_fast::read_push;
use super::frame::parse_frame_serde;
use crate::fast_book_check::{assert_book_fast_path_agrees, check_book_hot_path, levels};
use crate::fast_path_check::Lcg;
use crate::markets::Market;

const SUBSCRIBED: &[&str] = &["BTC-USDT", "ETH-USDT", "SOL-USDT"];
/// Checksums: the deprecated `0`, OKX's signed integers, the same bits unsigned.
const CHECKSUMS: &[&str] = &["0", "-1881014294", "831078360", "2413953002", "-2147483648"];

fn markets() -> Vec<Market> {
    vec![
        Market::new("BTC", "USDT", "BTC-USDT"),
        Market::new("ETH", "USDT", "ETH-USDT"),
        Market::new("SOL", "USDT", "SOL-USDT"),
    ]
}

/// A level as make_frames.py writes it (`[price, size, "0", orders]`), or price and size
/// alone.
fn level(rng: &mut Lcg, price: &str, size: &str) -> String {
    match rng.below(8) {
        0 => format!(r#"["{price}","{size}"]"#),
        _ => format!(r#"["{price}","{size}","0","{}"]"#, rng.below(20)),
    }
}

/// One element of `data`: a snapshot's `prevSeqId` is `-1`.
fn entry(rng: &mut Lcg, decimals: &[&str], snapshot: bool, i: usize) -> String {
    let seq = 1000 + 7 * i;
    let prev = if snapshot {
        "-1".to_owned()
    } else {
        (seq - 7).to_string()
    };
    format!(
        r#"{{"asks":{},"bids":{},"ts":"{}","checksum":{},"prevSeqId":{prev},"seqId":{seq}}}"#,
        levels(rng, decimals, level),
        levels(rng, decimals, level),
        1_597_026_383_085_u64 + i as u64,
        rng.pick(CHECKSUMS),
    )
}

fn push(rng: &mut Lcg, decimals: &[&str], i: usize) -> String {
    let inst_id = rng.pick(SUBSCRIBED);
    let snapshot = rng.below(4) == 0;
    let entries: Vec<String> = (0..1 + usize::from(rng.below(6) == 0))
        .map(|n| entry(rng, decimals, snapshot, i * 2 + n))
        .collect();
    format!(
        r#"{{"arg":{{"channel":"books","instId":"{inst_id}"}},"action":"{}","data":[{}]}}"#,
        if snapshot { "snapshot" } else { "update" },
        entries.join(",")
    )
}

/// Generated frames, the hand-made shapes below, the corpus and its mutations: see
/// [`check_book_hot_path`].
#[test]
fn the_hot_path_gives_the_serde_messages_or_declines() {
    let base = r#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[["8476.98","415","0","13"]],"bids":[["8476.97","0","0","0"]],"ts":"1597026383085","checksum":0,"prevSeqId":123456,"seqId":123457}]}"#;
    let variants = [
        base.to_owned(),
        base.replace(r#""action":"update""#, r#""action":"partial""#),
        base.replace(r#""action":"update","#, ""),
        base.replace(r#""seqId":123457"#, r#""seqId":-5"#),
        base.replace(r#""prevSeqId":123456"#, r#""prevSeqId":-2"#),
        base.replace(r#""prevSeqId":123456"#, r#""prevSeqId":-1"#),
        base.replace(r#""seqId":123457"#, r#""seqId":"123457""#),
        base.replace(r#""seqId":123457"#, r#""seqId":1.5"#),
        base.replace(r#""seqId":123457"#, r#""seqId":99999999999999999999"#),
        base.replace(r#""checksum":0"#, r#""checksum":4294967296"#),
        base.replace(r#""checksum":0"#, r#""checksum":null"#),
        base.replace(r#""checksum":0,"#, ""),
        base.replace(r#""ts":"1597026383085""#, r#""ts":1597026383085"#),
        base.replace(r#""ts":"1597026383085""#, r#""ts":"x1""#),
        base.replace(r#""415""#, r#"415"#),
        base.replace(r#""415""#, r#""4\u0031""#),
        base.replace(r#""415""#, r#""x""#),
        base.replace(r#"["8476.97","0","0","0"]"#, r#"["8476.97"]"#),
        base.replace(r#""0","13""#, r#"0,13"#),
        base.replace(r#""bids""#, r#""bidz""#),
        base.replace(r#""asks":"#, r#""asks":[],"asks":"#),
        base.replace(r#""seqId":123457"#, r#""seqId":123457,"extra":1"#),
        base.replace(r#"}]}"#, r#"}],"extra":1}"#),
        base.replace(r#""instId":"BTC-USDT""#, r#""instId":"ETH-USDT","x":1"#),
        base.replace("BTC-USDT", "XRP-USDT"),
        base.replace("books", "books5"),
        base.replace(r#""data":["#, r#""data": ["#),
    ];
    check_book_hot_path(
        read_push,
        parse_frame_serde,
        &markets(),
        "okx",
        push,
        &variants,
    );
}

/// The documented keep-alive (empty sides, `prevSeqId == seqId`) and an empty `data` are
/// read fast too.
#[test]
fn keep_alives_take_the_hot_path() {
    let frames = [
        r#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[],"bids":[],"ts":"1597026443085","checksum":0,"prevSeqId":15,"seqId":15}]}"#.to_owned(),
        r#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[]}"#.to_owned(),
    ];
    let read = assert_book_fast_path_agrees(read_push, parse_frame_serde, &markets(), &frames);
    assert_eq!(read, 2);
}
