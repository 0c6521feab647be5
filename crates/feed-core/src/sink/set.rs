//! [`Sinks`]: several sinks at once, each behind its own queue and task.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::task::JoinHandle;

use super::queue::{EventQueue, OverflowPolicy};
use super::report::{DeliveryReport, SinkReport};
use super::{data_channel, Sink, SinkError};
use crate::types::now_seconds;
use crate::{Channel, Event};

/// Events one sink's queue holds at most by default.
pub const DEFAULT_QUEUE_EVENTS: usize = 100_000;

/// Events handed to a sink per [`Sink::write`] at most by default.
pub const DEFAULT_BATCH_EVENTS: usize = 1_000;

/// A sink and how it is fed: what [`Sinks::start`] takes.
pub type SinkSpec = (Box<dyn Sink>, SinkOptions);

/// One sink's figures at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkFigures {
    /// The sink ([`Sink::describe`]).
    pub sink: String,
    /// Events accepted into its queue so far.
    pub accepted: u64,
    /// Events delivered so far.
    pub delivered: u64,
    /// Events dropped by the `drop` policy so far.
    pub dropped: u64,
    /// Events failed so far.
    pub failed: u64,
    /// Events in its queue now.
    pub queued: usize,
    /// Its queue's capacity.
    pub capacity: usize,
}

/// How one sink is fed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkOptions {
    /// The channels it takes (gaps go with the channel they are about); empty: every one.
    pub channels: Vec<Channel>,
    /// What a full queue does.
    pub overflow: OverflowPolicy,
    /// The queue's capacity in events (memory is bounded by it).
    pub queue_events: usize,
    /// The most events per batch.
    pub batch_events: usize,
}

impl Default for SinkOptions {
    fn default() -> Self {
        SinkOptions {
            channels: Vec::new(),
            overflow: OverflowPolicy::Block,
            queue_events: DEFAULT_QUEUE_EVENTS,
            batch_events: DEFAULT_BATCH_EVENTS,
        }
    }
}

impl SinkOptions {
    /// True when the sink takes `event`.
    #[must_use]
    pub fn takes(&self, event: &Event) -> bool {
        data_channel(event)
            .is_some_and(|channel| self.channels.is_empty() || self.channels.contains(&channel))
    }
}

struct Entry {
    name: String,
    options: SinkOptions,
    queue: Arc<EventQueue>,
    report: DeliveryReport,
    /// Taken by [`Sinks::finish`].
    task: Mutex<Option<JoinHandle<Option<String>>>>,
}

/// Running sinks. [`Sinks::deliver`] is what feeds' callbacks call; [`Sinks::finish`]
/// flushes at the end.
pub struct Sinks {
    entries: Vec<Entry>,
    broken: Arc<Broken>,
}

/// The first sink that could not take a batch.
#[derive(Default)]
struct Broken {
    first: Mutex<Option<String>>,
    notify: tokio::sync::Notify,
}

impl Broken {
    fn set(&self, error: String) {
        let mut first = self.first.lock().unwrap_or_else(PoisonError::into_inner);
        if first.is_none() {
            *first = Some(error);
            self.notify.notify_waiters();
        }
    }
}

impl Sinks {
    /// No sink at all (a run with nothing to deliver).
    #[must_use]
    pub fn none() -> Self {
        Sinks {
            entries: Vec::new(),
            broken: Arc::new(Broken::default()),
        }
    }

    /// Opens every sink (in order; the first that cannot start stops it all) and starts
    /// its task. Call it inside a tokio runtime.
    ///
    /// # Errors
    /// The first sink's [`Sink::open`] error.
    pub async fn start(sinks: Vec<SinkSpec>) -> Result<Self, SinkError> {
        let mut opened = Vec::with_capacity(sinks.len());
        for (mut sink, options) in sinks {
            sink.open().await?;
            opened.push((sink, options));
        }
        let broken = Arc::new(Broken::default());
        let entries = opened
            .into_iter()
            .map(|(sink, options)| {
                let name = sink.describe();
                let queue = Arc::new(EventQueue::new(options.queue_events, options.overflow));
                let report = DeliveryReport::default();
                let task = tokio::spawn(drain(
                    sink,
                    Arc::clone(&queue),
                    report.clone(),
                    options.batch_events.max(1),
                    Arc::clone(&broken),
                ));
                tracing::info!(sink = %name, overflow = options.overflow.name(), queue = options.queue_events, "sink started");
                Entry {
                    name,
                    options,
                    queue,
                    report,
                    task: Mutex::new(Some(task)),
                }
            })
            .collect();
        Ok(Sinks { entries, broken })
    }

    /// Resolves with the error of the first sink that refused a batch ([`Sink::write`]
    /// returned an error: stdout closed, a disk full): `run` stops on it rather than feed
    /// a sink that loses everything.
    pub async fn broken(&self) -> String {
        loop {
            let notified = self.broken.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(error) = self
                .broken
                .first
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
            {
                return error;
            }
            notified.await;
        }
    }

    /// Every sink's figures now (for `/metrics`).
    #[must_use]
    pub fn figures(&self) -> Vec<SinkFigures> {
        self.entries
            .iter()
            .map(|entry| {
                let counts = entry.queue.counts();
                SinkFigures {
                    sink: entry.name.clone(),
                    accepted: counts.accepted,
                    delivered: entry.report.delivered_count(),
                    dropped: counts.dropped,
                    failed: entry.report.failed_count(),
                    queued: counts.queued,
                    capacity: entry.options.queue_events,
                }
            })
            .collect()
    }

    /// How many sinks run.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when none runs.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Hands `event` to every sink that takes it; waits only for a blocking sink's room.
    pub async fn deliver(&self, event: Event) {
        if !self.entries.iter().any(|entry| entry.options.takes(&event)) {
            return;
        }
        let event = Arc::new(event);
        for entry in self
            .entries
            .iter()
            .filter(|entry| entry.options.takes(&event))
        {
            entry.queue.push(Arc::clone(&event)).await;
        }
    }

    /// Closes every queue, lets each sink write what is queued and flush, waiting at most
    /// `timeout` in all, and reports each. Whatever was still queued or in flight when the
    /// time ran out counts as failed. Events delivered afterwards are ignored; a second
    /// call reports the same counts without waiting.
    pub async fn finish(&self, timeout: Duration) -> Vec<SinkReport> {
        for entry in &self.entries {
            entry.queue.close();
        }
        let deadline = tokio::time::Instant::now() + timeout;
        let mut reports = Vec::with_capacity(self.entries.len());
        for entry in &self.entries {
            let task = entry
                .task
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            let error = match task {
                None => None,
                Some(mut task) => match tokio::time::timeout_at(deadline, &mut task).await {
                    Ok(Ok(error)) => error,
                    Ok(Err(join)) => Some(format!("the sink's task failed: {join}")),
                    Err(_) => {
                        task.abort();
                        Some(format!("not flushed within {} s", timeout.as_secs_f64()))
                    }
                },
            };
            let counts = entry.queue.counts();
            let delivered = entry.report.delivered_count();
            let unaccounted = counts
                .accepted
                .saturating_sub(delivered + counts.dropped + entry.report.failed_count());
            let failed = entry.report.failed_count() + unaccounted;
            let report = SinkReport {
                sink: entry.name.clone(),
                accepted: counts.accepted,
                delivered,
                dropped: counts.dropped,
                failed,
                max_queued: counts.max_queued,
                error: error.or_else(|| entry.report.first_failure()),
            };
            if report.lost() > 0 {
                tracing::error!(sink = %report.sink, dropped = report.dropped, failed = report.failed, "sink lost events");
            }
            reports.push(report);
        }
        reports
    }
}

/// One sink's task: batches from its queue into [`Sink::write`], then [`Sink::flush`];
/// the flush error, if any.
async fn drain(
    mut sink: Box<dyn Sink>,
    queue: Arc<EventQueue>,
    report: DeliveryReport,
    batch_events: usize,
    broken: Arc<Broken>,
) -> Option<String> {
    let name = sink.describe();
    let mut batch = Vec::with_capacity(batch_events);
    while queue
        .pop_batch(batch_events, &name, now_seconds, &mut batch)
        .await
    {
        if let Err(error) = sink.write(&batch, &report).await {
            report.failed(batch.len() as u64, &error.message);
            broken.set(error.to_string());
        }
        batch.clear();
    }
    sink.flush(&report).await.err().map(|error| {
        tracing::error!(sink = %name, %error, "sink flush failed");
        error.message
    })
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;
    use std::sync::Mutex;

    use async_trait::async_trait;
    use rust_decimal::Decimal;
    use tokio::sync::Semaphore;

    use super::*;
    use crate::{Side, Symbol, Trade, TradeId};

    fn trade(symbol: &str, id: u64) -> Event {
        Event::Trade(Trade {
            exchange: "BINANCE".into(),
            symbol: Symbol::parse(symbol).unwrap(),
            side: Side::Sell,
            amount: Decimal::ONE,
            price: Decimal::from_str("2.5").unwrap(),
            id: Some(TradeId::Number(id)),
            timestamp: Decimal::ONE,
            receipt_timestamp: Decimal::TWO,
        })
    }

    /// Keeps every event; each write waits for a permit of `gate` (none: at once).
    struct Recording {
        name: &'static str,
        seen: Arc<Mutex<Vec<Arc<Event>>>>,
        gate: Option<Arc<Semaphore>>,
    }

    #[async_trait]
    impl Sink for Recording {
        fn describe(&self) -> String {
            self.name.into()
        }

        async fn write(
            &mut self,
            batch: &[Arc<Event>],
            report: &DeliveryReport,
        ) -> Result<(), SinkError> {
            if let Some(gate) = &self.gate {
                gate.acquire().await.unwrap().forget();
            }
            self.seen.lock().unwrap().extend(batch.iter().cloned());
            report.delivered(batch.len() as u64);
            Ok(())
        }

        async fn flush(&mut self, _report: &DeliveryReport) -> Result<(), SinkError> {
            Ok(())
        }
    }

    /// A stalled sink under `drop` loses its oldest events (with gaps in its stream) while
    /// a fast one beside it gets everything, undelayed.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_stalled_dropping_sink_never_delays_the_others() {
        let fast = Arc::new(Mutex::new(Vec::new()));
        let slow = Arc::new(Mutex::new(Vec::new()));
        let gate = Arc::new(Semaphore::new(0));
        let sinks = Sinks::start(vec![
            (
                Box::new(Recording {
                    name: "fast",
                    seen: Arc::clone(&fast),
                    gate: None,
                }) as Box<dyn Sink>,
                SinkOptions::default(),
            ),
            (
                Box::new(Recording {
                    name: "slow",
                    seen: Arc::clone(&slow),
                    gate: Some(Arc::clone(&gate)),
                }),
                SinkOptions {
                    overflow: OverflowPolicy::Drop,
                    queue_events: 10,
                    batch_events: 5,
                    channels: vec![Channel::Trades],
                },
            ),
        ])
        .await
        .unwrap();
        let delivering = tokio::time::timeout(Duration::from_secs(5), async {
            for id in 0..1000 {
                let symbol = if id % 2 == 0 { "BTC-USDT" } else { "ETH-USDT" };
                sinks.deliver(trade(symbol, id)).await;
            }
        });
        delivering.await.expect("never blocked by the stalled sink");
        gate.add_permits(1000);
        let reports = sinks.finish(Duration::from_secs(5)).await;
        assert_eq!(fast.lock().unwrap().len(), 1000);
        let (fast_report, slow_report) = (&reports[0], &reports[1]);
        assert_eq!((fast_report.delivered, fast_report.lost()), (1000, 0));
        assert!(slow_report.dropped >= 980, "{slow_report:?}");
        assert_eq!(slow_report.failed, 0);
        let slow = slow.lock().unwrap();
        let gaps: Vec<&Event> = slow
            .iter()
            .map(|event| &**event)
            .filter(|event| matches!(event, Event::Gap(_)))
            .collect();
        // One gap per symbol per episode of loss: before the first batch was taken (if the
        // queue overflowed that early) and while its write was stalled.
        let symbols: std::collections::BTreeSet<String> = gaps
            .iter()
            .filter_map(|gap| gap.symbol().map(ToString::to_string))
            .collect();
        assert_eq!(symbols.len(), 2, "{gaps:?}");
        assert!(gaps.len() == 2 || gaps.len() == 4, "{gaps:?}");
        // The newest events survive, in order.
        let ids: Vec<u64> = slow
            .iter()
            .filter_map(|event| match &**event {
                Event::Trade(Trade {
                    id: Some(TradeId::Number(id)),
                    ..
                }) => Some(*id),
                _ => None,
            })
            .collect();
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(ids.last(), Some(&999));
    }

    #[test]
    fn a_sink_takes_its_channels_and_their_gaps_only() {
        let options = SinkOptions {
            channels: vec![Channel::L2Book],
            ..SinkOptions::default()
        };
        assert!(!options.takes(&trade("BTC-USDT", 1)));
        let gap = |channel| {
            Event::Gap(crate::Gap {
                exchange: "BINANCE".into(),
                symbol: Symbol::parse("BTC-USDT").unwrap(),
                channel,
                reason: "x".into(),
                receipt_timestamp: Decimal::ONE,
            })
        };
        assert!(options.takes(&gap(Channel::L2Book)));
        assert!(!options.takes(&gap(Channel::Trades)));
        assert!(SinkOptions::default().takes(&trade("BTC-USDT", 1)));
    }
}
