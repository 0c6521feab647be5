//! The Parquet schema of each table ([`crate::rows`]).

use std::fmt::Write as _;
use std::sync::Arc;

use parquet::schema::parser::parse_message_type;
use parquet::schema::types::Type;

use crate::rows::{ColumnType, Table};

/// Decimals are `DECIMAL(38, 18)`: 20 digits before the point, 18 after.
pub const DECIMAL_PRECISION: u32 = 38;
/// See [`DECIMAL_PRECISION`].
pub const DECIMAL_SCALE: u32 = 18;

/// The message type text of `table`, e.g. `required fixed_len_byte_array(16) price
/// (DECIMAL(38,18));` per column.
#[must_use]
pub fn message_type(table: &Table) -> String {
    let mut text = format!("message {} {{\n", table.name);
    for column in table.columns {
        let repetition = if column.nullable {
            "optional"
        } else {
            "required"
        };
        let physical = match column.kind {
            ColumnType::Text | ColumnType::Json => "binary".to_owned(),
            ColumnType::Decimal => "fixed_len_byte_array(16)".to_owned(),
            ColumnType::Time | ColumnType::Integer => "int64".to_owned(),
            ColumnType::Bool => "boolean".to_owned(),
        };
        let logical = match column.kind {
            ColumnType::Text => " (STRING)".to_owned(),
            ColumnType::Json => " (JSON)".to_owned(),
            ColumnType::Decimal => format!(" (DECIMAL({DECIMAL_PRECISION},{DECIMAL_SCALE}))"),
            ColumnType::Time => " (TIMESTAMP(MICROS,true))".to_owned(),
            ColumnType::Integer | ColumnType::Bool => String::new(),
        };
        let _ = writeln!(text, "  {repetition} {physical} {}{logical};", column.name);
    }
    text.push('}');
    text
}

/// The parsed schema of `table`.
///
/// # Errors
/// Never for the built-in tables (a test parses each).
pub fn schema_of(table: &Table) -> parquet::errors::Result<Arc<Type>> {
    parse_message_type(&message_type(table)).map(Arc::new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rows::TABLES;

    #[test]
    fn every_table_has_a_schema() {
        for table in TABLES {
            let schema = schema_of(table).unwrap();
            assert_eq!(
                schema.get_fields().len(),
                table.columns.len(),
                "{}",
                table.name
            );
        }
        assert!(message_type(TABLES[0])
            .contains("required fixed_len_byte_array(16) price (DECIMAL(38,18));"));
    }
}
