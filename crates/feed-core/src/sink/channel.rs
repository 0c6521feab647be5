//! Which channel an event's data belongs to, for sinks selecting channels.

use crate::{Channel, Event};

/// The channel of a data event: a trade's `TRADES`, a book's `L2_BOOK`, ..., and a gap's
/// affected channel (a gap goes wherever the data it is about goes). `None` for lifecycle
/// events, which sinks do not record.
#[must_use]
pub fn data_channel(event: &Event) -> Option<Channel> {
    match event {
        Event::Gap(gap) => Some(gap.channel),
        other => other.kind().channel(),
    }
}
