//! The KuCoin match hot path gives exactly the serde path's events, or declines: on the
//! fuzz corpus, on mutations of it, and on generated match messages.

use super::frame::parse_frame;
use super::trade_fast::push_match;
use crate::fast_path_check::{
    assert_all_read, assert_fast_path_agrees, awkward_frames, object, optional_id,
    string_or_number, well_formed, Lcg,
};
use crate::markets::Market;

/// The documented match message (the corpus's first frame).
const MATCH: &str = r#"{"type":"message","topic":"/market/match:BTC-USDT","subject":"trade.l3match","data":{"makerOrderId":"671b5007389355000701b1d3","price":"67523","sequence":"11067996","side":"buy","size":"0.003","symbol":"BTC-USDT","takerOrderId":"671b50161777ff00074c168d","time":"1729843222921000000","tradeId":"11067996","type":"match"}}"#;

/// Changes of the documented match, each made alone: every one must agree or decline.
const CHANGES: &[(&str, &str)] = &[
    (r#""side":"buy""#, r#""side":"BUY""#),
    (r#""side":"buy""#, r#""side":null"#),
    (r#""side":"buy","#, ""),
    (r#""symbol":"BTC-USDT""#, r#""symbol":7"#),
    (r#""symbol":"BTC-USDT","#, ""),
    (r#""price":"67523""#, r#""price":67523"#),
    (r#""price":"67523""#, r#""price":"x""#),
    (r#""size":"0.003""#, r#""size":"0.003","size":"1""#),
    (r#""size":"0.003""#, r#""size":"1e-3""#),
    (
        r#""time":"1729843222921000000""#,
        r#""time":1729843222921000000"#,
    ),
    (r#""time":"1729843222921000000""#, r#""time":"soon""#),
    (r#""time":"1729843222921000000""#, r#""time":1.5"#),
    (r#""time":"1729843222921000000""#, r#""time":false"#),
    (r#""time":"1729843222921000000","#, ""),
    (
        r#""time":"1729843222921000000""#,
        r#""time":"99999999999999999999""#,
    ),
    (r#""tradeId":"11067996""#, r#""tradeId":11067996"#),
    (r#""tradeId":"11067996""#, r#""tradeId":1.5"#),
    (r#""tradeId":"11067996""#, r#""tradeId":true"#),
    (r#""tradeId":"11067996","#, ""),
    (r#""sequence":"11067996""#, r#""sequence":{}"#),
    (r#""makerOrderId":"671b"#, r#""makerOrderId":"\u0036"#),
    (
        r#""topic":"/market/match:BTC-USDT""#,
        r#""topic":"/market/match""#,
    ),
    (
        r#""topic":"/market/match:BTC-USDT""#,
        r#""topic":"/market/ticker:BTC-USDT""#,
    ),
    (
        r#""topic":"/market/match:BTC-USDT""#,
        r#""topic":"/market/matches:BTC-USDT""#,
    ),
    (r#""type":"message""#, r#""type":"notice""#),
    (r#""type":"message""#, r#""type": "message""#),
    (r#""subject":"trade.l3match""#, r#""subject":1"#),
    (r#""subject":"trade.l3match","#, ""),
    (r#""data":{"#, r#""data":[{"#),
    ("\"}}", "\"},\"extra\":1}"),
];

fn markets() -> Vec<Market> {
    vec![
        Market::new("BTC", "USDT", "BTC-USDT"),
        Market::new("ETH", "USDT", "ETH-USDT"),
    ]
}

/// The `data` of a match in the documented (alphabetical) order or another: `time` a
/// string (documented) or a number, `tradeId` a string, a number or absent.
fn data(rng: &mut Lcg, decimals: &[&str], symbol: &str, i: usize) -> String {
    let time = string_or_number(
        rng,
        &(1_729_843_222_921_000_000 + i * 1_000_003).to_string(),
    );
    let mut fields = vec![
        format!(r#""makerOrderId":"671b5007389355{i:010}""#),
        format!(r#""price":"{}""#, rng.pick(decimals)),
        format!(r#""sequence":"{}""#, 11_067_996 + i),
        format!(r#""side":"{}""#, rng.pick(&["buy", "sell"])),
        format!(r#""size":"{}""#, rng.pick(decimals)),
        format!(r#""symbol":"{symbol}""#),
        format!(r#""takerOrderId":"671b50161777ff{i:010}""#),
        format!(r#""time":{time}"#),
    ];
    fields.extend(optional_id(rng, "tradeId", 11_067_996 + i));
    fields.push(r#""type":"match""#.to_owned());
    object(rng, fields)
}

/// A match message, `type` first (documented) or after `topic`, one time in five of a
/// market not subscribed.
fn message(rng: &mut Lcg, decimals: &[&str], i: usize) -> String {
    let symbol = rng.pick(&["BTC-USDT", "ETH-USDT", "BTC-USDT", "ETH-USDT", "XRP-USDT"]);
    let data = data(rng, decimals, symbol, i);
    let topic = format!("/market/match:{symbol}");
    let subject = r#""subject":"trade.l3match""#;
    if rng.below(4) == 0 {
        format!(r#"{{"topic":"{topic}","type":"message",{subject},"data":{data}}}"#)
    } else {
        format!(r#"{{"type":"message","topic":"{topic}",{subject},"data":{data}}}"#)
    }
}

#[test]
fn well_formed_matches_take_the_hot_path_with_the_serde_events() {
    let documented = [
        MATCH.to_owned(),
        format!("{MATCH}\n"), /* as recorded */
        MATCH.replace("BTC-USDT", "OLD-USDT"),
    ];
    let frames = [well_formed(message), documented.to_vec()].concat();
    assert_all_read(push_match, parse_frame, &markets(), &frames);
}

#[test]
fn awkward_matches_agree_or_decline() {
    let frames = awkward_frames("kucoin", message, MATCH, CHANGES);
    let read = assert_fast_path_agrees(push_match, parse_frame, &markets(), &frames);
    assert!(read > 150, "the hot path read {read} matches");
}
