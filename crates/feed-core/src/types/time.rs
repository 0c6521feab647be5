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
