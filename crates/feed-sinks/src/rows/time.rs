//! Calendar parts of a UTC time, for file names and SQL text.

use feed_core::types::civil_from_days;

/// A UTC time's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcParts {
    /// Year.
    pub year: i64,
    /// Month, 1..=12.
    pub month: u32,
    /// Day, 1..=31.
    pub day: u32,
    /// Hour.
    pub hour: i64,
    /// Minute.
    pub minute: i64,
    /// Second.
    pub second: i64,
    /// Microseconds of the second.
    pub micros: i64,
}

/// The parts of `micros` microseconds since the epoch.
#[must_use]
pub fn utc_parts(micros: i64) -> UtcParts {
    let seconds = micros.div_euclid(1_000_000);
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let of_day = seconds.rem_euclid(86_400);
    UtcParts {
        year,
        month,
        day,
        hour: of_day / 3600,
        minute: of_day % 3600 / 60,
        second: of_day % 60,
        micros: micros.rem_euclid(1_000_000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_across_leap_days_and_before_the_epoch() {
        let leap = utc_parts(951_782_400_000_000);
        assert_eq!((leap.year, leap.month, leap.day), (2000, 2, 29));
        let before = utc_parts(-1);
        assert_eq!(
            (
                before.year,
                before.month,
                before.day,
                before.hour,
                before.second,
                before.micros
            ),
            (1969, 12, 31, 23, 59, 999_999)
        );
    }
}
