//! [`ExchangeConnector`]: what adapters use to open HTTP and WebSocket connections. It knows
//! its exchange, resolves the route of every connection itself, and never shows adapters a
//! proxy.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use feed_proxy::{ConnectionKind, ProxySettings};
use rustls::ClientConfig;
use tracing::Instrument;

use std::future::Future;

use feed_proxy::ProxyConfig;

use super::error::{ConnectError, ConnectStage};
use super::http::RouteHttpClient;
use super::pacing::{self, Budget};
use super::pool::{self, MemberLease};
use super::provider::{process_proxy_provider, provided_pool, SharedProvider};
use super::route::{Egress, Route};
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
    /// Supplies pool members instead of the process-wide provider, if set.
    provider: Option<SharedProvider>,
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
            provider: None,
        }
    }

    /// Asks `provider` for the members of every proxied route instead of the process-wide
    /// provider ([`super::init_proxy_provider`]) or the settings' own members. Direct
    /// routes stay direct; a provider error or empty list fails the connection.
    #[must_use]
    pub fn with_proxy_provider(mut self, provider: SharedProvider) -> Self {
        self.provider = Some(provider);
        self
    }

    /// The route new connections of `kind` take now with the provider's members: direct,
    /// or the pool the provider gives (the settings' pool without a provider).
    ///
    /// # Errors
    /// [`ConnectStage::ProviderFailed`] (in a [`ConnectError`]) when the provider gives no
    /// members.
    pub async fn provided_route(&self, kind: ConnectionKind) -> Result<Route, ConnectError> {
        let route = self.route(kind);
        let Route::Pool(configured) = &route else {
            return Ok(route);
        };
        let provider = self.provider.clone().or_else(process_proxy_provider);
        provided_pool(provider.as_deref(), &self.exchange, kind, configured)
            .await
            .map(Route::Pool)
            .map_err(|stage| self.error(kind, route_proxy(&route), String::new(), stage))
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

    /// The route new connections of `kind` take now: direct or a pool (each connection
    /// then takes one member).
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
        proxy: Option<String>,
        target: String,
        stage: ConnectStage,
    ) -> ConnectError {
        ConnectError {
            exchange: self.exchange.to_string(),
            kind,
            proxy,
            target,
            stage,
        }
    }

    /// Runs `attempt` along `route`: directly, or through a member of the pool. A member
    /// that fails at the proxy stage is taken out ([`super::pool`]) and the next member is
    /// tried; a failure behind the proxy ends the attempt. Returns what `attempt` made, the
    /// egress it took and the member's lease (hold it as long as the connection is open).
    ///
    /// Before each attempt the egress waits for its `budget` ([`pacing`]): `weight` of the
    /// venue's per-egress rate. Among equally loaded members the one whose budget is free
    /// sooner is chosen.
    async fn through<T, F, Fut>(
        &self,
        kind: ConnectionKind,
        route: &Route,
        target: &str,
        (budget, weight): (Budget, u32),
        attempt: F,
    ) -> Result<(T, Egress, Option<MemberLease>), ConnectError>
    where
        F: Fn(Egress) -> Fut,
        Fut: Future<Output = Result<T, ConnectStage>>,
    {
        let rate = match budget {
            Budget::Connections => self.venue_limits.connections_per_egress,
            Budget::RestWeight => self.venue_limits.rest_weight_per_egress,
        };
        let configured = match route {
            Route::Direct => {
                pacing::pace(&self.exchange, &Egress::Direct, budget, rate, weight).await;
                return attempt(Egress::Direct)
                    .await
                    .map(|made| (made, Egress::Direct, None))
                    .map_err(|stage| self.error(kind, None, target.to_owned(), stage));
            }
            Route::Pool(pool) => pool,
        };
        let provider = self.provider.clone().or_else(process_proxy_provider);
        let pool = &provided_pool(provider.as_deref(), &self.exchange, kind, configured)
            .await
            .map_err(|stage| self.error(kind, Some(route.name()), target.to_owned(), stage))?;
        let mut tried = Vec::new();
        let mut last: Option<(ProxyConfig, ConnectStage)> = None;
        loop {
            let waits = |member: &ProxyConfig| {
                let egress = Egress::Proxy(member.clone());
                pacing::wait_estimate(&self.exchange, &egress, budget, rate, weight)
            };
            let mut lease = match pool::choose_with(&self.exchange, kind, pool, &tried, waits) {
                Ok(lease) => lease,
                Err(all_out) => {
                    return Err(match last {
                        Some((member, stage)) if pool.len() == 1 => self.error(
                            kind,
                            Some(member.url().to_string()),
                            target.to_owned(),
                            stage,
                        ),
                        last => self.error(
                            kind,
                            Some(Route::Pool(pool.clone()).name()),
                            target.to_owned(),
                            ConnectStage::AllMembersOut {
                                members: pool.len(),
                                next_probe_in: all_out.next_probe_in,
                                last_failure: last.map(|(_, stage)| Box::new(stage)),
                            },
                        ),
                    });
                }
            };
            let member = lease.member().clone();
            let egress = Egress::Proxy(member.clone());
            pacing::pace(&self.exchange, &egress, budget, rate, weight).await;
            match attempt(egress.clone()).await {
                Ok(made) => {
                    lease.proxy_stage_passed();
                    return Ok((made, egress, Some(lease)));
                }
                Err(stage) => {
                    let out = lease.failed(&stage);
                    if let (true, Some(provider)) = (out, &provider) {
                        provider
                            .report_failure(&self.exchange, kind, &member, &stage)
                            .await;
                    }
                    if !out {
                        return Err(self.error(
                            kind,
                            Some(member.url().to_string()),
                            target.to_owned(),
                            stage,
                        ));
                    }
                    tried.push(member.clone());
                    last = Some((member, stage));
                }
            }
        }
    }

    /// Opens a WebSocket to `url` (`ws://` or `wss://`) along the exchange's WebSocket route.
    ///
    /// # Errors
    /// [`ConnectError`] naming the stage that failed; when a proxy is configured and fails,
    /// no direct connection is attempted. With a pool, a member failing at the proxy stage
    /// is taken out and the next one tried; [`ConnectStage::AllMembersOut`] when none is
    /// left.
    pub async fn websocket(&self, url: &str) -> Result<ExchangeWebSocket, ConnectError> {
        self.websocket_with_route(url)
            .await
            .map(|(socket, _egress)| socket)
    }

    /// As [`ExchangeConnector::websocket`], also returning the egress the connection took
    /// (direct, or the pool member), for reporting.
    ///
    /// # Errors
    /// As [`ExchangeConnector::websocket`].
    pub async fn websocket_with_route(
        &self,
        url: &str,
    ) -> Result<(ExchangeWebSocket, Egress), ConnectError> {
        let kind = ConnectionKind::Websocket;
        let route = self.route(kind);
        let (url, target) = Target::parse(url)
            .map_err(|stage| self.error(kind, route_proxy(&route), url.to_owned(), stage))?;
        let tls = self.tls();
        let authority = target.authority();
        let (mut socket, egress, lease) = self
            .through(kind, &route, &authority, (Budget::Connections, 1), |egress| {
                let span = tracing::debug_span!("connect", exchange = %self.exchange, kind = %kind, route = %egress, target = %authority);
                let (url, target, tls) = (&url, &target, &tls);
                async move {
                    let stream = open_stream(&egress, target, tls, &self.timeouts).await?;
                    upgrade(url, stream, self.limits, self.timeouts.websocket_handshake).await
                }
                .instrument(span)
            })
            .await?;
        if let Some(lease) = lease {
            socket.get_mut().hold_lease(lease);
        }
        Ok((socket, egress))
    }

    /// GETs `url` along the exchange's HTTP route and returns the body of a 2xx answer.
    ///
    /// # Errors
    /// [`ConnectError`] naming the stage; a non-2xx status is [`ConnectStage::HttpStatus`]
    /// (451 and 403 on a direct route explain how to configure a proxy).
    pub async fn get(&self, url: &str) -> Result<Bytes, ConnectError> {
        self.http(http::Method::GET, url, None, 1).await
    }

    /// As [`ExchangeConnector::get`] for a request the venue weighs `weight` (a depth
    /// snapshot, say): the egress waits until its REST weight budget
    /// ([`VenueLimits::rest_weight_per_egress`]) has room for it.
    ///
    /// # Errors
    /// As [`ExchangeConnector::get`].
    pub async fn get_weighted(&self, url: &str, weight: u32) -> Result<Bytes, ConnectError> {
        self.http(http::Method::GET, url, None, weight).await
    }

    /// POSTs a JSON `body` to `url` along the exchange's HTTP route (KuCoin's token request)
    /// and returns the body of a 2xx answer.
    ///
    /// # Errors
    /// As [`ExchangeConnector::get`].
    pub async fn post(&self, url: &str, body: String) -> Result<Bytes, ConnectError> {
        self.http(http::Method::POST, url, Some(body), 1).await
    }

    /// As [`ExchangeConnector::post`] for a request the venue weighs `weight`.
    ///
    /// # Errors
    /// As [`ExchangeConnector::get`].
    pub async fn post_weighted(
        &self,
        url: &str,
        body: String,
        weight: u32,
    ) -> Result<Bytes, ConnectError> {
        self.http(http::Method::POST, url, Some(body), weight).await
    }

    async fn http(
        &self,
        method: http::Method,
        url: &str,
        body: Option<String>,
        weight: u32,
    ) -> Result<Bytes, ConnectError> {
        let kind = ConnectionKind::Http;
        let route = self.route(kind);
        let (url, target) = Target::parse(url)
            .map_err(|stage| self.error(kind, route_proxy(&route), url.to_owned(), stage))?;
        let tls = self.tls();
        let authority = target.authority();
        // The lease is held until the response is read: an in-flight request is load.
        let (response, egress, _lease) = self
            .through(kind, &route, &authority, (Budget::RestWeight, weight), |egress| {
                let client = RouteHttpClient::for_route(&egress, &tls, self.timeouts);
                let span = tracing::debug_span!("http", method = %method, exchange = %self.exchange, route = %egress, target = %authority);
                let (method, url, body) = (method.clone(), &url, body.clone());
                async move {
                    client
                        .request(method, url, body, self.max_body, self.http_timeout)
                        .await
                }
                .instrument(span)
            })
            .await?;
        if (200..300).contains(&response.status) {
            return Ok(response.body);
        }
        let body =
            String::from_utf8_lossy(&response.body[..response.body.len().min(200)]).into_owned();
        Err(self.error(
            kind,
            egress.redacted_proxy(),
            authority,
            ConnectStage::HttpStatus {
                status: response.status,
                body,
            },
        ))
    }
}

/// How an error names `route` before any member was chosen.
fn route_proxy(route: &Route) -> Option<String> {
    match route {
        Route::Direct => None,
        Route::Pool(_) => Some(route.name()),
    }
}
