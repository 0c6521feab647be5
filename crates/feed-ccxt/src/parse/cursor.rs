//! A zero-allocation reader for JSON frames whose exact layout an exchange documents (key
//! order included), for hot paths: `expect` the literal parts, read the values in between.
//! Any surprise (another order, whitespace, escapes, nesting) returns `None`, and the caller
//! reads the frame with serde instead, so the fast path never changes what a frame means.

use super::digits::{digit_count, digit_run};
use super::scan::string_stop;

/// A scalar value of a flat object, as [`JsonCursor::scalar`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar<'a> {
    /// A string without escapes, without its quotes.
    Text(&'a str),
    /// A whole number as written (`-?(0|[1-9][0-9]*)`).
    Integer(&'a str),
    /// Any other JSON number (a fraction, an exponent), as written.
    Number(&'a str),
    /// `true` or `false`.
    Boolean(bool),
}

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

    /// A string value without escapes (and without the control characters JSON forbids
    /// in strings), without its quotes.
    pub fn string(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        if bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        let start = self.at + 1;
        let end = start + string_stop(bytes.get(start..)?)?;
        if bytes[end] != b'"' {
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
        let rest = &bytes[self.at..];
        // Digits first (most numbers are nothing else), then the rarer characters.
        let digits = rest
            .iter()
            .position(|byte| !byte.is_ascii_digit())
            .unwrap_or(rest.len());
        let length = digits
            + rest[digits..]
                .iter()
                .position(|byte| !matches!(byte, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                .unwrap_or(rest.len() - digits);
        let start = self.at;
        self.at += length;
        self.text.get(start..self.at)
    }

    /// A whole number of at most 19 digits exactly as JSON writes one, `0|[1-9][0-9]*`,
    /// not followed by a fraction or an exponent: its value (digits read eight at a time).
    /// `None` (and the cursor not moved) for anything else, a minus sign included.
    pub fn unsigned(&mut self) -> Option<u64> {
        let rest = self.text.as_bytes().get(self.at..)?;
        let (value, digits) = digit_run(rest)?;
        if digits == 0 || (digits > 1 && rest[0] == b'0') {
            return None;
        }
        if matches!(rest.get(digits), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        self.at += digits;
        Some(value)
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
    pub fn string_pairs(&mut self, each: impl FnMut(&'a str, &'a str) -> Option<()>) -> Option<()> {
        self.string_arrays(false, each)
    }

    /// An array of arrays of two or more strings, OKX's `[["8476.98","415","0","13"],...]`
    /// or `[]`: the first two strings of each handed to `each` (which may refuse them with
    /// `None`), the others read and not kept.
    pub fn string_levels(
        &mut self,
        each: impl FnMut(&'a str, &'a str) -> Option<()>,
    ) -> Option<()> {
        self.string_arrays(true, each)
    }

    /// [`Self::string_pairs`], or with `more` [`Self::string_levels`].
    fn string_arrays(
        &mut self,
        more: bool,
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
            while more && self.expect(",").is_some() {
                self.string()?;
            }
            self.expect("]")?;
            each(first, second)?;
            if self.expect("]").is_some() {
                return Some(());
            }
            self.expect(",")?;
        }
    }

    /// A whole number exactly as JSON writes one, `-?(0|[1-9][0-9]*)`, not followed by a
    /// fraction or an exponent; as written.
    pub fn integer(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        let digits_at = start + usize::from(bytes.get(start) == Some(&b'-'));
        let digits = bytes
            .get(digits_at..)?
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        if digits == 0 || (digits > 1 && bytes[digits_at] == b'0') {
            return None;
        }
        let end = digits_at + digits;
        if matches!(bytes.get(end), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        self.at = end;
        self.text.get(start..end)
    }

    /// A JSON number exactly as the grammar has it,
    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`; as written.
    pub fn json_number(&mut self) -> Option<&'a str> {
        self.json_number_parts().map(|(text, _whole)| text)
    }

    /// [`Self::json_number`], and whether it is whole (no fraction, no exponent).
    fn json_number_parts(&mut self) -> Option<(&'a str, bool)> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        let digits_from = |at: usize| digit_count(bytes.get(at..).unwrap_or_default());
        let mut at = start + usize::from(bytes.get(start) == Some(&b'-'));
        let whole_digits = digits_from(at);
        if whole_digits == 0 || (whole_digits > 1 && bytes[at] == b'0') {
            return None;
        }
        at += whole_digits;
        let mut whole = true;
        if bytes.get(at) == Some(&b'.') {
            let fraction = digits_from(at + 1);
            if fraction == 0 {
                return None;
            }
            at += 1 + fraction;
            whole = false;
        }
        if matches!(bytes.get(at), Some(b'e' | b'E')) {
            at += 1;
            if matches!(bytes.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            let exponent = digits_from(at);
            if exponent == 0 {
                return None;
            }
            at += exponent;
            whole = false;
        }
        let text = self.text.get(start..at)?;
        self.at = at;
        Some((text, whole))
    }

    /// A string (no escapes), a number or a boolean; `None` for anything else (`null`,
    /// objects, arrays).
    pub fn scalar(&mut self) -> Option<Scalar<'a>> {
        match self.text.as_bytes().get(self.at)? {
            b'"' => self.string().map(Scalar::Text),
            b't' | b'f' => self.boolean().map(Scalar::Boolean),
            // One pass: an integer is a JSON number without fraction or exponent.
            _ => match self.json_number_parts()? {
                (whole, true) => Some(Scalar::Integer(whole)),
                (number, false) => Some(Scalar::Number(number)),
            },
        }
    }

    /// A flat object, `{"key":scalar,...}` or `{}`, in whatever key order: each key (a string
    /// without escapes) and its [`Scalar`] handed to `each`, which may refuse it with `None`.
    pub fn flat_object(
        &mut self,
        mut each: impl FnMut(&'a str, Scalar<'a>) -> Option<()>,
    ) -> Option<()> {
        self.object(|key, cursor| {
            let value = cursor.scalar()?;
            each(key, value)
        })
    }

    /// An object, `{"key":value,...}` or `{}`, in whatever key order: each key (a string
    /// without escapes) handed to `each` with the cursor at its value, which `each` reads
    /// (or refuses with `None`).
    pub fn object(&mut self, mut each: impl FnMut(&'a str, &mut Self) -> Option<()>) -> Option<()> {
        self.expect("{")?;
        if self.expect("}").is_some() {
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.expect(":")?;
            each(key, self)?;
            if self.expect("}").is_some() {
                return Some(());
            }
            self.expect(",")?;
        }
    }

    /// An array of strings without escapes, `["0x11","0x22"]` or `[]`, read and not kept.
    pub fn strings(&mut self) -> Option<()> {
        self.array(|cursor| cursor.string().map(drop))
    }

    /// An array, `[item,...]` or `[]`, each element read from the cursor by `item`.
    pub fn array(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.expect("[")?;
        if self.expect("]").is_some() {
            return Some(());
        }
        loop {
            item(self)?;
            if self.expect("]").is_some() {
                return Some(());
            }
            self.expect(",")?;
        }
    }

    /// Succeeds when only JSON whitespace (space, tab, line feed, carriage return) is left.
    #[must_use]
    pub fn at_end(&self) -> bool {
        self.text.as_bytes()[self.at..]
            .iter()
            .all(|byte| matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
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
    fn reads_arrays_of_two_or_more_strings_keeping_the_first_two() {
        let mut pairs = Vec::new();
        let mut cursor = JsonCursor::new(r#"[["8476.98","415","0","13"],["1","0"]]"#);
        cursor
            .string_levels(|a, b| {
                pairs.push((a, b));
                Some(())
            })
            .unwrap();
        assert_eq!(pairs, vec![("8476.98", "415"), ("1", "0")]);
        assert!(cursor.at_end());
        assert!(JsonCursor::new("[]").string_levels(|_, _| None).is_some());
        let four = r#"[["1","2","0","1"]]"#;
        assert!(JsonCursor::new(four)
            .string_pairs(|_, _| Some(()))
            .is_none());
        for bad in [
            r#"[["1"]]"#,
            r#"[["1","2",0]]"#,
            r#"[["1","2",]]"#,
            r#"[["1","2","3"],]"#,
        ] {
            assert!(
                JsonCursor::new(bad)
                    .string_levels(|_, _| Some(()))
                    .is_none(),
                "{bad}"
            );
        }
    }

    #[test]
    fn reads_flat_objects_in_arrays_in_any_key_order() {
        let mut seen = Vec::new();
        let mut cursor = JsonCursor::new(r#"[{"b":"x","a":-12,"c":true},{},{"a":0}]"#);
        cursor
            .array(|cursor| {
                cursor.flat_object(|key, value| {
                    seen.push((key, value));
                    Some(())
                })?;
                seen.push(("end", Scalar::Boolean(false)));
                Some(())
            })
            .unwrap();
        assert!(cursor.at_end());
        assert_eq!(
            seen,
            vec![
                ("b", Scalar::Text("x")),
                ("a", Scalar::Integer("-12")),
                ("c", Scalar::Boolean(true)),
                ("end", Scalar::Boolean(false)),
                ("end", Scalar::Boolean(false)),
                ("a", Scalar::Integer("0")),
                ("end", Scalar::Boolean(false)),
            ]
        );
        assert!(JsonCursor::new("[]").array(|_| None).is_some());
        for bad in [
            r#"[{"a":null}]"#,
            r#"[{"a":1.}]"#,
            r#"[{"a":.5}]"#,
            r#"[{"a":1e}]"#,
            r#"[{"a":1e+}]"#,
            r#"[{"a":01}]"#,
            r#"[{"a":-}]"#,
            r#"[{"a":{}}]"#,
            r#"[{"a":[]}]"#,
            r#"[{"a":1,}]"#,
            r#"[{"a":1},]"#,
            r#"[{"a\"b":1}]"#,
            r#"[{"a" :1}]"#,
            "[{\"a\":\"x\ty\"}]",
            "[",
        ] {
            let ok = JsonCursor::new(bad)
                .array(|cursor| cursor.flat_object(|_, _| Some(())))
                .is_some();
            assert!(!ok, "{bad}");
        }
    }

    #[test]
    fn objects_hand_each_value_to_its_reader() {
        let mut read = Vec::new();
        let mut cursor = JsonCursor::new(r#"{"users":["0x1","0x2"],"tid":7,"none":[]}"#);
        cursor
            .object(|key, cursor| {
                read.push(key);
                match key {
                    "tid" => cursor.scalar().map(drop),
                    _ => cursor.strings(),
                }
            })
            .unwrap();
        assert_eq!(read, ["users", "tid", "none"]);
        assert!(cursor.at_end());
        for bad in [
            r#"["a",1]"#,
            r#"["a\"b"]"#,
            r#"["a",]"#,
            r#"[["a"]]"#,
            "[null]",
        ] {
            assert_eq!(JsonCursor::new(bad).strings(), None, "{bad}");
        }
    }

    #[test]
    fn numbers_are_json_numbers() {
        for good in ["0", "-0.5", "37000.12345", "1e3", "1.5E+3", "2e-8", "-0"] {
            assert_eq!(JsonCursor::new(good).json_number(), Some(good));
        }
        for bad in ["", "-", "01", "1.", ".5", "1e", "1e+", "+1", "x"] {
            assert_eq!(JsonCursor::new(bad).json_number(), None, "{bad}");
        }
        assert_eq!(JsonCursor::new("1.5").scalar(), Some(Scalar::Number("1.5")));
        assert_eq!(JsonCursor::new("15").scalar(), Some(Scalar::Integer("15")));
    }

    #[test]
    fn integers_are_json_integers() {
        for good in ["0", "-0", "7", "1700000000000", "-42"] {
            assert_eq!(JsonCursor::new(good).integer(), Some(good));
        }
        assert_eq!(JsonCursor::new("12,").integer(), Some("12"));
        for bad in ["", "-", "01", "-01", "1.5", "1e3", "1E3", "+1", "x"] {
            assert_eq!(JsonCursor::new(bad).integer(), None, "{bad}");
        }
    }

    #[test]
    fn refuses_what_it_does_not_read() {
        assert_eq!(
            JsonCursor::new("\"a\nb\"").string(),
            None,
            "a raw control character"
        );
        assert_eq!(JsonCursor::new(r#""a\"b""#).string(), None);
        assert_eq!(JsonCursor::new(r#""unterminated"#).string(), None);
        assert_eq!(JsonCursor::new("abc").number(), None);
        assert_eq!(JsonCursor::new("tru").boolean(), None);
        assert_eq!(JsonCursor::new("").expect("{"), None);
        assert!(!JsonCursor::new("x").at_end());
        assert!(JsonCursor::new(" \t\r\n").at_end());
        assert!(
            !JsonCursor::new("\u{c}").at_end(),
            "a form feed is no JSON whitespace"
        );
    }

    #[test]
    fn unsigned_reads_what_integer_reads_when_it_is_a_u64() {
        for text in [
            "0",
            "7",
            "007",
            "-1",
            "12345678",
            "123456789",
            "1700000000000,",
            "0.5",
            "1e3",
            "10E2",
            "9999999999999999999",
            "18446744073709551615",
            "99999999999999999999",
            "",
            "x",
            "5}",
            "12345678901234567\"",
        ] {
            let mut fast = JsonCursor::new(text);
            let mut slow = JsonCursor::new(text);
            let expected = slow
                .integer()
                .filter(|digits| !digits.starts_with('-') && digits.len() <= 19)
                .and_then(|digits| digits.parse::<u64>().ok());
            assert_eq!(fast.unsigned(), expected, "{text}");
            if expected.is_some() {
                assert_eq!(fast.at, slow.at, "{text}");
            } else {
                assert_eq!(fast.at, 0, "{text}: not moved");
            }
        }
    }

    #[test]
    fn scalar_numbers_are_integers_exactly_when_integer_reads_them() {
        for text in [
            "0",
            "-0",
            "7",
            "01",
            "-",
            "1.5",
            "1.",
            "1e5",
            "1E+5",
            "-2.5e-3",
            "123456789012345678901234",
            "1700000000000",
            "0.00000001",
            "5}",
            "12.0,",
            "9e",
            "-a",
        ] {
            let expected = JsonCursor::new(text)
                .integer()
                .map(Scalar::Integer)
                .or_else(|| JsonCursor::new(text).json_number().map(Scalar::Number));
            assert_eq!(JsonCursor::new(text).scalar(), expected, "{text}");
        }
    }
}
