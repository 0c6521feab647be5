//! A sliding window counter: how many events fell in the trailing `length` (any window of
//! that length, not fixed buckets), as Binance counts messages per second and connections
//! per 5 minutes.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The events of the trailing `length`.
#[derive(Debug, Clone)]
pub struct SlidingWindow {
    length: Duration,
    events: VecDeque<Instant>,
}

impl SlidingWindow {
    /// An empty window of `length`.
    #[must_use]
    pub fn new(length: Duration) -> Self {
        SlidingWindow {
            length,
            events: VecDeque::new(),
        }
    }

    /// Records an event at `now` and returns how many events the window ending at `now`
    /// holds, this one included (events exactly `length` old have left it).
    pub fn record(&mut self, now: Instant) -> usize {
        while let Some(&oldest) = self.events.front() {
            if now.saturating_duration_since(oldest) >= self.length {
                self.events.pop_front();
            } else {
                break;
            }
        }
        self.events.push_back(now);
        self.events.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_every_trailing_window_not_fixed_buckets() {
        let start = Instant::now();
        let at = |millis: u64| start + Duration::from_millis(millis);
        let mut window = SlidingWindow::new(Duration::from_secs(1));
        // Five at the end of one second and one at the start of the next: six within 1 s.
        for millis in [900, 920, 940, 960, 980] {
            window.record(at(millis));
        }
        assert_eq!(window.record(at(1100)), 6);
        // A second after the first five, only the 1100 one and this one remain.
        assert_eq!(window.record(at(1980)), 2);
    }
}
