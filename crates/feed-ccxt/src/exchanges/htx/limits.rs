//! HTX's documented limits ([`LIMITS`], `ExchangeAdapter::limits`): what the runtime
//! plans connections and paces messages by. `None` where the docs are silent.
//!
//! The docs consulted give no limit of topics per connection (one topic per `sub` message
//! anyway), no message or connection rate and no forced disconnect: every field is `None`.

use feed_core::runtime::VenueLimits;

/// The documented limits; sources in `source`.
pub const LIMITS: VenueLimits = VenueLimits {
    source: "https://huobiapi.github.io/docs/spot/v1/en/#websocket-market-data",
    ..VenueLimits::none()
};
