//! Kraken spot over WebSocket v2. TRADES is the v2 `trade` channel (cryptofeed uses v1).
//!
//! - REST: [`REST_BASE`] + `/0/public/AssetPairs` (market list)
//!   <https://docs.kraken.com/api/docs/rest-api/get-tradable-asset-pairs>
//! - WebSocket: [`WEBSOCKET_URL`], then `subscribe` to `trade`
//!   <https://docs.kraken.com/api/docs/websocket-v2/trade>
//! - Symbols: v2 names assets `BTC/USD` and `DOGE/USD` where REST `wsname` (and v1) says
//!   `XBT/USD` and `XDG/USD`, so `wsname` is translated asset by asset (`XBT` → `BTC`,
//!   `XDG` → `DOGE`, nothing else changes) and the v2 name is the wire symbol; the
//!   normalized symbol is its base and quote joined by `-` (`BTC-USD`).
//!   <https://docs.kraken.com/exchange/api-reference/spot-websocket> ("v2 vs v1")
//! - Keep-alive: none needed from the client. The server sends `{"channel":"heartbeat"}`
//!   "approximately once every second in the absence of any other channel updates"
//!   <https://docs.kraken.com/api/docs/websocket-v2/heartbeat>; the `{"method":"ping"}`
//!   request is optional ("Clients can ping the server to verify connection is alive")
//!   <https://docs.kraken.com/api/docs/websocket-v2/ping>, and the runtime's idle detection
//!   already does that job with WebSocket pings, so none is sent. Pongs are ignored.

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
pub const REST_BASE: &str = "https://api.kraken.com";
/// The documented public WebSocket v2 URL.
pub const WEBSOCKET_URL: &str = "wss://ws.kraken.com/v2";

/// The Kraken spot adapter (WebSocket v2).
#[derive(Debug, Clone, Copy, Default)]
pub struct Kraken;

impl ExchangeAdapter for Kraken {
    fn id(&self) -> &'static str {
        "kraken"
    }

    fn default_endpoints(&self) -> DefaultEndpoints {
        DefaultEndpoints {
            rest: REST_BASE,
            websocket: WEBSOCKET_URL,
        }
    }

    fn markets_url(&self, rest_base: &str) -> String {
        format!("{rest_base}/0/public/AssetPairs")
    }

    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        market::parse_asset_pairs(body)
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
