//! CRC32 book checksums in the formats exchanges document, built from the book's levels
//! with the text each exchange prescribes.
//!
//! - OKX (and Bitget): the best 25 bids and asks interleaved as
//!   `bid1price:bid1size:ask1price:ask1size:bid2price:...` (a side that runs out is
//!   skipped), prices and sizes as the exchange sent them; the CRC32 compared as a signed
//!   32-bit integer ([`okx_checksum`]).
//! - Kraken (WebSocket v2): the best 10 asks (ascending) then the best 10 bids
//!   (descending); for each level its price then its quantity, each written with the
//!   instrument's precision, the decimal point removed and leading zeros stripped, all
//!   concatenated; the CRC32 as an unsigned 32-bit integer ([`kraken_checksum`]).
//!
//! Both go through [`LevelTexts`]: a book's checksum after each message writes out only the
//! levels that changed since the last one (`okx_checksum_with`, `kraken_checksum_with`);
//! the plain functions start from nothing and give the same text.

use rust_decimal::Decimal;

use super::level_texts::LevelTexts;
use super::order_book::{BookSide, OrderBook};
use crate::types::json::push_decimal;
use crate::types::Level;

/// The [`LevelTexts`] key of OKX's level format.
const OKX_FORMAT: u64 = 1;

/// The CRC32 (IEEE) of `bytes`.
#[must_use]
pub fn crc32(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

/// One level as OKX checksums it: `price:size`, as the exchange sent them.
fn write_okx_level(level: &Level, out: &mut Vec<u8>) {
    push_decimal(out, &level.price);
    out.push(b':');
    push_decimal(out, &level.size);
}

/// Composes OKX's text of the best `depth` levels into `texts.text`.
fn compose_okx(book: &OrderBook, depth: usize, texts: &mut LevelTexts) {
    for side in [BookSide::Bid, BookSide::Ask] {
        texts.refresh(book, side, depth, OKX_FORMAT, write_okx_level);
    }
    let mut text = std::mem::take(&mut texts.text);
    text.clear();
    let levels = texts.len(BookSide::Bid).max(texts.len(BookSide::Ask));
    for position in 0..levels {
        for side in [BookSide::Bid, BookSide::Ask] {
            if let Some(level) = texts.get(side, position) {
                if !text.is_empty() {
                    text.push(b':');
                }
                text.extend_from_slice(level);
            }
        }
    }
    texts.text = text;
}

/// The text OKX checksums: the best `depth` levels of each side interleaved,
/// `bid:size:ask:size:...`, each number as the exchange sent it.
pub fn okx_checksum_text(book: &OrderBook, depth: usize, out: &mut Vec<u8>) {
    let mut texts = LevelTexts::new();
    compose_okx(book, depth, &mut texts);
    out.clear();
    out.extend_from_slice(&texts.text);
}

/// OKX's checksum of the best 25 levels, as the signed integer OKX sends.
#[must_use]
pub fn okx_checksum(book: &OrderBook) -> i32 {
    okx_checksum_with(book, &mut LevelTexts::new())
}

/// [`okx_checksum`], writing only the levels `texts` does not have from the last call (and
/// nothing when no change within the best 25 was reported to it since).
pub fn okx_checksum_with(book: &OrderBook, texts: &mut LevelTexts) -> i32 {
    if let Some(checksum) = texts.unchanged(OKX_FORMAT) {
        return checksum as i32;
    }
    compose_okx(book, 25, texts);
    let checksum = crc32(&texts.text);
    texts.remember(checksum);
    checksum as i32
}

/// One number as Kraken checksums it: written with `scale` fraction digits (when given),
/// without the decimal point and without leading zeros.
fn push_kraken_number(out: &mut Vec<u8>, value: &Decimal, scale: Option<u32>) {
    let mut value = *value;
    if let Some(scale) = scale {
        value.rescale(scale);
    }
    let mut digits = Vec::with_capacity(40);
    push_decimal(&mut digits, &value);
    let mut leading = true;
    for digit in digits
        .into_iter()
        .filter(|byte| *byte != b'.' && *byte != b'-')
    {
        if leading && digit == b'0' {
            continue;
        }
        leading = false;
        out.push(digit);
    }
}

/// The [`LevelTexts`] key of Kraken's format with these precisions.
fn kraken_format(price_scale: Option<u32>, size_scale: Option<u32>) -> u64 {
    let scale = |scale: Option<u32>| scale.map_or(0xff, u64::from) & 0xff;
    2 | scale(price_scale) << 8 | scale(size_scale) << 16
}

/// Composes Kraken's text (see the module docs) into `texts.text`.
fn compose_kraken(
    book: &OrderBook,
    price_scale: Option<u32>,
    size_scale: Option<u32>,
    texts: &mut LevelTexts,
) {
    let key = kraken_format(price_scale, size_scale);
    let mut text = std::mem::take(&mut texts.text);
    text.clear();
    for side in [BookSide::Ask, BookSide::Bid] {
        texts.refresh(book, side, 10, key, |level, out| {
            push_kraken_number(out, &level.price, price_scale);
            push_kraken_number(out, &level.size, size_scale);
        });
        for position in 0..texts.len(side) {
            text.extend_from_slice(texts.get(side, position).unwrap_or_default());
        }
    }
    texts.text = text;
}

/// The text Kraken checksums (see the module docs).
pub fn kraken_checksum_text(
    book: &OrderBook,
    price_scale: Option<u32>,
    size_scale: Option<u32>,
    out: &mut Vec<u8>,
) {
    let mut texts = LevelTexts::new();
    compose_kraken(book, price_scale, size_scale, &mut texts);
    out.clear();
    out.extend_from_slice(&texts.text);
}

/// Kraken's checksum of the best 10 levels, as the unsigned integer Kraken sends.
#[must_use]
pub fn kraken_checksum(book: &OrderBook, price_scale: Option<u32>, size_scale: Option<u32>) -> u32 {
    kraken_checksum_with(book, price_scale, size_scale, &mut LevelTexts::new())
}

/// [`kraken_checksum`], writing only the levels `texts` does not have from the last call
/// (and nothing when no change within the best 10 was reported to it since).
pub fn kraken_checksum_with(
    book: &OrderBook,
    price_scale: Option<u32>,
    size_scale: Option<u32>,
    texts: &mut LevelTexts,
) -> u32 {
    if let Some(checksum) = texts.unchanged(kraken_format(price_scale, size_scale)) {
        return checksum;
    }
    compose_kraken(book, price_scale, size_scale, texts);
    let checksum = crc32(&texts.text);
    texts.remember(checksum);
    checksum
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn book(bids: &[(&str, &str)], asks: &[(&str, &str)]) -> OrderBook {
        let mut book = OrderBook::new();
        for (price, size) in bids {
            book.apply(
                BookSide::Bid,
                Decimal::from_str(price).unwrap(),
                Decimal::from_str(size).unwrap(),
            );
        }
        for (price, size) in asks {
            book.apply(
                BookSide::Ask,
                Decimal::from_str(price).unwrap(),
                Decimal::from_str(size).unwrap(),
            );
        }
        book
    }

    #[test]
    fn crc32_is_ieee() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn okx_interleaves_and_skips_the_shorter_side() {
        let book = book(
            &[("3366.1", "7"), ("3366", "6")],
            &[("3366.8", "9"), ("3368", "8"), ("3372", "8")],
        );
        let mut text = Vec::new();
        okx_checksum_text(&book, 25, &mut text);
        assert_eq!(
            String::from_utf8(text.clone()).unwrap(),
            "3366.1:7:3366.8:9:3366:6:3368:8:3372:8"
        );
        assert_eq!(okx_checksum(&book), crc32(&text) as i32);
    }

    #[test]
    fn kraken_writes_precision_digits_without_point_or_leading_zeros() {
        let book = book(&[("0.05005", "0.00000500")], &[("0.05010", "1.5")]);
        let mut text = Vec::new();
        kraken_checksum_text(&book, Some(5), Some(8), &mut text);
        assert_eq!(String::from_utf8(text).unwrap(), "50101500000005005500");
    }

    /// The two check strings of OKX's documentation (values as in OKEx's v3 docs).
    #[test]
    fn okx_documented_vectors() {
        let first = book(
            &[("3366.1", "7"), ("3366", "6")],
            &[("3366.8", "9"), ("3368", "8")],
        );
        assert_eq!(okx_checksum(&first), -1_881_014_294);
        let second = book(
            &[("3366.1", "7")],
            &[("3366.8", "9"), ("3368", "8"), ("3372", "8")],
        );
        let mut text = Vec::new();
        okx_checksum_text(&second, 25, &mut text);
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "3366.1:7:3366.8:9:3368:8:3372:8"
        );
        assert_eq!(okx_checksum(&second), 831_078_360);
    }

    /// Kraken's v2 checksum guide: the BTC/USD snapshot (numbers as strings with the pair's
    /// precision) gives 3310070434.
    #[test]
    fn kraken_documented_btc_usd_vector() {
        let bids = [
            ("45283.5", "0.10000000"),
            ("45283.4", "1.54582015"),
            ("45282.1", "0.10000000"),
            ("45281.0", "0.10000000"),
            ("45280.3", "1.54592586"),
            ("45279.0", "0.07990000"),
            ("45277.6", "0.03310103"),
            ("45277.5", "0.30000000"),
            ("45277.3", "1.54602737"),
            ("45276.6", "0.15445238"),
        ];
        let asks = [
            ("45285.2", "0.00100000"),
            ("45286.4", "1.54571953"),
            ("45286.6", "1.54571109"),
            ("45289.6", "1.54560911"),
            ("45290.2", "0.15890660"),
            ("45291.8", "1.54553491"),
            ("45294.7", "0.04454749"),
            ("45296.1", "0.35380000"),
            ("45297.5", "0.09945542"),
            ("45299.5", "0.18772827"),
        ];
        let book = book(&bids, &asks);
        assert_eq!(kraken_checksum(&book, Some(1), Some(8)), 3_310_070_434);
        assert_eq!(
            kraken_checksum(&book, None, None),
            3_310_070_434,
            "scales as sent"
        );
    }

    /// Kraken's v2 book page: the MATIC/USD snapshot sent as JSON numbers (`0.566`,
    /// `18097.1547`) matches 2439117997 only when written with the pair's precisions
    /// (price 4, qty 8); the update that follows gives 2114181697.
    #[test]
    fn kraken_documented_matic_vectors_need_the_pairs_precision() {
        let bids = [
            ("0.5666", "4831.75496356"),
            ("0.5665", "6658.22734739"),
            ("0.5664", "18724.91513344"),
            ("0.5663", "11563.92544914"),
            ("0.5662", "14006.65365711"),
            ("0.5661", "17454.85679807"),
            ("0.566", "18097.1547"),
            ("0.5659", "33644.89175666"),
            ("0.5658", "148.3464"),
            ("0.5657", "606.70854372"),
        ];
        let asks = [
            ("0.5668", "4410.79769741"),
            ("0.5669", "4655.40412487"),
            ("0.567", "49844.89424998"),
            ("0.5671", "24306.41678"),
            ("0.5672", "29783.25223475"),
            ("0.5673", "57234.71239278"),
            ("0.5674", "45065.04744"),
            ("0.5675", "5912.76380354"),
            ("0.5676", "42514.92434778"),
            ("0.5677", "36304.0847022"),
        ];
        let mut book = book(&bids, &asks);
        assert_eq!(kraken_checksum(&book, Some(4), Some(8)), 2_439_117_997);
        assert_ne!(
            kraken_checksum(&book, None, None),
            2_439_117_997,
            "as sent is not enough"
        );
        book.apply(
            BookSide::Bid,
            Decimal::from_str("0.5657").unwrap(),
            Decimal::from_str("1098.3947558").unwrap(),
        );
        assert_eq!(kraken_checksum(&book, Some(4), Some(8)), 2_114_181_697);
    }
}
