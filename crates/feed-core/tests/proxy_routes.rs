//! Every proxy scheme the settings accept, through the real Debian proxy servers, for HTTP
//! (https://) and WebSocket (ws:// and wss://). Each proxy leaves from its own loopback
//! address, so the exchange stand-in can prove which path a connection took.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use feed_core::connect::{client_config, load_ca_file, ExchangeConnector, Route};
use feed_core::ConnectionKind;
use feed_proxy::{ConnectionProxies, ProxyConfig, ProxySettings};
use feed_testkit::proxies::{
    start_dante, start_microsocks, start_ssh_socks, start_tinyproxy, TinyproxyOptions,
    DANTE_EGRESS, MICROSOCKS_EGRESS, TINYPROXY_EGRESS,
};
use feed_testkit::{start_tls_front, EchoExchange, MARKETS_BODY};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

/// A connector for "testex" whose HTTP and WebSocket both take `proxy_url`.
fn connector_via(proxy_url: &str, exchange: &EchoExchange) -> ExchangeConnector {
    let proxy = ProxyConfig::new(proxy_url)
        .unwrap()
        .with_timeout_seconds(5)
        .unwrap();
    let settings = ProxySettings::enabled().with_exchange("testex", ConnectionProxies::both(proxy));
    let tls = client_config(&load_ca_file(&exchange.cert.ca_file()).unwrap()).unwrap();
    ExchangeConnector::new("testex")
        .with_proxy_settings(Some(Arc::new(settings)))
        .with_tls_config(tls)
}

/// GET over https and an echo over ws and wss, all through `proxy_url`, to `host`.
async fn exercise(exchange: &EchoExchange, proxy_url: &str, host: &str) {
    let connector = connector_via(proxy_url, exchange);
    for kind in ConnectionKind::ALL {
        assert!(matches!(connector.route(kind), Route::Pool(_)));
    }
    let [https, ws, wss] = exchange.urls(host);
    let body = connector
        .get(&https)
        .await
        .unwrap_or_else(|error| panic!("GET via {proxy_url}: {error}"));
    assert_eq!(&body[..], MARKETS_BODY.as_bytes());
    for url in [ws, wss] {
        let mut socket = connector
            .websocket(&url)
            .await
            .unwrap_or_else(|error| panic!("{url} via {proxy_url}: {error}"));
        socket.send(Message::text("hello")).await.unwrap();
        let reply = socket.next().await.unwrap().unwrap();
        assert_eq!(reply.into_text().unwrap().as_str(), "hello");
    }
}

fn only(ip: Ipv4Addr) -> Vec<IpAddr> {
    vec![IpAddr::V4(ip)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dante_socks4_socks5_and_socks5h() {
    let proxy = start_dante(DANTE_EGRESS).expect("start danted");
    let exchange = EchoExchange::start().await.unwrap();
    exercise(&exchange, &proxy.url("socks4"), "127.0.0.1").await;
    exercise(&exchange, &proxy.url("socks4"), "localhost").await; // resolved here
    exercise(&exchange, &proxy.url("socks5"), "localhost").await; // resolved here
    exercise(&exchange, &proxy.url("socks5h"), "localhost").await; // resolved by dante
    assert_eq!(
        exchange.peer_ips(),
        only(DANTE_EGRESS),
        "every connection left from dante's address"
    );
    assert_eq!(exchange.connection_count(), 12);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn microsocks_socks5_with_username_and_password() {
    let proxy =
        start_microsocks("feeduser", "pa:ss/w@rd", MICROSOCKS_EGRESS).expect("start microsocks");
    let exchange = EchoExchange::start().await.unwrap();
    let url = proxy.url("socks5");
    assert!(url.contains("pa%3Ass%2Fw%40rd"), "{url}");
    exercise(&exchange, &url, "localhost").await;
    exercise(&exchange, &proxy.url("socks5h"), "localhost").await;
    assert_eq!(exchange.peer_ips(), only(MICROSOCKS_EGRESS));
    assert_eq!(exchange.connection_count(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tinyproxy_http_connect_with_and_without_basic_auth() {
    let open = start_tinyproxy(TinyproxyOptions::default()).expect("start tinyproxy");
    let options = TinyproxyOptions {
        basic_auth: Some(("feeduser".into(), "s3cret-pw".into())),
        ..TinyproxyOptions::default()
    };
    let guarded = start_tinyproxy(options).expect("start tinyproxy with BasicAuth");
    let exchange = EchoExchange::start().await.unwrap();
    exercise(&exchange, &open.url("http"), "localhost").await;
    exercise(&exchange, &guarded.url("http"), "127.0.0.1").await;
    assert_eq!(exchange.peer_ips(), only(TINYPROXY_EGRESS));
    assert_eq!(exchange.connection_count(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_proxy_tls_to_the_proxy_then_connect() {
    let options = TinyproxyOptions {
        basic_auth: Some(("feeduser".into(), "s3cret-pw".into())),
        ..TinyproxyOptions::default()
    };
    let tinyproxy = start_tinyproxy(options).expect("start tinyproxy");
    let exchange = EchoExchange::start().await.unwrap();
    // TLS in front of the real tinyproxy, with the test CA's certificate for "localhost".
    let front = start_tls_front(tinyproxy.addr(), exchange.cert.server_config())
        .await
        .unwrap();
    let url = format!("https://feeduser:s3cret-pw@localhost:{}", front.port());
    exercise(&exchange, &url, "localhost").await;
    assert_eq!(exchange.peer_ips(), only(TINYPROXY_EGRESS));
    assert_eq!(
        front.connection_count(),
        3,
        "all three connections went through the TLS front"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssh_dynamic_forward_socks4a_and_friends() {
    let proxy = start_ssh_socks().expect("start sshd and ssh -D");
    let exchange = EchoExchange::start().await.unwrap();
    exercise(&exchange, &proxy.url("socks4a"), "localhost").await; // name resolved by sshd
    exercise(&exchange, &proxy.url("socks4"), "localhost").await;
    exercise(&exchange, &proxy.url("socks5h"), "localhost").await;
    assert_eq!(exchange.connection_count(), 9);
    // sshd cannot pick its source address; that these went through ssh is shown by the
    // fail-closed tests (with the forward stopped, nothing connects).
}
