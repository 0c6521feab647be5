//! OKX v5 spot, public channel `trades`.
//!
//! - REST: [`REST_BASE`] + `/api/v5/public/instruments?instType=SPOT` (market list)
//!   <https://www.okx.com/docs-v5/en/#public-data-rest-api-get-instruments>
//! - WebSocket: [`WEBSOCKET_URL`], then `subscribe` to channel `trades`
//!   <https://www.okx.com/docs-v5/en/#overview-websocket-subscribe>,
//!   <https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-trades-channel>
//! - Keep-alive (documented): the connection breaks when no data was pushed for 30 s;
//!   clients send the text `ping` before that and get the text `pong`
//!   <https://www.okx.com/docs-v5/en/#overview-websocket-connect>. The client sends `ping`
//!   every [`KEEP_ALIVE_INTERVAL`].
//! - Errors: `{"event":"error","code":"60018","msg":"..."}`; the connection's other
//!   subscriptions stay alive <https://www.okx.com/docs-v5/en/#error-code-websocket-public>.
//! - Before a service upgrade OKX sends `{"event":"notice","code":"64008",...}` and closes
//!   the connection; the runtime reconnects.

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

/// The documented REST base URL (global site).
pub const REST_BASE: &str = "https://www.okx.com";
/// The documented public WebSocket URL (global site), where channel `trades` lives.
pub const WEBSOCKET_URL: &str = "wss://ws.okx.com:8443/ws/v5/public";
/// How often the client sends `ping`: OKX closes connections silent for 30 s.
pub const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(20);
/// The documented client keep-alive message (plain text, not JSON).
pub const PING: &str = "ping";

/// The OKX spot adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Okx;

impl ExchangeAdapter for Okx {
    fn id(&self) -> &'static str {
        "okx"
    }

    fn default_endpoints(&self) -> DefaultEndpoints {
        DefaultEndpoints {
            rest: REST_BASE,
            websocket: WEBSOCKET_URL,
        }
    }

    fn markets_url(&self, rest_base: &str) -> String {
        format!("{rest_base}/api/v5/public/instruments?instType=SPOT")
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_instruments(body)
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
            interval: KEEP_ALIVE_INTERVAL,
            message: PING.to_owned(),
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
    fn documented_endpoints() {
        let adapter = Okx;
        assert_eq!(adapter.id(), "okx");
        assert_eq!(adapter.name(), "OKX");
        assert_eq!(
            adapter.markets_url(adapter.default_endpoints().rest),
            "https://www.okx.com/api/v5/public/instruments?instType=SPOT"
        );
        assert_eq!(
            adapter.default_endpoints().websocket,
            "wss://ws.okx.com:8443/ws/v5/public"
        );
    }

    #[test]
    fn keep_alive_is_a_text_ping_well_within_30_seconds() {
        match Okx.keep_alive() {
            Some(KeepAlive::Text { interval, message }) => {
                assert_eq!(message, "ping");
                assert!(interval < Duration::from_secs(30), "{interval:?}");
                assert!(interval >= Duration::from_secs(5), "{interval:?}");
            }
            other => panic!("expected a text keep-alive, got {other:?}"),
        }
    }
}
