//! liboqs' randomness, redirected to a [`Drbg`].
//!
//! liboqs draws every random byte (key generation, encapsulation, Falcon
//! signing) through `OQS_randombytes`, whose source is process-global:
//! `OQS_randombytes_custom_algorithm` installs a callback. [`with_stream`]
//! holds one lock for the whole liboqs call, installs the object's stream,
//! runs the call and takes the stream back, so each object's bytes depend
//! only on its own seed whatever other threads do. A draw with no stream
//! installed (a liboqs call outside [`with_stream`]) gets zeros and is
//! reported, so it can never pass silently for randomness.
//!
//! The one `unsafe` of the crate is here: the callback receives a raw
//! pointer and length from C.
#![allow(unsafe_code)]

use std::sync::{Mutex, MutexGuard, Once, PoisonError};

use crate::drbg::Drbg;

/// The stream liboqs draws from while a call runs.
static STREAM: Mutex<Option<Drbg>> = Mutex::new(None);
/// Serialises liboqs calls (the callback is global).
static LIBOQS: Mutex<()> = Mutex::new(());
/// Draws made with no stream installed.
static UNSEEDED: Mutex<u64> = Mutex::new(0);
static INSTALL: Once = Once::new();

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The callback liboqs calls for random bytes.
unsafe extern "C" fn fill(out: *mut u8, len: usize) {
    if out.is_null() || len == 0 {
        return;
    }
    // SAFETY: liboqs passes a writable buffer of `len` bytes that lives for
    // the duration of this call.
    let buf = unsafe { std::slice::from_raw_parts_mut(out, len) };
    match lock(&STREAM).as_mut() {
        Some(d) => d.fill(buf),
        None => {
            buf.fill(0);
            *lock(&UNSEEDED) += 1;
        }
    }
}

/// Runs `f` (which calls liboqs) with liboqs drawing from `drbg`; returns
/// `f`'s result and the stream (advanced by what liboqs drew). `Err` when
/// liboqs drew while no stream was installed.
pub fn with_stream<T>(drbg: Drbg, f: impl FnOnce() -> T) -> Result<(T, Drbg), String> {
    let _serial = lock(&LIBOQS);
    INSTALL.call_once(|| {
        oqs::init();
        // SAFETY: `fill` has the signature liboqs expects and is valid for
        // the life of the process.
        unsafe { oqs_sys::rand::OQS_randombytes_custom_algorithm(Some(fill)) };
    });
    let before = *lock(&UNSEEDED);
    *lock(&STREAM) = Some(drbg);
    let out = f();
    let drbg = lock(&STREAM).take();
    if *lock(&UNSEEDED) != before {
        return Err("liboqs drew randomness outside a seeded stream".into());
    }
    drbg.map(|d| (out, d))
        .ok_or_else(|| "the seeded stream disappeared during a liboqs call".into())
}
