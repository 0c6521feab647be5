//! Every adapter's declared limits ([`crate::ExchangeAdapter::limits`]) against the figures
//! its docs give: one table, so a new adapter must take a row, and Binance's figures
//! pinned.

use std::time::Duration;

use feed_core::runtime::Rate;
use feed_core::{Channel, Symbol};

use crate::adapter::Subscription;
use crate::registry;

/// Every built-in adapter and its documented subscriptions per connection (`None`: the
/// docs give none).
const PER_CONNECTION: &[(&str, Option<usize>)] = &[
    ("backpack", None),
    ("binance", Some(1024)),
    ("binance_delivery", Some(200)),
    ("binance_futures", Some(1024)),
    ("bitfinex", Some(25)),
    ("bitget", Some(1000)),
    ("bitstamp", None),
    ("bybit", None),
    ("coinbase", None),
    ("deribit", None),
    ("gateio", None),
    ("gemini", None),
    ("htx", None),
    ("hyperliquid", Some(1000)),
    ("kraken", None),
    ("kucoin", Some(300)),
    ("mexc", Some(30)),
    ("okx", None),
    ("upbit", None),
];

#[test]
fn every_adapter_declares_its_documented_per_connection_limit() {
    let mut built_in: Vec<&str> = super::built_in().iter().map(|a| a.id()).collect();
    built_in.sort_unstable();
    let ids: Vec<&str> = PER_CONNECTION.iter().map(|(id, _)| *id).collect();
    assert_eq!(built_in, ids, "every built-in adapter has a row");
    for (id, per_connection) in PER_CONNECTION {
        let limits = registry::adapter(id).unwrap().limits();
        assert_eq!(limits.subscriptions_per_connection, *per_connection, "{id}");
        assert!(
            limits.source.starts_with("https://"),
            "{id} cites its docs: {:?}",
            limits.source
        );
    }
}

#[test]
fn per_message_limits_are_the_ones_messages_are_split_by() {
    let per_message = |id: &str| {
        registry::adapter(id)
            .unwrap()
            .limits()
            .subscriptions_per_message
    };
    assert_eq!(
        per_message("bybit"),
        Some(super::bybit::MAX_ARGS_PER_SUBSCRIBE)
    );
    assert_eq!(per_message("kucoin"), Some(100));
    assert_eq!(per_message("binance"), None);
}

#[test]
fn binance_declares_its_documented_figures() {
    let binance = registry::adapter("binance").unwrap();
    let limits = binance.limits();
    assert_eq!(limits.subscriptions_per_connection, Some(1024));
    assert_eq!(limits.messages_per_connection, Some(Rate::per_second(5)));
    assert_eq!(
        limits.connections_per_egress,
        Some(Rate::new(300, Duration::from_secs(300)))
    );
    assert_eq!(limits.rest_weight_per_egress, Some(Rate::per_minute(6000)));
    assert_eq!(limits.forced_disconnect, Some(Duration::from_secs(86_400)));
    assert_eq!(limits.connections_for(1500), 2);
    let shown = limits.to_string();
    assert!(shown.contains("1024 subscriptions/connection"), "{shown}");
    assert!(shown.contains("REST weight 6000 per 1min"), "{shown}");

    // The default depth takes a 1000-level snapshot (weight 50); beyond 100, 5000 (250).
    let book = |depth: usize| Subscription {
        book_depth: depth,
        ..Subscription::new(
            Channel::L2Book,
            Symbol::parse("BTC-USDT").unwrap(),
            "BTCUSDT",
        )
    };
    assert_eq!(binance.book_snapshot_weight(&book(10)), 50);
    assert_eq!(binance.book_snapshot_weight(&book(500)), 250);
    // USD-M: the smallest limit of 20 times the depth: 10 levels → 500 → weight 10.
    let futures = registry::adapter("binance_futures").unwrap();
    assert_eq!(futures.book_snapshot_weight(&book(10)), 10);
    assert_eq!(
        futures.limits().messages_per_connection,
        Some(Rate::per_second(10))
    );
}
