//! A pool of the real proxies (dante from 127.0.0.2, tinyproxy from 127.0.0.3, microsocks
//! from 127.0.0.4) in front of a loopback exchange: connections spread over the three
//! egress addresses, none from 127.0.0.1; a stopped member is taken out and its share moves
//! to the others; restarted, it is probed and used again; with every member down the
//! connection fails naming the pool, and the exchange sees nothing direct; a
//! [`ProxyProvider`] supplies members with the same fail-closed rules.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use feed_core::connect::{
    client_config, load_ca_file, member_statuses, Egress, ExchangeConnector, ProviderError,
    ProxyProvider,
};
use feed_proxy::{ConnectionKind, ConnectionProxies, ProxyConfig, ProxyPool, ProxySettings};
use feed_testkit::proxies::{
    start_dante, start_microsocks, start_tinyproxy, TinyproxyOptions, DANTE_EGRESS,
    MICROSOCKS_EGRESS, TINYPROXY_EGRESS,
};
use feed_testkit::EchoExchange;

fn connector(exchange_id: &str, urls: &[String], exchange: &EchoExchange) -> ExchangeConnector {
    let members = urls
        .iter()
        .map(|url| {
            ProxyConfig::new(url)
                .unwrap()
                .with_timeout_seconds(3)
                .unwrap()
        })
        .collect();
    let pool = ProxyPool::new(members).unwrap();
    let settings =
        ProxySettings::enabled().with_exchange(exchange_id, ConnectionProxies::both_pool(pool));
    let tls = client_config(&load_ca_file(&exchange.cert.ca_file()).unwrap()).unwrap();
    ExchangeConnector::new(exchange_id)
        .with_proxy_settings(Some(Arc::new(settings)))
        .with_tls_config(tls)
}

/// Connections per peer address the ws server saw, from `skip` on.
fn by_peer(exchange: &EchoExchange, skip: usize) -> BTreeMap<IpAddr, usize> {
    let mut counts = BTreeMap::new();
    for peer in exchange.ws.peers().into_iter().skip(skip) {
        *counts.entry(peer.ip()).or_insert(0) += 1;
    }
    counts
}

fn ip(address: Ipv4Addr) -> IpAddr {
    IpAddr::V4(address)
}

#[tokio::test]
async fn connections_spread_over_the_pool_move_off_a_stopped_member_and_come_back() {
    let exchange = EchoExchange::start().await.unwrap();
    let dante = start_dante(DANTE_EGRESS).expect("start dante");
    let tinyproxy =
        start_tinyproxy(TinyproxyOptions::new().egress(TINYPROXY_EGRESS)).expect("tinyproxy");
    let mut microsocks =
        start_microsocks("pool-user", "pool-secret", MICROSOCKS_EGRESS).expect("microsocks");
    let urls = [
        dante.url("socks5"),
        tinyproxy.url("http"),
        microsocks.url("socks5"),
    ];
    let connector = connector("pooltest", &urls, &exchange);
    let [https, ws, _wss] = exchange.urls("127.0.0.1");

    // Six streams: two through each member, least loaded first.
    let mut sockets = Vec::new();
    for _ in 0..6 {
        let (socket, egress) = connector.websocket_with_route(&ws).await.unwrap();
        assert!(matches!(egress, Egress::Proxy(_)), "{egress}");
        sockets.push(socket);
    }
    let expected: BTreeMap<IpAddr, usize> = [DANTE_EGRESS, TINYPROXY_EGRESS, MICROSOCKS_EGRESS]
        .into_iter()
        .map(|address| (ip(address), 2))
        .collect();
    assert_eq!(by_peer(&exchange, 0), expected);
    // REST goes through the pool too.
    assert!(connector.get(&https).await.is_ok());

    // microsocks stops: new connections go through dante and tinyproxy only.
    microsocks.stop().unwrap();
    drop(sockets);
    let seen = exchange.ws.peers().len();
    let mut sockets = Vec::new();
    for _ in 0..4 {
        sockets.push(
            connector
                .websocket(&ws)
                .await
                .expect("another member carries it"),
        );
    }
    let after_stop = by_peer(&exchange, seen);
    assert_eq!(after_stop.values().sum::<usize>(), 4, "{after_stop:?}");
    assert!(
        !after_stop.contains_key(&ip(MICROSOCKS_EGRESS)),
        "{after_stop:?}"
    );
    let out = member_statuses()
        .into_iter()
        .find(|status| {
            status.exchange == "pooltest" && status.member.contains(&microsocks.port().to_string())
        })
        .unwrap();
    assert!(!out.up, "{out:?}");
    assert!(!out.member.contains("pool-secret"), "{out:?}");

    // Restarted, it is probed after its backoff and takes connections again.
    microsocks.restart().unwrap();
    drop(sockets);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let seen = exchange.ws.peers().len();
    let mut sockets = Vec::new();
    for _ in 0..3 {
        sockets.push(connector.websocket(&ws).await.unwrap());
    }
    let after_restart = by_peer(&exchange, seen);
    assert_eq!(
        after_restart.get(&ip(MICROSOCKS_EGRESS)),
        Some(&1),
        "{after_restart:?}"
    );
    assert!(
        !exchange
            .peer_ips()
            .contains(&IpAddr::V4(Ipv4Addr::LOCALHOST)),
        "no connection ever went direct: {:?}",
        exchange.peer_ips()
    );
    assert!(member_statuses()
        .iter()
        .filter(|status| status.exchange == "pooltest")
        .all(|status| status.up));
}

#[tokio::test]
async fn every_member_down_is_a_clear_error_and_nothing_goes_direct() {
    let exchange = EchoExchange::start().await.unwrap();
    let dead = |port: u16| format!("socks5://user:pool-down-secret@127.0.0.1:{port}");
    let urls = [dead(free_port()), dead(free_port())];
    let connector = connector("pooldown", &urls, &exchange);
    let [https, ws, wss] = exchange.urls("localhost");
    let mut errors = vec![connector.get(&https).await.unwrap_err()];
    for url in [ws, wss] {
        errors.push(connector.websocket(&url).await.unwrap_err());
    }
    for error in &errors {
        assert_eq!(error.stage.name(), "all_members_out", "{error}");
        let text = error.to_string();
        assert!(
            text.contains("(via pool [socks5://user:***@127.0.0.1:"),
            "{text}"
        );
        assert!(
            text.contains("every member of the proxy pool is out"),
            "{text}"
        );
        assert!(text.contains("no direct connection is made"), "{text}");
        assert!(!text.contains("pool-down-secret"), "{text}");
    }
    assert!(
        errors[0]
            .to_string()
            .contains("cannot connect to the proxy"),
        "the first attempt names the last member failure: {}",
        errors[0]
    );
    assert!(
        errors[0].to_string().contains("next probe in 1s"),
        "the members' backoff: {}",
        errors[0]
    );
    assert_eq!(exchange.connection_count(), 0, "the exchange saw nothing");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A provider that answers with fixed members (or an error) and counts failures reported.
struct TestProvider {
    members: Result<Vec<String>, String>,
    failures: std::sync::Mutex<Vec<String>>,
}

#[async_trait::async_trait]
impl ProxyProvider for TestProvider {
    async fn members(
        &self,
        _exchange: &str,
        _kind: ConnectionKind,
        _configured: &ProxyPool,
    ) -> Result<Vec<ProxyConfig>, ProviderError> {
        match &self.members {
            Ok(urls) => Ok(urls
                .iter()
                .map(|url| ProxyConfig::new(url).unwrap())
                .collect()),
            Err(text) => Err(ProviderError::new(text.clone())),
        }
    }

    async fn report_failure(
        &self,
        _exchange: &str,
        _kind: ConnectionKind,
        member: &ProxyConfig,
        _stage: &feed_core::connect::ConnectStage,
    ) {
        self.failures.lock().unwrap().push(member.url().to_string());
    }

    fn name(&self) -> &str {
        "test provider"
    }
}

#[tokio::test]
async fn a_provider_supplies_the_members_and_fails_closed() {
    let exchange = EchoExchange::start().await.unwrap();
    let microsocks =
        start_microsocks("prov-user", "prov-secret", MICROSOCKS_EGRESS).expect("microsocks");
    let dead = format!("socks5://127.0.0.1:{}", free_port());
    // The settings say "proxied" (through a dead placeholder); the provider gives a dead
    // member and the live one.
    let provider = Arc::new(TestProvider {
        members: Ok(vec![dead.clone(), microsocks.url("socks5")]),
        failures: std::sync::Mutex::new(Vec::new()),
    });
    let placeholder = format!("socks5://127.0.0.1:{}", free_port());
    let base = connector("provex", std::slice::from_ref(&placeholder), &exchange);
    let via = base.clone().with_proxy_provider(provider.clone());
    let [https, ws, _] = exchange.urls("127.0.0.1");
    let route = via.provided_route(ConnectionKind::Websocket).await.unwrap();
    assert_eq!(route.pool().unwrap().len(), 2, "{route}");
    for _ in 0..3 {
        let (_socket, egress) = via.websocket_with_route(&ws).await.unwrap();
        assert_eq!(
            egress.name(),
            format!("socks5://prov-user:***@{}", microsocks.addr())
        );
    }
    assert!(via.get(&https).await.is_ok());
    assert_eq!(
        provider.failures.lock().unwrap().as_slice(),
        std::slice::from_ref(&dead),
        "the dead member was reported once, then skipped while out"
    );
    assert_eq!(exchange.peer_ips(), [ip(MICROSOCKS_EGRESS)]);

    // A provider error or an empty list: the connection fails, nothing direct.
    for members in [Err("rotation service down".to_owned()), Ok(Vec::new())] {
        let failing = base.clone().with_proxy_provider(Arc::new(TestProvider {
            members,
            failures: std::sync::Mutex::new(Vec::new()),
        }));
        let error = failing.websocket(&ws).await.unwrap_err();
        assert_eq!(error.stage.name(), "provider_failed", "{error}");
        assert!(
            error.to_string().contains("no direct connection is made"),
            "{error}"
        );
        assert!(failing.get(&https).await.is_err());
    }
    assert_eq!(
        exchange.peer_ips(),
        [ip(MICROSOCKS_EGRESS)],
        "nothing went direct"
    );
}
