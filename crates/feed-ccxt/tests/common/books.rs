//! Shared by the book stand-in tests: run a feed against a [`BookStandIn`], collect what
//! it delivered, and check every delivered book against the stand-in's true book.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use feed_ccxt::CcxtFeed;
use feed_core::connect::{client_config, load_ca_file};
use feed_core::runtime::{Callbacks, FeedHandler, ReconnectPolicy, StatsSnapshot};
use feed_core::{Event, EventKind, Gap, L2Book, Symbol};
use feed_testkit::books::{BookStandIn, Side, TrueBook, Truth};

/// What a feed delivered.
#[derive(Debug, Default, Clone)]
pub struct Delivered {
    pub books: Vec<L2Book>,
    pub gaps: Vec<Gap>,
    pub trades: usize,
    /// Events of the other data channels (tickers, funding, ...), in order.
    pub others: Vec<Event>,
}

/// A feed of `channels` for `symbols` against the stand-in.
pub fn book_feed(
    exchange_id: &str,
    symbols: &[&str],
    channels: Vec<feed_core::Channel>,
    standin: &BookStandIn,
    ws_path: &str,
    book_depth: usize,
) -> CcxtFeed {
    let symbols = symbols.iter().map(|s| Symbol::parse(s).unwrap()).collect();
    CcxtFeed::new(exchange_id, symbols, channels)
        .unwrap()
        .with_rest_endpoint(standin.rest_base())
        .with_websocket_endpoint(standin.websocket_url(ws_path))
        .with_book_depth(book_depth)
}

/// Runs `feed` until the stand-in's script is done (or 20 s passed), then a little longer.
pub async fn run_until_finished(
    standin: &BookStandIn,
    feed: CcxtFeed,
) -> (Delivered, StatsSnapshot) {
    let delivered = Arc::new(Mutex::new(Delivered::default()));
    let (books, gaps, trades, others) = (
        Arc::clone(&delivered),
        Arc::clone(&delivered),
        Arc::clone(&delivered),
        Arc::clone(&delivered),
    );
    let tls = client_config(&load_ca_file(&standin.cert.ca_file()).unwrap()).unwrap();
    let mut handler = FeedHandler::new()
        .stop_on_ctrl_c(false)
        .with_reconnect_policy(ReconnectPolicy {
            initial_delay: Duration::from_millis(20),
            ..ReconnectPolicy::default()
        })
        .with_connector_setup(move |connector| connector.with_tls_config(Arc::clone(&tls)));
    // A resubscribe the venue's message rate holds back goes out within one window of it.
    let paced = feed
        .venue_limits()
        .messages_per_connection
        .map_or(Duration::ZERO, |rate| rate.per.min(Duration::from_secs(10)));
    let stats = handler.add_feed(
        feed,
        Callbacks::new()
            .on_book(move |book: &L2Book| books.lock().unwrap().books.push(book.clone()))
            .on_gap(move |gap: &Gap| gaps.lock().unwrap().gaps.push(gap.clone()))
            .on_trade(move |_: &feed_core::Trade| trades.lock().unwrap().trades += 1)
            .on_event(
                &[
                    EventKind::Ticker,
                    EventKind::Funding,
                    EventKind::OpenInterest,
                    EventKind::Liquidation,
                    EventKind::Candle,
                ],
                move |event: &Event| others.lock().unwrap().others.push(event.clone()),
            ),
    );
    let stop = handler.shutdown_handle();
    let done = async {
        for _ in 0..2000 {
            if standin.finished() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // Let the last frames, any paced resubscribe and any snapshot in flight arrive.
        tokio::time::sleep(Duration::from_millis(400) + paced).await;
        stop.shutdown();
    };
    let (outcome, ()) = tokio::join!(handler.run(), done);
    outcome.expect("the feed starts");
    let delivered = delivered.lock().unwrap().clone();
    (delivered, stats.snapshot())
}

/// How a delivered book names the moment it shows.
#[derive(Debug, Clone, Copy)]
pub enum Key {
    /// Its `sequence` is the update id.
    Sequence,
    /// Its `timestamp` is the update's time (venues without sequence numbers).
    Timestamp,
}

/// Every delivered book equals the true book at the moment it names, level for level and
/// digit for digit, at most `depth` levels per side. Returns how many were checked.
pub fn assert_books_match_truth(
    delivered: &[L2Book],
    truth: &[Truth],
    exchange_symbol: impl Fn(&Symbol) -> String,
    key: Key,
    depth: usize,
) -> usize {
    for book in delivered {
        let symbol = exchange_symbol(&book.symbol);
        let found = truth.iter().rev().find(|entry| {
            entry.symbol == symbol
                && match key {
                    Key::Sequence => Some(entry.last_id) == book.sequence,
                    Key::Timestamp => book.timestamp.is_some_and(|time| {
                        time == rust_decimal::Decimal::new(entry.timestamp_ms, 3)
                    }),
                }
        });
        let Some(entry) = found else {
            panic!("no true book at {key:?} for {book:?}");
        };
        let text = |levels: &[feed_core::Level]| -> Vec<(String, String)> {
            levels
                .iter()
                .map(|level| (level.price.to_string(), level.size.to_string()))
                .collect()
        };
        let want_bids: Vec<(String, String)> =
            entry.view.bids.iter().take(depth).cloned().collect();
        let want_asks: Vec<(String, String)> =
            entry.view.asks.iter().take(depth).cloned().collect();
        assert_eq!(
            text(&book.bids),
            want_bids,
            "bids of {} at {:?}",
            book.symbol,
            book.sequence
        );
        assert_eq!(
            text(&book.asks),
            want_asks,
            "asks of {} at {:?}",
            book.symbol,
            book.sequence
        );
    }
    delivered.len()
}

/// The last delivered book of each symbol shows the true book at the end of the script
/// (books are delivered only when their top changes, so the last one must still be right).
pub fn assert_caught_up(
    delivered: &[L2Book],
    truth: &[Truth],
    exchange_symbol: impl Fn(&Symbol) -> String,
    depth: usize,
) {
    let mut symbols: Vec<&Symbol> = delivered.iter().map(|book| &book.symbol).collect();
    symbols.sort();
    symbols.dedup();
    assert!(!symbols.is_empty(), "no book was delivered");
    for symbol in symbols {
        let name = exchange_symbol(symbol);
        let last_truth = truth
            .iter()
            .rev()
            .find(|entry| entry.symbol == name)
            .expect("truth of the symbol");
        let last_book = delivered
            .iter()
            .rev()
            .find(|book| &book.symbol == symbol)
            .unwrap();
        let text = |levels: &[feed_core::Level]| -> Vec<(String, String)> {
            levels
                .iter()
                .map(|level| (level.price.to_string(), level.size.to_string()))
                .collect()
        };
        let want: Vec<(String, String)> =
            last_truth.view.bids.iter().take(depth).cloned().collect();
        assert_eq!(
            text(&last_book.bids),
            want,
            "{symbol}'s last book shows the final bids"
        );
        let want: Vec<(String, String)> =
            last_truth.view.asks.iter().take(depth).cloned().collect();
        assert_eq!(
            text(&last_book.asks),
            want,
            "{symbol}'s last book shows the final asks"
        );
    }
}

/// The value of `key` in a query string (`symbol=BTCUSDT&limit=100`).
pub fn query_value<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
}

/// The best `depth` levels of one side as `[price, size]` pairs (REST snapshot bodies).
pub fn top_pairs(book: &TrueBook, side: Side, depth: usize) -> Vec<[String; 2]> {
    book.top(side, depth)
        .into_iter()
        .map(|(price, size)| [price, size])
        .collect()
}

/// Every gap is of L2_BOOK with a reason starting `reason`, and each of `symbols` has `each`.
pub fn assert_book_gaps(gaps: &[Gap], symbols: &[&str], each: usize, reason: &str) {
    assert_eq!(gaps.len(), symbols.len() * each, "{gaps:#?}");
    for gap in gaps {
        assert_eq!(gap.channel, feed_core::Channel::L2Book);
        assert!(gap.reason.starts_with(reason), "{}", gap.reason);
    }
    for symbol in symbols {
        let of_symbol = gaps
            .iter()
            .filter(|gap| gap.symbol.as_str() == *symbol)
            .count();
        assert_eq!(of_symbol, each, "{symbol}");
    }
}
