//! The connector keeps each egress under the venue's per-IP limits: new WebSockets wait
//! for `connections_per_egress`, REST requests for `rest_weight_per_egress` (by weight).

use std::time::{Duration, Instant};

use feed_core::connect::{client_config, load_ca_file, ExchangeConnector};
use feed_core::runtime::{Rate, VenueLimits};
use feed_testkit::EchoExchange;

fn connector(exchange_id: &str, exchange: &EchoExchange, limits: VenueLimits) -> ExchangeConnector {
    let tls = client_config(&load_ca_file(&exchange.cert.ca_file()).unwrap()).unwrap();
    ExchangeConnector::new(exchange_id)
        .with_tls_config(tls)
        .with_venue_limits(limits)
}

#[tokio::test]
async fn new_websockets_wait_for_the_egress_window() {
    let exchange = EchoExchange::start().await.unwrap();
    let limits = VenueLimits {
        connections_per_egress: Some(Rate::new(2, Duration::from_millis(800))),
        ..VenueLimits::none()
    };
    let connector = connector("pacing-ws", &exchange, limits);
    let [_, ws, _] = exchange.urls("127.0.0.1");
    let start = Instant::now();
    let mut sockets = Vec::new();
    let mut opened_at = Vec::new();
    for _ in 0..5 {
        sockets.push(connector.websocket(&ws).await.unwrap());
        opened_at.push(start.elapsed());
    }
    // Two at once, two more when the first two leave the window, then the fifth.
    assert!(opened_at[1] < Duration::from_millis(700), "{opened_at:?}");
    assert!(opened_at[2] >= Duration::from_millis(800), "{opened_at:?}");
    assert!(opened_at[3] < Duration::from_millis(1500), "{opened_at:?}");
    assert!(opened_at[4] >= Duration::from_millis(1600), "{opened_at:?}");
    assert_eq!(exchange.ws.connection_count(), 5);
}

#[tokio::test]
async fn rest_requests_wait_for_their_weight() {
    let exchange = EchoExchange::start().await.unwrap();
    let limits = VenueLimits {
        rest_weight_per_egress: Some(Rate::new(10, Duration::from_millis(800))),
        ..VenueLimits::none()
    };
    let connector = connector("pacing-rest", &exchange, limits);
    let [https, _, _] = exchange.urls("localhost");
    let start = Instant::now();
    connector.get_weighted(&https, 6).await.unwrap();
    connector.get(&https).await.unwrap();
    connector.get(&https).await.unwrap();
    let light = start.elapsed();
    assert!(
        light < Duration::from_millis(700),
        "8 of 10 fit at once: {light:?}"
    );
    connector.get_weighted(&https, 5).await.unwrap();
    let heavy = start.elapsed();
    assert!(
        heavy >= Duration::from_millis(800),
        "13 > 10: waits for the 6 to leave: {heavy:?}"
    );
    // Without limits nothing waits.
    let free = connector.clone().with_venue_limits(VenueLimits::none());
    let again = Instant::now();
    for _ in 0..5 {
        free.get_weighted(&https, 50).await.unwrap();
    }
    assert!(again.elapsed() < Duration::from_millis(700));
}
