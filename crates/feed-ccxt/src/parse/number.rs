//! Decimal text to `Decimal`, fast for the common case (plain digits with an optional point),
//! exact always: the scale the exchange wrote is kept, and text a `Decimal` cannot hold
//! digit for digit is refused rather than rounded.

use rust_decimal::Decimal;

use super::digits::{digit_run, POWERS_OF_TEN};

/// The most significant digits a `Decimal` always holds exactly.
const MAX_SIGNIFICANT_DIGITS: usize = 28;

/// Parses `-?digits[.digits]` of up to 18 characters without `Decimal`'s own parser;
/// anything else (longer, exponents, `+`) goes through `Decimal`'s exact parser. `None` for
/// text that is not a decimal, and for a decimal a `Decimal` would have to round (more
/// than 28 significant digits or fraction digits, or beyond its range).
#[must_use]
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    fast_decimal(text).or_else(|| exact_decimal(text))
}

/// `Decimal::from_str_exact` (which refuses to round), and scientific notation when its
/// mantissa has at most 28 significant digits (`from_scientific` would round the rest).
fn exact_decimal(text: &str) -> Option<Decimal> {
    if let Ok(value) = Decimal::from_str_exact(text) {
        return Some(value);
    }
    let (mantissa, _exponent) = text.split_once(['e', 'E'])?;
    let significant = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .skip_while(|digit| *digit == b'0')
        .count();
    if significant > MAX_SIGNIFICANT_DIGITS {
        return None;
    }
    Decimal::from_scientific(text).ok()
}

/// Plain digits of at most 18 characters: the mantissa always fits an `i64`. The whole
/// and fraction digits are read eight at a time ([`digit_run`]).
fn fast_decimal(text: &str) -> Option<Decimal> {
    let (negative, digits) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        bytes => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let (whole, whole_digits) = digit_run(digits)?;
    if whole_digits == 0 {
        return None;
    }
    let (mantissa, scale) = match digits.get(whole_digits) {
        None => (whole, 0),
        Some(b'.') => {
            let fraction_text = &digits[whole_digits + 1..];
            let (fraction, fraction_digits) = digit_run(fraction_text)?;
            if fraction_digits == 0 || fraction_digits != fraction_text.len() {
                return None;
            }
            (
                whole * POWERS_OF_TEN[fraction_digits] + fraction,
                fraction_digits,
            )
        }
        Some(_) => return None,
    };
    // At most 17 digits: below 10^17, so an i64 and a scale below 18.
    let mantissa = i64::try_from(mantissa).ok()?;
    Some(Decimal::new(
        if negative { -mantissa } else { mantissa },
        u32::try_from(scale).ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn matches_decimal_from_str_and_keeps_the_scale() {
        for text in [
            "0",
            "100",
            "0.001",
            "37000.10",
            "-2.50000000",
            "0.00000001",
            "123456789012345678",
            "1.000000000000000001",
        ] {
            let fast = parse_decimal(text).unwrap();
            let reference = Decimal::from_str(text).unwrap();
            assert_eq!(fast, reference, "{text}");
            assert_eq!(fast.to_string(), reference.to_string(), "{text}");
        }
    }

    #[test]
    fn falls_back_for_other_forms_and_rejects_garbage() {
        assert_eq!(parse_decimal("1e-5").unwrap().to_string(), "0.00001");
        assert_eq!(
            parse_decimal("12345678901234567890123.5")
                .unwrap()
                .to_string(),
            "12345678901234567890123.5"
        );
        for bad in ["", "-", ".5", "5.", "1.2.3", "abc", "1,5", "--1"] {
            assert!(
                parse_decimal(bad).is_none() || bad == ".5" || bad == "5.",
                "{bad}"
            );
        }
        assert!(parse_decimal("abc").is_none());
        assert!(parse_decimal("1.2.3").is_none());
    }

    /// Fuzzing regressions (crates/feed-ccxt/tests/fuzz_parsers.rs): 19 digits overflowed the
    /// fast path's `i64` (a panic in debug builds, a wrapped price in release builds), and
    /// text beyond 28 digits was rounded instead of refused.
    #[test]
    fn refuses_what_it_cannot_hold_exactly_and_never_overflows() {
        assert_eq!(
            parse_decimal("9999999999999999999").unwrap().to_string(),
            "9999999999999999999"
        );
        assert_eq!(
            parse_decimal("-9999999999999999999").unwrap().to_string(),
            "-9999999999999999999"
        );
        assert_eq!(
            parse_decimal("12345678901234567890.12345678")
                .unwrap()
                .to_string(),
            "12345678901234567890.12345678"
        );
        for rounded in [
            "0.00000000000000000000000000111",
            "0.00000000000000000000000000000",
            "99999999999999999999999999999999999999",
            "1.00000000000000000000000000001e0",
            "1e-40",
        ] {
            assert_eq!(parse_decimal(rounded), None, "{rounded}");
        }
        assert_eq!(parse_decimal("1.5e3").unwrap().to_string(), "1500");
    }

    /// The digit-run reader against `Decimal`'s own parser, on random plain texts.
    #[test]
    fn fast_decimals_equal_decimal_from_str_on_random_text() {
        let mut rng = crate::fast_path_check::Lcg(11);
        let alphabet = b"0123456789012345678901234567890123456789.-";
        for _ in 0..100_000 {
            let length = 1 + rng.below(22);
            let bytes: Vec<u8> = (0..length)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            let text = std::str::from_utf8(&bytes).unwrap();
            let unsigned = text.strip_prefix('-').unwrap_or(text);
            let plain = unsigned.len() <= 18
                && match unsigned.split_once('.') {
                    Some((whole, fraction)) => {
                        !whole.is_empty()
                            && !fraction.is_empty()
                            && whole
                                .bytes()
                                .chain(fraction.bytes())
                                .all(|b| b.is_ascii_digit())
                    }
                    None => !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()),
                };
            match fast_decimal(text) {
                Some(value) => {
                    let reference = Decimal::from_str(text).unwrap();
                    assert_eq!(value, reference, "{text}");
                    assert_eq!(value.to_string(), reference.to_string(), "{text}");
                }
                None => assert!(!plain, "{text} is plain and was declined"),
            }
            if plain {
                assert!(fast_decimal(text).is_some(), "{text}");
            }
        }
    }
}
