//! A Binance stand-in streaming aggTrades of BTCUSDT and ETHUSDT alternately, paced, ids
//! 1..=N per symbol: a stream long enough to disturb a sink while it flows.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use feed_testkit::{
    start_http_server, start_ws_server, CannedResponse, LoopbackServer, TestCertificate,
};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use super::BINANCE_EXCHANGE_INFO;

/// The stand-in's servers and certificate.
pub struct PacedBinance {
    pub cert: TestCertificate,
    pub rest: LoopbackServer,
    pub websocket: LoopbackServer,
}

/// Trades per burst; a pause of `pause` after each.
const BURST: u64 = 50;

impl PacedBinance {
    /// Streams `per_symbol` trades of each symbol after the SUBSCRIBE, bursts of 50 with
    /// `pause` between.
    pub async fn start(per_symbol: u64, pause: Duration) -> PacedBinance {
        let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let cert = TestCertificate::generate().expect("a certificate");
        let mut routes = HashMap::new();
        routes.insert(
            "/api/v3/exchangeInfo".to_owned(),
            CannedResponse::ok(BINANCE_EXCHANGE_INFO),
        );
        let rest = start_http_server(localhost, Some(cert.server_config()), routes)
            .await
            .expect("the REST side");
        let websocket = start_ws_server(localhost, Some(cert.server_config()), move |mut socket, _| async move {
            while let Some(Ok(message)) = socket.next().await {
                let Message::Text(text) = message else { continue };
                if !text.contains("SUBSCRIBE") {
                    continue;
                }
                if socket.send(Message::text(r#"{"result":null,"id":1}"#)).await.is_err() {
                    return;
                }
                for sent in 0..per_symbol * 2 {
                    let (symbol, id) = if sent % 2 == 0 { ("BTCUSDT", sent / 2 + 1) } else { ("ETHUSDT", sent / 2 + 1) };
                    let frame = format!(
                        r#"{{"e":"aggTrade","E":1700000000000,"s":"{symbol}","a":{id},"p":"3700.{id}","q":"0.5","f":{id},"l":{id},"T":1700000000000,"m":{}}}"#,
                        id % 3 == 0
                    );
                    if socket.send(Message::text(frame)).await.is_err() {
                        return;
                    }
                    if (sent + 1) % BURST == 0 {
                        tokio::time::sleep(pause).await;
                    }
                }
                // Keep the connection open until the client goes.
                while let Some(Ok(_)) = socket.next().await {}
                return;
            }
        })
        .await
        .expect("the WebSocket side");
        PacedBinance {
            cert,
            rest,
            websocket,
        }
    }

    /// A config running a binance feed of both symbols against it, with `outputs`
    /// (YAML, indented under `outputs:`).
    pub fn config(&self, dir: &std::path::Path, outputs: &str) -> std::path::PathBuf {
        let text = format!(
            "tls:\n  ca_file: {}\nexchanges:\n  binance:\n    exchange_id: binance\n    symbols: [BTC-USDT, ETH-USDT]\n    channels: [TRADES]\n    endpoints:\n      rest: \"https://localhost:{}\"\n      websocket: \"wss://localhost:{}/ws\"\noutputs:\n{outputs}",
            self.cert.ca_file().display(),
            self.rest.port(),
            self.websocket.port(),
        );
        let path = dir.join("feed.yaml");
        std::fs::write(&path, text).expect("write the config");
        path
    }
}
