//! Field readers shared by the channel parsers: OKX sends numbers and times as strings,
//! and an empty string where a value is absent.

use feed_core::runtime::FrameError;
use feed_core::types::millis_to_seconds;
use rust_decimal::Decimal;

use crate::parse::decimal;

/// A time in milliseconds as a string (`"1597026383085"`), in seconds.
pub(super) fn seconds(text: &str, field: &str) -> Result<Decimal, FrameError> {
    text.parse::<i64>()
        .map(millis_to_seconds)
        .map_err(|_| FrameError::Malformed(format!("{field} is not a time in ms: {text:?}")))
}

/// A decimal string, `None` when empty.
pub(super) fn optional_decimal(text: &str, field: &str) -> Result<Option<Decimal>, FrameError> {
    if text.is_empty() {
        Ok(None)
    } else {
        decimal(text, field).map(Some)
    }
}

/// A time in milliseconds, `None` when empty or `0`.
pub(super) fn optional_seconds(text: &str, field: &str) -> Result<Option<Decimal>, FrameError> {
    if text.is_empty() || text == "0" {
        Ok(None)
    } else {
        seconds(text, field).map(Some)
    }
}

/// The elements of a push's `data` array, or a malformed error.
pub(super) fn elements<'a, T: serde::Deserialize<'a>>(
    data: &'a serde_json::value::RawValue,
) -> Result<Vec<T>, FrameError> {
    serde_json::from_str(data.get()).map_err(|error| crate::parse::malformed(&error))
}
