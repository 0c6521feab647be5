//! [`ExchangeConnector`]: what adapters use to open HTTP and WebSocket connections. It knows
//! its exchange, resolves the route of every connection itself, and never shows adapters a
//! proxy.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use feed_proxy::{ConnectionKind, ProxySettings};
use rustls::ClientConfig;
use tracing::Instrument;

use super::error::{ConnectError, ConnectStage};
use super::http::RouteHttpClient;
use super::route::Route;
use super::target::Target;
use super::tls::process_tls_config;
use super::tunnel::{open_stream, StageTimeouts};
use super::websocket::{upgrade, ExchangeWebSocket, WebSocketLimits};
use crate::runtime::VenueLimits;

/// Opens an exchange's connections along the routes its settings give.
///
/// Routes come from the connector's own [`ProxySettings`] if it was given some, else from
/// the process-wide settings ([`super::init_proxy_system`]), else direct; they are resolved
/// at every connection, so settings installed later apply to later connections.
///
/// # Examples
/// ```no_run
/// # async fn run() -> Result<(), feed_core::connect::ConnectError> {
/// use feed_core::connect::ExchangeConnector;
///
/// let binance = ExchangeConnector::new("binance");
/// let markets = binance.get("https://api.binance.com/api/v3/exchangeInfo").await?;
/// let socket = binance.websocket("wss://stream.binance.com:9443/ws").await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ExchangeConnector {
    exchange: Arc<str>,
    own_settings: Option<Arc<ProxySettings>>,
    tls: Option<Arc<ClientConfig>>,
    timeouts: StageTimeouts,
    limits: WebSocketLimits,
    http_timeout: Duration,
    max_body: usize,
    /// The venue's limits per egress address (connections and REST weight per window).
    venue_limits: Arc<VenueLimits>,
}

impl ExchangeConnector {
    /// A connector for `exchange` (its id, as in the proxy settings).
    #[must_use]
    pub fn new(exchange: &str) -> Self {
        ExchangeConnector {
            exchange: exchange.into(),
            own_settings: None,
            tls: None,
            timeouts: StageTimeouts::default(),
            limits: WebSocketLimits::default(),
            http_timeout: Duration::from_secs(30),
            max_body: 64 << 20,
            venue_limits: Arc::new(VenueLimits::none()),
        }
    }

    /// Uses these settings instead of the process-wide ones (a feed's own settings).
    #[must_use]
    pub fn with_proxy_settings(mut self, settings: Option<Arc<ProxySettings>>) -> Self {
        self.own_settings = settings;
        self
    }

    /// Uses this TLS configuration instead of the process-wide one.
    #[must_use]
    pub fn with_tls_config(mut self, tls: Arc<ClientConfig>) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Overrides the timeouts of the direct connect, TLS and WebSocket handshakes.
    #[must_use]
    pub fn with_timeouts(mut self, timeouts: StageTimeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Overrides the WebSocket frame and message size limits.
    #[must_use]
    pub fn with_limits(mut self, limits: WebSocketLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Keeps every egress address (each proxy, or the direct route) under these limits:
    /// new connections and REST weight per window ([`VenueLimits::connections_per_egress`],
    /// [`VenueLimits::rest_weight_per_egress`]).
    #[must_use]
    pub fn with_venue_limits(mut self, limits: VenueLimits) -> Self {
        self.venue_limits = Arc::new(limits);
        self
    }

    /// The venue's limits this connector keeps.
    #[must_use]
    pub fn venue_limits(&self) -> &VenueLimits {
        &self.venue_limits
    }

    /// The exchange id.
    #[must_use]
    pub fn exchange(&self) -> &str {
        &self.exchange
    }

    /// The route a new connection of `kind` would take now.
    #[must_use]
    pub fn route(&self, kind: ConnectionKind) -> Route {
        Route::resolve(&self.exchange, kind, self.own_settings.as_deref())
    }

    fn tls(&self) -> Arc<ClientConfig> {
        self.tls.clone().unwrap_or_else(process_tls_config)
    }

    fn error(
        &self,
        kind: ConnectionKind,
        route: &Route,
        target: String,
        stage: ConnectStage,
    ) -> ConnectError {
        ConnectError {
            exchange: self.exchange.to_string(),
            kind,
            proxy: route.redacted_proxy(),
            target,
            stage,
        }
    }

    /// Opens a WebSocket to `url` (`ws://` or `wss://`) along the exchange's WebSocket route.
    ///
    /// # Errors
    /// [`ConnectError`] naming the stage that failed; when a proxy is configured and fails,
    /// no direct connection is attempted.
    pub async fn websocket(&self, url: &str) -> Result<ExchangeWebSocket, ConnectError> {
        self.websocket_with_route(url)
            .await
            .map(|(socket, _route)| socket)
    }

    /// As [`ExchangeConnector::websocket`], also returning the route the connection took
    /// (resolved once, for connecting and for reporting alike).
    ///
    /// # Errors
    /// As [`ExchangeConnector::websocket`].
    pub async fn websocket_with_route(
        &self,
        url: &str,
    ) -> Result<(ExchangeWebSocket, Route), ConnectError> {
        let kind = ConnectionKind::Websocket;
        let route = self.route(kind);
        let (url, target) =
            Target::parse(url).map_err(|stage| self.error(kind, &route, url.to_owned(), stage))?;
        let span = tracing::debug_span!("connect", exchange = %self.exchange, kind = %kind, route = %route, target = %target.authority());
        let socket = async {
            let stream = open_stream(&route, &target, &self.tls(), &self.timeouts).await?;
            upgrade(&url, stream, self.limits, self.timeouts.websocket_handshake).await
        }
        .instrument(span)
        .await
        .map_err(|stage| self.error(kind, &route, target.authority(), stage))?;
        Ok((socket, route))
    }

    /// GETs `url` along the exchange's HTTP route and returns the body of a 2xx answer.
    ///
    /// # Errors
    /// [`ConnectError`] naming the stage; a non-2xx status is [`ConnectStage::HttpStatus`]
    /// (451 and 403 on a direct route explain how to configure a proxy).
    pub async fn get(&self, url: &str) -> Result<Bytes, ConnectError> {
        self.http(http::Method::GET, url, None).await
    }

    /// POSTs a JSON `body` to `url` along the exchange's HTTP route (KuCoin's token request)
    /// and returns the body of a 2xx answer.
    ///
    /// # Errors
    /// As [`ExchangeConnector::get`].
    pub async fn post(&self, url: &str, body: String) -> Result<Bytes, ConnectError> {
        self.http(http::Method::POST, url, Some(body)).await
    }

    async fn http(
        &self,
        method: http::Method,
        url: &str,
        body: Option<String>,
    ) -> Result<Bytes, ConnectError> {
        let kind = ConnectionKind::Http;
        let route = self.route(kind);
        let (url, target) =
            Target::parse(url).map_err(|stage| self.error(kind, &route, url.to_owned(), stage))?;
        let client = RouteHttpClient::for_route(&route, &self.tls(), self.timeouts);
        let span = tracing::debug_span!("http", method = %method, exchange = %self.exchange, route = %route, target = %target.authority());
        let response = client
            .request(method, &url, body, self.max_body, self.http_timeout)
            .instrument(span)
            .await
            .map_err(|stage| self.error(kind, &route, target.authority(), stage))?;
        if (200..300).contains(&response.status) {
            return Ok(response.body);
        }
        let body =
            String::from_utf8_lossy(&response.body[..response.body.len().min(200)]).into_owned();
        Err(self.error(
            kind,
            &route,
            target.authority(),
            ConnectStage::HttpStatus {
                status: response.status,
                body,
            },
        ))
    }
}
