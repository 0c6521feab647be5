//! HTTP(S) requests along a route: hyper's client over the same tunnel code as WebSockets,
//! so REST and streams of an exchange take the same route by construction. One client (and
//! its connection pool) per distinct route.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::ClientConfig;
use url::Url;

use super::error::ConnectStage;
use super::route::Egress;
use super::stream::ExchangeStream;
use super::target::Target;
use super::tunnel::{open_stream, StageTimeouts};

/// Opens connections for hyper along one route.
#[derive(Clone)]
pub struct RouteConnector {
    route: Egress,
    tls: Arc<ClientConfig>,
    timeouts: StageTimeouts,
}

impl tower_service::Service<http::Uri> for RouteConnector {
    type Response = TokioIo<ExchangeStream>;
    type Error = ConnectStage;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: http::Uri) -> Self::Future {
        let connector = self.clone();
        Box::pin(async move {
            let url = Url::parse(&uri.to_string())
                .map_err(|error| ConnectStage::InvalidUrl(error.to_string()))?;
            let target = Target::from_url(&url)?;
            let stream = open_stream(
                &connector.route,
                &target,
                &connector.tls,
                &connector.timeouts,
            )
            .await?;
            Ok(TokioIo::new(stream))
        })
    }
}

/// A response body, read whole.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The body.
    pub body: Bytes,
}

/// An HTTP client bound to one route; cheap to clone.
#[derive(Clone)]
pub struct RouteHttpClient {
    client: Client<RouteConnector, Full<Bytes>>,
}

type ClientKey = (Egress, usize, StageTimeouts);

fn clients() -> &'static Mutex<HashMap<ClientKey, RouteHttpClient>> {
    static CLIENTS: std::sync::OnceLock<Mutex<HashMap<ClientKey, RouteHttpClient>>> =
        std::sync::OnceLock::new();
    CLIENTS.get_or_init(|| Mutex::new(HashMap::new()))
}

impl std::hash::Hash for StageTimeouts {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (
            self.direct_connect,
            self.tls_handshake,
            self.websocket_handshake,
        )
            .hash(state);
    }
}

impl RouteHttpClient {
    /// The shared client for `route` (created on first use).
    #[must_use]
    pub fn for_route(route: &Egress, tls: &Arc<ClientConfig>, timeouts: StageTimeouts) -> Self {
        let key = (route.clone(), Arc::as_ptr(tls) as usize, timeouts);
        let mut clients = clients()
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        clients
            .entry(key)
            .or_insert_with(|| {
                let connector = RouteConnector {
                    route: route.clone(),
                    tls: Arc::clone(tls),
                    timeouts,
                };
                RouteHttpClient {
                    client: Client::builder(TokioExecutor::new())
                        .pool_idle_timeout(Duration::from_secs(60))
                        .build(connector),
                }
            })
            .clone()
    }

    /// How many distinct route clients exist (for tests of client reuse).
    #[must_use]
    pub fn cached_count() -> usize {
        clients().lock().map_or(0, |clients| clients.len())
    }

    /// GETs `url`, reading at most `max_body` bytes, within `limit` for the whole exchange.
    ///
    /// # Errors
    /// The connection's [`ConnectStage`], [`ConnectStage::Http`] for protocol failures or an
    /// oversized body, [`ConnectStage::Timeout`] past `limit`.
    pub async fn get(
        &self,
        url: &Url,
        max_body: usize,
        limit: Duration,
    ) -> Result<HttpResponse, ConnectStage> {
        self.request(http::Method::GET, url, None, max_body, limit)
            .await
    }

    /// Sends `method` to `url` with an optional JSON `body`, as [`RouteHttpClient::get`].
    ///
    /// # Errors
    /// As [`RouteHttpClient::get`].
    pub async fn request(
        &self,
        method: http::Method,
        url: &Url,
        body: Option<String>,
        max_body: usize,
        limit: Duration,
    ) -> Result<HttpResponse, ConnectStage> {
        let mut builder = http::Request::builder()
            .method(method)
            .uri(url.as_str())
            .header(
                http::header::USER_AGENT,
                concat!("feedhandler/", env!("CARGO_PKG_VERSION")),
            )
            .header(http::header::ACCEPT, "application/json");
        if body.is_some() {
            builder = builder.header(http::header::CONTENT_TYPE, "application/json");
        }
        let request = builder
            .body(Full::new(Bytes::from(body.unwrap_or_default())))
            .map_err(|error| ConnectStage::InvalidUrl(error.to_string()))?;
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|error| stage_of(&error))?;
            let status = response.status().as_u16();
            let body = Limited::new(response.into_body(), max_body)
                .collect()
                .await
                .map_err(|error| ConnectStage::Http(format!("reading the body: {error}")))?
                .to_bytes();
            Ok(HttpResponse { status, body })
        };
        tokio::time::timeout(limit, exchange)
            .await
            .unwrap_or(Err(ConnectStage::Timeout {
                during: "waiting for the HTTP response",
                after: limit,
            }))
    }
}

/// The connection stage inside a hyper client error, when the connector failed.
fn stage_of(error: &hyper_util::client::legacy::Error) -> ConnectStage {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(error);
    while let Some(inner) = source {
        if let Some(stage) = inner.downcast_ref::<ConnectStage>() {
            return stage.clone();
        }
        source = inner.source();
    }
    ConnectStage::Http(error.to_string())
}
