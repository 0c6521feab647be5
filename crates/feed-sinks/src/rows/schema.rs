//! The tables: name and columns of each channel's data (and of gaps).

use feed_core::sink::data_channel;
use feed_core::{Channel, Event};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// UTF-8 text.
    Text,
    /// JSON text (book levels).
    Json,
    /// An exact decimal: Parquet `DECIMAL(38,18)`, PostgreSQL `numeric`.
    Decimal,
    /// A point in time, microseconds UTC: Parquet `TIMESTAMP(MICROS, UTC)`, PostgreSQL
    /// `timestamptz`.
    Time,
    /// A 64-bit integer.
    Integer,
    /// A boolean.
    Bool,
}

/// One column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Its name (cryptofeed's field name).
    pub name: &'static str,
    /// What it holds.
    pub kind: ColumnType,
    /// May be absent.
    pub nullable: bool,
}

/// One table.
#[derive(Debug, PartialEq, Eq)]
pub struct Table {
    /// Its name: the channel's JSON name (`trades`, `l2_book`, ...) or `gaps`.
    pub name: &'static str,
    /// Its columns, in row order.
    pub columns: &'static [Column],
}

const fn column(name: &'static str, kind: ColumnType) -> Column {
    Column {
        name,
        kind,
        nullable: false,
    }
}

const fn nullable(name: &'static str, kind: ColumnType) -> Column {
    Column {
        name,
        kind,
        nullable: true,
    }
}

use ColumnType::{Bool, Decimal, Integer, Json, Text, Time};

const EXCHANGE: Column = column("exchange", Text);
const SYMBOL: Column = column("symbol", Text);
const TIMESTAMP: Column = nullable("timestamp", Time);
const RECEIPT: Column = column("receipt_timestamp", Time);

/// Trades.
pub const TRADES: Table = Table {
    name: "trades",
    columns: &[
        EXCHANGE,
        SYMBOL,
        column("side", Text),
        column("amount", Decimal),
        column("price", Decimal),
        nullable("id", Text),
        column("timestamp", Time),
        RECEIPT,
    ],
};

/// Book tops after each change.
pub const L2_BOOK: Table = Table {
    name: "l2_book",
    columns: &[
        EXCHANGE,
        SYMBOL,
        column("bids", Json),
        column("asks", Json),
        nullable("sequence", Integer),
        TIMESTAMP,
        RECEIPT,
    ],
};

/// Best bid and ask.
pub const TICKER: Table = Table {
    name: "ticker",
    columns: &[
        EXCHANGE,
        SYMBOL,
        column("bid", Decimal),
        nullable("bid_size", Decimal),
        column("ask", Decimal),
        nullable("ask_size", Decimal),
        TIMESTAMP,
        RECEIPT,
    ],
};

/// Funding rates.
pub const FUNDING: Table = Table {
    name: "funding",
    columns: &[
        EXCHANGE,
        SYMBOL,
        nullable("mark_price", Decimal),
        column("rate", Decimal),
        nullable("predicted_rate", Decimal),
        nullable("next_funding_time", Time),
        TIMESTAMP,
        RECEIPT,
    ],
};

/// Open interest.
pub const OPEN_INTEREST: Table = Table {
    name: "open_interest",
    columns: &[
        EXCHANGE,
        SYMBOL,
        column("open_interest", Decimal),
        nullable("notional", Decimal),
        TIMESTAMP,
        RECEIPT,
    ],
};

/// Liquidations.
pub const LIQUIDATIONS: Table = Table {
    name: "liquidations",
    columns: &[
        EXCHANGE,
        SYMBOL,
        column("side", Text),
        column("quantity", Decimal),
        column("price", Decimal),
        nullable("id", Text),
        column("status", Text),
        TIMESTAMP,
        RECEIPT,
    ],
};

/// Candles.
pub const CANDLES: Table = Table {
    name: "candles",
    columns: &[
        EXCHANGE,
        SYMBOL,
        column("start", Time),
        column("stop", Time),
        column("interval", Text),
        nullable("trades", Integer),
        column("open", Decimal),
        column("high", Decimal),
        column("low", Decimal),
        column("close", Decimal),
        column("volume", Decimal),
        column("closed", Bool),
        TIMESTAMP,
        RECEIPT,
    ],
};

/// Holes in the data.
pub const GAPS: Table = Table {
    name: "gaps",
    columns: &[
        EXCHANGE,
        SYMBOL,
        column("affects", Text),
        column("reason", Text),
        RECEIPT,
    ],
};

/// Every table.
pub const TABLES: [&Table; 8] = [
    &TRADES,
    &L2_BOOK,
    &TICKER,
    &FUNDING,
    &OPEN_INTEREST,
    &LIQUIDATIONS,
    &CANDLES,
    &GAPS,
];

/// The table of `event`'s data; `None` for lifecycle events (and L3, which has no type yet).
#[must_use]
pub fn table_of(event: &Event) -> Option<&'static Table> {
    if matches!(event, Event::Gap(_)) {
        return Some(&GAPS);
    }
    Some(match data_channel(event)? {
        Channel::Trades => &TRADES,
        Channel::L2Book => &L2_BOOK,
        Channel::Ticker => &TICKER,
        Channel::Funding => &FUNDING,
        Channel::OpenInterest => &OPEN_INTEREST,
        Channel::Liquidations => &LIQUIDATIONS,
        Channel::Candles => &CANDLES,
        _ => return None,
    })
}
