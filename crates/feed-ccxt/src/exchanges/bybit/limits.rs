//! Bybit's documented limits ([`LIMITS`], `ExchangeAdapter::limits`): what the runtime
//! plans connections and paces messages by. `None` where the docs are silent.
//!
//! Spot takes at most 10 `args` per subscribe message (linear and inverse: no limit; the
//! adapter-wide figure is spot's, from [`super::category::Category::max_args_per_subscribe`],
//! the one table the subscribe messages are split by); "do not establish more than 500
//! connections within a 5-minute window" per IP; 600 HTTP requests per 5 s per IP (every
//! request weighs 1). No limit of topics per connection, no client message rate and no
//! forced disconnect is documented for public streams.

use std::time::Duration;

use super::CATEGORY;
use feed_core::runtime::{Rate, VenueLimits};

/// The documented limits; sources in `source`.
pub const LIMITS: VenueLimits = VenueLimits {
    subscriptions_per_message: CATEGORY.max_args_per_subscribe(),
    connections_per_egress: Some(Rate::new(500, Duration::from_secs(300))),
    rest_weight_per_egress: Some(Rate::new(600, Duration::from_secs(5))),
    source: "https://bybit-exchange.github.io/docs/v5/ws/connect https://bybit-exchange.github.io/docs/v5/rate-limit",
    ..VenueLimits::none()
};
