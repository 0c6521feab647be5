//! Normalized market-data types shared by every exchange, and the [`Event`] that carries
//! them.

mod book;
mod candle;
mod channel;
mod event;
mod funding;
mod gap;
pub mod instrument;
pub mod json;
mod lifecycle;
mod line_heads;
mod liquidation;
mod open_interest;
mod side;
mod symbol;
mod ticker;
mod time;
mod trade;

pub use book::{L2Book, Level};
pub use candle::Candle;
pub use channel::{Channel, UnknownChannel};
pub use event::{Event, EventKind};
pub use funding::Funding;
pub use gap::Gap;
pub use instrument::{Expiry, InstrumentKind, InstrumentName, OptionKind};
pub use lifecycle::{ConnectionEvent, SubscriptionRejected};
pub use line_heads::LineHeads;
pub use liquidation::Liquidation;
pub use open_interest::OpenInterest;
pub use side::Side;
pub use symbol::{InvalidSymbol, Symbol};
pub use ticker::Ticker;
pub use time::{
    civil_from_days, micros_to_seconds, millis_to_seconds, nanos_to_seconds, now_micros,
    now_seconds,
};
pub use trade::{Trade, TradeId};
