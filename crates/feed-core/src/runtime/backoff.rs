//! Reconnect policy: exponential backoff with jitter, capped, reset once a connection
//! delivered data.

use std::time::Duration;

/// How a feed reconnects after losing its connection.
#[derive(Debug, Clone, PartialEq)]
pub struct ReconnectPolicy {
    /// The delay before the first reconnect attempt.
    pub initial_delay: Duration,
    /// The longest delay between attempts.
    pub max_delay: Duration,
    /// Each failed attempt multiplies the delay by this.
    pub factor: f64,
    /// Random spread of each delay, as a fraction (0.2 = ±20%), so many feeds do not
    /// reconnect in lockstep.
    pub jitter: f64,
    /// Give up after this many consecutive failed attempts (`None`: never). A connection
    /// that subscribed and delivered data resets the count and the delay.
    pub max_attempts: Option<u32>,
    /// Silence that makes a connection dead. Every half of it the feed checks that some
    /// frame (pongs included) arrived since the last check; after one silent check it sends a
    /// WebSocket ping, so a quiet market does not trip it; after two it reconnects. A socket
    /// that goes silent is thus replaced after between 1 and 1.5 times this.
    pub idle_timeout: Duration,
    /// How long one send (a subscription, a keep-alive, a reply, a ping) may take: a peer
    /// that stops reading would otherwise hang the feed. Past it, the connection is lost.
    pub send_timeout: Duration,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        ReconnectPolicy {
            initial_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(30),
            factor: 2.0,
            jitter: 0.2,
            max_attempts: None,
            idle_timeout: Duration::from_secs(30),
            send_timeout: Duration::from_secs(10),
        }
    }
}

/// The delays of consecutive attempts under a policy.
#[derive(Debug, Clone)]
pub struct Backoff {
    policy: ReconnectPolicy,
    attempt: u32,
}

impl Backoff {
    /// Starts at the first attempt.
    #[must_use]
    pub fn new(policy: ReconnectPolicy) -> Self {
        Backoff { policy, attempt: 0 }
    }

    /// The delay before the next attempt, or `None` when attempts are exhausted.
    pub fn next_delay(&mut self) -> Option<Duration> {
        if self
            .policy
            .max_attempts
            .is_some_and(|max| self.attempt >= max)
        {
            return None;
        }
        let exponent = i32::try_from(self.attempt).unwrap_or(i32::MAX);
        self.attempt = self.attempt.saturating_add(1);
        let base = self.policy.initial_delay.as_secs_f64() * self.policy.factor.powi(exponent);
        let capped = base.min(self.policy.max_delay.as_secs_f64());
        let spread = (fastrand::f64() * 2.0 - 1.0) * self.policy.jitter;
        let jittered = (capped * (1.0 + spread)).clamp(0.0, self.policy.max_delay.as_secs_f64());
        Some(Duration::from_secs_f64(jittered))
    }

    /// Back to the first delay (after a healthy connection).
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// Consecutive attempts so far.
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.attempt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(jitter: f64) -> ReconnectPolicy {
        ReconnectPolicy {
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            factor: 2.0,
            jitter,
            max_attempts: Some(6),
            ..ReconnectPolicy::default()
        }
    }

    #[test]
    fn grows_exponentially_and_caps() {
        let mut backoff = Backoff::new(policy(0.0));
        let delays: Vec<u128> = std::iter::from_fn(|| backoff.next_delay())
            .map(|delay| delay.as_millis())
            .collect();
        assert_eq!(delays, vec![100, 200, 400, 800, 1000, 1000]);
    }

    #[test]
    fn jitter_stays_within_its_fraction() {
        for _ in 0..200 {
            let mut backoff = Backoff::new(policy(0.2));
            let first = backoff.next_delay().unwrap().as_secs_f64();
            assert!((0.08..=0.12).contains(&first), "{first}");
        }
    }

    #[test]
    fn reset_starts_over() {
        let mut backoff = Backoff::new(policy(0.0));
        backoff.next_delay();
        backoff.next_delay();
        backoff.reset();
        assert_eq!(backoff.next_delay(), Some(Duration::from_millis(100)));
    }
}
