//! The Bitget trade hot path gives exactly the serde path's events, or declines: on the
//! fuzz corpus, on mutations of it, and on generated `update` pushes.

use super::frame::parse_frame;
use super::trade_fast::push_update;
use crate::fast_path_check::{
    assert_all_read, assert_fast_path_agrees, awkward_frames, object, optional_id, several,
    string_or_number, well_formed, Lcg,
};
use crate::markets::Market;

/// The documented update (two trades, the corpus's first frame).
const UPDATE: &str = r#"{"action":"update","arg":{"instType":"SPOT","channel":"trade","instId":"BTCUSDT"},"data":[{"ts":"1695716760565","price":"27000.5","size":"0.001","side":"buy","tradeId":"1111111111"},{"ts":"1695716759514","price":"27000.0","size":"0.001","side":"sell","tradeId":"1111111112"}],"ts":1695716761589}"#;

/// Changes of the documented update, each made alone: every one must agree or decline.
const CHANGES: &[(&str, &str)] = &[
    (r#""side":"buy""#, r#""side":"BUY""#),
    (r#""side":"buy""#, r#""side":"both""#),
    (r#""side":"sell""#, r#""side":null"#),
    (r#""side":"sell""#, r#""side":1"#),
    (r#""ts":"1695716760565""#, r#""ts":1695716760565"#),
    (r#""ts":"1695716760565""#, r#""ts":"soon""#),
    (r#""ts":"1695716760565""#, r#""ts":1.5"#),
    (r#""ts":"1695716760565""#, r#""ts":true"#),
    (r#""ts":"1695716759514","#, ""),
    (r#""price":"27000.5""#, r#""price":27000.5"#),
    (r#""price":"27000.5""#, r#""price":"27000.5","price":"1""#),
    (r#""price":"27000.5""#, r#""price":"x""#),
    (r#""size":"0.001","#, r#""size":"0.001","px2":{},"#),
    (r#""size":"0.001","#, r#""size":"0.001","note":null,"#),
    (r#","tradeId":"1111111111""#, ""),
    (r#""tradeId":"1111111111""#, r#""tradeId":1111111111"#),
    (r#""tradeId":"1111111111""#, r#""tradeId":-3"#),
    (r#""tradeId":"1111111111""#, r#""tradeId":1.5"#),
    (r#""tradeId":"1111111111""#, r#""tradeId":true"#),
    (r#""tradeId":"1111111111""#, r#""tradeId":"a\"b""#),
    (r#""action":"update""#, r#""action":"snapshot""#),
    (r#""action":"update""#, r#""action": "update""#),
    (r#""channel":"trade""#, r#""channel":"books""#),
    (r#""instId":"BTCUSDT""#, r#""instId":"B\u0054CUSDT""#),
    (r#""instType":"SPOT","#, ""),
    (r#""data":[{"#, r#""data":[{},{"#),
    (r#"],"ts":"#, r#"],"extra":1,"ts":"#),
    (r#""ts":1695716761589}"#, r#""ts":"1695716761589"}"#),
    ("}],", "}],\"data\":[],"),
];

fn markets() -> Vec<Market> {
    vec![
        Market::new("BTC", "USDT", "BTCUSDT"),
        Market::new("ETH", "USDT", "ETHUSDT"),
    ]
}

/// One trade in the documented order or another, `ts` a string (documented) or a number,
/// `tradeId` a string, a number or absent.
fn trade(rng: &mut Lcg, decimals: &[&str], i: usize) -> String {
    let ts = string_or_number(rng, &(1_695_716_760_565 + i).to_string());
    let mut fields = vec![
        format!(r#""ts":{ts}"#),
        format!(r#""price":"{}""#, rng.pick(decimals)),
        format!(r#""size":"{}""#, rng.pick(decimals)),
        format!(r#""side":"{}""#, rng.pick(&["buy", "sell"])),
    ];
    fields.extend(optional_id(rng, "tradeId", 1_111_111_111 + i));
    object(rng, fields)
}

/// An update of 1–5 trades, one time in five of a market not subscribed.
fn update(rng: &mut Lcg, decimals: &[&str], i: usize) -> String {
    let inst_id = rng.pick(&["BTCUSDT", "ETHUSDT", "BTCUSDT", "ETHUSDT", "XRPUSDT"]);
    let inst_type = rng.pick(&["SPOT", "SPOT", "USDT-FUTURES"]);
    let trades = several(rng, |rng, n| trade(rng, decimals, i * 10 + n));
    format!(
        r#"{{"action":"update","arg":{{"instType":"{inst_type}","channel":"trade","instId":"{inst_id}"}},"data":[{trades}],"ts":{}}}"#,
        1_695_716_761_589 + i
    )
}

#[test]
fn well_formed_updates_take_the_hot_path_with_the_serde_events() {
    let documented = [
        UPDATE.to_owned(),
        UPDATE.replace("BTCUSDT", "NEWUSDT"), /* not subscribed: read, no events */
    ];
    let frames = [well_formed(update), documented.to_vec()].concat();
    assert_all_read(push_update, parse_frame, &markets(), &frames);
}

#[test]
fn awkward_updates_agree_or_decline() {
    let frames = awkward_frames("bitget", update, UPDATE, CHANGES);
    let read = assert_fast_path_agrees(push_update, parse_frame, &markets(), &frames);
    assert!(read > 150, "the hot path read {read} updates");
}
