//! Bitget's documented limits ([`LIMITS`], `ExchangeAdapter::limits`): what the runtime
//! plans connections and paces messages by. `None` where the docs are silent.
//!
//! 1000 channels per connection (fewer than 50 recommended), 10 messages per second per
//! connection (`ping` included), 300 connection requests per IP per 5 minutes. The
//! per-request limit is in bytes (the args at most 4096), not a count, so
//! `subscriptions_per_message` is `None` and the adapter splits by size
//! (`super::subscription`). The other documented limits have no field here: 240 subscribe
//! requests per hour per connection (a connection sends a few, split by size) and 100
//! connections per IP at once. No REST weight or forced disconnect is documented.

use std::time::Duration;

use feed_core::runtime::{Rate, VenueLimits};

/// The documented limits; sources in `source`.
pub const LIMITS: VenueLimits = VenueLimits {
    subscriptions_per_connection: Some(1000),
    messages_per_connection: Some(Rate::per_second(10)),
    connections_per_egress: Some(Rate::new(300, Duration::from_secs(300))),
    source: "https://www.bitget.com/api-doc/common/websocket-intro",
    ..VenueLimits::none()
};
