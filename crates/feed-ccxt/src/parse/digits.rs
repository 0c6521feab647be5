//! Runs of ASCII digits read eight at a time (SWAR: one 64-bit word holds eight digits,
//! converted with three multiplications), for the numbers of every hot path: trade ids,
//! millisecond times, the whole and fraction parts of prices and sizes.

/// The most digits a `u64` always holds (`9_999_999_999_999_999_999 < u64::MAX`).
pub(crate) const MOST_DIGITS: usize = 19;

const ZEROS: u64 = 0x3030_3030_3030_3030;

/// The value and length of the run of ASCII digits at the start of `bytes` (length 0 when
/// it starts with something else); `None` when the run is longer than [`MOST_DIGITS`].
///
/// `bytes` must not hold bytes `0xFA..=0xFF` before the run ends (UTF-8 text never does):
/// the digit test of a word adds 6 to each byte and such a byte would carry into the next.
#[must_use]
pub(crate) fn digit_run(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0_u64;
    let mut length = 0_usize;
    while let Some(chunk) = bytes.get(length..).and_then(<[u8]>::first_chunk::<8>) {
        let word = u64::from_le_bytes(*chunk);
        let digits = leading_digits(word);
        if length + digits > MOST_DIGITS {
            return None;
        }
        if digits > 0 {
            value = value * POWERS_OF_TEN[digits] + eight_digits_value(word, digits);
            length += digits;
        }
        if digits < 8 {
            return Some((value, length));
        }
    }
    // Fewer than eight bytes left: one at a time.
    for &byte in bytes.get(length..).unwrap_or_default() {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        if length == MOST_DIGITS {
            return None;
        }
        value = value * 10 + u64::from(digit);
        length += 1;
    }
    Some((value, length))
}

/// How many ASCII digits `bytes` starts with (any number of them), eight at a time.
#[must_use]
pub(crate) fn digit_count(bytes: &[u8]) -> usize {
    let mut count = 0;
    while let Some(chunk) = bytes.get(count..).and_then(<[u8]>::first_chunk::<8>) {
        let digits = leading_digits(u64::from_le_bytes(*chunk));
        count += digits;
        if digits < 8 {
            return count;
        }
    }
    count
        + bytes
            .get(count..)
            .unwrap_or_default()
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count()
}

/// How many of the eight bytes of `word` (first byte lowest) are ASCII digits before the
/// first that is not.
fn leading_digits(word: u64) -> usize {
    // A digit byte 0x30..=0x39 has high nibble 3, and adding 6 keeps it 3.
    let high = word & 0xF0F0_F0F0_F0F0_F0F0;
    let high_after_six = (word.wrapping_add(0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4;
    let not_digit = (high | high_after_six) ^ 0x3333_3333_3333_3333;
    (not_digit.trailing_zeros() / 8) as usize
}

/// The value of the first `digits` (1..=8) bytes of `word`, all ASCII digits, the first
/// byte the most significant.
fn eight_digits_value(word: u64, digits: usize) -> u64 {
    // The digits moved to the top bytes: the bytes below become leading zeros.
    let mut value = (word ^ ZEROS) << (8 * (8 - digits));
    // Pairs, then fours, then the eight (the products wrap by design: only the bits kept
    // by the masks and the final shift matter).
    value = value.wrapping_mul(10).wrapping_add(value >> 8);
    let high = (value & 0x0000_00FF_0000_00FF).wrapping_mul(100 + (1_000_000 << 32));
    let low = ((value >> 16) & 0x0000_00FF_0000_00FF).wrapping_mul(1 + (10_000 << 32));
    high.wrapping_add(low) >> 32
}

/// `10^n` for `n` in 0..=19.
pub(crate) const POWERS_OF_TEN: [u64; 20] = {
    let mut powers = [1_u64; 20];
    let mut n = 1;
    while n < 20 {
        powers[n] = powers[n - 1] * 10;
        n += 1;
    }
    powers
};

#[cfg(test)]
mod tests {
    use super::*;

    /// The run as a byte loop reads it.
    fn slow(bytes: &[u8]) -> Option<(u64, usize)> {
        let length = bytes
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        if length > MOST_DIGITS {
            return None;
        }
        let text = std::str::from_utf8(&bytes[..length]).unwrap();
        Some((
            if length == 0 {
                0
            } else {
                text.parse().unwrap()
            },
            length,
        ))
    }

    #[test]
    fn every_length_and_every_stop_agree_with_a_byte_loop() {
        let digits = b"98765432109876543210987";
        for length in 0..=digits.len() {
            for stop in [
                &b""[..],
                b"\"",
                b".5",
                b",",
                b"e1",
                b"x",
                b"0",
                b"/",
                b":",
                "é".as_bytes(),
            ] {
                let mut text = digits[..length].to_vec();
                text.extend_from_slice(stop);
                assert_eq!(
                    digit_run(&text),
                    slow(&text),
                    "{:?}",
                    String::from_utf8_lossy(&text)
                );
            }
        }
        assert_eq!(
            digit_run(b"9999999999999999999"),
            Some((9_999_999_999_999_999_999, 19))
        );
        assert_eq!(
            digit_run(b"00000000000000000001"),
            None,
            "20 digits, even as zeros"
        );
    }

    #[test]
    fn random_text_agrees_with_a_byte_loop() {
        let alphabet = b"0123456789012345678901234567890123456789.-+eE\",}: /:";
        let mut rng = crate::fast_path_check::Lcg(5);
        for _ in 0..50_000 {
            let length = rng.below(30);
            let text: Vec<u8> = (0..length)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            assert_eq!(
                digit_run(&text),
                slow(&text),
                "{:?}",
                String::from_utf8_lossy(&text)
            );
            for start in 0..text.len() {
                assert_eq!(digit_run(&text[start..]), slow(&text[start..]));
            }
        }
    }
}
