//! No proxy password ever leaves the config: the real binary runs (`run` at
//! `RUST_LOG=trace`, and `check`) with a distinctive password in every proxy URL, through
//! every failure — proxy down, wrong password (microsocks), 401 (tinyproxy), a stalling
//! proxy, a TLS failure, a region block (HTTP 451), pools with members down — and through
//! a successful run writing `output.file`, with the password in the file and in `FEED_`
//! variables (and in the `HTTP_PROXY`/`ALL_PROXY` variables it ignores). The password,
//! percent-encoded or not, and the Basic credentials built from it, appear in none of
//! stdout, stderr, or any file the program writes.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use feed_testkit::proxies::{
    start_microsocks, start_tinyproxy, TinyproxyOptions, MICROSOCKS_EGRESS,
};
use feed_testkit::{start_silent_listener, CannedResponse, ExchangeScript, ScriptedExchange};
use support::binance_standin;

/// The password every proxy URL carries (characters every proxy here accepts).
const PASSWORD: &str = "S3cr3t-Pa55w0rd.x7q";
/// The user of those URLs.
const USER: &str = "alice";

/// Every form the password could leak in: as is, and inside `Basic base64(user:password)`.
fn secret_forms() -> Vec<String> {
    use base64::Engine as _;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"));
    vec![PASSWORD.to_owned(), basic]
}

/// What one run of the binary printed and wrote.
struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
    /// Every file in the run's folder except the config, with its text.
    files: Vec<(PathBuf, String)>,
}

impl Outcome {
    fn assert_no_secret(&self, case: &str) {
        for secret in secret_forms() {
            assert!(
                !self.stdout.contains(&secret),
                "{case}: stdout shows the password:\n{}",
                self.stdout
            );
            assert!(
                !self.stderr.contains(&secret),
                "{case}: stderr shows the password:\n{}",
                self.stderr
            );
            for (path, text) in &self.files {
                assert!(
                    !text.contains(&secret),
                    "{case}: {} holds the password",
                    path.display()
                );
            }
        }
    }
}

/// Runs the binary in `dir` (its working directory) with exactly these `FEED_` and proxy
/// variables, at trace level.
async fn feedhandler(dir: &Path, args: Vec<String>, env: Vec<(String, String)>) -> Outcome {
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_feedhandler"));
        command
            .args(&args)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .env("RUST_LOG", "trace");
        for (name, _) in std::env::vars() {
            if name.starts_with("FEED_") || name.to_ascii_uppercase().ends_with("_PROXY") {
                command.env_remove(name);
            }
        }
        command.envs(env);
        let output = command.output().expect("run feedhandler");
        let mut files = Vec::new();
        collect_files(&dir, &mut files);
        Outcome {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            files,
        }
    })
    .await
    .expect("the binary's thread")
}

fn collect_files(dir: &Path, files: &mut Vec<(PathBuf, String)>) {
    for entry in std::fs::read_dir(dir).expect("read the run's folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            collect_files(&path, files);
        } else if path.file_name().is_some_and(|name| name != "config.yaml") {
            let bytes = std::fs::read(&path).expect("read a written file");
            files.push((path, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
}

/// A config running one binance feed against `standin` with `proxy` (YAML, may be empty)
/// and an output file; the stand-in's CA is trusted unless `trust` is false.
fn write_config(dir: &Path, standin: &ScriptedExchange, proxy: &str, trust: bool) -> PathBuf {
    let tls = if trust {
        format!("tls:\n  ca_file: {}\n", standin.cert.ca_file().display())
    } else {
        String::new()
    };
    let text = format!(
        "{proxy}\n{tls}exchanges:\n  binance:\n    exchange_id: binance\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n    endpoints:\n      rest: \"{}\"\n      websocket: \"{}\"\noutput:\n  file: trades.jsonl\n",
        standin.rest_base(),
        standin.websocket_url("/ws"),
    );
    let path = dir.join("config.yaml");
    std::fs::write(&path, text).expect("write the config");
    path
}

/// A `proxy:` section sending both of binance's connections through `url`.
fn proxy_section(url: &str, timeout_seconds: u64) -> String {
    format!(
        "proxy:\n  enabled: true\n  exchanges:\n    binance:\n      http: {{ url: \"{url}\", timeout_seconds: {timeout_seconds} }}\n      websocket: {{ url: \"{url}\", timeout_seconds: {timeout_seconds} }}\n"
    )
}

/// A `proxy:` section sending both of binance's connections through a pool of `urls`.
fn pool_section(urls: &[String], timeout_seconds: u64) -> String {
    let urls = urls
        .iter()
        .map(|url| format!("\"{url}\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "proxy:\n  enabled: true\n  exchanges:\n    binance:\n      http: {{ urls: [{urls}], timeout_seconds: {timeout_seconds} }}\n      websocket: {{ urls: [{urls}], timeout_seconds: {timeout_seconds} }}\n"
    )
}

/// One failure (or success) to go through.
struct Case {
    name: &'static str,
    proxy: String,
    env: Vec<(String, String)>,
    trust: bool,
    region_blocked: bool,
    code: i32,
    says: &'static str,
}

async fn region_blocked_standin() -> ScriptedExchange {
    ScriptedExchange::start(ExchangeScript {
        markets_path: "/api/v3/exchangeInfo".into(),
        markets: CannedResponse {
            status: 451,
            body: r#"{"code":0,"msg":"Service unavailable from a restricted location"}"#.into(),
        },
        on_connect: vec![],
        on_message: std::sync::Arc::new(|_: &str| vec![]),
    })
    .await
    .expect("start the blocked stand-in")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_password_in_any_output_through_every_failure() {
    let good = start_microsocks(USER, PASSWORD, MICROSOCKS_EGRESS).expect("start microsocks");
    let other =
        start_microsocks(USER, "the-right-one", MICROSOCKS_EGRESS).expect("start microsocks");
    let tinyproxy = start_tinyproxy(TinyproxyOptions::new().basic_auth(USER, "the-right-one"))
        .expect("start tinyproxy");
    let silent = start_silent_listener().await.unwrap();
    let dead_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = |scheme: &str, port: u16| format!("{scheme}://{USER}:{PASSWORD}@127.0.0.1:{port}");
    let environment = |url: &str| {
        vec![
            ("FEED_PROXY__ENABLED".to_owned(), "true".to_owned()),
            ("FEED_PROXY__DEFAULT__HTTP__URL".to_owned(), url.to_owned()),
            (
                "FEED_PROXY__DEFAULT__WEBSOCKET__URL".to_owned(),
                url.to_owned(),
            ),
            ("HTTP_PROXY".to_owned(), url.to_owned()),
            ("ALL_PROXY".to_owned(), url.to_owned()),
        ]
    };
    let case = |name, proxy: String, code, says| Case {
        name,
        proxy,
        env: vec![],
        trust: true,
        region_blocked: false,
        code,
        says,
    };
    let cases = vec![
        case(
            "proxy down",
            proxy_section(&url("socks5", dead_port), 3),
            1,
            "cannot connect to the proxy",
        ),
        case(
            "wrong password (microsocks)",
            proxy_section(&url("socks5h", other.port()), 5),
            1,
            "proxy authentication failed",
        ),
        case(
            "401 (tinyproxy)",
            proxy_section(&url("http", tinyproxy.port()), 5),
            1,
            "proxy authentication failed",
        ),
        case(
            "stalling proxy",
            proxy_section(&url("socks5h", silent.port()), 1),
            1,
            "timed out after 1s",
        ),
        Case {
            trust: false,
            ..case(
                "TLS failure",
                proxy_section(&url("socks5h", good.port()), 5),
                1,
                "certificate",
            )
        },
        Case {
            region_blocked: true,
            ..case(
                "region block (451)",
                proxy_section(&url("socks5h", good.port()), 5),
                1,
                "HTTP 451",
            )
        },
        case(
            "success",
            proxy_section(&url("socks5h", good.port()), 5),
            0,
            "summary: feed=binance",
        ),
        Case {
            env: environment(&url("socks5h", good.port())),
            ..case(
                "success, password from FEED_ variables",
                String::new(),
                0,
                "summary: feed=binance",
            )
        },
        case(
            "pool, every member down or refusing",
            pool_section(&[url("socks5", dead_port), url("socks5h", other.port())], 3),
            1,
            "every member of the proxy pool is out",
        ),
        case(
            "pool, one member down",
            pool_section(&[url("socks5", dead_port), url("socks5h", good.port())], 3),
            0,
            "summary: proxy_member exchange=binance",
        ),
        Case {
            env: vec![
                ("FEED_PROXY__ENABLED".to_owned(), "true".to_owned()),
                (
                    "FEED_PROXY__DEFAULT__HTTP__URLS".to_owned(),
                    format!(
                        "{},{}",
                        url("socks5", dead_port),
                        url("socks5h", good.port())
                    ),
                ),
                (
                    "FEED_PROXY__DEFAULT__WEBSOCKET__URLS".to_owned(),
                    format!(
                        "{},{}",
                        url("socks5", dead_port),
                        url("socks5h", good.port())
                    ),
                ),
            ],
            ..case(
                "pool from FEED_ variables, one member down",
                String::new(),
                0,
                "summary: proxy_member exchange=binance",
            )
        },
        Case {
            env: environment(&url("socks5", dead_port)),
            ..case(
                "proxy down, password from FEED_ variables",
                String::new(),
                1,
                "cannot connect to the proxy",
            )
        },
    ];

    for case in cases {
        let standin = if case.region_blocked {
            region_blocked_standin().await
        } else {
            binance_standin(3).await
        };
        let dir = tempfile::tempdir().unwrap();
        let config = write_config(dir.path(), &standin, &case.proxy, case.trust);
        let config_arg = config.display().to_string();
        let run = feedhandler(
            dir.path(),
            vec![
                "run".into(),
                config_arg.clone(),
                "--max-trades".into(),
                "3".into(),
                "--duration".into(),
                "20".into(),
            ],
            case.env.clone(),
        )
        .await;
        eprintln!(
            "{}: exit {}; {}",
            case.name,
            run.code,
            run.stderr
                .lines()
                .filter(|line| line.starts_with("error") || line.starts_with("summary"))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        assert_eq!(run.code, case.code, "{}: {}", case.name, run.stderr);
        assert!(
            run.stderr.contains(case.says),
            "{}: stderr does not say '{}':\n{}",
            case.name,
            case.says,
            run.stderr
        );
        assert!(
            run.stderr.contains("TRACE") || run.stderr.contains("DEBUG"),
            "{}: logs at trace level",
            case.name
        );
        run.assert_no_secret(case.name);
        if case.code == 0 {
            let (_, written) = run
                .files
                .iter()
                .find(|(path, _)| path.ends_with("trades.jsonl"))
                .expect("the output file");
            assert_eq!(written.lines().count(), 3, "{}: {written}", case.name);
        }

        let check = feedhandler(dir.path(), vec!["check".into(), config_arg], case.env).await;
        assert_eq!(check.code, 0, "{}: check: {}", case.name, check.stderr);
        assert!(
            check.stdout.contains(&format!("{USER}:***@127.0.0.1:")),
            "{}: check shows the route redacted:\n{}",
            case.name,
            check.stdout
        );
        check.assert_no_secret(&format!("{} (check)", case.name));
    }
    drop((good, other, tinyproxy, silent));
}
