//! `feedhandler demo`, the README's first command: the embedded exchange and a feed through
//! the normal code path, directly and through a real proxy.

mod support;

use feed_testkit::proxies::{start_dante, DANTE_EGRESS};
use support::{feedhandler, of_channel, trades};

#[test]
fn demo_streams_normalized_trades_and_stops_after_max_trades() {
    let run = feedhandler(&["demo", "--max-trades", "12", "--rate", "200"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let trades = trades(&run.stdout);
    assert_eq!(trades.len(), 12);
    for trade in &trades {
        assert_eq!(trade["exchange"], "BINANCE");
        assert!(
            trade["symbol"] == "BTC-USDT" || trade["symbol"] == "ETH-USDT",
            "{trade}"
        );
        assert!(trade["side"] == "buy" || trade["side"] == "sell");
        assert!(
            trade["price"]
                .as_str()
                .is_some_and(|p| p.parse::<f64>().is_ok()),
            "{trade}"
        );
        assert!(trade["timestamp"].is_number() && trade["receipt_timestamp"].is_number());
    }
    assert!(
        run.stderr.contains("simulated Binance exchange listening"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("summary: 12 trades written to stdout"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("route=direct"), "{}", run.stderr);
}

/// The demo's books go through the real synchronization (diffs joined to a REST snapshot)
/// and print the top five levels, best first, never crossed.
#[test]
fn demo_streams_books_too() {
    let run = feedhandler(&["demo", "--duration", "1.5", "--rate", "50"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let books = of_channel(&run.stdout, "l2_book");
    assert!(books.len() >= 4, "{} books in {}", books.len(), run.stdout);
    for symbol in ["BTC-USDT", "ETH-USDT"] {
        assert!(
            books.iter().any(|book| book["symbol"] == symbol),
            "no {symbol} book"
        );
    }
    let price = |level: &serde_json::Value| level[0].as_str().unwrap().parse::<f64>().unwrap();
    for book in &books {
        let (bids, asks) = (
            book["bids"].as_array().unwrap(),
            book["asks"].as_array().unwrap(),
        );
        assert!(
            bids.len() <= 5 && asks.len() <= 5 && !bids.is_empty() && !asks.is_empty(),
            "{book}"
        );
        assert!(
            bids.windows(2)
                .all(|pair| price(&pair[0]) > price(&pair[1])),
            "bids best first: {book}"
        );
        assert!(
            asks.windows(2)
                .all(|pair| price(&pair[0]) < price(&pair[1])),
            "asks best first: {book}"
        );
        assert!(price(&bids[0]) < price(&asks[0]), "not crossed: {book}");
        assert!(book["sequence"].is_u64(), "{book}");
    }
    assert!(
        of_channel(&run.stdout, "gap").is_empty(),
        "no gap on a healthy stream"
    );
}

#[test]
fn demo_goes_through_a_proxy_when_asked() {
    let dante = start_dante(DANTE_EGRESS).expect("start danted");
    let url = dante.url("socks5h");
    let run = feedhandler(
        &[
            "demo",
            "--max-trades",
            "5",
            "--rate",
            "200",
            "--proxy",
            &url,
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(trades(&run.stdout).len(), 5);
    assert!(
        run.stderr.contains(&format!("route={url} (timeout 30s)")),
        "{}",
        run.stderr
    );
}

#[test]
fn demo_with_a_dead_proxy_fails_closed() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("socks5://user:demo-secret@127.0.0.1:{port}");
    let run = feedhandler(&["demo", "--max-trades", "5", "--proxy", &url], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("cannot connect to the proxy"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("demo-secret"), "{}", run.stderr);
}

/// `feedhandler demo | head -2`: when the reader closes stdout the run stops by itself,
/// cleanly (exit 0, no error line), as it did before outputs became sinks.
#[test]
fn a_closed_stdout_stops_the_run_cleanly() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let mut child = Command::new(env!("CARGO_BIN_EXE_feedhandler"))
        .args(["demo", "--rate", "500", "--duration", "30"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start feedhandler");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for _ in 0..2 {
        assert!(lines.next().is_some_and(|line| line.is_ok()));
    }
    drop(lines); // the pipe closes
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still running 10 s after stdout closed"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.lines().any(|line| line.starts_with("error")),
        "{stderr}"
    );
}
