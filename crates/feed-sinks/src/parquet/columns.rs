//! Column buffers of one file's pending row group, and the exact decimal encoding.

use parquet::column::writer::ColumnWriter;
use parquet::data_type::{ByteArray, FixedLenByteArray};
use parquet::errors::Result as ParquetResult;
use parquet::file::writer::SerializedRowGroupWriter;
use rust_decimal::Decimal;

use super::schema::DECIMAL_SCALE;
use crate::rows::{micros, Cell, ColumnType, Table};

/// The largest magnitude a `DECIMAL(38, 18)` holds, as its unscaled integer (10^38 - 1).
const MAX_UNSCALED: i128 = 99_999_999_999_999_999_999_999_999_999_999_999_999;

/// `value` as the 16-byte big-endian two's complement of its value times 10^18: exact, or
/// an error (more than 18 decimal places that are not trailing zeros, or 20 digits before
/// the point).
///
/// # Errors
/// The value in words.
pub fn decimal_bytes(value: Decimal) -> Result<[u8; 16], String> {
    let value = if value.scale() > DECIMAL_SCALE {
        value.normalize()
    } else {
        value
    };
    if value.scale() > DECIMAL_SCALE {
        return Err(format!(
            "{value} has more than {DECIMAL_SCALE} decimal places: not stored rounded"
        ));
    }
    let factor = 10_i128.pow(DECIMAL_SCALE - value.scale());
    let unscaled = value
        .mantissa()
        .checked_mul(factor)
        .filter(|unscaled| unscaled.abs() <= MAX_UNSCALED)
        .ok_or_else(|| format!("{value} is too large for DECIMAL(38,18)"))?;
    Ok(unscaled.to_be_bytes())
}

/// One column's pending values and definition levels.
#[derive(Debug)]
enum Values {
    Bytes(Vec<ByteArray>),
    Fixed(Vec<FixedLenByteArray>),
    Int64(Vec<i64>),
    Bool(Vec<bool>),
}

/// The pending row group of one file.
#[derive(Debug)]
pub struct Columns {
    values: Vec<Values>,
    levels: Vec<Vec<i16>>,
    nullable: Vec<bool>,
    rows: usize,
}

impl Columns {
    /// Empty buffers for `table`'s columns.
    #[must_use]
    pub fn new(table: &Table) -> Self {
        let values = table
            .columns
            .iter()
            .map(|column| match column.kind {
                ColumnType::Text | ColumnType::Json => Values::Bytes(Vec::new()),
                ColumnType::Decimal => Values::Fixed(Vec::new()),
                ColumnType::Time | ColumnType::Integer => Values::Int64(Vec::new()),
                ColumnType::Bool => Values::Bool(Vec::new()),
            })
            .collect();
        Columns {
            values,
            levels: vec![Vec::new(); table.columns.len()],
            nullable: table.columns.iter().map(|column| column.nullable).collect(),
            rows: 0,
        }
    }

    /// Rows pending.
    #[must_use]
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Appends a row, all or nothing.
    ///
    /// # Errors
    /// A value the column cannot hold exactly.
    pub fn push(&mut self, row: &[Cell<'_>]) -> Result<(), String> {
        // Encode first, so that a bad value leaves the buffers untouched.
        let mut decimals = Vec::new();
        for cell in row {
            if let Cell::Decimal(value) = cell {
                decimals.push(decimal_bytes(*value)?);
            }
            if let Cell::Time(seconds) = cell {
                micros(*seconds).ok_or_else(|| format!("time {seconds} out of range"))?;
            }
        }
        let mut decimals = decimals.into_iter();
        for (index, cell) in row.iter().enumerate() {
            let present = !matches!(cell, Cell::Null);
            if self.nullable[index] {
                self.levels[index].push(i16::from(present));
            }
            match (&mut self.values[index], cell) {
                (_, Cell::Null) => {}
                (Values::Bytes(values), Cell::Text(text)) => {
                    values.push(ByteArray::from(text.as_bytes().to_vec()));
                }
                (Values::Bytes(values), Cell::Owned(text)) => {
                    values.push(ByteArray::from(text.clone().into_bytes()));
                }
                (Values::Fixed(values), Cell::Decimal(_)) => {
                    let bytes = decimals.next().unwrap_or_default();
                    values.push(FixedLenByteArray::from(bytes.to_vec()));
                }
                (Values::Int64(values), Cell::Time(seconds)) => {
                    values.push(micros(*seconds).unwrap_or_default());
                }
                (Values::Int64(values), Cell::Integer(value)) => values.push(*value),
                (Values::Bool(values), Cell::Bool(flag)) => values.push(*flag),
                (_, other) => return Err(format!("column {index}: unexpected {other:?}")),
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Writes the pending rows as one row group and empties the buffers.
    ///
    /// # Errors
    /// The writer's.
    pub fn write_row_group<W: std::io::Write + Send>(
        &mut self,
        mut group: SerializedRowGroupWriter<'_, W>,
    ) -> ParquetResult<()> {
        let mut index = 0;
        while let Some(mut column) = group.next_column()? {
            let levels = self.nullable[index].then_some(&self.levels[index][..]);
            match (column.untyped(), &self.values[index]) {
                (ColumnWriter::ByteArrayColumnWriter(writer), Values::Bytes(values)) => {
                    writer.write_batch(values, levels, None)?;
                }
                (ColumnWriter::FixedLenByteArrayColumnWriter(writer), Values::Fixed(values)) => {
                    writer.write_batch(values, levels, None)?;
                }
                (ColumnWriter::Int64ColumnWriter(writer), Values::Int64(values)) => {
                    writer.write_batch(values, levels, None)?;
                }
                (ColumnWriter::BoolColumnWriter(writer), Values::Bool(values)) => {
                    writer.write_batch(values, levels, None)?;
                }
                _ => {
                    return Err(parquet::errors::ParquetError::General(format!(
                        "column {index} does not match its buffer"
                    )))
                }
            }
            column.close()?;
            index += 1;
        }
        group.close()?;
        for values in &mut self.values {
            match values {
                Values::Bytes(v) => v.clear(),
                Values::Fixed(v) => v.clear(),
                Values::Int64(v) => v.clear(),
                Values::Bool(v) => v.clear(),
            }
        }
        for levels in &mut self.levels {
            levels.clear();
        }
        self.rows = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn unscaled(bytes: [u8; 16]) -> i128 {
        i128::from_be_bytes(bytes)
    }

    #[test]
    fn decimals_are_exact_or_refused() {
        let d = |text: &str| Decimal::from_str(text).unwrap();
        assert_eq!(
            unscaled(decimal_bytes(d("37000.10")).unwrap()),
            37_000_100_000_000_000_000_000
        );
        assert_eq!(
            unscaled(decimal_bytes(d("-0.000000000000000001")).unwrap()),
            -1
        );
        // Trailing zeros beyond 18 places are no loss.
        assert_eq!(
            unscaled(decimal_bytes(d("1.0000000000000000000000")).unwrap()),
            1_000_000_000_000_000_000
        );
        assert!(decimal_bytes(d("0.0000000000000000001"))
            .unwrap_err()
            .contains("decimal places"));
        assert!(decimal_bytes(d("100000000000000000000"))
            .unwrap_err()
            .contains("too large"));
        // The largest integer part that fits: 20 digits.
        assert!(decimal_bytes(d("99999999999999999999.99999999")).is_ok());
    }
}
