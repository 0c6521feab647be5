//! `feedhandler demo`: an embedded simulated exchange and feeds connected to it through the
//! normal code path, so the main job runs anywhere, even with no internet.

pub mod certificate;
mod exchange;
mod market;

use std::sync::Arc;

use feed_proxy::{ConnectionProxies, ProxyConfig, ProxySettings};

use crate::cli::exit;
use crate::cli::run::{run_feeds, StopRules};
use crate::config::{
    AppConfig, EndpointOverrides, FeedConfig, MetricsConfig, OutputConfig, TlsConfig,
};

pub use certificate::DemoTls;
pub use exchange::SimulatedExchange;

/// What the demo runs.
#[derive(Debug, Clone, Default)]
pub struct DemoOptions {
    /// When to stop.
    pub rules: StopRules,
    /// Trades per second the simulator sends.
    pub rate: f64,
    /// Route both connections through this proxy (to try a proxy with no exchange access).
    pub proxy: Option<String>,
    /// Serve `/metrics` and `/health` here.
    pub metrics: Option<std::net::SocketAddr>,
}

/// Book levels per side the demo prints.
pub const DEMO_BOOK_DEPTH: usize = 5;

/// Starts the simulator and a Binance feed of BTC-USDT and ETH-USDT trades and books (top
/// five levels) against it; returns the exit code.
pub async fn run(options: DemoOptions) -> i32 {
    let tls = match certificate::generate() {
        Ok(tls) => tls,
        Err(error) => {
            say!("error: generating the demo certificate: {error}");
            return exit::FAILURE;
        }
    };
    let exchange = match SimulatedExchange::start(Arc::clone(&tls.server), options.rate).await {
        Ok(exchange) => exchange,
        Err(error) => {
            say!("error: starting the simulated exchange: {error}");
            return exit::FAILURE;
        }
    };
    let proxy = match options.proxy.as_deref().map(ProxyConfig::new).transpose() {
        Ok(proxy) => proxy,
        Err(error) => {
            say!("error: --proxy: {error}");
            return exit::USAGE;
        }
    };
    let settings = match proxy {
        Some(proxy) => {
            ProxySettings::enabled().with_exchange("binance", ConnectionProxies::both(proxy))
        }
        None => ProxySettings::disabled(),
    };
    tracing::info!(rest = %exchange.rest_base, websocket = %exchange.websocket_url, "simulated Binance exchange listening");
    let config = AppConfig {
        path: None,
        proxy: settings,
        tls: TlsConfig::default(),
        feeds: vec![FeedConfig {
            name: "binance-demo".into(),
            exchange_id: "binance".into(),
            symbols: ["BTC-USDT", "ETH-USDT"]
                .iter()
                .filter_map(|symbol| feed_core::Symbol::parse(symbol).ok())
                .collect(),
            every_market: None,
            channels: vec![feed_core::Channel::Trades, feed_core::Channel::L2Book],
            book_depth: DEMO_BOOK_DEPTH,
            endpoints: EndpointOverrides {
                rest: url::Url::parse(&exchange.rest_base).ok(),
                websocket: url::Url::parse(&exchange.websocket_url).ok(),
            },
            stale_after: None,
            candle_interval: None,
        }],
        output: OutputConfig::default(),
        metrics: MetricsConfig {
            listen: options.metrics,
            ..MetricsConfig::default()
        },
        start_failure: feed_core::runtime::StartFailure::Stop,
    };
    let client_tls = Arc::clone(&tls.client);
    run_feeds(&config, options.rules, move |handler| {
        handler.with_connector_setup(move |connector| {
            connector.with_tls_config(Arc::clone(&client_tls))
        })
    })
    .await
}
