//! `feedhandler replay`: recorded frames through the live parser.

mod support;

use support::{feedhandler, trades, BINANCE_EXCHANGE_INFO};

fn files(frames: &str) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let markets = dir.path().join("exchangeInfo.json");
    let input = dir.path().join("frames.txt");
    std::fs::write(&markets, BINANCE_EXCHANGE_INFO).unwrap();
    std::fs::write(&input, frames).unwrap();
    (
        dir,
        markets.display().to_string(),
        input.display().to_string(),
    )
}

#[test]
fn frames_become_json_lines_exactly_as_sent() {
    let frames = concat!(
        r#"{"result":null,"id":1}"#,
        "\n",
        r#"{"e":"aggTrade","E":1700000000124,"s":"BTCUSDT","a":123,"p":"37000.10","q":"0.50000000","f":1,"l":2,"T":1700000000123,"m":false}"#,
        "\n",
        "\n",
        r#"{"stream":"ethusdt@aggTrade","data":{"e":"aggTrade","E":1,"s":"ETHUSDT","a":9,"p":"2000","q":"1.5","f":1,"l":1,"T":1700000000999,"m":true}}"#,
        "\n",
    );
    let (_dir, markets, input) = files(frames);
    let run = feedhandler(
        &[
            "replay",
            "--exchange",
            "binance",
            "--markets",
            &markets,
            "--input",
            &input,
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].starts_with(r#"{"exchange":"BINANCE","symbol":"BTC-USDT","channel":"trades","side":"buy","amount":"0.50000000","price":"37000.10","id":"123","timestamp":1700000000.123,"receipt_timestamp":"#),
        "{}",
        lines[0]
    );
    let second = &trades(&run.stdout)[1];
    assert_eq!(second["symbol"], "ETH-USDT");
    assert_eq!(second["side"], "sell");
    assert!(
        run.stderr
            .contains("replay: 3 frames, 2 trades, 0 malformed"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_frames_are_reported_and_set_the_exit_code() {
    let frames = concat!(
        "garbage\n",
        r#"{"e":"aggTrade","s":"BTCUSDT","a":1,"p":"1","q":"1","T":1700000000000,"m":false}"#,
        "\n",
        r#"{"e":"aggTrade","s":"BTCUSDT","a":2,"p":"not-a-price","q":"1","T":1700000000000,"m":false}"#,
        "\n",
        r#"{"code": 2, "msg": "Invalid request"}"#,
        "\n",
    );
    let (_dir, markets, input) = files(frames);
    let run = feedhandler(
        &[
            "replay",
            "--exchange",
            "binance",
            "--markets",
            &markets,
            "--input",
            &input,
        ],
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(trades(&run.stdout).len(), 1);
    assert!(run.stderr.contains("line 1: "), "{}", run.stderr);
    assert!(
        run.stderr.contains("line 3: p is not a decimal"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("line 4: the exchange reported an error"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"));
}

#[test]
fn unknown_exchange_and_missing_files_are_usage_errors() {
    let (_dir, markets, input) = files("");
    let run = feedhandler(
        &[
            "replay",
            "--exchange",
            "nope",
            "--markets",
            &markets,
            "--input",
            &input,
        ],
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown exchange 'nope' (supported: "),
        "{}",
        run.stderr
    );
    let run = feedhandler(
        &[
            "replay",
            "--exchange",
            "binance",
            "--markets",
            "/nonexistent.json",
        ],
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--markets /nonexistent.json"),
        "{}",
        run.stderr
    );
}
