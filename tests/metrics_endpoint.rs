//! `/metrics` and `/health` of `feedhandler run`, scraped over HTTP while the real binary
//! runs against loopback stand-ins (and a real SOCKS5 proxy with a password).

mod support;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use feed_testkit::proxies::{start_microsocks, MICROSOCKS_EGRESS};
use feed_testkit::{
    start_http_server, start_ws_server, CannedResponse, LoopbackServer, TestCertificate,
};
use futures_util::{SinkExt, StreamExt};
use support::{binance_config, binance_standin, BINANCE_EXCHANGE_INFO};
use tokio_tungstenite::tungstenite::Message;

/// A running `feedhandler run` and its stderr so far.
struct Running {
    child: Child,
    stderr: Arc<Mutex<String>>,
    metrics: SocketAddr,
}

/// Starts `feedhandler run CONFIG` and waits for the metrics address it logs.
fn start(config: &Path) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_feedhandler"))
        .args(["run", &config.display().to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start feedhandler");
    let stderr = Arc::new(Mutex::new(String::new()));
    let (lines, sink) = (child.stderr.take().unwrap(), Arc::clone(&stderr));
    std::thread::spawn(move || {
        for line in BufReader::new(lines).lines().map_while(Result::ok) {
            let mut text = sink.lock().unwrap();
            text.push_str(&line);
            text.push('\n');
        }
    });
    // Owned by `Running` from here on: a failed wait below kills it on the way out.
    let mut running = Running {
        child,
        stderr,
        metrics: SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = running.stderr();
        if let Some(rest) = text.split("metrics: http://").nth(1) {
            let address = rest.split('/').next().unwrap();
            running.metrics = address.parse().expect("a socket address");
            return running;
        }
        assert!(
            Instant::now() < deadline,
            "no metrics address logged:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A test that fails midway leaves no feedhandler running.
impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    /// SIGTERM, then everything it printed on stderr.
    fn stop(mut self) -> String {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
        let exit = self.child.wait().expect("feedhandler exits");
        std::thread::sleep(Duration::from_millis(100));
        let stderr = self.stderr.lock().unwrap().clone();
        assert_eq!(exit.code(), Some(0), "{stderr}");
        stderr
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

/// `GET path` over a fresh connection: (status, body).
fn get(address: SocketAddr, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).expect("connect to the metrics port");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("a response");
    let (head, body) = response.split_once("\r\n\r\n").expect("headers and body");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_owned())
}

/// The samples of a Prometheus text body, by series (`name{labels}`).
fn samples(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').unwrap();
            (series.to_owned(), value.parse().unwrap())
        })
        .collect()
}

/// Polls `path` until `done(status, body)` or 15 s pass; returns the last answer.
async fn poll_until(
    address: SocketAddr,
    path: &str,
    done: impl Fn(u16, &str) -> bool,
) -> (u16, String) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let path = path.to_owned();
        let answer = tokio::task::spawn_blocking(move || get(address, &path))
            .await
            .unwrap();
        if done(answer.0, &answer.1) || Instant::now() > deadline {
            return answer;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn with_metrics(config: &Path, metrics: &str) {
    let text = std::fs::read_to_string(config).unwrap();
    std::fs::write(config, format!("{text}metrics:\n{metrics}")).unwrap();
}

const FEED: &str = r#"feed="binance",exchange="binance""#;

/// Scraped mid-run, every counter matches what the stand-in sent, and the summary the run
/// prints at the end agrees with the scrape.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scrape_during_the_run_matches_the_run_s_counts() {
    let standin = binance_standin(25).await;
    let dir = tempfile::tempdir().unwrap();
    let config = binance_config(dir.path(), &standin, "");
    with_metrics(&config, "  listen: \"127.0.0.1:0\"\n");
    let running = start(&config);
    let trades = format!(r#"feedhandler_events_total{{{FEED},channel="trades"}}"#);
    let (status, body) = poll_until(running.metrics, "/metrics", |_, body| {
        samples(body).get(&trades) == Some(&25.0)
    })
    .await;
    assert_eq!(status, 200);
    let metrics = samples(&body);
    let value = |series: &str| {
        *metrics
            .get(series)
            .unwrap_or_else(|| panic!("no {series} in\n{body}"))
    };
    assert_eq!(value(&trades), 25.0, "{body}");
    // The subscription answer and 25 trades.
    assert_eq!(value(&format!("feedhandler_frames_total{{{FEED}}}")), 26.0);
    assert_eq!(
        value(&format!("feedhandler_connections_total{{{FEED}}}")),
        1.0
    );
    assert_eq!(
        value(&format!("feedhandler_reconnects_total{{{FEED}}}")),
        0.0
    );
    assert_eq!(
        value(&format!("feedhandler_parse_errors_total{{{FEED}}}")),
        0.0
    );
    assert_eq!(
        value(&format!(
            r#"feedhandler_subscriptions{{{FEED},state="active"}}"#
        )),
        1.0
    );
    assert_eq!(
        value(&format!(
            r#"feedhandler_subscriptions{{{FEED},state="pending"}}"#
        )),
        0.0
    );
    assert_eq!(
        value(&format!(
            "feedhandler_subscriptions_rejected_total{{{FEED}}}"
        )),
        0.0
    );
    assert_eq!(value(&format!("feedhandler_feed_live{{{FEED}}}")), 1.0);
    assert_eq!(
        value(&format!(
            r#"feedhandler_connection_up{{{FEED},connection="1",route="direct"}}"#
        )),
        1.0
    );
    // The stand-in's trades are stamped 2023-11-14: years of lag, all beyond 300 s.
    assert_eq!(
        value(&format!("feedhandler_lag_seconds_count{{{FEED}}}")),
        25.0
    );
    assert_eq!(
        value(&format!(
            r#"feedhandler_lag_seconds_bucket{{{FEED},le="300"}}"#
        )),
        0.0
    );
    assert_eq!(
        value(&format!(
            r#"feedhandler_lag_seconds_bucket{{{FEED},le="+Inf"}}"#
        )),
        25.0
    );
    assert!(value(&format!("feedhandler_lag_seconds_sum{{{FEED}}}")) > 25.0 * 86_400.0 * 365.0);
    let (status, health) = get(running.metrics, "/health");
    assert_eq!(status, 200, "{health}");
    let (status, _) = get(running.metrics, "/nothing");
    assert_eq!(status, 404);

    let stderr = running.stop();
    assert!(
        stderr.contains("summary: feed=binance exchange=binance trades=25 books=0 gaps=0 rejected=0 frames=26 reconnects=0"),
        "{stderr}"
    );
    assert!(stderr.contains("lag_median="), "{stderr}");
}

/// Sends an aggTrade every 50 ms while `speaking` is set, after acknowledging SUBSCRIBE.
async fn pausable_binance(
    speaking: Arc<AtomicBool>,
) -> (TestCertificate, LoopbackServer, LoopbackServer) {
    let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let cert = TestCertificate::generate().unwrap();
    let routes = HashMap::from([(
        "/api/v3/exchangeInfo".to_owned(),
        CannedResponse::ok(BINANCE_EXCHANGE_INFO),
    )]);
    let rest = start_http_server(localhost, Some(cert.server_config()), routes)
        .await
        .unwrap();
    let websocket = start_ws_server(localhost, Some(cert.server_config()), move |mut socket, _| {
        let speaking = Arc::clone(&speaking);
        async move {
            let mut subscribed = false;
            let mut id = 0_u64;
            let mut every = tokio::time::interval(Duration::from_millis(50));
            loop {
                tokio::select! {
                    message = socket.next() => match message {
                        Some(Ok(Message::Text(text))) if text.contains("SUBSCRIBE") => {
                            let request: serde_json::Value = serde_json::from_str(&text).unwrap();
                            let ack = format!(r#"{{"result":null,"id":{}}}"#, request["id"]);
                            if socket.send(Message::text(ack)).await.is_err() {
                                return;
                            }
                            subscribed = true;
                        }
                        Some(Ok(_)) => {}
                        _ => return,
                    },
                    _ = every.tick() => {
                        if subscribed && speaking.load(Ordering::SeqCst) {
                            id += 1;
                            let now = std::time::SystemTime::now()
                                .duration_since(std::time::UNIX_EPOCH)
                                .unwrap()
                                .as_millis();
                            let trade = format!(
                                r#"{{"e":"aggTrade","E":{now},"s":"BTCUSDT","a":{id},"p":"37000.1","q":"0.5","f":{id},"l":{id},"T":{now},"m":false}}"#
                            );
                            if socket.send(Message::text(trade)).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            }
        }
    })
    .await
    .unwrap();
    (cert, rest, websocket)
}

/// A stand-in that goes silent with its socket open turns `/health` to 503 naming the feed,
/// and back to 200 when it speaks again; the feed never reconnects meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_turns_503_while_the_exchange_is_silent_and_200_when_it_speaks_again() {
    let speaking = Arc::new(AtomicBool::new(true));
    let (cert, rest, websocket) = pausable_binance(Arc::clone(&speaking)).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("feed.yaml");
    std::fs::write(
        &config,
        format!(
            "tls:\n  ca_file: {}\nexchanges:\n  binance:\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n    endpoints:\n      rest: \"https://localhost:{}\"\n      websocket: \"wss://localhost:{}/ws\"\nmetrics:\n  listen: \"127.0.0.1:0\"\n  stale_after_seconds: 1\n  log_every_seconds: 1\n",
            cert.ca_file().display(),
            rest.port(),
            websocket.port()
        ),
    )
    .unwrap();
    let running = start(&config);
    let (status, body) = poll_until(running.metrics, "/health", |status, _| status == 200).await;
    assert_eq!(status, 200, "{body}\n{}", running.stderr());
    let health: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["feeds"][0]["live"], true);

    speaking.store(false, Ordering::SeqCst);
    let silent_since = Instant::now();
    let (status, body) = poll_until(running.metrics, "/health", |status, _| status == 503).await;
    assert_eq!(status, 503, "{body}");
    assert!(
        silent_since.elapsed() >= Duration::from_millis(900),
        "stale only after its threshold"
    );
    let health: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["status"], "stale");
    assert_eq!(health["stale"], serde_json::json!(["binance"]));
    assert_eq!(health["feeds"][0]["running"], true);
    assert!(
        health["feeds"][0]["seconds_since_last_frame"]
            .as_f64()
            .unwrap()
            >= 1.0
    );
    let (_, metrics) = get(running.metrics, "/metrics");
    assert_eq!(
        samples(&metrics)[&format!("feedhandler_feed_live{{{FEED}}}")],
        0.0
    );

    speaking.store(true, Ordering::SeqCst);
    let (status, body) = poll_until(running.metrics, "/health", |status, _| status == 200).await;
    assert_eq!(status, 200, "{body}");
    let (_, metrics) = get(running.metrics, "/metrics");
    let metrics = samples(&metrics);
    assert_eq!(
        metrics[&format!("feedhandler_reconnects_total{{{FEED}}}")],
        0.0
    );
    assert_eq!(
        metrics[&format!("feedhandler_connections_total{{{FEED}}}")],
        1.0
    );
    // Trades stamped now: the lag is small and measured.
    assert!(metrics[&format!(r#"feedhandler_lag_seconds_bucket{{{FEED},le="1"}}"#)] > 0.0);

    // One line per feed per interval (1 s here), with rates and lag.
    let report_lines = |stderr: &str| -> Vec<String> {
        stderr
            .lines()
            .filter(|line| line.contains("binance: ") && line.contains("events/s"))
            .map(str::to_owned)
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while report_lines(&running.stderr()).len() < 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stderr = running.stop();
    let lines = report_lines(&stderr);
    assert!(lines.len() >= 3, "{stderr}");
    assert!(
        lines.iter().any(|line| line.contains("lag median=")),
        "{stderr}"
    );
}

/// The route label shows the proxy (redacted); its password appears nowhere in `/metrics`
/// or `/health`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_proxy_password_in_metrics_or_health() {
    let password = "s3cret-Pa55word";
    let proxy =
        start_microsocks("feeduser", password, MICROSOCKS_EGRESS).expect("start microsocks");
    let standin = binance_standin(3).await;
    let dir = tempfile::tempdir().unwrap();
    let section = format!(
        "proxy:\n  enabled: true\n  default:\n    http: {{ url: \"{0}\" }}\n    websocket: {{ url: \"{0}\" }}\n",
        proxy.url("socks5h")
    );
    let config = binance_config(dir.path(), &standin, &section);
    with_metrics(&config, "  listen: \"127.0.0.1:0\"\n");
    let running = start(&config);
    let trades = format!(r#"feedhandler_events_total{{{FEED},channel="trades"}}"#);
    let (_, metrics) = poll_until(running.metrics, "/metrics", |_, body| {
        samples(body).get(&trades) == Some(&3.0)
    })
    .await;
    let (_, health) = get(running.metrics, "/health");
    assert_eq!(samples(&metrics).get(&trades), Some(&3.0), "{metrics}");
    let route = format!("route=\"socks5h://feeduser:***@{}\"", proxy.addr());
    assert!(metrics.contains(&route), "{route} in\n{metrics}");
    for body in [&metrics, &health] {
        assert!(!body.contains(password), "{body}");
    }
    assert_eq!(
        standin.websocket.peer_ips(),
        vec![IpAddr::V4(MICROSOCKS_EGRESS)],
        "through the proxy"
    );
    let stderr = running.stop();
    assert!(!stderr.contains(password));
}

/// A metrics port already taken stops the run before any feed connects, naming the key.
#[test]
fn a_busy_metrics_port_is_one_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("feed.yaml");
    std::fs::write(
        &config,
        format!("exchanges:\n  binance:\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n    endpoints:\n      rest: \"https://127.0.0.1:9\"\nmetrics:\n  listen: \"{address}\"\n"),
    )
    .unwrap();
    let run = support::feedhandler(&["run", &config.display().to_string()], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("error: metrics.listen {address}: ")),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("loading the market list"),
        "{}",
        run.stderr
    );
}
