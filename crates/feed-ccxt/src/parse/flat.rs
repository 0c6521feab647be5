//! A zero-allocation scanner for flat JSON objects (`{"k":"v","n":1,"b":true}`): the hot
//! path of exchanges whose trade frames are one flat object (Binance's aggTrade). It yields
//! each key with its raw value and gives up (`None`) on anything it does not handle —
//! nested values, escapes in strings — so the caller falls back to serde for those frames.

/// One value of a flat object, borrowed from the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlatValue<'a> {
    /// A string without escapes, without its quotes.
    Str(&'a str),
    /// A number, as written.
    Number(&'a str),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// Calls `visit` with every key and value of the flat object `text`, in order. Returns
/// `None` when `text` is not a flat object this scanner reads (then parse it with serde).
pub fn scan_flat_object<'a>(
    text: &'a str,
    mut visit: impl FnMut(&'a str, FlatValue<'a>),
) -> Option<()> {
    let bytes = text.as_bytes();
    let mut at = skip_space(bytes, 0);
    if bytes.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_space(bytes, at + 1);
    if bytes.get(at) == Some(&b'}') {
        return Some(());
    }
    loop {
        let (key, after_key) = read_string(text, at)?;
        at = skip_space(bytes, after_key);
        if bytes.get(at) != Some(&b':') {
            return None;
        }
        at = skip_space(bytes, at + 1);
        let (value, after_value) = read_value(text, at)?;
        visit(key, value);
        at = skip_space(bytes, after_value);
        match bytes.get(at) {
            Some(b',') => at = skip_space(bytes, at + 1),
            Some(b'}') => return (skip_space(bytes, at + 1) == bytes.len()).then_some(()),
            _ => return None,
        }
    }
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        at += 1;
    }
    at
}

/// A string starting at `at` (its opening quote): its content and the index after it.
fn read_string(text: &str, at: usize) -> Option<(&str, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let start = at + 1;
    let length = bytes
        .get(start..)?
        .iter()
        .position(|&byte| byte == b'"' || byte == b'\\')?;
    let end = start + length;
    if bytes[end] == b'\\' {
        return None; // escapes: leave them to serde
    }
    Some((text.get(start..end)?, end + 1))
}

fn read_value(text: &str, at: usize) -> Option<(FlatValue<'_>, usize)> {
    let bytes = text.as_bytes();
    match bytes.get(at)? {
        b'"' => read_string(text, at).map(|(value, end)| (FlatValue::Str(value), end)),
        b't' if bytes.get(at..at + 4) == Some(b"true") => Some((FlatValue::Bool(true), at + 4)),
        b'f' if bytes.get(at..at + 5) == Some(b"false") => Some((FlatValue::Bool(false), at + 5)),
        b'n' if bytes.get(at..at + 4) == Some(b"null") => Some((FlatValue::Null, at + 4)),
        b'-' | b'0'..=b'9' => {
            let length = bytes[at..]
                .iter()
                .position(|byte| !matches!(byte, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                .unwrap_or(bytes.len() - at);
            Some((FlatValue::Number(text.get(at..at + length)?), at + length))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> Option<Vec<(&str, FlatValue<'_>)>> {
        let mut pairs = Vec::new();
        scan_flat_object(text, |key, value| pairs.push((key, value)))?;
        Some(pairs)
    }

    #[test]
    fn reads_every_kind_of_flat_value() {
        let pairs = scan(
            r#" {"e":"aggTrade", "a":12345,"p":"0.001","x":-1.5e3,"m":true,"M":false,"n":null} "#,
        )
        .unwrap();
        assert_eq!(
            pairs,
            vec![
                ("e", FlatValue::Str("aggTrade")),
                ("a", FlatValue::Number("12345")),
                ("p", FlatValue::Str("0.001")),
                ("x", FlatValue::Number("-1.5e3")),
                ("m", FlatValue::Bool(true)),
                ("M", FlatValue::Bool(false)),
                ("n", FlatValue::Null),
            ]
        );
        assert_eq!(scan("{}"), Some(vec![]));
    }

    #[test]
    fn gives_up_on_what_it_does_not_read() {
        for text in [
            r#"{"a":{"b":1}}"#,
            r#"{"a":[1]}"#,
            r#"{"a":"x\"y"}"#,
            r#"{"a":1} trailing"#,
            r#"{"a":1"#,
            r#"{"a" 1}"#,
            r#"{"a":tru}"#,
            "[1,2]",
            "",
            "\"é",
        ] {
            assert!(scan(text).is_none(), "{text}");
        }
    }
}
