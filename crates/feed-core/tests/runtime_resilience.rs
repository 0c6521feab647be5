//! The runtime against a scripted loopback exchange: reconnects without loss or duplicates,
//! idle detection, garbage frames, failing and slow callbacks, keep-alives, counters.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use feed_core::runtime::{Callbacks, FeedHandler, KeepAlive, ReconnectPolicy};
use feed_core::types::{Trade, TradeId};
use feed_testkit::start_ws_server;
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn reconnects_resume_without_loss_or_duplicates() {
    let next_id = Arc::new(AtomicU64::new(1));
    let subscriptions = Arc::new(AtomicUsize::new(0));
    let (next, subs) = (Arc::clone(&next_id), Arc::clone(&subscriptions));
    // Connections 1-3 send 5 trades each and drop the TCP connection; the 4th sends 5 more
    // and stays open. The server continues numbering where it stopped.
    let server = start_ws_server(LOCALHOST, None, move |mut socket, _peer| {
        let (next, subs) = (Arc::clone(&next), Arc::clone(&subs));
        async move {
            if !await_subscribe(&mut socket).await {
                return;
            }
            let connection = subs.fetch_add(1, Ordering::SeqCst) + 1;
            socket.send(Message::text("ack")).await.ok();
            for _ in 0..5 {
                let id = next.fetch_add(1, Ordering::SeqCst);
                if socket.send(Message::text(trade_frame(id))).await.is_err() {
                    return;
                }
            }
            if connection >= 4 {
                while socket.next().await.is_some() {}
            }
            // Dropping the socket ends the TCP connection after the data sent.
        }
    })
    .await
    .unwrap();

    let ids = Arc::new(Mutex::new(Vec::new()));
    let mut handler = FeedHandler::new()
        .with_reconnect_policy(fast_policy())
        .stop_on_ctrl_c(false);
    let stats = handler.add_feed(LoopbackFeed::new(&server), collect_ids(&ids));
    let watched = Arc::clone(&ids);
    let reports = run_until(handler, move || watched.lock().unwrap().len() >= 20).await;

    assert_eq!(*ids.lock().unwrap(), (1..=20).collect::<Vec<u64>>());
    let snapshot = stats.snapshot();
    assert_eq!(snapshot.trades, 20);
    assert_eq!(snapshot.connections, 4);
    assert_eq!(snapshot.reconnects, 3);
    assert_eq!(snapshot.frames, 24, "20 trades + 4 acks");
    assert_eq!(snapshot.parse_errors, 0);
    assert_eq!(
        subscriptions.load(Ordering::SeqCst),
        4,
        "resubscribed after every reconnect"
    );
    assert_eq!(reports[0].stats, snapshot);
    assert!(reports[0].outcome.is_ok());
}

#[tokio::test]
async fn a_silent_server_is_detected_by_the_idle_timeout() {
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&connections);
    let server = start_ws_server(LOCALHOST, None, move |mut socket, _peer| {
        let seen = Arc::clone(&seen);
        async move {
            if !await_subscribe(&mut socket).await {
                return;
            }
            if seen.fetch_add(1, Ordering::SeqCst) == 0 {
                // Goes silent: never reads again (so never answers pings), never closes.
                tokio::time::sleep(Duration::from_secs(60)).await;
                return;
            }
            socket.send(Message::text(trade_frame(7))).await.ok();
            while socket.next().await.is_some() {}
        }
    })
    .await
    .unwrap();

    let ids = Arc::new(Mutex::new(Vec::new()));
    let policy = ReconnectPolicy {
        idle_timeout: Duration::from_millis(400),
        ..fast_policy()
    };
    let mut handler = FeedHandler::new()
        .with_reconnect_policy(policy)
        .stop_on_ctrl_c(false);
    let stats = handler.add_feed(LoopbackFeed::new(&server), collect_ids(&ids));
    let watched = Arc::clone(&ids);
    let started = std::time::Instant::now();
    run_until(handler, move || !watched.lock().unwrap().is_empty()).await;

    assert_eq!(*ids.lock().unwrap(), vec![7]);
    assert_eq!(stats.snapshot().reconnects, 1);
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "detected only after the idle timeout"
    );
}

#[tokio::test]
async fn garbage_frames_are_counted_and_skipped() {
    let server = start_ws_server(LOCALHOST, None, |mut socket, _peer| async move {
        if !await_subscribe(&mut socket).await {
            return;
        }
        for frame in [
            trade_frame(1),
            "not json at all".into(),
            r#"{"id":"x"}"#.into(),
            trade_frame(2),
        ] {
            socket.send(Message::text(frame)).await.ok();
        }
        socket
            .send(Message::binary(vec![0xff, 0xfe, 0x00]))
            .await
            .ok();
        socket.send(Message::text(trade_frame(3))).await.ok();
        while socket.next().await.is_some() {}
    })
    .await
    .unwrap();

    let ids = Arc::new(Mutex::new(Vec::new()));
    let mut handler = FeedHandler::new()
        .with_reconnect_policy(fast_policy())
        .stop_on_ctrl_c(false);
    let stats = handler.add_feed(LoopbackFeed::new(&server), collect_ids(&ids));
    let watched = Arc::clone(&ids);
    run_until(handler, move || watched.lock().unwrap().len() >= 3).await;

    assert_eq!(*ids.lock().unwrap(), vec![1, 2, 3]);
    let snapshot = stats.snapshot();
    assert_eq!(
        (snapshot.frames, snapshot.parse_errors, snapshot.trades),
        (6, 3, 3)
    );
    assert_eq!(snapshot.reconnects, 0);
}

#[tokio::test]
async fn failing_and_panicking_callbacks_do_not_stop_the_feed() {
    let server = start_ws_server(LOCALHOST, None, |mut socket, _peer| async move {
        if !await_subscribe(&mut socket).await {
            return;
        }
        for id in 1..=4 {
            socket.send(Message::text(trade_frame(id))).await.ok();
        }
        while socket.next().await.is_some() {}
    })
    .await
    .unwrap();

    let ids = Arc::new(Mutex::new(Vec::new()));
    let callbacks = Callbacks::new()
        .on_trade(|trade: &Trade| {
            if trade.id == Some(TradeId::Number(2)) {
                panic!("callback bug on trade 2");
            }
        })
        .on_trade_async(|trade: Trade| async move {
            if trade.id == Some(TradeId::Number(3)) {
                Err("database unavailable".to_owned())
            } else {
                Ok(())
            }
        })
        .merge(collect_ids(&ids));
    let mut handler = FeedHandler::new()
        .with_reconnect_policy(fast_policy())
        .stop_on_ctrl_c(false);
    let stats = handler.add_feed(LoopbackFeed::new(&server), callbacks);
    let watched = Arc::clone(&ids);
    run_until(handler, move || watched.lock().unwrap().len() >= 4).await;

    assert_eq!(*ids.lock().unwrap(), vec![1, 2, 3, 4]);
    let snapshot = stats.snapshot();
    assert_eq!(
        (
            snapshot.trades,
            snapshot.callback_errors,
            snapshot.reconnects
        ),
        (4, 2, 0)
    );
}

#[tokio::test]
async fn a_slow_callback_keeps_memory_bounded_by_backpressure() {
    const FRAMES: u64 = 20_000;
    const PADDING: usize = 4096;
    let sent = Arc::new(AtomicU64::new(0));
    let server_sent = Arc::clone(&sent);
    let server = start_ws_server(LOCALHOST, None, move |mut socket, _peer| {
        let sent = Arc::clone(&server_sent);
        async move {
            if !await_subscribe(&mut socket).await {
                return;
            }
            let padding = "x".repeat(PADDING);
            for id in 1..=FRAMES {
                let frame = format!(
                    r#"{{"id":{id},"px":"1","qty":"1","side":"sell","ts":1700000000000,"pad":"{padding}"}}"#
                );
                if socket.send(Message::text(frame)).await.is_err() {
                    return;
                }
                sent.store(id, Ordering::SeqCst);
            }
            while socket.next().await.is_some() {}
        }
    })
    .await
    .unwrap();

    let processed = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&processed);
    let callbacks = Callbacks::new().on_trade_async(move |_trade: Trade| {
        let counter = Arc::clone(&counter);
        async move {
            tokio::time::sleep(Duration::from_millis(2)).await;
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    let mut handler = FeedHandler::new()
        .with_reconnect_policy(fast_policy())
        .stop_on_ctrl_c(false);
    handler.add_feed(LoopbackFeed::new(&server), callbacks);
    let stop = handler.shutdown_handle();
    let max_in_flight = Arc::new(AtomicU64::new(0));
    let (watch_sent, watch_processed, watch_max) = (
        Arc::clone(&sent),
        Arc::clone(&processed),
        Arc::clone(&max_in_flight),
    );
    tokio::spawn(async move {
        for _ in 0..150 {
            tokio::time::sleep(Duration::from_millis(10)).await;
            let in_flight = watch_sent
                .load(Ordering::SeqCst)
                .saturating_sub(watch_processed.load(Ordering::SeqCst));
            watch_max.fetch_max(in_flight, Ordering::SeqCst);
        }
        stop.shutdown();
    });
    handler.run().await.unwrap();

    // The server could not push the stream any faster than the callback consumed it, plus
    // what the kernel's socket buffers and one frame in hand hold: no queue grew inside
    // feedhandler.
    let in_flight_bytes = max_in_flight.load(Ordering::SeqCst) * (PADDING as u64 + 80);
    eprintln!(
        "backpressure: server sent {} of {FRAMES} frames, callback processed {}, at most {} frames ({in_flight_bytes} bytes) in flight",
        sent.load(Ordering::SeqCst),
        processed.load(Ordering::SeqCst),
        max_in_flight.load(Ordering::SeqCst)
    );
    assert!(
        sent.load(Ordering::SeqCst) < FRAMES,
        "the server was slowed down"
    );
    assert!(processed.load(Ordering::SeqCst) > 0);
    assert!(
        in_flight_bytes < 24 << 20,
        "in flight: {in_flight_bytes} bytes"
    );
}

#[tokio::test]
async fn text_keep_alive_is_sent_and_shutdown_closes_cleanly() {
    let pings = Arc::new(AtomicUsize::new(0));
    let closed_cleanly = Arc::new(AtomicBool::new(false));
    let (server_pings, server_closed) = (Arc::clone(&pings), Arc::clone(&closed_cleanly));
    let server = start_ws_server(LOCALHOST, None, move |mut socket, _peer| {
        let (pings, closed) = (Arc::clone(&server_pings), Arc::clone(&server_closed));
        async move {
            while let Some(Ok(message)) = socket.next().await {
                match message {
                    Message::Text(text) if text.as_str() == "ping" => {
                        pings.fetch_add(1, Ordering::SeqCst);
                    }
                    Message::Close(_) => closed.store(true, Ordering::SeqCst),
                    _ => {}
                }
            }
        }
    })
    .await
    .unwrap();

    let mut feed = LoopbackFeed::new(&server);
    feed.keep_alive = Some(KeepAlive::Text {
        interval: Duration::from_millis(50),
        message: "ping".into(),
    });
    let mut handler = FeedHandler::new()
        .with_reconnect_policy(fast_policy())
        .stop_on_ctrl_c(false);
    handler.add_feed(feed, Callbacks::new());
    let watched = Arc::clone(&pings);
    run_until(handler, move || watched.load(Ordering::SeqCst) >= 3).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(pings.load(Ordering::SeqCst) >= 3);
    assert!(
        closed_cleanly.load(Ordering::SeqCst),
        "the server saw a close frame"
    );
}

#[tokio::test]
async fn a_feed_that_cannot_connect_fails_the_start_before_any_trade() {
    let good = start_ws_server(LOCALHOST, None, |mut socket, _peer| async move {
        if await_subscribe(&mut socket).await {
            socket.send(Message::text(trade_frame(1))).await.ok();
            while socket.next().await.is_some() {}
        }
    })
    .await
    .unwrap();
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let ids = Arc::new(Mutex::new(Vec::new()));
    let mut handler = FeedHandler::new()
        .with_reconnect_policy(fast_policy())
        .stop_on_ctrl_c(false);
    handler.add_named_feed("good", LoopbackFeed::new(&good), collect_ids(&ids));
    let mut broken = LoopbackFeed::new(&good);
    broken.url = format!("ws://127.0.0.1:{closed_port}/ws");
    handler.add_named_feed("broken", broken, collect_ids(&ids));

    let error = handler.run().await.unwrap_err();
    assert_eq!(error.name, "broken");
    assert!(
        error.to_string().contains("cannot connect to the exchange"),
        "{error}"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        ids.lock().unwrap().is_empty(),
        "no trade reached a callback"
    );
}

#[tokio::test]
async fn the_first_feed_to_fail_stops_a_slow_start_at_once() {
    let server = start_ws_server(LOCALHOST, None, |mut socket, _peer| async move {
        while socket.next().await.is_some() {}
    })
    .await
    .unwrap();
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut slow = LoopbackFeed::new(&server);
    slow.prepare_takes = Duration::from_secs(60); // e.g. a market list behind a stalled proxy
    let mut broken = LoopbackFeed::new(&server);
    broken.url = format!("ws://127.0.0.1:{closed_port}/ws");
    let mut handler = FeedHandler::new()
        .with_reconnect_policy(fast_policy())
        .stop_on_ctrl_c(false);
    handler.add_named_feed("slow", slow, Callbacks::new());
    handler.add_named_feed("broken", broken, Callbacks::new());

    let started = std::time::Instant::now();
    let error = handler.run().await.unwrap_err();
    assert_eq!(error.name, "broken");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}
