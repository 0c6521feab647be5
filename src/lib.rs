//! # feedhandler
//!
//! A market-data feed handler: connect to crypto exchanges, subscribe to their public
//! streams, normalize what they send ([`Trade`]s first) and hand it to your callbacks, with
//! every HTTP and WebSocket connection of every exchange routed through its own proxy
//! (SOCKS4/4a/5/5h or HTTP CONNECT), configured once, never silently bypassed.
//!
//! This crate is the facade: it re-exports [`feed_proxy`] (settings), [`feed_core`] (types,
//! connections, runtime, the sink layer), [`feed_ccxt`] (exchange adapters) and
//! [`feed_sinks`] (Kafka, Parquet, PostgreSQL), and holds the config file
//! model ([`config`]) and the command line ([`cli`]).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[macro_use]
pub mod cli;
pub mod config;
pub mod demo;
pub mod feeds;
pub mod output;
pub mod replay;

pub use feed_ccxt;
pub use feed_core;
pub use feed_core::connect::{init_proxy_provider, init_proxy_system, init_tls_roots};
pub use feed_core::{Channel, ConnectionKind, Side, Symbol, Trade};
pub use feed_proxy;
pub use feed_proxy::{ConnectionProxies, ProxyConfig, ProxyPool, ProxySettings};
pub use feed_sinks;
