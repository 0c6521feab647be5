//! One log line per feed per interval (default a minute) at info level: events per second,
//! frames per second, the interval's lag and reconnects; and a warning when a feed's median
//! lag over the interval is above the threshold (a feed that runs minutes behind the
//! exchange is a silent failure the anchors' users have met).

use std::time::Duration;

use super::{FeedMonitor, MonitorSettings};
use crate::runtime::{short_duration, LagBuckets, LagSummary, StatsSnapshot};

/// What one feed did during one interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntervalReport {
    /// The feed's name.
    pub feed: String,
    /// The interval's length.
    pub interval: Duration,
    /// Trades, book updates and gaps delivered in the interval.
    pub trades: u64,
    /// Book updates.
    pub books: u64,
    /// Gaps.
    pub gaps: u64,
    /// Frames received.
    pub frames: u64,
    /// Reconnects in the interval, and in all.
    pub reconnects: (u64, u64),
    /// The interval's lag.
    pub lag: LagSummary,
}

impl IntervalReport {
    /// The interval's figures from two readings of a feed's counters.
    #[must_use]
    pub fn between(
        feed: &str,
        interval: Duration,
        before: (&StatsSnapshot, &LagBuckets),
        after: (&StatsSnapshot, &LagBuckets),
    ) -> Self {
        let ((then, lag_then), (now, lag_now)) = (before, after);
        IntervalReport {
            feed: feed.to_owned(),
            interval,
            trades: now.trades.saturating_sub(then.trades),
            books: now.books.saturating_sub(then.books),
            gaps: now.gaps.saturating_sub(then.gaps),
            frames: now.frames.saturating_sub(then.frames),
            reconnects: (
                now.reconnects.saturating_sub(then.reconnects),
                now.reconnects,
            ),
            lag: lag_now.since(lag_then).summary(),
        }
    }

    /// Events (trades, books, gaps) per second.
    #[must_use]
    pub fn events_per_second(&self) -> f64 {
        (self.trades + self.books + self.gaps) as f64 / self.interval.as_secs_f64().max(1e-9)
    }

    /// `binance: 812.4 events/s (48000 trades, 735 books, 0 gaps), 640.1 frames/s, lag
    /// median=12.0ms p99=40.1ms max=80.3ms, reconnects 0 (0 in all)`.
    #[must_use]
    pub fn line(&self) -> String {
        let seconds = self.interval.as_secs_f64().max(1e-9);
        format!(
            "{}: {:.1} events/s ({} trades, {} books, {} gaps), {:.1} frames/s, lag {}, reconnects {} ({} in all)",
            self.feed,
            self.events_per_second(),
            self.trades,
            self.books,
            self.gaps,
            self.frames as f64 / seconds,
            self.lag.display(),
            self.reconnects.0,
            self.reconnects.1,
        )
    }

    /// The warning when the interval's median lag is above `threshold`.
    #[must_use]
    pub fn lag_warning(&self, threshold: Duration) -> Option<String> {
        (self.lag.samples > 0 && self.lag.median > threshold).then(|| {
            format!(
                "{}: median lag {} over the last {} is above the lag warning threshold ({}): \
                 the feed runs behind the exchange (slow callbacks or output, CPU, network or \
                 proxy) or the local clock is off",
                self.feed,
                short_duration(self.lag.median),
                short_duration(self.interval),
                short_duration(threshold),
            )
        })
    }
}

/// Logs every feed's line each `settings.report_every` until dropped.
pub async fn run(monitor: FeedMonitor, settings: MonitorSettings) {
    let every = settings.report_every.max(Duration::from_millis(100));
    let read = |monitor: &FeedMonitor| -> Vec<(StatsSnapshot, LagBuckets)> {
        monitor
            .feeds()
            .iter()
            .map(|feed| (feed.stats.snapshot(), feed.stats.lag_buckets()))
            .collect()
    };
    let mut previous = read(&monitor);
    let mut timer = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        timer.tick().await;
        let current = read(&monitor);
        for ((feed, before), after) in monitor.feeds().iter().zip(&previous).zip(&current) {
            let report = IntervalReport::between(
                &feed.name,
                every,
                (&before.0, &before.1),
                (&after.0, &after.1),
            );
            tracing::info!(feed = %feed.name, exchange = %feed.exchange, "{}", report.line());
            if let Some(warning) = report.lag_warning(settings.lag_warning) {
                tracing::warn!(feed = %feed.name, exchange = %feed.exchange, "{warning}");
            }
        }
        previous = current;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::FeedStats;

    #[test]
    fn an_interval_reports_rates_lag_and_reconnects() {
        let then = StatsSnapshot {
            trades: 100,
            reconnects: 2,
            ..StatsSnapshot::default()
        };
        let now = StatsSnapshot {
            trades: 700,
            books: 200,
            frames: 500,
            reconnects: 3,
            ..StatsSnapshot::default()
        };
        let stats = FeedStats::default();
        let empty = stats.lag_buckets();
        let report = IntervalReport::between(
            "binance",
            Duration::from_secs(60),
            (&then, &empty),
            (&now, &empty),
        );
        assert_eq!(report.trades, 600);
        assert_eq!(report.reconnects, (1, 3));
        assert!((report.events_per_second() - 800.0 / 60.0).abs() < 1e-9);
        assert_eq!(
            report.line(),
            "binance: 13.3 events/s (600 trades, 200 books, 0 gaps), 8.3 frames/s, lag -, reconnects 1 (3 in all)"
        );
        assert_eq!(
            report.lag_warning(Duration::from_secs(5)),
            None,
            "no samples"
        );
    }

    #[test]
    fn a_median_lag_above_the_threshold_warns_and_one_below_does_not() {
        let stats = FeedStats::default();
        let before = (stats.snapshot(), stats.lag_buckets());
        for _ in 0..10 {
            stats.add_event(&crate::monitor::test_trade(8_000));
        }
        stats.add_event(&crate::monitor::test_trade(10));
        let after = (stats.snapshot(), stats.lag_buckets());
        let report = IntervalReport::between(
            "okx",
            Duration::from_secs(60),
            (&before.0, &before.1),
            (&after.0, &after.1),
        );
        assert_eq!(report.lag.samples, 11);
        let warning = report
            .lag_warning(Duration::from_secs(5))
            .expect("8 s > 5 s");
        assert!(warning.starts_with("okx: median lag 8."), "{warning}");
        assert!(warning.contains("threshold (5.00s)"), "{warning}");
        assert_eq!(report.lag_warning(Duration::from_secs(10)), None);
        assert!(report.line().contains("lag median=8."), "{}", report.line());
    }
}
