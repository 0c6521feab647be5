//! Fault injection on the real path: `FeedHandler` running the Binance adapter (`CcxtFeed`)
//! against a loopback Binance stand-in, through the real dante proxy, while things break:
//!
//! - the proxy is killed mid-stream and restarted: the feed reconnects through it (the
//!   stand-in only ever sees the proxy's egress address; with the proxy down, no direct
//!   connection is made) and trades resume;
//! - the exchange resets connections during the TLS handshake, during the WebSocket
//!   upgrade and in the middle of a frame: each is a lost connection and a reconnect (or,
//!   on the first connection, a start error naming the stage);
//! - a proxy that accepts and then stalls, and an exchange that stalls in the TLS
//!   handshake: the timeouts fire;
//! - a frame of several megabytes parses; one over the 16 MiB limit is a lost connection
//!   followed by a reconnect;
//! - a flood of frames for a symbol that was not subscribed: no trade, no error, memory
//!   flat, and the subscribed symbol keeps flowing.

mod support;

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use feed_ccxt::CcxtFeed;
use feed_core::connect::{client_config, load_ca_file, StageTimeouts};
use feed_core::runtime::{Callbacks, FeedHandler, ReconnectPolicy, StartError, StatsSnapshot};
use feed_core::{Channel, Symbol, Trade, TradeId};
use feed_proxy::{ConnectionProxies, ProxyConfig, ProxySettings};
use feed_testkit::proxies::{start_dante, ProxyServer, DANTE_EGRESS};
use feed_testkit::{start_http_server, start_silent_listener, BoxedIo, CannedResponse};
use feed_testkit::{LoopbackServer, TestCertificate};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::TlsAcceptor;
use tokio_tungstenite::tungstenite::Message;

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// What the stand-in does with one WebSocket connection.
#[derive(Debug, Clone)]
enum Behaviour {
    /// Acks the subscription, then sends BTCUSDT trades every `every` (forever when
    /// `count` is `None`, else `count` of them and a close).
    Serve { count: Option<u64>, every: Duration },
    /// Reads the first bytes of the client's TLS hello, then drops the connection.
    ResetInTls,
    /// Completes TLS, reads the HTTP upgrade request, then drops the connection.
    ResetInUpgrade,
    /// Acks, sends two trades, then half of a frame, then drops the connection.
    ResetMidFrame,
    /// Accepts TCP and never answers.
    StallInTls,
    /// Acks, sends one trade padded to each of these sizes (bytes), then serves on.
    Large(Vec<usize>),
    /// Acks, then `frames` trades of ETHUSDT (listed, not subscribed) with one BTCUSDT
    /// trade every `btc_every`, then serves on.
    Flood { frames: u64, btc_every: u64 },
}

/// A Binance stand-in whose WebSocket connections follow a script of [`Behaviour`]s (then
/// serve forever).
struct FaultyExchange {
    cert: TestCertificate,
    rest: LoopbackServer,
    ws: LoopbackServer,
}

impl FaultyExchange {
    async fn start(script: Vec<Behaviour>) -> Self {
        let cert = TestCertificate::generate().expect("a test certificate");
        let routes = HashMap::from([(
            "/api/v3/exchangeInfo".to_owned(),
            CannedResponse::ok(support::BINANCE_EXCHANGE_INFO),
        )]);
        let rest = start_http_server(LOCALHOST, Some(cert.server_config()), routes)
            .await
            .expect("start the REST stand-in");
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        // BTCUSDT trade ids, shared by every connection: 1, 2, 3, ...
        let ids = Arc::new(AtomicU64::new(0));
        let acceptor = TlsAcceptor::from(cert.server_config());
        let ws = LoopbackServer::start(LOCALHOST, None, move |io, _peer| {
            let behaviour = script
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or(Behaviour::Serve {
                    count: None,
                    every: Duration::from_millis(10),
                });
            Box::pin(behave(behaviour, io, acceptor.clone(), Arc::clone(&ids)))
        })
        .await
        .expect("start the WebSocket stand-in");
        FaultyExchange { cert, rest, ws }
    }

    fn feed(&self) -> CcxtFeed {
        CcxtFeed::new(
            "binance",
            vec![Symbol::parse("BTC-USDT").unwrap()],
            vec![Channel::Trades],
        )
        .unwrap()
        .with_rest_endpoint(format!("https://localhost:{}", self.rest.port()))
        .with_websocket_endpoint(format!("wss://localhost:{}/ws", self.ws.port()))
    }

    /// Every peer address either server saw.
    fn peer_ips(&self) -> Vec<IpAddr> {
        let mut ips = self.rest.peer_ips();
        ips.extend(self.ws.peer_ips());
        ips.sort();
        ips.dedup();
        ips
    }
}

type ServerSocket = tokio_tungstenite::WebSocketStream<tokio_rustls::server::TlsStream<BoxedIo>>;

fn btc_trade(id: u64, padding: usize) -> String {
    format!(
        r#"{{"e":"aggTrade","E":1700000000000,"s":"BTCUSDT","a":{id},"p":"37000.5","q":"0.5","f":{id},"l":{id},"T":1700000000000,"m":false,"x":"{}"}}"#,
        "x".repeat(padding)
    )
}

async fn behave(behaviour: Behaviour, mut io: BoxedIo, acceptor: TlsAcceptor, ids: Arc<AtomicU64>) {
    match behaviour {
        Behaviour::ResetInTls => {
            let mut hello = [0_u8; 5];
            let _ = io.read_exact(&mut hello).await;
            // Unread bytes are left: closing now makes the kernel send a reset.
        }
        Behaviour::StallInTls => tokio::time::sleep(Duration::from_secs(60)).await,
        Behaviour::ResetInUpgrade => {
            let Ok(mut tls) = acceptor.accept(io).await else {
                return;
            };
            let mut request = Vec::new();
            let mut buffer = [0_u8; 512];
            while !request.windows(4).any(|window| window == b"\r\n\r\n") {
                match tls.read(&mut buffer).await {
                    Ok(0) | Err(_) => return,
                    Ok(read) => request.extend_from_slice(&buffer[..read]),
                }
            }
            let _ = tls.get_mut().0.shutdown().await;
        }
        other => {
            let Ok(tls) = acceptor.accept(io).await else {
                return;
            };
            let Ok(mut socket) = tokio_tungstenite::accept_async(tls).await else {
                return;
            };
            if !subscribed(&mut socket).await {
                return;
            }
            let _ = serve(other, &mut socket, &ids).await;
        }
    }
}

/// Waits for the SUBSCRIBE and acks it.
async fn subscribed(socket: &mut ServerSocket) -> bool {
    while let Some(Ok(message)) = socket.next().await {
        if message
            .to_text()
            .is_ok_and(|text| text.contains("SUBSCRIBE"))
        {
            return socket
                .send(Message::text(r#"{"result":null,"id":1}"#))
                .await
                .is_ok();
        }
    }
    false
}

async fn serve(
    behaviour: Behaviour,
    socket: &mut ServerSocket,
    ids: &AtomicU64,
) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    let next = || ids.fetch_add(1, Ordering::SeqCst) + 1;
    match behaviour {
        Behaviour::ResetMidFrame => {
            for _ in 0..2 {
                socket.send(Message::text(btc_trade(next(), 0))).await?;
            }
            socket.flush().await?;
            // A text frame announcing 256 bytes, and only 100 of them.
            let mut half = vec![0x81_u8, 126, 0x01, 0x00];
            half.extend_from_slice(&[b'{'; 100]);
            let stream = socket.get_mut();
            let _ = stream.write_all(&half).await;
            let _ = stream.flush().await;
            Ok(())
        }
        Behaviour::Large(sizes) => {
            for size in sizes {
                socket.send(Message::text(btc_trade(next(), size))).await?;
            }
            stream_trades(socket, ids, None, Duration::from_millis(10)).await
        }
        Behaviour::Flood { frames, btc_every } => {
            for index in 1..=frames {
                let frame = if index % btc_every == 0 {
                    btc_trade(next(), 0)
                } else {
                    format!(
                        r#"{{"e":"aggTrade","E":1700000000000,"s":"ETHUSDT","a":{index},"p":"2000.25","q":"1.5","f":1,"l":1,"T":1700000000000,"m":true}}"#
                    )
                };
                socket.feed(Message::text(frame)).await?;
            }
            socket.flush().await?;
            stream_trades(socket, ids, None, Duration::from_millis(10)).await
        }
        Behaviour::Serve { count, every } => stream_trades(socket, ids, count, every).await,
        Behaviour::ResetInTls | Behaviour::ResetInUpgrade | Behaviour::StallInTls => Ok(()),
    }
}

async fn stream_trades(
    socket: &mut ServerSocket,
    ids: &AtomicU64,
    count: Option<u64>,
    every: Duration,
) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    let mut sent = 0;
    while count.is_none_or(|count| sent < count) {
        let id = ids.fetch_add(1, Ordering::SeqCst) + 1;
        socket.send(Message::text(btc_trade(id, 0))).await?;
        sent += 1;
        tokio::time::sleep(every).await;
    }
    socket.close(None).await
}

/// Both of the feed's connections through `proxy_url` (its own settings, so tests in
/// parallel do not share process-wide ones).
fn through(feed: CcxtFeed, proxy_url: &str, timeout_seconds: u64) -> CcxtFeed {
    let proxy = ProxyConfig::new(proxy_url)
        .unwrap()
        .with_timeout_seconds(timeout_seconds)
        .unwrap();
    feed.with_proxy_settings(
        ProxySettings::enabled().with_exchange("binance", ConnectionProxies::both(proxy)),
    )
}

/// The trade ids the callbacks received, and the feed's counters, live.
struct Running {
    ids: Arc<Mutex<Vec<u64>>>,
    stats: feed_core::runtime::FeedStats,
    stop: feed_core::runtime::ShutdownHandle,
    task: tokio::task::JoinHandle<Result<Vec<feed_core::runtime::FeedReport>, StartError>>,
}

impl Running {
    fn ids(&self) -> Vec<u64> {
        self.ids.lock().unwrap().clone()
    }

    /// Waits until `done` holds (checked every 10 ms), failing after `limit`.
    async fn wait_for(&self, what: &str, limit: Duration, done: impl Fn(&Self) -> bool) {
        let deadline = Instant::now() + limit;
        while !done(self) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: trades {:?}, counters {:?}",
                self.ids().len(),
                self.stats.snapshot()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    async fn stop(self) -> StatsSnapshot {
        self.stop.shutdown();
        let reports = self
            .task
            .await
            .expect("the handler task")
            .expect("the feed started");
        reports[0].stats.clone()
    }
}

fn handler(exchange: &FaultyExchange, timeouts: StageTimeouts) -> FeedHandler {
    let tls = client_config(&load_ca_file(&exchange.cert.ca_file()).unwrap()).unwrap();
    FeedHandler::new()
        .stop_on_ctrl_c(false)
        .with_reconnect_policy(ReconnectPolicy {
            initial_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(200),
            ..ReconnectPolicy::default()
        })
        .with_connector_setup(move |connector| {
            connector
                .with_tls_config(Arc::clone(&tls))
                .with_timeouts(timeouts)
        })
}

fn run(exchange: &FaultyExchange, feed: CcxtFeed) -> Running {
    let ids = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&ids);
    let mut handler = handler(exchange, StageTimeouts::default());
    let stats = handler.add_feed(
        feed,
        Callbacks::new().on_trade(move |trade: &Trade| {
            assert_eq!(
                trade.symbol.to_string(),
                "BTC-USDT",
                "only the subscribed symbol"
            );
            if let Some(TradeId::Number(id)) = trade.id {
                sink.lock().unwrap().push(id);
            }
        }),
    );
    let stop = handler.shutdown_handle();
    Running {
        ids,
        stats,
        stop,
        task: tokio::spawn(handler.run()),
    }
}

async fn start_error(exchange: &FaultyExchange, feed: CcxtFeed, timeouts: StageTimeouts) -> String {
    let mut handler = handler(exchange, timeouts);
    handler.add_feed(feed, Callbacks::new());
    handler
        .run()
        .await
        .expect_err("the feed must not start")
        .to_string()
}

async fn stop_proxy(mut proxy: ProxyServer) -> ProxyServer {
    tokio::task::spawn_blocking(move || {
        proxy.stop().expect("stop danted");
        proxy
    })
    .await
    .unwrap()
}

async fn restart_proxy(mut proxy: ProxyServer) -> ProxyServer {
    tokio::task::spawn_blocking(move || {
        proxy.restart().expect("restart danted");
        proxy
    })
    .await
    .unwrap()
}

fn strictly_increasing(ids: &[u64]) -> bool {
    ids.windows(2).all(|pair| pair[0] < pair[1])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_killed_mid_stream_is_reconnected_through_when_it_is_back_never_direct() {
    let dante = start_dante(DANTE_EGRESS).expect("start danted");
    let exchange = FaultyExchange::start(vec![]).await;
    let running = run(
        &exchange,
        through(exchange.feed(), &dante.url("socks5h"), 2),
    );
    running
        .wait_for("trades through the proxy", Duration::from_secs(10), |r| {
            r.ids().len() >= 5
        })
        .await;

    let dante = stop_proxy(dante).await;
    running
        .wait_for("the lost connection", Duration::from_secs(10), |r| {
            r.stats.snapshot().reconnects >= 2
        })
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let connections_while_down = exchange.ws.connection_count();
    let delivered_while_down = running.ids().len();
    let dante = restart_proxy(dante).await;
    running
        .wait_for("trades after the restart", Duration::from_secs(15), |r| {
            r.ids().len() >= delivered_while_down + 5
        })
        .await;
    let stats = running.stop().await;

    assert_eq!(
        exchange.peer_ips(),
        vec![IpAddr::V4(DANTE_EGRESS)],
        "every connection came through dante, none direct"
    );
    assert_eq!(
        connections_while_down, 1,
        "while the proxy was down, no connection reached the exchange"
    );
    assert!(
        exchange.ws.connection_count() >= 2,
        "the feed reconnected through the restarted proxy"
    );
    assert!(stats.connections >= 2, "{stats:?}");
    assert!(stats.route.starts_with("socks5h://127.0.0.1:"), "{stats:?}");
    assert_eq!(stats.parse_errors, 0, "{stats:?}");
    drop(dante);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resets_in_the_tls_handshake_the_upgrade_and_mid_frame_are_reconnected() {
    let dante = start_dante(DANTE_EGRESS).expect("start danted");
    let exchange = FaultyExchange::start(vec![
        Behaviour::Serve {
            count: Some(3),
            every: Duration::from_millis(5),
        },
        Behaviour::ResetInTls,
        Behaviour::ResetInUpgrade,
        Behaviour::ResetMidFrame,
    ])
    .await;
    let running = run(
        &exchange,
        through(exchange.feed(), &dante.url("socks5h"), 5),
    );
    running
        .wait_for("trades after every fault", Duration::from_secs(20), |r| {
            r.ids().len() >= 10
        })
        .await;
    let ids = running.ids();
    let stats = running.stop().await;

    assert!(
        exchange.ws.connection_count() >= 5,
        "{} connections",
        exchange.ws.connection_count()
    );
    assert!(stats.reconnects >= 4, "one per fault: {stats:?}");
    assert_eq!(stats.parse_errors, 0, "half a frame is no frame: {stats:?}");
    assert_eq!(&ids[..5], &[1, 2, 3, 4, 5], "whole trades, in order");
    assert!(
        strictly_increasing(&ids),
        "no duplicate, no reorder: {ids:?}"
    );
    assert_eq!(exchange.peer_ips(), vec![IpAddr::V4(DANTE_EGRESS)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resets_on_the_first_connection_stop_the_start_naming_the_stage() {
    for (behaviour, stage) in [
        (
            Behaviour::ResetInTls,
            "TLS handshake with the exchange failed",
        ),
        (Behaviour::ResetInUpgrade, "WebSocket handshake failed"),
    ] {
        let exchange = FaultyExchange::start(vec![behaviour.clone()]).await;
        let error = start_error(&exchange, exchange.feed(), StageTimeouts::default()).await;
        assert!(
            error.contains("binance websocket connection (direct)") && error.contains(stage),
            "{behaviour:?}: {error}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalling_proxy_and_a_stalling_exchange_hit_their_timeouts() {
    let exchange = FaultyExchange::start(vec![Behaviour::StallInTls]).await;
    let silent = start_silent_listener().await.unwrap();
    for scheme in ["socks5h", "http"] {
        let url = format!("{scheme}://user:pw@127.0.0.1:{}", silent.port());
        let started = Instant::now();
        let error = start_error(
            &exchange,
            through(exchange.feed(), &url, 1),
            StageTimeouts::default(),
        )
        .await;
        let took = started.elapsed();
        assert!(
            error.contains("timed out after 1s while connecting to and negotiating with the proxy"),
            "{scheme}: {error}"
        );
        assert!(took < Duration::from_secs(5), "{scheme}: took {took:?}");
    }
    assert_eq!(
        exchange.rest.connection_count() + exchange.ws.connection_count(),
        0,
        "a stalled proxy is never bypassed"
    );

    // The exchange itself accepts and stalls in the TLS handshake (the market list loads).
    let dante = start_dante(DANTE_EGRESS).expect("start danted");
    let timeouts = StageTimeouts {
        tls_handshake: Duration::from_secs(1),
        ..StageTimeouts::default()
    };
    let started = Instant::now();
    let error = start_error(
        &exchange,
        through(exchange.feed(), &dante.url("socks5h"), 5),
        timeouts,
    )
    .await;
    assert!(
        error.contains("timed out after 1s while in the TLS handshake with the exchange"),
        "{error}"
    );
    assert!(started.elapsed() < Duration::from_secs(6));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frame_of_megabytes_parses_and_one_over_the_limit_is_a_reconnect() {
    let dante = start_dante(DANTE_EGRESS).expect("start danted");
    let exchange =
        FaultyExchange::start(vec![Behaviour::Large(vec![3 << 20, (16 << 20) + 1024])]).await;
    let running = run(
        &exchange,
        through(exchange.feed(), &dante.url("socks5h"), 5),
    );
    running
        .wait_for(
            "trades after the oversized frame",
            Duration::from_secs(30),
            |r| r.ids().len() >= 5,
        )
        .await;
    let ids = running.ids();
    let stats = running.stop().await;

    assert_eq!(ids[0], 1, "the 3 MiB frame parsed: {:?}", &ids[..3]);
    assert!(
        !ids.contains(&2),
        "the frame over 16 MiB was never delivered"
    );
    assert!(stats.reconnects >= 1, "{stats:?}");
    assert!(exchange.ws.connection_count() >= 2);
    assert_eq!(stats.parse_errors, 0, "{stats:?}");
}

/// This process's resident memory, in bytes (Linux).
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("read /proc/self/statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .expect("resident pages");
    pages * 4096
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_for_an_unsubscribed_symbol_yields_nothing_and_costs_no_memory() {
    const FRAMES: u64 = 200_000;
    const BTC_EVERY: u64 = 1_000;
    let dante = start_dante(DANTE_EGRESS).expect("start danted");
    let exchange = FaultyExchange::start(vec![Behaviour::Flood {
        frames: FRAMES,
        btc_every: BTC_EVERY,
    }])
    .await;
    let running = run(
        &exchange,
        through(exchange.feed(), &dante.url("socks5h"), 5),
    );
    running
        .wait_for("the flood's first quarter", Duration::from_secs(30), |r| {
            r.stats.snapshot().frames >= FRAMES / 4
        })
        .await;
    let early = resident_bytes();
    running
        .wait_for(
            "the flood and trades after it",
            Duration::from_secs(60),
            |r| r.ids().len() as u64 >= FRAMES / BTC_EVERY + 5,
        )
        .await;
    let late = resident_bytes();
    let ids = running.ids();
    let stats = running.stop().await;

    assert!(stats.frames > FRAMES, "{stats:?}");
    assert_eq!(stats.parse_errors, 0, "{stats:?}");
    assert_eq!(stats.exchange_errors, 0, "{stats:?}");
    assert_eq!(stats.reconnects, 0, "{stats:?}");
    assert_eq!(
        &ids[..(FRAMES / BTC_EVERY) as usize],
        (1..=FRAMES / BTC_EVERY).collect::<Vec<_>>().as_slice(),
        "exactly the subscribed symbol's trades came through"
    );
    let growth = late.saturating_sub(early);
    assert!(
        growth < 32 << 20,
        "memory grew by {} MiB during the flood",
        growth >> 20
    );
}
