//! The Parquet sink end to end: the real binary, a loopback exchange stand-in, and pyarrow
//! reading the files back.

mod support;

use std::collections::BTreeMap;
use std::process::Command;
use std::str::FromStr;
use std::time::Duration;

use rust_decimal::Decimal;
use support::kafka::python;
use support::paced::PacedBinance;
use support::{feedhandler_async, trades};

fn parquet_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Every trade is a row of a zstd file per exchange and channel, readable by pyarrow with
/// the documented types, its decimals exactly the JSON line's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trades_are_rows_of_closed_zstd_files_that_pyarrow_reads_exactly() {
    let standin = PacedBinance::start(400, Duration::from_millis(1)).await;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let outputs =
        "  stdout: {}\n  parquet:\n    directory: data\n    rotate: day\n    row_group_rows: 300\n";
    let config = standin.config(dir.path(), outputs);
    let run = feedhandler_async(
        vec![
            "run".into(),
            config.display().to_string(),
            "--max-trades".into(),
            "800".into(),
        ],
        vec![],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("events=800 delivered=800 dropped=0 failed=0"),
        "{}",
        run.stderr
    );
    let files = parquet_files(&data);
    assert_eq!(
        files.len(),
        1,
        "one closed file, no .partial left: {files:?}"
    );
    let name = files[0].strip_prefix(&data).unwrap().display().to_string();
    assert!(
        name.starts_with("exchange=binance/channel=trades/") && name.ends_with(".parquet"),
        "{name}"
    );
    let output = Command::new(python())
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/support/parquet_read.py"
        ))
        .args(&files)
        .output()
        .expect("run python");
    assert!(
        output.status.success(),
        "the reader failed (the PyPI package pyarrow is needed: scripts/test installs it): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let read: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let file = &read[0];
    assert_eq!(file["compression"], "ZSTD");
    let schema: BTreeMap<String, String> = serde_json::from_value(file["schema"].clone()).unwrap();
    assert_eq!(schema["amount"], "decimal128(38, 18)");
    assert_eq!(schema["price"], "decimal128(38, 18)");
    assert_eq!(schema["timestamp"], "timestamp[us, tz=UTC]");
    assert_eq!(schema["symbol"], "string");
    assert_eq!(schema["id"], "string");
    let rows = file["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 800);
    // Field by field against the JSON lines, decimals compared as exact values.
    let decimal = |value: &serde_json::Value| Decimal::from_str(value.as_str().unwrap()).unwrap();
    let lines = trades(&run.stdout);
    for (row, line) in rows.iter().zip(&lines) {
        assert_eq!(row["exchange"], line["exchange"]);
        assert_eq!(row["symbol"], line["symbol"]);
        assert_eq!(row["side"], line["side"]);
        assert_eq!(row["id"], line["id"]);
        assert_eq!(
            decimal(&row["price"]),
            decimal(&line["price"]),
            "{row} {line}"
        );
        assert_eq!(decimal(&row["amount"]), decimal(&line["amount"]));
        assert_eq!(row["timestamp"], "2023-11-14T22:13:20+00:00");
    }
}
