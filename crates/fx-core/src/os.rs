//! The few system calls fx makes beyond `std`, and the `unsafe` code they
//! need, in one place: buffers aligned for direct I/O, switching `O_DIRECT`
//! on and off an open file, read-ahead advice, exclusive file locks (one
//! ingest, one sequencing pass per run at a time) and a larger pipe buffer.
//! fx-ingest writes large blobs and fx-seq its telemetry with direct I/O.
//!
//! Direct I/O (`O_DIRECT`) moves the bytes between the device and the user
//! buffer without the page-cache copy a buffered `write` makes; the kernel
//! requires the buffer address, the file offset and the length to be
//! multiples of the device's block size. [`ALIGN`] (4096) is a multiple of
//! every common logical block size (512, 4096); a filesystem that wants more,
//! or refuses direct I/O altogether, answers `EINVAL` and the caller falls
//! back to buffered writes.

use std::fs::File;
use std::io;
use std::ops::{Deref, DerefMut};
use std::os::fd::AsRawFd;
use std::ptr::NonNull;

/// Alignment of direct-I/O buffers, offsets and lengths.
pub const ALIGN: usize = 4096;

/// A zero-initialised heap buffer whose address is a multiple of [`ALIGN`].
pub struct AlignedBuf {
    ptr: NonNull<u8>,
    len: usize,
}

// SAFETY: the buffer owns its allocation exclusively (like a `Box<[u8]>`);
// nothing in it is tied to the thread that allocated it.
unsafe impl Send for AlignedBuf {}

impl AlignedBuf {
    /// A buffer of `len` bytes (rounded up to a multiple of [`ALIGN`], at
    /// least one block), all zero.
    pub fn new(len: usize) -> AlignedBuf {
        let len = len.max(1).div_ceil(ALIGN) * ALIGN;
        let layout = Self::layout(len);
        // SAFETY: the layout has a non-zero size (at least ALIGN bytes).
        let raw = unsafe { std::alloc::alloc_zeroed(layout) };
        let Some(ptr) = NonNull::new(raw) else {
            std::alloc::handle_alloc_error(layout)
        };
        AlignedBuf { ptr, len }
    }

    fn layout(len: usize) -> std::alloc::Layout {
        std::alloc::Layout::from_size_align(len, ALIGN)
            .expect("a buffer size below isize::MAX with a power-of-two alignment")
    }
}

impl Deref for AlignedBuf {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: `ptr` points to `len` initialised (zeroed at allocation)
        // bytes owned by `self`, borrowed here for the lifetime of `&self`.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl DerefMut for AlignedBuf {
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `deref`, and `&mut self` makes the borrow exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for AlignedBuf {
    fn drop(&mut self) {
        // SAFETY: `ptr` was returned by `alloc_zeroed` with exactly this
        // layout and is freed once, here.
        unsafe { std::alloc::dealloc(self.ptr.as_ptr(), Self::layout(self.len)) }
    }
}

/// Turns `O_DIRECT` on or off for the open file `f`. `EINVAL` when the
/// filesystem does not support direct I/O.
pub fn set_direct(f: &File, on: bool) -> io::Result<()> {
    let fd = f.as_raw_fd();
    // SAFETY: fcntl(F_GETFL) reads the status flags of a descriptor that is
    // valid for the call (`f` is borrowed) and touches no memory of ours.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    let want = if on {
        flags | libc::O_DIRECT
    } else {
        flags & !libc::O_DIRECT
    };
    if want == flags {
        return Ok(());
    }
    // SAFETY: as above; F_SETFL takes an integer argument.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, want) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// True when `O_DIRECT` is set on `f`.
pub fn is_direct(f: &File) -> io::Result<bool> {
    // SAFETY: as in `set_direct`.
    let flags = unsafe { libc::fcntl(f.as_raw_fd(), libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(flags & libc::O_DIRECT != 0)
}

/// Tells the kernel `f` will be read sequentially (larger read-ahead).
/// Advice only: a failure changes nothing and is ignored.
pub fn advise_sequential(f: &File) {
    // SAFETY: posix_fadvise takes a valid descriptor (borrowed `f`) and
    // integers, and touches no memory of ours.
    let _ = unsafe { libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_SEQUENTIAL) };
}

/// Takes an exclusive `flock` on `file`, waiting for whoever holds it.
/// Released when the file is closed, also when the process dies.
pub fn lock_exclusive(file: &File) -> io::Result<()> {
    // SAFETY: flock(2) takes a descriptor and a flag and touches no memory
    // of ours; the descriptor is valid for the call because `file` is
    // borrowed. (`File::lock` needs Rust 1.89, above our MSRV.)
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Asks for a 1 MiB buffer on `fd` if it is a pipe. Best effort: with the
/// default 64 KiB the pipe itself, not its reader, limits a `… | fx-seq`
/// pipeline; a failure (not a pipe, over the system's limit) changes nothing.
pub fn enlarge_pipe(fd: std::os::fd::BorrowedFd<'_>) {
    // SAFETY: fcntl(F_SETPIPE_SZ) takes a descriptor (borrowed, so open for
    // the call) and an integer, and touches no memory of ours.
    let _ = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETPIPE_SZ, 1 << 20) };
}

/// CPU time of this process so far, user and system, all threads; `None`
/// where the system does not say.
pub fn cpu_time() -> Option<std::time::Duration> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes one `rusage` into the pointer it is given,
    // which points at a zeroed, properly aligned `rusage` we own.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: getrusage succeeded, so it filled the struct (and it was
    // zeroed before, so every field is initialised either way).
    let u = unsafe { usage.assume_init() };
    let micros = |t: libc::timeval| {
        u64::try_from(t.tv_sec).unwrap_or(0) * 1_000_000 + u64::try_from(t.tv_usec).unwrap_or(0)
    };
    Some(std::time::Duration::from_micros(
        micros(u.ru_utime) + micros(u.ru_stime),
    ))
}

/// Peak resident set size of this process in KiB (Linux `VmHWM`), if known.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_and_peak_rss_are_read() {
        let before = cpu_time().unwrap();
        let mut x = 0u64;
        for i in 0..20_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        assert!(cpu_time().unwrap() > before);
        assert!(peak_rss_kib().unwrap() > 0);
    }

    #[test]
    fn buffers_are_aligned_zeroed_and_rounded_up() {
        for len in [0, 1, ALIGN, ALIGN + 1, 3 << 20] {
            let mut b = AlignedBuf::new(len);
            assert_eq!(b.as_ptr() as usize % ALIGN, 0);
            assert_eq!(b.len() % ALIGN, 0);
            assert!(b.len() >= len.max(1));
            assert!(b.iter().all(|&x| x == 0));
            b[0] = 7;
            let last = b.len() - 1;
            b[last] = 9;
            assert_eq!((b[0], b[last]), (7, 9));
        }
    }

    #[test]
    fn buffers_move_between_threads() {
        let mut b = AlignedBuf::new(ALIGN);
        b[1] = 1;
        let b = std::thread::spawn(move || {
            let mut b = b;
            b[2] = 2;
            b
        })
        .join()
        .expect("thread");
        assert_eq!(&b[..3], &[0, 1, 2]);
    }

    #[test]
    fn direct_flag_toggles_or_is_refused() {
        let d = tempfile::tempdir().expect("tempdir");
        let f = File::create(d.path().join("x")).expect("create");
        advise_sequential(&f);
        match set_direct(&f, true) {
            Ok(()) => {
                assert!(is_direct(&f).expect("flags"));
                set_direct(&f, false).expect("off");
                assert!(!is_direct(&f).expect("flags"));
            }
            // A filesystem without direct I/O: the flag stays off.
            Err(e) => {
                assert_eq!(e.raw_os_error(), Some(libc::EINVAL), "{e}");
                assert!(!is_direct(&f).expect("flags"));
            }
        }
        set_direct(&f, false).expect("off is always possible");
    }

    #[test]
    fn a_lock_is_exclusive_until_its_file_closes() {
        let d = tempfile::tempdir().expect("tempdir");
        let p = d.path().join("lock");
        let open = move || {
            std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(p.clone())
                .expect("open")
        };
        let first = open();
        lock_exclusive(&first).expect("lock");
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn(move || {
            let second = open();
            lock_exclusive(&second).expect("lock");
            tx.send(()).expect("send");
        });
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(rx.try_recv().is_err(), "the second lock did not wait");
        drop(first);
        rx.recv()
            .expect("the second lock is taken once the first is released");
        waiter.join().expect("thread");
    }
}
