//! Reading the daemons' log files for error messages.

use super::*;

/// The contents of `path` from byte `offset` on (lossy UTF-8); empty if
/// unreadable.
pub(crate) fn read_from(path: &Path, offset: u64) -> String {
    let mut bytes = Vec::new();
    let read = File::open(path).and_then(|mut f| {
        f.seek(SeekFrom::Start(offset))?;
        f.read_to_end(&mut bytes)
    });
    match read {
        Ok(_) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => String::new(),
    }
}

pub(crate) fn read_logs(logs: &[PathBuf]) -> String {
    let mut out = String::new();
    for path in logs {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        out.push_str(&format!("==> {name} <==\n"));
        match fs::read(path) {
            Ok(bytes) => out.push_str(&String::from_utf8_lossy(&bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => out.push_str("(no log written)"),
            Err(e) => out.push_str(&format!("(cannot read {}: {e})", path.display())),
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// The last [`LOG_EXCERPT_BYTES`] of the logs, for error messages.
pub(crate) fn log_excerpt(logs: &[PathBuf]) -> String {
    let full = read_logs(logs);
    if full.len() <= LOG_EXCERPT_BYTES {
        return full;
    }
    let mut start = full.len() - LOG_EXCERPT_BYTES;
    while !full.is_char_boundary(start) {
        start += 1;
    }
    format!("[... earlier log lines cut ...]\n{}", &full[start..])
}
