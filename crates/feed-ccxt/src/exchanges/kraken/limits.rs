//! Kraken's documented limits ([`LIMITS`], `ExchangeAdapter::limits`): what the runtime
//! plans connections and paces messages by. `None` where the docs are silent.
//!
//! Kraken documents no fixed WebSocket figure: the message rate is dynamic (the server
//! answers `Exceeded msg rate`), and no limit of symbols per connection or message, no
//! connection rate and no forced disconnect is given: every field is `None`.

use feed_core::runtime::VenueLimits;

/// The documented limits; sources in `source`.
pub const LIMITS: VenueLimits = VenueLimits {
    source: "https://docs.kraken.com/api/docs/guides/spot-ratelimits",
    ..VenueLimits::none()
};
