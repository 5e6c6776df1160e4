//! The one way citecheck replaces a file: a temporary file in the same
//! folder, written and flushed, then renamed over the target, so that a
//! reader (or a run killed half-way) sees the old content or the new, never
//! half of it.
//!
//! Two things a plain `tempfile` + rename gets wrong, and this gets right:
//! - **Modes.** A temporary file is created 0600, and the rename keeps that
//!   mode. Here a new file gets the mode `File::create` would give (0666 less
//!   the umask, so 0644 under umask 022), and a replaced file keeps its own.
//! - **Symlinks.** Renaming over a symlink replaces the link with a regular
//!   file and leaves its target as it was. Here the link's target is
//!   rewritten and the link stays a link.
//!
//! Only the binary's output module and the store call it: the library's
//! stages write nothing.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Replaces (or creates) `path` with `bytes`, atomically.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let target = resolve_symlinks(path)?;
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let existing = std::fs::metadata(&target).ok().map(|m| m.permissions());
    let mut builder = tempfile::Builder::new();
    builder.prefix(".citecheck-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Passed to open(2), which applies the umask: what File::create gives.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if let Some(p) = existing {
        // A rewritten file keeps its mode (set_permissions ignores the umask).
        std::fs::set_permissions(tmp.path(), p)?;
    }
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// Creates a folder and its parents (for a report or cache folder).
pub fn create_dir(path: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(path)
}

/// The file a path finally names, through any chain of symlinks; the path
/// itself when it is not a symlink (or does not exist yet).
fn resolve_symlinks(path: &Path) -> std::io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    // A loop of links ends in an error from the OS, as `open` would give.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let next = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(std::io::Error::other(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    /// The mode a file created by `File::create` gets here, under this process's umask.
    fn created_mode(dir: &Path) -> u32 {
        let p = dir.join("probe");
        drop(std::fs::File::create(&p).unwrap());
        mode(&p)
    }

    #[test]
    fn a_new_file_gets_the_mode_file_create_gives() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("new.txt");
        write(&p, b"x").unwrap();
        assert_eq!(mode(&p), created_mode(d.path()));
        assert_ne!(mode(&p), 0o600, "the temporary file's mode must not survive");
    }

    #[test]
    fn a_rewritten_file_keeps_its_mode_and_content_is_replaced() {
        let d = tempfile::tempdir().unwrap();
        for m in [0o640, 0o755, 0o604] {
            let p = d.path().join(format!("f{m:o}"));
            std::fs::write(&p, b"old").unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(m)).unwrap();
            write(&p, b"new").unwrap();
            assert_eq!(mode(&p), m);
            assert_eq!(std::fs::read(&p).unwrap(), b"new");
        }
    }

    #[test]
    fn a_symlink_is_written_through() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("real")).unwrap();
        let target = d.path().join("real/doc.txt");
        std::fs::write(&target, b"old").unwrap();
        let link = d.path().join("doc.txt");
        std::os::unix::fs::symlink("real/doc.txt", &link).unwrap();
        let link2 = d.path().join("doc2.txt");
        std::os::unix::fs::symlink("doc.txt", &link2).unwrap();
        write(&link2, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert!(std::fs::symlink_metadata(&link2).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        let leftovers = std::fs::read_dir(d.path().join("real")).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }
}
