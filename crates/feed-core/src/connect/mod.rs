//! The connection layer: every HTTP and WebSocket connection of an exchange, along the route
//! its proxy settings give.
//!
//! 1. Resolve the route of (exchange, connection kind): the feed's own settings, else the
//!    process-wide ones ([`init_proxy_system`]), else direct ([`Route::resolve`]); a
//!    proxied route is a pool, and each connection takes one member of it, least loaded
//!    first, skipping members that are out after failures ([`pool`]); each egress (member
//!    or direct) waits for the venue's per-IP budgets first ([`pacing`]). The members of a
//!    proxied route come from a [`ProxyProvider`] (the settings' own by default).
//! 2. Open the first hop: TCP to the exchange, or to the proxy (TLS first for `https://`
//!    proxies); TCP_NODELAY on every socket.
//! 3. Open the tunnel: SOCKS4/4a/5/5h (tokio-socks, with credentials), or HTTP `CONNECT`
//!    (Basic auth), bounded by the proxy's `timeout_seconds`.
//! 4. TLS to the exchange for `https://` and `wss://` (rustls; SNI and certificate name are
//!    the exchange's host), trusting the web roots plus `tls.ca_file`.
//! 5. HTTP request (hyper) or WebSocket upgrade (tokio-tungstenite, bounded sizes).
//!
//! A configured proxy that fails fails the connection ([`ConnectError`] names the stage):
//! there is never a fallback to a direct connection. A pool member that fails at the proxy
//! stage is taken out and the connection tries the next member; when every member is out
//! the connection fails ([`ConnectStage::AllMembersOut`]), again never direct.

mod connector;
mod error;
mod http;
mod http_tunnel;
pub mod pacing;
pub mod pool;
mod provider;
mod route;
mod socks;
mod stream;
mod target;
mod tcp;
mod tls;
mod tunnel;
mod websocket;

pub use connector::ExchangeConnector;
pub use error::{ConnectError, ConnectStage};
pub use http::{HttpResponse, RouteHttpClient};
pub use pool::{member_statuses, MemberLease, MemberStatus};
pub use provider::{
    clear_proxy_provider, init_proxy_provider, process_proxy_provider, provided_pool,
    ProviderError, ProxyProvider, SharedProvider, StaticProvider,
};
pub use route::{
    clear_proxy_system, init_proxy_system, process_proxy_settings, warn_about_proxy_environment,
    Egress, Route, IGNORED_PROXY_VARIABLES,
};
pub use stream::{ExchangeIo, ExchangeStream, HopStream};
pub use target::Target;
pub use tls::{client_config, init_tls_roots, load_ca_file, process_tls_config, TlsSetupError};
pub use tunnel::{open_stream, StageTimeouts};
pub use websocket::{upgrade, ExchangeWebSocket, WebSocketLimits};
