//! Normalized market-data types shared by every exchange.

mod channel;
mod side;
mod symbol;
mod trade;

pub use channel::{Channel, UnknownChannel};
pub use side::Side;
pub use symbol::{InvalidSymbol, Symbol};
pub use trade::{
    micros_to_seconds, millis_to_seconds, nanos_to_seconds, now_seconds, Trade, TradeId,
};
