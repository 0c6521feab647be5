//! OKX's documented limits ([`LIMITS`], `ExchangeAdapter::limits`): what the runtime
//! plans connections and paces messages by. `None` where the docs are silent.
//!
//! 480 `subscribe`, `unsubscribe` and `login` requests per connection per hour (the text
//! `ping` is not among them; it is counted here too, which keeps under the limit) and a
//! connection limit of 3 requests per second per IP. No limit of args per message (a
//! message is split at 4096 bytes, `super::subscription`) or per connection, no shared
//! REST weight and no forced disconnect are documented.

use std::time::Duration;

use feed_core::runtime::{Rate, VenueLimits};

/// The documented limits; sources in `source`.
pub const LIMITS: VenueLimits = VenueLimits {
    messages_per_connection: Some(Rate::new(480, Duration::from_secs(3600))),
    connections_per_egress: Some(Rate::per_second(3)),
    source: "https://www.okx.com/docs-v5/en/#overview-websocket",
    ..VenueLimits::none()
};
