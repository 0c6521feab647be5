//! Upbit's documented limits ([`LIMITS`], `ExchangeAdapter::limits`): what the runtime
//! plans connections and paces messages by. `None` where the docs are silent.
//!
//! WebSocket connection requests are counted per IP (unauthenticated) and data requests
//! per connection: 5 connections per second per IP, 5 requests per second per connection
//! (the page's table, to re-check: the stored copy used here ends before it). No limit of
//! codes per request or per connection and no forced disconnect is documented.

use feed_core::runtime::{Rate, VenueLimits};

/// The documented limits; sources in `source`.
pub const LIMITS: VenueLimits = VenueLimits {
    messages_per_connection: Some(Rate::per_second(5)),
    connections_per_egress: Some(Rate::per_second(5)),
    source: "https://docs.upbit.com/kr/reference/rate-limits",
    ..VenueLimits::none()
};
