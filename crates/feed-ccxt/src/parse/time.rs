//! ISO 8601 / RFC 3339 UTC timestamps (`2023-02-09T20:19:35.396251350Z`) to exact
//! seconds since the epoch, keeping every fraction digit the exchange sent.

use feed_core::types::civil_from_days;
use rust_decimal::Decimal;

/// Seconds since the Unix epoch of a `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+00:00)` time;
/// `None` when it is not one. Fractions up to nanoseconds are kept exactly.
#[must_use]
pub fn rfc3339_to_seconds(text: &str) -> Option<Decimal> {
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
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &text[19..];
    let mut fraction = 0_i64;
    let mut scale = 0_u32;
    if let Some(after_dot) = rest.strip_prefix('.') {
        let digits = after_dot.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        for digit in after_dot.bytes().take(digits.min(9)) {
            fraction = fraction * 10 + i64::from(digit - b'0');
        }
        scale = u32::try_from(digits.min(9)).ok()?;
        rest = &after_dot[digits..];
    }
    if !matches!(rest, "Z" | "z" | "+00:00" | "+0000" | "") {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second;
    let scaled = seconds
        .checked_mul(10_i64.pow(scale))?
        .checked_add(fraction)?;
    Some(Decimal::new(scaled, scale))
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
    use super::{civil_from_days, days_from_civil, rfc3339_to_seconds, utc_date_of_millis};

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
}
