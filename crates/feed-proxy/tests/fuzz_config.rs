//! Fuzzing the proxy URL parser and the configuration loader (YAML text plus `FEED_`
//! environment variables, through `ConfigSources::from_parts`).
//!
//! Properties:
//! - nothing panics, whatever the text;
//! - a proxy URL's `Display` and `Debug` never contain its password, and putting the
//!   password back into what `Display` shows gives the same URL again;
//! - no error message (of the URL parser or of the loader) contains the password of any
//!   proxy URL in the input, however the input around it is broken;
//! - settings that load do not show a password in their `Debug` either.
//!
//! `cargo test` runs each target for `PROPTEST_CASES` cases (256 by default);
//! `scripts/fuzz` gives each a large budget.

use std::path::Path;

use feed_proxy::{ConfigSources, ConnectionKind, ProxyScheme, ProxySettings, ProxyUrl};
use feed_testkit::fuzz::{fuzz, mutations_of, INTERESTING_TOKENS};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use proptest::prelude::*;

/// What every generated password starts with, and nothing else generated contains.
const PASSWORD_PREFIX: &str = "Pw7";

/// A password no other part of an input contains: [`PASSWORD_PREFIX`], then random
/// characters (any character, punctuation often).
fn password() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9]{6,16}",
        "[A-Za-z0-9:/@#?%*&=+ \"'{}\\[\\],.-]{6,16}",
        "\\PC{6,12}",
    ]
    .prop_map(|tail| format!("{PASSWORD_PREFIX}{tail}"))
}

fn user() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9._-]{0,10}",
        "[a-zA-Z0-9:@%/ ._-]{0,10}",
        "\\PC{0,8}"
    ]
    .prop_filter("not the password prefix", |user| {
        !user.contains(PASSWORD_PREFIX)
    })
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,12}(\\.[a-z][a-z0-9-]{0,8}){0,2}",
        (0..=255_u8, 0..=255_u8, 0..=255_u8, 0..=255_u8)
            .prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}")),
        any::<[u16; 8]>().prop_map(|parts| format!("[{}]", std::net::Ipv6Addr::from(parts))),
    ]
}

fn scheme() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(ProxyScheme::ALL.to_vec()),
        any::<bool>(),
    )
        .prop_map(|(scheme, upper)| {
            let text = scheme.as_str();
            if upper {
                text.to_ascii_uppercase()
            } else {
                text.to_owned()
            }
        })
}

/// `scheme://user:password@host:port` with user and password percent-encoded, and the
/// password.
fn url_with_password() -> impl Strategy<Value = (String, String)> {
    (scheme(), user(), password(), host(), 1..=65535_u16).prop_map(
        |(scheme, user, password, host, port)| {
            let url = format!(
                "{scheme}://{}:{}@{host}:{port}",
                utf8_percent_encode(&user, NON_ALPHANUMERIC),
                utf8_percent_encode(&password, NON_ALPHANUMERIC)
            );
            (url, password)
        },
    )
}

#[test]
fn proxy_url_parse_never_panics() {
    let texts = prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9:/@\\[\\]%.#?]{0,60}",
        url_with_password().prop_map(|(url, _)| url),
    ];
    fuzz("proxy_url_arbitrary", texts, |text| {
        if let Ok(url) = ProxyUrl::parse(&text) {
            let shown = url.to_string();
            prop_assert!(!shown.is_empty());
            let _ = format!("{url:?}");
        }
        Ok(())
    });
}

#[test]
fn proxy_url_display_hides_the_password_and_round_trips_with_it() {
    fuzz(
        "proxy_url_display_round_trip",
        url_with_password(),
        |(text, password)| {
            let url = ProxyUrl::parse(&text)
                .map_err(|error| TestCaseError::fail(format!("{text}: {error}")))?;
            let credentials = url.credentials().expect("the URL has credentials");
            prop_assert_eq!(credentials.password().expose(), password.as_str());
            let shown = url.to_string();
            for view in [&shown, &format!("{url:?}"), &url.redacted()] {
                prop_assert!(!view.contains(&password), "{} shows the password", view);
            }
            prop_assert!(shown.contains(":***@"), "{shown} hides no password");
            let encoded = utf8_percent_encode(&password, NON_ALPHANUMERIC).to_string();
            let restored = shown.replacen(":***@", &format!(":{encoded}@"), 1);
            let again = ProxyUrl::parse(&restored)
                .map_err(|error| TestCaseError::fail(format!("{restored}: {error}")))?;
            prop_assert_eq!(again, url, "{} does not parse back to {}", restored, text);
            Ok(())
        },
    );
}

#[test]
fn proxy_url_errors_never_contain_the_password() {
    let broken = url_with_password().prop_flat_map(|(url, password)| {
        let raw = url.replacen(
            &utf8_percent_encode(&password, NON_ALPHANUMERIC).to_string(),
            &password,
            1,
        );
        (
            mutations_of(vec![url, raw], INTERESTING_TOKENS),
            Just(password),
        )
    });
    fuzz(
        "proxy_url_errors_hide_password",
        broken,
        |(text, password)| {
            match ProxyUrl::parse(&text) {
                Err(error) => {
                    let message = error.to_string();
                    prop_assert!(
                        !message.contains(&password),
                        "the error shows the password: {message}"
                    );
                }
                Ok(url) => {
                    // Two ways the text holds no password any more: with the ':' before it
                    // lost, it is read as part of the user name, which is no secret; with
                    // the '@' lost too, it is part of the host.
                    let read_as_user = url.credentials().is_some_and(|credentials| {
                        credentials.username().contains(PASSWORD_PREFIX)
                    });
                    let no_credentials = url.credentials().is_none();
                    let shown = url.to_string();
                    prop_assert!(
                        read_as_user || no_credentials || !shown.contains(&password),
                        "the URL shows the password: {shown}"
                    );
                }
            }
            Ok(())
        },
    );
}

/// A valid configuration with two proxy URLs carrying `passwords`, in block and flow style.
fn config_text(first: &str, second: &str) -> Vec<String> {
    vec![
        format!(
            "proxy:\n  enabled: true\n  default:\n    http:\n      url: \"{first}\"\n      timeout_seconds: 30\n    websocket:\n      url: '{second}'\n  exchanges:\n    binance:\n      http: {{ url: \"{second}\", timeout_seconds: 15 }}\n"
        ),
        format!(
            "proxy: {{enabled: true, exchanges: {{okx: {{websocket: {{url: {first}}}, http: {{url: {second}}}}}}}}}\n"
        ),
        format!("proxy:\n  enabled: yes\n  default: {{ http: {{ url: {first} }}, websocket: {{ url: {second}, timeout_seconds: 301 }} }}\nexchanges: {{}}\n"),
        format!("proxy:\n  enabled: true\n  default:\n    http: {{{first}}}\n    websocket: {{ {second}: 30 }}\n"),
        format!("{first}\n"),
        format!("- {first}\n- {second}\n"),
    ]
}

/// `FEED_` variables around a proxy URL: well-formed ones, misplaced ones, and noise.
fn environment(url: String) -> impl Strategy<Value = Vec<(String, String)>> {
    let names = proptest::sample::select(vec![
        "FEED_PROXY__DEFAULT__HTTP__URL",
        "FEED_PROXY__EXCHANGES__BINANCE__WEBSOCKET__URL",
        "FEED_PROXY__EXCHANGES__BINANCE__WEBSOCKET",
        "FEED_PROXY__DEFAULT",
        "FEED_PROXY__ENABLED",
        "FEED_PROXY",
        "FEED_PROXY__DEFAULT__HTTP__TIMEOUT_SECONDS",
        "FEED_PROXY__EXCHANGES____URL",
        "FEED_",
    ]);
    let value = prop_oneof![
        Just(url.clone()),
        Just(format!("{{url={url}}}")),
        Just(format!("[{url}]")),
        Just(format!("{{{url}}}")),
        mutations_of(vec![url], INTERESTING_TOKENS),
        any::<String>(),
    ];
    proptest::collection::vec((names.prop_map(str::to_owned), value), 0..4)
}

/// Loads YAML and environment the way `ProxySettings::load` does; every error message, or
/// the loaded settings' `Debug`, must be free of every password.
fn load_checked(
    yaml: &str,
    env: Vec<(String, String)>,
    passwords: &[String],
) -> Result<(), TestCaseError> {
    let mut user_names = Vec::new();
    let shown = match ConfigSources::from_parts(Some(Path::new("config.yaml")), yaml, env) {
        Err(problem) => problem.to_string(),
        Ok(sources) => match ProxySettings::from_sources(&sources) {
            Err(problems) => problems.to_string(),
            Ok(settings) => {
                let every_proxies = settings
                    .default_proxies()
                    .into_iter()
                    .chain(settings.exchanges().map(|(_, proxies)| proxies));
                for proxies in every_proxies {
                    for kind in ConnectionKind::ALL {
                        let members = proxies.get(kind).map_or(&[][..], |pool| pool.members());
                        for credentials in members.iter().filter_map(|p| p.url().credentials()) {
                            user_names.push(credentials.username().to_owned());
                        }
                    }
                }
                format!("{settings:?}")
            }
        },
    };
    for password in passwords {
        // With the ':' before it broken, a password is read as part of the user name,
        // which is no secret and is shown.
        if user_names.iter().any(|user| user.contains(PASSWORD_PREFIX)) {
            continue;
        }
        prop_assert!(
            !shown.contains(password.as_str()),
            "the password {:?} is shown: {}",
            password,
            shown
        );
    }
    Ok(())
}

#[test]
fn config_loader_never_panics_on_arbitrary_text() {
    let inputs = (
        prop_oneof![
            any::<String>(),
            "([a-z_]{1,10}:( [a-z0-9{}\\[\\],:\"'&*!|>-]{0,20})?\n {0,4}){0,8}",
        ],
        proptest::collection::vec(("FEED_[A-Z_]{0,30}", any::<String>()), 0..3),
    );
    fuzz("config_arbitrary", inputs, |(yaml, env)| {
        load_checked(&yaml, env, &[])
    });
}

#[test]
fn config_errors_never_contain_a_password() {
    let inputs = (url_with_password(), url_with_password()).prop_flat_map(
        |((first, first_password), (second, second_password))| {
            (
                mutations_of(config_text(&first, &second), INTERESTING_TOKENS),
                environment(first),
                Just(vec![first_password, second_password]),
            )
        },
    );
    fuzz(
        "config_errors_hide_password",
        inputs,
        |(yaml, env, passwords)| load_checked(&yaml, env, &passwords),
    );
}
