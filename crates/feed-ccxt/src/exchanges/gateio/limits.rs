//! Gate's documented limits ([`LIMITS`], `ExchangeAdapter::limits`): what the runtime
//! plans connections and paces messages by. `None` where the docs are silent.
//!
//! The WebSocket docs give no limit of channels per connection or message, no message or
//! connection rate (a maintainer answered "no limit", 100 connections per host
//! recommended) and no forced disconnect; REST limits are per endpoint, not a shared
//! weight: every field is `None`.

use feed_core::runtime::VenueLimits;

/// The documented limits; sources in `source`.
pub const LIMITS: VenueLimits = VenueLimits {
    source: "https://www.gate.com/docs/developers/apiv4/ws/en/#api-overview",
    ..VenueLimits::none()
};
