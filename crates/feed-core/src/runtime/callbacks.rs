//! Trade callbacks: plain closures and async handlers, several per channel. A callback that
//! fails or panics is logged and counted; the feed goes on.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;

use futures_util::FutureExt as _;

use crate::types::Trade;

/// An error a callback reports.
pub type CallbackError = Box<dyn std::error::Error + Send + Sync>;

/// What a callback may return: nothing, or a `Result` whose error is counted.
pub trait CallbackOutput {
    /// The outcome as a `Result`.
    ///
    /// # Errors
    /// The callback's own error, as text.
    fn into_result(self) -> Result<(), String>;
}

impl CallbackOutput for () {
    fn into_result(self) -> Result<(), String> {
        Ok(())
    }
}

impl<E: std::fmt::Display> CallbackOutput for Result<(), E> {
    fn into_result(self) -> Result<(), String> {
        self.map_err(|error| error.to_string())
    }
}

type SyncTrade = dyn Fn(&Trade) -> Result<(), String> + Send + Sync;
type AsyncTrade =
    dyn Fn(Trade) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync;

#[derive(Clone)]
enum TradeCallback {
    Sync(Arc<SyncTrade>),
    Async(Arc<AsyncTrade>),
}

/// The callbacks of a feed, by channel.
///
/// # Examples
/// ```
/// use feed_core::runtime::Callbacks;
///
/// let callbacks = Callbacks::new()
///     .on_trade(|trade: &feed_core::Trade| println!("{} {} @ {}", trade.symbol, trade.amount, trade.price))
///     .on_trade_async(|trade| async move {
///         // e.g. write to a database
///         Ok::<(), std::io::Error>(())
///     });
/// assert_eq!(callbacks.trade_callback_count(), 2);
/// ```
#[derive(Clone, Default)]
pub struct Callbacks {
    trades: Vec<TradeCallback>,
}

impl std::fmt::Debug for Callbacks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Callbacks")
            .field("trades", &self.trades.len())
            .finish()
    }
}

/// A callback failed or panicked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackFailure {
    /// The error text or panic message.
    pub message: String,
}

impl Callbacks {
    /// No callbacks.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a plain closure for every trade; it may return `()` or `Result<(), E>`.
    #[must_use]
    pub fn on_trade<F, R>(mut self, callback: F) -> Self
    where
        F: Fn(&Trade) -> R + Send + Sync + 'static,
        R: CallbackOutput,
    {
        self.trades
            .push(TradeCallback::Sync(Arc::new(move |trade: &Trade| {
                callback(trade).into_result()
            })));
        self
    }

    /// Adds an async handler for every trade; the feed awaits it before the next frame.
    #[must_use]
    pub fn on_trade_async<F, Fut, R>(mut self, callback: F) -> Self
    where
        F: Fn(Trade) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: CallbackOutput,
    {
        self.trades
            .push(TradeCallback::Async(Arc::new(move |trade: Trade| {
                let future = callback(trade);
                Box::pin(async move { future.await.into_result() })
            })));
        self
    }

    /// How many trade callbacks are registered.
    #[must_use]
    pub fn trade_callback_count(&self) -> usize {
        self.trades.len()
    }

    /// Merges another set of callbacks into this one.
    #[must_use]
    pub fn merge(mut self, other: Callbacks) -> Self {
        self.trades.extend(other.trades);
        self
    }

    /// Runs every trade callback on `trade`, in order; returns the failures (errors and
    /// panics), which do not stop the others.
    pub async fn dispatch_trade(&self, trade: &Trade) -> Vec<CallbackFailure> {
        let mut failures = Vec::new();
        for callback in &self.trades {
            let outcome = match callback {
                TradeCallback::Sync(callback) => {
                    std::panic::catch_unwind(AssertUnwindSafe(|| callback(trade)))
                }
                TradeCallback::Async(callback) => {
                    AssertUnwindSafe(async { callback(trade.clone()).await })
                        .catch_unwind()
                        .await
                }
            };
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(message)) => failures.push(CallbackFailure { message }),
                Err(panic) => failures.push(CallbackFailure {
                    message: format!("callback panicked: {}", panic_message(panic.as_ref())),
                }),
            }
        }
        failures
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-text panic payload".to_owned())
}
