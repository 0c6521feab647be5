//! The HTTP endpoint of monitoring: `GET /metrics` (Prometheus text) and `GET /health`
//! (200 or 503 with a JSON body), served with hyper while the handler runs.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http::{header, Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use super::exporter::{render_metrics, CONTENT_TYPE};
use super::FeedMonitor;

/// How long a client may take to send its request headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// A bound metrics listener, not serving yet: binding first lets a busy port fail the start
/// with a clear error before any feed connects.
#[derive(Debug)]
pub struct MetricsServer {
    listener: TcpListener,
}

impl MetricsServer {
    /// Binds `address` (`127.0.0.1:9898`; port 0 picks a free one).
    ///
    /// # Errors
    /// The bind error (address in use, not permitted, not local).
    pub async fn bind(address: SocketAddr) -> std::io::Result<Self> {
        Ok(MetricsServer {
            listener: TcpListener::bind(address).await?,
        })
    }

    /// The address it listens on.
    ///
    /// # Errors
    /// When the socket cannot tell (it always can once bound).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Answers requests until the returned future is dropped (connections in flight are
    /// dropped with it).
    pub async fn serve(self, monitor: FeedMonitor) {
        let mut connections = JoinSet::new();
        loop {
            let (stream, _) = match self.listener.accept().await {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "metrics: accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            while connections.try_join_next().is_some() {}
            let monitor = monitor.clone();
            connections.spawn(async move {
                let service = service_fn(move |request: Request<Incoming>| {
                    let response = respond(&monitor, request.method(), request.uri().path());
                    async move { Ok::<_, Infallible>(response) }
                });
                let served = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEADER_TIMEOUT)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
                if let Err(error) = served {
                    tracing::debug!(%error, "metrics: connection ended with an error");
                }
            });
        }
    }
}

/// The answer to one request.
fn respond(monitor: &FeedMonitor, method: &Method, path: &str) -> Response<Full<Bytes>> {
    if method != Method::GET && method != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "only GET\n");
    }
    match path {
        "/metrics" => body(StatusCode::OK, CONTENT_TYPE, render_metrics(monitor)),
        "/health" => {
            let report = monitor.health();
            let status = if report.is_live() {
                StatusCode::OK
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            };
            body(status, "application/json", report.to_json())
        }
        _ => plain(
            StatusCode::NOT_FOUND,
            "not found: try /metrics or /health\n",
        ),
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    body(status, "text/plain; charset=utf-8", text.to_owned())
}

fn body(status: StatusCode, content_type: &str, text: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(text)));
    *response.status_mut() = status;
    if let Ok(value) = header::HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}
