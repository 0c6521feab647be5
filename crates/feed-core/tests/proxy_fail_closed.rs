//! A configured proxy that is down, rejects credentials, refuses the tunnel or stalls makes
//! the connection fail with the right stage, and the exchange sees zero connections: there
//! is never a fallback to a direct route.

use std::sync::Arc;

use feed_core::connect::{client_config, load_ca_file, ConnectError, ExchangeConnector};
use feed_proxy::{ConnectionProxies, ProxyConfig, ProxySettings};
use feed_testkit::proxies::{
    start_dante, start_microsocks, start_ssh_socks, start_tinyproxy, TinyproxyOptions,
    DANTE_EGRESS, MICROSOCKS_EGRESS,
};
use feed_testkit::{start_silent_listener, start_tls_front, EchoExchange, TestCertificate};

fn connector_via(
    proxy_url: &str,
    timeout_seconds: u64,
    exchange: &EchoExchange,
) -> ExchangeConnector {
    let proxy = ProxyConfig::new(proxy_url)
        .unwrap()
        .with_timeout_seconds(timeout_seconds)
        .unwrap();
    let settings =
        ProxySettings::enabled().with_exchange("binance", ConnectionProxies::both(proxy));
    let tls = client_config(&load_ca_file(&exchange.cert.ca_file()).unwrap()).unwrap();
    ExchangeConnector::new("binance")
        .with_proxy_settings(Some(Arc::new(settings)))
        .with_tls_config(tls)
}

/// Tries HTTP, ws and wss through `proxy_url`; every attempt must fail at `stage`.
async fn every_connection_fails(
    exchange: &EchoExchange,
    proxy_url: &str,
    timeout_seconds: u64,
    stage: &str,
) -> Vec<ConnectError> {
    let connector = connector_via(proxy_url, timeout_seconds, exchange);
    let [https, ws, wss] = exchange.urls("localhost");
    let mut errors = vec![connector.get(&https).await.expect_err("GET must fail")];
    for url in [ws, wss] {
        errors.push(
            connector
                .websocket(&url)
                .await
                .expect_err("websocket must fail"),
        );
    }
    for error in &errors {
        assert_eq!(error.stage.name(), stage, "{error}");
        assert_eq!(error.exchange, "binance");
        let text = error.to_string();
        assert!(text.starts_with("binance "), "{text}");
        assert!(text.contains(" connection (via "), "{text}");
    }
    assert_eq!(
        exchange.connection_count(),
        0,
        "the exchange saw no connection at all"
    );
    errors
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn proxy_down_fails_at_connecting_to_the_proxy() {
    let exchange = EchoExchange::start().await.unwrap();
    for scheme in ["socks5", "socks5h", "socks4", "http", "https"] {
        let url = format!("{scheme}://user:pw-down@127.0.0.1:{}", free_port());
        let errors = every_connection_fails(&exchange, &url, 5, "proxy_connect").await;
        let text = errors[0].to_string();
        assert!(
            text.contains(&format!("{scheme}://user:***@127.0.0.1:")),
            "{text}"
        );
        assert!(!text.contains("pw-down"), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_socks5_password_fails_authentication() {
    let proxy =
        start_microsocks("feeduser", "right-pw", MICROSOCKS_EGRESS).expect("start microsocks");
    let exchange = EchoExchange::start().await.unwrap();
    let url = format!("socks5://feeduser:wrong-pw@{}", proxy.addr());
    let errors = every_connection_fails(&exchange, &url, 5, "proxy_authentication").await;
    assert!(!errors[1].to_string().contains("wrong-pw"));
    // No credentials at all: microsocks offers no method we accept.
    let errors = every_connection_fails(
        &exchange,
        &proxy.url_without_credentials("socks5"),
        5,
        "proxy_authentication",
    )
    .await;
    assert!(
        errors[0].to_string().contains("socks5://127.0.0.1:"),
        "{}",
        errors[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tinyproxy_without_or_with_wrong_credentials_fails_authentication() {
    let options = TinyproxyOptions {
        basic_auth: Some(("feeduser".into(), "right-pw".into())),
        ..TinyproxyOptions::default()
    };
    let proxy = start_tinyproxy(options).expect("start tinyproxy");
    let exchange = EchoExchange::start().await.unwrap();
    let errors = every_connection_fails(
        &exchange,
        &proxy.url_without_credentials("http"),
        5,
        "proxy_authentication",
    )
    .await;
    assert!(errors[1].to_string().contains("407"), "{}", errors[1]);
    assert!(
        errors[1]
            .to_string()
            .contains("the proxy URL has no credentials"),
        "{}",
        errors[1]
    );
    let wrong = format!("http://feeduser:wrong-pw@{}", proxy.addr());
    let errors = every_connection_fails(&exchange, &wrong, 5, "proxy_authentication").await;
    assert!(
        errors[2].to_string().contains("credentials rejected"),
        "{}",
        errors[2]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tinyproxy_refusing_the_port_is_a_refused_tunnel_with_its_reply() {
    let options = TinyproxyOptions {
        connect_ports: vec![443],
        ..TinyproxyOptions::default()
    };
    let proxy = start_tinyproxy(options).expect("start tinyproxy");
    let exchange = EchoExchange::start().await.unwrap();
    let errors = every_connection_fails(&exchange, &proxy.url("http"), 5, "tunnel_refused").await;
    for error in errors {
        assert!(
            error
                .to_string()
                .contains("the proxy answered 'HTTP/1.1 403 Access violation'"),
            "{error}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socks_refusal_carries_the_socks_reply() {
    let proxy = start_dante(DANTE_EGRESS).expect("start danted");
    let exchange = EchoExchange::start().await.unwrap();
    let connector = connector_via(&proxy.url("socks5"), 5, &exchange);
    // Nothing listens on this port: dante answers "connection refused".
    let error = connector
        .websocket(&format!("ws://127.0.0.1:{}/", free_port()))
        .await
        .unwrap_err();
    assert_eq!(error.stage.name(), "tunnel_refused", "{error}");
    assert!(error.to_string().contains("SOCKS reply"), "{error}");
}

#[tokio::test]
async fn a_stalling_proxy_times_out() {
    let silent = start_silent_listener().await.unwrap();
    let exchange = EchoExchange::start().await.unwrap();
    for scheme in ["socks5", "http"] {
        let url = format!("{scheme}://127.0.0.1:{}", silent.port());
        let started = std::time::Instant::now();
        let errors = every_connection_fails(&exchange, &url, 1, "timeout").await;
        assert!(
            errors[0]
                .to_string()
                .contains("timed out after 1s while connecting to and negotiating with the proxy"),
            "{}",
            errors[0]
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }
}

#[tokio::test]
async fn an_untrusted_https_proxy_fails_at_proxy_tls() {
    let exchange = EchoExchange::start().await.unwrap();
    let stranger = TestCertificate::generate().unwrap(); // not the CA the client trusts
    let sink = start_silent_listener().await.unwrap();
    let front = start_tls_front(sink.address(), stranger.server_config())
        .await
        .unwrap();
    let url = format!("https://localhost:{}", front.port());
    every_connection_fails(&exchange, &url, 5, "proxy_tls").await;
    assert_eq!(sink.connection_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_ssh_forward_fails_and_a_restarted_one_works() {
    let mut proxy = start_ssh_socks().expect("start sshd and ssh -D");
    let exchange = EchoExchange::start().await.unwrap();
    let url = proxy.url("socks4a");
    proxy.stop().expect("stop the forward");
    every_connection_fails(&exchange, &url, 5, "proxy_connect").await;
    proxy.restart().expect("restart the forward");
    let connector = connector_via(&url, 5, &exchange);
    let [https, _, _] = exchange.urls("localhost");
    connector
        .get(&https)
        .await
        .expect("works through the restarted forward");
    assert_eq!(exchange.connection_count(), 1);
}
