//! Shared by the runtime tests: a minimal loopback exchange protocol and its feed.
#![allow(dead_code)]

use std::net::{IpAddr, Ipv4Addr};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use feed_core::runtime::{
    Callbacks, Feed, FeedError, FeedHandler, FeedSession, Frame, FrameError, KeepAlive,
    ReconnectPolicy, SessionOutput,
};
use feed_core::types::{millis_to_seconds, Side, Symbol, Trade, TradeId};
use feed_core::ExchangeConnector;
use feed_testkit::{LoopbackServer, ServerSocket};
use futures_util::StreamExt;
use rust_decimal::Decimal;

pub const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// A minimal exchange protocol for these tests: subscribe with `{"op":"subscribe"}`,
/// trades arrive as `{"id":N,"px":"100.5","qty":"0.25","side":"buy","ts":1700000000000}`.
pub struct LoopbackFeed {
    pub url: String,
    pub keep_alive: Option<KeepAlive>,
    pub symbol: Symbol,
    /// How long `prepare` takes (a slow market list).
    pub prepare_takes: Duration,
}

impl LoopbackFeed {
    pub fn new(server: &LoopbackServer) -> Self {
        Self::new_at(format!("ws://127.0.0.1:{}/ws", server.port()))
    }

    pub fn new_at(url: String) -> Self {
        LoopbackFeed {
            url,
            keep_alive: None,
            symbol: Symbol::parse("BTC-USDT").unwrap(),
            prepare_takes: Duration::ZERO,
        }
    }
}

#[derive(serde::Deserialize)]
struct WireTrade {
    id: u64,
    px: String,
    qty: String,
    side: String,
    ts: i64,
}

#[async_trait]
impl Feed for LoopbackFeed {
    fn exchange_id(&self) -> &str {
        "loopback"
    }

    async fn prepare(&mut self, _connector: &ExchangeConnector) -> Result<(), FeedError> {
        tokio::time::sleep(self.prepare_takes).await;
        Ok(())
    }

    fn websocket_url(&self, _connection: usize) -> String {
        self.url.clone()
    }

    fn keep_alive(&self, _connection: usize) -> Option<KeepAlive> {
        self.keep_alive.clone()
    }

    fn session(&mut self, _connection: usize) -> Box<dyn FeedSession> {
        Box::new(LoopbackSession {
            symbol: self.symbol.clone(),
        })
    }
}

/// The loopback protocol's session: subscribes on open, turns trade frames into trades.
struct LoopbackSession {
    symbol: Symbol,
}

impl FeedSession for LoopbackSession {
    fn open(&mut self, _now: Decimal, out: &mut SessionOutput) {
        out.send(r#"{"op":"subscribe"}"#);
    }

    fn frame(
        &mut self,
        frame: Frame<'_>,
        receipt: Decimal,
        out: &mut SessionOutput,
    ) -> Result<(), FrameError> {
        let Frame::Text(frame) = frame else {
            return Err(FrameError::Malformed("binary frame".into()));
        };
        if frame == "ack" {
            return Ok(());
        }
        let wire: WireTrade = serde_json::from_str(frame)
            .map_err(|error| FrameError::Malformed(error.to_string()))?;
        let decimal = |text: &str| {
            Decimal::from_str(text).map_err(|error| FrameError::Malformed(error.to_string()))
        };
        out.event(Trade {
            exchange: "LOOPBACK".into(),
            symbol: self.symbol.clone(),
            side: if wire.side == "buy" {
                Side::Buy
            } else {
                Side::Sell
            },
            amount: decimal(&wire.qty)?,
            price: decimal(&wire.px)?,
            id: Some(TradeId::Number(wire.id)),
            timestamp: millis_to_seconds(wire.ts),
            receipt_timestamp: receipt,
        });
        Ok(())
    }
}

pub fn trade_frame(id: u64) -> String {
    format!(r#"{{"id":{id},"px":"100.5","qty":"0.25","side":"buy","ts":1700000000000}}"#)
}

pub fn fast_policy() -> ReconnectPolicy {
    ReconnectPolicy {
        initial_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(100),
        idle_timeout: Duration::from_secs(5),
        ..ReconnectPolicy::default()
    }
}

/// Waits for the subscribe message; returns false if the client went away.
pub async fn await_subscribe(socket: &mut ServerSocket) -> bool {
    while let Some(Ok(message)) = socket.next().await {
        if message.is_text() && message.to_text().unwrap_or_default().contains("subscribe") {
            return true;
        }
    }
    false
}

pub fn collect_ids(ids: &Arc<Mutex<Vec<u64>>>) -> Callbacks {
    let ids = Arc::clone(ids);
    Callbacks::new().on_trade(move |trade: &Trade| {
        if let Some(TradeId::Number(id)) = trade.id {
            ids.lock().unwrap().push(id);
        }
    })
}

/// Runs the handler until `done` says stop (checked every 10 ms) or 20 s pass.
pub async fn run_until(
    handler: FeedHandler,
    done: impl Fn() -> bool + Send + 'static,
) -> Vec<feed_core::runtime::FeedReport> {
    let stop = handler.shutdown_handle();
    tokio::spawn(async move {
        for _ in 0..2000 {
            if done() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        stop.shutdown();
    });
    handler.run().await.expect("feeds start")
}
