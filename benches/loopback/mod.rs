//! A loopback Binance for the streaming benchmarks: a market list (and, with books, depth
//! snapshots) over HTTP and a WebSocket that, once subscribed, pushes a given number of
//! frames as fast as it can (aggTrade frames, or depth updates and trades: see
//! [`crate::depth`]); and a runner that streams trades through the real FeedHandler into a
//! callback.
#![allow(dead_code)]

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use feed_testkit::{start_dynamic_http_server, start_ws_server, LoopbackServer, TestCertificate};
use feedhandler::feed_ccxt::CcxtFeed;
use feedhandler::feed_core::connect::{client_config, load_ca_file};
use feedhandler::feed_core::runtime::{Callbacks, FeedHandler};
use feedhandler::{Channel, ConnectionProxies, ProxyConfig, ProxySettings, Symbol, Trade};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use crate::depth::{DepthBooks, Mix};

/// The stand-in and what its next connection will send.
pub struct LoopbackBinance {
    pub cert: TestCertificate,
    pub rest: LoopbackServer,
    pub ws: LoopbackServer,
    pub wss: LoopbackServer,
    frames_per_connection: Arc<AtomicU64>,
}

impl LoopbackBinance {
    /// Trades only (three symbols).
    pub async fn start() -> Self {
        Self::start_with(DepthBooks::new(Mix::Trades, 0, 0)).await
    }

    /// Streams and serves what `books` says.
    pub async fn start_with(books: DepthBooks) -> Self {
        let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let cert = TestCertificate::generate().expect("certificate");
        let responder = books.clone();
        let rest = start_dynamic_http_server(localhost, None, move |target: &str| {
            responder.respond(target)
        })
        .await
        .expect("rest");
        let frames_per_connection = Arc::new(AtomicU64::new(0));
        let frames = books.trade_frames();
        let make_handler = |count: Arc<AtomicU64>, frames: Arc<Vec<String>>| {
            let books = books.clone();
            move |mut socket: feed_testkit::ServerSocket, _peer| {
                let (count, frames, books) =
                    (Arc::clone(&count), Arc::clone(&frames), books.clone());
                async move {
                    // Wait for the SUBSCRIBE, acknowledge, then push as fast as possible.
                    crate::depth::accept_subscribe(&mut socket).await;
                    let total = count.load(Ordering::SeqCst);
                    let mut tape = books.tape(frames, total);
                    for index in 0..total {
                        if index == tape.warm_up_frames() && index > 0 {
                            // Books: the client fetches its snapshots on the first updates.
                            if socket.flush().await.is_err() {
                                return;
                            }
                            books.wait_for_snapshots().await;
                        }
                        let frame = Message::text(tape.next_frame());
                        if socket.feed(frame).await.is_err() {
                            return;
                        }
                        if index % 256 == 255 && socket.flush().await.is_err() {
                            return;
                        }
                    }
                    let _ = socket.flush().await;
                    while socket.next().await.is_some() {}
                }
            }
        };
        let ws = start_ws_server(
            localhost,
            None,
            make_handler(Arc::clone(&frames_per_connection), Arc::clone(&frames)),
        )
        .await
        .expect("ws");
        let wss = start_ws_server(
            localhost,
            Some(cert.server_config()),
            make_handler(Arc::clone(&frames_per_connection), frames),
        )
        .await
        .expect("wss");
        LoopbackBinance {
            cert,
            rest,
            ws,
            wss,
            frames_per_connection,
        }
    }

    /// How many frames each new connection receives (for runs outside `stream`).
    pub fn set_frames_per_connection(&self, frames: u64) {
        self.frames_per_connection.store(frames, Ordering::SeqCst);
    }

    /// Streams `frames` trades through a FeedHandler (ws:// or wss://, optionally through
    /// `proxy_url`) into a counting callback; returns the time from start to the last trade.
    pub async fn stream(&self, frames: u64, tls: bool, proxy_url: Option<&str>) -> Duration {
        self.frames_per_connection.store(frames, Ordering::SeqCst);
        let websocket = if tls {
            format!("wss://localhost:{}/ws", self.wss.port())
        } else {
            format!("ws://127.0.0.1:{}/ws", self.ws.port())
        };
        let mut feed = CcxtFeed::new(
            "binance",
            vec![
                Symbol::parse("BTC-USDT").unwrap(),
                Symbol::parse("ETH-USDT").unwrap(),
                Symbol::parse("SOL-USDT").unwrap(),
            ],
            vec![Channel::Trades],
        )
        .expect("feed")
        .with_rest_endpoint(format!("http://127.0.0.1:{}", self.rest.port()))
        .with_websocket_endpoint(websocket);
        if let Some(url) = proxy_url {
            let proxy = ProxyConfig::new(url).expect("proxy url");
            feed = feed.with_proxy_settings(
                ProxySettings::enabled().with_default(ConnectionProxies::both(proxy)),
            );
        }
        let tls_config =
            client_config(&load_ca_file(&self.cert.ca_file()).expect("ca")).expect("tls");
        let mut handler = FeedHandler::new()
            .stop_on_ctrl_c(false)
            .with_connector_setup(move |connector| {
                connector.with_tls_config(Arc::clone(&tls_config))
            });
        let received = Arc::new(AtomicU64::new(0));
        let stop = handler.shutdown_handle();
        let counter = Arc::clone(&received);
        handler.add_feed(
            feed,
            Callbacks::new().on_trade(move |trade: &Trade| {
                std::hint::black_box(trade);
                if counter.fetch_add(1, Ordering::Relaxed) + 1 == frames {
                    stop.shutdown();
                }
            }),
        );
        let started = Instant::now();
        handler.run().await.expect("feed starts");
        assert_eq!(
            received.load(Ordering::SeqCst),
            frames,
            "every frame became a trade"
        );
        started.elapsed()
    }
}
