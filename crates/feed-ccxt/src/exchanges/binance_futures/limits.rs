//! The documented limits of both futures products ([`limits`]) and the REST weight of a
//! book snapshot ([`snapshot_weight`]).
//!
//! Both document, on their `websocket-market-streams` pages, "10 incoming messages per
//! second" per connection and "A single connection is only valid for 24 hours"; streams per
//! connection differ ([`Product::streams_per_connection`]: USDⓈ-M 1024, COIN-M 200), as
//! the REST weight per minute and IP could ([`Product::ip_weight_per_minute`], 2400 on
//! both). Neither documents a per-IP connection rate (spot's 300 per 5 minutes is spot's)
//! or a limit of streams per `SUBSCRIBE` message: `None`. `GET /fapi/v1/depth` and
//! `GET /dapi/v1/depth` weigh 2 (limit 5–50), 5 (100), 10 (500) and 20 (1000).

use std::time::Duration;

use feed_core::runtime::{Rate, VenueLimits};

use super::product::Product;

/// The documented limits of `product`; sources in `source`.
#[must_use]
pub fn limits(product: &Product) -> VenueLimits {
    VenueLimits {
        subscriptions_per_connection: Some(product.streams_per_connection),
        subscriptions_per_message: None,
        messages_per_connection: Some(Rate::per_second(10)),
        connections_per_egress: None,
        rest_weight_per_egress: Some(Rate::per_minute(product.ip_weight_per_minute)),
        forced_disconnect: Some(Duration::from_secs(24 * 3600)),
        source: product.limits_source,
    }
}

/// The documented weight of a depth snapshot of `limit` levels (both products).
#[must_use]
pub fn snapshot_weight(limit: usize) -> u32 {
    match limit {
        0..=50 => 2,
        51..=100 => 5,
        101..=500 => 10,
        _ => 20,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchanges::binance_delivery::COIN_M;
    use crate::exchanges::binance_futures::USD_M;

    #[test]
    fn both_products_declare_their_documented_figures() {
        let usd_m = limits(&USD_M);
        assert_eq!(usd_m.subscriptions_per_connection, Some(1024));
        assert_eq!(usd_m.messages_per_connection, Some(Rate::per_second(10)));
        assert_eq!(usd_m.rest_weight_per_egress, Some(Rate::per_minute(2400)));
        assert_eq!(usd_m.forced_disconnect, Some(Duration::from_secs(86_400)));
        let coin_m = limits(&COIN_M);
        assert_eq!(coin_m.subscriptions_per_connection, Some(200));
        assert_eq!(coin_m.rest_weight_per_egress, Some(Rate::per_minute(2400)));
        assert!(coin_m.source.contains("coin-margined-futures"));
    }

    #[test]
    fn depth_weights_are_the_documented_steps() {
        let weights: Vec<u32> = [5, 10, 20, 50, 100, 500, 1000]
            .into_iter()
            .map(snapshot_weight)
            .collect();
        assert_eq!(weights, [2, 2, 2, 2, 5, 10, 20]);
    }
}
