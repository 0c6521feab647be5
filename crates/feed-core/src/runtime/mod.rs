//! The runtime: the [`Feed`] contract and its per-connection [`FeedSession`], [`Callbacks`]
//! by event kind, and the [`FeedHandler`] that runs feeds with reconnects, keep-alives,
//! idle detection and counters.

mod backoff;
mod callbacks;
mod connection;
mod connection_loop;
mod feed;
mod feed_task;
mod handler;
mod handover;
mod lag;
mod limits;
mod shutdown;
mod stats;
mod window;

pub use backoff::{Backoff, ReconnectPolicy};
pub use callbacks::{CallbackError, CallbackFailure, CallbackOutput, Callbacks};
pub use connection::MAX_CONCURRENT_REQUESTS;
pub use feed::{
    Action, Feed, FeedError, FeedSession, Frame, FrameError, HttpMethod, HttpRequest, HttpResult,
    KeepAlive, SessionOutput,
};
pub use handler::{FeedHandler, FeedReport, StartError, StartFailure};
pub use lag::{short_duration, LagBuckets, LagSummary, PROMETHEUS_BUCKETS};
pub use limits::{Rate, VenueLimits};
pub use shutdown::ShutdownHandle;
pub use stats::{ConnectionSnapshot, FeedStats, StatsSnapshot, SubscriptionCounts};
