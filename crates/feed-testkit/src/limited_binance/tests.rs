//! The stand-in is strict: a client that breaks each limit is cut off and the violation
//! recorded; one within every limit gets its trades and none.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error, Message};
use tokio_tungstenite::WebSocketStream;

use super::{LimitedBinance, LimitedBinanceConfig, ViolationKind};

type Client = WebSocketStream<TcpStream>;

async fn standin(config: LimitedBinanceConfig) -> LimitedBinance {
    LimitedBinance::start(LimitedBinanceConfig {
        tls: false,
        markets: 20,
        ..config
    })
    .await
    .unwrap()
}

async fn connect(standin: &LimitedBinance) -> Result<Client, Error> {
    let stream = TcpStream::connect(standin.websocket.address()).await?;
    tokio_tungstenite::client_async(standin.websocket_url(), stream)
        .await
        .map(|(client, _)| client)
}

/// The next text frame (skipping pings), or the close frame's code, within 5 s.
async fn next(client: &mut Client) -> Result<Value, Option<CloseCode>> {
    loop {
        match tokio::time::timeout(Duration::from_secs(5), client.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                return Ok(serde_json::from_str(text.as_str()).unwrap())
            }
            Ok(Some(Ok(Message::Close(frame)))) => return Err(frame.map(|f| f.code)),
            Ok(Some(Ok(_))) => {}
            _ => return Err(None),
        }
    }
}

fn subscribe(streams: &[String], id: u64) -> Message {
    Message::text(
        serde_json::json!({"method": "SUBSCRIBE", "params": streams, "id": id}).to_string(),
    )
}

#[tokio::test]
async fn a_client_within_every_limit_gets_trades_and_breaks_nothing() {
    let standin = standin(LimitedBinanceConfig {
        trade_interval: Duration::from_millis(50),
        ..LimitedBinanceConfig::default()
    })
    .await;
    let mut client = connect(&standin).await.unwrap();
    let streams = ["btcusdt@aggTrade".to_owned(), "ethusdt@aggTrade".to_owned()];
    client.send(subscribe(&streams, 7)).await.unwrap();
    assert_eq!(
        next(&mut client).await.unwrap(),
        serde_json::json!({"result": null, "id": 7})
    );
    let mut last = std::collections::HashMap::new();
    for _ in 0..6 {
        let trade = next(&mut client).await.unwrap();
        assert_eq!(trade["e"], "aggTrade");
        let id = trade["a"].as_u64().unwrap();
        let previous = last.insert(trade["s"].as_str().unwrap().to_owned(), id);
        assert!(previous.is_none_or(|previous| previous < id), "{trade}");
    }
    assert_eq!(last.len(), 2, "both symbols traded: {last:?}");
    assert!(
        standin.violations().is_empty(),
        "{:?}",
        standin.violations()
    );
    let connections = standin.connections();
    assert_eq!(connections.len(), 1);
    assert_eq!(connections[0].max_streams, 2);
    assert!(connections[0].peer.ip().is_loopback());
}

#[tokio::test]
async fn more_streams_than_a_connection_carries_are_refused_and_the_connection_closed() {
    let standin = standin(LimitedBinanceConfig::default()).await;
    let mut client = connect(&standin).await.unwrap();
    let streams: Vec<String> = (0..1025).map(|n| format!("coin{n}usdt@aggTrade")).collect();
    client.send(subscribe(&streams, 1)).await.unwrap();
    let refusal = next(&mut client).await.unwrap();
    assert_eq!(refusal["id"], 1);
    assert_eq!(refusal["error"]["code"], 2, "{refusal}");
    assert_eq!(next(&mut client).await, Err(Some(CloseCode::Policy)));
    let violations = standin.violations();
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].kind, ViolationKind::TooManyStreams);
    assert!(
        violations[0].detail.contains("1025 streams"),
        "{violations:?}"
    );

    // 1024 are fine.
    let mut client = connect(&standin).await.unwrap();
    client.send(subscribe(&streams[..1024], 2)).await.unwrap();
    assert_eq!(next(&mut client).await.unwrap()["id"], 2);
    assert_eq!(standin.violations().len(), 1);
}

#[tokio::test]
async fn a_sixth_message_within_a_second_closes_the_connection() {
    let standin = standin(LimitedBinanceConfig::default()).await;
    let mut client = connect(&standin).await.unwrap();
    // Pings count as messages, as Binance documents.
    for _ in 0..6 {
        client
            .send(Message::Ping(b"x".to_vec().into()))
            .await
            .unwrap();
    }
    assert_eq!(next(&mut client).await, Err(Some(CloseCode::Policy)));
    let violations = standin.violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].kind, ViolationKind::TooManyMessages);
    assert!(violations[0].peer.ip().is_loopback());

    // Five a second, paced, are fine.
    let mut client = connect(&standin).await.unwrap();
    for id in 0..7 {
        client
            .send(subscribe(&[format!("s{id}@aggTrade")], id))
            .await
            .unwrap();
        assert_eq!(next(&mut client).await.unwrap()["id"], id);
        tokio::time::sleep(Duration::from_millis(210)).await;
    }
    assert_eq!(standin.violations().len(), 1);
}

#[tokio::test]
async fn connections_beyond_the_per_ip_window_are_refused_with_429() {
    let standin = standin(LimitedBinanceConfig {
        connections_per_window: 3,
        connection_window: Duration::from_secs(60),
        ..LimitedBinanceConfig::default()
    })
    .await;
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(connect(&standin).await.unwrap());
    }
    match connect(&standin).await {
        Err(Error::Http(response)) => assert_eq!(response.status(), 429),
        other => panic!("expected HTTP 429, got {:?}", other.map(|_| ())),
    }
    let violations = standin.violations();
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].kind, ViolationKind::TooManyConnections);
    assert_eq!(
        standin.connections().len(),
        3,
        "the refused one was not accepted"
    );
    assert_eq!(
        standin.websocket.peers().len(),
        4,
        "every attempt's peer is recorded"
    );
}

#[tokio::test]
async fn the_server_closes_a_connection_at_the_end_of_its_lifetime() {
    let standin = standin(LimitedBinanceConfig {
        lifetime: Duration::from_millis(300),
        ..LimitedBinanceConfig::default()
    })
    .await;
    let mut client = connect(&standin).await.unwrap();
    assert_eq!(next(&mut client).await, Err(Some(CloseCode::Away)));
    tokio::time::sleep(Duration::from_millis(50)).await;
    let connections = standin.connections();
    assert!(connections[0].expired, "{connections:?}");
    assert!(standin.violations().is_empty());
}

#[tokio::test]
async fn a_replacement_subscribed_before_the_forced_disconnect_covers_it() {
    let standin = standin(LimitedBinanceConfig {
        lifetime: Duration::from_millis(600),
        ..LimitedBinanceConfig::default()
    })
    .await;
    let streams = ["btcusdt@aggTrade".to_owned()];
    let mut old = connect(&standin).await.unwrap();
    old.send(subscribe(&streams, 1)).await.unwrap();
    assert_eq!(next(&mut old).await.unwrap()["id"], 1);
    // Not renewed: the first expiry is not covered.
    let mut lone = connect(&standin).await.unwrap();
    lone.send(subscribe(&["ethusdt@aggTrade".to_owned()], 2))
        .await
        .unwrap();
    assert_eq!(next(&mut lone).await.unwrap()["id"], 2);
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Make before break: the replacement of `old` opens and subscribes before it expires.
    let mut new = connect(&standin).await.unwrap();
    new.send(subscribe(&streams, 3)).await.unwrap();
    assert_eq!(next(&mut new).await.unwrap()["id"], 3);
    tokio::time::sleep(Duration::from_millis(600)).await;
    let covered = standin.expiries_covered();
    assert!(covered.contains(&(0, true)), "{covered:?}");
    assert!(covered.contains(&(1, false)), "{covered:?}");
}
