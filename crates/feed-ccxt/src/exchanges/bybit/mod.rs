//! Bybit v5 spot. TRADES is the `publicTrade.<symbol>` topic of the public spot stream.
//!
//! - REST: [`REST_BASE`] + `/v5/market/instruments-info?category=spot` (market list)
//!   <https://bybit-exchange.github.io/docs/v5/market/instrument>
//! - WebSocket: [`WEBSOCKET_URL`], then `{"op":"subscribe","args":[...]}`, at most
//!   [`MAX_ARGS_PER_SUBSCRIBE`] topics per message on spot
//!   <https://bybit-exchange.github.io/docs/v5/ws/connect>
//! - Trades: <https://bybit-exchange.github.io/docs/v5/websocket/public/trade>
//! - Keep-alive: the client sends [`PING_MESSAGE`] every [`PING_INTERVAL`] (a JSON message,
//!   not a WebSocket ping frame); the server answers with a pong frame that carries no trade.
//! - A subscription with an unknown topic is rejected (`success: false`), so symbols are
//!   checked against the market list before subscribing.

mod market;
mod subscription;
mod trade;

use std::time::Duration;

use feed_core::runtime::{FrameError, KeepAlive};

use crate::adapter::{
    AckBy, DefaultEndpoints, ExchangeAdapter, FrameContext, SubscribeRequest, Subscription,
};
use crate::error::AdapterError;
use crate::markets::Market;
use crate::parsed::ParsedFrame;

/// The documented REST base URL.
/// <https://bybit-exchange.github.io/docs/v5/intro>
pub const REST_BASE: &str = "https://api.bybit.com";
/// The documented public spot WebSocket URL.
/// <https://bybit-exchange.github.io/docs/v5/ws/connect>
pub const WEBSOCKET_URL: &str = "wss://stream.bybit.com/v5/public/spot";
/// Spot accepts at most this many `args` (topics) per subscribe message.
/// <https://bybit-exchange.github.io/docs/v5/ws/connect>
pub const MAX_ARGS_PER_SUBSCRIBE: usize = 10;
/// The heartbeat the client sends.
/// <https://bybit-exchange.github.io/docs/v5/ws/connect>
pub const PING_MESSAGE: &str = r#"{"op":"ping"}"#;
/// How often the heartbeat is sent (the documented recommendation).
/// <https://bybit-exchange.github.io/docs/v5/ws/connect>
pub const PING_INTERVAL: Duration = Duration::from_secs(20);

/// The Bybit v5 spot adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bybit;

impl ExchangeAdapter for Bybit {
    fn id(&self) -> &'static str {
        "bybit"
    }

    fn default_endpoints(&self) -> DefaultEndpoints {
        DefaultEndpoints {
            rest: REST_BASE,
            websocket: WEBSOCKET_URL,
        }
    }

    fn markets_url(&self, rest_base: &str) -> String {
        format!("{rest_base}/v5/market/instruments-info?category=spot")
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_instruments_info(body)
    }

    fn subscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
        let all: Vec<&Subscription> = subscriptions.iter().collect();
        subscription::subscribe_messages(subscriptions)
            .into_iter()
            .map(|message| SubscribeRequest::new(message, &all, AckBy::Nothing))
            .collect()
    }

    fn keep_alive(&self) -> Option<KeepAlive> {
        Some(KeepAlive::Text {
            interval: PING_INTERVAL,
            message: PING_MESSAGE.to_owned(),
        })
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
    fn documented_endpoints_and_keep_alive() {
        assert_eq!(Bybit.id(), "bybit");
        assert_eq!(Bybit.name(), "BYBIT");
        assert_eq!(
            Bybit.markets_url(REST_BASE),
            "https://api.bybit.com/v5/market/instruments-info?category=spot"
        );
        assert_eq!(Bybit.default_endpoints().websocket, WEBSOCKET_URL);
        assert_eq!(
            Bybit.keep_alive(),
            Some(KeepAlive::Text {
                interval: Duration::from_secs(20),
                message: r#"{"op":"ping"}"#.into(),
            })
        );
    }
}
