//! MEXC's documented limits ([`LIMITS`], `ExchangeAdapter::limits`): what the runtime
//! plans connections and paces messages by. `None` where the docs are silent.
//!
//! "One ws connection supports a maximum of 30 subscriptions" ([`super::MAX_PER_CONNECTION`])
//! and a connection "is valid for no more than 24 hours". No per-message limit (one topic
//! per message anyway), message rate or connection rate is documented on that page; REST
//! limits are per endpoint, so no shared weight is declared.

use std::time::Duration;

use feed_core::runtime::VenueLimits;

/// The documented limits; sources in `source`.
pub const LIMITS: VenueLimits = VenueLimits {
    subscriptions_per_connection: Some(super::MAX_PER_CONNECTION),
    forced_disconnect: Some(Duration::from_secs(24 * 3600)),
    source: "https://www.mexc.com/api-docs/spot-v3/websocket-market-streams",
    ..VenueLimits::none()
};
