//! ISO 8601 / RFC 3339 UTC timestamps (`2023-02-09T20:19:35.396251350Z`) to exact
//! seconds since the epoch, keeping every fraction digit the exchange sent.

use feed_core::types::civil_from_days;
use rust_decimal::Decimal;

/// Powers of ten for the scale of up to nine fraction digits.
const POWERS_OF_TEN: [i64; 10] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
];

/// Seconds since the Unix epoch of a `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+00:00)` time;
/// `None` when it is not one. Fractions up to nanoseconds are kept exactly.
///
/// The shape exchanges send, `YYYY-MM-DDTHH:MM:SS[.f]Z` with up to nine fraction digits,
/// is read at fixed positions; everything else (a space for the `T`, `+00:00`, more
/// digits, text that is no time) by the general reader. Both give the same `Decimal`.
#[must_use]
pub fn rfc3339_to_seconds(text: &str) -> Option<Decimal> {
    fixed_utc_seconds(text.as_bytes()).or_else(|| general_seconds(text))
}

/// `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z` only; `None` for anything else, valid or not.
fn fixed_utc_seconds(bytes: &[u8]) -> Option<Decimal> {
    let (b'Z', body) = bytes.split_last()? else {
        return None;
    };
    let (clock, fraction) = (body.get(..19)?, &body[19..]);
    if clock[4] != b'-'
        || clock[7] != b'-'
        || clock[10] != b'T'
        || clock[13] != b':'
        || clock[16] != b':'
    {
        return None;
    }
    let pair = |at: usize| -> Option<i64> {
        let (tens, ones) = (
            clock[at].wrapping_sub(b'0'),
            clock[at + 1].wrapping_sub(b'0'),
        );
        (tens < 10 && ones < 10).then(|| i64::from(tens * 10 + ones))
    };
    let year = pair(0)? * 100 + pair(2)?;
    let (month, day) = (pair(5)?, pair(8)?);
    let (hour, minute, second) = (pair(11)?, pair(14)?, pair(17)?);
    let (scale, fraction) = match fraction {
        [] => (0, 0),
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            let value = digits.iter().try_fold(0_i64, |value, &digit| {
                let digit = digit.wrapping_sub(b'0');
                (digit < 10).then(|| value * 10 + i64::from(digit))
            })?;
            (digits.len(), value)
        }
        _ => return None,
    };
    seconds_of(year, month, day, (hour, minute, second), fraction, scale)
}

/// Any text `rfc3339_to_seconds` accepts: `T` or a space between date and time, a fraction
/// of any length (digits past nanoseconds dropped), `Z`, `z`, `+00:00`, `+0000` or no zone.
fn general_seconds(text: &str) -> Option<Decimal> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 || bytes[4] != b'-' || bytes[7] != b'-' || !matches!(bytes[10], b'T' | b' ')
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        text.get(range)?.bytes().try_fold(0_i64, |acc, digit| {
            digit
                .is_ascii_digit()
                .then(|| acc * 10 + i64::from(digit - b'0'))
        })
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    if bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let mut rest = &text[19..];
    let mut fraction = 0_i64;
    let mut scale = 0_usize;
    if let Some(after_dot) = rest.strip_prefix('.') {
        let digits = after_dot.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        for digit in after_dot.bytes().take(digits.min(9)) {
            fraction = fraction * 10 + i64::from(digit - b'0');
        }
        scale = digits.min(9);
        rest = &after_dot[digits..];
    }
    if !matches!(rest, "Z" | "z" | "+00:00" | "+0000" | "") {
        return None;
    }
    seconds_of(year, month, day, (hour, minute, second), fraction, scale)
}

/// The exact seconds of a checked civil date and time, `fraction` being `scale` (0 to 9)
/// decimal digits; `None` for a field out of range or a value past an `i64` of the scale.
fn seconds_of(
    year: i64,
    month: i64,
    day: i64,
    (hour, minute, second): (i64, i64, i64),
    fraction: i64,
    scale: usize,
) -> Option<Decimal> {
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second;
    let scaled = seconds
        .checked_mul(POWERS_OF_TEN[scale])?
        .checked_add(fraction)?;
    Some(Decimal::new(scaled, u32::try_from(scale).ok()?))
}

/// The UTC calendar date `(year, month, day)` of a time in milliseconds since the epoch
/// (delivery dates of dated futures).
#[must_use]
pub fn utc_date_of_millis(millis: i64) -> (i64, u32, u32) {
    civil_from_days(millis.div_euclid(86_400_000))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::{
        civil_from_days, days_from_civil, fixed_utc_seconds, general_seconds, rfc3339_to_seconds,
        utc_date_of_millis,
    };
    use crate::fast_path_check::Lcg;

    #[test]
    fn keeps_every_fraction_digit() {
        assert_eq!(
            rfc3339_to_seconds("2023-02-09T20:19:35.39625135Z")
                .unwrap()
                .to_string(),
            "1675973975.39625135"
        );
        assert_eq!(
            rfc3339_to_seconds("2023-09-25T07:49:37.708706Z")
                .unwrap()
                .to_string(),
            "1695628177.708706"
        );
        assert_eq!(
            rfc3339_to_seconds("1970-01-01T00:00:00Z")
                .unwrap()
                .to_string(),
            "0"
        );
        assert_eq!(
            rfc3339_to_seconds("2000-03-01T00:00:00.5+00:00")
                .unwrap()
                .to_string(),
            "951868800.5"
        );
    }

    #[test]
    fn dates_of_millis_invert_the_civil_calendar() {
        assert_eq!(utc_date_of_millis(0), (1970, 1, 1));
        assert_eq!(utc_date_of_millis(1_766_736_000_000), (2025, 12, 26));
        assert_eq!(utc_date_of_millis(1_798_272_000_000), (2026, 12, 26));
        assert_eq!(utc_date_of_millis(951_868_799_999), (2000, 2, 29));
        assert_eq!(utc_date_of_millis(-1), (1969, 12, 31));
        for days in [
            -800_000_i64,
            -1,
            0,
            59,
            60,
            11_016,
            20_000,
            47_541,
            2_000_000,
        ] {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(
                days_from_civil(year, i64::from(month), i64::from(day)),
                days,
                "{days}"
            );
        }
    }

    #[test]
    fn rejects_other_text() {
        for bad in [
            "",
            "2023-02-09",
            "2023-13-09T20:19:35Z",
            "2023-02-09T20:19:35+01:00",
            "yesterday at noon!!",
        ] {
            assert!(rfc3339_to_seconds(bad).is_none(), "{bad}");
        }
    }

    /// A time of any shape the two readers might see: leap days, month and year ends,
    /// fields out of range, 0 to 12 fraction digits (or a bare dot), other separators and
    /// zones. The flag: whether it has the fixed shape (`T`, at most nine digits, `Z`).
    fn any_time(rng: &mut Lcg) -> (String, bool) {
        let year = if rng.below(3) == 0 {
            format!("{:04}", rng.below(10_000))
        } else {
            rng.pick(&[
                "1970", "1969", "2000", "2023", "2024", "1900", "2100", "2262", "2263", "0000",
                "9999",
            ])
            .to_owned()
        };
        let month = if rng.below(10) == 0 {
            rng.pick(&["00", "13", "1a", "99"]).to_owned()
        } else {
            format!("{:02}", 1 + rng.below(12))
        };
        let day = rng
            .pick(&["01", "15", "28", "29", "30", "31", "00", "32", "9"])
            .to_owned();
        let clock = match rng.below(5) {
            0 => "23:59:59".to_owned(),
            1 => "00:00:00".to_owned(),
            2 => "23:59:60".to_owned(),
            _ => format!(
                "{:02}:{:02}:{:02}",
                rng.below(25),
                rng.below(61),
                rng.below(62)
            ),
        };
        let separator = rng.pick(&["T", "T", "T", " ", "t"]);
        let digits = rng.below(13);
        let fraction: String = match digits {
            0 if rng.below(8) == 0 => ".".to_owned(),
            0 => String::new(),
            _ => std::iter::once('.')
                .chain(
                    (0..digits)
                        .map(|_| char::from(b'0' + u8::try_from(rng.below(10)).expect("a digit"))),
                )
                .collect(),
        };
        let zone = rng.pick(&["Z", "Z", "Z", "z", "+00:00", "+0000", "", "+01:00", "ZZ"]);
        let fixed = separator == "T" && zone == "Z" && digits <= 9 && fraction != ".";
        (
            format!("{year}-{month}-{day}{separator}{clock}{fraction}{zone}"),
            fixed,
        )
    }

    #[test]
    fn the_fixed_shape_reader_gives_the_general_readers_decimal() {
        let mut rng = Lcg(3339);
        let mut fixed_read = 0;
        for _ in 0..200_000 {
            let (text, fixed_shape) = any_time(&mut rng);
            let general = general_seconds(&text);
            match fixed_utc_seconds(text.as_bytes()) {
                Some(seconds) => {
                    fixed_read += 1;
                    assert_eq!(Some(seconds), general, "{text}");
                    assert_eq!(seconds.to_string(), general.unwrap().to_string(), "{text}");
                }
                None => assert!(
                    !(fixed_shape && general.is_some()),
                    "the fixed reader missed {text}"
                ),
            }
            assert_eq!(rfc3339_to_seconds(&text), general, "{text}");
        }
        assert!(fixed_read > 10_000, "the fixed reader read {fixed_read}");
        for (text, seconds) in [
            ("2024-02-29T00:00:00Z", "1709164800"),
            ("2000-02-29T12:00:00.5Z", "951825600.5"),
            ("2023-12-31T23:59:59.999999999Z", "1704067199.999999999"),
            ("2024-01-01T00:00:00.000000000Z", "1704067200.000000000"),
            ("1969-12-31T23:59:59.9Z", "-0.1"),
        ] {
            assert_eq!(
                fixed_utc_seconds(text.as_bytes()).map(|s| s.to_string()),
                Some(seconds.to_owned()),
                "{text}"
            );
        }
    }
}
