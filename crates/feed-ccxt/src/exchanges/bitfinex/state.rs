//! What the adapter remembers of a feed's connection: Bitfinex numbers its channels
//! (`chanId`) per connection and names them only in the `subscribed` event, so data frames
//! can only be read with this map; book levels wait here for their iteration's checksum.
//!
//! Each session owns one (the adapter's `connection_state`), so a connection's channels
//! die with it and two connections never share ids. Entries are still keyed by the feed
//! (the address of its market map) and the `chanId`, and a feed's entries are dropped at
//! the `info` event that opens a connection: that keeps the adapter's fallback state, used
//! only when parsing outside a session, right as well.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use feed_core::book::LevelUpdate;
use feed_core::Channel;
use rust_decimal::Decimal;

use crate::adapter::FrameContext;

/// The most book levels kept waiting for a checksum (a book whose checksums never come
/// is flushed unchecked past it).
pub(super) const MAX_PENDING_LEVELS: usize = 10_000;

/// One subscribed channel.
#[derive(Debug, Clone)]
pub(super) struct ChannelInfo {
    /// What it carries.
    pub channel: Channel,
    /// The exchange symbol (`tBTCUSD`).
    pub symbol: String,
    /// The subscribe request that made it (sent again to resubscribe).
    pub request: String,
    /// Book levels received since the last checksum, with the time of the last one.
    pub pending: Vec<LevelUpdate>,
    /// The time of the last pending level (ms).
    pub pending_time: Option<Decimal>,
}

impl ChannelInfo {
    pub(super) fn new(channel: Channel, symbol: String, request: String) -> Self {
        ChannelInfo {
            channel,
            symbol,
            request,
            pending: Vec::new(),
            pending_time: None,
        }
    }
}

/// Every feed's channels.
#[derive(Debug, Default)]
pub(super) struct State {
    channels: Mutex<HashMap<(usize, u64), ChannelInfo>>,
}

/// The feed a frame belongs to.
pub(super) fn feed_of(context: &FrameContext<'_>) -> usize {
    std::ptr::from_ref(context.markets) as usize
}

impl State {
    fn lock(&self) -> MutexGuard<'_, HashMap<(usize, u64), ChannelInfo>> {
        self.channels.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A new connection of `feed`: its old channels are gone.
    pub(super) fn connected(&self, feed: usize) {
        self.lock().retain(|(owner, _), _| *owner != feed);
    }

    /// `chan_id` now carries `info` (replacing an older channel of the same stream).
    pub(super) fn subscribed(&self, feed: usize, chan_id: u64, info: ChannelInfo) {
        let mut channels = self.lock();
        channels.retain(|(owner, _), old| {
            !(*owner == feed && old.channel == info.channel && old.symbol == info.symbol)
        });
        channels.insert((feed, chan_id), info);
    }

    /// `chan_id` was unsubscribed.
    pub(super) fn unsubscribed(&self, feed: usize, chan_id: u64) {
        self.lock().remove(&(feed, chan_id));
    }

    /// Acts on the channel `chan_id` of `feed`, if known.
    pub(super) fn with<R>(
        &self,
        feed: usize,
        chan_id: u64,
        act: impl FnOnce(&mut ChannelInfo) -> R,
    ) -> Option<R> {
        self.lock().get_mut(&(feed, chan_id)).map(act)
    }

    /// The `chanId` and request of `feed`'s stream of `channel` for `symbol`.
    pub(super) fn find(
        &self,
        feed: usize,
        channel: Channel,
        symbol: &str,
    ) -> Option<(u64, String)> {
        self.lock()
            .iter()
            .find(|((owner, _), info)| {
                *owner == feed && info.channel == channel && info.symbol == symbol
            })
            .map(|((_, chan_id), info)| (*chan_id, info.request.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_are_per_feed_and_die_with_the_connection() {
        let state = State::default();
        let info = |channel| ChannelInfo::new(channel, "tBTCUSD".into(), "{}".into());
        state.subscribed(1, 17, info(Channel::Trades));
        state.subscribed(2, 17, info(Channel::L2Book));
        assert_eq!(
            state.with(1, 17, |info| info.channel),
            Some(Channel::Trades)
        );
        assert_eq!(
            state.with(2, 17, |info| info.channel),
            Some(Channel::L2Book)
        );
        state.subscribed(1, 18, info(Channel::Trades));
        assert_eq!(
            state.with(1, 17, |_| ()),
            None,
            "replaced by the new channel"
        );
        assert_eq!(
            state
                .find(1, Channel::Trades, "tBTCUSD")
                .map(|found| found.0),
            Some(18)
        );
        state.connected(1);
        assert_eq!(state.with(1, 18, |_| ()), None);
        assert!(
            state.with(2, 17, |_| ()).is_some(),
            "another feed is untouched"
        );
        state.unsubscribed(2, 17);
        assert!(state.find(2, Channel::L2Book, "tBTCUSD").is_none());
    }
}
