//! Binance books for the streaming benchmarks: four symbols' true books
//! ([`walk::BookWalk`]: a fixed number of levels a side, deterministic), served as REST
//! depth snapshots of the book every connection starts from, and streamed as documented
//! `depthUpdate` frames mixed with aggTrade frames ([`Tape`]).
#![allow(dead_code)]

pub mod check;
mod tape;
mod walk;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use feed_testkit::CannedResponse;

use crate::fixtures;
pub use tape::{Mix, Tape, TruthLog};
use walk::BookWalk;

/// The books' symbols: normalized, Binance's, and the mid price in ticks of 0.01.
pub const SYMBOLS: [(&str, &str, i64); 4] = [
    ("BTC-USDT", "BTCUSDT", 5_000_000),
    ("ETH-USDT", "ETHUSDT", 300_000),
    ("SOL-USDT", "SOLUSDT", 15_000),
    ("BNB-USDT", "BNBUSDT", 60_000),
];

/// The market list of the four symbols.
pub const MARKETS: &str = r#"{"symbols":[
 {"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT"},
 {"symbol":"ETHUSDT","status":"TRADING","baseAsset":"ETH","quoteAsset":"USDT"},
 {"symbol":"SOLUSDT","status":"TRADING","baseAsset":"SOL","quoteAsset":"USDT"},
 {"symbol":"BNBUSDT","status":"TRADING","baseAsset":"BNB","quoteAsset":"USDT"}]}"#;

/// What a Binance stand-in streams and serves: the mix, the books every connection starts
/// from, how many snapshots it served, and the true books of a stream's last frames.
#[derive(Clone)]
pub struct DepthBooks {
    pub mix: Mix,
    initial: Arc<Vec<BookWalk>>,
    served: Arc<AtomicUsize>,
    pub truth: TruthLog,
}

impl DepthBooks {
    /// Books of `levels` levels a side (unused for [`Mix::Trades`]); the true books of the
    /// last frames are kept `truth_depth` levels a side.
    pub fn new(mix: Mix, levels: usize, truth_depth: usize) -> Self {
        let levels = if mix == Mix::Books { levels } else { 1 };
        let initial = SYMBOLS
            .iter()
            .zip(1_u64..)
            .map(|(&(_, symbol, mid), seed)| BookWalk::new(symbol, mid, levels.max(1), seed))
            .collect();
        DepthBooks {
            mix,
            initial: Arc::new(initial),
            served: Arc::default(),
            truth: TruthLog {
                depth: truth_depth,
                ..TruthLog::default()
            },
        }
    }

    /// The normalized symbols a feed subscribes to.
    pub fn symbols(&self) -> Vec<&'static str> {
        match self.mix {
            Mix::Trades => vec!["BTC-USDT", "ETH-USDT", "SOL-USDT"],
            Mix::Books => SYMBOLS.iter().map(|(symbol, _, _)| *symbol).collect(),
        }
    }

    /// The trade frames a stream cycles through: the trade benches' three symbols, or the
    /// four books' symbols.
    pub fn trade_frames(&self) -> Arc<Vec<String>> {
        Arc::new(
            (0..4096)
                .map(|i| match self.mix {
                    Mix::Trades => fixtures::binance_frame(i),
                    Mix::Books => fixtures::binance_frame_of(i, SYMBOLS[(i % 4) as usize].1),
                })
                .collect(),
        )
    }

    /// A new connection's frames, `total` of them.
    pub fn tape(&self, trades: Arc<Vec<String>>, total: u64) -> Tape {
        Tape::new(
            self.mix,
            trades,
            self.initial.to_vec(),
            total,
            self.truth.clone(),
        )
    }

    /// The REST answer to `target`: the market list, or a depth snapshot
    /// (`/api/v3/depth?symbol=..&limit=..`) of the book every stream starts from.
    pub fn respond(&self, target: &str) -> Option<CannedResponse> {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        match path {
            "/api/v3/exchangeInfo" => Some(CannedResponse::ok(match self.mix {
                Mix::Trades => fixtures::BINANCE_MARKETS,
                Mix::Books => MARKETS,
            })),
            "/api/v3/depth" => {
                let value = |name: &str| {
                    query
                        .split('&')
                        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
                };
                let symbol = value("symbol")?;
                let limit = value("limit")?.parse().ok()?;
                let book = self.initial.iter().find(|book| book.symbol == symbol)?;
                self.served.fetch_add(1, Ordering::SeqCst);
                Some(CannedResponse::ok(book.snapshot_body(limit)))
            }
            _ => None,
        }
    }

    /// Waits (10 s at most) until every book's snapshot was served since the last call.
    pub async fn wait_for_snapshots(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.served.load(Ordering::SeqCst) < self.initial.len() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        self.served.store(0, Ordering::SeqCst);
    }
}

/// Waits for the client's SUBSCRIBE and acknowledges it as Binance does.
pub async fn accept_subscribe(socket: &mut feed_testkit::ServerSocket) {
    use futures_util::{SinkExt, StreamExt};
    while let Some(Ok(message)) = socket.next().await {
        if message.is_text() {
            break;
        }
    }
    let _ = socket
        .send(tokio_tungstenite::tungstenite::Message::text(
            r#"{"result":null,"id":1}"#,
        ))
        .await;
}
