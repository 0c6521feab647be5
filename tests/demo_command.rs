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
