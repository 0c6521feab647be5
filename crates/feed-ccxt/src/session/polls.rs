//! Channels an exchange serves over REST only: the session repeats each subscription's
//! request ([`crate::ExchangeAdapter::poll`]) at the adapter's interval, over the
//! exchange's HTTP route like every REST call, one request in flight per subscription.
//! First requests are spread over one interval, so a feed of many symbols does not burst.

use rust_decimal::Decimal;

use crate::adapter::Subscription;
use crate::ExchangeAdapter;

/// One polled subscription.
#[derive(Debug, Clone)]
struct Slot {
    /// Index into the plan's subscriptions.
    index: usize,
    url: String,
    every: Decimal,
    due: Decimal,
    in_flight: Option<u64>,
}

/// The polled subscriptions of a connection.
#[derive(Debug, Default)]
pub(crate) struct Polls {
    slots: Vec<Slot>,
}

impl Polls {
    /// The indices of the polled (not streamed) subscriptions.
    pub(crate) fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.slots.iter().map(|slot| slot.index)
    }

    /// The polls of `subscriptions`, the first ones due from `now` on, spread over one
    /// interval.
    pub(crate) fn new(
        adapter: &dyn ExchangeAdapter,
        rest_base: &str,
        subscriptions: &[Subscription],
        now: Decimal,
    ) -> Self {
        // Which subscriptions poll, then their requests knowing how many share the budget.
        let polled = subscriptions
            .iter()
            .filter(|subscription| {
                adapter
                    .poll(rest_base, subscription, subscriptions.len())
                    .is_some()
            })
            .count();
        let requests: Vec<_> = subscriptions
            .iter()
            .enumerate()
            .filter_map(|(index, subscription)| {
                adapter
                    .poll(rest_base, subscription, polled)
                    .map(|request| (index, request))
            })
            .collect();
        let count = Decimal::from(requests.len().max(1));
        let slots = requests
            .into_iter()
            .enumerate()
            .map(|(position, (index, request))| Slot {
                index,
                due: now + request.every * Decimal::from(position) / count,
                url: request.url,
                every: request.every,
                in_flight: None,
            })
            .collect();
        Polls { slots }
    }

    /// `(request id, subscription index, url)` of every poll due at `now`; `next_id`
    /// hands out request ids.
    pub(crate) fn due(
        &mut self,
        now: Decimal,
        mut next_id: impl FnMut() -> u64,
    ) -> Vec<(u64, usize, String)> {
        let mut due = Vec::new();
        for slot in &mut self.slots {
            if slot.in_flight.is_none() && slot.due <= now {
                let id = next_id();
                slot.in_flight = Some(id);
                due.push((id, slot.index, slot.url.clone()));
            }
        }
        due
    }

    /// The subscription index of the poll answered by `id` (and the next one scheduled);
    /// `None` when `id` is not a poll's.
    pub(crate) fn answered(&mut self, id: u64, now: Decimal) -> Option<usize> {
        let slot = self
            .slots
            .iter_mut()
            .find(|slot| slot.in_flight == Some(id))?;
        slot.in_flight = None;
        slot.due = now + slot.every;
        Some(slot.index)
    }
}
