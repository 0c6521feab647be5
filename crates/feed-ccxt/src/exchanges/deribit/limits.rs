//! Deribit's documented limits ([`LIMITS`], `ExchangeAdapter::limits`): what the runtime
//! plans connections and paces messages by. `None` where the docs are silent.
//!
//! `public/subscribe` has a "Sustained rate: ~3.3 requests/second" (10 per 3 s here). The
//! docs give no number of channels per message or per connection (the adapter's 100 per
//! message is its own choice, `subscription::CHANNELS_PER_MESSAGE`, not a venue
//! limit), no connection rate and no forced disconnect.

use std::time::Duration;

use feed_core::runtime::{Rate, VenueLimits};

/// The documented limits; sources in `source`.
pub const LIMITS: VenueLimits = VenueLimits {
    messages_per_connection: Some(Rate::new(10, Duration::from_secs(3))),
    source: "https://docs.deribit.com/api-reference/subscription-management/public-subscribe",
    ..VenueLimits::none()
};
