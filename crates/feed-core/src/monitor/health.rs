//! `/health`: is every feed live, and if not, which ones are stale.
//!
//! A feed is live while its task runs and its last frame (or, before the first, its start)
//! is younger than its threshold. Frames count whatever they carry (heartbeats too), so a
//! quiet market on a venue that sends heartbeats stays live; a socket that stays open but
//! goes silent does not.

use std::time::Duration;

use serde_json::json;

use super::FeedMonitor;

/// One feed's liveness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedHealth {
    /// The feed's name.
    pub name: String,
    /// Its exchange id.
    pub exchange: String,
    /// Running and heard from within its threshold.
    pub live: bool,
    /// Its task runs (false once it stopped or gave up reconnecting).
    pub running: bool,
    /// Time since the last frame or, before the first, since the start.
    pub silence: Duration,
    /// Its threshold.
    pub stale_after: Duration,
    /// Time since the last frame; `None` before the first.
    pub since_last_frame: Option<Duration>,
}

/// Every feed's liveness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthReport {
    /// In the handler's order.
    pub feeds: Vec<FeedHealth>,
}

impl HealthReport {
    pub(crate) fn of(monitor: &FeedMonitor) -> Self {
        let feeds = monitor
            .feeds()
            .iter()
            .map(|feed| {
                let running = feed.stats.is_running();
                let silence = feed.stats.silence();
                FeedHealth {
                    name: feed.name.clone(),
                    exchange: feed.exchange.clone(),
                    live: running && silence < feed.stale_after,
                    running,
                    silence,
                    stale_after: feed.stale_after,
                    since_last_frame: feed.stats.since_last_frame(),
                }
            })
            .collect();
        HealthReport { feeds }
    }

    /// True when every feed is live.
    #[must_use]
    pub fn is_live(&self) -> bool {
        self.feeds.iter().all(|feed| feed.live)
    }

    /// The names of the feeds that are not live.
    #[must_use]
    pub fn stale(&self) -> Vec<&str> {
        self.feeds
            .iter()
            .filter(|feed| !feed.live)
            .map(|feed| feed.name.as_str())
            .collect()
    }

    /// The `/health` body:
    /// `{"status":"ok"|"stale","stale":[names],"feeds":[{"feed","exchange","live","running",
    /// "seconds_since_last_frame","stale_after_seconds"}]}`.
    #[must_use]
    pub fn to_json(&self) -> String {
        let feeds: Vec<_> = self
            .feeds
            .iter()
            .map(|feed| {
                json!({
                    "feed": feed.name,
                    "exchange": feed.exchange,
                    "live": feed.live,
                    "running": feed.running,
                    "seconds_since_last_frame": feed.since_last_frame.map(|since| since.as_secs_f64()),
                    "stale_after_seconds": feed.stale_after.as_secs_f64(),
                })
            })
            .collect();
        json!({
            "status": if self.is_live() { "ok" } else { "stale" },
            "stale": self.stale(),
            "feeds": feeds,
        })
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::MonitoredFeed;
    use crate::runtime::FeedStats;

    #[test]
    fn a_feed_is_live_while_running_and_heard_from_within_its_threshold() {
        let (running, stopped) = (FeedStats::default(), FeedStats::default());
        running.set_running(true);
        let monitor = FeedMonitor::new(vec![
            MonitoredFeed {
                name: "binance".into(),
                exchange: "binance".into(),
                stats: running.clone(),
                stale_after: Duration::from_secs(60),
            },
            MonitoredFeed {
                name: "kraken".into(),
                exchange: "kraken".into(),
                stats: stopped,
                stale_after: Duration::from_secs(60),
            },
        ]);
        let report = monitor.health();
        assert!(
            report.feeds[0].live,
            "started just now: within its threshold"
        );
        assert!(!report.feeds[1].live, "never ran");
        assert_eq!(report.stale(), ["kraken"]);
        let body: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        assert_eq!(body["status"], "stale");
        assert_eq!(body["stale"], json!(["kraken"]));
        assert_eq!(body["feeds"][0]["seconds_since_last_frame"], json!(null));
        assert_eq!(body["feeds"][1]["running"], json!(false));

        // A frame stamped two minutes ago: stale.
        running.add_frame(crate::types::now_micros() - 120_000_000);
        let report = monitor.health();
        assert!(!report.feeds[0].live);
        let since = report.feeds[0].since_last_frame.unwrap();
        assert!(since >= Duration::from_secs(120));
    }
}
