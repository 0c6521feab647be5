//! The runtime: the [`Feed`] contract, [`Callbacks`], and the [`FeedHandler`] that runs
//! feeds with reconnects, keep-alives, idle detection and counters.

mod backoff;
mod callbacks;
mod feed;
mod handler;
mod session;
mod shutdown;
mod stats;

pub use backoff::{Backoff, ReconnectPolicy};
pub use callbacks::{CallbackError, CallbackFailure, CallbackOutput, Callbacks};
pub use feed::{Feed, FeedError, FrameError, FrameReply, KeepAlive};
pub use handler::{FeedHandler, FeedReport, StartError};
pub use shutdown::ShutdownHandle;
pub use stats::{FeedStats, StatsSnapshot};
