//! Shared by the per-exchange stand-in tests: run a `CcxtFeed` against a scripted exchange
//! and collect what reaches the callbacks.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use feed_ccxt::{
    AdapterError, CcxtFeed, ConnectRequest, ConnectTarget, DefaultEndpoints, ExchangeAdapter,
    FrameContext, Market, ParsedFrame, PollRequest, SubscribeRequest, Subscription,
};
use feed_core::book::{BookBatch, BookParams, BookRules};
use feed_core::connect::{client_config, load_ca_file};
use feed_core::runtime::{
    Callbacks, FeedHandler, FrameError, KeepAlive, ReconnectPolicy, StartError, StatsSnapshot,
};
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

/// Runs `feed` until `done` says the events of `kinds` collected so far are enough (or 10 s
/// passed), then a little longer; returns them and the counters.
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

/// A registered adapter with its keep-alive message but a 1 s interval, so that a test sees
/// it; everything else is delegated unchanged.
pub struct QuickKeepAlive(pub Arc<dyn ExchangeAdapter>);

impl ExchangeAdapter for QuickKeepAlive {
    fn id(&self) -> &'static str {
        self.0.id()
    }
    fn name(&self) -> String {
        self.0.name()
    }
    fn default_endpoints(&self) -> DefaultEndpoints {
        self.0.default_endpoints()
    }
    fn channels(&self) -> &'static [Channel] {
        self.0.channels()
    }
    fn candle_intervals(&self) -> &'static [&'static str] {
        self.0.candle_intervals()
    }
    fn markets_url(&self, rest_base: &str) -> String {
        self.0.markets_url(rest_base)
    }
    fn markets_urls(&self, rest_base: &str) -> Vec<String> {
        self.0.markets_urls(rest_base)
    }
    fn markets_post_body(&self) -> Option<String> {
        self.0.markets_post_body()
    }
    fn parse_markets(&self, body: &str) -> Result<Vec<Market>, AdapterError> {
        self.0.parse_markets(body)
    }
    fn websocket_url(&self, websocket_base: &str, subscriptions: &[Subscription]) -> String {
        self.0.websocket_url(websocket_base, subscriptions)
    }
    fn connect_request(&self, rest_base: &str) -> Option<ConnectRequest> {
        self.0.connect_request(rest_base)
    }
    fn parse_connect_reply(&self, body: &str) -> Result<ConnectTarget, AdapterError> {
        self.0.parse_connect_reply(body)
    }
    fn subscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<SubscribeRequest> {
        self.0.subscribe_messages(subscriptions)
    }
    fn unsubscribe_messages(&self, subscriptions: &[Subscription]) -> Vec<String> {
        self.0.unsubscribe_messages(subscriptions)
    }
    fn keep_alive(&self) -> Option<KeepAlive> {
        match self.0.keep_alive() {
            Some(KeepAlive::Text { message, .. }) => Some(KeepAlive::Text {
                interval: Duration::from_secs(1),
                message,
            }),
            other => other,
        }
    }
    fn book_rules(&self) -> Option<BookRules> {
        self.0.book_rules()
    }
    fn book_params(&self, subscription: &Subscription, market: Option<&Market>) -> BookParams {
        self.0.book_params(subscription, market)
    }
    fn book_snapshot_url(&self, rest_base: &str, subscription: &Subscription) -> Option<String> {
        self.0.book_snapshot_url(rest_base, subscription)
    }
    fn parse_book_snapshot(
        &self,
        body: &str,
        subscription: &Subscription,
        out: &mut BookBatch,
    ) -> Result<(), FrameError> {
        self.0.parse_book_snapshot(body, subscription, out)
    }
    fn poll(
        &self,
        rest_base: &str,
        subscription: &Subscription,
        polled: usize,
    ) -> Option<PollRequest> {
        self.0.poll(rest_base, subscription, polled)
    }
    fn parse_poll(
        &self,
        body: &str,
        subscription: &Subscription,
        context: &FrameContext<'_>,
        out: &mut ParsedFrame,
    ) -> Result<(), FrameError> {
        self.0.parse_poll(body, subscription, context, out)
    }
    fn parse_frame(
        &self,
        frame: &str,
        context: &FrameContext<'_>,
        out: &mut ParsedFrame,
    ) -> Result<(), FrameError> {
        self.0.parse_frame(frame, context, out)
    }
    fn parse_binary_frame(
        &self,
        frame: &[u8],
        context: &FrameContext<'_>,
        out: &mut ParsedFrame,
    ) -> Result<(), FrameError> {
        self.0.parse_binary_frame(frame, context, out)
    }
}

/// The JSON value of a message, for comparing subscribe messages regardless of key order.
pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("not JSON ({error}): {text}"))
}
pub mod binance_derivatives;
pub mod books;
