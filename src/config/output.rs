//! The `output:` section: where trade JSON lines go.
//!
//! ```yaml
//! output:
//!   file: trades.jsonl   # optional: append JSON lines here instead of stdout
//! ```

use std::path::PathBuf;

use feed_proxy::{join_key, ConfigReader};

/// Where trades are written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutputConfig {
    /// Append JSON lines to this file (relative to the config file); stdout when absent.
    pub file: Option<PathBuf>,
}

/// Reads `output:`.
pub fn read_output(reader: &mut ConfigReader<'_>, base_dir: &std::path::Path) -> OutputConfig {
    if reader.section("output", &["file"]).is_none() {
        return OutputConfig::default();
    }
    OutputConfig {
        file: reader
            .value::<String>(&join_key("output", "file"))
            .map(|file| base_dir.join(file)),
    }
}
