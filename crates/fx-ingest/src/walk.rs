//! Expanding the paths a user named into the files to ingest.
//!
//! * A file is one entry; its path is the path as given.
//! * A directory is walked in byte order of the names; each entry's path is
//!   the directory as given joined with the path below it (`evidence` →
//!   `evidence/certs/a.pem`), so evidence joins back to what was handed in.
//! * A symlink named on the command line is followed (the user named it).
//!   Inside a walked directory a symlink is followed only when its target is
//!   a regular file inside the named root (the job keeps the link's path);
//!   a symlink leaving the root, a dangling one, or one to a directory is
//!   never followed and gets a job with an `unreadable` error event.
//! * FIFOs, sockets and devices are never opened; a path that does not exist
//!   or a directory that cannot be listed still gets a job with an error.
//!
//! Nothing named disappears silently.

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

/// One path to turn into a job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The path recorded in `intake.path` (as given / below the named root).
    pub path: PathBuf,
    /// What to open, or why nothing is opened.
    pub what: What,
    /// True when reached through a symlink.
    pub via_symlink: bool,
}

/// Whether a found path is opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum What {
    /// A regular file to open at this path.
    Open(PathBuf),
    /// Never opened; the detail of the error event.
    Refused(String),
}

/// The kind of a named input, for the manifest's input list.
pub fn input_kind(p: &Path) -> &'static str {
    match fs::metadata(p) {
        Ok(m) if m.is_dir() => "dir",
        Ok(m) if m.is_file() => "file",
        Ok(_) => "special",
        Err(_) => "missing",
    }
}

/// Expands one named path into `out`.
pub fn expand(given: &Path, out: &mut Vec<Found>) {
    let lmeta = match fs::symlink_metadata(given) {
        Ok(m) => m,
        Err(e) => {
            out.push(refused(given, format!("cannot stat: {}", io_reason(&e))));
            return;
        }
    };
    let is_link = lmeta.file_type().is_symlink();
    let meta = if is_link {
        match fs::metadata(given) {
            Ok(m) => m,
            Err(e) => {
                out.push(refused(given, broken_link(&e)));
                return;
            }
        }
    } else {
        lmeta
    };
    if meta.is_dir() {
        walk_dir(given, out);
    } else if meta.is_file() {
        out.push(Found {
            path: given.to_path_buf(),
            what: What::Open(given.to_path_buf()),
            via_symlink: is_link,
        });
    } else {
        out.push(refused(given, special(&meta.file_type())));
    }
}

fn walk_dir(root: &Path, out: &mut Vec<Found>) {
    let canon_root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .min_depth(1)
        .sort_by(|a, b| a.file_name().as_bytes().cmp(b.file_name().as_bytes()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e.path().unwrap_or(root).to_path_buf();
                let why = e
                    .io_error()
                    .map(io_reason)
                    .unwrap_or_else(|| "walk error".into());
                out.push(refused(&p, format!("cannot list directory: {why}")));
                continue;
            }
        };
        let ft = entry.file_type();
        let path = entry.path();
        if ft.is_dir() {
            continue;
        }
        if ft.is_file() {
            out.push(Found {
                path: path.to_path_buf(),
                what: What::Open(path.to_path_buf()),
                via_symlink: false,
            });
        } else if ft.is_symlink() {
            out.push(inner_symlink(path, &canon_root));
        } else {
            out.push(refused(path, special(&ft)));
        }
    }
}

fn inner_symlink(path: &Path, canon_root: &Path) -> Found {
    let target = match fs::canonicalize(path) {
        Ok(t) => t,
        Err(e) => return refused(path, broken_link(&e)),
    };
    if !target.starts_with(canon_root) {
        return refused(
            path,
            "symlink points outside the named root; not followed".into(),
        );
    }
    match fs::metadata(&target) {
        Ok(m) if m.is_file() => Found {
            path: path.to_path_buf(),
            what: What::Open(target),
            via_symlink: true,
        },
        Ok(m) if m.is_dir() => refused(
            path,
            "symlink to a directory inside the root; not followed (its files are walked under their own path)"
                .into(),
        ),
        Ok(m) => refused(path, special(&m.file_type())),
        Err(e) => refused(path, format!("cannot stat symlink target: {}", io_reason(&e))),
    }
}

/// Why a symlink cannot be resolved.
fn broken_link(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(libc::ELOOP) => "symlink loop".into(),
        _ if e.kind() == std::io::ErrorKind::NotFound => "dangling symlink".into(),
        _ => format!("symlink cannot be resolved: {}", io_reason(e)),
    }
}

fn refused(path: &Path, detail: String) -> Found {
    Found {
        path: path.to_path_buf(),
        what: What::Refused(detail),
        via_symlink: false,
    }
}

/// Error detail for a file that is not regular.
pub fn special(ft: &fs::FileType) -> String {
    let kind = if ft.is_fifo() {
        "fifo"
    } else if ft.is_socket() {
        "socket"
    } else if ft.is_block_device() {
        "block device"
    } else if ft.is_char_device() {
        "character device"
    } else {
        "special file"
    };
    format!("{kind}: special files are never read")
}

/// A deterministic, path-free reason for an I/O error.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "not found".into(),
        K::PermissionDenied => "permission denied".into(),
        // e.g. "Input/output error (os error 5)": std's text holds no path.
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn walk_is_sorted_and_symlinks_stay_inside() {
        let d = tempfile::tempdir().expect("tempdir");
        let root = d.path().join("root");
        fs::create_dir_all(root.join("sub")).expect("mkdir");
        fs::write(root.join("b.txt"), b"b").expect("write");
        fs::write(root.join("a.txt"), b"a").expect("write");
        fs::write(root.join("sub/c.txt"), b"c").expect("write");
        fs::write(d.path().join("outside.txt"), b"x").expect("write");
        symlink("a.txt", root.join("link-in")).expect("symlink");
        symlink("../outside.txt", root.join("link-out")).expect("symlink");
        symlink("missing", root.join("link-dangling")).expect("symlink");
        symlink("sub", root.join("link-dir")).expect("symlink");
        symlink("loop-b", root.join("loop-a")).expect("symlink");
        symlink("loop-a", root.join("loop-b")).expect("symlink");
        let mut out = Vec::new();
        expand(&root, &mut out);
        let names: Vec<String> = out
            .iter()
            .map(|f| {
                f.path
                    .strip_prefix(d.path())
                    .expect("below")
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(
            names,
            [
                "root/a.txt",
                "root/b.txt",
                "root/link-dangling",
                "root/link-dir",
                "root/link-in",
                "root/link-out",
                "root/loop-a",
                "root/loop-b",
                "root/sub/c.txt"
            ]
        );
        assert!(matches!(&out[6].what, What::Refused(r) if r == "symlink loop"));
        assert!(matches!(&out[2].what, What::Refused(r) if r == "dangling symlink"));
        assert!(matches!(&out[3].what, What::Refused(r) if r.contains("directory")));
        assert!(matches!(&out[4].what, What::Open(p) if p.ends_with("a.txt")));
        assert!(out[4].via_symlink);
        assert!(matches!(&out[5].what, What::Refused(r) if r.contains("outside")));
    }
}
