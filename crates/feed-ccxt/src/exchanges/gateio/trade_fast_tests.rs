//! The Gate trade hot path gives exactly the serde path's events, or declines: on the fuzz
//! corpus, on mutations of it, and on generated `spot.trades` updates.

use super::frame::parse_frame;
use super::trade_fast::push_trades;
use crate::fast_path_check::{
    assert_all_read, assert_fast_path_agrees, awkward_frames, object, optional_id, several,
    string_or_number, well_formed, Lcg,
};
use crate::markets::Market;

const FRACTIONS: &[&str] = &["", ".4578", ".0", ".123456789"];

/// The documented update (the corpus's first frame).
const UPDATE: &str = r#"{"time":1606292218,"time_ms":1606292218231,"channel":"spot.trades","event":"update","result":{"id":309143071,"create_time":1606292218,"create_time_ms":"1606292218213.4578","side":"sell","currency_pair":"GT_USDT","amount":"16.4700000000","price":"0.4705000000","range":"2390902-2390902"}}"#;

/// Changes of the documented update, each made alone: every one must agree or decline.
const CHANGES: &[(&str, &str)] = &[
    (r#""side":"sell""#, r#""side":"SELL""#),
    (r#""side":"sell""#, r#""side":null"#),
    (r#""side":"sell""#, r#""side":2"#),
    (r#""side":"sell","#, ""),
    (r#""currency_pair":"GT_USDT""#, r#""currency_pair":1"#),
    (r#""currency_pair":"GT_USDT","#, ""),
    (
        r#""create_time_ms":"1606292218213.4578""#,
        r#""create_time_ms":"soon""#,
    ),
    (
        r#""create_time_ms":"1606292218213.4578""#,
        r#""create_time_ms":true"#,
    ),
    (
        r#""create_time_ms":"1606292218213.4578""#,
        r#""create_time_ms":1e3"#,
    ),
    (r#""create_time_ms":"1606292218213.4578","#, ""),
    (r#""create_time":1606292218,"#, ""),
    (r#""create_time":1606292218,"#, r#""create_time":"x","#),
    (
        r#""create_time":1606292218,"create_time_ms":"1606292218213.4578","#,
        "",
    ),
    (
        r#""create_time":1606292218,"create_time_ms":"1606292218213.4578","#,
        r#""create_time":"1606292218.5","#,
    ),
    (r#""amount":"16.4700000000""#, r#""amount":16.4700000000"#),
    (r#""amount":"16.4700000000""#, r#""amount":"x""#),
    (r#""amount":"16.4700000000","#, ""),
    (
        r#""price":"0.4705000000""#,
        r#""price":"0.4705000000","price":"1""#,
    ),
    (r#""price":"0.4705000000""#, r#""price":null"#),
    (r#""id":309143071"#, r#""id":"309143071""#),
    (r#""id":309143071"#, r#""id":-3"#),
    (r#""id":309143071"#, r#""id":1.5"#),
    (r#""id":309143071,"#, ""),
    (r#""range":"2390902-2390902""#, r#""range":{}"#),
    (r#""range":"2390902-2390902""#, r#""range":"a\"b""#),
    (r#""event":"update""#, r#""event":"subscribe""#),
    (r#""event":"update""#, r#""event": "update""#),
    (r#""channel":"spot.trades""#, r#""channel":"spot.tickers""#),
    (r#""result":{"#, r#""error":null,"result":{"#),
    (r#""result":{"#, r#""result":[{"#),
    (r#""result":{"#, r#""result":[{},{"#),
    (r#""time_ms":1606292218231"#, r#""time_ms":"1606292218231""#),
    (r#""time":1606292218,"time_ms""#, r#""time_ms""#),
    ("\"}}", "\"},\"extra\":1}"),
];

fn markets() -> Vec<Market> {
    vec![
        Market::new("GT", "USDT", "GT_USDT"),
        Market::new("BTC", "USDT", "BTC_USDT"),
    ]
}

/// One trade in the documented order or another: `id` a number (documented), a string or
/// absent; `create_time_ms` a string (documented), a number or absent (`create_time` read);
/// `amount` and `price` strings (documented) or numbers.
fn trade(rng: &mut Lcg, decimals: &[&str], i: usize) -> String {
    let seconds = 1_606_292_218 + i;
    let pair = rng.pick(&["GT_USDT", "BTC_USDT", "GT_USDT", "BTC_USDT", "XRP_USDT"]);
    let mut fields: Vec<String> = optional_id(rng, "id", 309_143_071 + i)
        .into_iter()
        .collect();
    fields.push(format!(r#""create_time":{seconds}"#));
    if rng.below(5) != 0 {
        let millis = format!("{seconds}{:03}{}", i % 1000, rng.pick(FRACTIONS));
        let millis = string_or_number(rng, &millis);
        fields.push(format!(r#""create_time_ms":{millis}"#));
    }
    let side = rng.pick(&["buy", "sell"]);
    let (amount, price) = (rng.pick(decimals), rng.pick(decimals));
    let (amount, price) = (string_or_number(rng, amount), string_or_number(rng, price));
    fields.extend([
        format!(r#""side":"{side}""#),
        format!(r#""currency_pair":"{pair}""#),
        format!(r#""amount":{amount}"#),
        format!(r#""price":{price}"#),
        format!(r#""range":"{i}-{i}""#),
    ]);
    object(rng, fields)
}

/// An update of one trade (documented) or, one time in three, an array of 1–5.
fn update(rng: &mut Lcg, decimals: &[&str], i: usize) -> String {
    let result = if rng.below(3) == 0 {
        format!(
            "[{}]",
            several(rng, |rng, n| trade(rng, decimals, i * 10 + n))
        )
    } else {
        trade(rng, decimals, i)
    };
    format!(
        r#"{{"time":{},"time_ms":{},"channel":"spot.trades","event":"update","result":{result}}}"#,
        1_606_292_218 + i,
        1_606_292_218_231 + i
    )
}

#[test]
fn well_formed_updates_take_the_hot_path_with_the_serde_events() {
    let documented = [
        UPDATE.to_owned(),
        UPDATE.replace("GT_USDT", "OLD_USDT"), /* not subscribed */
    ];
    let frames = [well_formed(update), documented.to_vec()].concat();
    assert_all_read(push_trades, parse_frame, &markets(), &frames);
}

#[test]
fn awkward_updates_and_arrays_agree_or_decline() {
    let frames = awkward_frames("gateio", update, UPDATE, CHANGES);
    let read = assert_fast_path_agrees(push_trades, parse_frame, &markets(), &frames);
    assert!(read > 150, "the hot path read {read} frames");
}
