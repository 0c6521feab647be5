//! For the tests of the book hot paths: a cursor fast path must give exactly the book
//! messages of the serde path (ids, checksum, timestamp, levels, decimal text), or decline
//! and leave the output as it found it.

use feed_core::book::{BookBatch, BookMessageKind, BookSide};
use feed_core::Symbol;
use rust_decimal::Decimal;

use crate::adapter::FrameContext;
use crate::fast_path_check::{
    corpus_and_mutations, count_read, Lcg, EDGE_DECIMALS, EXACT_DECIMALS,
};
use crate::markets::Market;
use crate::parse::fast::{read_books, BookReader};
use crate::parsed::ParsedFrame;
use crate::testing::FrameParser;

/// The checks of a book hot path `fast` against its venue's serde path `slow`, with these
/// markets: `generate(rng, decimals, i)` writes the `i`th well-formed frame with these
/// decimals. 500 generated with exact decimals must all be read fast, with the serde path's
/// messages; 500 more, every other one with edge decimals too, then `variants` (hand-made
/// shapes near the layout; the first with whitespace around it, and a form feed, which JSON
/// does not count as whitespace), the venue's fuzz corpus and 3,000 mutations must agree or
/// decline, and more than 100 of them be read fast.
pub(crate) fn check_book_hot_path(
    fast: BookReader,
    slow: FrameParser,
    markets: &[Market],
    venue: &str,
    mut generate: impl FnMut(&mut Lcg, &[&str], usize) -> String,
    variants: &[String],
) {
    let mut rng = Lcg(17);
    let frames: Vec<String> = (0..500)
        .map(|i| generate(&mut rng, EXACT_DECIMALS, i))
        .collect();
    let read = assert_book_fast_path_agrees(fast, slow, markets, &frames);
    assert_eq!(read, frames.len(), "every well-formed frame is read fast");

    let mut rng = Lcg(29);
    let mut both: Vec<&str> = EXACT_DECIMALS.to_vec();
    both.extend_from_slice(EDGE_DECIMALS);
    // Every other frame with exact decimals only: a frame of many levels with edge
    // decimals among them almost always declines.
    let mut frames: Vec<String> = (0..500)
        .map(|i| {
            let decimals: &[&str] = if i % 2 == 0 { &both } else { EXACT_DECIMALS };
            generate(&mut rng, decimals, i)
        })
        .collect();
    frames.extend_from_slice(variants);
    if let Some(first) = variants.first() {
        frames.extend([
            format!(" {first}"),
            format!("{first} "),
            format!("{first}\u{c}"),
        ]);
    }
    let frames = [corpus_and_mutations(venue, &frames, 3000), frames].concat();
    let read = assert_book_fast_path_agrees(fast, slow, markets, &frames);
    assert!(read > 100, "the hot path read {read} frames");
}

/// 0 to 49 levels, `[level,...]`, each written by `write(rng, price, size)`: prices and
/// sizes from `decimals`, one size in five a zero that deletes the level.
pub(crate) fn levels(
    rng: &mut Lcg,
    decimals: &[&str],
    write: impl Fn(&mut Lcg, &str, &str) -> String,
) -> String {
    let levels: Vec<String> = (0..rng.below(50))
        .map(|_| {
            let price = rng.pick(decimals);
            let size = match rng.below(5) {
                0 => rng.pick(&["0", "0.0", "0.00000000"]),
                _ => rng.pick(decimals),
            };
            write(rng, price, size)
        })
        .collect();
    format!("[{}]", levels.join(","))
}

/// Runs every frame through `fast` (as the frame parsers do, [`read_books`]) and through
/// `slow` (the serde path) with these markets. When `fast` reads a frame, `slow` must read
/// it too, with the same book messages and levels (values and decimal text) and nothing
/// else; when `fast` declines, the output must be as it was. Returns how many frames `fast`
/// read.
pub(crate) fn assert_book_fast_path_agrees(
    fast: BookReader,
    slow: FrameParser,
    markets: &[Market],
    frames: &[String],
) -> usize {
    count_read(markets, frames, |context, frame| {
        book_fast_path_agrees(fast, slow, context, frame)
    })
}

/// A message already in the output before a frame: the fast path must keep it.
fn with_earlier_message() -> ParsedFrame {
    let mut out = ParsedFrame::default();
    out.books
        .start(Symbol::new("X", "Y"), BookMessageKind::Snapshot)
        .last_id = Some(7);
    out.books
        .push_level(BookSide::Bid, Decimal::ONE, Decimal::new(10, 1));
    out
}

/// Every message and level as text: `Decimal`'s equality ignores the scale
/// (`2000.10 == 2000.1`), the text does not.
fn exact_text(books: &BookBatch) -> Vec<String> {
    let messages = books.messages.iter().map(|message| {
        format!(
            "{} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            message.symbol,
            message.kind,
            message.first_id,
            message.last_id,
            message.prev_id,
            message.checksum,
            message.timestamp.map(|time| time.to_string()),
            message.levels
        )
    });
    let levels = books
        .levels
        .iter()
        .map(|level| format!("{:?} {} {}", level.side, level.price, level.size));
    messages.chain(levels).collect()
}

/// [`assert_book_fast_path_agrees`] on one frame: whether `fast` read it.
fn book_fast_path_agrees(
    fast: BookReader,
    slow: FrameParser,
    context: &FrameContext<'_>,
    frame: &str,
) -> bool {
    let earlier = exact_text(&with_earlier_message().books);
    let mut fast_out = with_earlier_message();
    if read_books(fast, frame, context, &mut fast_out).is_none() {
        assert_eq!(
            exact_text(&fast_out.books),
            earlier,
            "declined but left levels: {frame}"
        );
        assert!(
            fast_out.events.is_empty(),
            "declined but left events: {frame}"
        );
        return false;
    }
    let mut slow_out = with_earlier_message();
    if let Err(error) = slow(frame, context, &mut slow_out) {
        panic!("the fast path read a frame the serde path refuses ({error}): {frame}");
    }
    assert_eq!(fast_out.books.messages, slow_out.books.messages, "{frame}");
    assert_eq!(fast_out.books.levels, slow_out.books.levels, "{frame}");
    assert_eq!(
        exact_text(&fast_out.books),
        exact_text(&slow_out.books),
        "{frame}"
    );
    assert!(
        fast_out.events.is_empty() && slow_out.events.is_empty() && slow_out.acks.is_empty(),
        "more than books: {frame}"
    );
    true
}
