//! Shared by the per-exchange stand-in tests: run a `CcxtFeed` against a scripted exchange
//! and collect what reaches the callbacks.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use feed_ccxt::CcxtFeed;
use feed_core::connect::{client_config, load_ca_file};
use feed_core::runtime::{Callbacks, FeedHandler, ReconnectPolicy, StartError, StatsSnapshot};
use feed_core::{Channel, Event, EventKind, Symbol, Trade};
use feed_proxy::ProxySettings;
use feed_testkit::ScriptedExchange;

/// A feed of TRADES for `symbols` pointed at the stand-in's endpoints.
pub fn feed_for(
    exchange_id: &str,
    symbols: &[&str],
    standin: &ScriptedExchange,
    ws_path: &str,
) -> CcxtFeed {
    let symbols = symbols.iter().map(|s| Symbol::parse(s).unwrap()).collect();
    CcxtFeed::new(exchange_id, symbols, vec![Channel::Trades])
        .unwrap()
        .with_rest_endpoint(standin.rest_base())
        .with_websocket_endpoint(standin.websocket_url(ws_path))
}

fn handler_trusting(standin: &ScriptedExchange) -> FeedHandler {
    let tls = client_config(&load_ca_file(&standin.cert.ca_file()).unwrap()).unwrap();
    FeedHandler::new()
        .stop_on_ctrl_c(false)
        .with_reconnect_policy(ReconnectPolicy {
            initial_delay: Duration::from_millis(20),
            ..ReconnectPolicy::default()
        })
        .with_connector_setup(move |connector| connector.with_tls_config(Arc::clone(&tls)))
}

/// Runs `feed` until `want` trades arrived (or 10 s passed); returns them and the counters.
pub async fn collect_trades(
    standin: &ScriptedExchange,
    feed: CcxtFeed,
    want: usize,
) -> (Vec<Trade>, StatsSnapshot) {
    let (events, stats) = collect_events(standin, feed, &[EventKind::Trade], move |events| {
        events.len() >= want
    })
    .await;
    let trades = events
        .into_iter()
        .filter_map(|event| match event {
            Event::Trade(trade) => Some(trade),
            _ => None,
        })
        .collect();
    (trades, stats)
}

/// Runs `feed` until the events of these kinds that arrived satisfy `done` (or 10 s
/// passed); returns them, in order, and the counters.
pub async fn collect_events(
    standin: &ScriptedExchange,
    feed: CcxtFeed,
    kinds: &[EventKind],
    done: impl Fn(&[Event]) -> bool + Send + 'static,
) -> (Vec<Event>, StatsSnapshot) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    let mut handler = handler_trusting(standin);
    let stats = handler.add_feed(
        feed,
        Callbacks::new().on_event(kinds, move |event: &Event| {
            sink.lock().unwrap().push(event.clone());
        }),
    );
    let stop = handler.shutdown_handle();
    let watched = Arc::clone(&events);
    tokio::spawn(async move {
        for _ in 0..1000 {
            if done(&watched.lock().unwrap()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // Let a few more frames (heartbeats, errors after the data) arrive.
        tokio::time::sleep(Duration::from_millis(150)).await;
        stop.shutdown();
    });
    handler.run().await.expect("the feed starts");
    let events = events.lock().unwrap().clone();
    (events, stats.snapshot())
}

/// Starts `feed` expecting it to fail before any trade.
pub async fn start_error(standin: &ScriptedExchange, feed: CcxtFeed) -> StartError {
    let mut handler = handler_trusting(standin);
    handler.add_feed(feed, Callbacks::new());
    handler.run().await.expect_err("the feed must not start")
}

/// The same feed with its own proxy settings routing both connections through `proxy_url`.
pub fn via_proxy(feed: CcxtFeed, exchange_id: &str, proxy_url: &str) -> CcxtFeed {
    let proxy = feed_proxy::ProxyConfig::new(proxy_url).unwrap();
    feed.with_proxy_settings(
        ProxySettings::enabled()
            .with_exchange(exchange_id, feed_proxy::ConnectionProxies::both(proxy)),
    )
}

/// The JSON value of a message, for comparing subscribe messages regardless of key order.
pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("not JSON ({error}): {text}"))
}
pub mod binance_derivatives;
pub mod books;
