//! The C ABI (interface.md §3): `extern "C"` functions over [`ImageCreator`], [`DiscMap`] and
//! [`ResultImage`], for burning software written in C and C++. Built with the `capi` feature;
//! `include/rawcd.h` is generated from this module by cbindgen (`cbindgen.toml`).
//!
//! This module is a boundary like the CLI: it sits on top of the library, owns the crate's FFI
//! `unsafe` (every block has a `// SAFETY:` line), and the library below never knows it
//! exists. Its rules:
//!
//! * Every entry point runs inside `guard`: a panic becomes `RAWCD_E_INTERNAL` with its
//!   message in `rawcd_last_error()`; nothing unwinds into C.
//! * Handles are checked against a registry of live handles of their kind (`handle.rs`): NULL, a
//!   freed handle or a handle of another kind gives `RAWCD_E_INVALID_ARGUMENT`, never a crash.
//! * Enum arguments arrive as plain integers (C may pass any value) and are converted with a
//!   check; an unknown value is `RAWCD_E_INVALID_ARGUMENT`.
//! * The last error message is thread-local.
//!
//! [`ImageCreator`]: crate::layout::ImageCreator
//! [`DiscMap`]: crate::layout::DiscMap
//! [`ResultImage`]: crate::pipeline::ResultImage
// Names follow the C header (interface.md §3 fixes them), not Rust's conventions.
#![allow(non_camel_case_types)]

mod callback;
mod codec;
mod creator;
mod disc;
mod handle;
mod image;
mod options;
mod stream;

pub use callback::{rawcd_read_fn, rawcd_release_fn, ReadCount};
pub use codec::{rawcd_edc, rawcd_encode_sector, rawcd_scramble};
pub use creator::*;
pub use disc::*;
pub use stream::*;

use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::codec::SectorType;
use crate::error::Error;
use crate::layout::{LayoutError, SubchannelFormat};
use crate::pipeline::PipelineError;

/// The version of this ABI: raised when a signature or a struct layout changes.
pub const RAWCD_ABI_VERSION: u32 = 1;

/// The result of every function that can fail.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum rawcd_status {
    /// Success.
    RAWCD_OK = 0,
    /// A NULL, freed or wrong-kind handle or pointer, an unknown enum value, a buffer too
    /// small, a track number that does not exist.
    RAWCD_E_INVALID_ARGUMENT = 1,
    /// The disc breaks a layout rule, or a text (MCN, ISRC, CD-Text) or payload is malformed.
    RAWCD_E_BAD_INPUT = 2,
    /// A file could not be opened, read or written; a read callback failed or ended early.
    RAWCD_E_IO = 3,
    /// The call is not allowed in the object's current state (e.g. a setting that must come
    /// before the first track).
    RAWCD_E_STATE = 4,
    /// The stream was cancelled with `rawcd_stream_cancel`.
    RAWCD_E_CANCELLED = 5,
    /// A bug in rawcd (a caught panic, a failed worker thread); the message says what.
    RAWCD_E_INTERNAL = 6,
}

/// IMAPI `IMAPI_CD_SECTOR_TYPE`, with its numeric values. Functions take it as a plain integer
/// and check it (a value outside 0..=9 gives `RAWCD_E_INVALID_ARGUMENT`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum rawcd_sector_type {
    /// CD-DA: 2352 bytes of 16-bit stereo PCM per sector.
    RAWCD_SECTOR_AUDIO = 0,
    /// Mode 0: 2336 zero bytes per sector.
    RAWCD_SECTOR_MODE_ZERO = 1,
    /// Mode 1: 2048 bytes of user data per sector.
    RAWCD_SECTOR_MODE1 = 2,
    /// Mode 2 formless: 2336 bytes per sector.
    RAWCD_SECTOR_MODE2FORM0 = 3,
    /// Mode 2 Form 1: 2048 bytes per sector.
    RAWCD_SECTOR_MODE2FORM1 = 4,
    /// Mode 2 Form 2: 2336 bytes per sector.
    RAWCD_SECTOR_MODE2FORM2 = 5,
    /// Mode 1, 2352 scrambled bytes per sector, passed through.
    RAWCD_SECTOR_MODE1RAW = 6,
    /// Mode 2 formless, 2352 scrambled bytes per sector, passed through.
    RAWCD_SECTOR_MODE2FORM0RAW = 7,
    /// Mode 2 Form 1, 2352 scrambled bytes per sector, passed through.
    RAWCD_SECTOR_MODE2FORM1RAW = 8,
    /// Mode 2 Form 2, 2352 scrambled bytes per sector, passed through.
    RAWCD_SECTOR_MODE2FORM2RAW = 9,
}

/// IMAPI `ResultingImageType`: the subchannel after each 2352-byte sector of a stream. Taken
/// as a plain integer and checked.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum rawcd_subchannel {
    /// Main channel only: 2352 bytes per sector.
    RAWCD_SUB_NONE = 0,
    /// 16-byte PQ: 2368 bytes per sector.
    RAWCD_SUB_PQ16 = 1,
    /// Packed (cooked) P–W: 2448 bytes per sector.
    RAWCD_SUB_PACKED96 = 2,
    /// Raw interleaved P–W: 2448 bytes per sector (the default).
    RAWCD_SUB_RAW96 = 3,
}

/// The file set `rawcd_write_image` writes (as `rawcd image --format`). Taken as a plain
/// integer and checked.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum rawcd_format {
    /// `PREFIX.bin` + `PREFIX.cue`.
    RAWCD_FORMAT_BIN = 0,
    /// `PREFIX.img` + `PREFIX.ccd` + `PREFIX.sub` (CloneCD).
    RAWCD_FORMAT_CLONECD = 1,
    /// `PREFIX.raw`: the drive stream, as `rawcd_stream_read` gives it.
    RAWCD_FORMAT_RAW = 2,
    /// `PREFIX.bin` + `PREFIX.toc`: a cdrdao TOC file over the bin (`rawcd image --format
    /// cdrdao`).
    RAWCD_FORMAT_CDRDAO = 3,
}

/// A `rawcd_sector_type` as C passes it (any integer; checked on use).
pub type RawSectorType = u32;
/// A `rawcd_subchannel` as C passes it (any integer; checked on use).
pub type RawSubchannel = u32;
/// A `rawcd_format` as C passes it (any integer; checked on use).
pub type RawFormat = u32;

/// A failure on its way to C: the status and the message for `rawcd_last_error()`.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub(crate) status: rawcd_status,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(status: rawcd_status, message: impl Into<String>) -> Failure {
        Failure {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Failure {
        Failure::new(rawcd_status::RAWCD_E_INVALID_ARGUMENT, message)
    }
}

impl From<LayoutError> for Failure {
    fn from(e: LayoutError) -> Failure {
        let status = match e {
            LayoutError::SetBeforeTracks { .. }
            | LayoutError::SpecialPregapAfterTracks
            | LayoutError::SpecialPregapTwice => rawcd_status::RAWCD_E_STATE,
            LayoutError::NoSuchTrack { .. } => rawcd_status::RAWCD_E_INVALID_ARGUMENT,
            _ => rawcd_status::RAWCD_E_BAD_INPUT,
        };
        Failure::new(status, e.to_string())
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        let status = match &e {
            Error::Layout(l) => return Failure::from(l.clone()),
            Error::Codec(_) => rawcd_status::RAWCD_E_BAD_INPUT,
            Error::Io { .. } | Error::Output { .. } => rawcd_status::RAWCD_E_IO,
            Error::Pipeline(PipelineError::Cancelled) => rawcd_status::RAWCD_E_CANCELLED,
            Error::Pipeline(PipelineError::Options(_)) => rawcd_status::RAWCD_E_INVALID_ARGUMENT,
            _ => rawcd_status::RAWCD_E_INTERNAL,
        };
        Failure::new(status, e.to_string())
    }
}

impl From<crate::codec::CodecError> for Failure {
    fn from(e: crate::codec::CodecError) -> Failure {
        Failure::new(rawcd_status::RAWCD_E_BAD_INPUT, e.to_string())
    }
}

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Stores `message` as this thread's last error (interior NULs become spaces).
pub(crate) fn set_last_error(message: &str) {
    let c = CString::new(message.replace('\0', " ")).unwrap_or_default();
    LAST_ERROR.with(|e| *e.borrow_mut() = c);
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    let m = p
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into());
    format!("internal error (panic): {m}")
}

/// Runs `f` at the boundary: its failure or panic becomes a status and this thread's last
/// error.
pub(crate) fn guard(f: impl FnOnce() -> Result<(), Failure>) -> rawcd_status {
    let r = catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| {
        Err(Failure::new(
            rawcd_status::RAWCD_E_INTERNAL,
            panic_message(&*p),
        ))
    });
    match r {
        Ok(()) => rawcd_status::RAWCD_OK,
        Err(f) => {
            set_last_error(&f.message);
            f.status
        }
    }
}

/// Runs `f` at the boundary for a function that returns a value instead of a status: a
/// failure or panic sets the last error and gives `fallback`.
pub(crate) fn guard_value<T>(fallback: T, f: impl FnOnce() -> Result<T, Failure>) -> T {
    let r = catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| {
        Err(Failure::new(
            rawcd_status::RAWCD_E_INTERNAL,
            panic_message(&*p),
        ))
    });
    match r {
        Ok(v) => v,
        Err(f) => {
            set_last_error(&f.message);
            fallback
        }
    }
}

/// The smallest address a real object can have: pointers below it are NULL-like.
const LOW_ADDRESS: usize = 4096;

/// Checks a caller's data pointer: not NULL-like, aligned for `T`.
pub(crate) fn check_ptr<T>(p: *const T, what: &str) -> Result<(), Failure> {
    if (p as usize) < LOW_ADDRESS || (p as usize) % std::mem::align_of::<T>() != 0 {
        return Err(Failure::invalid(format!(
            "{what} is NULL or not a valid pointer"
        )));
    }
    Ok(())
}

/// The caller's `len` bytes at `p` as a slice.
///
/// # Safety
/// When `p` passes [`check_ptr`], the caller of the C function promised `len` readable bytes
/// at `p` that nothing writes during the call.
pub(crate) unsafe fn bytes_in<'a>(
    p: *const u8,
    len: usize,
    what: &str,
) -> Result<&'a [u8], Failure> {
    check_ptr(p, what)?;
    if len > isize::MAX as usize {
        return Err(Failure::invalid(format!("{what}: length {len} too large")));
    }
    // SAFETY: `p` is non-NULL (checked) and, by this function's contract, points to `len`
    // readable bytes not written during the call; `len` fits an isize (checked).
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// The caller's `len` writable bytes at `p` as a slice.
///
/// # Safety
/// When `p` passes [`check_ptr`], the caller of the C function promised `len` writable bytes
/// at `p` that nothing else touches during the call.
pub(crate) unsafe fn bytes_out<'a>(
    p: *mut u8,
    len: usize,
    what: &str,
) -> Result<&'a mut [u8], Failure> {
    check_ptr(p, what)?;
    if len > isize::MAX as usize {
        return Err(Failure::invalid(format!("{what}: length {len} too large")));
    }
    // SAFETY: `p` is non-NULL (checked) and, by this function's contract, points to `len`
    // writable bytes that nothing else accesses during the call; `len` fits an isize.
    Ok(unsafe { std::slice::from_raw_parts_mut(p, len) })
}

/// A NUL-terminated UTF-8 string from C.
///
/// # Safety
/// When `p` passes [`check_ptr`], it points to a NUL-terminated string that stays unchanged
/// during the call.
pub(crate) unsafe fn str_in<'a>(p: *const c_char, what: &str) -> Result<&'a str, Failure> {
    check_ptr(p, what)?;
    // SAFETY: non-NULL (checked); NUL-terminated and stable by this function's contract.
    let c = unsafe { CStr::from_ptr(p) };
    c.to_str()
        .map_err(|_| Failure::invalid(format!("{what} is not UTF-8")))
}

/// Writes `v` through the caller's out-pointer.
///
/// # Safety
/// When `p` passes [`check_ptr`], it points to a writable `T`.
pub(crate) unsafe fn write_out<T>(p: *mut T, v: T, what: &str) -> Result<(), Failure> {
    check_ptr(p, what)?;
    // SAFETY: non-NULL and aligned (checked); writable by this function's contract. `write`
    // does not drop the old value (C memory holds plain data).
    unsafe { p.write(v) };
    Ok(())
}

pub(crate) fn sector_type(v: RawSectorType) -> Result<SectorType, Failure> {
    u8::try_from(v)
        .ok()
        .and_then(SectorType::from_imapi)
        .ok_or_else(|| Failure::invalid(format!("sector type {v} is not one of 0..=9")))
}

pub(crate) fn subchannel(v: RawSubchannel) -> Result<SubchannelFormat, Failure> {
    Ok(match v {
        0 => SubchannelFormat::None,
        1 => SubchannelFormat::Pq16,
        2 => SubchannelFormat::Packed96,
        3 => SubchannelFormat::Raw96,
        _ => {
            return Err(Failure::invalid(format!(
                "subchannel {v} is not one of 0..=3"
            )))
        }
    })
}

pub(crate) fn c_sector_type(t: SectorType) -> rawcd_sector_type {
    use rawcd_sector_type::*;
    match t {
        SectorType::Audio => RAWCD_SECTOR_AUDIO,
        SectorType::Mode0 => RAWCD_SECTOR_MODE_ZERO,
        SectorType::Mode1 => RAWCD_SECTOR_MODE1,
        SectorType::Mode2Form0 => RAWCD_SECTOR_MODE2FORM0,
        SectorType::Mode2Form1 => RAWCD_SECTOR_MODE2FORM1,
        SectorType::Mode2Form2 => RAWCD_SECTOR_MODE2FORM2,
        SectorType::Mode1Raw => RAWCD_SECTOR_MODE1RAW,
        SectorType::Mode2Form0Raw => RAWCD_SECTOR_MODE2FORM0RAW,
        SectorType::Mode2Form1Raw => RAWCD_SECTOR_MODE2FORM1RAW,
        SectorType::Mode2Form2Raw => RAWCD_SECTOR_MODE2FORM2RAW,
    }
}

/// The ABI version, `RAWCD_ABI_VERSION` (1).
///
/// Threading: any thread. Never fails.
#[no_mangle]
pub extern "C" fn rawcd_abi_version() -> u32 {
    RAWCD_ABI_VERSION
}

/// The crate version as a static NUL-terminated string (e.g. "0.1.0"); never free it.
///
/// Threading: any thread. Never fails.
#[no_mangle]
pub extern "C" fn rawcd_version() -> *const c_char {
    static VERSION: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => c"unknown",
        };
    VERSION.as_ptr()
}

/// The message of the last failure in the calling thread, as a NUL-terminated UTF-8 string
/// ("" when this thread has had no failure). Successful calls leave it unchanged.
///
/// Ownership: owned by rawcd; valid until this thread's next rawcd call; never free it.
/// Threading: each thread has its own message.
#[no_mangle]
pub extern "C" fn rawcd_last_error() -> *const c_char {
    catch_unwind(|| LAST_ERROR.with(|e| e.borrow().as_ptr())).unwrap_or(c"".as_ptr())
}

/// A path from C: a NUL-terminated string, any bytes on Unix (UTF-8 elsewhere).
///
/// # Safety
/// When `p` is not NULL-like, it points to a NUL-terminated string that stays unchanged during
/// the call.
pub(crate) unsafe fn path_arg(p: *const c_char, what: &str) -> Result<std::path::PathBuf, Failure> {
    check_ptr(p, what)?;
    // SAFETY: non-NULL (checked); NUL-terminated and stable by the caller's contract.
    let b = unsafe { std::ffi::CStr::from_ptr(p) }.to_bytes();
    if b.is_empty() {
        return Err(Failure::invalid(format!("{what} is empty")));
    }
    Ok(path_in(b))
}

#[cfg(unix)]
fn path_in(b: &[u8]) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(b).into()
}

#[cfg(not(unix))]
fn path_in(b: &[u8]) -> std::path::PathBuf {
    String::from_utf8_lossy(b).into_owned().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last_error() -> String {
        // SAFETY: rawcd_last_error returns a valid NUL-terminated string.
        unsafe { CStr::from_ptr(rawcd_last_error()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn a_panic_becomes_internal_with_its_message() {
        let st = guard(|| panic!("boom {}", 42));
        assert_eq!(st, rawcd_status::RAWCD_E_INTERNAL);
        assert_eq!(last_error(), "internal error (panic): boom 42");
        assert_eq!(guard_value(7u32, || panic!("static")), 7);
        assert_eq!(last_error(), "internal error (panic): static");
    }

    #[test]
    fn last_error_is_per_thread() {
        let _ = guard(|| Err(Failure::invalid("here")));
        std::thread::spawn(|| {
            assert_eq!(last_error(), "");
            let _ = guard(|| Err(Failure::invalid("there")));
            assert_eq!(last_error(), "there");
        })
        .join()
        .unwrap();
        assert_eq!(last_error(), "here");
    }

    #[test]
    fn handles_are_shareable_across_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<rawcd_disc>();
        shared::<rawcd_stream>();
        shared::<rawcd_creator>();
    }

    #[test]
    fn enum_values_match_the_interface() {
        assert_eq!(rawcd_status::RAWCD_E_INTERNAL as u32, 6);
        assert_eq!(rawcd_sector_type::RAWCD_SECTOR_MODE2FORM2RAW as u32, 9);
        for v in 0..10u32 {
            let t = sector_type(v).unwrap();
            assert_eq!(c_sector_type(t) as u32, v);
        }
        assert!(sector_type(42).is_err());
        assert_eq!(subchannel(3).unwrap(), SubchannelFormat::Raw96);
        assert!(subchannel(4).is_err());
    }
}
