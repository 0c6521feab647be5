//! Lenient readers of scalar fields that exchanges send as JSON numbers or as strings
//! (`"px":"42219.9"` and `"price":37000.1` alike), always read as the text sent, never
//! through `f64`.

use std::borrow::Cow;

use feed_core::runtime::FrameError;
use feed_core::TradeId;

use super::digits::digit_run;
use serde_json::value::RawValue;

/// The text of a JSON number, or of a JSON string without its quotes (escapes decoded).
///
/// # Errors
/// [`FrameError::Malformed`] for anything else (`null`, `true`, objects, arrays).
pub fn scalar_text<'a>(raw: &'a RawValue, field: &str) -> Result<Cow<'a, str>, FrameError> {
    let text = raw.get();
    if let Some(quoted) = text
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    {
        if !quoted.contains('\\') {
            return Ok(Cow::Borrowed(quoted));
        }
        return serde_json::from_str::<String>(text)
            .map(Cow::Owned)
            .map_err(|error| FrameError::Malformed(format!("{field}: {error}")));
    }
    if text.starts_with(|first: char| first == '-' || first.is_ascii_digit()) {
        return Ok(Cow::Borrowed(text));
    }
    Err(FrameError::Malformed(format!(
        "{field} is neither a number nor a string: {text}"
    )))
}

/// A whole number sent as a JSON number or a numeric string.
///
/// # Errors
/// [`FrameError::Malformed`] naming the field.
pub fn integer(raw: &RawValue, field: &str) -> Result<i64, FrameError> {
    let text = scalar_text(raw, field)?;
    text.parse()
        .map_err(|_| FrameError::Malformed(format!("{field} is not an integer: {text:?}")))
}

/// A JSON boolean (strictly `true` or `false`).
///
/// # Errors
/// [`FrameError::Malformed`] for anything else.
pub fn boolean(raw: &RawValue, field: &str) -> Result<bool, FrameError> {
    match raw.get() {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(FrameError::Malformed(format!(
            "{field} is not a boolean: {other}"
        ))),
    }
}

/// A trade id sent as a JSON number or string: [`TradeId::Number`] when it is a whole
/// number written plainly (digits, no leading zero, fits `u64`), so that printing it gives
/// back the exchange's text; any other string is [`TradeId::Text`].
///
/// # Errors
/// [`FrameError::Malformed`] for a JSON number that is not a plain whole number, or a value
/// that is neither a number nor a string.
pub fn trade_id(raw: &RawValue, field: &str) -> Result<TradeId, FrameError> {
    let text = scalar_text(raw, field)?;
    match plain_number(&text) {
        Some(number) => Ok(TradeId::Number(number)),
        None if raw.get().starts_with('"') => Ok(TradeId::Text(text.into())),
        None => Err(FrameError::Malformed(format!(
            "{field} is not a whole number: {text}"
        ))),
    }
}

/// A textual trade id: [`TradeId::Number`] when it is a plain whole number, else
/// [`TradeId::Text`].
#[must_use]
pub fn trade_id_from_text(text: &str) -> TradeId {
    plain_number(text).map_or_else(|| TradeId::Text(text.into()), TradeId::Number)
}

/// The number of `text` when it is digits only, without a leading zero (`"0"` aside), and
/// fits a `u64`.
fn plain_number(text: &str) -> Option<u64> {
    if text.len() > 1 && text.starts_with('0') {
        return None;
    }
    match digit_run(text.as_bytes()) {
        Some((value, digits)) if digits > 0 && digits == text.len() => Some(value),
        // Twenty digits may still fit a u64 (up to 18446744073709551615).
        None if text.bytes().all(|byte| byte.is_ascii_digit()) => text.parse().ok(),
        _ => None,
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
        assert_eq!(scalar_text(&raw(r#""a\"b""#), "p").unwrap(), "a\"b");
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
            integer(&raw(r#""""#), "T"),
            Err(FrameError::Malformed(_))
        ));
        assert!(
            matches!(scalar_text(&raw("null"), "p"), Err(FrameError::Malformed(text)) if text.contains('p'))
        );
        assert!(matches!(
            scalar_text(&raw("{}"), "px"),
            Err(FrameError::Malformed(_))
        ));
    }

    #[test]
    fn trade_ids_are_numbers_only_when_they_print_back_the_same() {
        let id = |json: &str| trade_id(&raw(json), "t");
        assert_eq!(id("12345").unwrap(), TradeId::Number(12345));
        assert_eq!(id(r#""629147539""#).unwrap(), TradeId::Number(629_147_539));
        assert_eq!(id(r#""0""#).unwrap(), TradeId::Number(0));
        assert_eq!(id(r#""007""#).unwrap(), TradeId::Text("007".into()));
        assert_eq!(id(r#""a-1\"b""#).unwrap(), TradeId::Text("a-1\"b".into()));
        assert_eq!(
            id(r#""99999999999999999999""#).unwrap(),
            TradeId::Text("99999999999999999999".into())
        );
        assert!(id("-3").is_err());
        assert!(id("1.5").is_err());
        assert_eq!(
            trade_id_from_text("20f43950-d8dd-5b31-9112-a178eb6023af"),
            TradeId::Text("20f43950-d8dd-5b31-9112-a178eb6023af".into())
        );
        assert_eq!(
            trade_id_from_text("2290000000061666327"),
            TradeId::Number(2_290_000_000_061_666_327)
        );
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
