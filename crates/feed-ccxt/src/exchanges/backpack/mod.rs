//! Backpack Exchange spot. TRADES is the `trade.<symbol>` stream.
//!
//! - REST: [`REST_BASE`] + `/api/v1/markets` (market list, spot and perpetual markets)
//!   <https://docs.backpack.exchange/#tag/Markets/operation/get_markets>
//! - WebSocket: [`WEBSOCKET_URL`], then `SUBSCRIBE` to `trade.<symbol>` streams
//!   <https://docs.backpack.exchange/#tag/Streams>
//! - Keep-alive: the server sends a ping frame every 60 s and closes connections that do not
//!   pong within 120 s; the WebSocket layer answers pings itself, so the client sends none.
//! - Shutdown: the server sends a close frame and closes the connection 30 s later; the
//!   runtime reconnects.
//! - Timestamps are microseconds since the epoch.

mod market;
mod subscription;
mod trade;

use feed_core::runtime::FrameError;

use crate::adapter::{
    AckBy, DefaultEndpoints, ExchangeAdapter, FrameContext, SubscribeRequest, Subscription,
};
use crate::error::AdapterError;
use crate::markets::Market;
use crate::parsed::ParsedFrame;

/// The documented REST base URL.
pub const REST_BASE: &str = "https://api.backpack.exchange";
/// The documented WebSocket URL.
pub const WEBSOCKET_URL: &str = "wss://ws.backpack.exchange";

/// The Backpack Exchange spot adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Backpack;

impl ExchangeAdapter for Backpack {
    fn id(&self) -> &'static str {
        "backpack"
    }

    fn default_endpoints(&self) -> DefaultEndpoints {
        DefaultEndpoints {
            rest: REST_BASE,
            websocket: WEBSOCKET_URL,
        }
    }

    fn markets_url(&self, rest_base: &str) -> String {
        format!("{rest_base}/api/v1/markets")
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_markets(body)
    }

    fn subscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
        let all: Vec<&Subscription> = subscriptions.iter().collect();
        subscription::subscribe_messages(subscriptions)
            .into_iter()
            .map(|message| SubscribeRequest::new(message, &all, AckBy::Nothing))
            .collect()
    }

    fn parse_frame(
        &self,
        frame: &str,
        context: &FrameContext<'_>,
        out: &mut ParsedFrame,
    ) -> Result<(), FrameError> {
        trade::parse_frame(frame, context, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_endpoints_and_no_client_keep_alive() {
        let adapter = Backpack;
        assert_eq!(adapter.id(), "backpack");
        assert_eq!(adapter.name(), "BACKPACK");
        assert_eq!(
            adapter.markets_url(adapter.default_endpoints().rest),
            "https://api.backpack.exchange/api/v1/markets"
        );
        assert_eq!(
            adapter.default_endpoints().websocket,
            "wss://ws.backpack.exchange"
        );
        assert_eq!(adapter.keep_alive(), None);
    }
}
