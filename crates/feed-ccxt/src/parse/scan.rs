//! The end of a JSON string found eight bytes at a time (SWAR): the first quote, backslash
//! or control character of a 64-bit word comes from three byte-wise tests and one count
//! of trailing zeros, instead of three comparisons per byte.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The position of the first byte of `bytes` that ends or escapes a JSON string's plain
/// text: `"`, `\` or a control character (below 0x20). `None` when there is none.
#[must_use]
pub(crate) fn string_stop(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        let stops = stop_bytes(u64::from_le_bytes(*chunk));
        if stops != 0 {
            return Some(at + (stops.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = bytes.get(at..).unwrap_or_default();
    tail.iter()
        .position(|&byte| byte == b'"' || byte == b'\\' || byte < 0x20)
        .map(|position| at + position)
}

/// A word with the high bit set in the lowest byte of `word` that is `"`, `\` or below
/// 0x20 (and possibly in bytes above it: only the lowest set bit is exact, and it is the
/// one used).
fn stop_bytes(word: u64) -> u64 {
    let below = |value: u64, bound: u64| value.wrapping_sub(bound * ONES) & !value & HIGHS;
    let quote = word ^ (u64::from(b'"') * ONES);
    let backslash = word ^ (u64::from(b'\\') * ONES);
    below(quote, 1) | below(backslash, 1) | below(word, 0x20)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slow(bytes: &[u8]) -> Option<usize> {
        bytes
            .iter()
            .position(|&byte| byte == b'"' || byte == b'\\' || byte < 0x20)
    }

    #[test]
    fn the_first_stop_is_found_at_every_position() {
        for stop in [b'"', b'\\', 0x00, 0x01, 0x1f] {
            for length in 0..40 {
                for at in 0..=length {
                    let mut text = vec![b'a'; length];
                    if at < length {
                        text[at] = stop;
                    }
                    assert_eq!(string_stop(&text), slow(&text), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn random_bytes_agree_with_a_byte_loop() {
        let alphabet: Vec<u8> =
            b"aZ09 -_.:,{}[]\"\\\x00\x01\x1f\x20\x21\x7f\x80\xc3\xa9\xff\x5b\x5d\x23".to_vec();
        let mut rng = crate::fast_path_check::Lcg(3);
        for _ in 0..50_000 {
            let length = rng.below(40);
            let text: Vec<u8> = (0..length)
                .map(|_| {
                    if rng.below(4) == 0 {
                        alphabet[rng.below(alphabet.len())]
                    } else {
                        b'a' + u8::try_from(rng.below(26)).unwrap()
                    }
                })
                .collect();
            assert_eq!(string_stop(&text), slow(&text), "{text:?}");
        }
    }
}
