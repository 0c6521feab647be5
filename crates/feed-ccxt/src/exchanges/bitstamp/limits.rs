//! Bitstamp's documented limits ([`LIMITS`], `ExchangeAdapter::limits`): what the runtime
//! plans connections and paces messages by. `None` where the docs are silent.
//!
//! The WebSocket v2 docs give no limit of channels per connection or per message, no
//! message or connection rate and no forced disconnect: every field is `None`.

use feed_core::runtime::VenueLimits;

/// The documented limits; sources in `source`.
pub const LIMITS: VenueLimits = VenueLimits {
    source: "https://www.bitstamp.net/websocket/v2/",
    ..VenueLimits::none()
};
