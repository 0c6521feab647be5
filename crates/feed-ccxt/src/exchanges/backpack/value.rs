//! Lenient readers of scalar fields Backpack sends either as JSON numbers or as strings
//! (its documentation shows `"E": 1694688638091000`, live frames carry
//! `"E": "1754601477746429"`).

use feed_core::runtime::FrameError;
use feed_core::TradeId;
use serde_json::value::RawValue;

/// The text of a JSON number, or of a JSON string without its quotes, as sent (no `f64`).
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
        "{field} is neither a number nor a string: {text}"
    )))
}

/// A whole number sent as a JSON number or a numeric string.
///
/// # Errors
/// [`FrameError::Malformed`] naming the field.
pub(super) fn integer(raw: &RawValue, field: &str) -> Result<i64, FrameError> {
    let text = scalar_text(raw, field)?;
    text.parse()
        .map_err(|_| FrameError::Malformed(format!("{field} is not an integer: {text:?}")))
}

/// A trade id: [`TradeId::Number`] when numeric, else [`TradeId::Text`].
///
/// # Errors
/// [`FrameError::Malformed`] for an id that is neither a number nor a string.
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

/// A JSON boolean.
///
/// # Errors
/// [`FrameError::Malformed`] for anything else.
pub(super) fn boolean(raw: &RawValue, field: &str) -> Result<bool, FrameError> {
    match raw.get() {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(FrameError::Malformed(format!(
            "{field} is not a boolean: {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> Box<RawValue> {
        RawValue::from_string(text.to_owned()).unwrap()
    }

    #[test]
    fn numbers_and_strings_read_alike() {
        assert_eq!(scalar_text(&raw("18.68"), "p").unwrap(), "18.68");
        assert_eq!(scalar_text(&raw(r#""18.680""#), "p").unwrap(), "18.680");
        assert_eq!(
            integer(&raw("1694688638089000"), "T").unwrap(),
            1_694_688_638_089_000
        );
        assert_eq!(
            integer(&raw(r#""1754601477744000""#), "T").unwrap(),
            1_754_601_477_744_000
        );
        assert!(matches!(
            integer(&raw(r#""12.5""#), "T"),
            Err(FrameError::Malformed(_))
        ));
        assert!(matches!(
            scalar_text(&raw("null"), "p"),
            Err(FrameError::Malformed(text)) if text.contains('p')
        ));
    }

    #[test]
    fn trade_ids_are_numbers_when_numeric() {
        assert_eq!(
            trade_id(&raw("12345"), "t").unwrap(),
            TradeId::Number(12345)
        );
        assert_eq!(
            trade_id(&raw(r#""10782547""#), "t").unwrap(),
            TradeId::Number(10_782_547)
        );
        assert_eq!(
            trade_id(&raw(r#""a-1\"b""#), "t").unwrap(),
            TradeId::Text("a-1\"b".into())
        );
        assert!(matches!(
            trade_id(&raw("-3"), "t"),
            Err(FrameError::Malformed(_))
        ));
    }

    #[test]
    fn booleans_are_strict() {
        assert!(boolean(&raw("true"), "m").unwrap());
        assert!(!boolean(&raw("false"), "m").unwrap());
        assert!(matches!(
            boolean(&raw(r#""true""#), "m"),
            Err(FrameError::Malformed(_))
        ));
    }
}
