//! Binance spot's documented limits ([`LIMITS`], `ExchangeAdapter::limits`) and the REST
//! weight of a book snapshot ([`snapshot_weight`]).
//!
//! - WebSocket streams: "A single connection can listen to a maximum of 1024 streams",
//!   "WebSocket connections have a limit of 5 incoming messages per second" (pings, pongs
//!   and JSON control messages all count; beyond it the connection is closed), "There is a
//!   limit of 300 connections per attempt every 5 minutes per IP", and "A single connection
//!   to stream.binance.com is only valid for 24 hours"
//!   <https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams>.
//!   No limit of streams per `SUBSCRIBE` message is documented (one message carries every
//!   stream of a connection).
//! - REST: `REQUEST_WEIGHT` 6000 per minute per IP, as `exchangeInfo`'s `rateLimits` report
//!   <https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits>; the order
//!   book `GET /api/v3/depth` weighs 5 (limit 1–100), 25 (101–500), 50 (501–1000) and 250
//!   (1001–5000)
//!   <https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints>.

use std::time::Duration;

use feed_core::runtime::{Rate, VenueLimits};

/// The documented limits; sources in `source`.
pub const LIMITS: VenueLimits = VenueLimits {
    subscriptions_per_connection: Some(1024),
    subscriptions_per_message: None,
    messages_per_connection: Some(Rate::per_second(5)),
    connections_per_egress: Some(Rate::new(300, Duration::from_secs(300))),
    rest_weight_per_egress: Some(Rate::per_minute(6000)),
    forced_disconnect: Some(Duration::from_secs(24 * 3600)),
    source: "https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams \
             https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits \
             https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints",
};

/// The documented weight of `GET /api/v3/depth` with `limit` levels: 5 up to 100, 25 up to
/// 500, 50 up to 1000, 250 up to 5000 (the largest limit).
#[must_use]
pub fn snapshot_weight(limit: usize) -> u32 {
    match limit {
        0..=100 => 5,
        101..=500 => 25,
        501..=1000 => 50,
        _ => 250,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_weights_are_the_documented_steps() {
        let weights: Vec<u32> = [1, 100, 101, 500, 501, 1000, 1001, 5000]
            .into_iter()
            .map(snapshot_weight)
            .collect();
        assert_eq!(weights, [5, 5, 25, 25, 50, 50, 250, 250]);
    }
}
