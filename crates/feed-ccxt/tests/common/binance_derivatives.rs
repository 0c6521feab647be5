//! Shared by the Binance futures stand-in tests (USDⓈ-M `binance_futures.rs`, COIN-M
//! `binance_delivery.rs`): the products' documented wire, as a book stand-in and a scripted
//! exchange speak it, and small readers of what a feed delivered.

use std::str::FromStr;
use std::sync::{Arc, Mutex};

use feed_ccxt::CcxtFeed;
use feed_core::{Channel, Event, EventKind, Symbol};
use feed_testkit::books::{
    BookStandIn, BookWire, Change, Fault, Reply, Side as BookSide, StreamScript, TrueBook, Update,
};
use feed_testkit::{
    start_dynamic_http_server, CannedResponse, ExchangeScript, LoopbackServer, ScriptedExchange,
    ServerFrame,
};
use rust_decimal::Decimal;

use super::books::{
    assert_book_gaps, assert_books_match_truth, assert_caught_up, book_feed, query_value,
    run_until_finished, top_pairs, Delivered, Key,
};
use super::{collect_events, json};

pub fn decimal(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

pub fn symbols(names: &[&str]) -> Vec<Symbol> {
    names
        .iter()
        .map(|name| Symbol::parse(name).unwrap())
        .collect()
}

/// The subscribe message's streams.
pub fn streams(request: &serde_json::Value) -> Vec<String> {
    request["params"]
        .as_array()
        .map(|params| {
            params
                .iter()
                .filter_map(|param| param.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// How many delivered events are of `kind`.
pub fn count(events: &[Event], kind: EventKind) -> usize {
    events.iter().filter(|event| event.kind() == kind).count()
}

/// The delivered events of `kind`, one line each with every field but the receipt time
/// (prices and sizes with the exchange's digits, times normalized), for comparing field by
/// field at a glance.
pub fn rows(events: &[Event], kind: EventKind) -> Vec<String> {
    events
        .iter()
        .filter(|event| event.kind() == kind)
        .map(row)
        .collect()
}

fn time(seconds: Option<Decimal>) -> String {
    seconds.map_or_else(|| "-".into(), |time| time.normalize().to_string())
}

fn row(event: &Event) -> String {
    match event {
        Event::Trade(t) => format!(
            "{} {} {:?} {} x {} id {:?} at {}",
            t.exchange,
            t.symbol,
            t.side,
            t.price,
            t.amount,
            t.id,
            time(Some(t.timestamp))
        ),
        Event::Ticker(t) => format!(
            "{} {} bid {} x {:?} ask {} x {:?} at {}",
            t.exchange,
            t.symbol,
            t.bid,
            t.bid_size,
            t.ask,
            t.ask_size,
            time(t.timestamp)
        ),
        Event::Funding(f) => format!(
            "{} {} mark {:?} rate {} predicted {:?} next {} at {}",
            f.exchange,
            f.symbol,
            f.mark_price,
            f.rate,
            f.predicted_rate,
            time(f.next_funding_time),
            time(f.timestamp)
        ),
        Event::Liquidation(l) => format!(
            "{} {} {:?} {} x {} id {:?} {} at {}",
            l.exchange,
            l.symbol,
            l.side,
            l.quantity,
            l.price,
            l.id,
            l.status,
            time(l.timestamp)
        ),
        Event::Candle(c) => format!(
            "{} {} {} {}..{} trades {:?} ohlcv {} {} {} {} {} closed {} at {}",
            c.exchange,
            c.symbol,
            c.interval,
            time(Some(c.start)),
            time(Some(c.stop)),
            c.trades,
            c.open,
            c.high,
            c.low,
            c.close,
            c.volume,
            c.closed,
            time(c.timestamp)
        ),
        Event::OpenInterest(o) => format!(
            "{} {} {} notional {:?} at {}",
            o.exchange,
            o.symbol,
            o.open_interest,
            o.notional,
            time(o.timestamp)
        ),
        other => format!("{other:?}"),
    }
}

/// A product's channel test: a feed of `channels` for `symbols` (candles of 5m) against a
/// scripted exchange answering the SUBSCRIBE of `streams` with `frames` (a ping and one
/// documented error among them), and REST by `rest`.
pub struct ChannelsCase {
    pub exchange_id: &'static str,
    /// `/fapi` or `/dapi`.
    pub rest_prefix: &'static str,
    pub exchange_info: &'static str,
    pub streams: &'static [&'static str],
    pub frames: fn() -> Vec<ServerFrame>,
    pub rest: fn(&str) -> Option<CannedResponse>,
    pub symbols: &'static [&'static str],
    pub channels: Vec<Channel>,
}

impl ChannelsCase {
    /// Runs the feed until 3 trades, 2 candles and 2 open interest figures arrived; checks
    /// the connection (one SUBSCRIBE, the ping answered, the one error frame counted,
    /// nothing malformed) and that the market list came from `<prefix>/v1/exchangeInfo`.
    /// Returns every data event and the REST targets requested.
    pub async fn run(self) -> (Vec<Event>, Arc<Mutex<Vec<String>>>) {
        let markets_path = format!("{}/v1/exchangeInfo", self.rest_prefix);
        let standin = ScriptedExchange::start(market_script(
            &markets_path,
            self.exchange_info,
            self.streams,
            self.frames,
        ))
        .await
        .unwrap();
        let (rest, targets) = logged_rest(&standin, self.rest).await;
        let feed = CcxtFeed::new(self.exchange_id, symbols(self.symbols), self.channels)
            .unwrap()
            .with_candle_interval("5m")
            .unwrap()
            .with_rest_endpoint(format!("https://localhost:{}", rest.port()))
            .with_websocket_endpoint(standin.websocket_url(""));
        let kinds = [
            EventKind::Trade,
            EventKind::Ticker,
            EventKind::Funding,
            EventKind::Liquidation,
            EventKind::Candle,
            EventKind::OpenInterest,
        ];
        let (events, stats) = collect_events(&standin, feed, &kinds, |events| {
            count(events, EventKind::Trade) >= 3
                && count(events, EventKind::Candle) >= 2
                && count(events, EventKind::OpenInterest) >= 2
        })
        .await;
        assert_eq!(standin.received().len(), 1, "{:?}", standin.received());
        assert_eq!(standin.pongs(), 1, "the ping was answered");
        assert_eq!(stats.exchange_errors, 1, "the documented error frame");
        assert_eq!(stats.parse_errors, 0);
        assert_requested(&targets, &[&markets_path]);
        (events, targets)
    }
}

/// Every one of `wanted` was requested.
pub fn assert_requested(targets: &Mutex<Vec<String>>, wanted: &[&str]) {
    let targets = targets.lock().unwrap().clone();
    for target in wanted {
        assert!(
            targets.iter().any(|seen| seen == target),
            "{target}: {targets:?}"
        );
    }
}

/// A futures product's book stand-in test: its true books (300 updates per symbol, the
/// 80th and 200th skipped) streamed to a feed of `channels` for `symbols` at depth 5. The
/// one SUBSCRIBE carries `streams`; every delivered book equals the true book, the last
/// shows the final one, each symbol has its two `pu` gaps, and snapshots are fetched once
/// per symbol and once per gap. Returns what the feed delivered.
pub async fn run_books(
    wire: FuturesBookWire,
    exchange_id: &str,
    symbols: &[&str],
    channels: Vec<Channel>,
    streams: &[&str],
    exchange_symbol: fn(&Symbol) -> String,
) -> Delivered {
    let script = StreamScript {
        updates: 300,
        faults: vec![(80, Fault::Skip), (200, Fault::Skip)],
        ..StreamScript::default()
    };
    let standin = BookStandIn::start(wire, script).await.unwrap();
    let feed = book_feed(exchange_id, symbols, channels, &standin, "", 5);
    let (delivered, stats) = run_until_finished(&standin, feed).await;

    assert_eq!(standin.received().len(), 1, "{:?}", standin.received());
    assert_eq!(
        json(&standin.received()[0]),
        serde_json::json!({"method": "SUBSCRIBE", "id": 1, "params": streams})
    );
    let truth = standin.truth();
    let checked =
        assert_books_match_truth(&delivered.books, &truth, exchange_symbol, Key::Sequence, 5);
    assert!(checked > 50, "books were delivered ({checked})");
    assert_caught_up(&delivered.books, &truth, exchange_symbol, 5);
    let mut book_symbols: Vec<&str> = delivered
        .books
        .iter()
        .map(|book| book.symbol.as_str())
        .collect();
    book_symbols.sort_unstable();
    book_symbols.dedup();
    let mut wanted = symbols.to_vec();
    wanted.sort_unstable();
    assert_eq!(book_symbols, wanted, "books of the feed's symbols only");
    // A skipped update breaks `pu == previous u` for that symbol alone, then its snapshot is
    // fetched again.
    assert_book_gaps(&delivered.gaps, symbols, 2, "sequence: expected pu=");
    assert_eq!(stats.gaps, 4);
    assert_eq!(
        stats.requests,
        2 + 4,
        "one snapshot per symbol, one per gap"
    );
    assert_eq!(stats.request_errors, 0);
    assert_eq!(stats.parse_errors + stats.exchange_errors, 0);
    delivered
}

/// The changes of one side as `[["price","size"],...]`.
pub fn levels(changes: &[Change], side: BookSide) -> String {
    let pairs: Vec<[&str; 2]> = changes
        .iter()
        .filter(|change| change.side == side)
        .map(|change| [change.price.as_str(), change.size.as_str()])
        .collect();
    serde_json::to_string(&pairs).unwrap()
}

/// The pair of a COIN-M symbol (`BTCUSD_PERP` → `BTCUSD`).
pub fn pair_of(symbol: &str) -> &str {
    symbol.split('_').next().unwrap_or(symbol)
}

/// A futures product's book stand-in wire: `depthUpdate` diffs with `pu` (and COIN-M's pair
/// `ps`), REST snapshots of limit 100 under `<prefix>/v1/depth`, book tickers for
/// `@bookTicker` streams and `extra` frames for the other streams asked for.
pub struct FuturesBookWire {
    /// `/fapi` or `/dapi`.
    pub rest_prefix: &'static str,
    /// The `exchangeInfo` body.
    pub exchange_info: &'static str,
    /// COIN-M's layouts: frames carry the pair `ps`.
    pub coin_m: bool,
    /// Frames answering a subscribed stream other than depth and book ticker.
    pub extra: fn(&str) -> Vec<String>,
}

impl FuturesBookWire {
    /// A book ticker of `symbol` in the product's documented layout; the second symbol's
    /// comes wrapped in the combined-stream form.
    pub fn book_ticker(&self, symbol: &str, index: usize) -> String {
        let id = 400_900_217 + index;
        let prices =
            format!(r#""b":"3700{index}.10","B":"2.500","a":"3700{index}.20","A":"0.100""#);
        let raw = if self.coin_m {
            format!(
                r#"{{"e":"bookTicker","u":{id},"s":"{symbol}","ps":"{}",{prices},"T":1700000000{index}09,"E":1700000000{index}10}}"#,
                pair_of(symbol)
            )
        } else {
            format!(
                r#"{{"e":"bookTicker","u":{id},"E":1700000000{index}10,"T":1700000000{index}09,"s":"{symbol}",{prices}}}"#
            )
        };
        if index == 0 {
            raw
        } else {
            let stream = format!("{}@bookTicker", symbol.to_ascii_lowercase());
            format!(r#"{{"stream":"{stream}","data":{raw}}}"#)
        }
    }
}

impl BookWire for FuturesBookWire {
    fn on_message(&self, message: &str) -> Reply {
        let request = json(message);
        let streams = streams(&request);
        let mut frames = vec![serde_json::json!({"result": null, "id": request["id"]}).to_string()];
        frames.extend(
            streams
                .iter()
                .filter_map(|stream| stream.strip_suffix("@bookTicker"))
                .enumerate()
                .map(|(index, symbol)| self.book_ticker(&symbol.to_ascii_uppercase(), index)),
        );
        frames.extend(streams.iter().flat_map(|stream| (self.extra)(stream)));
        Reply {
            frames,
            subscribe: streams
                .iter()
                .filter_map(|stream| stream.strip_suffix("@depth@100ms"))
                .map(str::to_ascii_uppercase)
                .collect(),
        }
    }

    /// The documented layout (the parser's hot path), `pu` the last id before the update.
    fn update_frame(&self, symbol: &str, update: &Update, _book: &TrueBook) -> String {
        let pair = if self.coin_m {
            format!(r#","ps":"{}""#, pair_of(symbol))
        } else {
            String::new()
        };
        format!(
            r#"{{"e":"depthUpdate","E":{},"T":{},"s":"{symbol}"{pair},"U":{},"u":{},"pu":{},"b":{},"a":{}}}"#,
            update.timestamp_ms,
            update.timestamp_ms - 1,
            update.first_id,
            update.last_id,
            update.prev_id,
            levels(&update.changes, BookSide::Bid),
            levels(&update.changes, BookSide::Ask),
        )
    }

    fn snapshot_request(&self, target: &str) -> Option<String> {
        let query = target.strip_prefix(&format!("{}/v1/depth?", self.rest_prefix))?;
        assert_eq!(
            query_value(query, "limit"),
            Some("100"),
            "the documented limit chosen for book_depth 5: {query}"
        );
        query_value(query, "symbol").map(str::to_owned)
    }

    fn snapshot_body(&self, symbol: &str, book: &TrueBook, last_id: u64) -> String {
        let mut body = serde_json::json!({
            "lastUpdateId": last_id, "E": 1_700_000_000_000_i64, "T": 1_699_999_999_999_i64,
            "bids": top_pairs(book, BookSide::Bid, 100), "asks": top_pairs(book, BookSide::Ask, 100),
        });
        if self.coin_m {
            body["symbol"] = symbol.into();
            body["pair"] = pair_of(symbol).into();
        }
        body.to_string()
    }

    fn markets(&self) -> (String, String) {
        (
            format!("{}/v1/exchangeInfo", self.rest_prefix),
            self.exchange_info.into(),
        )
    }
}

/// No frames for any other stream.
pub fn no_extra(_stream: &str) -> Vec<String> {
    Vec::new()
}

/// A scripted exchange answering exactly the SUBSCRIBE of `streams` (id 1) with `frames`,
/// and anything else with a documented error.
pub fn market_script(
    markets_path: &str,
    exchange_info: &'static str,
    streams: &'static [&'static str],
    frames: fn() -> Vec<ServerFrame>,
) -> ExchangeScript {
    ExchangeScript {
        markets_path: markets_path.into(),
        markets: CannedResponse::ok(exchange_info),
        on_connect: vec![],
        on_message: Arc::new(move |message: &str| {
            let expected = serde_json::json!({
                "method": "SUBSCRIBE", "params": streams, "id": 1
            });
            if json(message) != expected {
                return vec![
                    r#"{"code":2,"msg":"Invalid request: unexpected subscription"}"#.into(),
                ];
            }
            frames()
        }),
    }
}

/// A REST server trusted as the stand-in's, answering `answer` and logging every target.
pub async fn logged_rest(
    standin: &ScriptedExchange,
    answer: fn(&str) -> Option<CannedResponse>,
) -> (LoopbackServer, Arc<Mutex<Vec<String>>>) {
    let targets = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&targets);
    let rest = start_dynamic_http_server(
        std::net::Ipv4Addr::LOCALHOST.into(),
        Some(standin.cert.server_config()),
        move |target| {
            log.lock().unwrap().push(target.to_owned());
            answer(target)
        },
    )
    .await
    .unwrap();
    (rest, targets)
}
