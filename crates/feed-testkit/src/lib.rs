//! Test support for feedhandler: real proxy servers started from Debian's packages, loopback
//! HTTP(S) and WebSocket servers that record who connected, and throwaway certificates.
//! Tests, benches and the demo use it; production crates never depend on it.
#![forbid(unsafe_code)]

pub mod books;
pub mod certs;
pub mod fuzz;
pub mod http_server;
pub mod limited_binance;
pub mod listener;
pub mod relays;
pub mod scripted;
pub mod standin;
pub mod ws_server;

pub use certs::TestCertificate;
pub use http_server::{start_dynamic_http_server, start_http_server, CannedResponse};
pub use limited_binance::{LimitedBinance, LimitedBinanceConfig, Violation, ViolationKind};
pub use listener::{BoxFuture, BoxedIo, LoopbackServer};
pub use relays::{start_silent_listener, start_tls_front};
pub use scripted::{ExchangeScript, MessageScript, ScriptedExchange, ServerFrame};
pub use standin::{EchoExchange, MARKETS_BODY};
pub use ws_server::{start_ws_server, ServerSocket};
pub mod proxies;
