//! [`SendWindow`]: never more than `count` sends in any window of `per` — the way venues
//! count a connection's incoming messages (Binance: 5 per second, any sliding second) —
//! while letting a short burst (an unsubscribe and its subscribe) go at once.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use super::limits::Rate;

/// The last sends within the window.
#[derive(Debug)]
pub(crate) struct SendWindow {
    count: usize,
    per: Duration,
    sent: VecDeque<Instant>,
}

impl SendWindow {
    /// A window of `rate`, keeping `headroom` (0..1) of it unused: 20 % of Binance's 5
    /// per second leaves 4.
    pub(crate) fn new(rate: Rate, headroom: f64) -> Self {
        let usable = (f64::from(rate.count) * (1.0 - headroom.clamp(0.0, 0.9))).floor();
        SendWindow {
            count: (usable as usize).max(1),
            per: rate.per,
            sent: VecDeque::new(),
        }
    }

    /// When the next send may go, given `now`: now while the window has room, else when
    /// its oldest send leaves it.
    pub(crate) fn next_at(&mut self, now: Instant) -> Instant {
        while self
            .sent
            .front()
            .is_some_and(|oldest| *oldest + self.per <= now)
        {
            self.sent.pop_front();
        }
        if self.sent.len() < self.count {
            now
        } else {
            self.sent.front().map_or(now, |oldest| *oldest + self.per)
        }
    }

    /// A send went at `at`.
    pub(crate) fn record(&mut self, at: Instant) {
        self.sent.push_back(at);
        while self.sent.len() > self.count {
            self.sent.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn bursts_go_at_once_and_no_window_holds_more_than_the_rate() {
        let mut window = SendWindow::new(Rate::per_second(5), 0.2);
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..20 {
            let at = window.next_at(Instant::now());
            tokio::time::sleep_until(at).await;
            window.record(Instant::now());
            times.push(Instant::now() - start);
        }
        // Four at once, then four a second.
        assert!(times[..4].iter().all(|t| *t == Duration::ZERO), "{times:?}");
        assert_eq!(times[4], Duration::from_secs(1));
        for (n, sent) in times.iter().enumerate() {
            let in_window = times
                .iter()
                .filter(|other| **other >= *sent && **other < *sent + Duration::from_secs(1))
                .count();
            assert!(
                in_window <= 4,
                "{n}: {in_window} within a second of {sent:?}"
            );
        }
    }
}
