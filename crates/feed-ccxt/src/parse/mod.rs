//! Small parsing helpers shared by adapters: decimals, ISO 8601 times, JSON errors.

mod time;

pub use time::rfc3339_to_seconds;

use std::str::FromStr;

use feed_core::runtime::FrameError;
use rust_decimal::Decimal;

/// A decimal from the exchange's text, keeping its scale (`"0.50"` stays `0.50`); accepts
/// exponents (`1e-5`) as JSON numbers may carry them.
///
/// # Errors
/// [`FrameError::Malformed`] naming the field.
pub fn decimal(text: &str, field: &str) -> Result<Decimal, FrameError> {
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .map_err(|_| FrameError::Malformed(format!("{field} is not a decimal: {text:?}")))
}

/// A JSON error as a malformed-frame error.
#[must_use]
pub fn malformed(error: &serde_json::Error) -> FrameError {
    FrameError::Malformed(error.to_string())
}
