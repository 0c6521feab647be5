//! [`EventQueue`]: one sink's bounded queue, with its [`OverflowPolicy`].

use std::collections::{BTreeSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rust_decimal::Decimal;
use tokio::sync::Notify;

use super::data_channel;
use crate::{Channel, Event, Gap, Symbol};

/// What a full queue does with a new event.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OverflowPolicy {
    /// Wait for room: backpressure reaches the feeds' sockets, nothing is lost.
    #[default]
    Block,
    /// Drop the oldest queued event, count it, and put a gap for its symbol and channel in
    /// the sink's stream before its next events.
    Drop,
}

impl OverflowPolicy {
    /// The config spelling (`block`, `drop`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            OverflowPolicy::Block => "block",
            OverflowPolicy::Drop => "drop",
        }
    }
}

/// The symbol and channel of dropped data: exchange, symbol, channel.
type Lost = (Arc<str>, Symbol, Channel);

#[derive(Default)]
struct State {
    events: VecDeque<Arc<Event>>,
    closed: bool,
    accepted: u64,
    dropped: u64,
    max_queued: usize,
    /// Dropped since the consumer last took events: each becomes a gap.
    lost: BTreeSet<Lost>,
    lost_events: u64,
}

/// A bounded multi-producer, single-consumer queue of events.
pub(super) struct EventQueue {
    state: Mutex<State>,
    capacity: usize,
    policy: OverflowPolicy,
    /// Wakes the consumer (one permit kept when it is not waiting yet).
    items: Notify,
    /// Wakes producers waiting for room.
    room: Notify,
}

/// The queue's counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct QueueCounts {
    pub(super) accepted: u64,
    pub(super) dropped: u64,
    pub(super) queued: usize,
    pub(super) max_queued: usize,
}

impl EventQueue {
    pub(super) fn new(capacity: usize, policy: OverflowPolicy) -> Self {
        EventQueue {
            state: Mutex::new(State::default()),
            capacity: capacity.max(1),
            policy,
            items: Notify::new(),
            room: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `event`; under [`OverflowPolicy::Block`] waits for room. Events pushed after
    /// [`EventQueue::close`] are ignored.
    pub(super) async fn push(&self, event: Arc<Event>) {
        loop {
            let room = self.room.notified();
            tokio::pin!(room);
            {
                let mut state = self.lock();
                if state.closed {
                    return;
                }
                if state.events.len() >= self.capacity {
                    match self.policy {
                        OverflowPolicy::Block => {
                            // Registered before the lock is released: no wake-up is missed.
                            room.as_mut().enable();
                        }
                        OverflowPolicy::Drop => {
                            if let Some(oldest) = state.events.pop_front() {
                                state.dropped += 1;
                                state.lost_events += 1;
                                if let (Some(channel), Some(symbol)) =
                                    (data_channel(&oldest), oldest.symbol())
                                {
                                    let exchange: Arc<str> = oldest.exchange().into();
                                    state.lost.insert((exchange, symbol.clone(), channel));
                                }
                            }
                        }
                    }
                }
                if state.events.len() < self.capacity {
                    let was_empty = state.events.is_empty();
                    state.events.push_back(event);
                    state.accepted += 1;
                    state.max_queued = state.max_queued.max(state.events.len());
                    drop(state);
                    // A consumer finding events takes them without being woken: only the
                    // first event after it emptied the queue wakes it (a permit is kept
                    // when it is not waiting yet).
                    if was_empty {
                        self.items.notify_one();
                    }
                    return;
                }
            }
            room.await;
        }
    }

    /// Moves up to `max` events into `out` (first the gaps of data dropped since the last
    /// call, named `reason`), waiting for some; `false` once closed and empty.
    pub(super) async fn pop_batch(
        &self,
        max: usize,
        sink: &str,
        now: impl Fn() -> Decimal,
        out: &mut Vec<Arc<Event>>,
    ) -> bool {
        loop {
            let items = self.items.notified();
            {
                let mut state = self.lock();
                if !state.lost.is_empty() {
                    let reason = format!(
                        "sink {sink}: queue full, {} events dropped",
                        state.lost_events
                    );
                    state.lost_events = 0;
                    let receipt_timestamp = now();
                    let lost = std::mem::take(&mut state.lost);
                    state.accepted += lost.len() as u64;
                    for (exchange, symbol, channel) in lost {
                        out.push(Arc::new(Event::Gap(Gap {
                            exchange,
                            symbol,
                            channel,
                            reason: reason.clone(),
                            receipt_timestamp,
                        })));
                    }
                }
                if !state.events.is_empty() {
                    let take = max.min(state.events.len());
                    out.extend(state.events.drain(..take));
                    drop(state);
                    self.room.notify_waiters();
                    return true;
                }
                if !out.is_empty() {
                    return true;
                }
                if state.closed {
                    return false;
                }
            }
            items.await;
        }
    }

    /// No more events are accepted; the consumer drains what is queued, then stops.
    pub(super) fn close(&self) {
        self.lock().closed = true;
        self.items.notify_one();
        self.room.notify_waiters();
    }

    pub(super) fn counts(&self) -> QueueCounts {
        let state = self.lock();
        QueueCounts {
            accepted: state.accepted,
            dropped: state.dropped,
            queued: state.events.len(),
            max_queued: state.max_queued,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;
    use std::time::Duration;

    use super::*;
    use crate::{Side, Trade, TradeId};

    fn trade(symbol: &str, id: u64) -> Arc<Event> {
        Arc::new(Event::Trade(Trade {
            exchange: "BINANCE".into(),
            symbol: Symbol::parse(symbol).unwrap(),
            side: Side::Buy,
            amount: Decimal::ONE,
            price: Decimal::from_str("1.5").unwrap(),
            id: Some(TradeId::Number(id)),
            timestamp: Decimal::ONE,
            receipt_timestamp: Decimal::TWO,
        }))
    }

    fn id_of(event: &Event) -> Option<u64> {
        match event {
            Event::Trade(Trade {
                id: Some(TradeId::Number(id)),
                ..
            }) => Some(*id),
            _ => None,
        }
    }

    #[tokio::test]
    async fn block_waits_for_room_and_loses_nothing() {
        let queue = Arc::new(EventQueue::new(2, OverflowPolicy::Block));
        let producer = {
            let queue = Arc::clone(&queue);
            tokio::spawn(async move {
                for id in 1..=5 {
                    queue.push(trade("BTC-USDT", id)).await;
                }
                queue.close();
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(queue.counts().queued, 2, "the producer waits at capacity");
        assert!(!producer.is_finished());
        let mut seen = Vec::new();
        let mut batch = Vec::new();
        while queue
            .pop_batch(10, "test", || Decimal::ZERO, &mut batch)
            .await
        {
            seen.extend(batch.drain(..).filter_map(|event| id_of(&event)));
        }
        producer.await.unwrap();
        assert_eq!(seen, vec![1, 2, 3, 4, 5]);
        let counts = queue.counts();
        assert_eq!(
            (counts.accepted, counts.dropped, counts.max_queued),
            (5, 0, 2)
        );
    }

    #[tokio::test]
    async fn drop_discards_the_oldest_and_leaves_a_gap_per_symbol_and_channel() {
        let queue = EventQueue::new(2, OverflowPolicy::Drop);
        for (symbol, id) in [
            ("BTC-USDT", 1),
            ("ETH-USDT", 2),
            ("BTC-USDT", 3),
            ("BTC-USDT", 4),
        ] {
            queue.push(trade(symbol, id)).await; // never waits
        }
        queue.close();
        let mut batch = Vec::new();
        assert!(
            queue
                .pop_batch(10, "slow", || Decimal::TEN, &mut batch)
                .await
        );
        let gaps: Vec<(String, String)> = batch
            .iter()
            .filter_map(|event| match &**event {
                Event::Gap(gap) => Some((gap.symbol.to_string(), gap.reason.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(
            gaps,
            vec![
                (
                    "BTC-USDT".to_owned(),
                    "sink slow: queue full, 2 events dropped".to_owned()
                ),
                (
                    "ETH-USDT".to_owned(),
                    "sink slow: queue full, 2 events dropped".to_owned()
                ),
            ]
        );
        let kept: Vec<u64> = batch.iter().filter_map(|event| id_of(event)).collect();
        assert_eq!(kept, vec![3, 4], "the newest stay");
        assert_eq!(queue.counts().dropped, 2);
        batch.clear();
        assert!(
            !queue
                .pop_batch(10, "slow", || Decimal::TEN, &mut batch)
                .await
        );
    }

    #[tokio::test]
    async fn close_releases_a_blocked_producer() {
        let queue = Arc::new(EventQueue::new(1, OverflowPolicy::Block));
        queue.push(trade("BTC-USDT", 1)).await;
        let blocked = {
            let queue = Arc::clone(&queue);
            tokio::spawn(async move { queue.push(trade("BTC-USDT", 2)).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        queue.close();
        tokio::time::timeout(Duration::from_secs(1), blocked)
            .await
            .expect("released")
            .unwrap();
        assert_eq!(queue.counts().accepted, 1);
    }
}
