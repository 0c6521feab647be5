//! Runtime defects found in review, each pinned by a test that failed before its fix:
//! the backoff that only reset after 30 s of uptime and counted successful reconnects
//! against `max_attempts`; keep-alives starved by a continuous stream; sends without a
//! timeout; a reconnect that ignored shutdown; feed tasks left running when the run's
//! future is dropped; a shutdown during start-up reported as a start failure.

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use feed_core::runtime::{FeedHandler, KeepAlive, ReconnectPolicy};
use feed_testkit::{start_ws_server, LoopbackServer};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

/// Every connection gets one trade and is then cut: a flapping connection that does deliver.
#[tokio::test]
async fn connections_that_deliver_reset_the_backoff_and_attempts_count_failures_only() {
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&connections);
    let server = start_ws_server(LOCALHOST, None, move |mut socket, _peer| {
        let seen = Arc::clone(&seen);
        async move {
            if !await_subscribe(&mut socket).await {
                return;
            }
            let id = seen.fetch_add(1, Ordering::SeqCst) as u64 + 1;
            let _ = socket.send(Message::text(trade_frame(id))).await;
        }
    })
    .await
    .unwrap();
    let ids = Arc::new(Mutex::new(Vec::new()));
    let policy = ReconnectPolicy {
        initial_delay: Duration::from_millis(20),
        max_delay: Duration::from_secs(20),
        factor: 4.0,
        jitter: 0.0,
        max_attempts: Some(2),
        ..ReconnectPolicy::default()
    };
    let mut handler = FeedHandler::new()
        .with_reconnect_policy(policy)
        .stop_on_ctrl_c(false);
    handler.add_feed(LoopbackFeed::new(&server), collect_ids(&ids));
    let watched = Arc::clone(&ids);
    let started = Instant::now();
    let reports = run_until(handler, move || watched.lock().unwrap().len() >= 8).await;
    // Eight connections, each followed by a reconnect: with attempts counted across good
    // connections the feed would give up after 2; without the reset the delays would grow
    // 20 ms, 80 ms, 320 ms, 1.3 s, 5 s, 20 s...
    assert!(reports[0].outcome.is_ok(), "{:?}", reports[0].outcome);
    assert!(ids.lock().unwrap().len() >= 8);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

/// A server that streams without pause and counts the client's `ping` messages.
async fn flooding_server(pings: Arc<AtomicUsize>) -> LoopbackServer {
    start_ws_server(LOCALHOST, None, move |socket, _peer| {
        let pings = Arc::clone(&pings);
        async move {
            let (mut sink, mut stream) = socket.split();
            let reader = async {
                while let Some(Ok(message)) = stream.next().await {
                    if message.to_text().is_ok_and(|text| text == "ping") {
                        pings.fetch_add(1, Ordering::SeqCst);
                    }
                }
            };
            let writer = async {
                let mut id = 1;
                loop {
                    if sink.send(Message::text(trade_frame(id))).await.is_err() {
                        return;
                    }
                    id += 1;
                }
            };
            tokio::select! { () = reader => {}, () = writer => {} }
        }
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alives_are_sent_under_a_continuous_stream() {
    let pings = Arc::new(AtomicUsize::new(0));
    let server = flooding_server(Arc::clone(&pings)).await;
    let mut feed = LoopbackFeed::new(&server);
    feed.keep_alive = Some(KeepAlive::Text {
        interval: Duration::from_millis(100),
        message: "ping".into(),
    });
    let mut handler = FeedHandler::new()
        .with_reconnect_policy(fast_policy())
        .stop_on_ctrl_c(false);
    let stats = handler.add_feed(feed, feed_core::runtime::Callbacks::new());
    let started = Instant::now();
    run_until(handler, move || {
        started.elapsed() > Duration::from_millis(800)
    })
    .await;
    assert!(stats.snapshot().frames > 1000, "the stream never paused");
    assert!(
        pings.load(Ordering::SeqCst) >= 4,
        "only {} keep-alives",
        pings.load(Ordering::SeqCst)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_stops_reading_is_dropped_after_the_send_timeout() {
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&connections);
    let server = start_ws_server(LOCALHOST, None, move |mut socket, _peer| {
        let seen = Arc::clone(&seen);
        async move {
            if !await_subscribe(&mut socket).await {
                return;
            }
            seen.fetch_add(1, Ordering::SeqCst);
            // Sends now and then (so the idle timeout never fires) but never reads again.
            loop {
                if socket.send(Message::text(trade_frame(1))).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    })
    .await
    .unwrap();
    let mut feed = LoopbackFeed::new(&server);
    // Keep-alives of 4 MiB every 10 ms fill the socket buffers of a peer that does not read.
    feed.keep_alive = Some(KeepAlive::Text {
        interval: Duration::from_millis(10),
        message: "x".repeat(4 << 20),
    });
    let policy = ReconnectPolicy {
        send_timeout: Duration::from_millis(300),
        ..fast_policy()
    };
    let mut handler = FeedHandler::new()
        .with_reconnect_policy(policy)
        .stop_on_ctrl_c(false);
    let stats = handler.add_feed(feed, feed_core::runtime::Callbacks::new());
    let watched = Arc::clone(&connections);
    run_until(handler, move || watched.load(Ordering::SeqCst) >= 2).await;
    assert!(
        connections.load(Ordering::SeqCst) >= 2,
        "the hung connection was replaced"
    );
    assert!(stats.snapshot().reconnects >= 1);
}

/// A TCP listener whose first connection is a working stream that closes after a trade,
/// and whose later connections are accepted and then left hanging (no WebSocket
/// handshake): a reconnect that stays stuck connecting.
async fn first_works_then_hangs() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        let mut first = true;
        while let Ok((stream, _)) = listener.accept().await {
            if first {
                first = false;
                tokio::spawn(async move {
                    if let Ok(mut socket) = tokio_tungstenite::accept_async(stream).await {
                        let _ = socket.next().await; // the subscription
                        let _ = socket.send(Message::text(trade_frame(1))).await;
                    }
                });
            } else {
                held.push(stream);
            }
        }
    });
    (address, task)
}

#[tokio::test]
async fn shutdown_is_honoured_while_a_reconnect_is_connecting() {
    let (address, _server) = first_works_then_hangs().await;
    let mut feed = LoopbackFeed::new_at(format!("ws://{address}/ws"));
    feed.prepare_takes = Duration::ZERO;
    let ids = Arc::new(Mutex::new(Vec::new()));
    let mut handler = FeedHandler::new()
        .with_reconnect_policy(fast_policy())
        .stop_on_ctrl_c(false);
    handler.add_feed(feed, collect_ids(&ids));
    let stop = handler.shutdown_handle();
    let watched = Arc::clone(&ids);
    tokio::spawn(async move {
        while watched.lock().unwrap().is_empty() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // The connection closed after the trade; the reconnect is now stuck in its handshake.
        tokio::time::sleep(Duration::from_millis(300)).await;
        stop.shutdown();
    });
    let started = Instant::now();
    let run = tokio::time::timeout(Duration::from_secs(5), handler.run()).await;
    assert!(run.is_ok(), "the run did not stop");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn dropping_the_run_stops_every_feed() {
    let closed = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&closed);
    let server = start_ws_server(LOCALHOST, None, move |mut socket, _peer| {
        let seen = Arc::clone(&seen);
        async move {
            if await_subscribe(&mut socket).await {
                let _ = socket.send(Message::text(trade_frame(1))).await;
                while let Some(Ok(_)) = socket.next().await {}
                seen.fetch_add(1, Ordering::SeqCst);
            }
        }
    })
    .await
    .unwrap();
    let ids = Arc::new(Mutex::new(Vec::new()));
    let mut handler = FeedHandler::new()
        .with_reconnect_policy(fast_policy())
        .stop_on_ctrl_c(false);
    handler.add_feed(LoopbackFeed::new(&server), collect_ids(&ids));
    // A handle kept elsewhere (as programs keep one to stop the run) must not keep feeds alive.
    let _kept = handler.shutdown_handle();
    let run = tokio::spawn(handler.run());
    while ids.lock().unwrap().is_empty() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    run.abort();
    for _ in 0..100 {
        if closed.load(Ordering::SeqCst) == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the feed kept its connection after the run was dropped");
}

#[tokio::test]
async fn a_shutdown_during_start_up_is_a_clean_stop_not_a_start_failure() {
    let server = start_ws_server(LOCALHOST, None, |_socket, _peer| async {})
        .await
        .unwrap();
    let mut feed = LoopbackFeed::new(&server);
    feed.prepare_takes = Duration::from_secs(30); // a market list that takes long
    let mut handler = FeedHandler::new().stop_on_ctrl_c(false);
    handler.add_feed(feed, feed_core::runtime::Callbacks::new());
    let stop = handler.shutdown_handle();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        stop.shutdown();
    });
    let reports = tokio::time::timeout(Duration::from_secs(5), handler.run())
        .await
        .expect("the run stops")
        .expect("stopping during start-up is not a start failure");
    assert_eq!(reports[0].stats.trades, 0);
}
