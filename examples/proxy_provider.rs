//! A `ProxyProvider` of your own: the members of every proxied route come from a
//! rotating-proxy service (here a stand-in answering from a list), with the same
//! fail-closed rules as the configuration: a provider error or an empty answer fails the
//! connection, never direct.
//!
//! Runs offline and prints the routes chosen, then shows the fail-closed errors:
//!   cargo run --example proxy_provider
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use feedhandler::feed_core::connect::{
    clear_proxy_provider, ConnectStage, ExchangeConnector, ProviderError, ProxyProvider,
};
use feedhandler::{
    init_proxy_provider, init_proxy_system, ConnectionKind, ConnectionProxies, ProxyConfig,
    ProxyPool, ProxySettings,
};

/// Stands in for a rotating-proxy service's API: every call hands out the next two exits
/// of its list; it "fails" for exchanges it has no exits for.
struct RotatingService {
    exits: Vec<String>,
    calls: AtomicUsize,
}

#[async_trait]
impl ProxyProvider for RotatingService {
    async fn members(
        &self,
        exchange: &str,
        _kind: ConnectionKind,
        _configured: &ProxyPool,
    ) -> Result<Vec<ProxyConfig>, ProviderError> {
        if exchange == "okx" {
            return Err(ProviderError::new("the service has no exits for okx"));
        }
        let call = self.calls.fetch_add(1, Ordering::Relaxed);
        (0..2)
            .map(|offset| {
                let url = &self.exits[(call * 2 + offset) % self.exits.len()];
                ProxyConfig::new(url).map_err(|error| ProviderError::new(error.to_string()))
            })
            .collect()
    }

    async fn report_failure(
        &self,
        exchange: &str,
        kind: ConnectionKind,
        member: &ProxyConfig,
        stage: &ConnectStage,
    ) {
        println!(
            "  provider told: {exchange} {kind} member {} failed at {}",
            member.url(),
            stage.name()
        );
    }

    fn name(&self) -> &str {
        "rotating service"
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map_or(9, |address| address.port())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The settings say which exchanges are proxied (binance and okx, through the service's
    // gateway) and which are direct (everything else).
    let gateway = ProxyConfig::new("socks5h://gateway.invalid:1080")?;
    init_proxy_system(
        ProxySettings::enabled()
            .with_exchange("binance", ConnectionProxies::both(gateway.clone()))
            .with_exchange("okx", ConnectionProxies::both(gateway)),
    );
    // Exits on this machine where nothing listens: connecting through them fails at the
    // proxy, as a dead exit would.
    let exits = (0..4)
        .map(|_| format!("socks5h://user:secret@127.0.0.1:{}", free_port()))
        .collect();
    init_proxy_provider(Arc::new(RotatingService {
        exits,
        calls: AtomicUsize::new(0),
    }));

    println!("routes (members redacted):");
    for exchange in ["binance", "kraken", "okx"] {
        let connector = ExchangeConnector::new(exchange);
        for kind in ConnectionKind::ALL {
            let shown = kind.to_string();
            match connector.provided_route(kind).await {
                Ok(route) => println!("  {exchange:8} {shown:9} {route}"),
                Err(error) => println!("  {exchange:8} {shown:9} refused: {}", error.stage),
            }
        }
    }

    println!("connecting through exits that are down:");
    let target = format!("ws://127.0.0.1:{}/stream", free_port());
    for exchange in ["binance", "okx"] {
        match ExchangeConnector::new(exchange).websocket(&target).await {
            Ok(_) => println!("  {exchange}: connected (unexpected)"),
            Err(error) => println!("  {exchange}: {error}"),
        }
    }
    clear_proxy_provider();
    Ok(())
}
