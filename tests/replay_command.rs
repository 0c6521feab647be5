//! `feedhandler replay`: recorded frames through the live parser.

mod support;

use support::{feedhandler, of_channel, trades, BINANCE_EXCHANGE_INFO};

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

/// `feedhandler replay --exchange EXCHANGE --markets MARKETS --input INPUT` and `extra`.
fn replay(exchange: &str, markets: &str, input: &str, extra: &[&str]) -> support::Run {
    let mut args = vec![
        "replay",
        "--exchange",
        exchange,
        "--markets",
        markets,
        "--input",
        input,
    ];
    args.extend_from_slice(extra);
    feedhandler(&args, &[])
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
    let run = replay("binance", &markets, &input, &[]);
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
    let run = replay("binance", &markets, &input, &[]);
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
    let run = replay("nope", &markets, &input, &[]);
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

/// A recording as a new user brings it: every stream of a Binance connection interleaved
/// (combined-stream wrappers, depth diffs, bookTicker, kline, aggTrade, partial depth, acks)
/// plus the REST depth snapshot where the recorder received it. Nothing is malformed;
/// trades and books come out; a missing diff is a gap line, after which the book waits for
/// the next snapshot line and comes back right.
#[test]
fn a_real_mixed_recording_replays_with_books_and_gaps() {
    let frames = [
        r#"{"result":null,"id":1}"#,
        r#"{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1700000000100,"s":"BTCUSDT","U":99,"u":101,"b":[["37000.00","1.0"]],"a":[]}}"#,
        r#"{"stream":"btcusdt@bookTicker","data":{"u":101,"s":"BTCUSDT","b":"37000.00","B":"1.0","a":"37000.10","A":"2.0"}}"#,
        r#"REST https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=1000 {"lastUpdateId":100,"bids":[["37000.00","0.5"],["36999.90","3.0"]],"asks":[["37000.10","2.0"]]}"#,
        r#"{"stream":"btcusdt@kline_1m","data":{"e":"kline","E":1700000000200,"s":"BTCUSDT","k":{"t":1700000000000,"T":1700000059999,"s":"BTCUSDT","i":"1m","f":1,"L":2,"o":"37000.00","c":"37000.10","h":"37000.10","l":"37000.00","v":"1.5","n":2,"x":false,"q":"55500.05","V":"1","Q":"37000.1","B":"0"}}}"#,
        r#"{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1700000000300,"s":"BTCUSDT","a":7,"p":"37000.10","q":"0.25","f":1,"l":1,"T":1700000000299,"m":false,"M":true}}"#,
        r#"{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1700000000400,"s":"BTCUSDT","U":102,"u":103,"b":[["37000.00","0"]],"a":[["37000.20","1.5"]]}}"#,
        r#"{"stream":"btcusdt@depth5@100ms","data":{"lastUpdateId":103,"bids":[["36999.90","3.0"]],"asks":[["37000.10","2.0"]]}}"#,
        r#"{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1700000000600,"s":"BTCUSDT","U":106,"u":107,"b":[],"a":[["37000.10","1.0"]]}}"#,
        r#"REST https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=1000 {"lastUpdateId":106,"bids":[["36999.90","3.0"]],"asks":[["37000.10","2.0"],["37000.20","1.5"]]}"#,
        r#"{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1700000000700,"s":"BTCUSDT","U":108,"u":108,"b":[["36999.95","4"]],"a":[]}}"#,
    ]
    .join("\n");
    let (_dir, markets, input) = files(&frames);
    let run = replay("binance", &markets, &input, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "replay: 11 frames, 1 trades, 0 malformed, 0 exchange errors, 4 books, 1 gaps"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(trades(&run.stdout).len(), 1);
    let books = of_channel(&run.stdout, "l2_book");
    let levels = |book: &serde_json::Value, side: &str| book[side].to_string();
    // The snapshot (100) joined with the buffered diff 99..101: bid 37000.00 is 1.0.
    assert_eq!(books[0]["sequence"], 101);
    assert_eq!(
        levels(&books[0], "bids"),
        r#"[["37000.00","1.0"],["36999.90","3.0"]]"#
    );
    assert_eq!(books[1]["sequence"], 103);
    assert_eq!(
        levels(&books[1], "asks"),
        r#"[["37000.10","2.0"],["37000.20","1.5"]]"#
    );
    // 104 and 105 are missing: a gap, no book from the broken state, the next snapshot
    // (106) joined with the diff 106..107.
    let gaps = of_channel(&run.stdout, "gap");
    assert_eq!(gaps[0]["reason"], "sequence: expected U=104, got 106");
    assert_eq!(gaps[0]["affects"], "l2_book");
    assert_eq!(books[2]["sequence"], 107);
    assert_eq!(
        levels(&books[2], "asks"),
        r#"[["37000.10","1.0"],["37000.20","1.5"]]"#
    );
    assert_eq!(books[3]["sequence"], 108);
    assert_eq!(
        levels(&books[3], "bids"),
        r#"[["36999.95","4"],["36999.90","3.0"]]"#
    );
    assert!(!run.stderr.contains("never synced"), "{}", run.stderr);
}

/// A recording without the snapshot a book needs says so instead of inventing a book.
#[test]
fn a_missing_snapshot_is_reported() {
    let frames = r#"{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":1,"u":2,"b":[["1.0","1"]],"a":[]}"#;
    let (_dir, markets, input) = files(frames);
    let run = replay("binance", &markets, &input, &["--channels", "L2_BOOK"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("no REST line answered the request for /api/v3/depth?symbol=BTCUSDT&limit=1000: that book never synced"),
        "{}",
        run.stderr
    );
}

/// A recording of a fixed-depth stream (Kraken v2 `book` at depth 25) replayed with fewer
/// levels delivered: `--stream-depth` keeps the book at the depth the stream was
/// subscribed with, so the checksum after a delete (which brings the 11th ask into the
/// best 10) matches. Kept at the delivered depth instead, the book would lose that level
/// and every checksum after it would be a gap.
#[test]
fn stream_depth_keeps_the_book_at_the_recorded_depth() {
    use feedhandler::feed_core::book::checksum::kraken_checksum;
    use feedhandler::feed_core::book::{BookSide, OrderBook};
    use rust_decimal::Decimal;

    let markets = r#"{"error":[],"result":{"XXBTZUSD":{"altname":"XBTUSD","wsname":"XBT/USD","base":"XBT","quote":"ZUSD"}}}"#;
    let level = |price: i64, qty: i64| (Decimal::new(price, 1), Decimal::new(qty, 8));
    let bids: Vec<_> = (0..25).map(|i| level(369_990 - i, 100_000 + i)).collect();
    let asks: Vec<_> = (0..25).map(|i| level(370_010 + i, 200_000 + i)).collect();
    let mut book = OrderBook::new();
    for (side, levels) in [(BookSide::Bid, &bids), (BookSide::Ask, &asks)] {
        for (price, qty) in levels {
            book.apply(side, *price, *qty);
        }
    }
    let json_levels = |levels: &[(Decimal, Decimal)]| {
        let items: Vec<String> = levels
            .iter()
            .map(|(price, qty)| format!(r#"{{"price":{price},"qty":{qty}}}"#))
            .collect();
        format!("[{}]", items.join(","))
    };
    let snapshot = format!(
        r#"{{"channel":"book","type":"snapshot","data":[{{"symbol":"BTC/USD","bids":{},"asks":{},"checksum":{},"timestamp":"2023-11-14T22:13:20.000000Z"}}]}}"#,
        json_levels(&bids),
        json_levels(&asks),
        kraken_checksum(&book, None, None)
    );
    book.apply(BookSide::Ask, asks[1].0, Decimal::ZERO);
    let update = format!(
        r#"{{"channel":"book","type":"update","data":[{{"symbol":"BTC/USD","bids":[],"asks":[{{"price":{},"qty":0.00000000}}],"checksum":{},"timestamp":"2023-11-14T22:13:20.001000Z"}}]}}"#,
        asks[1].0,
        kraken_checksum(&book, None, None)
    );
    let dir = tempfile::tempdir().unwrap();
    let (markets_path, input) = (dir.path().join("pairs.json"), dir.path().join("frames.txt"));
    std::fs::write(&markets_path, markets).unwrap();
    std::fs::write(&input, format!("{snapshot}\n{update}\n")).unwrap();
    let run = replay(
        "kraken",
        &markets_path.display().to_string(),
        &input.display().to_string(),
        &[
            "--channels",
            "L2_BOOK",
            "--book-depth",
            "10",
            "--stream-depth",
            "25",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("0 malformed, 0 exchange errors, 2 books, 0 gaps"),
        "{}\n{}",
        run.stderr,
        run.stdout
    );
    let books = of_channel(&run.stdout, "l2_book");
    let asks_delivered = books[1]["asks"].as_array().unwrap();
    assert_eq!(asks_delivered.len(), 10);
    assert_eq!(asks_delivered[9][0], "37002.0", "the 11th ask moved up");
}

/// Lines are read in place from a 1 MiB buffer: a line longer than the buffer (a huge
/// snapshot, say) is gathered whole, and the lines around it, their order and their
/// numbers are unaffected.
#[test]
fn a_line_longer_than_the_read_buffer_is_read_whole() {
    let trade = |id: u32| {
        format!(
            r#"{{"e":"aggTrade","E":1,"s":"BTCUSDT","a":{id},"p":"1.0","q":"2","f":1,"l":1,"T":1700000000000,"m":true}}"#
        )
    };
    let mut frames = String::new();
    for id in 0..7_000 {
        frames.push_str(&trade(id));
        frames.push('\n');
    }
    frames.push_str(&format!(r#"{{"x":"{}"}}"#, "a".repeat(1_500_000)));
    frames.push('\n');
    for id in 7_000..14_000 {
        frames.push_str(&trade(id));
        frames.push('\n');
    }
    let (_dir, markets, input) = files(&frames);
    let run = replay("binance", &markets, &input, &[]);
    assert_eq!(run.code, 1, "the long line is not a frame: {}", run.stderr);
    assert!(
        run.stderr.starts_with("line 7001: "),
        "{}",
        run.stderr.chars().take(200).collect::<String>()
    );
    assert!(
        run.stderr
            .contains("replay: 14001 frames, 14000 trades, 1 malformed"),
        "{}",
        run.stderr.lines().last().unwrap_or_default()
    );
    let ids: Vec<u64> = trades(&run.stdout)
        .iter()
        .map(|trade| trade["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ids, (0..14_000).collect::<Vec<u64>>());
}
