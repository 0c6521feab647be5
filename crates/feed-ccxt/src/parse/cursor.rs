//! A zero-allocation reader for JSON frames whose exact layout an exchange documents (key
//! order included), for hot paths: `expect` the literal parts, read the values in between.
//! Any surprise (another order, whitespace, escapes, nesting) returns `None`, and the caller
//! reads the frame with serde instead, so the fast path never changes what a frame means.

/// A position in a JSON text.
#[derive(Debug, Clone)]
pub struct JsonCursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> JsonCursor<'a> {
    /// A cursor at the start of `text`.
    #[must_use]
    pub fn new(text: &'a str) -> Self {
        JsonCursor { text, at: 0 }
    }

    /// Consumes exactly `literal`, or fails without moving.
    pub fn expect(&mut self, literal: &str) -> Option<()> {
        let end = self.at.checked_add(literal.len())?;
        if self.text.as_bytes().get(self.at..end)? == literal.as_bytes() {
            self.at = end;
            Some(())
        } else {
            None
        }
    }

    /// A string value without escapes, without its quotes.
    pub fn string(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        if bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        let start = self.at + 1;
        let length = bytes
            .get(start..)?
            .iter()
            .position(|&byte| byte == b'"' || byte == b'\\')?;
        let end = start + length;
        if bytes[end] == b'\\' {
            return None;
        }
        self.at = end + 1;
        self.text.get(start..end)
    }

    /// A number value, as written (at least one character of `-+.eE0-9`, starting with a
    /// digit or `-`).
    pub fn number(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        if !matches!(bytes.get(self.at), Some(b'-' | b'0'..=b'9')) {
            return None;
        }
        let length = bytes[self.at..]
            .iter()
            .position(|byte| !matches!(byte, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
            .unwrap_or(bytes.len() - self.at);
        let start = self.at;
        self.at += length;
        self.text.get(start..self.at)
    }

    /// `true` or `false`.
    pub fn boolean(&mut self) -> Option<bool> {
        if self.expect("true").is_some() {
            Some(true)
        } else {
            self.expect("false").map(|()| false)
        }
    }

    /// An array of two-string arrays, `[["0.0024","10"],["0.0025","0"]]` or `[]`, each pair
    /// handed to `each` (which may refuse it with `None`).
    pub fn string_pairs(
        &mut self,
        mut each: impl FnMut(&'a str, &'a str) -> Option<()>,
    ) -> Option<()> {
        self.expect("[")?;
        if self.expect("]").is_some() {
            return Some(());
        }
        loop {
            self.expect("[")?;
            let first = self.string()?;
            self.expect(",")?;
            let second = self.string()?;
            self.expect("]")?;
            each(first, second)?;
            if self.expect("]").is_some() {
                return Some(());
            }
            self.expect(",")?;
        }
    }

    /// Succeeds when only whitespace is left.
    #[must_use]
    pub fn at_end(&self) -> bool {
        self.text.as_bytes()[self.at..]
            .iter()
            .all(u8::is_ascii_whitespace)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_documented_layout() {
        let mut cursor = JsonCursor::new(r#"{"e":"aggTrade","a":-12.5e3,"m":true,"M":false}"#);
        assert_eq!(cursor.expect(r#"{"e":"#), Some(()));
        assert_eq!(cursor.string(), Some("aggTrade"));
        assert_eq!(cursor.expect(r#","a":"#), Some(()));
        assert_eq!(cursor.number(), Some("-12.5e3"));
        assert_eq!(cursor.expect(r#","m":"#), Some(()));
        assert_eq!(cursor.boolean(), Some(true));
        assert_eq!(
            cursor.expect(r#","x":"#),
            None,
            "a failed expect does not move"
        );
        assert_eq!(cursor.expect(r#","M":"#), Some(()));
        assert_eq!(cursor.boolean(), Some(false));
        assert_eq!(cursor.expect("}"), Some(()));
        assert!(cursor.at_end());
    }

    #[test]
    fn reads_arrays_of_string_pairs() {
        let mut pairs = Vec::new();
        let mut cursor = JsonCursor::new(r#"[["0.0024","10"],["1","0"]]"#);
        cursor
            .string_pairs(|a, b| {
                pairs.push((a, b));
                Some(())
            })
            .unwrap();
        assert_eq!(pairs, vec![("0.0024", "10"), ("1", "0")]);
        assert!(cursor.at_end());
        assert!(JsonCursor::new("[]").string_pairs(|_, _| None).is_some());
        for bad in [r#"[["1"]]"#, r#"[["1","2"],]"#, r#"[[1,"2"]]"#, "["] {
            assert!(
                JsonCursor::new(bad).string_pairs(|_, _| Some(())).is_none(),
                "{bad}"
            );
        }
    }

    #[test]
    fn refuses_what_it_does_not_read() {
        assert_eq!(JsonCursor::new(r#""a\"b""#).string(), None);
        assert_eq!(JsonCursor::new(r#""unterminated"#).string(), None);
        assert_eq!(JsonCursor::new("abc").number(), None);
        assert_eq!(JsonCursor::new("tru").boolean(), None);
        assert_eq!(JsonCursor::new("").expect("{"), None);
        assert!(!JsonCursor::new("x").at_end());
    }
}
