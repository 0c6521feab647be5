//! Coinbase's documented limits ([`LIMITS`], `ExchangeAdapter::limits`): what the runtime
//! plans connections and paces messages by. `None` where the docs are silent.
//!
//! "WebSocket connections are rate-limited at 8 per second per IP address" and
//! "unauthenticated messages are rate-limited at 8 per second per IP address". The message
//! limit is per IP, not per connection: declared per connection it is the most one
//! connection may send (several connections of one address share it). One copy of the page
//! says 750 connections per second; the smaller figure is kept. No limit of products per
//! connection or message is documented.

use feed_core::runtime::{Rate, VenueLimits};

/// The documented limits; sources in `source`.
pub const LIMITS: VenueLimits = VenueLimits {
    messages_per_connection: Some(Rate::per_second(8)),
    connections_per_egress: Some(Rate::per_second(8)),
    source: "https://docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/websocket/websocket-rate-limits",
    ..VenueLimits::none()
};
