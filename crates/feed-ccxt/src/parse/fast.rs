//! What every cursor fast path shares: a frame is read whole or not at all, and a trade's
//! fields are each filled once from the value the frame gives.

use super::cursor::Scalar;
use crate::parsed::ParsedFrame;

/// Runs a fast path's `read` over `out`; when it declines (`None`), every event it had
/// pushed is taken back, so the serde path starts from `out` as it was.
pub(crate) fn whole_or_declined(
    out: &mut ParsedFrame,
    read: impl FnOnce(&mut ParsedFrame) -> Option<()>,
) -> Option<()> {
    let before = out.events.len();
    let read = read(out);
    if read.is_none() {
        out.events.truncate(before);
    }
    read
}

/// Fills an empty slot with a string; a second value for a key, or one that is not a
/// string, declines.
pub(crate) fn text<'a>(slot: &mut Option<&'a str>, value: Scalar<'a>) -> Option<()> {
    match (&slot, value) {
        (None, Scalar::Text(text)) => {
            *slot = Some(text);
            Some(())
        }
        _ => None,
    }
}
