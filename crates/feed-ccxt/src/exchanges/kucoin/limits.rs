//! KuCoin's documented limits ([`LIMITS`], `ExchangeAdapter::limits`): what the runtime
//! plans connections and paces messages by. `None` where the docs are silent.
//!
//! At most 100 topics per subscribe message (the one figure the subscribe messages are
//! split by, `super::subscription`), 300 topics per connection and 100 client messages per
//! 10 s. No per-IP connection rate (connections are counted per user), no shared public
//! REST weight and no forced disconnect are documented on the pages used.

use std::time::Duration;

use feed_core::runtime::{Rate, VenueLimits};

/// The documented limits; sources in `source`.
pub const LIMITS: VenueLimits = VenueLimits {
    subscriptions_per_connection: Some(300),
    subscriptions_per_message: Some(100),
    messages_per_connection: Some(Rate::new(100, Duration::from_secs(10))),
    source: "https://www.kucoin.com/docs-new/websocket-api/base-info/introduction",
    ..VenueLimits::none()
};
