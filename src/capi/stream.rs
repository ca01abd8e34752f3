//! `rawcd_stream`: IMAPI `CreateResultImage`'s stream over [`ResultImage`], read into the
//! caller's buffers, with progress and cancellation from any thread.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use bytes::Bytes;

use crate::pipeline::{ProgressHandle, ResultImage};

use super::disc::rawcd_disc;
use super::handle::{self, Handle, Kind};
use super::options::rawcd_stream_options;
use super::{bytes_out, guard, guard_value, rawcd_status, write_out, Failure};

/// A snapshot of a stream's progress.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct rawcd_progress {
    /// The running IMAPI `LastUsedUserSectorInImage`: the highest LBA ≥ 0 of a track whose
    /// whole sector the caller has received; -151 before the first.
    pub last_used_user_sector: i32,
    /// Whole sectors the caller has received.
    pub sectors_written: u64,
    /// Sectors the stream gives in all.
    pub total_sectors: u64,
    /// Encoded bytes waiting between the encoders and the reader.
    pub buffer_fill_bytes: u64,
    /// The bound on those bytes.
    pub buffer_capacity_bytes: u64,
}

/// CreateResultImage's stream. Opaque.
pub struct rawcd_stream {
    progress: ProgressHandle,
    cancelled: AtomicBool,
    sector_size: usize,
    first_lba: i32,
    /// For the running last used user sector (lead-ins and lead-outs skipped).
    map: crate::layout::DiscMap,
    /// Bytes handed to the caller.
    delivered: AtomicU64,
    state: Mutex<ReadState>,
}

struct ReadState {
    img: ResultImage,
    /// The batch being handed out and the position in it.
    current: Option<(Bytes, usize)>,
    /// The failure that ended the stream; repeated by later reads.
    failed: Option<Failure>,
}

impl Handle for rawcd_stream {
    const KIND: Kind = Kind::Stream;
    const NAME: &'static str = "rawcd_stream";
}

impl rawcd_stream {
    fn cancelled() -> Failure {
        Failure::new(rawcd_status::RAWCD_E_CANCELLED, "the stream was cancelled")
    }

    /// Fills `out` as far as the stream goes; `Ok(0)` at the end. A failure after some bytes
    /// were copied is kept for the next call.
    fn read(&self, out: &mut [u8]) -> Result<usize, Failure> {
        if self.cancelled.load(Ordering::Acquire) {
            return Err(Self::cancelled());
        }
        // A panic while the lock was held is caught at the boundary and leaves the state
        // consistent (each field is updated in one step), so a poisoned lock is still usable.
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(f) = &st.failed {
            return Err(f.clone());
        }
        let mut n = 0;
        while n < out.len() {
            if let Some((b, pos)) = &mut st.current {
                let k = (b.len() - *pos).min(out.len() - n);
                out[n..n + k].copy_from_slice(&b[*pos..*pos + k]);
                *pos += k;
                n += k;
                if *pos == b.len() {
                    st.current = None;
                }
                continue;
            }
            if self.cancelled.load(Ordering::Acquire) {
                break;
            }
            match st.img.next_batch() {
                None => break,
                Some(Ok(b)) => st.current = Some((b.bytes().clone(), 0)),
                Some(Err(e)) => {
                    let f = Failure::from(e);
                    st.failed = Some(f.clone());
                    if n == 0 {
                        return Err(f);
                    }
                    break;
                }
            }
        }
        self.delivered.fetch_add(n as u64, Ordering::AcqRel);
        if n == 0 && !out.is_empty() && self.cancelled.load(Ordering::Acquire) {
            return Err(Self::cancelled());
        }
        Ok(n)
    }

    fn snapshot(&self) -> rawcd_progress {
        let p = self.progress.snapshot();
        let sectors = self.delivered.load(Ordering::Acquire) / self.sector_size as u64;
        let last = i64::from(self.first_lba) + sectors as i64 - 1;
        let luus = if sectors > 0 {
            i32::try_from(last)
                .ok()
                .and_then(|l| self.map.last_user_sector_upto(l))
                .unwrap_or(-151)
        } else {
            -151
        };
        rawcd_progress {
            last_used_user_sector: luus,
            sectors_written: sectors,
            total_sectors: p.total_sectors,
            buffer_fill_bytes: p.buffer_fill,
            buffer_capacity_bytes: p.buffer_capacity,
        }
    }
}

/// IMAPI `CreateResultImage`: starts the encoder threads on the disc and returns the stream in
/// `*out` (sectors from the lead-in start to the end of the lead-out, data sectors scrambled,
/// followed by the disc's result-type subchannel).
///
/// Ownership: the caller owns `*out` (NULL on failure) and frees it with `rawcd_stream_free`.
/// `opts` may be NULL (defaults) and is not kept. The disc may be freed before the stream; the
/// files it reads must stay unchanged until the stream is freed.
/// Threading: any thread; several streams of one disc may run at once (one per thread), except
/// that a track added by callback can be read once.
/// Errors: `RAWCD_E_INVALID_ARGUMENT` (handle, `out`, options), `RAWCD_E_INTERNAL` (a thread
/// cannot start).
///
/// # Safety
/// `opts` is NULL or readable; `out` points to a writable `rawcd_stream *`.
#[no_mangle]
pub unsafe extern "C" fn rawcd_stream_open(
    d: *const rawcd_disc,
    opts: *const rawcd_stream_options,
    out: *mut *mut rawcd_stream,
) -> rawcd_status {
    // SAFETY: the caller's contract is `open_stream`'s.
    unsafe { open_stream(d, None, opts, out) }
}

/// The stream of one session (1-based): that session's lead-in through its lead-out, what a
/// burner writes for it (cd-format §10.7); the same bytes as the whole disc's stream at those
/// sectors. `opts.leadin_start_lba` applies to session 1's lead-in.
///
/// Ownership, threading and errors as `rawcd_stream_open`; also `RAWCD_E_INVALID_ARGUMENT` for
/// no such session.
///
/// # Safety
/// `opts` is NULL or readable; `out` points to a writable `rawcd_stream *`.
#[no_mangle]
pub unsafe extern "C" fn rawcd_stream_open_session(
    d: *const rawcd_disc,
    session: u32,
    opts: *const rawcd_stream_options,
    out: *mut *mut rawcd_stream,
) -> rawcd_status {
    // SAFETY: the caller's contract is `open_stream`'s.
    unsafe { open_stream(d, Some(session), opts, out) }
}

/// Starts the stream of the whole disc (`session` `None`) or of one session into `*out`
/// (NULL on failure): what `rawcd_stream_open` and `rawcd_stream_open_session` do.
///
/// # Safety
/// `opts` is NULL or readable; `out` points to a writable `rawcd_stream *`.
unsafe fn open_stream(
    d: *const rawcd_disc,
    session: Option<u32>,
    opts: *const rawcd_stream_options,
    out: *mut *mut rawcd_stream,
) -> rawcd_status {
    guard(|| {
        // SAFETY: writable by the contract; checked for NULL.
        unsafe { write_out(out, std::ptr::null_mut(), "out") }?;
        // SAFETY: `get` checks the disc is live; not freed during the call.
        let d = unsafe { handle::get(d) }?;
        // SAFETY: NULL or readable by the contract.
        let opts = unsafe { rawcd_stream_options::read(opts) }?;
        let map = d.map_for(&opts, None)?;
        let (img, first_lba) = match session {
            None => (ResultImage::new(&map, opts.pipeline())?, map.leadin_start()),
            Some(n) => {
                let first_lba = map.session(n)?.leadin_lba;
                (
                    ResultImage::new_session(&map, n, opts.pipeline())?,
                    first_lba,
                )
            }
        };
        let s = rawcd_stream {
            progress: img.progress(),
            cancelled: AtomicBool::new(false),
            sector_size: img.form().sector_bytes(),
            first_lba,
            map: map.clone(),
            delivered: AtomicU64::new(0),
            state: Mutex::new(ReadState {
                img,
                current: None,
                failed: None,
            }),
        };
        // SAFETY: as above.
        unsafe { write_out(out, handle::into_raw(s), "out") }
    })
}

/// Bytes per sector of the stream: 2352, 2368 or 2448. 0 for a bad handle.
///
/// Threading: any thread.
///
/// # Safety
/// `s` is a live stream (checked) not freed during the call.
#[no_mangle]
pub unsafe extern "C" fn rawcd_stream_sector_size(s: *const rawcd_stream) -> usize {
    guard_value(0, || {
        // SAFETY: `get` checks the stream is live; not freed during the call.
        Ok(unsafe { handle::get(s) }?.sector_size)
    })
}

/// Reads the next bytes of the stream into `buf`: fills all `len` bytes unless the stream
/// ends; `*written` receives the count, 0 at the end. Any `len` works; whole sectors (e.g. 26 ×
/// `rawcd_stream_sector_size`) are the fast path. The bytes equal the Rust stream's for the
/// same disc and options.
///
/// Errors: `RAWCD_E_CANCELLED` after `rawcd_stream_cancel`; `RAWCD_E_IO` when a source fails
/// (a file shrank, a read callback failed or ended early: the message names the track);
/// `RAWCD_E_INVALID_ARGUMENT` (handle, `buf`, `written`). A failure ends the stream: later reads
/// repeat it. If bytes were copied before a failure, this call succeeds with them and the next
/// one reports the failure. `*written` is 0 on failure.
/// Threading: one thread at a time per stream (calls are serialised); progress and cancel may
/// run on other threads meanwhile.
///
/// # Safety
/// `buf` points to `len` writable bytes; `written` is writable.
#[no_mangle]
pub unsafe extern "C" fn rawcd_stream_read(
    s: *mut rawcd_stream,
    buf: *mut u8,
    len: usize,
    written: *mut usize,
) -> rawcd_status {
    guard(|| {
        // SAFETY: writable by the contract; checked for NULL.
        unsafe { write_out(written, 0, "written") }?;
        // SAFETY: `get` checks the stream is live; not freed during the call. Shared access
        // only: reads are serialised by the stream's lock.
        let s = unsafe { handle::get(s) }?;
        // SAFETY: `len` writable bytes by the contract; checked for NULL.
        let out = unsafe { bytes_out(buf, len, "buf") }?;
        let n = s.read(out)?;
        // SAFETY: as above.
        unsafe { write_out(written, n, "written") }
    })
}

/// A snapshot of the stream's progress into `*out`.
///
/// Threading: any thread, any time, also while another thread is inside `rawcd_stream_read`.
/// Errors: `RAWCD_E_INVALID_ARGUMENT` (handle, `out`).
///
/// # Safety
/// `out` points to a writable `rawcd_progress`.
#[no_mangle]
pub unsafe extern "C" fn rawcd_stream_progress(
    s: *const rawcd_stream,
    out: *mut rawcd_progress,
) -> rawcd_status {
    guard(|| {
        // SAFETY: `get` checks the stream is live; not freed during the call.
        let s = unsafe { handle::get(s) }?;
        // SAFETY: writable by the contract; checked for NULL.
        unsafe { write_out(out, s.snapshot(), "out") }
    })
}

/// Cancels the stream: the encoder threads stop within one batch, a `rawcd_stream_read` in
/// progress returns soon (with the bytes it has, or `RAWCD_E_CANCELLED`), and every later read
/// returns `RAWCD_E_CANCELLED`. NULL or a bad handle is ignored (the last error is set).
///
/// Threading: any thread, also while another thread is inside `rawcd_stream_read`.
///
/// # Safety
/// `s` is a live stream (checked) not freed during the call.
#[no_mangle]
pub unsafe extern "C" fn rawcd_stream_cancel(s: *mut rawcd_stream) {
    guard_value((), || {
        // SAFETY: `get` checks the stream is live; not freed during the call.
        let s = unsafe { handle::get(s) }?;
        s.cancelled.store(true, Ordering::Release);
        s.progress.cancel();
        Ok(())
    })
}

/// Frees the stream: stops and joins every encoder thread. NULL (and a pointer that is not a
/// live stream) is ignored. A read callback running at that moment is waited for.
///
/// Threading: not concurrently with any other call on this stream.
///
/// # Safety
/// `s` is NULL or a stream no other thread is using.
#[no_mangle]
pub unsafe extern "C" fn rawcd_stream_free(s: *mut rawcd_stream) {
    guard_value((), || {
        // SAFETY: the caller does not use `s` concurrently; `free` checks it is live.
        unsafe { handle::free(s) };
        Ok(())
    })
}
