//! `rawcd_creator`: IMAPI2's `IRawCDImageCreator` over [`ImageCreator`].

use std::ffi::{c_char, c_int, c_void};
use std::path::Path;

use crate::formats::audio;
use crate::formats::cdt::read_cdt;
use crate::layout::{CopySetting, ImageCreator};
use crate::source::Source;

use super::callback::{rawcd_read_fn, rawcd_release_fn, CallbackReader, Release};
use super::disc::rawcd_disc;
use super::handle::{self, Handle, Kind};
use super::{
    bytes_in, check_ptr, guard, guard_value, rawcd_status, sector_type, str_in, subchannel,
    write_out, Failure, RawSectorType, RawSubchannel,
};

/// IMAPI `IRawCDImageCreator`: the builder of one session's disc. Opaque.
pub struct rawcd_creator {
    pub(crate) c: ImageCreator,
}

impl Handle for rawcd_creator {
    const KIND: Kind = Kind::Creator;
    const NAME: &'static str = "rawcd_creator";
}

/// Runs `f` on a live creator.
fn with_creator(
    c: *mut rawcd_creator,
    f: impl FnOnce(&mut ImageCreator) -> Result<(), Failure>,
) -> rawcd_status {
    guard(|| {
        // SAFETY: the header requires that no other call uses this creator concurrently and
        // that it is not freed during the call; `get_mut` checks it is a live creator.
        let c = unsafe { handle::get_mut(c) }?;
        f(&mut c.c)
    })
}

/// Writes the new track's number through `track_out`, checked by [`check_ptr`] before the
/// track was added (so a NULL `track_out` fails the call without adding anything).
///
/// # Safety
/// `track_out` points to a writable `uint32_t`.
unsafe fn put_track(track_out: *mut u32, n: u8) -> Result<(), Failure> {
    // SAFETY: writable by the function's contract; checked again for NULL and alignment.
    unsafe { write_out(track_out, u32::from(n), "track_out") }
}

/// A new, empty creator with IMAPI's defaults: raw P–W result type (`RAWCD_SUB_RAW96`), gaps
/// between audio tracks, track numbers from 1, lead-out limit 398099.
///
/// Ownership: the caller owns the result and frees it with `rawcd_creator_free`.
/// Returns NULL only if a panic was caught (see `rawcd_last_error`).
#[no_mangle]
pub extern "C" fn rawcd_creator_new() -> *mut rawcd_creator {
    guard_value(std::ptr::null_mut(), || {
        Ok(handle::into_raw(rawcd_creator {
            c: ImageCreator::new(),
        }))
    })
}

/// Frees a creator. NULL (and a pointer that is not a live creator) is ignored. Discs built
/// from it stay valid; tracks added by callback release their `user` once the creator and
/// every disc and stream using them are freed.
///
/// Threading: not concurrently with any other call on this creator.
///
/// # Safety
/// `c` is NULL or a creator not in use by another thread.
#[no_mangle]
pub unsafe extern "C" fn rawcd_creator_free(c: *mut rawcd_creator) {
    guard_value((), || {
        // SAFETY: the caller does not use `c` concurrently; `free` checks it is live.
        unsafe { handle::free(c) };
        Ok(())
    })
}

/// IMAPI `ResultingImageType`: the subchannel of the streams of discs built later
/// (default `RAWCD_SUB_RAW96`).
///
/// Errors: `RAWCD_E_INVALID_ARGUMENT` for a bad handle or a value outside 0..=3.
/// Threading (every `rawcd_creator_*` function): one thread at a time per creator.
///
/// # Safety
/// `c` is a live creator (checked) not used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn rawcd_creator_set_result_type(
    c: *mut rawcd_creator,
    sub: RawSubchannel,
) -> rawcd_status {
    with_creator(c, |c| {
        c.set_result_type(subchannel(sub)?);
        Ok(())
    })
}

/// Opens a track's file (memory-mapped), with the CLI's words for the usual failures.
fn open_file(path: &Path) -> Result<Source, Failure> {
    let io = |why: String| {
        Failure::new(
            rawcd_status::RAWCD_E_IO,
            format!("{}: {why}", path.display()),
        )
    };
    if path.is_dir() {
        return Err(io("is a directory".into()));
    }
    Source::open(path).map_err(|e| {
        io(match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".into(),
            std::io::ErrorKind::PermissionDenied => "permission denied".into(),
            _ => e.to_string(),
        })
    })
}

/// The audio container `bytes` start with (WAV, FLAC, AIFF, MP4, Ogg, MP3), if any.
fn audio_container(bytes: &[u8]) -> Option<audio::Container> {
    let head = &bytes[..bytes.len().min(1 << 16)];
    match audio::sniff(head)? {
        audio::Container::Mpeg if !audio::sniff::is_likely_mp3(head) => None,
        c => Some(c),
    }
}

/// IMAPI `AddTrack` from a file: the file's bytes are the track's sectors (IMAPI per-type
/// sizes: 2352 audio, 2048 Mode 1 / Mode 2 Form 1, 2336 Mode 0 / Form 0 / Form 2, 2352 raw
/// types; an audio file's last partial sector is padded with silence, a data file must be whole
/// sectors). Plain bytes: no header is parsed, so a file that starts like an audio container
/// (RIFF/WAVE, `fLaC`, FORM/AIFF, MP4 `ftyp`, `OggS`, an ID3 tag or MP3 frames) is refused with
/// `RAWCD_E_BAD_INPUT` naming `rawcd_creator_add_track_audio_file`, which decodes it. Gaps
/// follow the automatic rules.
///
/// Ownership: `path` (NUL-terminated; UTF-8) is not kept; the file is memory-mapped (or read)
/// and stays in use until the creator and every disc and stream using it are freed. It must not
/// change meanwhile. `track_out` (not NULL) receives the new track's number.
/// Errors: `RAWCD_E_INVALID_ARGUMENT` (handle, path, type, `track_out` NULL: nothing added),
/// `RAWCD_E_IO` (cannot open or read the file), `RAWCD_E_BAD_INPUT` (an audio container, partial data sector, 100th track, data
/// track with a starting track number other than 1).
///
/// # Safety
/// `path` is a NUL-terminated string; `track_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn rawcd_creator_add_track_file(
    c: *mut rawcd_creator,
    ty: RawSectorType,
    path: *const c_char,
    track_out: *mut u32,
) -> rawcd_status {
    with_creator(c, |c| {
        check_ptr(track_out, "track_out")?;
        let ty = sector_type(ty)?;
        // SAFETY: NUL-terminated by the contract; checked for NULL.
        let path = unsafe { super::path_arg(path, "path") }?;
        let src = open_file(&path)?;
        if let Some(k) = src.bytes().and_then(|b| audio_container(b)) {
            return Err(Failure::new(
                rawcd_status::RAWCD_E_BAD_INPUT,
                format!(
                    "{} is a {} file, not raw sector bytes: add it with rawcd_creator_add_track_audio_file",
                    path.display(),
                    k.name()
                ),
            ));
        }
        let n = c.add_track(ty, src)?;
        // SAFETY: writable by the contract; checked for NULL first.
        unsafe { put_track(track_out, n) }
    })
}

/// The CD audio (16-bit stereo 44.1 kHz PCM) of an audio file: a CD-layout WAV's samples in
/// place (memory-mapped); with the `audio` feature any file rawcd decodes.
fn audio_source(path: &Path) -> Result<Source, Failure> {
    let bad = |m: String| {
        Failure::new(
            rawcd_status::RAWCD_E_BAD_INPUT,
            format!("{}: {m}", path.display()),
        )
    };
    let src = open_file(path)?;
    let bytes = src.bytes().cloned().unwrap_or_default();
    let container = audio_container(&bytes);
    if container == Some(audio::Container::Wav) {
        match audio::wav::parse_wav(&bytes) {
            Ok(w) => {
                return src
                    .slice(w.data_offset, w.data_len)
                    .map_err(|e| bad(e.to_string()))
            }
            #[cfg(feature = "audio")]
            Err(e) if e.is_other_layout() => {}
            Err(e) => return Err(bad(e.to_string())),
        }
    }
    #[cfg(feature = "audio")]
    {
        let _ = container;
        let opts = audio::AudioOptions {
            tags: false,
            ..Default::default()
        };
        let (_, src) = audio::open_track(path, &opts).map_err(|e| {
            let status = match &e {
                audio::AudioError::Io { .. } => rawcd_status::RAWCD_E_IO,
                _ => rawcd_status::RAWCD_E_BAD_INPUT,
            };
            Failure::new(status, e.to_string())
        })?;
        Ok(src)
    }
    #[cfg(not(feature = "audio"))]
    Err(bad(match container {
        Some(k) => format!(
            "{} audio needs rawcd built with the audio feature (this build reads WAV only)",
            k.name()
        ),
        None => "not a WAV file (this build reads WAV only; the audio feature adds FLAC, AIFF, ALAC, MP3 and Ogg Vorbis)".into(),
    }))
}

/// An audio track from an audio file, decoded to CD audio: WAV always (a 16-bit stereo
/// 44.1 kHz WAV's samples are used in place, memory-mapped); with the `audio` feature (on in
/// default builds) also FLAC, AIFF/AIFC, ALAC in MP4, Ogg Vorbis, MP3 and WAV of other layouts,
/// decoded while the disc streams, its length known before the first sector (as `rawcd image`
/// does for a file list). Audio that is not 16-bit stereo 44.1 kHz is refused
/// (`RAWCD_E_BAD_INPUT`, naming its format); tags are not read (set CD-Text, ISRC and MCN with
/// the other `rawcd_creator_*` calls). Gaps follow the automatic rules.
///
/// Ownership: `path` (NUL-terminated; UTF-8) is not kept; the file stays in use until the
/// creator and every disc and stream using it are freed, and must not change meanwhile.
/// `track_out` (not NULL) receives the new track's number.
/// Errors: `RAWCD_E_INVALID_ARGUMENT` (handle, path, `track_out`), `RAWCD_E_IO` (cannot open
/// or read the file), `RAWCD_E_BAD_INPUT` (not audio rawcd reads, damaged, not CD audio, 100th
/// track). A file that decodes to another length than it announced ends the stream with
/// `RAWCD_E_IO`.
///
/// # Safety
/// `path` is a NUL-terminated string; `track_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn rawcd_creator_add_track_audio_file(
    c: *mut rawcd_creator,
    path: *const c_char,
    track_out: *mut u32,
) -> rawcd_status {
    with_creator(c, |c| {
        check_ptr(track_out, "track_out")?;
        // SAFETY: NUL-terminated by the contract; checked for NULL.
        let path = unsafe { super::path_arg(path, "path") }?;
        let src = audio_source(&path)?;
        let n = c.add_track(crate::codec::SectorType::Audio, src)?;
        // SAFETY: writable by the contract; checked for NULL first.
        unsafe { put_track(track_out, n) }
    })
}

/// IMAPI `AddTrack` from memory: `len` bytes at `data` are copied (sizes as for
/// `rawcd_creator_add_track_file`).
///
/// Ownership: nothing is kept; `data` may be freed after the call. `track_out` (not NULL)
/// receives the new track's number.
/// Errors: as `rawcd_creator_add_track_file`, without `RAWCD_E_IO`.
///
/// # Safety
/// `data` points to `len` readable bytes; `track_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn rawcd_creator_add_track_memory(
    c: *mut rawcd_creator,
    ty: RawSectorType,
    data: *const u8,
    len: usize,
    track_out: *mut u32,
) -> rawcd_status {
    with_creator(c, |c| {
        check_ptr(track_out, "track_out")?;
        let ty = sector_type(ty)?;
        // SAFETY: `len` readable bytes by the contract; checked for NULL.
        let data = unsafe { bytes_in(data, len, "data") }?;
        let n = c.add_track(ty, Source::from_bytes(data.to_vec()))?;
        // SAFETY: writable by the contract; checked for NULL first.
        unsafe { put_track(track_out, n) }
    })
}

/// IMAPI `AddTrack` from a stream the caller produces (decoded audio, an ISO being built):
/// a track of exactly `len` bytes whose bytes come from `read(user, buf, n)`.
///
/// `read` is called from one pipeline thread (never two at once), in order, for each stream
/// of the disc, until `len` bytes have been given; it returns the number of bytes written to
/// `buf` (1..=n), 0 at the end, or a negative value on error. A negative return, or an end
/// before `len` bytes, ends the stream with `RAWCD_E_IO` and a message naming the track. The
/// bytes are read **once**: a second stream (or `rawcd_write_image`) of a disc with a callback
/// track fails with `RAWCD_E_IO` and the message "... a reader (or C read callback) source is
/// read once, front to back, and an earlier stream has already read it ...". rawcd keeps no
/// copy (the track may be larger than memory) and has no rewind callback; to stream a disc
/// twice (a simulation, then the burn), add the track with `rawcd_creator_add_track_file` or
/// `rawcd_creator_add_track_memory`, or build a new creator with a fresh callback.
///
/// Ownership: on success rawcd keeps `user` until it calls `release(user)` (if `release` is not
/// NULL), exactly once, when the creator and every disc and stream holding the track are freed
/// — possibly from a pipeline thread, at the latest inside the last `*_free` call. On failure
/// nothing is kept and `release` is not called. `track_out` (not NULL) receives the new
/// track's number.
/// Threading: `read` and `release` must be callable from a thread other than the caller's.
/// Errors: `RAWCD_E_INVALID_ARGUMENT` (handle, `read` or `track_out` NULL, type),
/// `RAWCD_E_BAD_INPUT` (`len` not whole data sectors, 100th track).
///
/// # Safety
/// `read`/`release` are valid functions for `user` under the rules above; `track_out` is
/// writable.
#[no_mangle]
pub unsafe extern "C" fn rawcd_creator_add_track_callback(
    c: *mut rawcd_creator,
    ty: RawSectorType,
    len: u64,
    read: rawcd_read_fn,
    release: rawcd_release_fn,
    user: *mut c_void,
    track_out: *mut u32,
) -> rawcd_status {
    with_creator(c, |c| {
        check_ptr(track_out, "track_out")?;
        let ty = sector_type(ty)?;
        let read = read.ok_or_else(|| Failure::invalid("the read callback is NULL"))?;
        let number = u32::from(c.starting_track_number()) + c.track_count() as u32;
        let guard = Release::new(user, release);
        let reader = CallbackReader {
            read,
            user: guard.clone(),
        };
        let name = format!("track {number} (read callback)");
        let r = c.add_track(ty, Source::from_reader(reader, len, &name));
        match r {
            Ok(n) => {
                drop(guard);
                // SAFETY: writable by the contract; checked for NULL first.
                unsafe { put_track(track_out, n) }
            }
            Err(e) => {
                guard.disarm();
                Err(e.into())
            }
        }
    })
}

/// IMAPI `AddSpecialPregap`: hidden track one audio (at least 150 sectors of PCM, before any
/// track), copied from `len` bytes at `pcm`.
///
/// Ownership: nothing kept. Errors: `RAWCD_E_STATE` (tracks already added, or a second special
/// pre-gap), `RAWCD_E_BAD_INPUT` (shorter than 150 sectors, too long).
///
/// # Safety
/// `pcm` points to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn rawcd_creator_add_special_pregap_memory(
    c: *mut rawcd_creator,
    pcm: *const u8,
    len: usize,
) -> rawcd_status {
    with_creator(c, |c| {
        // SAFETY: `len` readable bytes by the contract; checked for NULL.
        let pcm = unsafe { bytes_in(pcm, len, "pcm") }?;
        Ok(c.add_special_pregap(Source::from_bytes(pcm.to_vec()))?)
    })
}

/// IMAPI `AddSubcodeRWGenerator`: the R–W stream, 96 cooked bytes per sector of the result
/// image (lead-in start to the end of the lead-out; bits 7 and 6 zero), copied from `rw96`.
/// Its length is checked when the disc is built (`RAWCD_E_BAD_INPUT`).
///
/// Ownership: nothing kept.
///
/// # Safety
/// `rw96` points to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn rawcd_creator_add_subcode_rw_memory(
    c: *mut rawcd_creator,
    rw96: *const u8,
    len: usize,
) -> rawcd_status {
    with_creator(c, |c| {
        // SAFETY: `len` readable bytes by the contract; checked for NULL.
        let rw = unsafe { bytes_in(rw96, len, "rw96") }?;
        c.add_subcode_rw(Source::from_bytes(rw.to_vec()));
        Ok(())
    })
}

/// IMAPI `MediaCatalogNumber`: 1 to 13 decimal digits (left-padded with zeros).
///
/// Errors: `RAWCD_E_BAD_INPUT` for anything else.
///
/// # Safety
/// `digits13` is a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rawcd_creator_set_media_catalog_number(
    c: *mut rawcd_creator,
    digits13: *const c_char,
) -> rawcd_status {
    with_creator(c, |c| {
        // SAFETY: NUL-terminated by the contract; checked for NULL.
        let s = unsafe { str_in(digits13, "digits13") }?;
        Ok(c.set_media_catalog_number(s)?)
    })
}

/// The ISRC of audio track `track` (12 characters, CCOOOYYSSSSS).
///
/// Errors: `RAWCD_E_INVALID_ARGUMENT` (no such track), `RAWCD_E_BAD_INPUT` (malformed ISRC,
/// data track).
///
/// # Safety
/// `isrc12` is a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn rawcd_creator_set_isrc(
    c: *mut rawcd_creator,
    track: u32,
    isrc12: *const c_char,
) -> rawcd_status {
    with_creator(c, |c| {
        // SAFETY: NUL-terminated by the contract; checked for NULL.
        let s = unsafe { str_in(isrc12, "isrc12") }?;
        Ok(c.set_isrc(track, s)?)
    })
}

/// IMAPI `DigitalAudioCopySetting` (non-zero = copying permitted; default prohibited) and
/// `AudioHasPreemphasis` of track `track`.
///
/// Errors: `RAWCD_E_INVALID_ARGUMENT` (no such track).
///
/// # Safety
/// `c` is a live creator (checked) not used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn rawcd_creator_set_track_flags(
    c: *mut rawcd_creator,
    track: u32,
    copy_permitted: c_int,
    preemphasis: c_int,
) -> rawcd_status {
    with_creator(c, |c| {
        let s = c.track_info_mut(track)?;
        s.copy = if copy_permitted != 0 {
            CopySetting::Permitted
        } else {
            CopySetting::Prohibited
        };
        s.preemphasis = preemphasis != 0;
        Ok(())
    })
}

/// IMAPI `AddTrackIndex`: an index point `offset_sectors` after track `track`'s INDEX 01
/// (numbered 02, 03, … in offset order). The range is checked when the disc is built.
///
/// Errors: `RAWCD_E_INVALID_ARGUMENT` (no such track), `RAWCD_E_BAD_INPUT` (offset 0, a
/// duplicate, a 99th index).
///
/// # Safety
/// `c` is a live creator (checked) not used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn rawcd_creator_add_track_index(
    c: *mut rawcd_creator,
    track: u32,
    offset_sectors: u32,
) -> rawcd_status {
    with_creator(c, |c| {
        let number = u8::try_from(track).unwrap_or(u8::MAX);
        Ok(c.track_info_mut(track)?
            .add_track_index(number, offset_sectors)?)
    })
}

/// IMAPI `DisableGaplessAudio` (non-zero: no gap between audio tracks). Before any track.
///
/// Errors: `RAWCD_E_STATE` after a track was added.
///
/// # Safety
/// `c` is a live creator (checked) not used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn rawcd_creator_set_disable_gapless_audio(
    c: *mut rawcd_creator,
    disable: c_int,
) -> rawcd_status {
    with_creator(c, |c| Ok(c.set_disable_gapless_audio(disable != 0)?))
}

/// IMAPI `StartingTrackNumber` (1..=99; other than 1 needs all-audio tracks). Before any track.
///
/// Errors: `RAWCD_E_STATE` after a track was added, `RAWCD_E_BAD_INPUT` out of range.
///
/// # Safety
/// `c` is a live creator (checked) not used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn rawcd_creator_set_starting_track_number(
    c: *mut rawcd_creator,
    n: u32,
) -> rawcd_status {
    with_creator(c, |c| Ok(c.set_starting_track_number(n)?))
}

/// IMAPI `StartOfLeadoutLimit` (default and maximum 398099): `rawcd_creator_build` fails with
/// `RAWCD_E_BAD_INPUT` when the lead-out would start later.
///
/// Errors: `RAWCD_E_BAD_INPUT` above 398099.
///
/// # Safety
/// `c` is a live creator (checked) not used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn rawcd_creator_set_start_of_leadout_limit(
    c: *mut rawcd_creator,
    lba: i32,
) -> rawcd_status {
    with_creator(c, |c| Ok(c.set_start_of_leadout_limit(lba)?))
}

/// CD-Text for the lead-in from the bytes of a `.cdt` file (18-byte packs, optionally after
/// the 4-byte READ TOC header); every pack's CRC is checked. Copied.
///
/// Errors: `RAWCD_E_BAD_INPUT` (length, header or CRC wrong).
///
/// # Safety
/// `packs` points to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn rawcd_creator_set_cdtext_packs(
    c: *mut rawcd_creator,
    packs: *const u8,
    len: usize,
) -> rawcd_status {
    with_creator(c, |c| {
        // SAFETY: `len` readable bytes by the contract; checked for NULL.
        let bytes = unsafe { bytes_in(packs, len, "packs") }?;
        let packs = read_cdt(bytes)
            .map_err(|e| Failure::new(rawcd_status::RAWCD_E_BAD_INPUT, e.to_string()))?;
        c.set_cdtext_packs(&packs);
        Ok(())
    })
}

/// Ends the current session (cd-format §10.7): tracks added after this belong to the next
/// session, whose numbers continue. Between sessions the disc gets the lead-out, a 4500-sector
/// lead-in and a 150-sector pre-gap; every lead-in but the last carries B0, session 1's C0.
///
/// Errors: `RAWCD_E_STATE` when the current session has no track yet (a session with no
/// track is refused).
///
/// # Safety
/// `c` is a live creator (checked) not used by another thread during the call.
#[no_mangle]
pub unsafe extern "C" fn rawcd_creator_new_session(c: *mut rawcd_creator) -> rawcd_status {
    with_creator(c, |c| {
        c.new_session()
            .map_err(|e| Failure::new(rawcd_status::RAWCD_E_STATE, e.to_string()))
    })
}

/// Builds the disc: checks every layout rule and returns the immutable layout in `*out`. The
/// creator stays usable (later changes do not affect this disc).
///
/// Ownership: the caller owns `*out` and frees it with `rawcd_disc_free`; `*out` is set to NULL
/// on failure. Errors: `RAWCD_E_BAD_INPUT` with the rule broken (no track, track under 4 s,
/// lead-out past the limit, …).
///
/// # Safety
/// `out` points to a writable `rawcd_disc *`.
#[no_mangle]
pub unsafe extern "C" fn rawcd_creator_build(
    c: *const rawcd_creator,
    out: *mut *mut rawcd_disc,
) -> rawcd_status {
    guard(|| {
        // SAFETY: writable by the contract; checked for NULL.
        unsafe { write_out(out, std::ptr::null_mut(), "out") }?;
        // SAFETY: `get` checks the creator is live; the caller does not free or change it
        // during the call.
        let c = unsafe { handle::get(c) }?;
        let disc = rawcd_disc::build(&c.c)?;
        // SAFETY: as above.
        unsafe { write_out(out, handle::into_raw(disc), "out") }
    })
}

/// Opens any image rawcd reads as a built disc: a cue sheet, a cdrdao TOC file, or an image
/// another tool made (Nero `.nrg`, Alcohol `.mds`, CloneCD `.ccd` in clone mode; recognised by
/// content), exactly as `rawcd image` reads it. The disc's data files are memory-mapped, not copied; they must stay
/// unchanged while the disc or a stream of it lives.
///
/// Ownership: on success `*out` is a new disc the caller frees with `rawcd_disc_free`; on
/// failure `*out` is NULL.
/// Errors: `RAWCD_E_BAD_INPUT` for a missing, unreadable or malformed image (the message
/// names the file and the byte offset or line), `RAWCD_E_IO` for other read failures.
/// Threading: any thread.
///
/// # Safety
/// `path` is a NUL-terminated string; `out` points to a writable `rawcd_disc *`.
#[no_mangle]
pub unsafe extern "C" fn rawcd_disc_open_image(
    path: *const c_char,
    out: *mut *mut rawcd_disc,
) -> rawcd_status {
    guard(|| {
        // SAFETY: writable by the contract; checked for NULL.
        unsafe { write_out(out, std::ptr::null_mut(), "out") }?;
        // SAFETY: NUL-terminated and unchanged during the call by the contract.
        let path = unsafe { super::path_arg(path, "path") }?;
        let creator = open_image(&path)?;
        let disc = rawcd_disc::build(&creator)?;
        // SAFETY: as above.
        unsafe { write_out(out, handle::into_raw(disc), "out") }
    })
}

/// The creator of an image file, as the CLI builds it.
fn open_image(path: &std::path::Path) -> Result<ImageCreator, Failure> {
    use crate::formats::convert::{plan_to_creator, ConvertOptions};
    use crate::formats::image;
    let status = |bad: bool| {
        if bad {
            rawcd_status::RAWCD_E_BAD_INPUT
        } else {
            rawcd_status::RAWCD_E_IO
        }
    };
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let is_image = ext != "cue" && ext != "toc";
    let plan = match ext.as_str() {
        "cue" => crate::formats::load_cue(path)
            .map_err(|e| Failure::new(rawcd_status::RAWCD_E_BAD_INPUT, e.to_string()))?,
        "toc" => crate::formats::load_toc(path)
            .map_err(|e| Failure::new(rawcd_status::RAWCD_E_BAD_INPUT, e.to_string()))?,
        _ => image::load_image(path)
            .map_err(|e| Failure::new(status(e.is_bad_input()), e.to_string()))?,
    };
    plan_to_creator(
        &plan,
        &ConvertOptions {
            relaxed: is_image,
            ..Default::default()
        },
    )
    .map_err(|e| Failure::new(status(e.is_bad_input()), e.to_string()))
}
