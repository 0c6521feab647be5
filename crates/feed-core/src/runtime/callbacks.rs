//! Callbacks by event kind: plain closures and async handlers, several per kind. A
//! callback that fails or panics is logged and counted; the feed goes on.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;

use futures_util::FutureExt as _;

use crate::types::{
    Candle, ConnectionEvent, Event, EventKind, Funding, Gap, L2Book, Liquidation, OpenInterest,
    SubscriptionRejected, Ticker, Trade,
};

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

type SyncHandler = dyn Fn(&Event) -> Result<(), String> + Send + Sync;
type AsyncHandler =
    dyn Fn(Event) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync;

#[derive(Clone)]
enum Handler {
    Sync(Arc<SyncHandler>),
    Async(Arc<AsyncHandler>),
}

/// A callback failed or panicked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackFailure {
    /// The error text or panic message.
    pub message: String,
}

/// The callbacks of a feed, by event kind.
///
/// Typed registrations per channel (`on_trade`, `on_book`, `on_ticker`, `on_funding`,
/// `on_open_interest`, `on_liquidation`, `on_candle`, `on_gap`, `on_connected`,
/// `on_disconnected`, `on_rejected`), each with an `_async` twin whose handler gets an
/// owned value and is awaited before the next frame is read; [`Callbacks::on_event`] takes
/// every event of the kinds given.
///
/// # Examples
/// ```
/// use feed_core::runtime::Callbacks;
/// use feed_core::types::{EventKind, L2Book, Trade};
///
/// let callbacks = Callbacks::new()
///     .on_trade(|trade: &Trade| println!("{} {} @ {}", trade.symbol, trade.amount, trade.price))
///     .on_book(|book: &L2Book| println!("{} spread {:?}", book.symbol, book.spread()))
///     .on_trade_async(|trade| async move {
///         // e.g. write to a database
///         Ok::<(), std::io::Error>(())
///     });
/// assert_eq!(callbacks.trade_callback_count(), 2);
/// assert_eq!(callbacks.count(EventKind::Book), 1);
/// ```
#[derive(Clone, Default)]
pub struct Callbacks {
    by_kind: [Vec<Handler>; EventKind::COUNT],
}

impl std::fmt::Debug for Callbacks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for kind in EventKind::ALL {
            map.entry(&kind.name(), &self.by_kind[kind.index()].len());
        }
        map.finish()
    }
}

macro_rules! typed_callbacks {
    ($($kind:ident, $variant:ident, $type:ty, $sync:ident, $async:ident, $what:literal;)*) => {
        $(
            #[doc = concat!("Adds a plain closure for every ", $what, "; it may return `()` or `Result<(), E>`.")]
            #[must_use]
            pub fn $sync<F, R>(self, callback: F) -> Self
            where
                F: Fn(&$type) -> R + Send + Sync + 'static,
                R: CallbackOutput,
            {
                self.push(EventKind::$kind, Handler::Sync(Arc::new(move |event: &Event| match event {
                    Event::$variant(value) => callback(value).into_result(),
                    _ => Ok(()),
                })))
            }

            #[doc = concat!("Adds an async handler for every ", $what, "; the feed awaits it before the next frame.")]
            #[must_use]
            pub fn $async<F, Fut, R>(self, callback: F) -> Self
            where
                F: Fn($type) -> Fut + Send + Sync + 'static,
                Fut: Future<Output = R> + Send + 'static,
                R: CallbackOutput,
            {
                let callback = Arc::new(callback);
                self.push(EventKind::$kind, Handler::Async(Arc::new(move |event: Event| {
                    let callback = Arc::clone(&callback);
                    Box::pin(async move {
                        match event {
                            Event::$variant(value) => callback(value).await.into_result(),
                            _ => Ok(()),
                        }
                    })
                })))
            }
        )*
    };
}

impl Callbacks {
    /// No callbacks.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn push(mut self, kind: EventKind, handler: Handler) -> Self {
        self.by_kind[kind.index()].push(handler);
        self
    }

    typed_callbacks! {
        Trade, Trade, Trade, on_trade, on_trade_async, "trade";
        Book, Book, L2Book, on_book, on_book_async, "book update (the top `book_depth` levels after a change)";
        Gap, Gap, Gap, on_gap, on_gap_async, "gap in a symbol's data";
        Connected, Connected, ConnectionEvent, on_connected, on_connected_async, "connection opened";
        Disconnected, Disconnected, ConnectionEvent, on_disconnected, on_disconnected_async, "connection closed";
        Rejected, Rejected, SubscriptionRejected, on_rejected, on_rejected_async, "subscription the exchange refused";
        Ticker, Ticker, Ticker, on_ticker, on_ticker_async, "best bid and ask update";
        Funding, Funding, Funding, on_funding, on_funding_async, "funding rate update";
        OpenInterest, OpenInterest, OpenInterest, on_open_interest, on_open_interest_async, "open interest figure";
        Liquidation, Liquidation, Liquidation, on_liquidation, on_liquidation_async, "liquidation";
        Candle, Candle, Candle, on_candle, on_candle_async, "candle update (open and closed bars)";
    }

    /// Adds a plain closure for every event of these kinds.
    #[must_use]
    pub fn on_event<F, R>(mut self, kinds: &[EventKind], callback: F) -> Self
    where
        F: Fn(&Event) -> R + Send + Sync + 'static,
        R: CallbackOutput,
    {
        let handler: Arc<SyncHandler> =
            Arc::new(move |event: &Event| callback(event).into_result());
        for kind in kinds {
            self.by_kind[kind.index()].push(Handler::Sync(Arc::clone(&handler)));
        }
        self
    }

    /// Adds an async handler for every event of these kinds.
    #[must_use]
    pub fn on_event_async<F, Fut, R>(mut self, kinds: &[EventKind], callback: F) -> Self
    where
        F: Fn(Event) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: CallbackOutput,
    {
        let handler: Arc<AsyncHandler> = Arc::new(move |event: Event| {
            let future = callback(event);
            Box::pin(async move { future.await.into_result() })
        });
        for kind in kinds {
            self.by_kind[kind.index()].push(Handler::Async(Arc::clone(&handler)));
        }
        self
    }

    /// How many trade callbacks are registered.
    #[must_use]
    pub fn trade_callback_count(&self) -> usize {
        self.count(EventKind::Trade)
    }

    /// How many callbacks take events of `kind`.
    #[must_use]
    pub fn count(&self, kind: EventKind) -> usize {
        self.by_kind[kind.index()].len()
    }

    /// Merges another set of callbacks into this one.
    #[must_use]
    pub fn merge(mut self, other: Callbacks) -> Self {
        for (mine, theirs) in self.by_kind.iter_mut().zip(other.by_kind) {
            mine.extend(theirs);
        }
        self
    }

    /// Runs every callback of the event's kind on it, in order; returns the failures
    /// (errors and panics), which do not stop the others.
    pub async fn dispatch(&self, event: &Event) -> Vec<CallbackFailure> {
        let mut failures = Vec::new();
        for handler in &self.by_kind[event.kind().index()] {
            let outcome = match handler {
                Handler::Sync(callback) => {
                    std::panic::catch_unwind(AssertUnwindSafe(|| callback(event)))
                }
                Handler::Async(callback) => {
                    AssertUnwindSafe(async { callback(event.clone()).await })
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
