//! Readers of OKX's scalar fields. OKX documents numbers as strings (`"px":"42219.9"`,
//! `"ts":"1630048897897"`); JSON numbers are accepted too, read as text (never as `f64`).

use feed_core::runtime::FrameError;
use feed_core::TradeId;
use serde_json::value::RawValue;

/// The text of a JSON string without its quotes, or of a JSON number, as sent.
///
/// # Errors
/// [`FrameError::Malformed`] for anything else (`null`, `true`, objects, arrays).
pub(super) fn scalar_text<'a>(raw: &'a RawValue, field: &str) -> Result<&'a str, FrameError> {
    let text = raw.get();
    if let Some(quoted) = text
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    {
        return Ok(quoted);
    }
    if text.starts_with(|first: char| first == '-' || first.is_ascii_digit()) {
        return Ok(text);
    }
    Err(FrameError::Malformed(format!(
        "{field} is neither a string nor a number: {text}"
    )))
}

/// A whole number sent as a numeric string (or a JSON number).
///
/// # Errors
/// [`FrameError::Malformed`] naming the field.
pub(super) fn integer(raw: &RawValue, field: &str) -> Result<i64, FrameError> {
    let text = scalar_text(raw, field)?;
    text.parse()
        .map_err(|_| FrameError::Malformed(format!("{field} is not an integer: {text:?}")))
}

/// A trade id: [`TradeId::Number`] when numeric (`"130639474"`), else [`TradeId::Text`].
///
/// # Errors
/// [`FrameError::Malformed`] for an id that is neither a string nor a whole number.
pub(super) fn trade_id(raw: &RawValue, field: &str) -> Result<TradeId, FrameError> {
    let text = scalar_text(raw, field)?;
    if let Ok(number) = text.parse::<u64>() {
        return Ok(TradeId::Number(number));
    }
    if raw.get().starts_with('"') {
        // Decode escapes, if any, the JSON way.
        let decoded: String = serde_json::from_str(raw.get())
            .map_err(|error| FrameError::Malformed(format!("{field}: {error}")))?;
        return Ok(TradeId::Text(decoded.into()));
    }
    Err(FrameError::Malformed(format!(
        "{field} is not a whole number: {text}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_owned()).unwrap()
    }

    #[test]
    fn strings_and_numbers_read_alike() {
        assert_eq!(scalar_text(&raw(r#""42219.9""#), "px").unwrap(), "42219.9");
        assert_eq!(scalar_text(&raw("0.10"), "px").unwrap(), "0.10");
        assert_eq!(
            integer(&raw(r#""1630048897897""#), "ts").unwrap(),
            1_630_048_897_897
        );
        assert_eq!(
            integer(&raw("1630048897897"), "ts").unwrap(),
            1_630_048_897_897
        );
        assert!(matches!(
            integer(&raw(r#""""#), "ts"),
            Err(FrameError::Malformed(_))
        ));
        assert!(matches!(
            scalar_text(&raw("{}"), "px"),
            Err(FrameError::Malformed(text)) if text.contains("px")
        ));
    }

    #[test]
    fn trade_ids_are_numbers_when_numeric() {
        assert_eq!(
            trade_id(&raw(r#""130639474""#), "tradeId").unwrap(),
            TradeId::Number(130_639_474)
        );
        assert_eq!(
            trade_id(&raw(r#""x-42""#), "tradeId").unwrap(),
            TradeId::Text("x-42".into())
        );
        assert!(matches!(
            trade_id(&raw("1.5"), "tradeId"),
            Err(FrameError::Malformed(_))
        ));
    }
}
