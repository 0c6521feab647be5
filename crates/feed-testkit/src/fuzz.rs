//! Fixed-budget fuzzing with proptest (cargo fuzz needs a nightly toolchain): a target is
//! a strategy plus a property; [`fuzz`] runs it for `PROPTEST_CASES` cases (proptest's
//! default, 256, under a plain `cargo test`), prints one line of executions and findings,
//! and fails with the minimal failing input. `scripts/fuzz` runs every target with a large
//! budget and collects those lines.
//!
//! [`mutations_of`] is the mutation engine of the seed corpora: truncations, byte flips,
//! deletions, duplications and insertions of interesting tokens (huge numbers, structure
//! characters, escapes), stacked a few at a time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};

/// Tokens worth inserting into JSON and YAML: numbers no integer or decimal type holds,
/// structure characters, escapes, and values of the wrong type.
pub const INTERESTING_TOKENS: &[&str] = &[
    "99999999999999999999999999999999999999",
    "9999999999999999999",
    "-9223372036854775809",
    "18446744073709551616",
    "79228162514264337593543950336",
    "0.00000000000000000000000000001",
    "1e999",
    "-1e-999",
    "1.7976931348623157e309",
    "NaN",
    "-0",
    "0000000000000000000000000001",
    "null",
    "true",
    "[]",
    "{}",
    "[",
    "{",
    "]",
    "}",
    "\"",
    ",",
    ":",
    "\\",
    "\\u0000",
    "\\ud800",
    "\u{0}",
    "é",
    "\u{1F600}",
    "\n",
    "\t",
    "  ",
    "#",
    "&anchor",
    "*alias",
    "!!binary",
    "---",
    "- ",
    "? ",
    "|",
    ">",
    "%",
    "@",
    "://",
];

/// What a run of one target found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuzzReport {
    /// The target's name.
    pub name: String,
    /// How many times the property ran (cases plus shrinking steps).
    pub executions: u64,
    /// The minimal failing input and the failure, if any.
    pub finding: Option<String>,
}

/// Runs `property` on `PROPTEST_CASES` inputs from `strategy`, prints
/// `fuzz target=NAME executions=N seconds=S findings=K` on stderr, and panics with the
/// minimal failing input when the property fails (a panic inside it counts as a failure).
///
/// # Panics
/// When the property fails: that is the finding.
pub fn fuzz<S: Strategy>(
    name: &str,
    strategy: S,
    property: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> FuzzReport
where
    S::Value: std::fmt::Debug,
{
    let executions = AtomicU64::new(0);
    let started = Instant::now();
    let mut runner = TestRunner::new(Config {
        failure_persistence: None,
        ..Config::default()
    });
    let outcome = runner.run(&strategy, |value| {
        executions.fetch_add(1, Ordering::Relaxed);
        property(value)
    });
    let finding = match outcome {
        Ok(()) => None,
        Err(TestError::Fail(reason, value)) => Some(format!("{reason}; minimal input: {value:?}")),
        Err(TestError::Abort(reason)) => Some(format!("aborted: {reason}")),
    };
    let report = FuzzReport {
        name: name.to_owned(),
        executions: executions.load(Ordering::Relaxed),
        finding,
    };
    eprintln!(
        "fuzz target={} executions={} seconds={:.1} findings={}",
        report.name,
        report.executions,
        started.elapsed().as_secs_f64(),
        usize::from(report.finding.is_some())
    );
    if let Some(finding) = &report.finding {
        panic!("fuzz target {name} found: {finding}");
    }
    report
}

/// One mutation of a text.
#[derive(Debug, Clone)]
enum Mutation {
    /// Keep only the first `at` (fraction of the length) bytes.
    Truncate(f64),
    /// XOR one byte with a mask.
    FlipByte(f64, u8),
    /// Remove `len` bytes at `at`.
    Delete(f64, usize),
    /// Repeat `len` bytes at `at` once more.
    Duplicate(f64, usize),
    /// Insert a token at `at`.
    Insert(f64, &'static str),
    /// Replace the digit run nearest `at` with a token.
    ReplaceNumber(f64, &'static str),
}

fn mutation(tokens: &'static [&'static str]) -> impl Strategy<Value = Mutation> {
    let at = 0.0..1.0_f64;
    let token = proptest::sample::select(tokens);
    prop_oneof![
        at.clone().prop_map(Mutation::Truncate),
        (at.clone(), 1..=255_u8).prop_map(|(at, mask)| Mutation::FlipByte(at, mask)),
        (at.clone(), 1..16_usize).prop_map(|(at, len)| Mutation::Delete(at, len)),
        (at.clone(), 1..64_usize).prop_map(|(at, len)| Mutation::Duplicate(at, len)),
        (at.clone(), token.clone()).prop_map(|(at, token)| Mutation::Insert(at, token)),
        (at, token).prop_map(|(at, token)| Mutation::ReplaceNumber(at, token)),
    ]
}

/// Texts made from one of `seeds` by one to four stacked mutations (bytes that stop
/// being UTF-8 are replaced with U+FFFD, as a text frame cannot carry them).
pub fn mutations_of(
    seeds: Vec<String>,
    tokens: &'static [&'static str],
) -> impl Strategy<Value = String> {
    (
        proptest::sample::select(seeds),
        proptest::collection::vec(mutation(tokens), 1..=4),
    )
        .prop_map(|(seed, mutations)| {
            let mut bytes = seed.into_bytes();
            for mutation in &mutations {
                apply(&mut bytes, mutation);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let index = |fraction: f64| {
        // The fraction is in 0..1, so the product is within 0..=len.
        let at = (fraction * bytes.len() as f64) as usize;
        at.min(bytes.len())
    };
    match *mutation {
        Mutation::Truncate(at) => {
            let at = index(at);
            bytes.truncate(at);
        }
        Mutation::FlipByte(at, mask) => {
            let at = index(at);
            if let Some(byte) = bytes.get_mut(at) {
                *byte ^= mask;
            }
        }
        Mutation::Delete(at, len) => {
            let at = index(at);
            let end = (at + len).min(bytes.len());
            bytes.drain(at..end);
        }
        Mutation::Duplicate(at, len) => {
            let at = index(at);
            let end = (at + len).min(bytes.len());
            let copy = bytes[at..end].to_vec();
            bytes.splice(end..end, copy);
        }
        Mutation::Insert(at, token) => {
            let at = index(at);
            bytes.splice(at..at, token.bytes());
        }
        Mutation::ReplaceNumber(at, token) => {
            let at = index(at);
            let start = (at..bytes.len())
                .chain(0..at)
                .find(|&i| bytes[i].is_ascii_digit());
            if let Some(start) = start {
                let start = (0..=start)
                    .rev()
                    .take_while(|&i| bytes[i].is_ascii_digit())
                    .last()
                    .unwrap_or(start);
                let end = (start..bytes.len())
                    .find(|&i| !matches!(bytes[i], b'0'..=b'9' | b'.'))
                    .unwrap_or(bytes.len());
                bytes.splice(start..end, token.bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_apply_where_they_say() {
        let mut text = b"{\"p\":\"12.5\",\"q\":3}".to_vec();
        apply(&mut text, &Mutation::ReplaceNumber(0.0, "1e999"));
        assert_eq!(String::from_utf8_lossy(&text), "{\"p\":\"1e999\",\"q\":3}");
        apply(&mut text, &Mutation::Truncate(0.5));
        assert_eq!(text.len(), 9);
        apply(&mut text, &Mutation::Insert(1.0, "}"));
        assert!(text.ends_with(b"}"));
    }

    #[test]
    fn a_failing_property_is_reported_with_its_minimal_input() {
        let result = std::panic::catch_unwind(|| {
            fuzz("always_small", 0..1000_u32, |n| {
                prop_assert!(n < 10, "too big");
                Ok(())
            })
        });
        let message = result.expect_err("the property fails");
        let text = message
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default();
        assert!(text.contains("minimal input: 10"), "{text}");
    }
}
