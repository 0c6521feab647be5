//! # feed-core: feeds, normalized events, order books, and connections that honour proxies
//!
//! - [`types`]: the normalized data every exchange is turned into, carried by one
//!   [`Event`] type: [`Trade`], [`L2Book`] (the top of a book after a change), [`Gap`] (a
//!   hole in a symbol's data), and lifecycle events. Prices and amounts are
//!   `rust_decimal::Decimal`.
//! - [`book`]: the order book and its synchronization by an exchange's documented rules
//!   (sequence numbers, REST snapshot joins, checksums), never delivered from a broken
//!   state.
//! - [`connect`]: the connection layer. An [`ExchangeConnector`] opens an exchange's HTTP
//!   and WebSocket connections along the route its proxy settings give (direct, SOCKS4/4a/
//!   5/5h, HTTP(S) CONNECT), failing closed.
//! - [`runtime`]: the [`Feed`] trait exchange implementations fulfil with a sans-IO
//!   [`FeedSession`] per connection (frames in; events and actions out), [`Callbacks`] by
//!   event kind, and the [`FeedHandler`] that runs feeds with reconnects.
//! - [`sink`]: where events go — the [`sink::Sink`] trait and [`sink::Sinks`], several sinks
//!   at once, each behind a bounded queue with its overflow policy, flushed at shutdown.
//! - [`monitor`]: Prometheus metrics at `/metrics`, liveness at `/health`, lag figures and a
//!   log line per feed per minute, all read from the feeds' counters.
//!
//! ```
//! use feed_core::connect::{init_proxy_system, ExchangeConnector, Route};
//! use feed_core::ConnectionKind;
//! use feed_proxy::{ConnectionProxies, ProxyConfig, ProxySettings};
//!
//! init_proxy_system(ProxySettings::enabled().with_exchange(
//!     "binance",
//!     ConnectionProxies::both(ProxyConfig::new("socks5h://127.0.0.1:1080")?),
//! ));
//! // Feed code only names its exchange; the route comes from the settings.
//! let binance = ExchangeConnector::new("binance");
//! assert!(matches!(binance.route(ConnectionKind::Websocket), Route::Pool(_)));
//! assert_eq!(ExchangeConnector::new("kraken").route(ConnectionKind::Http), Route::Direct);
//! # Ok::<(), feed_proxy::ProxyConfigError>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod book;
pub mod connect;
pub mod fast_hash;
pub mod monitor;
pub mod runtime;
pub mod sink;
pub mod types;

pub use connect::{ConnectError, ConnectStage, ExchangeConnector, Route};
pub use feed_proxy::{ConnectionKind, ProxySettings};
pub use runtime::{Callbacks, Feed, FeedHandler, FeedSession};
pub use types::{
    Candle, Channel, Event, EventKind, Expiry, Funding, Gap, InstrumentKind, L2Book, Level,
    Liquidation, OpenInterest, OptionKind, Side, Symbol, Ticker, Trade, TradeId,
};
