//! Backpack's documented limits ([`LIMITS`], `ExchangeAdapter::limits`): what the runtime
//! plans connections and paces messages by. `None` where the docs are silent.
//!
//! The docs give no limit of streams per connection or per message, no message rate, no
//! connection rate and no REST weight: every field is `None`.

use feed_core::runtime::VenueLimits;

/// The documented limits; sources in `source`.
pub const LIMITS: VenueLimits = VenueLimits {
    source: "https://docs.backpack.exchange/#tag/Streams",
    ..VenueLimits::none()
};
