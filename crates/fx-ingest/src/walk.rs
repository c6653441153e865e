//! Expanding the paths a user named into the files to ingest.
//!
//! * A file is one entry; its path is the path as given.
//! * A directory is walked in byte order of the names; each entry's path is
//!   the directory as given joined with the path below it (`evidence` →
//!   `evidence/certs/a.pem`), so evidence joins back to what was handed in.
//! * A symlink named on the command line is followed (the user named it),
//!   as `fd` and `ripgrep` do.
//! * Inside a walked directory, symlinks are followed only with
//!   `-L/--follow` ([`Links::Follow`]): files and directories behind them
//!   are walked under the path as walked, a directory loop and a dangling
//!   link are reported. Without it ([`Links::Stay`]) no symlink met while
//!   walking is followed; each gets a job that is `skipped` with a
//!   [`skip`] reason saying where it leads: out of the named root, back into
//!   it (its target is walked under its own path already, so following it
//!   would ingest the same file twice), nowhere, or round in a loop.
//! * FIFOs, sockets and devices are never opened; a path that does not exist
//!   or a directory that cannot be listed still gets a job with an error.
//!
//! A file reached through a symlink carries its device and inode
//! ([`Found::file_id`]), so that the same file reached under several paths
//! can be ingested once (the caller merges them).
//!
//! Nothing named disappears silently.

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

/// Skip reasons of the `ingest` event for symlinks that are not followed
/// (DESIGN §3 `skipped` + `reason`; listed in docs/design.md).
pub mod skip {
    /// The symlink resolves outside the directory named on the command line.
    pub const OUTSIDE_ROOT: &str = "symlink_outside_root";
    /// The symlink resolves inside the named directory: its target is walked
    /// under its own path, so following it would ingest it twice.
    pub const INSIDE_ROOT: &str = "symlink_inside_root";
    /// The symlink's target does not exist.
    pub const DANGLING: &str = "dangling_symlink";
    /// The symlink cannot be resolved because it leads round in a loop, or
    /// (with `--follow`) leads to a directory above itself.
    pub const LOOP: &str = "symlink_loop";
    /// Every reason above (`schemas/report.schema.json` lists the same).
    pub const ALL: &[&str] = &[OUTSIDE_ROOT, INSIDE_ROOT, DANGLING, LOOP];
}

/// What to do with a symlink met while walking a directory.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Links {
    /// Do not follow it; record a skipped job saying where it leads.
    #[default]
    Stay,
    /// Follow it (`-L/--follow`), wherever it leads.
    Follow,
}

/// One path to turn into a job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The path recorded in `intake.path` (as given / below the named root).
    pub path: PathBuf,
    /// What to open, or why nothing is opened.
    pub what: What,
    /// True when reached through a symlink: the path itself is one, or a
    /// directory on the way from the named path down to it is.
    pub via_symlink: bool,
    /// Device and inode of the file behind the path, when reached through a
    /// symlink (the same file reached twice is then one job).
    pub file_id: Option<(u64, u64)>,
}

/// Whether a found path is opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum What {
    /// A regular file to open at this path.
    Open(PathBuf),
    /// Never opened; the detail of the `unreadable` error event.
    Refused(String),
    /// Never opened, on purpose; the reason of the `skipped` event
    /// (a [`skip`] constant).
    Skipped(&'static str),
}

/// The kind of a named input, for the manifest's input list. A directory
/// walked with `--follow` is `dir_follow_links` (the walk, and so the run,
/// differs).
pub fn input_kind(p: &Path, links: Links) -> &'static str {
    match fs::metadata(p) {
        Ok(m) if m.is_dir() && links == Links::Follow => "dir_follow_links",
        Ok(m) if m.is_dir() => "dir",
        Ok(m) if m.is_file() => "file",
        Ok(_) => "special",
        Err(_) => "missing",
    }
}

/// Expands one named path into `out`.
pub fn expand(given: &Path, links: Links, out: &mut Vec<Found>) {
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
                out.push(unresolved(given, &e));
                return;
            }
        }
    } else {
        lmeta
    };
    if meta.is_dir() {
        walk_dir(given, is_link, links, out);
    } else if meta.is_file() {
        out.push(Found {
            path: given.to_path_buf(),
            what: What::Open(given.to_path_buf()),
            via_symlink: is_link,
            file_id: is_link.then(|| file_id(&meta)),
        });
    } else {
        out.push(refused(given, special(&meta.file_type())));
    }
}

/// Device and inode of a file's metadata.
pub fn file_id(m: &fs::Metadata) -> (u64, u64) {
    (m.dev(), m.ino())
}

fn walk_dir(root: &Path, root_is_link: bool, links: Links, out: &mut Vec<Found>) {
    let follow = links == Links::Follow;
    let canon_root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let walker = walkdir::WalkDir::new(root)
        .follow_links(follow)
        .min_depth(1)
        .sort_by(|a, b| a.file_name().as_bytes().cmp(b.file_name().as_bytes()));
    // Depths of the followed directory symlinks above the current entry.
    let mut linked_dirs: Vec<usize> = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                out.push(walk_error(root, follow, &e));
                continue;
            }
        };
        while linked_dirs.last().is_some_and(|&d| d >= entry.depth()) {
            linked_dirs.pop();
        }
        let ft = entry.file_type();
        let path = entry.path();
        let via = root_is_link || entry.path_is_symlink() || !linked_dirs.is_empty();
        if ft.is_dir() {
            if entry.path_is_symlink() {
                linked_dirs.push(entry.depth());
            }
            continue;
        }
        if ft.is_file() {
            out.push(Found {
                path: path.to_path_buf(),
                what: What::Open(path.to_path_buf()),
                via_symlink: via,
                // With --follow the metadata is the target's (stat); in a
                // plain walk a file is reached through a link only below a
                // named root that is one.
                file_id: match via {
                    true => entry.metadata().ok().map(|m| file_id(&m)),
                    false => None,
                },
            });
        } else if ft.is_symlink() {
            out.push(not_followed(path, &canon_root));
        } else {
            out.push(refused(path, special(&ft)));
        }
    }
}

/// The job of a walk error: a directory loop or a broken link met while
/// following links, or a directory that cannot be listed.
fn walk_error(root: &Path, follow: bool, e: &walkdir::Error) -> Found {
    let p = e.path().unwrap_or(root);
    if e.loop_ancestor().is_some() {
        return skipped(p, skip::LOOP);
    }
    let is_link = fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink());
    match e.io_error() {
        Some(io) if follow && is_link && e.depth() > 0 => unresolved(p, io),
        Some(io) => refused(p, format!("cannot list directory: {}", io_reason(io))),
        None => refused(p, "cannot list directory: walk error".into()),
    }
}

/// The job of a symlink met in a walk that does not follow links.
fn not_followed(path: &Path, canon_root: &Path) -> Found {
    match fs::canonicalize(path) {
        Err(e) => unresolved(path, &e),
        Ok(target) if target.starts_with(canon_root) => skipped(path, skip::INSIDE_ROOT),
        Ok(_) => skipped(path, skip::OUTSIDE_ROOT),
    }
}

/// The job of a symlink that cannot be resolved: dangling or a loop (both
/// skipped, nothing is there to read), or another error (unreadable).
fn unresolved(path: &Path, e: &std::io::Error) -> Found {
    match e.raw_os_error() {
        Some(libc::ELOOP) => skipped(path, skip::LOOP),
        Some(libc::ENOENT | libc::ENOTDIR) => skipped(path, skip::DANGLING),
        _ => refused(
            path,
            format!("symlink cannot be resolved: {}", io_reason(e)),
        ),
    }
}

fn refused(path: &Path, detail: String) -> Found {
    Found {
        path: path.to_path_buf(),
        what: What::Refused(detail),
        via_symlink: false,
        file_id: None,
    }
}

fn skipped(path: &Path, reason: &'static str) -> Found {
    Found {
        path: path.to_path_buf(),
        what: What::Skipped(reason),
        via_symlink: false,
        file_id: None,
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

    /// A root with one link of every kind, and a file outside it.
    fn tree() -> tempfile::TempDir {
        let d = tempfile::tempdir().expect("tempdir");
        let root = d.path().join("root");
        fs::create_dir_all(root.join("sub")).expect("mkdir");
        fs::write(root.join("b.txt"), b"b").expect("write");
        fs::write(root.join("a.txt"), b"a").expect("write");
        fs::write(root.join("sub/c.txt"), b"c").expect("write");
        fs::create_dir_all(d.path().join("elsewhere")).expect("mkdir");
        fs::write(d.path().join("elsewhere/outside.txt"), b"x").expect("write");
        symlink("a.txt", root.join("link-in")).expect("symlink");
        symlink("../elsewhere/outside.txt", root.join("link-out")).expect("symlink");
        symlink("../elsewhere", root.join("link-outdir")).expect("symlink");
        symlink("missing", root.join("link-dangling")).expect("symlink");
        symlink("sub", root.join("link-dir")).expect("symlink");
        symlink("loop-b", root.join("loop-a")).expect("symlink");
        symlink("loop-a", root.join("loop-b")).expect("symlink");
        symlink("..", root.join("sub/up")).expect("symlink");
        d
    }

    fn listing(d: &Path, out: &[Found]) -> Vec<(String, String, bool)> {
        out.iter()
            .map(|f| {
                let what = match &f.what {
                    What::Open(p) => {
                        format!("open {}", p.strip_prefix(d).expect("below").display())
                    }
                    What::Refused(r) => format!("refused {r}"),
                    What::Skipped(r) => format!("skipped {r}"),
                };
                let path = f.path.strip_prefix(d).expect("below").display().to_string();
                (path, what, f.via_symlink)
            })
            .collect()
    }

    #[test]
    fn plain_walk_follows_no_symlink_and_says_where_each_leads() {
        let d = tree();
        let mut out = Vec::new();
        expand(&d.path().join("root"), Links::Stay, &mut out);
        let s = |p: &str, w: &str| (p.to_owned(), w.to_owned(), false);
        assert_eq!(
            listing(d.path(), &out),
            [
                s("root/a.txt", "open root/a.txt"),
                s("root/b.txt", "open root/b.txt"),
                s("root/link-dangling", "skipped dangling_symlink"),
                s("root/link-dir", "skipped symlink_inside_root"),
                s("root/link-in", "skipped symlink_inside_root"),
                s("root/link-out", "skipped symlink_outside_root"),
                s("root/link-outdir", "skipped symlink_outside_root"),
                s("root/loop-a", "skipped symlink_loop"),
                s("root/loop-b", "skipped symlink_loop"),
                s("root/sub/c.txt", "open root/sub/c.txt"),
                s("root/sub/up", "skipped symlink_inside_root"),
            ]
        );
        assert!(out.iter().all(|f| f.file_id.is_none()));
    }

    #[test]
    fn following_walk_reads_behind_links_and_reports_loops() {
        let d = tree();
        let mut out = Vec::new();
        expand(&d.path().join("root"), Links::Follow, &mut out);
        let s = |p: &str, w: &str, via: bool| (p.to_owned(), w.to_owned(), via);
        assert_eq!(
            listing(d.path(), &out),
            [
                s("root/a.txt", "open root/a.txt", false),
                s("root/b.txt", "open root/b.txt", false),
                s("root/link-dangling", "skipped dangling_symlink", false),
                s("root/link-dir/c.txt", "open root/link-dir/c.txt", true),
                s("root/link-dir/up", "skipped symlink_loop", false),
                s("root/link-in", "open root/link-in", true),
                s("root/link-out", "open root/link-out", true),
                s(
                    "root/link-outdir/outside.txt",
                    "open root/link-outdir/outside.txt",
                    true
                ),
                s("root/loop-a", "skipped symlink_loop", false),
                s("root/loop-b", "skipped symlink_loop", false),
                s("root/sub/c.txt", "open root/sub/c.txt", false),
                s("root/sub/up", "skipped symlink_loop", false),
            ]
        );
        let id = |p: &str| {
            out.iter()
                .find(|f| f.path == d.path().join(p))
                .and_then(|f| f.file_id)
        };
        let a = fs::metadata(d.path().join("root/a.txt")).expect("stat");
        assert_eq!(id("root/link-in"), Some(file_id(&a)));
        assert!(id("root/link-dir/c.txt").is_some());
        assert_eq!(id("root/a.txt"), None, "a plain file needs no stat");
    }

    #[test]
    fn named_symlinks_are_followed() {
        let d = tree();
        let root = d.path().join("root");
        let mut out = Vec::new();
        expand(&root.join("link-out"), Links::Stay, &mut out);
        expand(&root.join("link-dangling"), Links::Stay, &mut out);
        expand(&root.join("loop-a"), Links::Stay, &mut out);
        expand(&root.join("link-outdir"), Links::Stay, &mut out);
        let s = |p: &str, w: &str, via: bool| (p.to_owned(), w.to_owned(), via);
        assert_eq!(
            listing(d.path(), &out),
            [
                s("root/link-out", "open root/link-out", true),
                s("root/link-dangling", "skipped dangling_symlink", false),
                s("root/loop-a", "skipped symlink_loop", false),
                s(
                    "root/link-outdir/outside.txt",
                    "open root/link-outdir/outside.txt",
                    true
                ),
            ]
        );
        assert!(out[0].file_id.is_some() && out[3].file_id.is_some());
    }
}
