//! Small parsing helpers shared by adapters: decimals, ISO 8601 times and UTC dates, a
//! cursor over documented JSON layouts for hot paths, JSON errors, frames used whole or not
//! at all.

mod cursor;
pub(crate) mod digits;
pub(crate) mod fast;
mod number;
mod scalar;
mod scan;
mod time;

pub use cursor::{JsonCursor, Scalar};
pub use number::parse_decimal;
pub use scalar::{boolean, integer, scalar_text, trade_id, trade_id_from_text};
pub use time::{rfc3339_to_seconds, utc_date_of_millis};

use feed_core::runtime::FrameError;
use rust_decimal::Decimal;

use crate::parsed::ParsedFrame;

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

/// Pushes the events of every item with `push`, or none of them: when one fails, the
/// events pushed for the items before it are dropped, so a frame is used whole or not at
/// all (events already in `out` are kept).
///
/// # Errors
/// The first item's error.
pub fn each_or_none<T>(
    items: &[T],
    out: &mut ParsedFrame,
    mut push: impl FnMut(&T, &mut ParsedFrame) -> Result<(), FrameError>,
) -> Result<(), FrameError> {
    let before = out.events.len();
    for item in items {
        if let Err(error) = push(item, out) {
            out.events.truncate(before);
            return Err(error);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use feed_core::{Event, Side, Symbol, Trade};

    use super::*;

    fn trade(price: i64) -> Event {
        Event::Trade(Trade {
            exchange: "X".into(),
            symbol: Symbol::new("BTC", "USDT"),
            side: Side::Buy,
            amount: Decimal::ONE,
            price: Decimal::from(price),
            id: None,
            timestamp: Decimal::ZERO,
            receipt_timestamp: Decimal::ZERO,
        })
    }

    #[test]
    fn each_or_none_keeps_every_item_or_none_of_this_frame() {
        let mut out = ParsedFrame::default();
        out.events.push(trade(0));
        let push = |price: &i64, out: &mut ParsedFrame| {
            if *price < 0 {
                return Err(FrameError::Malformed("negative".into()));
            }
            out.events.push(trade(*price));
            Ok(())
        };
        assert!(each_or_none(&[1, 2], &mut out, push).is_ok());
        assert_eq!(out.events.len(), 3);
        assert!(each_or_none(&[3, -1, 4], &mut out, push).is_err());
        assert_eq!(out.events, vec![trade(0), trade(1), trade(2)]);
    }
}
