//! Writing generated files, and `--check`'s comparison with what is committed.

use std::path::Path;

use anyhow::Context;

/// The unified diff from the file at `path` (empty if missing) to `expected`, or `None`
/// when they are equal but for line endings.
pub fn stale_diff(path: &Path, expected: &str) -> anyhow::Result<Option<String>> {
    let committed = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let diff = stablemint_codegen::unified_diff(&path.display().to_string(), &committed, expected);
    Ok((!diff.is_empty()).then_some(diff))
}

/// Writes `contents` to `path` unless it already holds them (whatever its line
/// endings); true when it wrote.
///
/// The text goes to a temporary file beside `path` first and is renamed over it, so a
/// failure never leaves a half-written file behind.
pub fn write_if_changed(path: &Path, contents: &str) -> anyhow::Result<bool> {
    if std::fs::read_to_string(path)
        .is_ok_and(|current| stablemint_codegen::normalize_line_endings(&current) == contents)
    {
        return Ok(false);
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = Path::new(&temporary);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(temporary, contents)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(temporary, path)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(true)
}
