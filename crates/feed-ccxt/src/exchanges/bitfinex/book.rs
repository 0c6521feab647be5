//! Bitfinex's L2 book: the `book` channel at precision `P0` (price levels), `len` levels
//! per side (<https://docs.bitfinex.com/reference/ws-public-books>), with checksums
//! (<https://docs.bitfinex.com/docs/ws-websocket-checksum>):
//!
//! - after subscribing, a snapshot `[CHAN_ID, [[PRICE, COUNT, AMOUNT], ...]]` replaces the
//!   book; then each level change comes alone, `[CHAN_ID, [PRICE, COUNT, AMOUNT]]`:
//!   `AMOUNT > 0` a bid, `< 0` an ask (its size is `|AMOUNT|`); `COUNT = 0` deletes the
//!   price (`AMOUNT` 1 for a bid, -1 for an ask);
//! - with `OB_CHECKSUM`, `[CHAN_ID, "cs", CHECKSUM]` follows every book iteration: the
//!   CRC32, as a signed 32-bit integer, of the best 25 bids and asks interleaved as
//!   `bidPrice:bidAmount:askPrice:askAmount:...` (a side that runs out is skipped), with
//!   ask amounts negative as sent and every number written as JavaScript writes it
//!   ([`checksum_text`]);
//! - the levels of an iteration are held until its checksum and applied with it as one
//!   change ([`super::state`]), so a delivered book is always one the exchange vouched for;
//! - there are no sequence numbers: a lost message shows as a checksum mismatch, and the
//!   symbol alone is subscribed again for a new snapshot. The stream keeps `len` levels, so
//!   the book is cut to `len` after every change.

use feed_core::book::checksum::crc32;
use feed_core::book::{
    BookParams, BookRules, BookSide, LevelTexts, LevelUpdate, OrderBook, SequenceRule,
    SnapshotSource,
};
use feed_core::runtime::FrameError;
use rust_decimal::Decimal;
use serde_json::value::RawValue;

use super::subscription::book_len;
use crate::adapter::Subscription;
use crate::parse::{decimal, malformed, scalar_text};

/// The documented synchronization (see the module docs).
pub(super) fn rules() -> BookRules {
    BookRules::new(SequenceRule::None, SnapshotSource::Stream)
        .with_checksum(checksum)
        .truncating()
}

/// `book_depth` levels of a `len`-level stream (at most 250).
pub(super) fn params(subscription: &Subscription) -> BookParams {
    let len = book_len(subscription.book_depth);
    BookParams {
        stream_depth: Some(len),
        ..BookParams::with_depth(subscription.book_depth.min(len))
    }
}

/// A number as JavaScript's `String(number)` writes it: no trailing zeros, and below
/// 1e-6 in exponent form (`1e-7`, `2.5e-8`).
fn push_js_number(out: &mut String, value: Decimal) {
    let value = value.normalize();
    if value.is_zero() {
        out.push('0');
        return;
    }
    if value.abs() >= Decimal::new(1, 6) {
        out.push_str(&value.to_string());
        return;
    }
    if value.is_sign_negative() {
        out.push('-');
    }
    let digits = value.mantissa().unsigned_abs().to_string();
    let exponent = digits.len() as i64 - 1 - i64::from(value.scale());
    out.push_str(&digits[..1]);
    if digits.len() > 1 {
        out.push('.');
        out.push_str(&digits[1..]);
    }
    out.push_str(&format!("e{exponent}"));
}

/// The text Bitfinex checksums (see the module docs).
pub(super) fn checksum_text(book: &OrderBook) -> String {
    let mut text = String::with_capacity(1024);
    let mut bids = book.levels(BookSide::Bid).take(25);
    let mut asks = book.levels(BookSide::Ask).take(25);
    loop {
        let (bid, ask) = (bids.next(), asks.next());
        if bid.is_none() && ask.is_none() {
            break;
        }
        for (level, sign) in [(bid, Decimal::ONE), (ask, Decimal::NEGATIVE_ONE)] {
            let Some(level) = level else {
                continue;
            };
            if !text.is_empty() {
                text.push(':');
            }
            push_js_number(&mut text, level.price);
            text.push(':');
            push_js_number(&mut text, level.size * sign);
        }
    }
    text
}

/// The book's checksum, as the bits of the signed integer Bitfinex sends.
fn checksum(book: &OrderBook, _params: &BookParams, _texts: &mut LevelTexts) -> u32 {
    crc32(checksum_text(book).as_bytes())
}

/// One level `[PRICE, COUNT, AMOUNT]` as a level change.
pub(super) fn level(raw: &RawValue) -> Result<LevelUpdate, FrameError> {
    let fields: Vec<&RawValue> =
        serde_json::from_str(raw.get()).map_err(|error| malformed(&error))?;
    let [price, count, amount] = fields[..] else {
        return Err(FrameError::Malformed(
            "a book level that is not [PRICE, COUNT, AMOUNT]".into(),
        ));
    };
    let price = decimal(&scalar_text(price, "PRICE")?, "PRICE")?;
    let count = decimal(&scalar_text(count, "COUNT")?, "COUNT")?;
    let amount = decimal(&scalar_text(amount, "AMOUNT")?, "AMOUNT")?;
    let side = if amount.is_sign_negative() {
        BookSide::Ask
    } else {
        BookSide::Bid
    };
    let size = if count.is_zero() {
        Decimal::ZERO
    } else {
        amount.abs()
    };
    Ok(LevelUpdate { side, price, size })
}

/// The levels of a snapshot `[[PRICE, COUNT, AMOUNT], ...]`.
pub(super) fn snapshot_levels(raw: &RawValue) -> Result<Vec<LevelUpdate>, FrameError> {
    let levels: Vec<&RawValue> =
        serde_json::from_str(raw.get()).map_err(|error| malformed(&error))?;
    levels.into_iter().map(level).collect()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn number(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn numbers_are_written_as_javascript_writes_them() {
        for (value, text) in [
            ("7254.70", "7254.7"),
            ("-3.3", "-3.3"),
            ("100.00", "100"),
            ("0.000001", "0.000001"),
            ("0.0000001", "1e-7"),
            ("-0.000000025", "-2.5e-8"),
            ("0", "0"),
        ] {
            let mut out = String::new();
            push_js_number(&mut out, number(value));
            assert_eq!(out, text, "{value}");
        }
    }

    /// A hand-computed vector (Python `zlib.crc32`): bids 7254.7 × 3.3 and 7254.6 × 1,
    /// an ask 7254.8 × 2.1 give `7254.7:3.3:7254.8:-2.1:7254.6:1`, CRC32 3696450435, sent
    /// as the signed -598516861.
    #[test]
    fn checksum_interleaves_with_negative_ask_amounts() {
        let mut book = OrderBook::new();
        book.apply(BookSide::Bid, number("7254.7"), number("3.3"));
        book.apply(BookSide::Bid, number("7254.6"), number("1"));
        book.apply(BookSide::Ask, number("7254.8"), number("2.1"));
        assert_eq!(checksum_text(&book), "7254.7:3.3:7254.8:-2.1:7254.6:1");
        assert_eq!(crc32(checksum_text(&book).as_bytes()), CHECKSUM);
        assert_eq!(CHECKSUM as i32, -598_516_861);
    }

    const CHECKSUM: u32 = 3_696_450_435;

    #[test]
    fn documented_levels() {
        let raw = |text: &str| serde_json::from_str::<&RawValue>(text).unwrap().to_owned();
        let bid = level(&raw("[7254.7,3,3.3]")).unwrap();
        assert_eq!(
            (bid.side, bid.price, bid.size),
            (BookSide::Bid, number("7254.7"), number("3.3"))
        );
        let ask = level(&raw("[7254.8,1,-2.1]")).unwrap();
        assert_eq!((ask.side, ask.size), (BookSide::Ask, number("2.1")));
        let gone = level(&raw("[7254.8,0,-1]")).unwrap();
        assert_eq!((gone.side, gone.size), (BookSide::Ask, Decimal::ZERO));
        assert!(level(&raw("[1,2]")).is_err());
        assert_eq!(
            snapshot_levels(&raw("[[7254.7,3,3.3],[7254.8,1,-2.1]]"))
                .unwrap()
                .len(),
            2
        );
    }
}
