//! The design's usage in Rust: configure proxies once, then write feeds that know nothing
//! of proxies.
//!
//! - `init_proxy_system(settings)`: every connection of every exchange picks its route up.
//! - Mixed usage: binance through a proxy, backpack direct.
//! - Per-feed settings: one feed carries its own, which win over the process-wide ones.
//!
//! Run (needs internet and a proxy):
//!   BINANCE_PROXY=socks5h://user:pass@10.0.0.1:1080 cargo run --example zero_code_proxies
use feedhandler::feed_ccxt::CcxtFeed;
use feedhandler::feed_core::runtime::{Callbacks, FeedHandler};
use feedhandler::{
    init_proxy_system, Channel, ConnectionProxies, ProxyConfig, ProxySettings, Symbol, Trade,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let binance_proxy =
        std::env::var("BINANCE_PROXY").unwrap_or_else(|_| "socks5h://127.0.0.1:1080".into());

    // 1. Once per process: binance (REST and WebSocket) through its proxy; every other
    //    exchange has no entry and no default, so it connects directly.
    init_proxy_system(ProxySettings::enabled().with_exchange(
        "binance",
        ConnectionProxies::both(ProxyConfig::new(&binance_proxy)?),
    ));

    // 2. Feeds name their exchange and nothing else.
    let binance = CcxtFeed::new(
        "binance",
        vec![Symbol::parse("BTC-USDT")?],
        vec![Channel::Trades],
    )?;
    let backpack = CcxtFeed::new(
        "backpack",
        vec![Symbol::parse("SOL-USDC")?],
        vec![Channel::Trades],
    )?;

    // 3. A feed with its own settings: this okx feed goes through its own SOCKS5 proxy
    //    whatever the process-wide settings say.
    let okx =
        CcxtFeed::new(
            "okx",
            vec![Symbol::parse("BTC-USDT")?],
            vec![Channel::Trades],
        )?
        .with_proxy_settings(ProxySettings::enabled().with_default(
            ConnectionProxies::both(ProxyConfig::new("socks5://127.0.0.1:1081")?),
        ));

    let print = Callbacks::new().on_trade(|trade: &Trade| println!("{}", trade.to_json_line()));
    let mut handler = FeedHandler::new();
    handler.add_feed(binance, print.clone());
    handler.add_feed(backpack, print.clone());
    handler.add_feed(okx, print);
    // Fails closed: if a proxy is unreachable, the run stops with an error naming the
    // exchange, the proxy (password redacted) and the stage; nothing connects directly.
    let reports = handler.run().await?;
    for report in reports {
        eprintln!(
            "{}: {} trades via {}",
            report.name, report.stats.trades, report.stats.route
        );
    }
    Ok(())
}
