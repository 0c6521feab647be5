//! The PostgreSQL sink end to end: the real binary, a loopback exchange stand-in, a private
//! PostgreSQL server, and psql reading back.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use support::paced::PacedBinance;
use support::postgres::Postgres;
use support::{feedhandler_async, trades};

fn run_args(config: &std::path::Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["run".to_owned(), config.display().to_string()];
    args.extend(extra.iter().map(|arg| (*arg).to_owned()));
    args
}

/// Every trade becomes one row with exact `numeric` values, equal field by field to the
/// JSON line stdout got; the tables are created with the documented types.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trades_are_rows_with_exact_numerics() {
    let server = Postgres::start();
    let standin = PacedBinance::start(500, Duration::from_millis(1)).await;
    let dir = tempfile::tempdir().unwrap();
    let outputs = format!(
        "  stdout: {{}}\n  db:\n    type: postgres\n    url: \"{}\"\n    table_prefix: md_\n",
        server.url()
    );
    let config = standin.config(dir.path(), &outputs);
    let run = feedhandler_async(run_args(&config, &["--max-trades", "1000"]), vec![]).await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "summary: sink=postgres 127.0.0.1:{}/postgres events=1000 delivered=1000 dropped=0 failed=0",
            server.port
        )),
        "{}",
        run.stderr
    );
    let types = server.query(
        "select column_name, data_type, is_nullable from information_schema.columns \
         where table_name = 'md_trades' order by ordinal_position",
    );
    assert_eq!(
        types,
        vec![
            "exchange|text|NO",
            "symbol|text|NO",
            "side|text|NO",
            "amount|numeric|NO",
            "price|numeric|NO",
            "id|text|YES",
            "timestamp|timestamp with time zone|NO",
            "receipt_timestamp|timestamp with time zone|NO",
        ]
    );
    let rows = server.query(
        "select exchange, symbol, side, amount, price, id, extract(epoch from timestamp) \
         from md_trades order by symbol, id::bigint",
    );
    assert_eq!(rows.len(), 1000);
    let mut expected: Vec<String> = trades(&run.stdout)
        .iter()
        .map(|t| {
            format!(
                "{}|{}|{}|{}|{}|{}|{}",
                t["exchange"].as_str().unwrap(),
                t["symbol"].as_str().unwrap(),
                t["side"].as_str().unwrap(),
                t["amount"].as_str().unwrap(),
                t["price"].as_str().unwrap(),
                t["id"].as_str().unwrap(),
                "1700000000.000000",
            )
        })
        .collect();
    expected.sort_by_key(|line| {
        let fields: Vec<&str> = line.split('|').collect();
        (fields[1].to_owned(), fields[5].parse::<u64>().unwrap())
    });
    assert_eq!(rows, expected);
    assert!(server.query("select count(*) from md_l2_book") == vec!["0"]);
}

/// The server drops the sink's connection mid-run: it reconnects and retries the batch;
/// every trade is there exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_is_reconnected_and_nothing_is_lost() {
    let server = Postgres::start();
    let standin = PacedBinance::start(2000, Duration::from_millis(20)).await;
    let dir = tempfile::tempdir().unwrap();
    let outputs = format!(
        "  postgres:\n    url: \"{}\"\n    batch_events: 100\n",
        server.url()
    );
    let config = standin.config(dir.path(), &outputs);
    let running = tokio::spawn(feedhandler_async(
        run_args(&config, &["--max-trades", "4000"]),
        vec![],
    ));
    let mut terminated = 0;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let killed = server.query(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity \
             where backend_type = 'client backend' and pid <> pg_backend_pid()",
        );
        if killed != vec!["0"] {
            terminated += 1;
            if terminated == 2 {
                break;
            }
        }
    }
    let run = running.await.unwrap();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(terminated >= 1, "the sink's connection was dropped");
    assert!(run.stderr.contains("reconnected"), "{}", run.stderr);
    let counts: BTreeMap<String, String> = server
        .query("select symbol, count(*) || '/' || count(distinct id) from trades group by symbol")
        .into_iter()
        .map(|row| {
            let (symbol, count) = row.split_once('|').unwrap();
            (symbol.to_owned(), count.to_owned())
        })
        .collect();
    assert_eq!(counts["BTC-USDT"], "2000/2000");
    assert_eq!(counts["ETH-USDT"], "2000/2000");
}
