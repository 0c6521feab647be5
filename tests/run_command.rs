//! `feedhandler run` end to end: the real binary, a loopback Binance stand-in, real proxies.

mod support;

use std::net::{IpAddr, Ipv4Addr};

use feed_testkit::proxies::{start_dante, DANTE_EGRESS};
use support::{binance_config, binance_standin, feedhandler_async, okx_standin, trades};

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

fn args(config: &std::path::Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["run".to_owned(), config.display().to_string()];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_proxy_carries_rest_and_websocket() {
    let dante = start_dante(DANTE_EGRESS).expect("start danted");
    let standin = binance_standin(5).await;
    let dir = tempfile::tempdir().unwrap();
    let proxy = format!("proxy:\n  enabled: true\n  default:\n    http: {{ url: \"{0}\" }}\n    websocket: {{ url: \"{0}\" }}\n", dante.url("socks5h"));
    let config = binance_config(dir.path(), &standin, &proxy);
    let run = feedhandler_async(args(&config, &["--max-trades", "3"]), vec![]).await;

    assert_eq!(run.code, 0, "{}", run.stderr);
    let trades = trades(&run.stdout);
    assert_eq!(trades.len(), 3, "exactly --max-trades lines");
    assert_eq!(trades[0]["exchange"], "BINANCE");
    assert_eq!(trades[0]["symbol"], "BTC-USDT");
    assert_eq!(trades[0]["price"], "37000.1");
    assert_eq!(trades[2]["id"], "3");
    assert!(
        run.stderr
            .contains("summary: feed=binance exchange=binance"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("route=socks5h://127.0.0.1:"),
        "{}",
        run.stderr
    );
    let egress = IpAddr::V4(DANTE_EGRESS);
    assert_eq!(
        standin.rest.peer_ips(),
        vec![egress],
        "REST through dante only"
    );
    assert_eq!(
        standin.websocket.peer_ips(),
        vec![egress],
        "WebSocket through dante only"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_proxy_section_connections_are_direct() {
    let standin = binance_standin(5).await;
    let dir = tempfile::tempdir().unwrap();
    let config = binance_config(dir.path(), &standin, "");
    let run = feedhandler_async(args(&config, &["--max-trades", "5"]), vec![]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(trades(&run.stdout).len(), 5);
    assert!(run.stderr.contains("route=direct"), "{}", run.stderr);
    assert_eq!(standin.rest.peer_ips(), vec![LOCALHOST]);
    assert_eq!(standin.websocket.peer_ips(), vec![LOCALHOST]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_from_environment_variables_only() {
    let dante = start_dante(DANTE_EGRESS).expect("start danted");
    let standin = binance_standin(5).await;
    let dir = tempfile::tempdir().unwrap();
    let config = binance_config(dir.path(), &standin, "");
    let url = dante.url("socks5");
    let env = vec![
        ("FEED_PROXY__ENABLED".to_owned(), "true".to_owned()),
        (
            "FEED_PROXY__EXCHANGES__BINANCE__HTTP__URL".to_owned(),
            url.clone(),
        ),
        (
            "FEED_PROXY__EXCHANGES__BINANCE__WEBSOCKET__URL".to_owned(),
            url,
        ),
    ];
    let run = feedhandler_async(args(&config, &["--max-trades", "2"]), env).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(trades(&run.stdout).len(), 2);
    let egress = IpAddr::V4(DANTE_EGRESS);
    assert_eq!(standin.rest.peer_ips(), vec![egress]);
    assert_eq!(standin.websocket.peer_ips(), vec![egress]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_proxy_fails_with_one_clear_line_and_no_connection() {
    let standin = binance_standin(5).await;
    let dir = tempfile::tempdir().unwrap();
    let dead_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let proxy = format!(
        "proxy:\n  enabled: true\n  exchanges:\n    binance:\n      http: {{ url: \"socks5://user:hunter2@127.0.0.1:{dead_port}\", timeout_seconds: 3 }}\n      websocket: {{ url: \"socks5://user:hunter2@127.0.0.1:{dead_port}\" }}\n"
    );
    let config = binance_config(dir.path(), &standin, &proxy);
    let run = feedhandler_async(args(&config, &["--max-trades", "2"]), vec![]).await;

    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "no trade printed: {}", run.stdout);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0].contains("feed binance could not start"),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].contains("binance http connection (via socks5://user:***@127.0.0.1:"),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].contains("cannot connect to the proxy"),
        "{}",
        errors[0]
    );
    assert!(!run.stderr.contains("hunter2"));
    assert_eq!(
        standin.rest.connection_count() + standin.websocket.connection_count(),
        0,
        "never direct"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duration_stops_the_run_and_output_file_appends() {
    let standin = binance_standin(3).await;
    let dir = tempfile::tempdir().unwrap();
    let config = binance_config(dir.path(), &standin, "output:\n  file: trades.jsonl\n");
    std::fs::write(dir.path().join("trades.jsonl"), "{\"existing\":true}\n").unwrap();
    let run = feedhandler_async(args(&config, &["--duration", "1.5"]), vec![]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let written = std::fs::read_to_string(dir.path().join("trades.jsonl")).unwrap();
    let (first, ours) = written.split_once('\n').unwrap();
    assert_eq!(first, r#"{"existing":true}"#, "appended, not truncated");
    let lines = trades(ours);
    assert_eq!(lines.len(), 3, "{written}");
    assert_eq!(lines[2]["id"], "3");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_exchanges_one_proxied_one_direct_in_one_run() {
    let dante = start_dante(DANTE_EGRESS).expect("start danted");
    let binance = binance_standin(3).await;
    let okx = okx_standin(3).await;
    let dir = tempfile::tempdir().unwrap();
    // Both stand-ins' CAs in one file.
    let roots = format!("{}{}", binance.cert.ca_pem(), okx.cert.ca_pem());
    std::fs::write(dir.path().join("roots.pem"), roots).unwrap();
    let config = format!(
        "proxy:\n  enabled: true\n  exchanges:\n    binance:\n      http: {{ url: \"{proxy}\" }}\n      websocket: {{ url: \"{proxy}\" }}\n\
         tls:\n  ca_file: roots.pem\n\
         exchanges:\n  binance:\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n    endpoints: {{ rest: \"{}\", websocket: \"{}\" }}\n\
         \x20 okx:\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n    endpoints: {{ rest: \"{}\", websocket: \"{}\" }}\n",
        binance.rest_base(),
        binance.websocket_url("/ws"),
        okx.rest_base(),
        okx.websocket_url("/ws/v5/public"),
        proxy = dante.url("socks5h"),
    );
    let path = dir.path().join("feed.yaml");
    std::fs::write(&path, config).unwrap();
    let run = feedhandler_async(args(&path, &["--max-trades", "6"]), vec![]).await;

    assert_eq!(run.code, 0, "{}", run.stderr);
    let trades = trades(&run.stdout);
    assert_eq!(trades.len(), 6);
    assert_eq!(
        trades.iter().filter(|t| t["exchange"] == "BINANCE").count(),
        3
    );
    assert_eq!(trades.iter().filter(|t| t["exchange"] == "OKX").count(), 3);
    let egress = IpAddr::V4(DANTE_EGRESS);
    assert_eq!(
        binance.rest.peer_ips(),
        vec![egress],
        "binance REST through dante"
    );
    assert_eq!(
        binance.websocket.peer_ips(),
        vec![egress],
        "binance WebSocket through dante"
    );
    assert_eq!(okx.rest.peer_ips(), vec![LOCALHOST], "okx REST direct");
    assert_eq!(
        okx.websocket.peer_ips(),
        vec![LOCALHOST],
        "okx WebSocket direct"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_cleanly_with_a_summary() {
    let standin = binance_standin(3).await;
    let dir = tempfile::tempdir().unwrap();
    let config = binance_config(dir.path(), &standin, "");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_feedhandler"))
        .args(["run", &config.display().to_string()])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start feedhandler");
    // Wait until the three trades have arrived at the exchange's side of things: the
    // stand-in saw the subscription.
    for _ in 0..200 {
        if !standin.received().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("ctrl-c: stopping feeds"), "{stderr}");
    assert!(
        stderr.contains("summary: feed=binance exchange=binance trades=3"),
        "{stderr}"
    );
    assert!(
        stderr.contains("summary: 3 trades written to stdout"),
        "{stderr}"
    );
    assert_eq!(trades(&String::from_utf8_lossy(&output.stdout)).len(), 3);
}

fn spawn_run(config: &std::path::Path) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_feedhandler"))
        .args(["run", &config.display().to_string()])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start feedhandler")
}

async fn signal_and_wait(child: std::process::Child, signal: &str) -> std::process::Output {
    let status = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    tokio::time::timeout(
        std::time::Duration::from_secs(10),
        tokio::task::spawn_blocking(move || child.wait_with_output()),
    )
    .await
    .expect("feedhandler stops within 10 s")
    .unwrap()
    .unwrap()
}

/// SIGTERM (what service managers send) stops as cleanly as ctrl-c: exit 0, a summary.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_cleanly_with_a_summary() {
    let standin = binance_standin(3).await;
    let dir = tempfile::tempdir().unwrap();
    let config = binance_config(dir.path(), &standin, "");
    let child = spawn_run(&config);
    for _ in 0..200 {
        if !standin.received().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let output = signal_and_wait(child, "-TERM").await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("SIGTERM: stopping feeds"), "{stderr}");
    assert!(
        stderr.contains("summary: 3 trades written to stdout"),
        "{stderr}"
    );
}

/// A stop while the feeds are still starting (here: a market list that never comes) is a
/// clean stop, exit 0, not "could not start".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_start_up_is_a_clean_stop() {
    let silent = feed_testkit::start_silent_listener().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "exchanges:\n  binance:\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n    endpoints:\n      rest: \"http://127.0.0.1:{}\"\n      websocket: \"ws://127.0.0.1:{}/ws\"\n",
        silent.port(),
        silent.port()
    );
    let config = dir.path().join("feed.yaml");
    std::fs::write(&config, text).unwrap();
    let child = spawn_run(&config);
    for _ in 0..200 {
        if silent.connection_count() > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let output = signal_and_wait(child, "-INT").await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("could not start"), "{stderr}");
    assert!(stderr.contains("ctrl-c: stopping feeds"), "{stderr}");
}

/// `symbols: ALL` subscribes every market of the list; narrowed, only those that match.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn symbols_all_subscribes_every_listed_market_and_a_filter_narrows_it() {
    for (symbols, expected, absent) in [
        ("ALL", vec!["btcusdt@aggTrade", "ethusdt@aggTrade"], vec![]),
        (
            "{kind: spot, base: eth, quote: USDT}",
            vec!["ethusdt@aggTrade"],
            vec!["btcusdt"],
        ),
    ] {
        let standin = binance_standin(2).await;
        let dir = tempfile::tempdir().unwrap();
        let config = binance_config(dir.path(), &standin, "");
        let text = std::fs::read_to_string(&config)
            .unwrap()
            .replace("symbols: [BTC-USDT]", &format!("symbols: {symbols}"));
        std::fs::write(&config, text).unwrap();
        // The stand-in's trades are BTCUSDT's: a duration, not a trade count, ends the run.
        let run = feedhandler_async(args(&config, &["--duration", "1"]), vec![]).await;
        assert_eq!(run.code, 0, "{symbols}: {}", run.stderr);
        let subscribe = standin.received().join("\n");
        for stream in expected {
            assert!(subscribe.contains(stream), "{symbols}: {subscribe}");
        }
        for stream in absent {
            assert!(!subscribe.contains(stream), "{symbols}: {subscribe}");
        }
    }
    // Narrowed to nothing: the start fails naming the filter.
    let standin = binance_standin(1).await;
    let dir = tempfile::tempdir().unwrap();
    let config = binance_config(dir.path(), &standin, "");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("symbols: [BTC-USDT]", "symbols: {kind: perpetual}");
    std::fs::write(&config, text).unwrap();
    let run = feedhandler_async(args(&config, &["--max-trades", "1"]), vec![]).await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("binance: no market of the 2 listed matches ALL {kind: perpetual}"),
        "{}",
        run.stderr
    );
}

/// `on_start_failure: continue`: a feed whose exchange is unreachable is reported and
/// retried while the other one runs; the summary names it and the exit code says not
/// everything ran.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_continue_a_feed_that_cannot_start_is_retried_while_the_others_run() {
    let standin = binance_standin(3).await;
    let dir = tempfile::tempdir().unwrap();
    let config = binance_config(dir.path(), &standin, "on_start_failure: continue\n");
    let dead = support::kafka::free_port();
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!(
        "  okx:\n    exchange_id: okx\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n    endpoints:\n      rest: \"https://localhost:{dead}\"\n      websocket: \"wss://localhost:{dead}/ws\"\n"
    ));
    std::fs::write(&config, text).unwrap();
    let run = feedhandler_async(args(&config, &["--duration", "4"]), vec![]).await;
    assert_eq!(trades(&run.stdout).len(), 3, "binance ran: {}", run.stderr);
    // Tried again with backoff meanwhile: each failed start counts as a reconnect.
    let okx_summary = run
        .stderr
        .lines()
        .find(|line| line.starts_with("summary: feed=okx"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    let attempts: u64 = okx_summary
        .split_whitespace()
        .find_map(|field| field.strip_prefix("reconnects="))
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(attempts >= 2, "{okx_summary}");
    assert_eq!(run.code, 1, "okx never started: {}", run.stderr);
    assert!(
        run.stderr
            .contains("feed could not start; retried while the others run"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("error: feed okx stopped"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("summary: 3 trades written to stdout"),
        "{}",
        run.stderr
    );
}
