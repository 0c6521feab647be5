//! `feedhandler demo`, the README's first command: the embedded exchange and a feed through
//! the normal code path, directly and through a real proxy.

mod support;

use feed_testkit::proxies::{start_dante, DANTE_EGRESS};
use support::{feedhandler, trades};

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
