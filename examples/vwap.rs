//! Consuming normalized trades: a callback that keeps a running volume-weighted average
//! price per symbol, in exact decimals.
//!
//! Runs offline against the embedded simulated exchange (the one `feedhandler demo` uses):
//!   cargo run --example vwap
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use feedhandler::demo::{certificate, SimulatedExchange};
use feedhandler::feed_ccxt::CcxtFeed;
use feedhandler::feed_core::runtime::{Callbacks, FeedHandler};
use feedhandler::{Channel, Symbol, Trade};
use rust_decimal::Decimal;

/// Running sums per symbol: Σ price·amount and Σ amount.
#[derive(Default)]
struct Vwap {
    by_symbol: HashMap<Symbol, (Decimal, Decimal)>,
}

impl Vwap {
    fn add(&mut self, trade: &Trade) -> Decimal {
        let (notional, volume) = self.by_symbol.entry(trade.symbol.clone()).or_default();
        *notional += trade.price * trade.amount;
        *volume += trade.amount;
        (*notional / *volume).round_dp(4)
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    // A local exchange speaking Binance's wire format over wss://, with its own certificate.
    let tls = certificate::generate()?;
    let exchange = SimulatedExchange::start(Arc::clone(&tls.server), 50.0).await?;

    let feed = CcxtFeed::new(
        "binance",
        vec![Symbol::parse("BTC-USDT")?, Symbol::parse("ETH-USDT")?],
        vec![Channel::Trades],
    )?
    .with_rest_endpoint(exchange.rest_base.clone())
    .with_websocket_endpoint(exchange.websocket_url.clone());

    let vwap = Arc::new(Mutex::new(Vwap::default()));
    let callbacks = Callbacks::new().on_trade(move |trade: &Trade| {
        let average = vwap
            .lock()
            .map(|mut vwap| vwap.add(trade))
            .unwrap_or_default();
        println!(
            "{:<9} {:>4} {:>12} @ {:>10}   VWAP {average}",
            trade.symbol, trade.side, trade.amount, trade.price
        );
    });

    let client_tls = Arc::clone(&tls.client);
    let mut handler = FeedHandler::new()
        .with_connector_setup(move |c| c.with_tls_config(Arc::clone(&client_tls)));
    handler.add_feed(feed, callbacks);
    let stop = handler.shutdown_handle();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(3)).await;
        stop.shutdown();
    });
    handler.run().await?;
    Ok(())
}
