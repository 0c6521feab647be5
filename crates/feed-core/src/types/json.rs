//! Writing JSON lines by hand: decimals digit for digit (no float, no formatting machinery),
//! escaped strings. Every event's `write_json_line` is built from these.

use rust_decimal::Decimal;

/// Appends a decimal exactly as `Decimal`'s `Display` prints it (every digit of its scale),
/// without the formatting machinery, which is most of the cost of a JSON line otherwise.
///
/// The mantissa's digits come from `itoa` (four at a time from a table); the point is
/// placed among them, with the zeros of `0.000…` before them when the scale asks for more
/// digits than the mantissa has.
pub fn push_decimal(out: &mut Vec<u8>, value: &Decimal) {
    let mantissa = value.mantissa();
    if mantissa < 0 {
        out.push(b'-');
    }
    let magnitude = mantissa.unsigned_abs();
    let mut digits = itoa::Buffer::new();
    // Every price, size and timestamp seen in practice fits 64 bits, whose digits are cheaper.
    let digits = match u64::try_from(magnitude) {
        Ok(small) => digits.format(small),
        Err(_) => digits.format(magnitude),
    };
    push_with_point(out, digits.as_bytes(), value.scale() as usize);
}

/// Appends `digits` with a point before the last `scale` of them (`0.` and zeros first when
/// there are not more digits than that).
fn push_with_point(out: &mut Vec<u8>, digits: &[u8], scale: usize) {
    if scale == 0 {
        out.extend_from_slice(digits);
    } else if digits.len() > scale {
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        out.extend_from_slice(whole);
        out.push(b'.');
        out.extend_from_slice(fraction);
    } else {
        out.extend_from_slice(b"0.");
        out.resize(out.len() + scale - digits.len(), b'0');
        out.extend_from_slice(digits);
    }
}

/// Appends `text` as a JSON string, quoted and escaped. Text with nothing to escape (every
/// symbol, exchange and channel name) is appended with one copy.
pub fn push_json_string(out: &mut Vec<u8>, text: &str) {
    // A fold over every byte (no early exit) compiles to vector compares.
    let needs_escape = text.as_bytes().iter().fold(false, |found, &byte| {
        found | (byte < 0x20) | (byte == b'"') | (byte == b'\\')
    });
    out.push(b'"');
    if !needs_escape {
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
        return;
    }
    for &byte in text.as_bytes() {
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0..=0x1f => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(byte >> 4)]);
                out.push(HEX[usize::from(byte & 0xf)]);
            }
            _ => out.push(byte),
        }
    }
    out.push(b'"');
}

/// Appends an unsigned integer in decimal digits.
pub fn push_u64(out: &mut Vec<u8>, value: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// Opens an event's JSON line: `{"exchange":"BINANCE","symbol":"BTC-USDT","channel":"trades"`.
pub fn push_line_head(out: &mut Vec<u8>, exchange: &str, symbol: &str, channel: &str) {
    out.extend_from_slice(b"{\"exchange\":");
    push_json_string(out, exchange);
    out.extend_from_slice(b",\"symbol\":");
    push_json_string(out, symbol);
    out.extend_from_slice(b",\"channel\":");
    push_json_string(out, channel);
}

/// Appends `"key":` preceded by a comma (every key but an object's first).
pub fn push_key(out: &mut Vec<u8>, key: &str) {
    out.push(b',');
    push_json_string(out, key);
    out.push(b':');
}

/// Appends a decimal as a JSON string (`"0.5"`): the form of prices and amounts.
pub fn push_decimal_string(out: &mut Vec<u8>, value: &Decimal) {
    out.push(b'"');
    push_decimal(out, value);
    out.push(b'"');
}

/// Appends an optional decimal as a JSON number, or `null`.
pub fn push_optional_decimal(out: &mut Vec<u8>, value: Option<&Decimal>) {
    match value {
        Some(value) => push_decimal(out, value),
        None => out.extend_from_slice(b"null"),
    }
}

/// Appends an optional decimal as a JSON string (`"0.5"`), or `null`.
pub fn push_optional_decimal_string(out: &mut Vec<u8>, value: Option<&Decimal>) {
    match value {
        Some(value) => push_decimal_string(out, value),
        None => out.extend_from_slice(b"null"),
    }
}

/// Closes a data line: `,"timestamp":…,"receipt_timestamp":…}` and the newline.
pub fn push_line_tail(out: &mut Vec<u8>, timestamp: Option<&Decimal>, receipt: &Decimal) {
    push_key(out, "timestamp");
    push_optional_decimal(out, timestamp);
    push_key(out, "receipt_timestamp");
    push_decimal(out, receipt);
    out.extend_from_slice(b"}\n");
}

/// Runs a line writer and returns its line as text, without the trailing newline.
pub(crate) fn line_of(write: impl FnOnce(&mut Vec<u8>)) -> String {
    let mut line = Vec::with_capacity(192);
    write(&mut line);
    if line.last() == Some(&b'\n') {
        line.pop();
    }
    String::from_utf8_lossy(&line).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn push_decimal_prints_what_display_prints() {
        let texts = [
            "0",
            "0.000",
            "1",
            "-1",
            "0.5",
            "-0.5",
            "0.00000001",
            "37000.10",
            "123456789.123456789",
            "1700000000.123456789",
            "79228162514264337593543950335",
            "-7922816251426433759354395033.5",
            "0.0000000000000000000000000001",
            "18446744073709551616",
            "100",
        ];
        for text in texts {
            let value = Decimal::from_str(text).unwrap();
            let mut out = Vec::new();
            push_decimal(&mut out, &value);
            assert_eq!(String::from_utf8(out).unwrap(), value.to_string(), "{text}");
        }
        for _ in 0..10_000 {
            let value = Decimal::new(fastrand::i64(..), fastrand::u32(0..=18));
            let mut out = Vec::new();
            push_decimal(&mut out, &value);
            assert_eq!(String::from_utf8(out).unwrap(), value.to_string());
        }
    }

    #[test]
    fn integers_and_optional_decimals() {
        let mut out = Vec::new();
        push_u64(&mut out, 0);
        out.push(b' ');
        push_u64(&mut out, u64::MAX);
        out.push(b' ');
        push_optional_decimal(&mut out, None);
        out.push(b' ');
        push_decimal_string(&mut out, &Decimal::from_str("0.50").unwrap());
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0 18446744073709551615 null \"0.50\""
        );
    }
}
