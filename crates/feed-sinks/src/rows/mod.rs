//! One table per channel: the columns that Parquet files and PostgreSQL tables share, and
//! each event as a row of cells. The one place where the sinks' schemas are defined.
//!
//! Money (prices, sizes, rates, open interest) stays `Decimal` to the cell: Parquet stores
//! it as `DECIMAL(38, 18)` and PostgreSQL as `numeric`, never through a float. Times are
//! seconds since the epoch as the events carry them (`Decimal`), written as timestamps in
//! microseconds (both formats' precision).

mod schema;
mod time;

pub use schema::{table_of, Column, ColumnType, Table, TABLES};
pub use time::{utc_parts, UtcParts};

use feed_core::{Event, TradeId};
use rust_decimal::Decimal;

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// Text.
    Text(&'a str),
    /// Owned text (ids, JSON of book levels).
    Owned(String),
    /// An exact decimal.
    Decimal(Decimal),
    /// Seconds since the epoch.
    Time(Decimal),
    /// A whole number.
    Integer(i64),
    /// A flag.
    Bool(bool),
    /// Absent.
    Null,
}

fn optional_decimal(value: Option<Decimal>) -> Cell<'static> {
    value.map_or(Cell::Null, Cell::Decimal)
}

fn optional_time(value: Option<Decimal>) -> Cell<'static> {
    value.map_or(Cell::Null, Cell::Time)
}

fn trade_id(id: Option<&TradeId>) -> Cell<'static> {
    id.map_or(Cell::Null, |id| Cell::Owned(id.to_string()))
}

/// Book levels as JSON `[["price","size"],...]` (decimals as strings, exact).
fn levels_json(levels: &[feed_core::Level]) -> String {
    let mut json = String::with_capacity(levels.len() * 24 + 2);
    json.push('[');
    for (index, level) in levels.iter().enumerate() {
        if index > 0 {
            json.push(',');
        }
        json.push_str("[\"");
        json.push_str(&level.price.to_string());
        json.push_str("\",\"");
        json.push_str(&level.size.to_string());
        json.push_str("\"]");
    }
    json.push(']');
    json
}

/// The table of `event` and its row, in the table's column order; `None` for lifecycle
/// events.
#[must_use]
pub fn row_of(event: &Event) -> Option<(&'static Table, Vec<Cell<'_>>)> {
    let table = table_of(event)?;
    let row = match event {
        Event::Trade(t) => vec![
            Cell::Text(&t.exchange),
            Cell::Text(t.symbol.as_str()),
            Cell::Text(t.side.as_str()),
            Cell::Decimal(t.amount),
            Cell::Decimal(t.price),
            trade_id(t.id.as_ref()),
            Cell::Time(t.timestamp),
            Cell::Time(t.receipt_timestamp),
        ],
        Event::Book(b) => vec![
            Cell::Text(&b.exchange),
            Cell::Text(b.symbol.as_str()),
            Cell::Owned(levels_json(&b.bids)),
            Cell::Owned(levels_json(&b.asks)),
            b.sequence
                .and_then(|sequence| i64::try_from(sequence).ok())
                .map_or(Cell::Null, Cell::Integer),
            optional_time(b.timestamp),
            Cell::Time(b.receipt_timestamp),
        ],
        Event::Ticker(t) => vec![
            Cell::Text(&t.exchange),
            Cell::Text(t.symbol.as_str()),
            Cell::Decimal(t.bid),
            optional_decimal(t.bid_size),
            Cell::Decimal(t.ask),
            optional_decimal(t.ask_size),
            optional_time(t.timestamp),
            Cell::Time(t.receipt_timestamp),
        ],
        Event::Funding(f) => vec![
            Cell::Text(&f.exchange),
            Cell::Text(f.symbol.as_str()),
            optional_decimal(f.mark_price),
            Cell::Decimal(f.rate),
            optional_decimal(f.predicted_rate),
            optional_time(f.next_funding_time),
            optional_time(f.timestamp),
            Cell::Time(f.receipt_timestamp),
        ],
        Event::OpenInterest(o) => vec![
            Cell::Text(&o.exchange),
            Cell::Text(o.symbol.as_str()),
            Cell::Decimal(o.open_interest),
            optional_decimal(o.notional),
            optional_time(o.timestamp),
            Cell::Time(o.receipt_timestamp),
        ],
        Event::Liquidation(l) => vec![
            Cell::Text(&l.exchange),
            Cell::Text(l.symbol.as_str()),
            Cell::Text(l.side.as_str()),
            Cell::Decimal(l.quantity),
            Cell::Decimal(l.price),
            l.id.as_deref().map_or(Cell::Null, Cell::Text),
            Cell::Text(&l.status),
            optional_time(l.timestamp),
            Cell::Time(l.receipt_timestamp),
        ],
        Event::Candle(c) => vec![
            Cell::Text(&c.exchange),
            Cell::Text(c.symbol.as_str()),
            Cell::Time(c.start),
            Cell::Time(c.stop),
            Cell::Text(&c.interval),
            c.trades
                .and_then(|trades| i64::try_from(trades).ok())
                .map_or(Cell::Null, Cell::Integer),
            Cell::Decimal(c.open),
            Cell::Decimal(c.high),
            Cell::Decimal(c.low),
            Cell::Decimal(c.close),
            Cell::Decimal(c.volume),
            Cell::Bool(c.closed),
            optional_time(c.timestamp),
            Cell::Time(c.receipt_timestamp),
        ],
        Event::Gap(g) => vec![
            Cell::Text(&g.exchange),
            Cell::Text(g.symbol.as_str()),
            Cell::Text(g.channel.json_name()),
            Cell::Text(&g.reason),
            Cell::Time(g.receipt_timestamp),
        ],
        _ => return None,
    };
    debug_assert_eq!(row.len(), table.columns.len(), "{}", table.name);
    Some((table, row))
}

/// When the data of `event` arrived here; `None` for lifecycle events.
#[must_use]
pub fn receipt_of(event: &Event) -> Option<Decimal> {
    Some(match event {
        Event::Trade(e) => e.receipt_timestamp,
        Event::Book(e) => e.receipt_timestamp,
        Event::Gap(e) => e.receipt_timestamp,
        Event::Ticker(e) => e.receipt_timestamp,
        Event::Funding(e) => e.receipt_timestamp,
        Event::OpenInterest(e) => e.receipt_timestamp,
        Event::Liquidation(e) => e.receipt_timestamp,
        Event::Candle(e) => e.receipt_timestamp,
        _ => return None,
    })
}

/// Seconds since the epoch as whole microseconds (truncated toward the past: what both
/// formats hold); `None` out of `i64`'s range.
#[must_use]
pub fn micros(seconds: Decimal) -> Option<i64> {
    use rust_decimal::prelude::ToPrimitive;
    (seconds * Decimal::from(1_000_000)).floor().to_i64()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use feed_core::{Level, Side, Symbol, Trade};

    use super::*;

    #[test]
    fn every_table_row_matches_its_columns_and_books_are_exact_json() {
        let trade = Event::Trade(Trade {
            exchange: "BINANCE".into(),
            symbol: Symbol::parse("BTC-USDT").unwrap(),
            side: Side::Sell,
            amount: Decimal::from_str("0.00000001").unwrap(),
            price: Decimal::from_str("37000.10").unwrap(),
            id: Some(TradeId::Number(9)),
            timestamp: Decimal::from_str("1700000000.123456789").unwrap(),
            receipt_timestamp: Decimal::TWO,
        });
        let (table, row) = row_of(&trade).unwrap();
        assert_eq!(table.name, "trades");
        assert_eq!(
            row[3],
            Cell::Decimal(Decimal::from_str("0.00000001").unwrap())
        );
        assert_eq!(row[5], Cell::Owned("9".into()));
        assert_eq!(
            levels_json(&[Level {
                price: Decimal::from_str("1.50").unwrap(),
                size: Decimal::from_str("2").unwrap()
            }]),
            r#"[["1.50","2"]]"#
        );
        assert_eq!(
            micros(Decimal::from_str("1700000000.123456789").unwrap()),
            Some(1_700_000_000_123_456)
        );
        assert_eq!(micros(Decimal::from_str("-0.5").unwrap()), Some(-500_000));
    }
}
