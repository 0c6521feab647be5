//! Coinbase Advanced Trade (spot). TRADES is the `market_trades` channel, as in cryptofeed.
//!
//! - REST: [`REST_BASE`] + `/api/v3/brokerage/market/products` ("List Public Products": the
//!   market list without a key; cryptofeed uses the authenticated `/api/v3/brokerage/products`,
//!   which needs one). Product schema:
//!   <https://docs.cdp.coinbase.com/api-reference/advanced-trade-api/rest-api/public/get-public-product>
//! - WebSocket: [`WEBSOCKET_URL`] (market data, no authentication for `market_trades`), then
//!   one `subscribe` per channel
//!   <https://docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/websocket/websocket-overview>,
//!   <https://docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/websocket/websocket-channels>
//! - Keep-alive: no client ping is documented. "Most channels close within 60-90 seconds if
//!   no updates are sent. Subscribe to heartbeats to keep all subscriptions open": the
//!   `heartbeats` channel is subscribed with the trades and sends a message every second,
//!   which also keeps the runtime's idle detection quiet.
//! - "-USDC" products other than USDT-USDC and EURC-USDC are served on market-data channels
//!   as their "-USD" twins, so they are not offered as markets (see `market.rs`).

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
pub const REST_BASE: &str = "https://api.coinbase.com";
/// The documented market data WebSocket URL.
pub const WEBSOCKET_URL: &str = "wss://advanced-trade-ws.coinbase.com";

/// The Coinbase Advanced Trade adapter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Coinbase;

impl ExchangeAdapter for Coinbase {
    fn id(&self) -> &'static str {
        "coinbase"
    }

    fn default_endpoints(&self) -> DefaultEndpoints {
        DefaultEndpoints {
            rest: REST_BASE,
            websocket: WEBSOCKET_URL,
        }
    }

    fn markets_url(&self, rest_base: &str) -> String {
        format!("{rest_base}/api/v3/brokerage/market/products")
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_products(body)
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
