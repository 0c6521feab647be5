//! The tables' DDL: one table per channel, created if absent.

use std::fmt::Write as _;

use crate::rows::{ColumnType, Table};

/// The PostgreSQL type of a column.
fn sql_type(kind: ColumnType) -> &'static str {
    match kind {
        ColumnType::Text => "text",
        ColumnType::Json => "jsonb",
        ColumnType::Decimal => "numeric",
        ColumnType::Time => "timestamptz",
        ColumnType::Integer => "bigint",
        ColumnType::Bool => "boolean",
    }
}

/// `"name"`, quoted (columns such as `timestamp` and `interval` are keywords).
pub(super) fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The table's name with the configured prefix.
pub(super) fn table_name(prefix: &str, table: &Table) -> String {
    quoted(&format!("{prefix}{}", table.name))
}

/// `CREATE TABLE IF NOT EXISTS ...` for `table`.
#[must_use]
pub fn create_table(prefix: &str, table: &Table) -> String {
    let mut sql = format!("CREATE TABLE IF NOT EXISTS {} (", table_name(prefix, table));
    for (index, column) in table.columns.iter().enumerate() {
        if index > 0 {
            sql.push_str(", ");
        }
        let _ = write!(sql, "{} {}", quoted(column.name), sql_type(column.kind));
        if !column.nullable {
            sql.push_str(" NOT NULL");
        }
    }
    sql.push(')');
    sql
}

/// `COPY table (columns) FROM STDIN` for `table`.
pub(super) fn copy_statement(prefix: &str, table: &Table) -> String {
    let columns: Vec<String> = table
        .columns
        .iter()
        .map(|column| quoted(column.name))
        .collect();
    format!(
        "COPY {} ({}) FROM STDIN",
        table_name(prefix, table),
        columns.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rows::TABLES;

    #[test]
    fn trades_ddl_and_copy() {
        assert_eq!(
            create_table("md_", TABLES[0]),
            "CREATE TABLE IF NOT EXISTS \"md_trades\" (\"exchange\" text NOT NULL, \"symbol\" text NOT NULL, \"side\" text NOT NULL, \"amount\" numeric NOT NULL, \"price\" numeric NOT NULL, \"id\" text, \"timestamp\" timestamptz NOT NULL, \"receipt_timestamp\" timestamptz NOT NULL)"
        );
        assert!(copy_statement("", TABLES[0]).starts_with("COPY \"trades\" (\"exchange\", "));
    }
}
