//! A Binance spot stand-in that ENFORCES the documented limits, for tests of a feed that
//! must stay within them (`symbols: ALL` over 1,500 markets):
//!
//! - `GET /api/v3/exchangeInfo` lists `markets` `TRADING` spot symbols ([`markets`]);
//! - `/ws` speaks Binance's raw-stream protocol: `SUBSCRIBE`/`UNSUBSCRIBE`/
//!   `LIST_SUBSCRIPTIONS` answered `{"result":null,"id":N}`, and an `aggTrade` for every
//!   subscribed `<symbol>@aggTrade` stream every `trade_interval` ([`connection`]) from one
//!   tape: trade `a` of a symbol is the same trade on every connection that carries it, so
//!   two connections overlapping (a renewal) get the same trades, as on the venue.
//!
//! What it enforces, as <https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams>
//! documents it (the figures are [`LimitedBinanceConfig`]'s, Binance's by default):
//!
//! - **1024 streams per connection.** A `SUBSCRIBE` that would take a connection past it is
//!   answered with an error for that request, `{"error":{"code":2,"msg":"..."},"id":N}`
//!   (the documented error shape; the docs give no text for this case), and the connection
//!   is closed.
//! - **5 incoming messages per second per connection**, counting text, binary, ping and pong
//!   frames in any sliding 1 s window: beyond it the connection is closed (close code 1008,
//!   "Too many requests", as Binance does).
//! - **300 new connections per 5 minutes per IP** (every attempt counts, by the peer's
//!   address): beyond it the WebSocket handshake is refused with HTTP 429.
//! - **24 h per connection**: after `lifetime` the server closes the connection (close
//!   code 1001); with a short lifetime a test checks make-before-break
//!   ([`LimitedBinance::expiries_covered`]: was every stream of an expired connection
//!   already subscribed on another one before it ended?).
//!
//! Every violation is recorded ([`Violation`]: kind, peer, when), and every accepted
//! connection's peer, streams and end ([`ConnectionRecord`]).

mod connection;
pub mod markets;
mod window;

#[cfg(test)]
mod tests;

use std::collections::{BTreeSet, HashMap};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::certs::TestCertificate;
use crate::http_server::{start_http_server, CannedResponse};
use crate::listener::LoopbackServer;

pub use window::SlidingWindow;

/// The limits the stand-in enforces and how it behaves; [`Default`] is Binance's.
#[derive(Debug, Clone)]
pub struct LimitedBinanceConfig {
    /// Markets `exchangeInfo` lists.
    pub markets: usize,
    /// Streams one connection may carry (Binance: 1024).
    pub streams_per_connection: usize,
    /// Incoming messages per connection per sliding second (Binance: 5).
    pub messages_per_second: usize,
    /// New connections per peer IP per `connection_window` (Binance: 300).
    pub connections_per_window: usize,
    /// The window of `connections_per_window` (Binance: 5 minutes).
    pub connection_window: Duration,
    /// Every subscribed `aggTrade` stream gets a trade this often.
    pub trade_interval: Duration,
    /// The server closes a connection this long after it opened (Binance: 24 h).
    pub lifetime: Duration,
    /// Serve `https://` and `wss://` with a test certificate (else `http://` and `ws://`).
    pub tls: bool,
}

impl Default for LimitedBinanceConfig {
    fn default() -> Self {
        LimitedBinanceConfig {
            markets: 1500,
            streams_per_connection: 1024,
            messages_per_second: 5,
            connections_per_window: 300,
            connection_window: Duration::from_secs(300),
            trade_interval: Duration::from_millis(500),
            lifetime: Duration::from_secs(24 * 3600),
            tls: true,
        }
    }
}

/// Which limit a client broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ViolationKind {
    /// A connection asked for more streams than `streams_per_connection`.
    TooManyStreams,
    /// A connection sent more than `messages_per_second` messages within a second.
    TooManyMessages,
    /// An IP opened more than `connections_per_window` connections within the window.
    TooManyConnections,
}

/// One broken limit.
#[derive(Debug, Clone)]
pub struct Violation {
    /// Which limit.
    pub kind: ViolationKind,
    /// The client's address.
    pub peer: SocketAddr,
    /// When.
    pub at: Instant,
    /// What was counted (`1025 streams`, `6 messages within 1s`).
    pub detail: String,
}

/// One accepted WebSocket connection.
#[derive(Debug, Clone)]
pub struct ConnectionRecord {
    /// The client's address.
    pub peer: SocketAddr,
    /// When the handshake completed.
    pub opened: Instant,
    /// When it ended (either side), if it has.
    pub closed: Option<Instant>,
    /// The most streams it carried at once.
    pub max_streams: usize,
    /// Every stream it carried when it ended (or carries now).
    pub streams: BTreeSet<String>,
    /// When its last `SUBSCRIBE` was acknowledged.
    pub last_subscribed: Option<Instant>,
    /// Whether the server ended it for its lifetime (the forced disconnect).
    pub expired: bool,
}

/// What the servers share: the listed markets and everything recorded.
struct Shared {
    config: LimitedBinanceConfig,
    /// Lower-case symbol → upper-case symbol, for `<symbol>@aggTrade` streams.
    symbols: HashMap<String, String>,
    record: Mutex<Record>,
    /// The market's trade tape: the number of the latest trade of every symbol, advanced
    /// every `trade_interval` by one clock for all connections, so that two connections
    /// subscribed to a symbol get the same trades with the same ids (as on the venue).
    tape: tokio::sync::watch::Receiver<u64>,
}

#[derive(Default)]
struct Record {
    violations: Vec<Violation>,
    connections: Vec<ConnectionRecord>,
    attempts: HashMap<IpAddr, SlidingWindow>,
    /// Per upper-case symbol: the last aggregate trade id sent (`a`, the tape's number).
    last_trade_id: HashMap<String, u64>,
}

impl Shared {
    fn record(&self) -> MutexGuard<'_, Record> {
        self.record
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn violation(&self, kind: ViolationKind, peer: SocketAddr, detail: String) {
        self.record().violations.push(Violation {
            kind,
            peer,
            at: Instant::now(),
            detail,
        });
    }
}

/// The running stand-in: a REST server and a WebSocket server on 127.0.0.1. Stops on drop.
pub struct LimitedBinance {
    /// The certificate of its TLS servers when `tls` (trust `cert.ca_file()`).
    pub cert: TestCertificate,
    /// The REST server (`/api/v3/exchangeInfo`).
    pub rest: LoopbackServer,
    /// The WebSocket server (`/ws`); its `peers()` include refused attempts.
    pub websocket: LoopbackServer,
    markets: Vec<(String, String, String)>,
    shared: Arc<Shared>,
    /// Advances the tape; stopped with the stand-in.
    #[allow(dead_code)]
    tape_clock: AbortOnDrop,
}

/// A task aborted when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl LimitedBinance {
    /// Starts both servers on 127.0.0.1 with `config`.
    ///
    /// # Errors
    /// When a certificate cannot be made or a port bound.
    pub async fn start(
        config: LimitedBinanceConfig,
    ) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let cert = TestCertificate::generate()?;
        let tls = config.tls.then(|| cert.server_config());
        let markets = markets::markets(config.markets);
        let routes = HashMap::from([(
            "/api/v3/exchangeInfo".to_owned(),
            CannedResponse::ok(markets::exchange_info(&markets)),
        )]);
        let rest = start_http_server(localhost, tls.clone(), routes).await?;
        let (tape_clock, tape) = tokio::sync::watch::channel(0_u64);
        let interval = config.trade_interval;
        let ticking = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                tape_clock.send_modify(|trade| *trade += 1);
            }
        });
        let shared = Arc::new(Shared {
            symbols: markets
                .iter()
                .map(|(symbol, _, _)| (symbol.to_ascii_lowercase(), symbol.clone()))
                .collect(),
            config,
            record: Mutex::new(Record::default()),
            tape,
        });
        let serving = Arc::clone(&shared);
        let websocket = LoopbackServer::start(localhost, tls, move |io, peer| {
            Box::pin(connection::serve(Arc::clone(&serving), io, peer))
        })
        .await?;
        Ok(LimitedBinance {
            cert,
            rest,
            websocket,
            markets,
            shared,
            tape_clock: AbortOnDrop(ticking),
        })
    }

    /// `https://localhost:PORT` (`http://` without TLS).
    #[must_use]
    pub fn rest_base(&self) -> String {
        let scheme = if self.shared.config.tls {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://localhost:{}", self.rest.port())
    }

    /// `wss://localhost:PORT/ws` (`ws://` without TLS).
    #[must_use]
    pub fn websocket_url(&self) -> String {
        let scheme = if self.shared.config.tls { "wss" } else { "ws" };
        format!("{scheme}://localhost:{}/ws", self.websocket.port())
    }

    /// The listed markets as `(symbol, base, quote)`: `("BTCUSDT", "BTC", "USDT")`.
    #[must_use]
    pub fn markets(&self) -> &[(String, String, String)] {
        &self.markets
    }

    /// The configuration it runs with.
    #[must_use]
    pub fn config(&self) -> &LimitedBinanceConfig {
        &self.shared.config
    }

    /// Every broken limit, in order.
    #[must_use]
    pub fn violations(&self) -> Vec<Violation> {
        self.shared.record().violations.clone()
    }

    /// Every accepted WebSocket connection, in order.
    #[must_use]
    pub fn connections(&self) -> Vec<ConnectionRecord> {
        self.shared.record().connections.clone()
    }

    /// The most connections that were open at once.
    #[must_use]
    pub fn max_open_connections(&self) -> usize {
        let connections = self.connections();
        connections
            .iter()
            .map(|probe| {
                connections
                    .iter()
                    .filter(|other| {
                        other.opened <= probe.opened
                            && other.closed.is_none_or(|closed| closed > probe.opened)
                    })
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    /// For every connection the server ended for its lifetime (the forced disconnect):
    /// whether another connection, opened before it ended, had subscribed every one of its
    /// streams before it ended — make-before-break. `(index into connections(), covered)`.
    #[must_use]
    pub fn expiries_covered(&self) -> Vec<(usize, bool)> {
        let connections = self.connections();
        connections
            .iter()
            .enumerate()
            .filter(|(_, old)| old.expired)
            .map(|(index, old)| {
                let ended = old.closed.unwrap_or_else(Instant::now);
                let covered = old.streams.iter().all(|stream| {
                    connections.iter().enumerate().any(|(other, new)| {
                        other != index
                            && new.opened < ended
                            && new.streams.contains(stream)
                            && new.last_subscribed.is_some_and(|at| at < ended)
                    })
                });
                (index, covered)
            })
            .collect()
    }

    /// The last trade id (`a`, the tape's number) sent per upper-case symbol (`BTCUSDT` → 12).
    #[must_use]
    pub fn trades_sent(&self) -> HashMap<String, u64> {
        self.shared.record().last_trade_id.clone()
    }
}
