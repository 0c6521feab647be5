//! Rows in PostgreSQL's `COPY ... FROM STDIN` text format
//! (<https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.2>): columns
//! separated by tabs, rows by newlines, `\N` for null, backslash escapes in text.

use crate::rows::{micros, utc_parts, Cell};

/// Appends `text` escaped for COPY's text format.
fn push_escaped(out: &mut Vec<u8>, text: &str) {
    for byte in text.bytes() {
        match byte {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            other => out.push(other),
        }
    }
}

/// Microseconds since the epoch as `YYYY-MM-DD HH:MM:SS.ffffff+00`.
fn push_timestamp(out: &mut Vec<u8>, micros: i64) {
    let t = utc_parts(micros);
    let text = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}+00",
        t.year, t.month, t.day, t.hour, t.minute, t.second, t.micros
    );
    out.extend_from_slice(text.as_bytes());
}

/// Appends one row (with its newline).
///
/// # Errors
/// A time out of range, naming it.
pub(super) fn push_row(out: &mut Vec<u8>, row: &[Cell<'_>]) -> Result<(), String> {
    for (index, cell) in row.iter().enumerate() {
        if index > 0 {
            out.push(b'\t');
        }
        match cell {
            Cell::Text(text) => push_escaped(out, text),
            Cell::Owned(text) => push_escaped(out, text),
            Cell::Decimal(value) => out.extend_from_slice(value.to_string().as_bytes()),
            Cell::Time(seconds) => {
                let micros =
                    micros(*seconds).ok_or_else(|| format!("time {seconds} out of range"))?;
                push_timestamp(out, micros);
            }
            Cell::Integer(value) => out.extend_from_slice(value.to_string().as_bytes()),
            Cell::Bool(flag) => out.extend_from_slice(if *flag { b"t" } else { b"f" }),
            Cell::Null => out.extend_from_slice(b"\\N"),
        }
    }
    out.push(b'\n');
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;

    use super::*;

    #[test]
    fn rows_are_escaped_and_times_are_utc() {
        let mut out = Vec::new();
        push_row(
            &mut out,
            &[
                Cell::Text("a\tb\\c\nd"),
                Cell::Decimal(Decimal::from_str("0.000000010").unwrap()),
                Cell::Time(Decimal::from_str("1700000000.1234567").unwrap()),
                Cell::Null,
                Cell::Bool(true),
            ],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\\tb\\\\c\\nd\t0.000000010\t2023-11-14 22:13:20.123456+00\t\\N\tt\n"
        );
        let mut leap = Vec::new();
        push_timestamp(&mut leap, 951_782_400_000_000); // 2000-02-29
        assert_eq!(
            String::from_utf8(leap).unwrap(),
            "2000-02-29 00:00:00.000000+00"
        );
        let mut before = Vec::new();
        push_timestamp(&mut before, -1);
        assert_eq!(
            String::from_utf8(before).unwrap(),
            "1969-12-31 23:59:59.999999+00"
        );
    }
}
