//! `feedhandler run` through a pool of the three real proxies (dante from 127.0.0.2,
//! tinyproxy from 127.0.0.3, microsocks from 127.0.0.4) to a loopback Binance stand-in
//! that records every peer address and closes each stream after a while (as venues do):
//! the connections spread over the three egress addresses and none comes from 127.0.0.1;
//! microsocks stopped mid-run: its share moves to the others, nothing goes direct, every
//! feed's trades continue; restarted: it is probed and takes connections again.

mod support;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use feed_testkit::proxies::{
    start_dante, start_microsocks, start_tinyproxy, TinyproxyOptions, DANTE_EGRESS,
    MICROSOCKS_EGRESS, TINYPROXY_EGRESS,
};
use feed_testkit::{
    start_http_server, start_ws_server, CannedResponse, LoopbackServer, TestCertificate,
};
use futures_util::{SinkExt, StreamExt};
use support::{feedhandler_async, trades};
use tokio_tungstenite::tungstenite::Message;

/// Each stream lives this long, then the stand-in closes it.
const STREAM_LIFETIME: Duration = Duration::from_millis(1500);
const FEEDS: usize = 6;
const SECRET: &str = "pool-run-secret";
/// One symbol per feed, so each feed's trades can be told apart.
const BASES: [&str; FEEDS] = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"];

fn exchange_info() -> String {
    let symbols: Vec<String> = BASES
        .iter()
        .map(|base| {
            format!(
                r#"{{"symbol":"{base}USDT","status":"TRADING","baseAsset":"{base}","quoteAsset":"USDT"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"timezone":"UTC","serverTime":1,"rateLimits":[],"exchangeFilters":[],"symbols":[{}]}}"#,
        symbols.join(",")
    )
}

struct Standin {
    cert: TestCertificate,
    rest: LoopbackServer,
    websocket: LoopbackServer,
    /// The last trade id sent, per symbol (ids continue across connections).
    last_id: Arc<[AtomicU64; FEEDS]>,
}

/// After a SUBSCRIBE, streams the subscribed symbol's trades (one every 20 ms, ids shared
/// by every connection of the symbol) until [`STREAM_LIFETIME`], then closes.
async fn standin() -> Standin {
    let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let cert = TestCertificate::generate().expect("a certificate");
    let mut routes = HashMap::new();
    routes.insert(
        "/api/v3/exchangeInfo".to_owned(),
        CannedResponse::ok(exchange_info()),
    );
    let rest = start_http_server(localhost, Some(cert.server_config()), routes)
        .await
        .expect("the REST side");
    let last_id: Arc<[AtomicU64; FEEDS]> = Arc::new(std::array::from_fn(|_| AtomicU64::new(0)));
    let ids = Arc::clone(&last_id);
    let websocket = start_ws_server(localhost, Some(cert.server_config()), move |mut socket, _| {
        let ids = Arc::clone(&ids);
        async move {
            let Some(Ok(Message::Text(text))) = socket.next().await else {
                return;
            };
            let lower = text.to_ascii_lowercase();
            let Some(index) = BASES
                .iter()
                .position(|base| lower.contains(&format!("{}usdt", base.to_ascii_lowercase())))
            else {
                return;
            };
            let symbol = format!("{}USDT", BASES[index]);
            if socket
                .send(Message::text(r#"{"result":null,"id":1}"#))
                .await
                .is_err()
            {
                return;
            }
            let until = tokio::time::Instant::now() + STREAM_LIFETIME;
            while tokio::time::Instant::now() < until {
                let id = ids[index].fetch_add(1, Ordering::SeqCst) + 1;
                let frame = format!(
                    r#"{{"e":"aggTrade","E":1700000000000,"s":"{symbol}","a":{id},"p":"3700.{id}","q":"0.5","f":{id},"l":{id},"T":1700000000000,"m":false}}"#
                );
                if socket.send(Message::text(frame)).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let _ = socket.close(None).await;
        }
    })
    .await
    .expect("the WebSocket side");
    Standin {
        cert,
        rest,
        websocket,
        last_id,
    }
}

fn config(dir: &std::path::Path, standin: &Standin, pool: &[String]) -> std::path::PathBuf {
    let urls = pool
        .iter()
        .map(|url| format!("\"{url}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut text = format!(
        "proxy:\n  enabled: true\n  default:\n    http: {{ urls: [{urls}], timeout_seconds: 3 }}\n    websocket: {{ urls: [{urls}], timeout_seconds: 3 }}\ntls:\n  ca_file: {}\nexchanges:\n",
        standin.cert.ca_file().display()
    );
    for (feed, base) in BASES.iter().enumerate() {
        let symbol = format!("{base}-USDT");
        text.push_str(&format!(
            "  feed{feed}:\n    exchange_id: binance\n    symbols: [{symbol}]\n    channels: [TRADES]\n    endpoints:\n      rest: \"https://localhost:{}\"\n      websocket: \"wss://localhost:{}/ws\"\n",
            standin.rest.port(),
            standin.websocket.port()
        ));
    }
    let path = dir.join("feed.yaml");
    std::fs::write(&path, text).expect("write the config");
    path
}

fn count(peers: &[IpAddr], address: Ipv4Addr) -> usize {
    peers
        .iter()
        .filter(|peer| **peer == IpAddr::V4(address))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pool_of_three_real_proxies_survives_losing_one() {
    let standin = standin().await;
    let dante = start_dante(DANTE_EGRESS).expect("start danted");
    let tinyproxy =
        start_tinyproxy(TinyproxyOptions::new().egress(TINYPROXY_EGRESS)).expect("tinyproxy");
    let mut microsocks = start_microsocks("pool", SECRET, MICROSOCKS_EGRESS).expect("microsocks");
    let pool = [
        dante.url("socks5h"),
        tinyproxy.url("http"),
        microsocks.url("socks5h"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), &standin, &pool);
    let run = tokio::spawn(feedhandler_async(
        vec![
            "run".into(),
            config.display().to_string(),
            "--duration".into(),
            "16".into(),
        ],
        vec![("RUST_LOG".into(), "info".into())],
    ));

    tokio::time::sleep(Duration::from_secs(3)).await;
    let before_stop = standin.websocket.peers().len();
    microsocks.stop().unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let before_restart = standin.websocket.peers().len();
    let ids_at_stop_end: [u64; FEEDS] =
        std::array::from_fn(|i| standin.last_id[i].load(Ordering::SeqCst));
    microsocks.restart().unwrap();
    let run = run.await.unwrap();

    assert_eq!(run.code, 0, "{}", run.stderr);
    let peers: Vec<IpAddr> = standin
        .websocket
        .peers()
        .iter()
        .map(|peer| peer.ip())
        .collect();
    let localhost = Ipv4Addr::LOCALHOST;
    // Before the stop: the streams spread over all three proxies.
    let first = &peers[..before_stop];
    for egress in [DANTE_EGRESS, TINYPROXY_EGRESS, MICROSOCKS_EGRESS] {
        assert!(
            count(first, egress) >= 1,
            "{egress} carried none: {first:?}"
        );
    }
    // While microsocks is down: reconnects go through the other two only.
    let stopped = &peers[before_stop..before_restart];
    assert!(
        stopped.len() >= FEEDS,
        "the streams reconnected: {stopped:?}"
    );
    assert_eq!(count(stopped, MICROSOCKS_EGRESS), 0, "{stopped:?}");
    // Restarted: it is probed and takes connections again.
    let after = &peers[before_restart..];
    assert!(count(after, MICROSOCKS_EGRESS) >= 1, "{after:?}");
    // Never direct, WebSocket or REST.
    assert_eq!(count(&peers, localhost), 0, "direct connections: {peers:?}");
    assert!(
        !standin.rest.peer_ips().contains(&IpAddr::V4(localhost)),
        "{:?}",
        standin.rest.peer_ips()
    );

    // Every feed's trades continued after the stop and the restart.
    let trades = trades(&run.stdout);
    for (feed, base) in BASES.iter().enumerate() {
        let symbol = format!("{base}-USDT");
        let ids: Vec<u64> = trades
            .iter()
            .filter(|trade| trade["symbol"] == symbol.as_str())
            .filter_map(|trade| trade["id"].as_str()?.parse().ok())
            .collect();
        assert!(!ids.is_empty(), "feed{feed}: no trades");
        assert!(
            ids.iter().any(|id| *id > ids_at_stop_end[feed]),
            "feed{feed}: no trade after the restart"
        );
        assert!(
            ids.windows(2).all(|pair| pair[0] < pair[1]),
            "feed{feed}: trades in order, none twice"
        );
    }
    // The pool is visible: members out and back in the log, a summary line per member.
    assert!(
        run.stderr.contains("proxy pool member out"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("proxy pool member back in"),
        "{}",
        run.stderr
    );
    let members: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.contains("summary: proxy_member exchange=binance"))
        .collect();
    assert_eq!(members.len(), 3, "{}", run.stderr);
    assert!(
        members.iter().all(|line| line.contains("state=up")),
        "{members:?}"
    );
    for text in [&run.stdout, &run.stderr] {
        assert!(!text.contains(SECRET), "a password was printed");
    }
}
