//! Bitfinex's documented limits ([`LIMITS`], `ExchangeAdapter::limits`): what the runtime
//! plans connections and paces messages by. `None` where the docs are silent.
//!
//! "You can subscribe to 25 channels at the same time on the same connection" and "The rate
//! limit for the wss://api-pub.bitfinex.com/ domain is set at 20 connections per minute"
//! (Public Channels page). No message rate, per-message limit (one channel per `subscribe`
//! anyway), REST weight or forced disconnect is documented.

use feed_core::runtime::{Rate, VenueLimits};

/// The documented limits; sources in `source`.
pub const LIMITS: VenueLimits = VenueLimits {
    subscriptions_per_connection: Some(25),
    connections_per_egress: Some(Rate::per_minute(20)),
    source: "https://docs.bitfinex.com/docs/ws-public",
    ..VenueLimits::none()
};
