//! # feed-ccxt: exchange adapters and `CcxtFeed`
//!
//! One feed type for every exchange that has an adapter:
//!
//! ```no_run
//! use feed_ccxt::CcxtFeed;
//! use feed_core::{Callbacks, Channel, FeedHandler, Symbol};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let feed = CcxtFeed::new("binance", vec![Symbol::parse("BTC-USDT")?], vec![Channel::Trades])?;
//! let mut handler = FeedHandler::new();
//! handler.add_feed(feed, Callbacks::new().on_trade(|trade: &feed_core::Trade| println!("{}", trade.to_json_line())));
//! handler.run().await?;
//! # Ok(()) }
//! ```
//!
//! - [`ExchangeAdapter`]: what an exchange implements (endpoints, market list, subscribe
//!   messages, keep-alive, frame parsing); one folder per exchange under [`exchanges`].
//! - [`register_adapter`]: add your own exchange; [`CcxtFeed::new`] and configs can then
//!   name it.
//! - [`CcxtFeed`]: implements [`feed_core::Feed`]; knows nothing of proxies.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod adapter;
pub mod ccxt_feed;
pub mod error;
pub mod exchanges;
#[cfg(test)]
mod fast_book_check;
#[cfg(test)]
mod fast_path_check;
pub mod filter;
pub mod markets;
pub mod parse;
pub mod parsed;
pub mod registry;
pub mod session;
pub mod shard;
#[cfg(test)]
mod testing;

pub use adapter::{
    AckBy, ConnectRequest, ConnectTarget, DefaultEndpoints, ExchangeAdapter, FrameContext,
    PollRequest, SubscribeRequest, Subscription,
};
pub use ccxt_feed::{check_candle_interval, CcxtFeed};
pub use error::AdapterError;
pub use filter::MarketFilter;
pub use markets::{Market, MarketMap};
pub use parsed::{Ack, ParsedFrame, TickerPatch};
pub use registry::{adapter, register_adapter, supported_exchanges};
pub use session::{CcxtSession, FeedPlan};
pub use shard::Shard;

/// Levels per side a book delivers unless `book_depth` says otherwise.
pub const DEFAULT_BOOK_DEPTH: usize = 10;

/// Candle interval of a feed that does not set `candle_interval`.
pub const DEFAULT_CANDLE_INTERVAL: &str = "1m";
