//! Shared by the binary's end-to-end tests: run `feedhandler`, and a Binance stand-in.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

pub mod kafka;
pub mod paced;
pub mod postgres;

use feed_testkit::{CannedResponse, ExchangeScript, ScriptedExchange, ServerFrame};

/// What a run of the binary printed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `feedhandler ARGS` with exactly the given FEED_* variables (others removed),
/// stdin closed, within 60 s.
pub fn feedhandler(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_feedhandler"));
    command.args(args).stdin(Stdio::null());
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("FEED_")) {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    let output = command.output().expect("run feedhandler");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs the binary on another thread so the async stand-in keeps serving meanwhile.
pub async fn feedhandler_async(args: Vec<String>, env: Vec<(String, String)>) -> Run {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        feedhandler(&args, &env)
    })
    .await
    .expect("the binary's thread")
}

pub const BINANCE_EXCHANGE_INFO: &str = r#"{"timezone":"UTC","serverTime":1,"rateLimits":[],"exchangeFilters":[],"symbols":[
{"symbol":"BTCUSDT","status":"TRADING","baseAsset":"BTC","quoteAsset":"USDT"},
{"symbol":"ETHUSDT","status":"TRADING","baseAsset":"ETH","quoteAsset":"USDT"}]}"#;

/// A Binance stand-in that acknowledges any SUBSCRIBE and then sends `trades` aggTrades of
/// BTCUSDT with ids 1..=trades.
pub async fn binance_standin(trades: u64) -> ScriptedExchange {
    ScriptedExchange::start(ExchangeScript {
        markets_path: "/api/v3/exchangeInfo".into(),
        markets: CannedResponse::ok(BINANCE_EXCHANGE_INFO),
        on_connect: vec![],
        on_message: Arc::new(move |message: &str| {
            if !message.contains("SUBSCRIBE") {
                return vec![];
            }
            let mut frames: Vec<ServerFrame> = vec![r#"{"result":null,"id":1}"#.into()];
            frames.extend((1..=trades).map(|id| {
                ServerFrame::Text(format!(
                    r#"{{"e":"aggTrade","E":1700000000000,"s":"BTCUSDT","a":{id},"p":"37000.{id}","q":"0.5","f":{id},"l":{id},"T":1700000000000,"m":false}}"#
                ))
            }));
            frames
        }),
    })
    .await
    .expect("start the binance stand-in")
}

/// A config file in `dir` running one binance feed against `standin`, trusting its CA,
/// with `proxy_section` (YAML, may be empty) prepended.
pub fn binance_config(
    dir: &Path,
    standin: &ScriptedExchange,
    proxy_section: &str,
) -> std::path::PathBuf {
    let text = format!(
        "{proxy_section}\ntls:\n  ca_file: {}\nexchanges:\n  binance:\n    exchange_class: CcxtFeed\n    exchange_id: binance\n    symbols: [BTC-USDT]\n    channels: [TRADES]\n    endpoints:\n      rest: \"{}\"\n      websocket: \"{}\"\n",
        standin.cert.ca_file().display(),
        standin.rest_base(),
        standin.websocket_url("/ws"),
    );
    let path = dir.join("feed.yaml");
    std::fs::write(&path, text).expect("write the config");
    path
}

/// The JSON trades on stdout.
pub fn trades(stdout: &str) -> Vec<serde_json::Value> {
    of_channel(stdout, "trades")
}

/// Every JSON line of `stdout`; each must be JSON with a `channel`.
pub fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|line| {
            let value: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            assert!(
                value["channel"].is_string(),
                "a line without a channel: {line}"
            );
            value
        })
        .collect()
}

/// The JSON lines of one channel (`trades`, `l2_book`, `gap`).
pub fn of_channel(stdout: &str, channel: &str) -> Vec<serde_json::Value> {
    json_lines(stdout)
        .into_iter()
        .filter(|line| line["channel"] == channel)
        .collect()
}

pub const OKX_INSTRUMENTS: &str = r#"{"code":"0","msg":"","data":[
 {"baseCcy":"BTC","instId":"BTC-USDT","instType":"SPOT","quoteCcy":"USDT","state":"live"}]}"#;

/// An OKX stand-in that acknowledges the subscription and sends `trades` BTC-USDT trades.
pub async fn okx_standin(trades: u64) -> ScriptedExchange {
    ScriptedExchange::start(ExchangeScript {
        markets_path: "/api/v5/public/instruments".into(),
        markets: CannedResponse::ok(OKX_INSTRUMENTS),
        on_connect: vec![],
        on_message: Arc::new(move |message: &str| {
            if !message.contains("subscribe") {
                return vec![];
            }
            let mut frames: Vec<ServerFrame> =
                vec![r#"{"event":"subscribe","arg":{"channel":"trades","instId":"BTC-USDT"},"connId":"a4d3ae55"}"#.into()];
            frames.extend((1..=trades).map(|id| {
                ServerFrame::Text(format!(
                    r#"{{"arg":{{"channel":"trades","instId":"BTC-USDT"}},"data":[{{"instId":"BTC-USDT","tradeId":"{id}","px":"42219.9","sz":"0.1","side":"sell","ts":"1630048897897","count":"1"}}]}}"#
                ))
            }));
            frames
        }),
    })
    .await
    .expect("start the okx stand-in")
}
