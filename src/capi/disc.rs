//! `rawcd_disc`: the built, immutable layout ([`DiscMap`]) and its IMAPI facts.

use std::ffi::c_char;

use crate::layout::{CopySetting, DiscMap, ImageCreator, LayoutError, LeadIn};
use crate::units::Msf;

use super::handle::{self, Handle, Kind};
use super::options::rawcd_stream_options;
use super::{
    bytes_out, c_sector_type, guard, guard_value, rawcd_sector_type, rawcd_status, write_out,
    Failure, RawFormat, RawSubchannel,
};

/// The built layout of a disc (IMAPI's finished image); immutable, shareable across threads.
/// Opaque.
pub struct rawcd_disc {
    /// The creator as it was at build time (to build the same disc with another lead-in start
    /// or result type).
    creator: ImageCreator,
    /// The layout with the creator's settings.
    pub(crate) map: DiscMap,
}

impl Handle for rawcd_disc {
    const KIND: Kind = Kind::Disc;
    const NAME: &'static str = "rawcd_disc";
}

/// The lead-in start of `rawcd_stream_options` as the layout's setting.
fn leadin_of(lba: i32) -> Result<LeadIn, Failure> {
    match lba {
        -22_650 => Ok(LeadIn::Imapi),
        -150 => Ok(LeadIn::None),
        l => Msf::from_lba(l)
            .filter(|m| m.to_lba() < -150 && m.to_bcd()[0] >= 0x90)
            .map(LeadIn::At)
            .ok_or_else(|| {
                Failure::invalid(format!(
                    "leadin_start_lba {l}: expected -22650, -150 or an LBA of the lead-in (MSF 90:00:00 or later)"
                ))
            }),
    }
}

impl rawcd_disc {
    pub(crate) fn build(c: &ImageCreator) -> Result<rawcd_disc, Failure> {
        Ok(rawcd_disc {
            creator: c.clone(),
            map: c.build()?,
        })
    }

    /// The layout for a stream with these options and (for `rawcd_write_image`) this result
    /// type: the built map when they are the disc's own, else the same creator rebuilt.
    pub(crate) fn map_for(
        &self,
        opts: &rawcd_stream_options,
        sub: Option<crate::layout::SubchannelFormat>,
    ) -> Result<DiscMap, Failure> {
        let leadin = leadin_of(opts.leadin_start_lba)?;
        let sub_same = sub.is_none_or(|s| s == self.map.format());
        if leadin == LeadIn::Imapi && sub_same {
            return Ok(self.map.clone());
        }
        let mut c = self.creator.clone();
        c.set_leadin(leadin);
        if let Some(s) = sub {
            c.set_result_type(s);
        }
        c.build().map_err(|e| match e {
            LayoutError::LeadInStart { .. } => Failure::invalid(e.to_string()),
            e => e.into(),
        })
    }
}

/// Runs `f` on a live disc and returns its value, or `fallback` (with the last error set).
fn with_disc<T>(d: *const rawcd_disc, fallback: T, f: impl FnOnce(&rawcd_disc) -> T) -> T {
    guard_value(fallback, || {
        // SAFETY: `get` checks the disc is live; the caller does not free it during the call.
        let d = unsafe { handle::get(d) }?;
        Ok(f(d))
    })
}

/// IMAPI `IRawCDImageTrackInfo`: the facts of one track of a built disc.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct rawcd_track_info {
    /// `TrackNumber`.
    pub number: u32,
    /// `SectorType`.
    pub sector_type: rawcd_sector_type,
    /// `StartingLba`: LBA of INDEX 01.
    pub start_lba: i32,
    /// `SectorCount`: sectors from INDEX 01 to the next track's first sector or the lead-out.
    pub sector_count: u32,
    /// The Q CTRL nibble as in the TOC (0x4 data, 0x2 copy permitted, 0x1 pre-emphasis, 0x8
    /// four-channel).
    pub control: u8,
    /// `DigitalAudioCopySetting` is "permitted" (1) or not (0).
    pub copy_permitted: u8,
    /// `AudioHasPreemphasis` (1) or not (0).
    pub preemphasis: u8,
    /// `ISRC`, NUL-terminated; "" if none.
    pub isrc: [c_char; 13],
}

/// Frees a disc. NULL (and a pointer that is not a live disc) is ignored. Streams opened on it
/// stay valid (they share the layout).
///
/// Threading: not concurrently with another call on this disc.
///
/// # Safety
/// `d` is NULL or a disc no other thread is using.
#[no_mangle]
pub unsafe extern "C" fn rawcd_disc_free(d: *mut rawcd_disc) {
    guard_value((), || {
        // SAFETY: the caller does not use `d` concurrently; `free` checks it is live.
        unsafe { handle::free(d) };
        Ok(())
    })
}

/// IMAPI `LastUsedUserSectorInImage`: the last LBA that belongs to a track (the lead-out start
/// − 1). `INT32_MIN` for a bad handle.
///
/// Threading (every `rawcd_disc_*` query): any thread, concurrently.
///
/// # Safety
/// `d` is a live disc (checked) not freed during the call.
#[no_mangle]
pub unsafe extern "C" fn rawcd_disc_last_used_user_sector(d: *const rawcd_disc) -> i32 {
    with_disc(d, i32::MIN, |d| d.map.last_used_user_sector())
}

/// IMAPI `StartOfLeadout`: the LBA of the lead-out's first sector. `INT32_MIN` for a bad
/// handle.
///
/// # Safety
/// `d` is a live disc (checked) not freed during the call.
#[no_mangle]
pub unsafe extern "C" fn rawcd_disc_start_of_leadout(d: *const rawcd_disc) -> i32 {
    with_disc(d, i32::MIN, |d| d.map.start_of_leadout())
}

/// The number of the first track. 0 for a bad handle.
///
/// # Safety
/// `d` is a live disc (checked) not freed during the call.
#[no_mangle]
pub unsafe extern "C" fn rawcd_disc_first_track(d: *const rawcd_disc) -> u32 {
    with_disc(d, 0, |d| {
        d.map.tracks().first().map_or(0, |t| u32::from(t.number))
    })
}

/// The number of the last track. 0 for a bad handle.
///
/// # Safety
/// `d` is a live disc (checked) not freed during the call.
#[no_mangle]
pub unsafe extern "C" fn rawcd_disc_last_track(d: *const rawcd_disc) -> u32 {
    with_disc(d, 0, |d| {
        d.map.tracks().last().map_or(0, |t| u32::from(t.number))
    })
}

/// IMAPI `get_TrackInfo`: the facts of track `track` (its number, first..last) into `*out`.
///
/// Errors: `RAWCD_E_INVALID_ARGUMENT` (handle, `out`, no such track).
///
/// # Safety
/// `out` points to a writable `rawcd_track_info`.
#[no_mangle]
pub unsafe extern "C" fn rawcd_disc_track_info(
    d: *const rawcd_disc,
    track: u32,
    out: *mut rawcd_track_info,
) -> rawcd_status {
    guard(|| {
        // SAFETY: `get` checks the disc is live; not freed during the call.
        let d = unsafe { handle::get(d) }?;
        let t = d
            .map
            .tracks()
            .iter()
            .find(|t| u32::from(t.number) == track)
            .ok_or_else(|| Failure::from(LayoutError::NoSuchTrack { track }))?;
        let mut isrc = [0 as c_char; 13];
        if let Some(i) = &t.isrc {
            for (d, s) in isrc.iter_mut().zip(i.to_string().bytes().take(12)) {
                *d = s as c_char;
            }
        }
        let info = rawcd_track_info {
            number: u32::from(t.number),
            sector_type: c_sector_type(t.ty),
            start_lba: t.index01,
            sector_count: t.sector_count,
            control: t.ctrl,
            copy_permitted: u8::from(t.copy == CopySetting::Permitted),
            preemphasis: u8::from(t.preemphasis),
            isrc,
        };
        // SAFETY: writable by the contract; checked for NULL and alignment.
        unsafe { write_out(out, info, "out") }
    })
}

/// IMAPI `ExpectedTableOfContents`: SCSI READ TOC format 0 (LBA form) bytes into `buf`.
///
/// `*len_out` always receives the TOC's length; when `cap` is smaller nothing is copied and
/// the result is `RAWCD_E_INVALID_ARGUMENT` (call with `buf` NULL and `cap` 0 to ask the size).
///
/// # Safety
/// `buf` points to `cap` writable bytes (or is NULL with `cap` 0); `len_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn rawcd_disc_expected_toc(
    d: *const rawcd_disc,
    buf: *mut u8,
    cap: usize,
    len_out: *mut usize,
) -> rawcd_status {
    guard(|| {
        // SAFETY: `get` checks the disc is live; not freed during the call.
        let d = unsafe { handle::get(d) }?;
        let toc = d.map.expected_toc();
        // SAFETY: writable by the contract; checked for NULL.
        unsafe { write_out(len_out, toc.len(), "len_out") }?;
        if cap < toc.len() {
            return Err(Failure::invalid(format!(
                "the TOC has {} bytes; the buffer holds {cap}",
                toc.len()
            )));
        }
        // SAFETY: `cap` writable bytes by the contract; checked for NULL.
        let out = unsafe { bytes_out(buf, cap, "buf") }?;
        out[..toc.len()].copy_from_slice(&toc);
        Ok(())
    })
}

/// Writes the disc as `rawcd image` does: `RAWCD_FORMAT_BIN` → `PREFIX.bin` + `PREFIX.cue`,
/// `RAWCD_FORMAT_CLONECD` → `PREFIX.img` + `PREFIX.ccd` + `PREFIX.sub`, `RAWCD_FORMAT_RAW` →
/// `PREFIX.raw` (the stream, with subchannel `sub` and the options' lead-in start),
/// `RAWCD_FORMAT_CDRDAO` → `PREFIX.bin` + `PREFIX.toc`. The files are identical to `rawcd
/// image`'s for the same disc and settings: both call the library's one set writer
/// (`rawcd::sink::set::write_set`). Every file of the set is written under a name nobody sees
/// and all are named together at the end; a failure leaves no file behind.
///
/// Ownership: nothing kept; `opts` may be NULL (defaults). Blocks until done.
/// Errors: `RAWCD_E_INVALID_ARGUMENT` (handle, prefix, format, subchannel, options),
/// `RAWCD_E_IO` (a file cannot be written; a source fails), `RAWCD_E_BAD_INPUT`.
/// Threading: any thread; concurrently with streams of the same disc.
///
/// # Safety
/// `out_prefix` is a NUL-terminated string; `opts` is NULL or readable.
#[no_mangle]
pub unsafe extern "C" fn rawcd_write_image(
    d: *const rawcd_disc,
    out_prefix: *const c_char,
    format: RawFormat,
    sub: RawSubchannel,
    opts: *const rawcd_stream_options,
) -> rawcd_status {
    guard(|| {
        // SAFETY: `get` checks the disc is live; not freed during the call.
        let d = unsafe { handle::get(d) }?;
        // SAFETY: NUL-terminated by the contract; checked for NULL.
        let prefix = unsafe { super::path_arg(out_prefix, "out_prefix") }?;
        // SAFETY: NULL or readable by the contract.
        let opts = unsafe { rawcd_stream_options::read(opts) }?;
        let sub = super::subchannel(sub)?;
        let format = super::image::format_from_c(format)?;
        let map = d.map_for(&opts, Some(sub))?;
        super::image::write_image(&map, &prefix, format, opts.pipeline())
    })
}
