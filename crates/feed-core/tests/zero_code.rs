//! Zero-code integration, in its own test binary because it sets process-wide state:
//! `init_proxy_system` routes connectors that only name their exchange; a connector's own
//! settings win; `init_tls_roots` applies to HTTP and WebSocket; proxy environment variables
//! are ignored (with one warning); HTTP clients are reused per route.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};

use feed_core::connect::{
    init_proxy_system, init_tls_roots, ExchangeConnector, Route, RouteHttpClient,
};
use feed_core::ConnectionKind;
use feed_proxy::{ConnectionProxies, ProxyConfig, ProxySettings};
use feed_testkit::proxies::{start_dante, DANTE_EGRESS};
use feed_testkit::{EchoExchange, MARKETS_BODY};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

#[derive(Clone, Default)]
struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn echo_once(connector: &ExchangeConnector, url: &str) {
    let mut socket = connector
        .websocket(url)
        .await
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    socket.send(Message::text("x")).await.unwrap();
    assert_eq!(
        socket
            .next()
            .await
            .unwrap()
            .unwrap()
            .into_text()
            .unwrap()
            .as_str(),
        "x"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_wide_settings_route_connectors_that_only_name_their_exchange() {
    let logs = CapturedLogs::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();
    // A proxy variable pointing nowhere: honouring it would break every connection below.
    std::env::set_var("HTTPS_PROXY", "http://user:env-secret@127.0.0.1:9");

    let dante = start_dante(DANTE_EGRESS).expect("start danted");
    let exchange = EchoExchange::start().await.unwrap();
    init_tls_roots(&exchange.cert.ca_file()).unwrap();
    let proxy = ProxyConfig::new(&dante.url("socks5h")).unwrap();
    init_proxy_system(
        ProxySettings::enabled().with_exchange("binance", ConnectionProxies::both(proxy)),
    );

    let [https, ws, wss] = exchange.urls("localhost");
    let binance = ExchangeConnector::new("BINANCE");
    assert!(matches!(
        binance.route(ConnectionKind::Http),
        Route::Pool(_)
    ));
    let before = RouteHttpClient::cached_count();
    for _ in 0..3 {
        assert_eq!(
            &binance.get(&https).await.unwrap()[..],
            MARKETS_BODY.as_bytes()
        );
    }
    assert_eq!(
        RouteHttpClient::cached_count(),
        before + 1,
        "one client for the route, reused"
    );
    echo_once(&binance, &ws).await;
    echo_once(&binance, &wss).await;
    assert_eq!(exchange.peer_ips(), vec![IpAddr::V4(DANTE_EGRESS)]);

    // Another exchange is not configured: direct, from 127.0.0.1.
    let kraken = ExchangeConnector::new("kraken");
    assert_eq!(kraken.route(ConnectionKind::Websocket), Route::Direct);
    echo_once(&kraken, &wss).await;
    assert!(exchange
        .wss
        .peer_ips()
        .contains(&IpAddr::V4(Ipv4Addr::LOCALHOST)));

    // A feed's own settings win over the process-wide ones (here: proxies disabled).
    let own = ExchangeConnector::new("binance")
        .with_proxy_settings(Some(Arc::new(ProxySettings::disabled())));
    assert_eq!(own.route(ConnectionKind::Http), Route::Direct);
    let direct_before = exchange.https.peers().len();
    own.get(&https).await.unwrap();
    assert_eq!(
        exchange.https.peers().last().unwrap().ip(),
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    );
    assert_eq!(exchange.https.peers().len(), direct_before + 1);

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let warnings = text
        .matches("proxy environment variables are ignored")
        .count();
    assert_eq!(warnings, 1, "exactly one warning:\n{text}");
    assert!(text.contains("HTTPS_PROXY"), "{text}");
    assert!(!text.contains("env-secret"), "{text}");
}
