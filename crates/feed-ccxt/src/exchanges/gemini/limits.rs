//! Gemini's documented limits ([`LIMITS`], `ExchangeAdapter::limits`): what the runtime
//! plans connections and paces messages by. `None` where the docs are silent.
//!
//! The market data v2 docs give no limit of symbols per connection or message, no message
//! or connection rate and no forced disconnect: every field is `None`.

use feed_core::runtime::VenueLimits;

/// The documented limits; sources in `source`.
pub const LIMITS: VenueLimits = VenueLimits {
    source: "https://docs.gemini.com/websocket/market-data/v2/about",
    ..VenueLimits::none()
};
