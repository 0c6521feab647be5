//! Egress pacing: each egress address (a pool member, or the direct route) of an exchange
//! stays under the venue's per-IP limits ([`VenueLimits::connections_per_egress`] for new
//! WebSockets, [`VenueLimits::rest_weight_per_egress`] for REST weight).
//!
//! A sliding-window log per (exchange, egress, budget), process-wide: a reservation of
//! `weight` is granted at the earliest time, no earlier than the last grant (first come,
//! first served), at which the weights granted in the window `per` before it plus its own
//! stay within `count`. So never more than `count` in any `per`. The reservation is
//! computed under a std mutex, and the caller sleeps outside it: no lock is held across an
//! await. A request heavier than the whole budget waits for an empty window and then goes
//! alone (it cannot be split).
//!
//! [`VenueLimits::connections_per_egress`]: crate::runtime::VenueLimits::connections_per_egress
//! [`VenueLimits::rest_weight_per_egress`]: crate::runtime::VenueLimits::rest_weight_per_egress

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use tokio::time::Instant;

use super::route::Egress;
use crate::runtime::Rate;

/// Which per-egress budget a reservation draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Budget {
    /// New WebSocket connections ([`crate::runtime::VenueLimits::connections_per_egress`]).
    Connections,
    /// REST request weight ([`crate::runtime::VenueLimits::rest_weight_per_egress`]).
    RestWeight,
}

/// The grants of one budget in its current window, oldest first.
#[derive(Debug, Default)]
pub struct WindowLog {
    grants: VecDeque<(Instant, u32)>,
}

impl WindowLog {
    /// When a reservation of `weight` made at `now` may go, and records it.
    pub fn reserve(&mut self, now: Instant, weight: u32, rate: Rate) -> Instant {
        let at = self.earliest(now, weight, rate);
        self.grants.push_back((at, weight.min(rate.count)));
        at
    }

    /// When a reservation of `weight` made at `now` could go, without recording it.
    #[must_use]
    pub fn earliest(&self, now: Instant, weight: u32, rate: Rate) -> Instant {
        if rate.count == 0 || rate.per.is_zero() {
            return now;
        }
        let weight = weight.min(rate.count);
        let start = self.grants.back().map_or(now, |(last, _)| (*last).max(now));
        let in_window = |at: Instant| {
            self.grants
                .iter()
                .filter(move |(granted, _)| *granted + rate.per > at)
        };
        let used: u64 = in_window(start).map(|(_, w)| u64::from(*w)).sum();
        let budget = u64::from(rate.count);
        if used + u64::from(weight) <= budget {
            return start;
        }
        // Wait until enough of the oldest grants in the window have left it.
        let mut freed = 0u64;
        for (granted, w) in in_window(start) {
            freed += u64::from(*w);
            if used - freed + u64::from(weight) <= budget {
                return *granted + rate.per;
            }
        }
        start + rate.per
    }

    /// Forgets grants that left every window a reservation at `now` could see.
    fn prune(&mut self, now: Instant, per: Duration) {
        while self
            .grants
            .front()
            .is_some_and(|(granted, _)| *granted + per <= now)
        {
            self.grants.pop_front();
        }
    }
}

type PaceKey = (Arc<str>, Egress, Budget);

fn logs() -> MutexGuard<'static, HashMap<PaceKey, WindowLog>> {
    static LOGS: OnceLock<Mutex<HashMap<PaceKey, WindowLog>>> = OnceLock::new();
    LOGS.get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn key(exchange: &str, egress: &Egress, budget: Budget) -> PaceKey {
    (exchange.to_ascii_lowercase().into(), egress.clone(), budget)
}

/// Reserves `weight` of `exchange`'s `budget` on `egress` under `rate` and waits until the
/// reservation's time. No limit (`None`) = no wait.
pub async fn pace(
    exchange: &str,
    egress: &Egress,
    budget: Budget,
    rate: Option<Rate>,
    weight: u32,
) {
    let Some(rate) = rate else {
        return;
    };
    let at = {
        let now = Instant::now();
        let mut logs = logs();
        let log = logs.entry(key(exchange, egress, budget)).or_default();
        log.prune(now, rate.per);
        log.reserve(now, weight, rate)
    };
    if at > Instant::now() {
        tracing::debug!(
            exchange,
            egress = %egress.name(),
            ?budget,
            wait_ms = at.saturating_duration_since(Instant::now()).as_millis(),
            "pacing: waiting for the egress budget"
        );
        tokio::time::sleep_until(at).await;
    }
}

/// How long a reservation of `weight` on `egress` would wait now (no reservation made):
/// the pool's tie-break between equally loaded members.
#[must_use]
pub fn wait_estimate(
    exchange: &str,
    egress: &Egress,
    budget: Budget,
    rate: Option<Rate>,
    weight: u32,
) -> Duration {
    let Some(rate) = rate else {
        return Duration::ZERO;
    };
    let now = Instant::now();
    logs()
        .get(&key(exchange, egress, budget))
        .map_or(Duration::ZERO, |log| {
            log.earliest(now, weight, rate)
                .saturating_duration_since(now)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[tokio::test(start_paused = true)]
    async fn never_more_than_count_in_any_window() {
        let rate = Rate::new(3, secs(10));
        let mut log = WindowLog::default();
        let t0 = Instant::now();
        let grants: Vec<Duration> = (0..7).map(|_| log.reserve(t0, 1, rate) - t0).collect();
        assert_eq!(
            grants,
            [0, 0, 0, 10, 10, 10, 20].map(secs),
            "three at once, then the next three when the first three leave the window"
        );
        // Check the promise over every window of 10 s.
        let times: Vec<Duration> = grants.clone();
        for start in &times {
            let inside = times
                .iter()
                .filter(|t| *t >= start && **t < *start + secs(10))
                .count();
            assert!(inside <= 3, "{inside} grants in the window from {start:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn weights_count_and_heavy_requests_go_alone() {
        let rate = Rate::new(100, secs(60));
        let mut log = WindowLog::default();
        let t0 = Instant::now();
        assert_eq!(log.reserve(t0, 50, rate), t0);
        assert_eq!(log.reserve(t0 + secs(1), 40, rate), t0 + secs(1));
        // 90 used: a weight of 20 waits for the first 50 to leave (at 60 s).
        assert_eq!(log.reserve(t0 + secs(2), 20, rate), t0 + secs(60));
        // Heavier than the budget: clamped to it, so it waits for an empty window.
        assert_eq!(log.reserve(t0 + secs(3), 500, rate), t0 + secs(120));
    }

    #[tokio::test(start_paused = true)]
    async fn pace_sleeps_per_egress_and_exchange() {
        let rate = Some(Rate::new(2, secs(5)));
        let a = Egress::Proxy(feed_proxy::ProxyConfig::new("socks5://a:1").unwrap());
        let start = Instant::now();
        for _ in 0..2 {
            pace("pace-ex", &a, Budget::Connections, rate, 1).await;
        }
        assert_eq!(Instant::now() - start, Duration::ZERO);
        assert_eq!(
            wait_estimate("pace-ex", &a, Budget::Connections, rate, 1),
            secs(5)
        );
        // Another egress, another exchange and the other budget are free.
        assert_eq!(
            wait_estimate("pace-ex", &Egress::Direct, Budget::Connections, rate, 1),
            Duration::ZERO
        );
        assert_eq!(
            wait_estimate("other-ex", &a, Budget::Connections, rate, 1),
            Duration::ZERO
        );
        assert_eq!(
            wait_estimate("pace-ex", &a, Budget::RestWeight, rate, 1),
            Duration::ZERO
        );
        pace("pace-ex", &a, Budget::Connections, rate, 1).await;
        assert_eq!(Instant::now() - start, secs(5));
        // No limit: no wait.
        pace("pace-ex", &a, Budget::Connections, None, 1).await;
        assert_eq!(Instant::now() - start, secs(5));
    }
}
