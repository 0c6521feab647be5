//! Direct connections (no proxy configured): legacy behaviour, over ws://, wss:// and
//! https:// loopback servers whose certificate is trusted through a CA file.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use feed_core::connect::{client_config, load_ca_file, ConnectStage, ExchangeConnector, Route};
use feed_core::ConnectionKind;
use feed_testkit::ws_server::echo;
use feed_testkit::{start_http_server, start_ws_server, CannedResponse, TestCertificate};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn trusting(cert: &TestCertificate) -> Arc<rustls::ClientConfig> {
    client_config(&load_ca_file(&cert.ca_file()).unwrap()).unwrap()
}

#[tokio::test]
async fn without_settings_every_route_is_direct() {
    let connector = ExchangeConnector::new("binance");
    for kind in ConnectionKind::ALL {
        assert_eq!(connector.route(kind), Route::Direct);
    }
}

#[tokio::test]
async fn websocket_direct_over_ws_and_wss() {
    let cert = TestCertificate::generate().unwrap();
    let plain = start_ws_server(LOCALHOST, None, echo).await.unwrap();
    let secure = start_ws_server(LOCALHOST, Some(cert.server_config()), echo)
        .await
        .unwrap();
    let connector = ExchangeConnector::new("backpack").with_tls_config(trusting(&cert));

    for url in [
        format!("ws://127.0.0.1:{}/stream", plain.port()),
        format!("wss://localhost:{}/stream", secure.port()),
        format!("wss://127.0.0.1:{}/stream", secure.port()),
    ] {
        let mut socket = connector.websocket(&url).await.unwrap();
        socket.send(Message::text("ping")).await.unwrap();
        let reply = socket.next().await.unwrap().unwrap();
        assert_eq!(reply.into_text().unwrap().as_str(), "ping", "{url}");
    }
    assert_eq!(plain.peer_ips(), vec![LOCALHOST]);
    assert_eq!(secure.connection_count(), 2);
}

#[tokio::test]
async fn https_direct_get_and_status_errors() {
    let cert = TestCertificate::generate().unwrap();
    let mut routes = HashMap::new();
    routes.insert(
        "/api/v3/exchangeInfo".to_owned(),
        CannedResponse::ok("{\"symbols\":[]}"),
    );
    routes.insert(
        "/blocked".to_owned(),
        CannedResponse {
            status: 451,
            body: "{\"code\":0,\"msg\":\"restricted location\"}".into(),
        },
    );
    let server = start_http_server(LOCALHOST, Some(cert.server_config()), routes)
        .await
        .unwrap();
    let connector = ExchangeConnector::new("binance").with_tls_config(trusting(&cert));

    let body = connector
        .get(&format!(
            "https://localhost:{}/api/v3/exchangeInfo?x=1",
            server.port()
        ))
        .await
        .unwrap();
    assert_eq!(&body[..], b"{\"symbols\":[]}");

    let error = connector
        .get(&format!("https://localhost:{}/blocked", server.port()))
        .await
        .unwrap_err();
    assert!(
        matches!(error.stage, ConnectStage::HttpStatus { status: 451, .. }),
        "{error}"
    );
    let text = error.to_string();
    assert!(text.contains("binance http connection (direct)"), "{text}");
    assert!(text.contains("proxy.exchanges.binance.http.url"), "{text}");
}

#[tokio::test]
async fn untrusted_certificate_fails_at_the_tls_stage() {
    let cert = TestCertificate::generate().unwrap();
    let secure = start_ws_server(LOCALHOST, Some(cert.server_config()), echo)
        .await
        .unwrap();
    // The process-wide configuration trusts only the web roots, not the test CA.
    let error = ExchangeConnector::new("okx")
        .websocket(&format!("wss://localhost:{}/", secure.port()))
        .await
        .unwrap_err();
    assert_eq!(error.stage.name(), "tls", "{error}");
}

#[tokio::test]
async fn websocket_upgrade_refused_is_a_handshake_error() {
    let server = start_http_server(LOCALHOST, None, HashMap::new())
        .await
        .unwrap();
    let error = ExchangeConnector::new("kraken")
        .websocket(&format!("ws://127.0.0.1:{}/v2", server.port()))
        .await
        .unwrap_err();
    assert_eq!(error.stage.name(), "websocket_handshake", "{error}");
    assert!(error.to_string().contains("HTTP 404"), "{error}");
}
