//! Timestamps: seconds since the Unix epoch as exact decimals, with the precision the
//! exchange gives.

use std::time::{SystemTime, UNIX_EPOCH};

use rust_decimal::Decimal;

/// Seconds since the epoch from a count of milliseconds, exactly.
#[must_use]
pub fn millis_to_seconds(millis: i64) -> Decimal {
    Decimal::new(millis, 3)
}

/// Seconds since the epoch from a count of microseconds, exactly.
#[must_use]
pub fn micros_to_seconds(micros: i64) -> Decimal {
    Decimal::new(micros, 6)
}

/// Seconds since the epoch from a count of nanoseconds, exactly.
#[must_use]
pub fn nanos_to_seconds(nanos: i64) -> Decimal {
    Decimal::new(nanos, 9)
}

/// Now, as seconds since the epoch with microsecond precision.
#[must_use]
pub fn now_seconds() -> Decimal {
    micros_to_seconds(now_micros())
}

/// Now, as microseconds since the epoch (0 for a clock before 1970).
#[must_use]
pub fn now_micros() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_micros()).unwrap_or(i64::MAX)
        })
}

/// The proleptic Gregorian date `(year, month, day)` of a count of days since 1970-01-01
/// (Howard Hinnant's `civil_from_days`): expiry dates, file names, SQL timestamps.
#[must_use]
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Both are small by construction: 1..=12 and 1..=31.
    (year, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_keep_their_precision() {
        assert_eq!(
            nanos_to_seconds(1_700_000_000_123_456_789).to_string(),
            "1700000000.123456789"
        );
        assert_eq!(
            micros_to_seconds(1_700_000_000_000_001).to_string(),
            "1700000000.000001"
        );
        assert_eq!(
            millis_to_seconds(1_700_000_000_123).to_string(),
            "1700000000.123"
        );
    }
}
