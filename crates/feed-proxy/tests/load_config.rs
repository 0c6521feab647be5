//! Loading the `proxy:` section from YAML text and environment variables.

use std::path::Path;

use feed_proxy::{ConfigSources, ConnectionKind, Origin, ProxyScheme, ProxySettings};

const DESIGN_YAML: &str = r#"proxy:
  enabled: true
  default:
    http:
      url: "socks5://proxy:1080"
      timeout_seconds: 30
    websocket:
      url: "socks5://proxy:1081"
  exchanges:
    binance:
      http: { url: "http://binance-proxy:8080", timeout_seconds: 15 }
    backpack:
      http:
        url: "socks5://backpack-proxy:1080"
"#;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn load(yaml: &str, vars: &[(&str, &str)]) -> Result<ProxySettings, Vec<String>> {
    let sources = ConfigSources::from_parts(Some(Path::new("config.yaml")), yaml, env(vars))
        .map_err(|problem| vec![problem.to_string()])?;
    ProxySettings::from_sources(&sources)
        .map_err(|problems| problems.0.iter().map(ToString::to_string).collect())
}

fn route(settings: &ProxySettings, exchange: &str, kind: ConnectionKind) -> String {
    settings
        .get_pool(exchange, kind)
        .map_or_else(|| "direct".to_owned(), ToString::to_string)
}

#[test]
fn the_design_schema_loads_and_resolves() {
    let settings = load(DESIGN_YAML, &[]).unwrap();
    assert!(settings.is_enabled());
    assert_eq!(
        route(&settings, "binance", ConnectionKind::Http),
        "http://binance-proxy:8080 (timeout 15s)"
    );
    assert_eq!(
        route(&settings, "BINANCE", ConnectionKind::Websocket),
        "socks5://proxy:1081 (timeout 30s)"
    );
    assert_eq!(
        route(&settings, "backpack", ConnectionKind::Http),
        "socks5://backpack-proxy:1080 (timeout 30s)"
    );
    assert_eq!(
        route(&settings, "kraken", ConnectionKind::Http),
        "socks5://proxy:1080 (timeout 30s)"
    );
}

#[test]
fn no_proxy_section_means_disabled() {
    let settings = load("exchanges: {}\n", &[]).unwrap();
    assert!(!settings.is_enabled());
    assert_eq!(route(&settings, "binance", ConnectionKind::Http), "direct");
    let empty = load("", &[]).unwrap();
    assert_eq!(empty, ProxySettings::disabled());
}

#[test]
fn environment_adds_and_overrides_proxies() {
    let settings = load(
        DESIGN_YAML,
        &[
            ("FEED_PROXY__DEFAULT__HTTP__URL", "socks5h://10.0.0.1:1080"),
            (
                "FEED_PROXY__EXCHANGES__KRAKEN__WEBSOCKET__URL",
                "http://u:p@10.0.0.2:3128",
            ),
            ("FEED_PROXY__EXCHANGES__BINANCE__HTTP__TIMEOUT_SECONDS", "5"),
            ("UNRELATED", "ignored"),
        ],
    )
    .unwrap();
    let kraken_ws = settings
        .get_pool("kraken", ConnectionKind::Websocket)
        .unwrap()
        .first();
    assert_eq!(kraken_ws.url().scheme(), ProxyScheme::Http);
    assert_eq!(
        kraken_ws.url().credentials().unwrap().password().expose(),
        "p"
    );
    assert_eq!(
        route(&settings, "coinbase", ConnectionKind::Http),
        "socks5h://10.0.0.1:1080 (timeout 30s)"
    );
    assert_eq!(
        route(&settings, "binance", ConnectionKind::Http),
        "http://binance-proxy:8080 (timeout 5s)"
    );
}

#[test]
fn environment_alone_can_enable_a_proxy() {
    let settings = load(
        "",
        &[
            ("FEED_PROXY__ENABLED", "true"),
            (
                "FEED_PROXY__EXCHANGES__BINANCE__HTTP__URL",
                "socks5://127.0.0.1:9050",
            ),
        ],
    )
    .unwrap();
    assert_eq!(
        route(&settings, "binance", ConnectionKind::Http),
        "socks5://127.0.0.1:9050 (timeout 30s)"
    );
}

#[test]
fn environment_upper_case_exchange_merges_with_file_entry() {
    let yaml = "proxy:\n  enabled: true\n  exchanges:\n    BINANCE:\n      http: { url: \"http://a:1\" }\n";
    let settings = load(
        yaml,
        &[(
            "FEED_PROXY__EXCHANGES__BINANCE__WEBSOCKET__URL",
            "socks5://b:2",
        )],
    )
    .unwrap();
    let own = settings.exchange_proxies("Binance").unwrap();
    assert!(own.http.is_some() && own.websocket.is_some());
}

#[test]
fn a_typo_in_a_key_is_an_error_with_a_hint() {
    let yaml = "proxy:\n  enabled: true\n  default:\n    webscoket: { url: \"socks5://p:1\" }\n";
    let problems = load(yaml, &[]).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with(
            "proxy.default.webscoket: unknown key 'webscoket' (did you mean 'websocket'?)"
        ),
        "{problems:?}"
    );
    assert!(
        problems[0].ends_with("(from config.yaml line 4)"),
        "{problems:?}"
    );
}

#[test]
fn every_problem_is_reported_with_its_key_and_line() {
    let yaml = r#"proxy:
  enabled: true
  default:
    http: { url: "ftp://proxy:21" }
    websocket: { url: "socks5://proxy" , timeout_seconds: 0 }
  exchanges:
    binance:
      http: { url: "socks5://:1080", timeout_seconds: 301 }
      websocket: { timeout_seconds: 10 }
    okx:
      http: { url: "http://proxy:8080", timeout_seconds: "soon" }
"#;
    let problems = load(yaml, &[]).unwrap_err();
    let expected = [
        "proxy.default.http.url: unsupported proxy scheme 'ftp'",
        "proxy.default.websocket.url: the proxy URL has no port",
        "proxy.default.websocket.timeout_seconds: timeout_seconds must be between 1 and 300 (found 0)",
        "proxy.exchanges.binance.http.url: the proxy URL has no host",
        "proxy.exchanges.binance.http.timeout_seconds: timeout_seconds must be between 1 and 300 (found 301)",
        "proxy.exchanges.binance.websocket.url: this key is required",
        "proxy.exchanges.okx.http.timeout_seconds: expected i64, found a string",
    ];
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
    for start in expected {
        assert!(
            problems.iter().any(|p| p.starts_with(start)),
            "missing {start:?} in {problems:#?}"
        );
    }
    let binance_host = problems.iter().find(|p| p.contains("has no host")).unwrap();
    assert!(
        binance_host.ends_with("(from config.yaml line 8)"),
        "{binance_host}"
    );
}

#[test]
fn a_bad_environment_value_names_the_variable() {
    let problems = load(
        DESIGN_YAML,
        &[
            ("FEED_PROXY__ENABLED", "maybe"),
            (
                "FEED_PROXY__EXCHANGES__BINANCE__WEBSOCKET__URL",
                "socks5://proxy:notaport",
            ),
            ("FEED_PROXY__DEFAULT__WEBSCOKET__URL", "socks5://p:1"),
        ],
    )
    .unwrap_err();
    assert_eq!(problems.len(), 3, "{problems:#?}");
    let expect = [
        (
            "proxy.enabled:",
            "(from environment variable FEED_PROXY__ENABLED)",
        ),
        (
            "proxy.exchanges.binance.websocket.url: invalid proxy port (expected a number from 1 to 65535)",
            "(from environment variable FEED_PROXY__EXCHANGES__BINANCE__WEBSOCKET__URL)",
        ),
        (
            "proxy.default.webscoket: unknown key",
            "(from environment variable FEED_PROXY__DEFAULT__WEBSCOKET__URL)",
        ),
    ];
    for (start, end) in expect {
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with(start) && p.ends_with(end)),
            "missing {start:?}..{end:?} in {problems:#?}"
        );
    }
}

#[test]
fn malformed_yaml_names_the_line() {
    let problems = load("proxy:\n  enabled: true\n  default: [oops\n", &[]).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert!(problems[0].starts_with("malformed YAML"), "{problems:?}");
    assert!(problems[0].contains("config.yaml line"), "{problems:?}");
}

#[test]
fn a_section_of_the_wrong_shape_is_an_error() {
    let problems = load(
        "proxy:\n  enabled: true\n  default: \"socks5://u:hunter2@p:1\"\n",
        &[],
    )
    .unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("proxy.default: expected a mapping, found a string"));
}

#[test]
fn no_problem_message_contains_a_password() {
    let yaml = r#"proxy:
  enabled: true
  default: "socks5://u:hunter2@p:1"
  exchanges:
    a: { http: { url: "socks9://u:hunter2@p:1" } }
    b: { http: { url: "socks5://u:hunter2@p:x" } }
    c: { http: "http://u:hunter2@p:1" }
    d: { http: { url: "http://u:hunter2@p:1/x", timeout_seconds: "hunter2" } }
"#;
    let problems = load(
        yaml,
        &[("FEED_PROXY__DEFAULT__HTTP", "socks5://u:hunter2@p")],
    )
    .unwrap_err();
    assert!(problems.len() >= 5, "{problems:#?}");
    for problem in problems {
        assert!(!problem.contains("hunter2"), "{problem}");
    }
}

#[test]
fn origin_points_at_environment_or_file() {
    let sources = ConfigSources::from_parts(
        Some(Path::new("c.yaml")),
        DESIGN_YAML,
        env(&[("FEED_PROXY__ENABLED", "false")]),
    )
    .unwrap();
    assert_eq!(
        sources.origin("proxy.enabled"),
        Origin::Environment("FEED_PROXY__ENABLED".into())
    );
    assert_eq!(
        sources.origin("proxy.exchanges.binance.http.url"),
        Origin::File {
            path: "c.yaml".into(),
            line: Some(11)
        }
    );
    assert!(!ProxySettings::from_sources(&sources).unwrap().is_enabled());
}

#[test]
fn a_missing_file_is_one_clear_problem() {
    let problems = ProxySettings::load(Path::new("/nonexistent/feed.yaml")).unwrap_err();
    assert_eq!(problems.0.len(), 1);
    assert_eq!(
        problems.to_string(),
        "config file not found (from /nonexistent/feed.yaml)"
    );
}

#[test]
fn an_exchange_can_opt_out_of_the_default_with_direct() {
    let yaml = format!("{DESIGN_YAML}    coinbase:\n      direct: true\n");
    let settings = load(&yaml, &[]).unwrap();
    assert_eq!(route(&settings, "coinbase", ConnectionKind::Http), "direct");
    assert_eq!(
        route(&settings, "coinbase", ConnectionKind::Websocket),
        "direct"
    );
    assert_eq!(
        route(&settings, "kraken", ConnectionKind::Http),
        "socks5://proxy:1080 (timeout 30s)"
    );
    let from_env = load(
        DESIGN_YAML,
        &[("FEED_PROXY__EXCHANGES__KRAKEN__DIRECT", "true")],
    )
    .unwrap();
    assert_eq!(
        route(&from_env, "kraken", ConnectionKind::Websocket),
        "direct"
    );
    let problems = load(
        "proxy:\n  enabled: true\n  default:\n    direct: true\n",
        &[],
    )
    .unwrap_err();
    assert!(
        problems[0].starts_with("proxy.default.direct: unknown key 'direct'"),
        "{problems:?}"
    );
}

/// Proxies written down but never switched on must not silently mean direct: without
/// `enabled` the section is an error naming the key, from the file or the environment.
#[test]
fn proxy_urls_without_enabled_are_an_error_naming_the_key() {
    let expected = "proxy.enabled: proxy.enabled is not set, but proxy URLs are configured: set it to true to use them, or false to connect directly";
    let problems = load(
        "proxy:\n  default:\n    http: { url: \"socks5://p:1080\" }\n",
        &[],
    )
    .unwrap_err();
    assert!(
        problems.iter().any(|problem| problem.starts_with(expected)),
        "{problems:?}"
    );
    let problems = load(
        "",
        &[(
            "FEED_PROXY__EXCHANGES__BINANCE__WEBSOCKET__URL",
            "socks5h://p:1080",
        )],
    )
    .unwrap_err();
    assert!(
        problems.iter().any(|problem| problem.starts_with(expected)),
        "{problems:?}"
    );
    // Switched off on purpose stays valid; switched on works; no URLs needs no switch.
    let off = load(
        "proxy:\n  enabled: false\n  default:\n    http: { url: \"socks5://p:1080\" }\n",
        &[],
    )
    .unwrap();
    assert!(!off.is_enabled() && off.has_proxy_urls());
    let on = load(
        "",
        &[
            ("FEED_PROXY__ENABLED", "true"),
            ("FEED_PROXY__DEFAULT__HTTP__URL", "socks5://p:1080"),
        ],
    )
    .unwrap();
    assert!(on.is_enabled());
    assert!(load(
        "proxy:\n  exchanges:\n    coinbase: { direct: true }\n",
        &[]
    )
    .is_ok());
}

const POOL_YAML: &str = r#"proxy:
  enabled: true
  default:
    websocket: { urls: ["socks5h://u:pw@10.0.0.1:1080", "http://10.0.0.3:3128"], timeout_seconds: 10 }
    http:
      urls:
        - socks5://10.0.0.4:1080
  exchanges:
    binance:
      http: { urls: ["http://a:1", "http://b:2"] }
"#;

fn members(settings: &ProxySettings, exchange: &str, kind: ConnectionKind) -> Vec<String> {
    settings
        .get_pool(exchange, kind)
        .map(|pool| pool.members().iter().map(ToString::to_string).collect())
        .unwrap_or_default()
}

#[test]
fn a_pool_loads_wherever_a_proxy_can() {
    let settings = load(POOL_YAML, &[]).unwrap();
    assert_eq!(
        members(&settings, "kraken", ConnectionKind::Websocket),
        [
            "socks5h://u:***@10.0.0.1:1080 (timeout 10s)",
            "http://10.0.0.3:3128 (timeout 10s)"
        ]
    );
    assert_eq!(
        members(&settings, "kraken", ConnectionKind::Http),
        ["socks5://10.0.0.4:1080 (timeout 30s)"]
    );
    assert_eq!(
        members(&settings, "binance", ConnectionKind::Http),
        ["http://a:1 (timeout 30s)", "http://b:2 (timeout 30s)"]
    );
    // The default still fills in the kind binance's entry leaves out.
    assert_eq!(
        members(&settings, "binance", ConnectionKind::Websocket).len(),
        2
    );
    let pool = settings
        .get_pool("kraken", ConnectionKind::Websocket)
        .unwrap();
    assert_eq!(
        pool.members()[0]
            .url()
            .credentials()
            .unwrap()
            .password()
            .expose(),
        "pw"
    );
}

#[test]
fn url_and_urls_together_is_an_error_naming_the_key() {
    let yaml = "proxy:\n  enabled: true\n  default:\n    websocket: { url: \"socks5://a:1\", urls: [\"socks5://b:2\"] }\n";
    let problems = load(yaml, &[]).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].starts_with("proxy.default.websocket.urls: give either `url` (one proxy) or `urls` (a pool), not both"),
        "{problems:?}"
    );
    assert!(
        problems[0].ends_with("(from config.yaml line 4)"),
        "{problems:?}"
    );
}

#[test]
fn an_empty_pool_is_an_error() {
    let yaml = "proxy:\n  enabled: true\n  exchanges:\n    okx:\n      http: { urls: [] }\n";
    let problems = load(yaml, &[]).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].starts_with("proxy.exchanges.okx.http.urls: urls must list at least one proxy"),
        "{problems:?}"
    );
    let from_env = load(
        "proxy:\n  enabled: true\n",
        &[("FEED_PROXY__DEFAULT__HTTP__URLS", " , ")],
    )
    .unwrap_err();
    assert_eq!(from_env.len(), 1, "{from_env:#?}");
    assert!(
        from_env[0].contains("urls must list at least one proxy"),
        "{from_env:?}"
    );
}

#[test]
fn a_bad_member_is_named_with_its_line() {
    let yaml = "proxy:\n  enabled: true\n  default:\n    http:\n      urls:\n        - socks5://a:1\n        - \"socks5://u:hunter2@b\"\n        - ftp://c:21\n";
    let problems = load(yaml, &[]).unwrap_err();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].starts_with("proxy.default.http.urls.1: the proxy URL has no port"),
        "{problems:?}"
    );
    assert!(
        problems[0].ends_with("(from config.yaml line 7)"),
        "{problems:?}"
    );
    assert!(
        problems[1].starts_with("proxy.default.http.urls.2: unsupported proxy scheme 'ftp'"),
        "{problems:?}"
    );
    for problem in &problems {
        assert!(!problem.contains("hunter2"), "{problem}");
    }
}

#[test]
fn the_environment_gives_a_pool_comma_separated() {
    let settings = load(
        "",
        &[
            ("FEED_PROXY__ENABLED", "true"),
            (
                "FEED_PROXY__DEFAULT__WEBSOCKET__URLS",
                "socks5h://10.0.0.1:1080, http://u:p@10.0.0.3:3128",
            ),
            ("FEED_PROXY__DEFAULT__WEBSOCKET__TIMEOUT_SECONDS", "7"),
        ],
    )
    .unwrap();
    assert_eq!(
        members(&settings, "binance", ConnectionKind::Websocket),
        [
            "socks5h://10.0.0.1:1080 (timeout 7s)",
            "http://u:***@10.0.0.3:3128 (timeout 7s)"
        ]
    );
    let problems = load(
        "",
        &[
            ("FEED_PROXY__ENABLED", "true"),
            (
                "FEED_PROXY__DEFAULT__WEBSOCKET__URLS",
                "socks5h://10.0.0.1:1080,socks5://u:hunter2@h",
            ),
        ],
    )
    .unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].starts_with("proxy.default.websocket.urls: item 2: the proxy URL has no port"),
        "{problems:?}"
    );
    assert!(
        problems[0].ends_with("(from environment variable FEED_PROXY__DEFAULT__WEBSOCKET__URLS)"),
        "{problems:?}"
    );
    assert!(!problems[0].contains("hunter2"), "{problems:?}");
}
