//! The HTX trade detail hot path gives exactly the serde path's events, or declines: on
//! the fuzz corpus, on mutations of it, and on generated pushes of 1 to 5 trades; and a
//! gzip frame read with the reused decoder gives what a fresh decoder gives.

use std::cell::Cell;
use std::io::Write;

use super::frame::{parse_frame, parse_gzip_frame};
use super::trade_fast::push_trades;
use crate::fast_path_check::{
    assert_agrees_with_mutations, assert_all_read, count_read, variants, Lcg, EDGE_DECIMALS,
    EXACT_DECIMALS,
};
use crate::markets::Market;
use crate::parsed::ParsedFrame;

/// Markets traded: `xrpusdt` is not subscribed (its pushes decline, and serde skips them).
const MARKETS: &[&str] = &["btcusdt", "ethbtc", "solusdt", "xrpusdt"];
/// Trade ids: HTX's whole numbers, and strings.
const IDS: &[&str] = &["102523573486", "0", r#""102523573487""#, r#""007""#];
/// The documented push.
const DOCUMENTED: &str = r#"{"ch":"market.btcusdt.trade.detail","ts":1630994963175,"tick":{"id":137005445109,"ts":1630994963173,"data":[{"id":137005445109359286410323766,"ts":1630994963173,"tradeId":102523573486,"amount":0.006754,"price":52648.62,"direction":"buy"}]}}"#;

fn markets() -> Vec<Market> {
    vec![
        Market::new("BTC", "USDT", "btcusdt"),
        Market::new("ETH", "BTC", "ethbtc"),
        Market::new("SOL", "USDT", "solusdt"),
    ]
}

/// One trade: the documented key order or another; decimals as JSON numbers, now and then
/// as strings.
fn trade(rng: &mut Lcg, decimals: &[&str], i: usize) -> String {
    let mut decimal = || {
        let text = rng.pick(decimals);
        if rng.below(5) == 0 {
            format!("\"{text}\"")
        } else {
            text.to_owned()
        }
    };
    let (amount, price) = (decimal(), decimal());
    let mut fields = [
        format!(
            r#""id":{}"#,
            137_005_445_109_359_286_410_323_766_u128 + i as u128
        ),
        format!(r#""ts":{}"#, 1_630_994_963_173_u64 + i as u64),
        format!(r#""tradeId":{}"#, rng.pick(IDS)),
        format!(r#""amount":{amount}"#),
        format!(r#""price":{price}"#),
        format!(r#""direction":"{}""#, rng.pick(&["buy", "sell"])),
    ];
    if rng.below(3) == 0 {
        fields.rotate_left(1 + rng.below(5));
    }
    format!("{{{}}}", fields.join(","))
}

/// `count` generated pushes (seeded by `seed`), decimals drawn from `decimals`.
fn generated(seed: u64, decimals: &[&str], count: usize) -> Vec<String> {
    let mut rng = Lcg(seed);
    (0..count)
        .map(|i| {
            let market = rng.pick(MARKETS);
            let trades: Vec<String> = (0..1 + rng.below(5))
                .map(|n| trade(&mut rng, decimals, i * 10 + n))
                .collect();
            let ts = 1_630_994_963_175_u64 + i as u64;
            let tick = if rng.below(4) == 0 {
                format!(r#"{{"data":[{}],"id":{ts},"ts":{ts}}}"#, trades.join(","))
            } else {
                format!(r#"{{"id":{ts},"ts":{ts},"data":[{}]}}"#, trades.join(","))
            };
            format!(r#"{{"ch":"market.{market}.trade.detail","ts":{ts},"tick":{tick}}}"#)
        })
        .collect()
}

/// One thing wrong or unusual at a time in the documented push: `(from, to)`.
const ODD: &[(&str, &str)] = &[
    (r#""direction":"buy""#, r#""direction":"BUY""#),
    (r#""direction":"buy""#, r#""direction":null"#),
    (r#""amount":0.006754"#, r#""amount":"0.006754""#),
    (r#""amount":0.006754"#, r#""amount":1e-5"#),
    (r#""amount":0.006754"#, r#""amount":true"#),
    (r#""price":52648.62"#, r#""price":52648.62,"price":1"#),
    (r#""tradeId":102523573486"#, r#""tradeId":-1"#),
    (r#""tradeId":102523573486"#, r#""tradeId":1.5"#),
    (
        r#""ts":1630994963173,"tradeId""#,
        r#""ts":"1630994963173","tradeId""#,
    ),
    (r#""ts":1630994963173,"tradeId""#, r#""tradeId""#),
    (r#""tick":{"id":137005445109,"#, r#""tick":{"#),
    (r#""tick":{"id":137005445109,"#, r#""tick":{"id":[1],"#),
    (r#""data":["#, r#""data":[],"data":["#),
    (
        r#""data":[{"id":137005445109359286410323766,"ts":1630994963173,"tradeId":102523573486,"amount":0.006754,"price":52648.62,"direction":"buy"}]"#,
        r#""x":1"#,
    ),
    ("market.btcusdt.trade.detail", "market.xrpusdt.trade.detail"),
    (
        "market.btcusdt.trade.detail",
        "market.btcusdt.trade.detail2",
    ),
    ("market.btcusdt.trade.detail", "market.btcusdt.kline.1min"),
    (r#""ts":1630994963175,"#, r#""ts":"1630994963175","#),
    (r#"}]}}"#, r#"}]},"extra":1}"#),
    (r#""tick":{"#, r#""tick": {"#),
];

/// The documented push, then with each of [`ODD`].
fn odd_shapes() -> Vec<String> {
    variants(DOCUMENTED, ODD)
}

#[test]
fn well_formed_pushes_take_the_hot_path_with_the_serde_events() {
    let mut frames = generated(59, EXACT_DECIMALS, 400);
    frames.retain(|frame| !frame.contains("xrpusdt"));
    frames.push(DOCUMENTED.to_owned());
    assert_all_read(push_trades, parse_frame, &markets(), &frames);
}

#[test]
fn edge_decimals_and_other_shapes_agree_or_decline() {
    let decimals = [EXACT_DECIMALS, EDGE_DECIMALS].concat();
    let mut frames = odd_shapes();
    frames.append(&mut generated(61, &decimals, 400));
    // A push declines when any of its trades would not normalize: well-formed ones too, so
    // that the mutations have near misses of both.
    frames.append(&mut generated(63, EXACT_DECIMALS, 200));
    assert_agrees_with_mutations(push_trades, parse_frame, &markets(), "htx", frames);
}

fn gzip(text: &str) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(text.as_bytes()).expect("gzip to memory");
    encoder.finish().expect("gzip to memory")
}

/// Frames one after another through the reused decoder, good and broken interleaved: each
/// gives what the text gives on its own (a broken one its error, and no harm to the next).
#[test]
fn the_reused_decoder_reads_each_frame_as_a_fresh_one_would() {
    let texts = generated(67, EXACT_DECIMALS, 60);
    let seen = Cell::new(0);
    let checked = count_read(&markets(), &texts, |context, text| {
        let mut fresh = ParsedFrame::default();
        let expected = parse_frame(text, context, &mut fresh).map(|()| fresh.events);
        let compressed = gzip(text);
        seen.set(seen.get() + 1);
        if seen.get() % 3 == 0 {
            let mut broken = ParsedFrame::default();
            let half = &compressed[..compressed.len() / 2];
            assert!(parse_gzip_frame(half, context, &mut broken).is_err());
            assert!(parse_gzip_frame(b"not gzip", context, &mut broken).is_err());
        }
        let mut reused = ParsedFrame::default();
        let got = parse_gzip_frame(&compressed, context, &mut reused).map(|()| reused.events);
        assert_eq!(got, expected, "{text}");
        true
    });
    assert_eq!(checked, texts.len());
}
