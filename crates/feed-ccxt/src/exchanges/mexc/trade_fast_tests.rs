//! The MEXC deals hot path gives exactly the prost path's events, or declines: on generated
//! wrappers (awkward decimals, several deals, the symbol given or only in the topic), on
//! fields added, repeated or of another body, on 3,000 byte-level mutations of them, and on
//! the corpus's frames as bytes.

use prost::encoding::{encode_key, encode_varint, WireType};
use prost::Message;

use super::frame::parse_binary_frame;
use super::proto::{
    Body, PublicAggreDealsV3Api, PublicAggreDealsV3ApiItem, PublicAggreDepthV3ApiItem,
    PublicAggreDepthsV3Api, PushDataV3ApiWrapper,
};
use super::trade_fast::push_deals;
use crate::fast_path_check::{
    all_decimals, assert_binary_fast_path_agrees, corpus, Lcg, EXACT_DECIMALS, TRADE_IDS,
};
use crate::markets::Market;

fn markets() -> Vec<Market> {
    vec![
        Market::new("BTC", "USDT", "BTCUSDT"),
        Market::new("ETH", "USDT", "ETHUSDT"),
    ]
}

/// A deal with decimals of `decimals`, a side of `sides`, an id of [`TRADE_IDS`] (`""`:
/// none sent).
fn deal(rng: &mut Lcg, decimals: &[&str], sides: &[i32], i: usize) -> PublicAggreDealsV3ApiItem {
    PublicAggreDealsV3ApiItem {
        price: rng.pick(decimals).into(),
        quantity: rng.pick(decimals).into(),
        trade_type: sides[rng.below(sides.len())],
        time: 1_736_409_765_051 + i64::try_from(i).expect("a small index"),
        trade_id: rng.pick(TRADE_IDS).into(),
    }
}

/// A deals push of `symbol` with 1–5 deals: the symbol in `symbol` (documented), empty or
/// absent (the topic's then), times sometimes absent.
fn wrapper(
    rng: &mut Lcg,
    decimals: &[&str],
    sides: &[i32],
    symbol: &str,
    i: usize,
) -> PushDataV3ApiWrapper {
    let deals = (0..1 + rng.below(5))
        .map(|n| deal(rng, decimals, sides, i * 10 + n))
        .collect();
    let time = 1_736_409_765_052 + i64::try_from(i).expect("a small index");
    PushDataV3ApiWrapper {
        channel: format!("spot@public.aggre.deals.v3.api.pb@100ms@{symbol}"),
        body: Some(Body::PublicAggreDeals(PublicAggreDealsV3Api {
            deals,
            event_type: "spot@public.aggre.deals.v3.api.pb@100ms".into(),
        })),
        symbol: match rng.below(6) {
            0 => None,
            1 => Some(String::new()),
            _ => Some(symbol.into()),
        },
        symbol_id: (rng.below(3) == 0).then(|| "c8f2f2c1f7a54f3e".into()),
        create_time: (rng.below(2) == 0).then_some(time - 1),
        send_time: (rng.below(5) != 0).then_some(time),
    }
}

fn frames(rng: &mut Lcg, decimals: &[&str], sides: &[i32], symbols: &[&str]) -> Vec<Vec<u8>> {
    (0..400)
        .map(|i| {
            let symbol = rng.pick(symbols);
            wrapper(rng, decimals, sides, symbol, i).encode_to_vec()
        })
        .collect()
}

#[test]
fn well_formed_deals_take_the_hot_path_with_the_prost_events() {
    let mut rng = Lcg(17);
    let frames = frames(&mut rng, EXACT_DECIMALS, &[1, 2], &["BTCUSDT", "ETHUSDT"]);
    let read = assert_binary_fast_path_agrees(push_deals, parse_binary_frame, &markets(), &frames);
    assert_eq!(read, frames.len(), "every well-formed push is read fast");
}

/// A field `tag` of wire type 0 with `value`.
fn varint_field(tag: u32, value: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    encode_key(tag, WireType::Varint, &mut bytes);
    encode_varint(value, &mut bytes);
    bytes
}

/// A field `tag` of wire type 2 holding `value`.
fn bytes_field(tag: u32, value: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    encode_key(tag, WireType::LengthDelimited, &mut bytes);
    encode_varint(value.len() as u64, &mut bytes);
    bytes.extend_from_slice(value);
    bytes
}

/// `frame` with bytes inserted, flipped, removed, repeated or cut, once.
fn mutate(rng: &mut Lcg, frame: &[u8]) -> Vec<u8> {
    let mut bytes = frame.to_vec();
    let at = rng.below(bytes.len());
    match rng.below(5) {
        0 => bytes.truncate(at),
        1 => bytes[at] ^= 1 << rng.below(8),
        2 => bytes.insert(at, u8::try_from(rng.below(256)).expect("a byte")),
        3 => {
            bytes.remove(at);
        }
        _ => {
            let end = (at + 1 + rng.below(8)).min(bytes.len());
            let piece = bytes[at..end].to_vec();
            bytes.splice(at..at, piece);
        }
    }
    bytes
}

/// Wrappers with something the hot path does not read as the prost path does, or reads
/// only when both agree.
fn other_shapes(rng: &mut Lcg) -> Vec<Vec<u8>> {
    let base = wrapper(rng, EXACT_DECIMALS, &[1, 2], "BTCUSDT", 7);
    let bytes = base.encode_to_vec();
    let mut depth = base.clone();
    depth.body = Some(Body::PublicAggreDepths(PublicAggreDepthsV3Api {
        asks: vec![PublicAggreDepthV3ApiItem {
            price: "93220.00".into(),
            quantity: "1".into(),
        }],
        ..PublicAggreDepthsV3Api::default()
    }));
    let mut no_body = base.clone();
    no_body.body = None;
    let deal = deal(rng, EXACT_DECIMALS, &[1], 3).encode_to_vec();
    let body = |extra: &[u8]| {
        let deals = PublicAggreDealsV3Api {
            deals: vec![],
            event_type: String::new(),
        };
        let mut body = deals.encode_to_vec();
        body.extend_from_slice(&bytes_field(1, &deal));
        body.extend_from_slice(extra);
        [bytes.clone(), bytes_field(314, &body)].concat()
    };
    vec![
        depth.encode_to_vec(),
        no_body.encode_to_vec(),
        [bytes.clone(), bytes_field(3, b"ETHUSDT")].concat(), // symbol twice
        [bytes.clone(), bytes_field(1, b"spot@x")].concat(),  // channel twice
        [bytes.clone(), varint_field(6, 1)].concat(),         // sendTime twice
        [bytes.clone(), varint_field(7, 1)].concat(),         // an unknown field
        [bytes.clone(), bytes_field(3, &[0xff, 0xfe])].concat(), // not UTF-8
        body(&[]),                                            // a second body: prost merges
        body(&bytes_field(
            1,
            &[deal.clone(), varint_field(3, 2)].concat(),
        )), // tradeType twice
        body(&bytes_field(
            1,
            &[deal.clone(), varint_field(9, 2)].concat(),
        )), // unknown deal field
        body(&bytes_field(
            1,
            &[deal.clone(), bytes_field(1, b"1")].concat(),
        )), // price twice
        body(&bytes_field(2, b"spot@public.aggre.deals.v3.api.pb@100ms")), // eventType twice
        body(&bytes_field(1, &varint_field(3, 1))),           // a deal without price or quantity
        body(&bytes_field(
            1,
            &[deal.clone(), varint_field(4, u64::MAX)].concat(),
        )),
        [bytes.clone(), vec![0x0d, 0, 0, 0, 0]].concat(), // a fixed32 field
        [bytes.clone(), vec![0x80]].concat(),             // a cut varint
        [bytes.clone(), vec![0xff; 11]].concat(),         // a varint past ten bytes
        Vec::new(),
    ]
}

#[test]
fn awkward_deals_and_other_shapes_agree_or_decline() {
    let mut rng = Lcg(29);
    let decimals = all_decimals();
    let sides = [1, 2, 1, 2, 1, 2, 0, 3, -1, i32::MAX];
    let symbols = ["BTCUSDT", "ETHUSDT", "BTCUSDT", "XRPUSDT"];
    let mut frames = frames(&mut rng, &decimals, &sides, &symbols);
    frames.extend(other_shapes(&mut rng));
    frames.extend(corpus("mexc").into_iter().map(String::into_bytes));
    // Mutations of well-formed pushes, so that many stay near the layout.
    let seeds = self::frames(
        &mut Lcg(31),
        EXACT_DECIMALS,
        &[1, 2],
        &["BTCUSDT", "ETHUSDT"],
    );
    frames.extend((0..3000).map(|_| {
        let seed = &seeds[rng.below(seeds.len())];
        mutate(&mut rng, seed)
    }));
    let read = assert_binary_fast_path_agrees(push_deals, parse_binary_frame, &markets(), &frames);
    assert!(read > 300, "the hot path read {read} frames");
}
