//! Derivatives channels: funding, open interest, liquidations and candles of USD-M
//! perpetuals on Binance, and the same perpetual's funding on Hyperliquid, with typed
//! callbacks. Binance USD-M serves these four on its `/market` stream path, so they go in
//! one feed (books and tickers would be a second feed on `/public`).
//!
//! Run (needs internet; from a region Binance blocks, route `binance_futures` through a
//! proxy with `init_proxy_system`, as `zero_code_proxies.rs` shows):
//!   cargo run --example derivatives
use std::time::Duration;

use feedhandler::feed_ccxt::CcxtFeed;
use feedhandler::feed_core::runtime::{Callbacks, FeedHandler};
use feedhandler::feed_core::{Candle, Funding, Liquidation, OpenInterest};
use feedhandler::{Channel, Symbol};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let perpetuals = vec![
        Symbol::parse("BTC-USDT-PERP")?,
        Symbol::parse("ETH-USDT-PERP")?,
    ];
    let binance = CcxtFeed::new(
        "binance_futures",
        perpetuals,
        vec![
            Channel::Funding,
            Channel::OpenInterest,
            Channel::Liquidations,
            Channel::Candles,
        ],
    )?
    .with_candle_interval("1m")?;
    let hyperliquid = CcxtFeed::new(
        "hyperliquid",
        vec![Symbol::perpetual("BTC", "USDC")],
        vec![Channel::Funding, Channel::OpenInterest],
    )?;

    let callbacks = Callbacks::new()
        .on_funding(|funding: &Funding| {
            println!(
                "{:<12} {:<16} funding {:>12} mark {:?} next {:?}",
                funding.exchange,
                funding.symbol,
                funding.rate,
                funding.mark_price,
                funding.next_funding_time
            );
        })
        .on_open_interest(|interest: &OpenInterest| {
            println!(
                "{:<12} {:<16} open interest {}",
                interest.exchange, interest.symbol, interest.open_interest
            );
        })
        .on_liquidation(|liquidation: &Liquidation| {
            println!(
                "{:<12} {:<16} LIQUIDATION {} {} @ {} ({})",
                liquidation.exchange,
                liquidation.symbol,
                liquidation.side.as_str(),
                liquidation.quantity,
                liquidation.price,
                liquidation.status
            );
        })
        .on_candle(|candle: &Candle| {
            if candle.closed {
                println!(
                    "{:<12} {:<16} {} bar o {} h {} l {} c {} v {}",
                    candle.exchange,
                    candle.symbol,
                    candle.interval,
                    candle.open,
                    candle.high,
                    candle.low,
                    candle.close,
                    candle.volume
                );
            }
        });

    let mut handler = FeedHandler::new();
    handler.add_feed(binance, callbacks.clone());
    handler.add_feed(hyperliquid, callbacks);
    let stop = handler.shutdown_handle();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(90)).await;
        stop.shutdown();
    });
    for report in handler.run().await? {
        eprintln!(
            "{}: {} frames, lag {}",
            report.name,
            report.stats.frames,
            report.stats.lag.display()
        );
    }
    Ok(())
}
