//! For the tests of the hot paths: a cursor fast path must give exactly the events of the
//! serde path, or decline. Frames to check it on: the venue's fuzz corpus, mutations of it,
//! and generated frames with awkward decimals.

use std::path::Path;
use std::sync::Arc;

use feed_core::runtime::FrameError;
use feed_core::{Event, Side, Symbol, Trade};
use feed_testkit::fuzz::{mutations_of, INTERESTING_TOKENS};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use rust_decimal::Decimal;

use crate::adapter::FrameContext;
use crate::markets::{Market, MarketMap};
use crate::parsed::ParsedFrame;
use crate::testing::FrameParser;

/// A hot path: `None` when it declines the frame.
pub(crate) type FastParser = fn(&str, &FrameContext<'_>, &mut ParsedFrame) -> Option<()>;

/// Decimal texts `parse_decimal` reads exactly: tiny, huge, trailing zeros, no point, the
/// 18-character edge of its fast case and the 28 digits a `Decimal` holds.
pub(crate) const EXACT_DECIMALS: &[&str] = &[
    "0.00000001",
    "0.000000000000000001",
    "0.0000000000000000000000000001",
    "42219.9",
    "16578.50",
    "2000.10000",
    "37000",
    "37000.000000000",
    "0",
    "0.0",
    "1",
    "123456789012345678",
    "1234567890123456789",
    "99999999999999999999.99999999",
    "0.10",
];

/// Texts at or past the edge: exponents, `Decimal`'s limits, and text that is no decimal.
/// Either path may refuse them; both must agree.
pub(crate) const EDGE_DECIMALS: &[&str] = &[
    "1e-8",
    "1.5E+3",
    "79228162514264337593543950335",
    "79228162514264337593543950336",
    "0.00000000000000000000000000001",
    "-0.5",
    "00.1",
    ".5",
    "5.",
    "",
    "1,5",
    "NaN",
    "1 ",
];

/// `text` as a JSON value the way venues that send decimals as numbers write it: bare when
/// it starts like a number (so that JSON's own refusals, `00.1` or `5.`, are tried too), else
/// as a string.
pub(crate) fn number_or_string(text: &str) -> String {
    if text.starts_with(|first: char| first.is_ascii_digit()) {
        text.to_owned()
    } else {
        format!(r#""{text}""#)
    }
}

/// Markets by base, quote and exchange symbol.
pub(crate) fn markets(list: &[(&str, &str, &str)]) -> Vec<Market> {
    list.iter()
        .map(|(base, quote, symbol)| Market::new(base, quote, *symbol))
        .collect()
}

/// A small deterministic generator (an LCG), enough to vary test frames.
pub(crate) struct Lcg(pub u64);

impl Lcg {
    /// A number below `bound`.
    pub(crate) fn below(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from((self.0 >> 33) % bound as u64).expect("below a usize bound")
    }

    /// One of `items`.
    pub(crate) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// The seed frames of `venue`'s fuzz corpus (`tests/corpus/<venue>/frame-*.json`).
pub(crate) fn corpus(venue: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(venue);
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("read {}: {error}", dir.display()))
        .map(|entry| entry.expect("a corpus entry").path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("frame-"))
        })
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no corpus in {}", dir.display());
    paths
        .iter()
        .map(|path| std::fs::read_to_string(path).expect("a corpus frame"))
        .collect()
}

/// `count` mutations (truncations, flipped bytes, inserted tokens, replaced numbers...) of
/// `seeds`, the same every run.
pub(crate) fn mutations(seeds: &[String], count: usize) -> Vec<String> {
    let strategy = mutations_of(seeds.to_vec(), INTERESTING_TOKENS);
    let mut runner = TestRunner::deterministic();
    (0..count)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .expect("a mutation")
                .current()
        })
        .collect()
}

/// `venue`'s fuzz corpus, then `count` mutations of it and of the first 40 of `generated`
/// (frames in the hot path's layout, so that many mutations stay near it).
pub(crate) fn corpus_and_mutations(venue: &str, generated: &[String], count: usize) -> Vec<String> {
    let mut frames = corpus(venue);
    let mut seeds = frames.clone();
    seeds.extend(generated.iter().take(40).cloned());
    frames.extend(mutations(&seeds, count));
    frames
}

/// A flat JSON object of `fields` (`"key":value` texts): in their order, or one time in
/// four with its keys rotated (venues that do not promise an order).
pub(crate) fn object(rng: &mut Lcg, mut fields: Vec<String>) -> String {
    if fields.len() > 1 && rng.below(4) == 0 {
        let by = 1 + rng.below(fields.len() - 1);
        fields.rotate_left(by);
    }
    format!("{{{}}}", fields.join(","))
}

/// 1 to 5 items made by `item` (given its index), joined by commas: the inside of an array.
pub(crate) fn several(rng: &mut Lcg, mut item: impl FnMut(&mut Lcg, usize) -> String) -> String {
    let count = 1 + rng.below(5);
    (0..count)
        .map(|index| item(rng, index))
        .collect::<Vec<_>>()
        .join(",")
}

/// Trade ids as venues send them: plain whole numbers, a leading zero, one past `u64`,
/// text, empty.
pub(crate) const TRADE_IDS: &[&str] = &["629147539", "0", "007", "99999999999999999999", "a-1", ""];

/// A value as a JSON string or, one time in four (when it is not empty), as written: a JSON
/// number when it is one.
pub(crate) fn string_or_number(rng: &mut Lcg, text: &str) -> String {
    if rng.below(4) == 0 && !text.is_empty() {
        text.to_owned()
    } else {
        format!("\"{text}\"")
    }
}

/// A trade id field `"key":...`: one time in four absent, else a JSON number (`number`) or
/// a string of [`TRADE_IDS`].
pub(crate) fn optional_id(rng: &mut Lcg, key: &str, number: usize) -> Option<String> {
    match rng.below(4) {
        0 => None,
        1 => Some(format!(r#""{key}":{number}"#)),
        _ => Some(format!(r#""{key}":"{}""#, rng.pick(TRADE_IDS))),
    }
}

/// A frame generator: the frame `i` with decimals of `decimals`.
pub(crate) type Generate = fn(&mut Lcg, &[&str], usize) -> String;

/// 400 frames of `generate` with [`EXACT_DECIMALS`]: frames the hot path must read.
pub(crate) fn well_formed(generate: Generate) -> Vec<String> {
    let mut rng = Lcg(17);
    (0..400)
        .map(|i| generate(&mut rng, EXACT_DECIMALS, i))
        .collect()
}

/// [`EXACT_DECIMALS`] and [`EDGE_DECIMALS`]: decimals both paths must read alike or refuse.
pub(crate) fn all_decimals() -> Vec<&'static str> {
    EXACT_DECIMALS
        .iter()
        .chain(EDGE_DECIMALS)
        .copied()
        .collect()
}

/// Frames a hot path must agree on or decline: 400 of `generate` with the decimals of both
/// lists; `base` changed once per `(from, to)` (its first `from`, which must be there, made
/// `to`), after a space, before a stray character, cut short; then `venue`'s corpus and
/// 3,000 mutations ([`corpus_and_mutations`]).
pub(crate) fn awkward_frames(
    venue: &str,
    generate: Generate,
    base: &str,
    changes: &[(&str, &str)],
) -> Vec<String> {
    let mut rng = Lcg(29);
    let decimals = all_decimals();
    let mut frames: Vec<String> = (0..400).map(|i| generate(&mut rng, &decimals, i)).collect();
    frames.extend(changes.iter().map(|(from, to)| {
        assert!(base.contains(from), "{from} is not in {base}");
        base.replacen(from, to, 1)
    }));
    frames.extend([
        format!(" {base}"),
        format!("{base}x"),
        base[..base.len() - 1].to_owned(),
    ]);
    let more = corpus_and_mutations(venue, &frames, 3000);
    frames.extend(more);
    frames
}

/// The checks of a trade hot path `fast` against its venue's serde path `slow`, with these
/// markets (closures, so that a venue's connection state can be shared by both):
/// `generate(rng, decimals, i)` writes the `i`th well-formed frame with these decimals. 400
/// generated with exact decimals must all be read fast, with the serde path's events; 400
/// more with edge decimals too, then `variants` (hand-made shapes near the layout; the first
/// with whitespace around it, and a form feed, which JSON does not count as whitespace), the
/// venue's fuzz corpus and 3,000 mutations must agree or decline, and more than 100 of them
/// be read fast.
pub(crate) fn check_trade_hot_path(
    fast: impl Fn(&str, &FrameContext<'_>, &mut ParsedFrame) -> Option<()>,
    slow: impl Fn(&str, &FrameContext<'_>, &mut ParsedFrame) -> Result<(), FrameError>,
    markets: &[Market],
    venue: &str,
    mut generate: impl FnMut(&mut Lcg, &[&str], usize) -> String,
    variants: &[String],
) {
    let mut rng = Lcg(17);
    let frames: Vec<String> = (0..400)
        .map(|i| generate(&mut rng, EXACT_DECIMALS, i))
        .collect();
    let read = assert_fast_path_agrees_by(&fast, &slow, markets, &frames);
    assert_eq!(read, frames.len(), "every well-formed frame is read fast");

    let mut rng = Lcg(29);
    let both = [EXACT_DECIMALS, EDGE_DECIMALS].concat();
    let mut frames: Vec<String> = (0..400).map(|i| generate(&mut rng, &both, i)).collect();
    frames.extend_from_slice(variants);
    if let Some(first) = variants.first() {
        frames.extend([
            format!(" {first}"),
            format!("{first} "),
            format!("{first}\u{c}"),
        ]);
    }
    let frames = [corpus_and_mutations(venue, &frames, 3000), frames].concat();
    let read = assert_fast_path_agrees_by(&fast, &slow, markets, &frames);
    assert!(read > 100, "the hot path read {read} frames");
}

/// [`assert_fast_path_agrees`] on `frames` (generated in the hot path's layout, with edge
/// decimals and odd shapes), then on `venue`'s corpus and 3,000 mutations of it and of the
/// first 40 of `frames`; the hot path must read more than 100 of them.
pub(crate) fn assert_agrees_with_mutations(
    fast: FastParser,
    slow: FrameParser,
    markets: &[Market],
    venue: &str,
    mut frames: Vec<String>,
) {
    let mutated = corpus_and_mutations(venue, &frames, 3000);
    frames.extend(mutated);
    let read = assert_fast_path_agrees(fast, slow, markets, &frames);
    assert!(read > 100, "the hot path read {read} frames");
}

/// `base`, `base` with whitespace before and after it, and `base` with each of
/// `replacements` (`(from, to)`) made, one at a time: a frame and its odd shapes.
pub(crate) fn variants(base: &str, replacements: &[(&str, &str)]) -> Vec<String> {
    let mut frames = vec![base.to_owned(), format!(" {base}"), format!("{base}\n")];
    frames.extend(replacements.iter().map(|(from, to)| base.replace(from, to)));
    frames
}

/// An event already in the output before a frame: the fast path must keep it, declining
/// or not.
fn earlier_event() -> Event {
    Event::Trade(Trade {
        exchange: "EARLIER".into(),
        symbol: Symbol::new("X", "Y"),
        side: Side::Buy,
        amount: Decimal::ONE,
        price: Decimal::ONE,
        id: None,
        timestamp: Decimal::ZERO,
        receipt_timestamp: Decimal::ZERO,
    })
}

/// Every trade's decimals and id as text: `Decimal`'s equality ignores the scale
/// (`2000.10 == 2000.1`), the text does not.
fn exact_text(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|event| match event {
            Event::Trade(trade) => format!(
                "{} {} {} {} {:?} {:?}",
                trade.symbol, trade.price, trade.amount, trade.timestamp, trade.id, trade.side
            ),
            other => format!("{other:?}"),
        })
        .collect()
}

/// Runs every frame through `fast` and through `slow` (the serde path) with these markets.
/// When `fast` reads a frame, `slow` must read it too, with the same events (values and
/// decimal text) and nothing else; when `fast` declines, it must leave the output as it
/// found it. The frame's sequence number (Coinbase's `sequence_num`) must agree too.
/// Returns how many frames `fast` read.
pub(crate) fn assert_fast_path_agrees(
    fast: FastParser,
    slow: FrameParser,
    markets: &[Market],
    frames: &[String],
) -> usize {
    assert_fast_path_agrees_by(fast, slow, markets, frames)
}

/// [`assert_fast_path_agrees`] for parsers that are closures (over a venue's connection
/// state, say).
pub(crate) fn assert_fast_path_agrees_by(
    fast: impl Fn(&str, &FrameContext<'_>, &mut ParsedFrame) -> Option<()>,
    slow: impl Fn(&str, &FrameContext<'_>, &mut ParsedFrame) -> Result<(), FrameError>,
    markets: &[Market],
    frames: &[String],
) -> usize {
    count_read(markets, frames, |context, frame| {
        fast_path_agrees(
            frame,
            |out| fast(frame, context, out),
            |out| slow(frame, context, out),
        )
    })
}

/// A hot path of binary frames (MEXC's protobuf): `None` when it declines the frame.
pub(crate) type BinaryFastParser = fn(&[u8], &FrameContext<'_>, &mut ParsedFrame) -> Option<()>;

/// An adapter's parser of binary frames.
pub(crate) type BinaryFrameParser =
    fn(&[u8], &FrameContext<'_>, &mut ParsedFrame) -> Result<(), FrameError>;

/// [`assert_fast_path_agrees`] for binary frames (shown in hex when a check fails).
pub(crate) fn assert_binary_fast_path_agrees(
    fast: BinaryFastParser,
    slow: BinaryFrameParser,
    markets: &[Market],
    frames: &[Vec<u8>],
) -> usize {
    count_read(markets, frames, |context, frame| {
        let hex: String = frame.iter().map(|byte| format!("{byte:02x}")).collect();
        fast_path_agrees(
            &hex,
            |out| fast(frame, context, out),
            |out| slow(frame, context, out),
        )
    })
}

/// [`assert_fast_path_agrees`] on frames in the hot path's layout: `fast` must read every
/// one of them.
pub(crate) fn assert_all_read(
    fast: FastParser,
    slow: FrameParser,
    markets: &[Market],
    frames: &[String],
) {
    let read = assert_fast_path_agrees(fast, slow, markets, frames);
    assert_eq!(read, frames.len(), "every well-formed frame is read fast");
}

/// How many of `frames` `check` (which asserts what it checks) says the hot path read,
/// with a context of these subscribed markets.
pub(crate) fn count_read<F>(
    markets: &[Market],
    frames: &[F],
    check: impl Fn(&FrameContext<'_>, &F) -> bool,
) -> usize {
    let markets = MarketMap::new(markets.iter().cloned());
    let exchange: Arc<str> = "TEST".into();
    let context = FrameContext {
        connection: None,
        markets: &markets,
        exchange: &exchange,
        receipt: Decimal::new(1_700_000_001_250, 3),
    };
    frames.iter().filter(|frame| check(&context, frame)).count()
}

/// [`assert_fast_path_agrees`] on one frame (`frame`, as failures show it): whether `fast`
/// read it.
fn fast_path_agrees(
    frame: &str,
    fast: impl FnOnce(&mut ParsedFrame) -> Option<()>,
    slow: impl FnOnce(&mut ParsedFrame) -> Result<(), FrameError>,
) -> bool {
    let mut fast_out = ParsedFrame::default();
    fast_out.events.push(earlier_event());
    let outcome = fast(&mut fast_out);
    assert_eq!(
        fast_out.events.first(),
        Some(&earlier_event()),
        "earlier events are kept: {frame}"
    );
    let fast_events = &fast_out.events[1..];
    if outcome.is_none() {
        assert!(fast_events.is_empty(), "declined but left events: {frame}");
        assert_eq!(fast_out.sequence, None, "declined but numbered: {frame}");
        return false;
    }
    let mut slow_out = ParsedFrame::default();
    if let Err(error) = slow(&mut slow_out) {
        panic!("the fast path read a frame the serde path refuses ({error}): {frame}");
    }
    assert_eq!(fast_events, &slow_out.events[..], "{frame}");
    assert_eq!(
        fast_out.sequence, slow_out.sequence,
        "the sequence: {frame}"
    );
    assert_eq!(
        exact_text(fast_events),
        exact_text(&slow_out.events),
        "{frame}"
    );
    assert!(
        slow_out.books.is_empty() && slow_out.acks.is_empty(),
        "the serde path found more than trades: {frame}"
    );
    true
}
