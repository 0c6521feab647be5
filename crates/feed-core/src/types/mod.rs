//! Normalized market-data types shared by every exchange, and the [`Event`] that carries
//! them.

mod book;
mod channel;
mod event;
mod gap;
pub mod json;
mod lifecycle;
mod side;
mod symbol;
mod time;
mod trade;

pub use book::{L2Book, Level};
pub use channel::{Channel, UnknownChannel};
pub use event::{Event, EventKind};
pub use gap::Gap;
pub use lifecycle::{ConnectionEvent, SubscriptionRejected};
pub use side::Side;
pub use symbol::{InvalidSymbol, Symbol};
pub use time::{micros_to_seconds, millis_to_seconds, nanos_to_seconds, now_micros, now_seconds};
pub use trade::{Trade, TradeId};
