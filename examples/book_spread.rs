//! Consuming order books: the spread and mid of each symbol's book, and the size resting
//! within 10 basis points of the mid, in exact decimals; gaps are reported where the data
//! has a hole (none here on a healthy stream).
//!
//! Runs offline against the embedded simulated exchange (the one `feedhandler demo` uses):
//! its books are synchronized exactly as on Binance (diffs joined to a REST snapshot).
//!   cargo run --example book_spread
use std::sync::Arc;
use std::time::Duration;

use feedhandler::demo::{certificate, SimulatedExchange};
use feedhandler::feed_ccxt::CcxtFeed;
use feedhandler::feed_core::runtime::{Callbacks, FeedHandler};
use feedhandler::feed_core::{Gap, L2Book, Level};
use feedhandler::{Channel, Symbol};
use rust_decimal::Decimal;

/// The size of the levels priced within `band` (a fraction) of the mid.
fn size_near_mid(levels: &[Level], mid: Decimal, band: Decimal) -> Decimal {
    levels
        .iter()
        .filter(|level| ((level.price - mid) / mid).abs() <= band)
        .map(|level| level.size)
        .sum()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let tls = certificate::generate()?;
    let exchange = SimulatedExchange::start(Arc::clone(&tls.server), 20.0).await?;

    let feed = CcxtFeed::new(
        "binance",
        vec![Symbol::parse("BTC-USDT")?, Symbol::parse("ETH-USDT")?],
        vec![Channel::L2Book],
    )?
    .with_book_depth(20)
    .with_rest_endpoint(exchange.rest_base.clone())
    .with_websocket_endpoint(exchange.websocket_url.clone());

    let band = Decimal::new(10, 4); // 10 basis points
    let callbacks = Callbacks::new()
        .on_book(move |book: &L2Book| {
            let (Some(spread), Some(mid)) = (book.spread(), book.mid()) else {
                return;
            };
            println!(
                "{:<9} #{:<6} bid {:>10} ask {:>10} spread {:>6} mid {:>12}  within 10 bp: {} bid / {} ask",
                book.symbol,
                book.sequence.unwrap_or_default(),
                book.bids[0].price,
                book.asks[0].price,
                spread,
                mid.round_dp(3),
                size_near_mid(&book.bids, mid, band),
                size_near_mid(&book.asks, mid, band),
            );
        })
        .on_gap(|gap: &Gap| println!("{:<9} GAP ({}): {}", gap.symbol, gap.channel, gap.reason));

    let client_tls = Arc::clone(&tls.client);
    let mut handler = FeedHandler::new()
        .with_connector_setup(move |c| c.with_tls_config(Arc::clone(&client_tls)));
    handler.add_feed(feed, callbacks);
    let stop = handler.shutdown_handle();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(3)).await;
        stop.shutdown();
    });
    for report in handler.run().await? {
        eprintln!(
            "{}: {} books, {} gaps",
            report.name, report.stats.books, report.stats.gaps
        );
    }
    Ok(())
}
