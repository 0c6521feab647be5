//! What every cursor fast path shares: a frame is read whole or not at all, a trade's
//! fields are each filled once from the value the frame gives, and read the way the serde
//! paths read them.

use feed_core::book::{BookBatch, BookMessageKind};
use feed_core::runtime::FrameError;
use feed_core::{Event, Side, Symbol, Trade, TradeId};
use rust_decimal::Decimal;

use super::cursor::{JsonCursor, Scalar};
use super::number::parse_decimal;
use super::scalar::trade_id_from_text;
use crate::adapter::FrameContext;
use crate::parsed::ParsedFrame;

/// Runs a fast path's `read` over `out`; when it declines (`None`), every event it had
/// pushed is taken back, so the serde path starts from `out` as it was.
pub(crate) fn whole_or_declined(
    out: &mut ParsedFrame,
    read: impl FnOnce(&mut ParsedFrame) -> Option<()>,
) -> Option<()> {
    let before = out.events.len();
    let read = read(out);
    if read.is_none() {
        out.events.truncate(before);
    }
    read
}

/// A trade hot path: reads a frame in its venue's documented layout into `out`, or declines
/// (`None`) and leaves `out` as it found it.
pub(crate) type FastPath = fn(&str, &FrameContext<'_>, &mut ParsedFrame) -> Option<()>;

/// An adapter's serde path: every documented shape, and the error of any other frame.
pub(crate) type SerdePath = fn(&str, &FrameContext<'_>, &mut ParsedFrame) -> Result<(), FrameError>;

/// `frame` read by the hot path `fast`, or, when it declines, by the serde path `serde`.
///
/// # Errors
/// What `serde` finds wrong with a frame.
pub(crate) fn fast_or_serde(
    fast: FastPath,
    serde: SerdePath,
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Result<(), FrameError> {
    if fast(frame, context, out).is_some() {
        Ok(())
    } else {
        serde(frame, context, out)
    }
}

/// Runs `read` from a cursor at the start of `frame`; declines (taking back what it
/// pushed, as [`whole_or_declined`] does) when `read` does or leaves more than JSON
/// whitespace after what it read.
pub(crate) fn whole_frame<'a>(
    frame: &'a str,
    out: &mut ParsedFrame,
    read: impl FnOnce(&mut JsonCursor<'a>, &mut ParsedFrame) -> Option<()>,
) -> Option<()> {
    whole_or_declined(out, |out| {
        let mut cursor = JsonCursor::new(frame);
        read(&mut cursor, out)?;
        cursor.at_end().then_some(())
    })
}

/// A book hot path: reads a frame in its venue's documented layout into the batch, or
/// declines (`None`) when the frame is not in that layout or a value would not normalize.
/// What it pushed before declining is taken back by [`read_books`], and the serde path
/// reads the frame (and reports what is wrong with it).
pub(crate) type BookReader = fn(&str, &FrameContext<'_>, &mut BookBatch) -> Option<()>;

/// Runs a book hot path's `read` over `out`'s books; when it declines (`None`), every
/// message and level it had pushed is taken back, so the serde path starts from `out` as
/// it was.
pub(crate) fn read_books(
    read: BookReader,
    frame: &str,
    context: &FrameContext<'_>,
    out: &mut ParsedFrame,
) -> Option<()> {
    let mark = out.books.mark();
    let read = read(frame, context, &mut out.books);
    if read.is_none() {
        out.books.rollback(mark);
    }
    read
}

/// A book message's kind by its name: `snapshot`, or the venue's name of an update
/// (`update`, `delta`); `None` for anything else.
pub(crate) fn book_kind(name: &str, update: &str) -> Option<BookMessageKind> {
    if name == "snapshot" {
        Some(BookMessageKind::Snapshot)
    } else if name == update {
        Some(BookMessageKind::Delta)
    } else {
        None
    }
}

/// Fills an empty slot with a string; a second value for a key, or one that is not a
/// string, declines.
pub(crate) fn text<'a>(slot: &mut Option<&'a str>, value: Scalar<'a>) -> Option<()> {
    match (&slot, value) {
        (None, Scalar::Text(text)) => {
            *slot = Some(text);
            Some(())
        }
        _ => None,
    }
}

/// Fills an empty slot with any scalar; a second value for a key declines.
pub(crate) fn scalar<'a>(slot: &mut Option<Scalar<'a>>, value: Scalar<'a>) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value);
    Some(())
}

/// A flat object (see [`JsonCursor::flat_object`]) with the value of each of `keys`, in
/// the order of `keys` (`None` for a key it lacks); a key given twice declines, any other
/// key's value is not kept.
pub(crate) fn flat_fields<'a, const N: usize>(
    cursor: &mut JsonCursor<'a>,
    keys: [&str; N],
) -> Option<[Option<Scalar<'a>>; N]> {
    object_fields(cursor, keys, &[])
}

/// [`flat_fields`] of an object in which each key of `string_arrays` (Hyperliquid's
/// `users`) holds an array of strings (see [`JsonCursor::strings`]), read and not kept.
pub(crate) fn object_fields<'a, const N: usize>(
    cursor: &mut JsonCursor<'a>,
    keys: [&str; N],
    string_arrays: &[&str],
) -> Option<[Option<Scalar<'a>>; N]> {
    let mut values = [None; N];
    cursor.object(|key, cursor| {
        if string_arrays.contains(&key) {
            return cursor.strings();
        }
        let value = cursor.scalar()?;
        match keys.iter().position(|known| *known == key) {
            Some(index) => scalar(&mut values[index], value),
            None => Some(()),
        }
    })?;
    Some(values)
}

/// A frame that is one flat object (see [`JsonCursor::flat_object`]; nothing around it but
/// JSON whitespace after) whose `type` is `kind`, Gemini's and Upbit's
/// `{"type":"trade",...}`: the value of each of `keys`, in the order of `keys`, as
/// [`flat_fields`] gives them. `None` for another frame, a key given twice, or one of
/// `refused` present (the keys of error answers, which the serde path reads).
pub(crate) fn typed_flat_frame<'a, const N: usize>(
    frame: &'a str,
    kind: &str,
    keys: [&str; N],
    refused: &[&str],
) -> Option<[Option<Scalar<'a>>; N]> {
    let mut cursor = JsonCursor::new(frame);
    let (mut typed, mut values) = (None, [None; N]);
    cursor.flat_object(|key, value| {
        if key == "type" {
            return text(&mut typed, value);
        }
        match keys.iter().position(|known| *known == key) {
            Some(index) => scalar(&mut values[index], value),
            None if refused.contains(&key) => None,
            None => Some(()),
        }
    })?;
    (cursor.at_end() && typed? == kind).then_some(values)
}

/// The text of a string value; `None` for a value that is absent or not a string.
pub(crate) fn string(value: Option<Scalar<'_>>) -> Option<&str> {
    match value? {
        Scalar::Text(text) => Some(text),
        _ => None,
    }
}

/// The text of a number or a string value, as [`super::scalar_text`] reads one (a JSON
/// number as written, a string without its quotes); `None` for a value that is absent, a
/// boolean, or anything else.
pub(crate) fn number_text(value: Option<Scalar<'_>>) -> Option<&str> {
    match value? {
        Scalar::Text(text) | Scalar::Integer(text) | Scalar::Number(text) => Some(text),
        Scalar::Boolean(_) => None,
    }
}

/// A whole number sent as a JSON number or a numeric string, as [`super::integer`] reads
/// one; `None` for anything else.
pub(crate) fn whole_number(value: Option<Scalar<'_>>) -> Option<i64> {
    number_text(value)?.parse().ok()
}

/// A trade id as the serde paths read one ([`super::trade_id`]): a string is
/// [`TradeId::Number`] when it is a plain whole number, else [`TradeId::Text`]; a JSON
/// number must be a plain whole number. `None` for anything else.
pub(crate) fn trade_id(value: Scalar<'_>) -> Option<TradeId> {
    match value {
        Scalar::Text(text) => Some(trade_id_from_text(text)),
        Scalar::Integer(number) => match trade_id_from_text(number) {
            id @ TradeId::Number(_) => Some(id),
            TradeId::Text(_) => None,
        },
        Scalar::Number(_) | Scalar::Boolean(_) => None,
    }
}

/// `buy` or `sell` in any letter case; `None` for anything else.
pub(crate) fn side_any_case(text: &str) -> Option<Side> {
    if text.eq_ignore_ascii_case("buy") {
        Some(Side::Buy)
    } else if text.eq_ignore_ascii_case("sell") {
        Some(Side::Sell)
    } else {
        None
    }
}

/// `buy` or `sell`, exactly so; `None` for anything else.
pub(crate) fn buy_or_sell(text: &str) -> Option<Side> {
    match text {
        "buy" => Some(Side::Buy),
        "sell" => Some(Side::Sell),
        _ => None,
    }
}

/// The normalized trade of a frame's fields: `amount` and `price` as exact decimals (the
/// scale sent kept), or `None` when either is not one.
pub(crate) fn trade_event(
    context: &FrameContext<'_>,
    symbol: &Symbol,
    side: Side,
    amount: &str,
    price: &str,
    id: Option<TradeId>,
    timestamp: Decimal,
) -> Option<Event> {
    Some(Event::Trade(Trade {
        exchange: context.exchange.clone(),
        symbol: symbol.clone(),
        side,
        amount: parse_decimal(amount)?,
        price: parse_decimal(price)?,
        id,
        timestamp,
        receipt_timestamp: context.receipt,
    }))
}
