//! Hyperliquid's documented limits ([`LIMITS`], `ExchangeAdapter::limits`): what the runtime
//! plans connections and paces messages by. `None` where the docs are silent.
//!
//! Per IP address: "Maximum of 1000 websocket subscriptions", "Maximum of 2000 messages
//! sent to Hyperliquid per minute across all websocket connections", "Maximum of 100
//! websocket connections" and REST "aggregated weight limit of 1200 per minute". The
//! subscription and message limits count every connection of an address together;
//! [`VenueLimits`] has them per connection, where they are the most one connection may
//! carry (a feed over 1000 subscriptions needs a second address, not only a second
//! connection). The 100 connections are a count held at once, not a rate: no field.

use feed_core::runtime::{Rate, VenueLimits};

/// The documented limits; sources in `source`.
pub const LIMITS: VenueLimits = VenueLimits {
    subscriptions_per_connection: Some(1000),
    messages_per_connection: Some(Rate::per_minute(2000)),
    rest_weight_per_egress: Some(Rate::per_minute(1200)),
    source: "https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/rate-limits-and-user-limits",
    ..VenueLimits::none()
};
