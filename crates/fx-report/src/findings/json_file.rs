//! Pretty JSON streamed to a temporary file, then renamed: the same bytes as
//! `fx_core::run::write_json_atomic` (pretty, a final newline), without the
//! whole document in memory first. `findings.json` and `findings.sarif` list
//! every artifact behind every finding, so over a large run they are the
//! largest reports; buffered whole, they were most of fx-report's peak RSS.

use std::io::{BufWriter, Write as _};
use std::path::Path;

use anyhow::Context as _;
use serde::Serialize;

/// Writes `value` as pretty JSON with a final newline to `path`: serialized
/// into a temporary file next to it, synced, then renamed over `path`.
pub(crate) fn write_pretty(path: &Path, value: &impl Serialize) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("{}", dir.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".fx-tmp-")
        .tempfile_in(dir)
        .with_context(|| format!("{}", dir.display()))?;
    let mut w = BufWriter::with_capacity(1 << 16, tmp);
    serde_json::to_writer_pretty(&mut w, value).with_context(|| format!("{}", path.display()))?;
    w.write_all(b"\n")
        .with_context(|| format!("{}", path.display()))?;
    let tmp = w
        .into_inner()
        .map_err(std::io::IntoInnerError::into_error)
        .with_context(|| format!("{}", path.display()))?;
    tmp.as_file()
        .sync_data()
        .with_context(|| format!("{}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("{}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn same_bytes_as_the_buffered_writer() {
        let dir = tempfile::tempdir().unwrap();
        let value = serde_json::json!({"b": [1, {"c": []}, []], "a": "x\u{e9}\n", "e": {}});
        let streamed = dir.path().join("sub/streamed.json");
        let buffered = dir.path().join("buffered.json");
        write_pretty(&streamed, &value).unwrap();
        fx_core::run::write_json_atomic(&buffered, &value).unwrap();
        let s = std::fs::read(&streamed).unwrap();
        assert_eq!(s, std::fs::read(&buffered).unwrap());
        assert!(s.ends_with(b"}\n"));
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["streamed.json"]);
    }
}
