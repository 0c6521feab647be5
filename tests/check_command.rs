//! `feedhandler check`: the real binary on good and bad configs, with environment
//! overrides; exit codes and messages.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn check(config: &Path, env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_feedhandler"));
    command.arg("check").arg(config);
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("FEED_")) {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("run feedhandler");
    Run {
        code: status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

fn write_config(dir: &tempfile::TempDir, text: &str) -> PathBuf {
    let path = dir.path().join("feed.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

fn assert_no_panic(run: &Run) {
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(!run.stderr.contains("RUST_BACKTRACE"), "{}", run.stderr);
}

const GOOD: &str = r#"
proxy:
  enabled: true
  default:
    http: { url: "socks5://user:s3cr3t-pw@10.0.0.1:1080", timeout_seconds: 30 }
    websocket: { url: "socks5://user:s3cr3t-pw@10.0.0.1:1081" }
  exchanges:
    binance:
      http: { url: "http://binance-proxy:8080", timeout_seconds: 15 }
    coinbase:
      direct: true
exchanges:
  binance:
    exchange_class: CcxtFeed
    exchange_id: binance
    symbols: ["BTC-USDT"]
    channels: [TRADES]
  backpack:
    exchange_id: backpack
    symbols: ["BTC-USDC"]
    channels: [TRADES]
    endpoints:
      rest: "https://127.0.0.1:8443"
      websocket: "wss://127.0.0.1:8444"
  coinbase:
    symbols: ["BTC-USD"]
    channels: [TRADES]
"#;

fn route_line<'a>(stdout: &'a str, feed: &str, kind: &str) -> &'a str {
    stdout
        .lines()
        .find(|line| {
            let columns: Vec<&str> = line.split_whitespace().collect();
            columns.first() == Some(&feed) && columns.get(2) == Some(&kind)
        })
        .unwrap_or_else(|| panic!("no {feed} {kind} line in:\n{stdout}"))
}

#[test]
fn valid_config_prints_every_route_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let run = check(&write_config(&dir, GOOD), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(route_line(&run.stdout, "binance", "http")
        .ends_with("http://binance-proxy:8080 (timeout 15s)"));
    assert!(route_line(&run.stdout, "binance", "websocket")
        .ends_with("socks5://user:***@10.0.0.1:1081 (timeout 30s)"));
    assert!(route_line(&run.stdout, "backpack", "http")
        .ends_with("socks5://user:***@10.0.0.1:1080 (timeout 30s)"));
    assert!(
        route_line(&run.stdout, "coinbase", "http").ends_with("direct"),
        "an exchange opted out of the default"
    );
    assert!(route_line(&run.stdout, "coinbase", "websocket").ends_with("direct"));
    assert!(!run.stdout.contains("s3cr3t-pw") && !run.stderr.contains("s3cr3t-pw"));
    let limits = run
        .stdout
        .lines()
        .find(|line| line.starts_with("limits binance: "))
        .unwrap_or_else(|| panic!("a limits line for binance in:\n{}", run.stdout));
    for figure in [
        "1024 subscriptions/connection",
        "messages 5 per 1s per connection",
        "connections 300 per 5min per address",
        "REST weight 6000 per 1min per address",
        "24h forced disconnect",
    ] {
        assert!(limits.contains(figure), "{figure} in {limits}");
    }
    assert!(
        run.stdout.contains("limits backpack: no documented limits"),
        "{}",
        run.stdout
    );
}

#[test]
fn without_proxy_section_everything_is_direct() {
    let dir = tempfile::tempdir().unwrap();
    let config = "exchanges:\n  okx:\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n";
    let run = check(&write_config(&dir, config), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(route_line(&run.stdout, "okx", "http").ends_with("direct"));
    assert!(route_line(&run.stdout, "okx", "websocket").ends_with("direct"));
    assert!(run.stdout.contains("proxy: disabled"));
}

/// Channels a venue serves on different endpoints are one feed over a connection per
/// endpoint (they were refused while a feed was one connection).
#[test]
fn channels_of_both_binance_usd_m_stream_paths_are_one_feed() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        &dir,
        "exchanges:\n  perps:\n    exchange_id: binance_futures\n    symbols: [BTC-USDT-PERP]\n    channels: [TRADES, L2_BOOK, FUNDING]\n",
    );
    let run = check(&path, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_no_panic(&run);
    assert!(run.stdout.contains("perps"), "{}", run.stdout);
}

#[test]
fn the_metrics_section_is_shown_with_its_thresholds() {
    let dir = tempfile::tempdir().unwrap();
    let config = "metrics:\n  listen: \"127.0.0.1:9898\"\n  lag_warning_seconds: 2\nexchanges:\n  okx:\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n    stale_after_seconds: 300\n";
    let run = check(&write_config(&dir, config), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("metrics: serving /metrics and /health on 127.0.0.1:9898; stale after 60s (okx 300s), lag warning above 2s, a line per feed every 60s"),
        "{}",
        run.stdout
    );
    let without = "exchanges:\n  okx:\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n";
    let run = check(&write_config(&dir, without), &[]);
    assert!(
        run.stdout
            .contains("metrics: not served (set metrics.listen"),
        "{}",
        run.stdout
    );
}

#[test]
fn environment_overrides_and_adds_proxies() {
    let dir = tempfile::tempdir().unwrap();
    let run = check(
        &write_config(&dir, GOOD),
        &[
            (
                "FEED_PROXY__EXCHANGES__BINANCE__WEBSOCKET__URL",
                "socks5h://ops:env-pw@127.0.0.1:9050",
            ),
            ("FEED_PROXY__DEFAULT__HTTP__TIMEOUT_SECONDS", "7"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(route_line(&run.stdout, "binance", "websocket")
        .ends_with("socks5h://ops:***@127.0.0.1:9050 (timeout 30s)"));
    assert!(route_line(&run.stdout, "backpack", "http").ends_with("(timeout 7s)"));
    assert!(!run.stdout.contains("env-pw"));
}

#[test]
fn environment_alone_can_turn_a_proxy_on() {
    let dir = tempfile::tempdir().unwrap();
    let config = "exchanges:\n  binance:\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n";
    let run = check(
        &write_config(&dir, config),
        &[
            ("FEED_PROXY__ENABLED", "true"),
            (
                "FEED_PROXY__EXCHANGES__BINANCE__HTTP__URL",
                "http://127.0.0.1:3128",
            ),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        route_line(&run.stdout, "binance", "http").ends_with("http://127.0.0.1:3128 (timeout 30s)")
    );
    assert!(route_line(&run.stdout, "binance", "websocket").ends_with("direct"));
}

/// One invalid input: its name, the config text, environment variables, expected stderr.
type InvalidCase<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);

/// Each invalid input: exit 2, and every expected line on stderr.
#[test]
fn invalid_inputs_exit_2_with_every_problem_named() {
    let cases: &[InvalidCase<'_>] = &[
        ("missing file", "", &[], &["config file not found"]),
        ("malformed YAML", "proxy:\n  enabled: [true\n", &[], &["malformed YAML", "line"]),
        (
            "unknown key",
            "proxy:\n  enabled: true\n  default:\n    webscoket: { url: \"socks5://p:1\" }\n",
            &[],
            &["proxy.default.webscoket: unknown key 'webscoket' (did you mean 'websocket'?)", "line 4)"],
        ),
        (
            "bad scheme",
            "proxy:\n  enabled: true\n  default:\n    http: { url: \"ftp://p:21\" }\n",
            &[],
            &["proxy.default.http.url: unsupported proxy scheme 'ftp'"],
        ),
        (
            "missing host and port",
            "proxy:\n  enabled: true\n  default:\n    http: { url: \"socks5://:1080\" }\n    websocket: { url: \"socks5://p\" }\n",
            &[],
            &["proxy.default.http.url: the proxy URL has no host", "proxy.default.websocket.url: the proxy URL has no port"],
        ),
        (
            "timeout out of range",
            "proxy:\n  enabled: true\n  exchanges:\n    binance:\n      http: { url: \"http://p:1\", timeout_seconds: 301 }\n",
            &[],
            &["proxy.exchanges.binance.http.timeout_seconds: timeout_seconds must be between 1 and 300 (found 301)"],
        ),
        (
            "unknown channel",
            "exchanges:\n  binance:\n    symbols: [BTC-USDT]\n    channels: [TRADE]\n",
            &[],
            &["exchanges.binance.channels.0: unknown channel 'TRADE'"],
        ),
        (
            "proxies configured but not switched on",
            "proxy:\n  default:\n    websocket: { url: \"socks5://p:1080\" }\n",
            &[],
            &["proxy.enabled: proxy.enabled is not set, but proxy URLs are configured: set it to true to use them, or false to connect directly"],
        ),
        (
            "proxies from the environment but not switched on",
            "exchanges:\n  binance:\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n",
            &[("FEED_PROXY__DEFAULT__HTTP__URL", "socks5://user:env-s3cret@p:1080")],
            &["proxy.enabled is not set, but proxy URLs are configured"],
        ),
        (
            "book depth out of range",
            "exchanges:\n  binance:\n    symbols: [BTC-USDT]\n    channels: [TRADES, L2_BOOK]\n    book_depth: 0\n",
            &[],
            &["exchanges.binance.book_depth: book_depth must be a whole number from 1 to 1000", "line 5)"],
        ),
        (
            "book depth not a number",
            "exchanges:\n  binance:\n    symbols: [BTC-USDT]\n    channels: [L2_BOOK]\n    book_depth: ten\n",
            &[],
            &["exchanges.binance.book_depth: "],
        ),
        (
            "a channel the adapter lacks",
            "exchanges:\n  binance:\n    symbols: [BTC-USDT]\n    channels: [TRADES, FUNDING]\n",
            &[],
            &["exchanges.binance.channels.1: binance does not support channel FUNDING (supported: TRADES, L2_BOOK)"],
        ),
        (
            "symbols neither a list nor ALL",
            "exchanges:\n  binance:\n    symbols: everything\n    channels: [TRADES]\n",
            &[],
            &["exchanges.binance.symbols: expected a list of symbols, ALL, or a mapping such as {kind: perpetual, quote: USDT} (found the text 'everything')"],
        ),
        (
            "symbols ALL narrowed wrongly",
            "exchanges:\n  binance:\n    symbols: {kind: bond, qoute: USDT}\n    channels: [TRADES]\n",
            &[],
            &[
                "exchanges.binance.symbols.kind: unknown instrument kind 'bond' (known: spot, perpetual, future, option)",
                "exchanges.binance.symbols.qoute: unknown key 'qoute' (did you mean 'quote'?)",
            ],
        ),
        (
            "bybit spot and linear in one feed",
            "exchanges:\n  bybit:\n    symbols: [BTC-USDT, BTC-USDT-PERP]\n    channels: [TRADES]\n",
            &[],
            &["exchanges.bybit.symbols: bybit serves each category on its own connection: put spot (BTC-USDT) and linear (BTC-USDT-PERP) in separate feeds"],
        ),
        (
            "a candle interval the exchange lacks",
            "exchanges:\n  binance:\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n    candle_interval: 7m\n",
            &[],
            &["exchanges.binance.candle_interval: binance has no candle interval '7m' (documented: none: it has no CANDLES channel)"],
        ),
        (
            "metrics listen not an address",
            "metrics:\n  listen: \"localhost\"\n",
            &[],
            &["metrics.listen: 'localhost' is not an IP address and port, such as 127.0.0.1:9898", "line 2)"],
        ),
        (
            "metrics thresholds out of range",
            "metrics:\n  stale_after_seconds: 0\n  log_every_seconds: 7200\nexchanges:\n  binance:\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n    stale_after_seconds: -1\n",
            &[],
            &[
                "metrics.stale_after_seconds: stale_after_seconds must be a whole number from 1 to 86400 (found 0)",
                "metrics.log_every_seconds: log_every_seconds must be a whole number from 1 to 3600 (found 7200)",
                "exchanges.binance.stale_after_seconds: stale_after_seconds must be a whole number from 1 to 86400 (found -1)",
            ],
        ),
        (
            "metrics from the environment",
            "exchanges:\n  binance:\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n",
            &[("FEED_METRICS__LAG_WARNING_SECONDS", "0")],
            &["metrics.lag_warning_seconds: lag_warning_seconds must be a whole number from 1 to 86400 (found 0) (from environment variable FEED_METRICS__LAG_WARNING_SECONDS)"],
        ),
        (
            "bad value from the environment",
            "proxy:\n  enabled: true\n",
            &[("FEED_PROXY__EXCHANGES__BINANCE__WEBSOCKET__URL", "socks5://user:env-s3cret@p:notaport")],
            &["proxy.exchanges.binance.websocket.url: invalid proxy port (expected a number from 1 to 65535) (from environment variable FEED_PROXY__EXCHANGES__BINANCE__WEBSOCKET__URL)"],
        ),
    ];
    for (name, text, env, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = if *name == "missing file" {
            dir.path().join("absent.yaml")
        } else {
            write_config(&dir, text)
        };
        let run = check(&path, env);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert_no_panic(&run);
        assert!(run.stdout.is_empty(), "{name}: {}", run.stdout);
        for line in *expected {
            assert!(
                run.stderr.contains(line),
                "{name}: expected {line:?} in\n{}",
                run.stderr
            );
        }
        assert!(!run.stderr.contains("env-s3cret"), "{name}: {}", run.stderr);
    }
}

#[test]
fn all_problems_are_reported_together_one_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = r#"proxy:
  enabled: true
  default:
    http: { url: "socks9://u:pw-one@p:1" }
    websocket: { url: "socks5://p:1", timeout_seconds: 0 }
exchanges:
  binance:
    symbols: [BTCUSDT]
    channels: [TRADES, BOOKS]
    endpoints: { rest: "ftp://x", websocket: "ws://127.0.0.1:1" }
"#;
    let run = check(&write_config(&dir, config), &[]);
    assert_eq!(run.code, 2);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 5, "{}", run.stderr);
    for key in [
        "proxy.default.http.url:",
        "proxy.default.websocket.timeout_seconds:",
        "exchanges.binance.symbols.0:",
        "exchanges.binance.channels.1:",
        "exchanges.binance.endpoints.rest:",
    ] {
        assert!(
            errors.iter().any(|line| line.contains(key)),
            "{key} missing in {errors:#?}"
        );
    }
}

#[test]
fn ca_file_must_hold_a_certificate() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("roots.pem"), "not a certificate\n").unwrap();
    let config = "tls:\n  ca_file: roots.pem\nexchanges: {}\n";
    let run = check(&write_config(&dir, config), &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("tls.ca_file:"), "{}", run.stderr);

    let cert = feed_testkit::TestCertificate::generate().unwrap();
    std::fs::write(dir.path().join("roots.pem"), cert.ca_pem()).unwrap();
    let run = check(&write_config(&dir, config), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("tls: extra root CAs from"),
        "{}",
        run.stdout
    );
}

#[test]
fn bad_arguments_are_usage_errors() {
    let output = Command::new(env!("CARGO_BIN_EXE_feedhandler"))
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Usage"), "{stderr}");
}

const FEED: &str = "exchanges:\n  binance:\n    exchange_id: binance\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n";

/// Every sink is shown with its channels and policy; no password nor Kafka property value.
#[test]
fn sinks_are_shown_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        &dir,
        &format!(
            "{FEED}outputs:\n  stdout: {{}}\n  kafka:\n    bootstrap_servers: \"127.0.0.1:9092\"\n    properties:\n      sasl.password: hunter2\n  db:\n    type: postgres\n    url: \"postgresql://md:s3cret@127.0.0.1:5432/market\"\n  files:\n    type: parquet\n    directory: pq\n    channels: [TRADES]\n    overflow: drop\n"
        ),
    );
    let run = check(&config, &[("FEED_OUTPUTS__DB__TABLE_PREFIX", "md_")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for expected in [
        "output: stdout = JSON lines to stdout; every channel; overflow block",
        "output: kafka = kafka 127.0.0.1:9092 topic feedhandler.{channel} compression lz4 properties sasl.password (values not shown)",
        "output: db = postgres 127.0.0.1:5432/market tables md_trades",
        "(a file per channel, exchange and hour, zstd); TRADES; overflow drop",
    ] {
        assert!(run.stdout.contains(expected), "{expected}\n{}", run.stdout);
    }
    assert!(
        !run.stdout.contains("hunter2") && !run.stdout.contains("s3cret"),
        "{}",
        run.stdout
    );
}

/// Bad sink keys are named with their lines; none echoes a value.
#[test]
fn bad_sinks_are_each_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        &dir,
        &format!(
            "{FEED}outputs:\n  k:\n    type: kafka\n    bootstrap_servers: x\n    properties:\n      acks: \"1\"\n  f:\n    type: parquet\n    rotate: week\n  z:\n    tipe: file\n  pg:\n    type: postgres\n    url: \"postgresql://md:s3cret@[::1:5432/x\"\n"
        ),
    );
    let run = check(&config, &[]);
    assert_no_panic(&run);
    assert_eq!(run.code, 2, "{}", run.stderr);
    for expected in [
        "error: outputs.f.directory: this key is required",
        "error: outputs.f.rotate: expected one of minute, hour, day",
        "error: outputs.k.properties.acks: fixed by the sink",
        "error: outputs.z.type: required",
        "error: outputs.z.tipe: unknown key 'tipe' (did you mean 'type'?)",
        "error: outputs.pg.url: not a PostgreSQL connection string",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
    assert!(!run.stderr.contains("s3cret"), "{}", run.stderr);
}

#[test]
fn pools_are_shown_with_every_member_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let config = r#"
proxy:
  enabled: true
  default:
    websocket:
      urls: ["socks5h://user:p00l-pw@127.0.0.2:1080", "http://127.0.0.3:3128"]
      timeout_seconds: 10
  exchanges:
    binance:
      http: { urls: ["socks5://a:1", "socks5://b:2"] }
exchanges:
  binance:
    symbols: [BTC-USDT]
    channels: [TRADES]
"#;
    let run = check(
        &write_config(&dir, config),
        &[(
            "FEED_PROXY__EXCHANGES__BINANCE__HTTP__URLS",
            "socks5://ops:env-p00l@127.0.0.4:1080,http://127.0.0.5:3128",
        )],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        route_line(&run.stdout, "binance", "websocket").ends_with(
            "pool of 2: socks5h://user:***@127.0.0.2:1080 (timeout 10s), http://127.0.0.3:3128 (timeout 10s)"
        ),
        "{}",
        run.stdout
    );
    assert!(
        route_line(&run.stdout, "binance", "http").ends_with(
            "pool of 2: socks5://ops:***@127.0.0.4:1080 (timeout 30s), http://127.0.0.5:3128 (timeout 30s)"
        ),
        "{}",
        run.stdout
    );
    for secret in ["p00l-pw", "env-p00l"] {
        assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret));
    }

    let both = "proxy:\n  enabled: true\n  default:\n    http: { url: \"socks5://a:1\", urls: [\"socks5://b:2\"] }\n";
    let run = check(&write_config(&dir, both), &[]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains(
            "proxy.default.http.urls: give either `url` (one proxy) or `urls` (a pool), not both"
        ),
        "{}",
        run.stderr
    );
}
