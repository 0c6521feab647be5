//! A `symbols: ALL` Binance feed against a stand-in that enforces Binance's documented
//! limits (`feed_testkit::LimitedBinance`: 1024 streams and 5 incoming messages per second
//! per connection, 300 connections per 5 minutes per IP) over 1,500 markets: every market
//! gets its trades and no limit is broken. And clients that break a limit are caught, so
//! the stand-in's silence means something.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use feed_ccxt::{CcxtFeed, MarketFilter};
use feed_core::connect::{client_config, load_ca_file};
use feed_core::runtime::{Callbacks, FeedHandler, ReconnectPolicy, VenueLimits};
use feed_core::{Channel, Event, EventKind};
use feed_testkit::{LimitedBinance, LimitedBinanceConfig, ViolationKind};

/// Trades received per symbol (`BTC-USDT` → n).
type Received = HashMap<String, usize>;

/// A feed of TRADES for every market the stand-in lists.
fn every_market(standin: &LimitedBinance) -> CcxtFeed {
    CcxtFeed::every_market("binance", MarketFilter::all(), vec![Channel::Trades])
        .unwrap()
        .with_rest_endpoint(standin.rest_base())
        .with_websocket_endpoint(standin.websocket_url())
}

/// Runs `feed` until `done` holds for what arrived and what the stand-in saw, or `within`
/// passed; returns the trades received per symbol.
async fn run_until(
    standin: &Arc<LimitedBinance>,
    feed: CcxtFeed,
    within: Duration,
    done: impl Fn(&Received, &LimitedBinance) -> bool + Send + 'static,
) -> Received {
    let tls = client_config(&load_ca_file(&standin.cert.ca_file()).unwrap()).unwrap();
    let mut handler = FeedHandler::new()
        .stop_on_ctrl_c(false)
        .with_reconnect_policy(ReconnectPolicy {
            initial_delay: Duration::from_millis(50),
            ..ReconnectPolicy::default()
        })
        .with_connector_setup(move |connector| connector.with_tls_config(Arc::clone(&tls)));
    let received: Arc<Mutex<Received>> = Arc::default();
    let sink = Arc::clone(&received);
    handler.add_feed(
        feed,
        Callbacks::new().on_event(&[EventKind::Trade], move |event: &Event| {
            if let Event::Trade(trade) = event {
                *sink
                    .lock()
                    .unwrap()
                    .entry(trade.symbol.as_str().to_owned())
                    .or_default() += 1;
            }
        }),
    );
    let stop = handler.shutdown_handle();
    let (watched, probe) = (Arc::clone(&received), Arc::clone(standin));
    tokio::spawn(async move {
        let deadline = tokio::time::Instant::now() + within;
        while tokio::time::Instant::now() < deadline {
            if done(&watched.lock().unwrap(), &probe) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        stop.shutdown();
    });
    let _ = handler.run().await;
    let received = received.lock().unwrap().clone();
    received
}

/// `BTC-USDT` for every listed market.
fn feed_symbols(standin: &LimitedBinance) -> Vec<String> {
    standin
        .markets()
        .iter()
        .map(|(_, base, quote)| format!("{base}-{quote}"))
        .collect()
}

/// The runtime spreads the feed over as many connections as
/// `VenueLimits::subscriptions_per_connection` requires (1,500 streams: two connections),
/// paces each connection's messages, and every market gets its trades.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_market_of_binance_gets_trades_within_every_limit() {
    let standin = Arc::new(
        LimitedBinance::start(LimitedBinanceConfig::default())
            .await
            .unwrap(),
    );
    assert_eq!(standin.markets().len(), 1500);
    let wanted = feed_symbols(&standin);
    let expected = wanted.clone();
    let received = run_until(
        &standin,
        every_market(&standin),
        Duration::from_secs(60),
        move |received, standin| {
            !standin.violations().is_empty() || expected.iter().all(|s| received.contains_key(s))
        },
    )
    .await;

    assert!(
        standin.violations().is_empty(),
        "no limit broken: {:#?}",
        standin.violations()
    );
    let missing: Vec<&String> = wanted
        .iter()
        .filter(|s| !received.contains_key(*s))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of 1500 markets got no trade, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(5)]
    );
    let limits = feed_ccxt::adapter("binance").unwrap().limits();
    let connections = standin.connections();
    assert!(
        connections.iter().all(|c| c.max_streams <= 1024),
        "{connections:#?}"
    );
    assert!(
        connections.len() >= limits.connections_for(1500),
        "1500 streams need two connections: {connections:#?}"
    );
    assert!(
        connections.len() <= standin.config().connections_per_window,
        "{} connections",
        connections.len()
    );
    assert!(
        standin.max_open_connections() <= limits.connections_for(1500) + 1,
        "at most one replacement open beside the planned connections"
    );
}

/// The same run at a size one connection carries (1,000 markets, 1,000 streams): every
/// market gets trades and nothing is broken. (Shows the stand-in and the feed work at
/// scale today, whatever the planner does.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_markets_on_one_connection_get_trades_within_every_limit() {
    let standin = Arc::new(
        LimitedBinance::start(LimitedBinanceConfig {
            markets: 1000,
            ..LimitedBinanceConfig::default()
        })
        .await
        .unwrap(),
    );
    let wanted = feed_symbols(&standin);
    let expected = wanted.clone();
    let received = run_until(
        &standin,
        every_market(&standin),
        Duration::from_secs(60),
        move |received, standin| {
            !standin.violations().is_empty() || expected.iter().all(|s| received.contains_key(s))
        },
    )
    .await;
    assert!(
        standin.violations().is_empty(),
        "{:#?}",
        standin.violations()
    );
    assert_eq!(
        wanted.iter().filter(|s| received.contains_key(*s)).count(),
        1000,
        "every market got trades"
    );
    let connections = standin.connections();
    assert_eq!(connections.len(), 1, "{connections:#?}");
    assert_eq!(connections[0].max_streams, 1000);
}

/// A client that puts more streams on a connection than Binance allows (here: a feed
/// told the limit is 2,000) is cut off, and the stand-in names the violation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_over_the_stream_limit_is_caught() {
    let standin = Arc::new(
        LimitedBinance::start(LimitedBinanceConfig::default())
            .await
            .unwrap(),
    );
    let wrong = VenueLimits {
        subscriptions_per_connection: Some(2000),
        ..feed_ccxt::adapter("binance").unwrap().limits()
    };
    let received = run_until(
        &standin,
        every_market(&standin).with_limits(wrong),
        Duration::from_secs(20),
        |_, standin| !standin.violations().is_empty(),
    )
    .await;
    let violations = standin.violations();
    assert!(
        violations
            .iter()
            .any(|v| v.kind == ViolationKind::TooManyStreams && v.detail.contains("1500 streams")),
        "{violations:#?}"
    );
    assert!(violations.iter().all(|v| v.peer.ip().is_loopback()));
    assert!(
        received.is_empty(),
        "the refused connection carried nothing"
    );
}

/// A client that reconnects past the per-IP window (here 2 connections per minute, and a
/// 300 ms lifetime that forces reconnects) is refused with HTTP 429, and caught.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_over_the_connection_window_is_caught() {
    let standin = Arc::new(
        LimitedBinance::start(LimitedBinanceConfig {
            markets: 10,
            connections_per_window: 2,
            connection_window: Duration::from_secs(60),
            lifetime: Duration::from_millis(300),
            trade_interval: Duration::from_millis(50),
            ..LimitedBinanceConfig::default()
        })
        .await
        .unwrap(),
    );
    let received = run_until(
        &standin,
        every_market(&standin),
        Duration::from_secs(20),
        |_, standin| {
            standin
                .violations()
                .iter()
                .any(|v| v.kind == ViolationKind::TooManyConnections)
        },
    )
    .await;
    assert!(
        standin
            .violations()
            .iter()
            .any(|v| v.kind == ViolationKind::TooManyConnections),
        "{:#?}",
        standin.violations()
    );
    assert!(standin.connections().len() <= 2, "the third was refused");
    assert!(standin.connections().iter().any(|c| c.expired));
    assert!(
        !received.is_empty(),
        "trades flowed before the window was used up"
    );
}

/// What a renewal test saw: trade ids per symbol, gaps, and why connections closed.
#[derive(Default)]
struct Seen {
    ids: HashMap<String, Vec<u64>>,
    gaps: Vec<String>,
    disconnects: Vec<Option<String>>,
}

/// Make before break across the venue's forced disconnect: the stand-in closes every
/// connection after 10 s; the feed, told so, renews each one before that (a new connection
/// subscribed, an overlap, the old one closed) — over 22 s every connection is renewed at
/// least twice, the stand-in never has to close one, and every symbol's trades arrive
/// exactly once, without a gap (the stand-in's ids are one tape, the same trade on every
/// connection that carries it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_are_renewed_before_the_forced_disconnect_without_gap_or_duplicate() {
    let lifetime = Duration::from_secs(10);
    let standin = Arc::new(
        LimitedBinance::start(LimitedBinanceConfig {
            markets: 30,
            trade_interval: Duration::from_millis(20),
            lifetime,
            ..LimitedBinanceConfig::default()
        })
        .await
        .unwrap(),
    );
    // Two connections of 20 and 10 streams, each renewed on its own.
    let limits = VenueLimits {
        subscriptions_per_connection: Some(20),
        forced_disconnect: Some(lifetime),
        ..feed_ccxt::adapter("binance").unwrap().limits()
    };
    let feed = every_market(&standin).with_limits(limits);
    let tls = client_config(&load_ca_file(&standin.cert.ca_file()).unwrap()).unwrap();
    let mut handler = FeedHandler::new()
        .stop_on_ctrl_c(false)
        .with_connector_setup(move |connector| connector.with_tls_config(Arc::clone(&tls)));
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let sink = Arc::clone(&seen);
    handler.add_feed(
        feed,
        Callbacks::new().on_event(
            &[EventKind::Trade, EventKind::Gap, EventKind::Disconnected],
            move |event: &Event| {
                let mut seen = sink.lock().unwrap();
                match event {
                    Event::Trade(trade) => {
                        let Some(feed_core::TradeId::Number(id)) = trade.id else {
                            panic!("aggTrade ids are numbers: {trade:?}");
                        };
                        seen.ids
                            .entry(trade.symbol.as_str().to_owned())
                            .or_default()
                            .push(id);
                    }
                    Event::Gap(gap) => seen
                        .gaps
                        .push(format!("{} {}: {}", gap.symbol, gap.channel, gap.reason)),
                    Event::Disconnected(closed) => seen.disconnects.push(closed.reason.clone()),
                    _ => {}
                }
            },
        ),
    );
    let stop = handler.shutdown_handle();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(22)).await;
        stop.shutdown();
    });
    let reports = handler.run().await.unwrap();
    let seen = seen.lock().unwrap();

    assert!(seen.gaps.is_empty(), "no gap: {:#?}", seen.gaps);
    let renewed = seen
        .disconnects
        .iter()
        .filter(|reason| {
            reason
                .as_deref()
                .is_some_and(|reason| reason.contains("renewed"))
        })
        .count();
    assert!(
        renewed >= 4,
        "two connections renewed twice: {:?}",
        seen.disconnects
    );
    let connections = standin.connections();
    assert!(
        connections.iter().all(|connection| !connection.expired),
        "the stand-in never had to force a disconnect"
    );
    assert!(connections.len() >= 6, "{} connections", connections.len());
    assert!(
        standin.violations().is_empty(),
        "{:#?}",
        standin.violations()
    );
    assert_eq!(seen.ids.len(), 30, "every market traded");
    for (symbol, ids) in &seen.ids {
        let contiguous = ids.windows(2).all(|pair| pair[1] == pair[0] + 1);
        assert!(
            contiguous,
            "{symbol}: every trade once and in order across renewals: {:?}",
            ids.windows(2).find(|pair| pair[1] != pair[0] + 1).unwrap()
        );
        assert!(ids.len() > 500, "{symbol}: {} trades", ids.len());
    }
    assert_eq!(reports[0].stats.gaps, 0);
}
