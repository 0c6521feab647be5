//! With `socks5h`, this process makes no DNS lookup of the exchange's host: the name goes to
//! the proxy, which resolves it. Proved with a name only the proxy side can resolve:
//! `exchange.feedhandler-test.invalid` (the `.invalid` top-level domain never resolves,
//! RFC 2606) and a recording SOCKS5 proxy that maps that name to a loopback stand-in.
//!
//! - `socks5h`: the REST GET and the WebSocket both work, and the proxy received the name
//!   itself (address type 3, a domain) in every CONNECT request.
//! - `socks5` (no `h`): the same config fails at the `resolve` stage, before any CONNECT
//!   request reaches the proxy; with a name that does resolve (`localhost`) the proxy
//!   receives an IP address, never the name.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use feed_core::connect::{ConnectStage, ExchangeConnector};
use feed_proxy::{ConnectionProxies, ProxyConfig, ProxySettings};
use feed_testkit::ws_server::echo;
use feed_testkit::{start_http_server, start_ws_server, CannedResponse, LoopbackServer};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

/// A name that resolves nowhere but at the recording proxy.
const PROXY_ONLY_NAME: &str = "exchange.feedhandler-test.invalid";
const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// The target of one SOCKS5 CONNECT request, as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Requested {
    /// Address type 3: a host name, for the proxy to resolve.
    Domain(String, u16),
    /// Address type 1 or 4: an address the client resolved.
    Address(SocketAddr),
}

/// A minimal SOCKS5 proxy (no authentication, CONNECT only) that records every request
/// and resolves [`PROXY_ONLY_NAME`] to 127.0.0.1 itself.
async fn start_recording_proxy(log: Arc<Mutex<Vec<Requested>>>) -> LoopbackServer {
    LoopbackServer::start(LOCALHOST, None, move |mut io, _peer| {
        let log = Arc::clone(&log);
        Box::pin(async move {
            let Ok(requested) = socks5_request(&mut io).await else {
                return;
            };
            log.lock().unwrap().push(requested.clone());
            let upstream = match &requested {
                Requested::Domain(name, port) if name == PROXY_ONLY_NAME => {
                    TcpStream::connect((LOCALHOST, *port)).await
                }
                Requested::Domain(name, port) => TcpStream::connect((name.as_str(), *port)).await,
                Requested::Address(address) => TcpStream::connect(address).await,
            };
            let Ok(mut upstream) = upstream else {
                let _ = io.write_all(&[5, 4, 0, 1, 0, 0, 0, 0, 0, 0]).await; // host unreachable
                return;
            };
            if io.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]).await.is_ok() {
                let _ = tokio::io::copy_bidirectional(&mut io, &mut upstream).await;
            }
        })
    })
    .await
    .expect("start the recording proxy")
}

/// Reads the greeting (answering "no authentication") and the CONNECT request.
async fn socks5_request(
    io: &mut feed_testkit::BoxedIo,
) -> Result<Requested, Box<dyn std::error::Error + Send + Sync>> {
    let mut header = [0_u8; 2];
    io.read_exact(&mut header).await?;
    let mut methods = vec![0_u8; usize::from(header[1])];
    io.read_exact(&mut methods).await?;
    io.write_all(&[5, 0]).await?;
    let mut request = [0_u8; 4];
    io.read_exact(&mut request).await?;
    let requested = match request[3] {
        1 => {
            let mut ip = [0_u8; 4];
            io.read_exact(&mut ip).await?;
            Requested::Address(SocketAddr::from((ip, io.read_u16().await?)))
        }
        4 => {
            let mut ip = [0_u8; 16];
            io.read_exact(&mut ip).await?;
            Requested::Address(SocketAddr::from((ip, io.read_u16().await?)))
        }
        3 => {
            let mut name = vec![0_u8; usize::from(io.read_u8().await?)];
            io.read_exact(&mut name).await?;
            Requested::Domain(String::from_utf8(name)?, io.read_u16().await?)
        }
        other => return Err(format!("address type {other}").into()),
    };
    Ok(requested)
}

fn connector_via(scheme: &str, proxy: &LoopbackServer) -> ExchangeConnector {
    let url = format!("{scheme}://127.0.0.1:{}", proxy.port());
    let proxy = ProxyConfig::new(&url)
        .unwrap()
        .with_timeout_seconds(5)
        .unwrap();
    let settings = ProxySettings::enabled().with_exchange("testex", ConnectionProxies::both(proxy));
    ExchangeConnector::new("testex").with_proxy_settings(Some(Arc::new(settings)))
}

/// The plain HTTP market list and ws:// echo stand-ins (plain, so the name needs no
/// certificate).
async fn standins() -> (LoopbackServer, LoopbackServer) {
    let routes = HashMap::from([("/markets".to_owned(), CannedResponse::ok("{\"ok\":1}"))]);
    let http = start_http_server(LOCALHOST, None, routes).await.unwrap();
    let ws = start_ws_server(LOCALHOST, None, echo).await.unwrap();
    (http, ws)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socks5h_sends_the_name_and_never_resolves_it_here() {
    assert!(
        tokio::net::lookup_host((PROXY_ONLY_NAME, 80))
            .await
            .is_err(),
        "{PROXY_ONLY_NAME} must not resolve on this machine for this test to mean anything"
    );
    let (http, ws) = standins().await;
    let log = Arc::new(Mutex::new(Vec::new()));
    let proxy = start_recording_proxy(Arc::clone(&log)).await;
    let connector = connector_via("socks5h", &proxy);

    let body = connector
        .get(&format!("http://{PROXY_ONLY_NAME}:{}/markets", http.port()))
        .await
        .expect("GET through socks5h to a name only the proxy resolves");
    assert_eq!(&body[..], b"{\"ok\":1}");
    let mut socket = connector
        .websocket(&format!("ws://{PROXY_ONLY_NAME}:{}/stream", ws.port()))
        .await
        .expect("WebSocket through socks5h to a name only the proxy resolves");
    socket.send(Message::text("ping?")).await.unwrap();
    let echoed = socket.next().await.unwrap().unwrap();
    assert_eq!(echoed.into_text().unwrap().as_str(), "ping?");

    assert_eq!(
        *log.lock().unwrap(),
        vec![
            Requested::Domain(PROXY_ONLY_NAME.into(), http.port()),
            Requested::Domain(PROXY_ONLY_NAME.into(), ws.port()),
        ],
        "the proxy got the name, never an address"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socks5_resolves_here_so_the_same_name_fails_at_the_resolve_stage() {
    let (http, ws) = standins().await;
    let log = Arc::new(Mutex::new(Vec::new()));
    let proxy = start_recording_proxy(Arc::clone(&log)).await;
    let connector = connector_via("socks5", &proxy);

    let error = connector
        .websocket(&format!("ws://{PROXY_ONLY_NAME}:{}/stream", ws.port()))
        .await
        .expect_err("socks5 resolves the name here, and it does not resolve");
    assert!(
        matches!(error.stage, ConnectStage::Resolve { .. }),
        "{error}"
    );
    assert!(
        log.lock().unwrap().is_empty(),
        "no CONNECT request was sent"
    );

    // A name that resolves here reaches the proxy as an address.
    let mut socket = connector
        .websocket(&format!("ws://localhost:{}/stream", ws.port()))
        .await
        .expect("socks5 to localhost");
    socket.send(Message::text("x")).await.unwrap();
    assert!(socket.next().await.is_some());
    let requested = log.lock().unwrap().clone();
    assert!(
        matches!(requested.as_slice(), [Requested::Address(address)] if address.ip().is_loopback() && address.port() == ws.port()),
        "{requested:?}"
    );
    assert_eq!(http.connection_count(), 0);
}
