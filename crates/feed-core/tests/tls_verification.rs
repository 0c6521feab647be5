//! TLS to the exchange is verified by default — the certificate chain against the trusted
//! roots, and the exchange's own host name — directly and through a proxy alike.
//! (An untrusted issuer is `direct_routes.rs`'s and `tests/secrets.rs`'s case.)

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use feed_core::connect::{client_config, load_ca_file, ExchangeConnector};
use feed_proxy::{ConnectionProxies, ProxyConfig, ProxySettings};
use feed_testkit::proxies::{start_dante, DANTE_EGRESS};
use feed_testkit::ws_server::echo;
use feed_testkit::{start_ws_server, TestCertificate};

/// Where the test's own connections come from.
const LOCALHOST_V4: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// A loopback address the test certificate does not name.
const UNNAMED: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 9));

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trusted_certificate_for_another_name_is_refused_directly_and_through_a_proxy() {
    let cert = TestCertificate::generate().unwrap();
    let server = start_ws_server(UNNAMED, Some(cert.server_config()), echo)
        .await
        .unwrap();
    let trusted = client_config(&load_ca_file(&cert.ca_file()).unwrap()).unwrap();
    let url = format!("wss://{UNNAMED}:{}/", server.port());

    let direct = ExchangeConnector::new("okx").with_tls_config(Arc::clone(&trusted));
    let error = direct.websocket(&url).await.unwrap_err();
    assert_eq!(error.stage.name(), "tls", "{error}");
    assert!(
        error
            .to_string()
            .contains("certificate not valid for name \"127.0.0.9\""),
        "{error}"
    );

    let dante = start_dante(DANTE_EGRESS).expect("start danted");
    let proxy = ProxyConfig::new(&dante.url("socks5h")).unwrap();
    let via_proxy = ExchangeConnector::new("okx")
        .with_tls_config(trusted)
        .with_proxy_settings(Some(Arc::new(
            ProxySettings::enabled().with_exchange("okx", ConnectionProxies::both(proxy)),
        )));
    let error = via_proxy.websocket(&url).await.unwrap_err();
    assert_eq!(error.stage.name(), "tls", "{error}");
    assert!(
        error
            .to_string()
            .contains("certificate not valid for name \"127.0.0.9\""),
        "{error}"
    );
    assert_eq!(
        server.peer_ips(),
        vec![LOCALHOST_V4, IpAddr::V4(DANTE_EGRESS)],
        "both attempts reached the server; only the name check refused them"
    );
}
