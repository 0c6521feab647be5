//! Per-subscription liveness: a subscription that stays silent much longer than it usually
//! does, while its connection carries other data, is resubscribed with a gap.
//!
//! A connection that goes silent as a whole is the runtime's idle timeout; this catches the
//! quieter failure — one stream of a live connection stopped (a venue that dropped a
//! subscription without a word). Quiet markets are considered: each subscription learns
//! its own cadence (a moving average of the time between its data), and is suspected only
//! after [`SILENCE_FACTOR`] times that, never sooner than its channel's floor and always
//! after [`CAP_SECONDS`]. Until it has [`MIN_SAMPLES`] intervals it waits
//! [`UNLEARNED_SECONDS`]; trades that never came are not watched at all (a market may not
//! trade for days: no evidence, no gap), books and tickers that never came are. Each
//! resubscription doubles the wait for the next one, until data comes back.

use feed_core::Channel;

/// How many of its usual intervals a subscription may be silent.
pub(crate) const SILENCE_FACTOR: f64 = 30.0;
/// Intervals needed before a subscription's cadence counts.
pub(crate) const MIN_SAMPLES: u32 = 5;
/// The wait of a subscription whose cadence is not learned yet.
pub(crate) const UNLEARNED_SECONDS: f64 = 3600.0;
/// The longest wait.
pub(crate) const CAP_SECONDS: f64 = 6.0 * 3600.0;
/// How recent the connection's last data must be for one silent subscription to count
/// (otherwise the whole connection is quiet: the idle timeout's business).
pub(crate) const CONNECTION_ALIVE_SECONDS: f64 = 10.0;
/// The weight of the newest interval in the moving average.
const SMOOTHING: f64 = 0.1;

/// The shortest wait of a channel, whatever its cadence.
fn floor_seconds(channel: Channel) -> f64 {
    match channel {
        Channel::L2Book | Channel::Ticker => 30.0,
        Channel::Trades => 60.0,
        _ => 120.0,
    }
}

/// One subscription's record.
#[derive(Debug, Clone, Default)]
struct Record {
    last: Option<f64>,
    /// Moving average of the seconds between data.
    mean_interval: f64,
    samples: u32,
    /// Resubscriptions since its last data.
    retries: u32,
    /// Not watched at all (a polled subscription).
    unwatched: bool,
}

/// The liveness of one connection's subscriptions (indexed like the plan's).
#[derive(Debug, Default)]
pub(crate) struct Liveness {
    records: Vec<Record>,
    opened: f64,
    last_any: f64,
}

impl Liveness {
    /// `count` subscriptions, subscribed at `now` (seconds).
    pub(crate) fn new(count: usize, now: f64) -> Self {
        Liveness {
            records: vec![Record::default(); count],
            opened: now,
            last_any: now,
        }
    }

    /// Never suspects subscription `index` (one polled over REST, not streamed).
    pub(crate) fn unwatch(&mut self, index: usize) {
        if let Some(record) = self.records.get_mut(index) {
            record.unwatched = true;
        }
    }

    /// Data of subscription `index` arrived at `now`.
    pub(crate) fn seen(&mut self, index: usize, now: f64) {
        self.last_any = now;
        let Some(record) = self.records.get_mut(index) else {
            return;
        };
        if let Some(last) = record.last {
            let interval = (now - last).max(0.0);
            record.mean_interval = if record.samples == 0 {
                interval
            } else {
                record.mean_interval * (1.0 - SMOOTHING) + interval * SMOOTHING
            };
            record.samples = record.samples.saturating_add(1);
        }
        record.last = Some(now);
        record.retries = 0;
    }

    /// How long subscription `index` of `channel` may be silent now; `None` when it is not
    /// watched (trades that never came).
    fn allowed(&self, index: usize, channel: Channel) -> Option<f64> {
        let record = &self.records[index];
        if record.unwatched {
            return None;
        }
        let base = if record.samples >= MIN_SAMPLES {
            (record.mean_interval * SILENCE_FACTOR).clamp(floor_seconds(channel), CAP_SECONDS)
        } else if record.last.is_none() && record.retries == 0 && channel == Channel::Trades {
            return None;
        } else {
            UNLEARNED_SECONDS
        };
        Some((base * f64::from(1_u32 << record.retries.min(8))).min(CAP_SECONDS * 4.0))
    }

    /// The subscriptions (index, seconds silent, usual interval if learned) to resubscribe
    /// at `now`; each is counted as retried from `now`. `channel_of` gives a subscription's
    /// channel, `skip` those that are not to be watched now (refused).
    pub(crate) fn silent(
        &mut self,
        now: f64,
        channel_of: impl Fn(usize) -> Channel,
        skip: impl Fn(usize) -> bool,
    ) -> Vec<(usize, f64, Option<f64>)> {
        if now - self.last_any > CONNECTION_ALIVE_SECONDS {
            return Vec::new();
        }
        let mut silent = Vec::new();
        for index in 0..self.records.len() {
            if skip(index) {
                continue;
            }
            let since = self.records[index].last.unwrap_or(self.opened);
            let quiet = now - since;
            if self
                .allowed(index, channel_of(index))
                .is_some_and(|allowed| quiet > allowed)
            {
                let record = &mut self.records[index];
                let usual = (record.samples >= MIN_SAMPLES).then_some(record.mean_interval);
                silent.push((index, quiet, usual));
                record.retries = record.retries.saturating_add(1);
                record.last = Some(now);
            }
        }
        silent
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trades(_: usize) -> Channel {
        Channel::Trades
    }

    #[test]
    fn a_busy_stream_that_stops_is_suspected_after_its_channel_floor() {
        let mut liveness = Liveness::new(2, 0.0);
        // Subscription 0 trades every 0.1 s, subscription 1 every second.
        for tenth in 0..600 {
            let now = f64::from(tenth) / 10.0;
            liveness.seen(0, now);
            if tenth % 10 == 0 {
                liveness.seen(1, now);
            }
        }
        // Subscription 1 stops at 59 s; 0 carries on.
        let mut found = Vec::new();
        for second in 60..300 {
            let now = f64::from(second);
            liveness.seen(0, now);
            found.extend(liveness.silent(now, trades, |_| false));
        }
        assert_eq!(found.len(), 2, "{found:?}");
        let (index, quiet, usual) = found[0];
        assert_eq!(index, 1);
        // 30 × 1 s is below the trades floor of 60 s.
        assert!((60.0..62.0).contains(&quiet), "{quiet}");
        assert!((usual.unwrap() - 1.0).abs() < 0.01);
        // The second try waits twice as long.
        assert!((120.0..122.0).contains(&found[1].1), "{:?}", found[1]);
    }

    #[test]
    fn a_quiet_market_waits_by_its_own_cadence() {
        let mut liveness = Liveness::new(2, 0.0);
        for minute in 0..10 {
            liveness.seen(1, f64::from(minute) * 600.0); // a trade every 10 minutes
        }
        for second in 5_400..9_000 {
            liveness.seen(0, f64::from(second));
            let silent = liveness.silent(f64::from(second), trades, |_| false);
            // 30 × 600 s = 5 h: not within the hour after its last trade.
            assert!(silent.iter().all(|(index, ..)| *index != 1), "{silent:?}");
        }
    }

    #[test]
    fn trades_that_never_came_are_not_watched_but_books_are() {
        let mut liveness = Liveness::new(2, 0.0);
        let channels = |index: usize| [Channel::Trades, Channel::L2Book][index];
        let mut found = Vec::new();
        for second in 0..4_000 {
            liveness.seen(usize::MAX, f64::from(second)); // other data on the connection
            found.extend(liveness.silent(f64::from(second), channels, |_| false));
        }
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, 1);
        assert!(found[0].1 > UNLEARNED_SECONDS && found[0].2.is_none());
    }

    #[test]
    fn a_quiet_connection_is_the_idle_timeouts_business() {
        let mut liveness = Liveness::new(1, 0.0);
        for second in 0..10 {
            liveness.seen(0, f64::from(second));
        }
        assert!(liveness.silent(10_000.0, trades, |_| false).is_empty());
    }

    #[test]
    fn unwatched_subscriptions_are_never_suspected() {
        let mut liveness = Liveness::new(2, 0.0);
        liveness.unwatch(0);
        for second in 0..8_000 {
            liveness.seen(1, f64::from(second));
            let silent = liveness.silent(f64::from(second), |_| Channel::L2Book, |_| false);
            assert!(silent.is_empty(), "{silent:?}");
        }
    }

    #[test]
    fn skipped_subscriptions_are_never_suspected() {
        let mut liveness = Liveness::new(2, 0.0);
        liveness.seen(1, 0.0);
        for second in 0..8_000 {
            liveness.seen(1, f64::from(second));
            assert!(liveness
                .silent(f64::from(second), trades, |index| index == 0)
                .is_empty());
        }
    }
}
