//! A generic loopback "exchange" for connection tests: an HTTPS server answering
//! `/markets`, and echoing `ws://` and `wss://` servers, all on 127.0.0.1 with a test CA.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

use crate::certs::TestCertificate;
use crate::http_server::{start_http_server, CannedResponse};
use crate::listener::LoopbackServer;
use crate::ws_server::{echo, start_ws_server};

/// The body `/markets` answers with.
pub const MARKETS_BODY: &str = r#"{"markets":["BTC-USDT"]}"#;

/// HTTPS, ws:// and wss:// servers of one stand-in exchange.
pub struct EchoExchange {
    /// The certificate its TLS servers use (trust `cert.ca_file()`).
    pub cert: TestCertificate,
    /// `https://…/markets`.
    pub https: LoopbackServer,
    /// `ws://…` echo server.
    pub ws: LoopbackServer,
    /// `wss://…` echo server.
    pub wss: LoopbackServer,
}

impl EchoExchange {
    /// Starts all three servers on 127.0.0.1.
    ///
    /// # Errors
    /// When a certificate cannot be made or a port bound.
    pub async fn start() -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let cert = TestCertificate::generate()?;
        let mut routes = HashMap::new();
        routes.insert("/markets".to_owned(), CannedResponse::ok(MARKETS_BODY));
        let https = start_http_server(localhost, Some(cert.server_config()), routes).await?;
        let ws = start_ws_server(localhost, None, echo).await?;
        let wss = start_ws_server(localhost, Some(cert.server_config()), echo).await?;
        Ok(EchoExchange {
            cert,
            https,
            ws,
            wss,
        })
    }

    /// The three URLs with `host` (`localhost` or `127.0.0.1`): https, ws, wss.
    #[must_use]
    pub fn urls(&self, host: &str) -> [String; 3] {
        [
            format!("https://{host}:{}/markets", self.https.port()),
            format!("ws://{host}:{}/stream", self.ws.port()),
            format!("wss://{host}:{}/stream", self.wss.port()),
        ]
    }

    /// Every distinct peer address the three servers saw.
    #[must_use]
    pub fn peer_ips(&self) -> Vec<IpAddr> {
        let mut ips: Vec<IpAddr> = [&self.https, &self.ws, &self.wss]
            .iter()
            .flat_map(|server| server.peer_ips())
            .collect();
        ips.sort();
        ips.dedup();
        ips
    }

    /// Connections the three servers accepted in all.
    #[must_use]
    pub fn connection_count(&self) -> usize {
        [&self.https, &self.ws, &self.wss]
            .iter()
            .map(|server| server.connection_count())
            .sum()
    }
}
