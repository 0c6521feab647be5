//! Bad input to the binary — arguments, config files, environment values, replayed frames —
//! as a table: each case with the exit code and the message the user sees. None panics.
//!
//! Exit codes: 0 success; 1 a run failed or a replayed frame did not parse; 2 unusable
//! input (arguments, configuration, files).

mod support;

use support::feedhandler;

/// One row: what is run, with what files, and what the user must see.
struct Case {
    name: &'static str,
    /// Arguments; `{config}`, `{frames}`, `{markets}` and `{dir}` stand for the case's files.
    args: &'static [&'static str],
    /// The text of `{config}` (none: the file does not exist).
    config: Option<&'static str>,
    /// The bytes of `{frames}`.
    frames: &'static [u8],
    env: &'static [(&'static str, &'static str)],
    code: i32,
    /// A line of stderr contains this.
    says: &'static str,
}

const FEED: &str = "exchanges:\n  main:\n    exchange_id: binance\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n";

/// Binance's documented market list, with the documented trade's BNBBTC.
const MARKETS: &str = r#"{"timezone":"UTC","serverTime":1,"rateLimits":[],"exchangeFilters":[],"symbols":[
{"symbol":"BNBBTC","status":"TRADING","baseAsset":"BNB","quoteAsset":"BTC"}]}"#;

const fn case(
    name: &'static str,
    args: &'static [&'static str],
    config: Option<&'static str>,
    code: i32,
    says: &'static str,
) -> Case {
    Case {
        name,
        args,
        config,
        frames: b"",
        env: &[],
        code,
        says,
    }
}

const fn replay(name: &'static str, frames: &'static [u8], code: i32, says: &'static str) -> Case {
    Case {
        name,
        args: &[
            "replay",
            "--exchange",
            "binance",
            "--markets",
            "{markets}",
            "--input",
            "{frames}",
        ],
        config: None,
        frames,
        env: &[],
        code,
        says,
    }
}

/// Stands for a config file of bytes that are not UTF-8.
const NOT_UTF8: &str = "<not UTF-8>";

const CHECK: &[&str] = &["check", "{config}"];
const RUN: &[&str] = &["run", "{config}", "--max-trades", "0"];

fn cases() -> Vec<Case> {
    vec![
        // Arguments.
        case("no subcommand", &[], None, 2, "Usage: feedhandler <COMMAND>"),
        case("unknown subcommand", &["frobnicate"], None, 2, "unrecognized subcommand 'frobnicate'"),
        case("run without a config", &["run"], None, 2, "the following required arguments were not provided"),
        case("check without a config", &["check"], None, 2, "the following required arguments were not provided"),
        case("replay without arguments", &["replay"], None, 2, "the following required arguments were not provided"),
        case("negative --duration", &["run", "{config}", "--duration", "-1"], Some(FEED), 2, "--duration must be a non-negative number of seconds (found -1)"),
        case("NaN --duration", &["run", "{config}", "--duration", "NaN"], Some(FEED), 2, "--duration must be a non-negative number of seconds (found NaN)"),
        case("infinite --duration", &["run", "{config}", "--duration", "inf"], Some(FEED), 2, "--duration must be a non-negative number of seconds (found inf)"),
        case("non-numeric --duration", &["run", "{config}", "--duration", "soon"], Some(FEED), 2, "invalid value 'soon' for '--duration <SECS>'"),
        case("non-numeric --max-trades", &["run", "{config}", "--max-trades", "ten"], Some(FEED), 2, "invalid value 'ten' for '--max-trades <N>'"),
        case("negative --max-trades", &["run", "{config}", "--max-trades", "-3"], Some(FEED), 2, "invalid value '-3' for '--max-trades <N>'"),
        case("NaN demo --rate", &["demo", "--rate", "NaN", "--max-trades", "1"], None, 2, "--rate must be a positive number of trades per second (found NaN)"),
        case("zero demo --rate", &["demo", "--rate", "0"], None, 2, "--rate must be a positive number of trades per second (found 0)"),
        case("bad demo --proxy", &["demo", "--proxy", "ftp://proxy:21", "--max-trades", "1"], None, 2, "--proxy: unsupported proxy scheme 'ftp'"),
        case("unknown option", &["run", "{config}", "--max-trade", "3"], Some(FEED), 2, "unexpected argument '--max-trade' found"),
        // Config files, through check and through run.
        case("missing config (check)", CHECK, None, 2, "config file not found"),
        case("missing config (run)", RUN, None, 2, "config file not found"),
        case("config is a folder", &["check", "{dir}"], None, 2, "cannot read config file"),
        case("malformed YAML", CHECK, Some("proxy:\n  enabled: [true\n"), 2, "malformed YAML"),
        case("malformed YAML (run)", RUN, Some("exchanges: {main: \n"), 2, "malformed YAML"),
        case("not UTF-8", CHECK, Some(NOT_UTF8), 2, "cannot read config file: stream did not contain valid UTF-8"),
        case("a list, not a mapping", CHECK, Some("- proxy\n- exchanges\n"), 2, "the file must be a YAML mapping of sections"),
        case("a lone URL", CHECK, Some("socks5://user:pw@proxy:1080\n"), 2, "the file must be a YAML mapping of sections"),
        case("wrong type: enabled", CHECK, Some("proxy:\n  enabled: maybe\n"), 2, "proxy.enabled: expected a boolean, found a string"),
        case("wrong type: timeout", CHECK, Some("proxy:\n  enabled: true\n  default:\n    http: { url: \"socks5://p:1080\", timeout_seconds: soon }\n"), 2, "proxy.default.http.timeout_seconds"),
        case("timeout out of range", CHECK, Some("proxy:\n  enabled: true\n  default:\n    http: { url: \"socks5://p:1080\", timeout_seconds: 0 }\n"), 2, "timeout_seconds must be between 1 and 300 (found 0)"),
        case("wrong type: symbols", CHECK, Some("exchanges:\n  main:\n    exchange_id: binance\n    symbols: BTC-USDT\n    channels: [TRADES]\n"), 2, "exchanges.main.symbols"),
        case("unknown key with a hint", CHECK, Some("proxy:\n  enabled: true\n  default:\n    webscoket: { url: \"socks5://p:1080\" }\n"), 2, "unknown key 'webscoket' (did you mean 'websocket'?)"),
        case("unknown section", CHECK, Some("exchange:\n  main: {}\n"), 2, "unknown key 'exchange' (did you mean 'exchanges'?); allowed here: proxy, tls, exchanges, output"),
        case("a URL written as a key", CHECK, Some("proxy:\n  enabled: true\n  default:\n    http: {socks5://user:pw@p:1080}\n"), 2, "proxy.default.http.<a URL-like key>: unknown key '<a URL-like key>'"),
        case("unsupported proxy scheme", CHECK, Some("proxy:\n  enabled: true\n  default:\n    http: { url: \"ftp://p:21\" }\n"), 2, "unsupported proxy scheme 'ftp'"),
        case("proxy URL without port", CHECK, Some("proxy:\n  enabled: true\n  default:\n    http: { url: \"socks5://p\" }\n"), 2, "the proxy URL has no port"),
        case("proxy URL without host", CHECK, Some("proxy:\n  enabled: true\n  default:\n    http: { url: \"socks5://user:pw\" }\n"), 2, "invalid proxy port (expected a number from 1 to 65535)"),
        case("proxy URL with a path", CHECK, Some("proxy:\n  enabled: true\n  default:\n    http: { url: \"http://p:8080/x\" }\n"), 2, "a proxy URL has no path"),
        case("proxy URL with a bad host", CHECK, Some("proxy:\n  enabled: true\n  default:\n    http: { url: \"socks5://a b:1080\" }\n"), 2, "invalid proxy host"),
        case("proxy without url", CHECK, Some("proxy:\n  enabled: true\n  default:\n    http: { timeout_seconds: 3 }\n"), 2, "proxy.default.http.url: this key is required"),
        case("bad endpoint URL", CHECK, Some("exchanges:\n  main:\n    exchange_id: binance\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n    endpoints: { rest: \"ftp://x\" }\n"), 2, "unsupported scheme 'ftp' (expected http or https)"),
        case("unknown exchange_id (check)", CHECK, Some("exchanges:\n  main:\n    exchange_id: binanse\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n"), 2, "exchanges.main.exchange_id: unknown exchange 'binanse'"),
        case("unknown exchange_id (run)", RUN, Some("exchanges:\n  binanse:\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n"), 2, "exchanges.binanse: unknown exchange 'binanse'"),
        case("unsupported channel", CHECK, Some("exchanges:\n  main:\n    exchange_id: binance\n    symbols: [BTC-USDT]\n    channels: [TICKER]\n"), 2, "binance does not support channel TICKER"),
        case("unknown channel", CHECK, Some("exchanges:\n  main:\n    exchange_id: binance\n    symbols: [BTC-USDT]\n    channels: [TRADEZ]\n"), 2, "exchanges.main.channels.0"),
        case("empty symbols", CHECK, Some("exchanges:\n  main:\n    exchange_id: binance\n    symbols: []\n    channels: [TRADES]\n"), 2, "exchanges.main.symbols: the list is empty"),
        case("bad symbol", RUN, Some("exchanges:\n  main:\n    exchange_id: binance\n    symbols: [BTCUSDT]\n    channels: [TRADES]\n"), 2, "invalid symbol 'BTCUSDT': expected BASE-QUOTE"),
        case("missing ca_file", CHECK, Some("tls:\n  ca_file: nowhere.pem\n"), 2, "tls.ca_file"),
        case("no feeds (run)", RUN, Some(""), 2, "no feeds configured"),
        case("output.file in a missing folder", &["run", "{config}", "--max-trades", "1"], Some("exchanges:\n  main:\n    exchange_id: binance\n    symbols: [BTC-USDT]\n    channels: [TRADES]\noutput:\n  file: missing/folder/trades.jsonl\n"), 2, "output.file"),
        // Environment values.
        Case { env: &[("FEED_PROXY__ENABLED", "perhaps")], ..case("bad FEED_ boolean", CHECK, Some(FEED), 2, "proxy.enabled: expected a boolean, found a string (from environment variable FEED_PROXY__ENABLED)") },
        Case { env: &[("FEED_PROXY__ENABLED", "true"), ("FEED_PROXY__DEFAULT__HTTP__URL", "socks5://proxy:notaport")], ..case("bad FEED_ proxy URL", CHECK, Some(FEED), 2, "proxy.default.http.url: invalid proxy port (expected a number from 1 to 65535) (from environment variable FEED_PROXY__DEFAULT__HTTP__URL)") },
        Case { env: &[("FEED_PROXY__DEFAULT__WEBSOCKET__TIMEOUT_SECONDS", "9999")], ..case("bad FEED_ timeout", CHECK, Some(FEED), 2, "timeout_seconds must be between 1 and 300 (found 9999)") },
        Case { env: &[("FEED_PROXY__DEFAULT__HTTP", "{url=\"socks5://p:1\"")], ..case("unparsable FEED_ mapping", CHECK, Some(FEED), 2, "proxy.default.http: expected a mapping, found a string") },
        Case { env: &[("FEED_PROXY__ENABLED", "\"é\\n\"")], ..case("escaped non-ASCII FEED_ value", CHECK, Some(FEED), 2, "proxy.enabled: expected a boolean") },
        Case { env: &[("FEED_EXCHANGES__MAIN__SYMBOLS", "[]")], ..case("FEED_ empties a list", CHECK, Some(FEED), 2, "the list is empty") },
        // Replayed frames.
        replay("a valid frame", br#"{"e":"aggTrade","E":1,"s":"BNBBTC","a":1,"p":"0.001","q":"100","f":1,"l":1,"T":1672515782136,"m":true}"#, 0, "replay: 1 frames, 1 trades, 0 malformed"),
        replay("no frames", b"", 0, "replay: 0 frames, 0 trades"),
        replay("garbage", b"not json at all\n", 1, "line 1: "),
        replay("truncated", br#"{"e":"aggTrade","E":1,"s":"BNBBTC","a":1,"p":"0.0"#, 1, "line 1: "),
        replay("huge price", br#"{"e":"aggTrade","E":1,"s":"BNBBTC","a":1,"p":"99999999999999999999999999999999999999","q":"1","f":1,"l":1,"T":1,"m":true}"#, 1, "p is not a decimal"),
        replay("19-digit amount", br#"{"e":"aggTrade","E":1,"s":"BNBBTC","a":1,"p":"1","q":"9999999999999999999","f":1,"l":1,"T":1,"m":true}"#, 0, "1 trades, 0 malformed"),
        replay("huge trade id", br#"{"e":"aggTrade","E":1,"s":"BNBBTC","a":99999999999999999999999,"p":"1","q":"1","f":1,"l":1,"T":1,"m":true}"#, 1, "line 1: "),
        replay("huge time", br#"{"e":"aggTrade","E":1,"s":"BNBBTC","a":1,"p":"1","q":"1","f":1,"l":1,"T":99999999999999999999,"m":true}"#, 1, "line 1: "),
        replay("binary bytes", b"\xff\xfe\x00\x01\n", 1, "line 1: not UTF-8 text"),
        replay("an exchange error", br#"{"code":2,"msg":"Invalid request"}"#, 0, "the exchange reported an error: code 2: Invalid request"),
        replay("unknown exchange", b"", 2, "unknown exchange 'nope'").with_args(&["replay", "--exchange", "nope", "--markets", "{markets}", "--input", "{frames}"]),
        replay("", b"", 0, "").with_args(&["replay", "--exchange", "binance", "--markets", "{dir}/missing.json"]).named("missing markets file", 2, "--markets"),
        replay("", b"", 0, "").with_args(&["replay", "--exchange", "binance", "--markets", "{config}"]).with_config("<html>").named("garbage markets file", 2, "binance: unexpected market list"),
        replay("", b"", 0, "").with_args(&["replay", "--exchange", "binance", "--markets", "{markets}", "--input", "{dir}/missing.txt"]).named("missing input file", 2, "--input"),
    ]
}

impl Case {
    fn with_args(self, args: &'static [&'static str]) -> Self {
        Case { args, ..self }
    }

    fn with_config(self, config: &'static str) -> Self {
        Case {
            config: Some(config),
            ..self
        }
    }

    fn named(self, name: &'static str, code: i32, says: &'static str) -> Self {
        Case {
            name,
            code,
            says,
            ..self
        }
    }
}

#[test]
fn every_bad_input_has_its_exit_code_and_message_and_none_panics() {
    let mut failures = Vec::new();
    for case in cases() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.yaml");
        if let Some(text) = case.config {
            let bytes: &[u8] = if text == NOT_UTF8 {
                b"\xff\xfe\x00 not UTF-8"
            } else {
                text.as_bytes()
            };
            std::fs::write(&config, bytes).unwrap();
        }
        let frames = dir.path().join("frames.txt");
        std::fs::write(&frames, case.frames).unwrap();
        let markets = dir.path().join("markets.json");
        std::fs::write(&markets, MARKETS).unwrap();
        let substitute = |arg: &str| {
            arg.replace("{config}", &config.display().to_string())
                .replace("{frames}", &frames.display().to_string())
                .replace("{markets}", &markets.display().to_string())
                .replace("{dir}", &dir.path().display().to_string())
        };
        let args: Vec<String> = case.args.iter().map(|arg| substitute(arg)).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = feedhandler(&args, case.env);
        let output = format!("{}{}", run.stdout, run.stderr);
        if output.contains("panicked") || run.code == 101 {
            failures.push(format!("{}: PANICKED\n{}", case.name, run.stderr));
        } else if run.code != case.code || !run.stderr.contains(case.says) {
            failures.push(format!(
                "{}: expected exit {} saying {:?}, got exit {}:\n{}",
                case.name, case.code, case.says, run.code, run.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}
