//! The open files: one per table, exchange and period, written under a `.partial` name and
//! renamed when closed, so a reader never sees a file without its footer.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;

use super::columns::Columns;
use super::schema::schema_of;
use super::Rotation;
use crate::rows::{utc_parts, Table};

/// Which file a row goes to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileKey {
    /// The table's name.
    pub table: &'static str,
    /// The exchange, lower case.
    pub exchange: String,
    /// The period's start, microseconds since the epoch.
    pub period: i64,
}

/// One open file.
pub struct OpenFile {
    partial: PathBuf,
    path: PathBuf,
    writer: SerializedFileWriter<File>,
    pub(super) columns: Columns,
    /// Rows written to the file so far (in closed row groups).
    written: usize,
}

impl OpenFile {
    /// Creates `{directory}/exchange={exchange}/channel={table}/{period}.parquet.partial`
    /// (`-1`, `-2`, ... before `.parquet` when the name is taken).
    ///
    /// # Errors
    /// The file system's or the writer's, in words.
    pub fn create(
        directory: &Path,
        key: &FileKey,
        table: &Table,
        rotation: Rotation,
        zstd_level: i32,
    ) -> Result<Self, String> {
        let folder = directory
            .join(format!("exchange={}", key.exchange))
            .join(format!("channel={}", table.name));
        std::fs::create_dir_all(&folder)
            .map_err(|error| format!("{}: {error}", folder.display()))?;
        let stem = period_name(key.period, rotation);
        let mut path = folder.join(format!("{stem}.parquet"));
        let mut suffix = 0;
        while path.exists() || partial_of(&path).exists() {
            suffix += 1;
            path = folder.join(format!("{stem}-{suffix}.parquet"));
        }
        let partial = partial_of(&path);
        let file =
            File::create(&partial).map_err(|error| format!("{}: {error}", partial.display()))?;
        let level = ZstdLevel::try_new(zstd_level).map_err(|error| error.to_string())?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::ZSTD(level))
            .set_created_by(format!("feedhandler {}", env!("CARGO_PKG_VERSION")))
            .build();
        let schema = schema_of(table).map_err(|error| error.to_string())?;
        let writer = SerializedFileWriter::new(file, schema, Arc::new(properties))
            .map_err(|error| error.to_string())?;
        Ok(OpenFile {
            partial,
            path,
            writer,
            columns: Columns::new(table),
            written: 0,
        })
    }

    /// Writes the pending rows as a row group.
    ///
    /// # Errors
    /// The writer's, in words.
    pub fn write_pending(&mut self) -> Result<(), String> {
        if self.columns.rows() == 0 {
            return Ok(());
        }
        let rows = self.columns.rows();
        let group = self
            .writer
            .next_row_group()
            .map_err(|error| error.to_string())?;
        self.columns
            .write_row_group(group)
            .map_err(|error| error.to_string())?;
        self.written += rows;
        Ok(())
    }

    /// Writes what is pending, the footer, and renames the file to its final name.
    ///
    /// # Errors
    /// The writer's or the file system's, in words.
    pub fn close(mut self) -> Result<PathBuf, String> {
        self.write_pending()?;
        self.writer.close().map_err(|error| error.to_string())?;
        std::fs::rename(&self.partial, &self.path)
            .map_err(|error| format!("{}: {error}", self.path.display()))?;
        tracing::info!(file = %self.path.display(), rows = self.written, "parquet file closed");
        Ok(self.path)
    }
}

fn partial_of(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// The file name of a period: `2026-12-01` (day), `2026-12-01T15` (hour),
/// `2026-12-01T15-04` (minute), UTC.
fn period_name(period: i64, rotation: Rotation) -> String {
    let t = utc_parts(period);
    let date = format!("{:04}-{:02}-{:02}", t.year, t.month, t.day);
    match rotation {
        Rotation::Day => date,
        Rotation::Hour => format!("{date}T{:02}", t.hour),
        Rotation::Minute => format!("{date}T{:02}-{:02}", t.hour, t.minute),
    }
}

/// Every open file.
#[derive(Default)]
pub struct Files {
    pub(super) open: BTreeMap<FileKey, OpenFile>,
}

impl Files {
    /// Closes the files whose period ended before `now_micros` (or every one with `None`);
    /// the paths closed, or the first error (the other files are still closed).
    pub fn close_ended(
        &mut self,
        now_micros: Option<i64>,
        rotation: Rotation,
    ) -> Result<Vec<PathBuf>, String> {
        let ended: Vec<FileKey> = self
            .open
            .keys()
            .filter(|key| now_micros.is_none_or(|now| key.period + rotation.micros() <= now))
            .cloned()
            .collect();
        let mut closed = Vec::new();
        let mut first_error = None;
        for key in ended {
            if let Some(file) = self.open.remove(&key) {
                match file.close() {
                    Ok(path) => closed.push(path),
                    Err(error) => {
                        first_error.get_or_insert(error);
                    }
                }
            }
        }
        first_error.map_or(Ok(closed), Err)
    }
}
