//! Small parsing helpers shared by adapters: decimals, ISO 8601 times and UTC dates, a
//! cursor over documented JSON layouts for hot paths, JSON errors.

mod cursor;
mod number;
mod scalar;
mod time;

pub use cursor::JsonCursor;
pub use number::parse_decimal;
pub use scalar::{boolean, integer, scalar_text, trade_id, trade_id_from_text};
pub use time::{rfc3339_to_seconds, utc_date_of_millis};

use feed_core::runtime::FrameError;
use rust_decimal::Decimal;

/// A decimal from the exchange's text, keeping its scale (`"0.50"` stays `0.50`); accepts
/// exponents (`1e-5`) as JSON numbers may carry them.
///
/// # Errors
/// [`FrameError::Malformed`] naming the field.
pub fn decimal(text: &str, field: &str) -> Result<Decimal, FrameError> {
    parse_decimal(text)
        .ok_or_else(|| FrameError::Malformed(format!("{field} is not a decimal: {text:?}")))
}

/// A JSON error as a malformed-frame error.
#[must_use]
pub fn malformed(error: &serde_json::Error) -> FrameError {
    FrameError::Malformed(error.to_string())
}
