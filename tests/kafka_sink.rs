//! The Kafka sink end to end: the real binary, a loopback exchange stand-in, a real
//! Kafka-protocol broker (tansu, in memory), and an independent reader (confluent-kafka).

mod support;

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use support::kafka::{free_port, read_back, Broker, Record};
use support::paced::PacedBinance;
use support::{feedhandler_async, trades};

fn run_args(config: &std::path::Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["run".to_owned(), config.display().to_string()];
    args.extend(extra.iter().map(|arg| (*arg).to_owned()));
    args
}

/// Every record: key `EXCHANGE:SYMBOL`, headers, JSON value; returns (symbol, id) in
/// partition order per symbol.
fn check_records(records: &[Record]) -> BTreeMap<String, Vec<u64>> {
    let mut by_symbol: BTreeMap<String, Vec<(i32, i64, u64)>> = BTreeMap::new();
    for record in records {
        let value: serde_json::Value = serde_json::from_str(&record.value).unwrap();
        let symbol = value["symbol"].as_str().unwrap().to_owned();
        assert_eq!(record.topic, "feedhandler.trades");
        assert_eq!(record.key, format!("BINANCE:{symbol}"));
        assert_eq!(record.headers["channel"], "trades");
        assert_eq!(record.headers["exchange"], "BINANCE");
        let id: u64 = value["id"].as_str().unwrap().parse().unwrap();
        by_symbol
            .entry(symbol)
            .or_default()
            .push((record.partition, record.offset, id));
    }
    by_symbol
        .into_iter()
        .map(|(symbol, mut rows)| {
            let partitions: HashSet<i32> = rows.iter().map(|row| row.0).collect();
            assert_eq!(partitions.len(), 1, "{symbol} in one partition");
            rows.sort_by_key(|row| row.1);
            (symbol, rows.into_iter().map(|row| row.2).collect())
        })
        .collect()
}

/// Every trade reaches Kafka exactly once, each symbol in order within its partition, the
/// value the same JSON line stdout got (two sinks at once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_trade_once_and_in_order_beside_stdout() {
    let broker = Broker::start();
    let standin = PacedBinance::start(1500, Duration::from_millis(2)).await;
    let dir = tempfile::tempdir().unwrap();
    let outputs = format!(
        "  stdout: {{}}\n  kafka:\n    bootstrap_servers: \"{}\"\n    partitions: 3\n",
        broker.bootstrap()
    );
    let config = standin.config(dir.path(), &outputs);
    let run = feedhandler_async(run_args(&config, &["--max-trades", "3000"]), vec![]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "summary: sink=kafka {} events=3000 delivered=3000 dropped=0 failed=0",
            broker.bootstrap()
        )),
        "{}",
        run.stderr
    );
    let stdout_lines: HashSet<String> = run.stdout.lines().map(str::to_owned).collect();
    assert_eq!(trades(&run.stdout).len(), 3000);
    let records = read_back(&broker.bootstrap(), &["feedhandler.trades"], 3000);
    assert_eq!(records.len(), 3000, "exactly once");
    for record in &records {
        assert!(stdout_lines.contains(&record.value), "{}", record.value);
    }
    let ids = check_records(&records);
    let expected: Vec<u64> = (1..=1500).collect();
    assert_eq!(ids["BTC-USDT"], expected);
    assert_eq!(ids["ETH-USDT"], expected);
}

/// The broker frozen mid-run (SIGSTOP, its socket open) for 3 s: librdkafka's queue and
/// then the sink's fill, `block` holds the feed back, and once the broker answers again
/// every trade arrives, once, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_broker_loses_nothing_under_block() {
    let broker = Broker::start();
    // 120 bursts 20 ms apart: the stream lasts about 2.4 s, the broker freezes in it.
    let standin = PacedBinance::start(3000, Duration::from_millis(20)).await;
    let dir = tempfile::tempdir().unwrap();
    let outputs = format!(
        "  kafka:\n    bootstrap_servers: \"{}\"\n    partitions: 2\n    overflow: block\n    queue_events: 200\n    batch_events: 50\n    properties:\n      queue.buffering.max.messages: 500\n",
        broker.bootstrap()
    );
    let config = standin.config(dir.path(), &outputs);
    let started = Instant::now();
    let running = tokio::spawn(feedhandler_async(
        run_args(&config, &["--max-trades", "6000"]),
        vec![],
    ));
    tokio::time::sleep(Duration::from_millis(1000)).await;
    broker.pause();
    tokio::time::sleep(Duration::from_secs(3)).await;
    broker.resume();
    let run = running.await.unwrap();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(started.elapsed() > Duration::from_secs(3));
    // The sink's queue filled to its capacity: the feed was held back, not buffered away.
    assert!(
        run.stderr
            .contains("events=6000 delivered=6000 dropped=0 failed=0 max_queued=200"),
        "{}",
        run.stderr
    );
    let records = read_back(&broker.bootstrap(), &["feedhandler.trades"], 6000);
    assert_eq!(records.len(), 6000, "nothing lost, nothing twice");
    let ids = check_records(&records);
    let expected: Vec<u64> = (1..=3000).collect();
    assert_eq!(ids["BTC-USDT"], expected);
    assert_eq!(ids["ETH-USDT"], expected);
}

/// No broker at start: exit 1 with one line naming the sink, before any exchange
/// connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_down_at_start_stops_the_run_before_any_feed() {
    let standin = PacedBinance::start(10, Duration::from_millis(1)).await;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let outputs = format!("  kafka:\n    bootstrap_servers: \"127.0.0.1:{port}\"\n");
    let config = standin.config(dir.path(), &outputs);
    let run = feedhandler_async(run_args(&config, &["--max-trades", "5"]), vec![]).await;
    assert_eq!(run.code, 1, "{}", run.stderr);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.starts_with("error"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    assert!(
        errors[0].starts_with(&format!(
            "error: sink kafka 127.0.0.1:{port}: the broker did not answer"
        )),
        "{}",
        errors[0]
    );
    assert!(run.stdout.is_empty());
    assert_eq!(standin.websocket.connection_count(), 0, "no feed started");
    assert_eq!(standin.rest.connection_count(), 0);
}

/// A Binance stand-in listing `count` markets `C0USDT`.. that answers each SUBSCRIBE with
/// its ack and 20 trades of every stream it names.
async fn many_markets_standin(count: usize) -> feed_testkit::ScriptedExchange {
    let symbols: Vec<String> = (0..count)
        .map(|n| format!(r#"{{"symbol":"C{n}USDT","status":"TRADING","baseAsset":"C{n}","quoteAsset":"USDT"}}"#))
        .collect();
    let markets = format!(
        r#"{{"timezone":"UTC","serverTime":1,"rateLimits":[],"exchangeFilters":[],"symbols":[{}]}}"#,
        symbols.join(",")
    );
    feed_testkit::ScriptedExchange::start(feed_testkit::ExchangeScript {
        markets_path: "/api/v3/exchangeInfo".into(),
        markets: feed_testkit::CannedResponse::ok(markets),
        on_connect: vec![],
        on_message: std::sync::Arc::new(|message: &str| {
            let request: serde_json::Value = serde_json::from_str(message).unwrap_or_default();
            if request["method"] != "SUBSCRIBE" {
                return vec![];
            }
            let mut frames: Vec<feed_testkit::ServerFrame> =
                vec![format!(r#"{{"result":null,"id":{}}}"#, request["id"]).into()];
            for stream in request["params"].as_array().cloned().unwrap_or_default() {
                let symbol = stream.as_str().unwrap().split('@').next().unwrap().to_ascii_uppercase();
                for id in 1..=20 {
                    frames.push(format!(
                        r#"{{"e":"aggTrade","E":1700000000000,"s":"{symbol}","a":{id},"p":"1.{id}","q":"2","f":{id},"l":{id},"T":1700000000000,"m":true}}"#
                    ).into());
                }
            }
            frames
        }),
    })
    .await
    .expect("start the stand-in")
}

/// Three processes, `--shard 1/3` .. `3/3` of one config, publishing to one broker: each
/// symbol is subscribed by exactly one of them and its trades arrive exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_shards_carry_every_symbol_exactly_once() {
    let broker = Broker::start();
    let standin = many_markets_standin(12).await;
    let dir = tempfile::tempdir().unwrap();
    let symbols: Vec<String> = (0..12).map(|n| format!("C{n}-USDT")).collect();
    let config = dir.path().join("feed.yaml");
    std::fs::write(
        &config,
        format!(
            "tls:\n  ca_file: {}\nexchanges:\n  binance:\n    exchange_id: binance\n    symbols: [{}]\n    channels: [TRADES]\n    endpoints:\n      rest: \"{}\"\n      websocket: \"{}\"\noutputs:\n  kafka:\n    bootstrap_servers: \"{}\"\n",
            standin.cert.ca_file().display(),
            symbols.join(", "),
            standin.rest_base(),
            standin.websocket_url("/ws"),
            broker.bootstrap()
        ),
    )
    .unwrap();
    let runs = futures_util::future::join_all((1..=3).map(|k| {
        feedhandler_async(
            run_args(&config, &["--shard", &format!("{k}/3"), "--duration", "3"]),
            vec![],
        )
    }))
    .await;
    for run in &runs {
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stderr.contains("failed=0"), "{}", run.stderr);
    }
    // Each symbol subscribed once, by one process.
    let mut subscribed: Vec<String> = standin
        .received()
        .iter()
        .filter_map(|message| serde_json::from_str::<serde_json::Value>(message).ok())
        .flat_map(|request| request["params"].as_array().cloned().unwrap_or_default())
        .map(|stream| stream.as_str().unwrap().to_owned())
        .collect();
    subscribed.sort();
    let mut expected: Vec<String> = (0..12).map(|n| format!("c{n}usdt@aggTrade")).collect();
    expected.sort();
    assert_eq!(subscribed, expected);
    assert_eq!(standin.websocket.connection_count(), 3);
    let records = read_back(&broker.bootstrap(), &["feedhandler.trades"], 240);
    assert_eq!(records.len(), 240);
    let mut seen: Vec<(String, String)> = records
        .iter()
        .map(|record| {
            let value: serde_json::Value = serde_json::from_str(&record.value).unwrap();
            (
                value["symbol"].as_str().unwrap().to_owned(),
                value["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 240, "every trade exactly once");
}

#[test]
fn a_bad_shard_is_a_usage_error() {
    let run = support::feedhandler(&["run", "/nonexistent.yaml", "--shard", "4/3"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--shard"), "{}", run.stderr);
}
