//! A C read callback as a [`std::io::Read`], so that `rawcd_creator_add_track_callback` can
//! hand it to the library as an ordinary reader [`Source`](crate::source::Source).

use std::ffi::c_void;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// `rawcd_read_fn`: fills up to `len` bytes at `buf`; returns the count (> 0), 0 at the end,
/// or a negative value on error.
pub type rawcd_read_fn =
    Option<unsafe extern "C" fn(user: *mut c_void, buf: *mut u8, len: usize) -> ReadCount>;

/// `release(user)`: called once when rawcd no longer needs `user`.
pub type rawcd_release_fn = Option<unsafe extern "C" fn(user: *mut c_void)>;

/// C's `intptr_t`: the header names it so (cbindgen.toml renames it).
pub type ReadCount = isize;

/// The caller's `user` pointer and its `release`, called once when the last reader clone is
/// dropped (unless disarmed because the add failed).
pub(crate) struct Release {
    user: *mut c_void,
    release: rawcd_release_fn,
    armed: AtomicBool,
}

// SAFETY: the header's contract for `rawcd_creator_add_track_callback` requires `user`, `read`
// and `release` to be usable from any thread (one thread at a time, which the source's lock and
// `Release`'s single call guarantee).
unsafe impl Send for Release {}
// SAFETY: as for `Send`; `Release` is only read through `&` (the pointer is copied, never
// dereferenced here) and `armed` is atomic.
unsafe impl Sync for Release {}

impl Release {
    pub(crate) fn new(user: *mut c_void, release: rawcd_release_fn) -> Arc<Release> {
        Arc::new(Release {
            user,
            release,
            armed: AtomicBool::new(true),
        })
    }

    /// Makes the drop not call `release` (the add failed: the caller keeps `user`).
    pub(crate) fn disarm(&self) {
        self.armed.store(false, Ordering::Release);
    }
}

impl Drop for Release {
    fn drop(&mut self) {
        if self.armed.load(Ordering::Acquire) {
            if let Some(f) = self.release {
                // SAFETY: `release` is the caller's function for `user`; this is its only call
                // (`Release` is dropped once, after every reader clone is gone).
                unsafe { f(self.user) };
            }
        }
    }
}

/// The reader the library sees.
pub(crate) struct CallbackReader {
    pub(crate) read: unsafe extern "C" fn(*mut c_void, *mut u8, usize) -> ReadCount,
    pub(crate) user: Arc<Release>,
}

impl io::Read for CallbackReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        // SAFETY: `buf` is a valid writable slice of `buf.len()` bytes for the whole call;
        // `read` and `user` are the caller's pair, called from one thread at a time (the
        // library's reader source is behind a lock and read only by the scheduler).
        let n = unsafe { (self.read)(self.user.user, buf.as_mut_ptr(), buf.len()) };
        if n < 0 {
            return Err(io::Error::other(format!("the read callback returned {n}")));
        }
        let n = n as usize;
        if n > buf.len() {
            return Err(io::Error::other(format!(
                "the read callback returned {n}, more than the {} bytes asked for",
                buf.len()
            )));
        }
        Ok(n)
    }
}
