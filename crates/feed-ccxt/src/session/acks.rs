//! Which subscriptions the exchange has acknowledged, and which it refused.
//!
//! A subscription is settled when its subscribe message is answered (by request id or by
//! channel and market), when data for it arrives (data proves it), or when its time runs
//! out: then it counts as refused, with the words of any error frame that named no
//! subscription, or "not acknowledged within N s". A refusal is never silent.

use feed_core::Channel;
use rust_decimal::Decimal;

use crate::adapter::{AckBy, SubscribeRequest, Subscription};
use crate::parsed::Ack;

#[derive(Debug, Clone)]
struct Pending {
    /// Index into the session's subscriptions.
    index: usize,
    request_id: Option<u64>,
    since: Decimal,
}

/// A subscription refused (index into the subscriptions, and why).
pub(crate) type Refusal = (usize, String);

/// Pending acknowledgements of one connection.
#[derive(Debug, Default)]
pub(crate) struct AckTracker {
    pending: Vec<Pending>,
    unattributed: Option<String>,
    timeout: Decimal,
}

impl AckTracker {
    pub(crate) fn new(timeout: Decimal) -> Self {
        AckTracker {
            pending: Vec::new(),
            unattributed: None,
            timeout,
        }
    }

    /// Starts waiting for the answers to `requests`.
    pub(crate) fn expect(
        &mut self,
        requests: &[SubscribeRequest],
        subscriptions: &[Subscription],
        now: Decimal,
    ) {
        for request in requests {
            let request_id = match request.ack {
                AckBy::Nothing => continue,
                AckBy::RequestId(id) => Some(id),
                AckBy::Topic => None,
            };
            for id in &request.covers {
                if let Some(index) = subscriptions
                    .iter()
                    .position(|subscription| subscription.id == *id)
                {
                    self.pending.push(Pending {
                        index,
                        request_id,
                        since: now,
                    });
                }
            }
        }
    }

    pub(crate) fn is_waiting(&self) -> bool {
        !self.pending.is_empty()
    }

    /// How many subscriptions (by index) still wait.
    pub(crate) fn waiting(&self) -> usize {
        let mut indices: Vec<usize> = self.pending.iter().map(|entry| entry.index).collect();
        indices.sort_unstable();
        indices.dedup();
        indices.len()
    }

    /// Applies an acknowledgement; returns the refusals it brings.
    pub(crate) fn apply(&mut self, ack: &Ack, subscriptions: &[Subscription]) -> Vec<Refusal> {
        let mut refused = Vec::new();
        let mut settle = |pending: &mut Vec<Pending>,
                          matches: &dyn Fn(&Pending) -> bool,
                          outcome: &Result<(), String>| {
            pending.retain(|entry| {
                if !matches(entry) {
                    return true;
                }
                if let Err(reason) = outcome {
                    refused.push((entry.index, reason.clone()));
                }
                false
            });
        };
        match ack {
            Ack::Request { id, outcome } => {
                settle(
                    &mut self.pending,
                    &|entry| entry.request_id == Some(*id),
                    outcome,
                );
            }
            Ack::Topic {
                channel,
                exchange_symbol,
                outcome,
            } => {
                let matches = |entry: &Pending| {
                    let subscription = &subscriptions[entry.index];
                    subscription.channel == *channel
                        && subscription
                            .exchange_symbol
                            .eq_ignore_ascii_case(exchange_symbol)
                };
                settle(&mut self.pending, &matches, outcome);
            }
            Ack::Unattributed(reason) => self.unattributed = Some(reason.clone()),
        }
        refused
    }

    /// Data arrived for (channel, subscription index): it is active.
    pub(crate) fn data(&mut self, channel: Channel, index: usize, subscriptions: &[Subscription]) {
        if self.pending.is_empty() {
            return;
        }
        self.pending.retain(|entry| {
            !(entry.index == index && subscriptions[entry.index].channel == channel)
        });
    }

    /// Refuses what waited longer than the timeout.
    pub(crate) fn expire(&mut self, now: Decimal) -> Vec<Refusal> {
        let timeout = self.timeout;
        let reason = self
            .unattributed
            .clone()
            .unwrap_or_else(|| format!("not acknowledged within {}s", timeout.normalize()));
        let mut refused = Vec::new();
        self.pending.retain(|entry| {
            if now - entry.since >= timeout {
                refused.push((entry.index, reason.clone()));
                false
            } else {
                true
            }
        });
        refused
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use feed_core::Symbol;

    fn subscriptions() -> Vec<Subscription> {
        ["BTCUSDT", "ETHUSDT"]
            .iter()
            .enumerate()
            .map(|(index, name)| Subscription {
                id: index as u64 + 1,
                ..Subscription::new(Channel::Trades, Symbol::new(&name[..3], "USDT"), *name)
            })
            .collect()
    }

    #[test]
    fn request_answers_settle_what_the_message_carried() {
        let subs = subscriptions();
        let request =
            SubscribeRequest::new("sub".into(), &[&subs[0], &subs[1]], AckBy::RequestId(7));
        let mut tracker = AckTracker::new(Decimal::TEN);
        tracker.expect(&[request], &subs, Decimal::ZERO);
        assert!(tracker.is_waiting());
        assert!(tracker
            .apply(
                &Ack::Request {
                    id: 8,
                    outcome: Ok(())
                },
                &subs
            )
            .is_empty());
        assert!(tracker.is_waiting());
        let refused = tracker.apply(
            &Ack::Request {
                id: 7,
                outcome: Err("bad".into()),
            },
            &subs,
        );
        assert_eq!(refused, vec![(0, "bad".into()), (1, "bad".into())]);
        assert!(!tracker.is_waiting());
    }

    #[test]
    fn topics_data_and_timeouts() {
        let subs = subscriptions();
        let request = SubscribeRequest::new("sub".into(), &[&subs[0], &subs[1]], AckBy::Topic);
        let mut tracker = AckTracker::new(Decimal::TEN);
        tracker.expect(&[request], &subs, Decimal::ZERO);
        tracker.data(Channel::Trades, 0, &subs);
        tracker.apply(&Ack::Unattributed("ETHUSDT doesn't exist".into()), &subs);
        assert!(tracker.expire(Decimal::new(9, 0)).is_empty());
        assert_eq!(
            tracker.expire(Decimal::TEN),
            vec![(1, "ETHUSDT doesn't exist".into())]
        );
        let mut tracker = AckTracker::new(Decimal::TEN);
        let request = SubscribeRequest::new("sub".into(), &[&subs[1]], AckBy::Topic);
        tracker.expect(&[request], &subs, Decimal::ZERO);
        assert!(tracker
            .apply(
                &Ack::Topic {
                    channel: Channel::Trades,
                    exchange_symbol: "ethusdt".into(),
                    outcome: Ok(())
                },
                &subs
            )
            .is_empty());
        assert!(!tracker.is_waiting());
        let mut tracker = AckTracker::new(Decimal::TEN);
        let request = SubscribeRequest::new("sub".into(), &[&subs[1]], AckBy::Topic);
        tracker.expect(&[request], &subs, Decimal::ZERO);
        assert_eq!(
            tracker.expire(Decimal::TEN),
            vec![(1, "not acknowledged within 10s".into())]
        );
    }
}
