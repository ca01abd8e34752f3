//! MAME CHD CD images (`chdman createcd`), read through the `chd` crate (BSD-3-Clause), which
//! decompresses hunks (`cdlz`, `cdzl`, `cdfl`, uncompressed, copies) and checks each hunk's CRC.
//!
//! Facts used (MAME's CHD and CD-ROM formats, checked against `chdman` 0.251):
//! * header: magic `MComprHD`, big-endian length and version at bytes 8 and 12; v5: logical
//!   bytes at 32, map offset at 40, hunk bytes at 56, unit bytes at 60, the data ("raw") SHA-1
//!   at 64, the parent's SHA-1 at 104; v3/v4 as in [`read_header`];
//! * a CD CHD is a sequence of 2448-byte frames (2352 bytes of sector data, then 96 of
//!   subchannel), several frames per hunk. A track's frames hold its `datasize` bytes at the
//!   frame start (2048 for `MODE1`, 2352 for `MODE1_RAW` and `AUDIO`, …) and the subchannel at
//!   byte 2352 when `SUBTYPE` is `RW` (packed) or `RW_RAW` (raw interleaved);
//! * **audio is stored big-endian** (cd-format.md D19): rawcd swaps it back on read;
//! * every track's frames are padded to a multiple of 4 frames (`CHT2`/`CHTR`; `CHCD` gives
//!   the padding per track);
//! * metadata `CHT2`: `TRACK:n TYPE:t SUBTYPE:s FRAMES:n PREGAP:n PGTYPE:t PGSUB:s POSTGAP:n`;
//!   a `PGTYPE` starting with `V` means the pre-gap is stored (its frames are the first of
//!   `FRAMES`, INDEX 00), otherwise it is generated; `CHTR` is the same without the pre-gap
//!   fields; `CHCD` is a binary table (track count, then 99 × 6 big-endian u32: type, subtype,
//!   data size, sub size, frames, padding frames).
//!
//! The plan names the CHD in its segments with offsets into the *content*: the tracks' stored
//! bytes one after the other (`datasize` + 96 when there is subchannel, per frame; padding
//! frames left out; audio little-endian). [`ChdFile::segment`] decodes hunks on worker
//! threads, in order, a few ahead of the stream.
#![forbid(unsafe_code)]

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crossbeam_channel::{bounded, Receiver};
use sha1::{Digest, Sha1};

use super::{io_err, new_track, tracks_only, ImageError};
use crate::formats::plan::{DiscPlan, Segment, SubchannelInput, TrackMode, TrackPlan};
use crate::source::{ReadAt, Source};

/// The first eight bytes of a CHD file.
pub const MAGIC: &[u8; 8] = b"MComprHD";

/// Bytes of one CD frame in a CHD: sector data then subchannel.
pub const FRAME_BYTES: u32 = 2448;
/// Track frames are padded to a multiple of this.
const TRACK_PADDING: u64 = 4;
/// The largest hunk rawcd accepts (chdman uses 8 frames, 19 584 bytes).
const MAX_HUNK_BYTES: u32 = 1 << 20;
/// The largest logical size rawcd accepts: 2 GiB, above any CD (99 minutes are 1.09 GB).
const MAX_LOGICAL_BYTES: u64 = 1 << 31;

/// What the header says (checked against the file before the `chd` crate reads it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChdHeader {
    /// Format version (3, 4 or 5).
    pub version: u32,
    /// Bytes of uncompressed data.
    pub logical_bytes: u64,
    /// Bytes per hunk.
    pub hunk_bytes: u32,
    /// Number of hunks.
    pub hunk_count: u64,
    /// SHA-1 of the uncompressed data (v4, v5).
    pub raw_sha1: Option<[u8; 20]>,
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn be64(b: &[u8], at: usize) -> u64 {
    (u64::from(be32(b, at)) << 32) | u64::from(be32(b, at + 4))
}

/// Reads and checks a CHD header: a version rawcd reads (3..=5), no parent, sizes within
/// limits and consistent, the map inside the file. This guards the allocations the `chd`
/// crate sizes from the header.
///
/// # Errors
/// [`ImageError`] naming the byte offset of the field at fault.
pub fn read_header(path: &Path) -> Result<ChdHeader, ImageError> {
    let mut f = File::open(path).map_err(io_err(path))?;
    let file_len = f.metadata().map_err(io_err(path))?.len();
    let mut h = [0u8; 124];
    let n = read_up_to(&mut f, &mut h).map_err(io_err(path))?;
    let bad = |offset: u64, what: String| ImageError::Malformed {
        path: path.to_path_buf(),
        offset,
        what,
    };
    if n < 16 || &h[..8] != MAGIC {
        return Err(bad(0, "not a CHD file (no `MComprHD` header)".into()));
    }
    let (len, version) = (be32(&h, 8), be32(&h, 12));
    let expect = match version {
        3 => 120,
        4 => 108,
        5 => 124,
        v => {
            return Err(ImageError::Unsupported {
                path: path.to_path_buf(),
                what: format!("CHD version {v} (rawcd reads 3, 4 and 5)"),
            })
        }
    };
    if len != expect || n < expect as usize {
        return Err(bad(
            8,
            format!(
                "header length {len} (version {version} has {expect}), file has {n} bytes of it"
            ),
        ));
    }
    let (logical_bytes, hunk_bytes, hunk_count, raw_sha1, parent, map_at) = match version {
        5 => {
            let logical = be64(&h, 32);
            let hunk = be32(&h, 56);
            let count = if hunk == 0 {
                0
            } else {
                logical.div_ceil(u64::from(hunk))
            };
            let mut raw = [0u8; 20];
            raw.copy_from_slice(&h[64..84]);
            let parent = h[104..124].iter().any(|&b| b != 0);
            (logical, hunk, count, Some(raw), parent, be64(&h, 40))
        }
        4 => {
            let mut raw = [0u8; 20];
            raw.copy_from_slice(&h[88..108]);
            let parent = be32(&h, 16) & 1 != 0;
            (
                be64(&h, 28),
                be32(&h, 44),
                u64::from(be32(&h, 24)),
                Some(raw),
                parent,
                108,
            )
        }
        _ => {
            let parent = be32(&h, 16) & 1 != 0;
            (
                be64(&h, 28),
                be32(&h, 76),
                u64::from(be32(&h, 24)),
                None,
                parent,
                120,
            )
        }
    };
    if parent {
        return Err(ImageError::Unsupported {
            path: path.to_path_buf(),
            what: "a CHD that needs a parent CHD".into(),
        });
    }
    if hunk_bytes == 0 || hunk_bytes > MAX_HUNK_BYTES || hunk_bytes % FRAME_BYTES != 0 {
        return Err(bad(
            if version == 5 { 56 } else { 44 },
            format!("hunk size {hunk_bytes} is not a whole number of 2448-byte CD frames up to 1 MiB (not a CD image?)"),
        ));
    }
    if logical_bytes > MAX_LOGICAL_BYTES
        || hunk_count.saturating_mul(u64::from(hunk_bytes)) < logical_bytes
        || hunk_count > logical_bytes.div_ceil(u64::from(hunk_bytes)) + 1
    {
        return Err(bad(
            if version == 5 { 32 } else { 28 },
            format!("logical size {logical_bytes} and {hunk_count} hunks of {hunk_bytes} bytes disagree or exceed 2 GiB"),
        ));
    }
    // The map: v5 starts with a 16-byte header whose first word is the compressed length (or
    // is hunk_count × 4 bytes when uncompressed); v3/v4 hold 16 bytes per hunk after the header.
    let map_end = if version == 5 {
        let compressed = be32(&h, 16) != 0;
        if compressed {
            let mut mh = [0u8; 4];
            f.seek(SeekFrom::Start(map_at)).map_err(io_err(path))?;
            if read_up_to(&mut f, &mut mh).map_err(io_err(path))? < 4 {
                return Err(bad(
                    40,
                    format!("map offset {map_at} is past the end of the file ({file_len} bytes)"),
                ));
            }
            map_at
                .saturating_add(16)
                .saturating_add(u64::from(be32(&mh, 0)))
        } else {
            map_at.saturating_add(hunk_count * 4)
        }
    } else {
        map_at.saturating_add(hunk_count * 16)
    };
    if map_end > file_len {
        return Err(bad(
            map_at,
            format!(
                "the hunk map ends at byte {map_end}, past the end of the file ({file_len} bytes)"
            ),
        ));
    }
    Ok(ChdHeader {
        version,
        logical_bytes,
        hunk_bytes,
        hunk_count,
        raw_sha1,
    })
}

fn read_up_to(f: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// One track as the CHD metadata describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChdTrack {
    /// Track number.
    pub number: u8,
    /// The track type as written (`MODE1_RAW`, `AUDIO`, …).
    pub kind: String,
    /// How rawcd reads it.
    pub mode: TrackMode,
    /// Bytes of sector data per frame.
    pub datasize: u32,
    /// Subchannel stored with the frames, if any.
    pub sub: Option<SubchannelInput>,
    /// Frames stored (stored pre-gap included).
    pub frames: u64,
    /// Padding frames after the track.
    pub padding: u64,
    /// Pre-gap frames.
    pub pregap: u32,
    /// True when the pre-gap is among the stored frames (`PGTYPE` starting with `V`).
    pub pregap_stored: bool,
    /// Generated post-gap frames.
    pub postgap: u32,
}

fn track_mode(kind: &str) -> Option<(TrackMode, u32)> {
    Some(match kind {
        "MODE1" => (TrackMode::Mode1, 2048),
        "MODE1_RAW" => (TrackMode::Mode1Raw, 2352),
        "MODE2" => (TrackMode::Mode2, 2336),
        "MODE2_FORM1" => (TrackMode::Mode2Form1, 2048),
        "MODE2_FORM2" => (TrackMode::Mode2Form2, 2324),
        "MODE2_FORM_MIX" => (TrackMode::Mode2FormMix, 2336),
        "MODE2_RAW" => (TrackMode::Mode2Raw, 2352),
        "AUDIO" => (TrackMode::Audio, 2352),
        _ => return None,
    })
}

fn sub_kind(s: &str) -> Option<Option<SubchannelInput>> {
    Some(match s {
        "NONE" => None,
        "RW" => Some(SubchannelInput::Packed),
        "RW_RAW" => Some(SubchannelInput::Raw),
        _ => return None,
    })
}

/// Parses one `CHT2` or `CHTR` text entry.
///
/// # Errors
/// A missing or malformed field, an unknown type (the message says which).
pub fn parse_track_text(text: &str) -> Result<ChdTrack, String> {
    let text = text.trim_end_matches('\0').trim();
    let field = |key: &str| -> Option<&str> {
        text.split_ascii_whitespace()
            .find_map(|w| w.strip_prefix(key).and_then(|r| r.strip_prefix(':')))
    };
    let num = |key: &str, need: bool| -> Result<u64, String> {
        match field(key) {
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|&n| n <= u64::from(u32::MAX))
                .ok_or_else(|| format!("{key}:{v} is not a number")),
            None if need => Err(format!("no {key} field in {text:?}")),
            None => Ok(0),
        }
    };
    let number = num("TRACK", true)?;
    if !(1..=99).contains(&number) {
        return Err(format!("track number {number} outside 1..=99"));
    }
    let kind = field("TYPE").ok_or_else(|| format!("no TYPE field in {text:?}"))?;
    let (mode, datasize) =
        track_mode(kind).ok_or_else(|| format!("track {number}: unknown TYPE {kind}"))?;
    let subtype = field("SUBTYPE").unwrap_or("NONE");
    let sub =
        sub_kind(subtype).ok_or_else(|| format!("track {number}: unknown SUBTYPE {subtype}"))?;
    let frames = num("FRAMES", true)?;
    let pregap = num("PREGAP", false)? as u32;
    let pgtype = field("PGTYPE").unwrap_or("");
    let postgap = num("POSTGAP", false)? as u32;
    let pregap_stored = pgtype.starts_with('V') && pregap > 0;
    if pregap_stored && u64::from(pregap) > frames {
        return Err(format!(
            "track {number}: stored pre-gap of {pregap} frames is longer than its {frames} frames"
        ));
    }
    Ok(ChdTrack {
        number: number as u8,
        kind: kind.to_string(),
        mode,
        datasize,
        sub,
        frames,
        padding: frames.next_multiple_of(TRACK_PADDING) - frames,
        pregap,
        pregap_stored,
        postgap,
    })
}

/// Parses a `CHCD` entry (the binary table of old CHDs).
fn parse_chcd(b: &[u8]) -> Result<Vec<ChdTrack>, String> {
    const TYPES: [&str; 8] = [
        "MODE1",
        "MODE1_RAW",
        "MODE2",
        "MODE2_FORM1",
        "MODE2_FORM2",
        "MODE2_FORM_MIX",
        "MODE2_RAW",
        "AUDIO",
    ];
    const SUBS: [&str; 3] = ["RW", "RW_RAW", "NONE"];
    if b.len() < 4 {
        return Err("CHCD entry shorter than 4 bytes".into());
    }
    let count = be32(b, 0) as usize;
    if count == 0 || count > 99 || b.len() < 4 + count * 24 {
        return Err(format!(
            "CHCD entry of {} bytes for {count} tracks",
            b.len()
        ));
    }
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let at = 4 + i * 24;
        let (ty, st, frames, pad) = (
            be32(b, at) as usize,
            be32(b, at + 4) as usize,
            u64::from(be32(b, at + 16)),
            u64::from(be32(b, at + 20)),
        );
        let kind = *TYPES
            .get(ty)
            .ok_or_else(|| format!("track {}: unknown type {ty}", i + 1))?;
        let sub = SUBS
            .get(st)
            .and_then(|s| sub_kind(s))
            .ok_or_else(|| format!("track {}: unknown subtype {st}", i + 1))?;
        let (mode, datasize) = track_mode(kind).ok_or("unreachable track type")?;
        out.push(ChdTrack {
            number: (i + 1) as u8,
            kind: kind.to_string(),
            mode,
            datasize,
            sub,
            frames,
            padding: pad,
            pregap: 0,
            pregap_stored: false,
            postgap: 0,
        });
    }
    Ok(out)
}

fn chd_err(path: &Path, what: &str, e: chd::Error) -> ImageError {
    ImageError::Metadata {
        path: path.to_path_buf(),
        what: format!("{what}: {e}"),
    }
}

thread_local! {
    /// True while this thread runs a [`guarded`] call into the `chd` crate.
    static IN_DECODER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Wraps the process's panic hook (once) so that a panic inside a [`guarded`] call prints
/// nothing: it becomes a typed error naming the file, and the decoder's own message ("index
/// out of bounds" in a Huffman table) would only confuse. Every other panic goes to the hook
/// that was there before, unchanged (so a fuzzer's abort-on-panic hook still sees ours).
fn quiet_decoder_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let before = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_DECODER.with(|f| f.get()) {
                before(info);
            }
        }));
    });
}

/// Runs a call into the `chd` crate, turning a panic on hostile input into an error.
fn guarded<T>(
    path: &Path,
    what: &str,
    f: impl FnOnce() -> Result<T, ImageError>,
) -> Result<T, ImageError> {
    quiet_decoder_panics();
    let outer = IN_DECODER.with(|g| g.replace(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    IN_DECODER.with(|g| g.set(outer));
    r.unwrap_or_else(|_| {
        Err(ImageError::Metadata {
            path: path.to_path_buf(),
            what: format!("{what}: the CHD is malformed (the decoder gave up)"),
        })
    })
}

type ChdReader = chd::Chd<BufReader<File>>;

fn open_chd(path: &Path) -> Result<ChdReader, ImageError> {
    let f = File::open(path).map_err(io_err(path))?;
    guarded(path, "opening", || {
        chd::Chd::open(BufReader::new(f), None).map_err(|e| chd_err(path, "cannot open", e))
    })
}

/// Reads the CD track list of a CHD.
///
/// # Errors
/// No CD metadata (not a CD image), malformed or inconsistent entries, tracks that need more
/// frames than the CHD holds.
pub fn read_tracks(path: &Path, header: &ChdHeader) -> Result<Vec<ChdTrack>, ImageError> {
    let mut chd = open_chd(path)?;
    let meta: Vec<chd::metadata::Metadata> = guarded(path, "reading metadata", || {
        let refs: Vec<_> = chd
            .metadata_refs()
            .take(1000)
            .collect::<Result<_, _>>()
            .map_err(|e| chd_err(path, "metadata", e))?;
        let mut v = Vec::with_capacity(refs.len());
        for m in refs {
            v.push(
                m.read(chd.inner())
                    .map_err(|e| chd_err(path, "metadata", e))?,
            );
        }
        Ok(v)
    })?;
    let tag = |t: &[u8; 4]| u32::from_be_bytes(*t);
    let merr = |what: String| ImageError::Metadata {
        path: path.to_path_buf(),
        what,
    };
    let mut tracks = Vec::new();
    for m in &meta {
        if m.metatag == tag(b"CHT2") || m.metatag == tag(b"CHTR") {
            let text = String::from_utf8_lossy(&m.value);
            tracks.push(parse_track_text(&text).map_err(|w| merr(format!("metadata: {w}")))?);
        } else if m.metatag == tag(b"CHCD") {
            tracks.extend(parse_chcd(&m.value).map_err(|w| merr(format!("CHCD metadata: {w}")))?);
        } else if m.metatag == tag(b"CHGD") || m.metatag == tag(b"CHGT") {
            return Err(ImageError::Unsupported {
                path: path.to_path_buf(),
                what: "a GD-ROM CHD".into(),
            });
        }
    }
    if tracks.is_empty() {
        return Err(merr(
            "no CD track metadata (CHT2, CHTR or CHCD): not a CD image (chdman createhd/createraw make other kinds)".into(),
        ));
    }
    tracks.sort_by_key(|t| t.number);
    for (i, t) in tracks.iter().enumerate() {
        if t.number as usize != i + 1 {
            return Err(merr(format!(
                "metadata: tracks are not numbered 1, 2, 3, … (entry {} is track {})",
                i + 1,
                t.number
            )));
        }
        if t.frames == 0 {
            return Err(merr(format!("metadata: track {} has no frames", t.number)));
        }
    }
    let frames: u64 = tracks.iter().map(|t| t.frames + t.padding).sum();
    let units = header.logical_bytes / u64::from(FRAME_BYTES);
    // The last track's padding may be left out of the logical size.
    let last_pad = tracks.last().map_or(0, |t| t.padding);
    if frames.saturating_sub(last_pad) > units {
        return Err(merr(format!(
            "metadata: the tracks need {frames} frames, the CHD holds {units}"
        )));
    }
    Ok(tracks)
}

/// Where a track's bytes are: the first CHD frame and the first content byte.
#[derive(Debug, Clone, Copy)]
struct Placed {
    frame: u64,
    content: u64,
    /// Stored bytes per frame (data + subchannel).
    per_frame: u64,
    frames: u64,
    datasize: u32,
    audio: bool,
}

/// A CHD opened for streaming its tracks' content (cheap to clone; hunks are decoded when a
/// segment is read).
#[derive(Clone)]
pub struct ChdFile {
    path: PathBuf,
    header: ChdHeader,
    placed: Arc<Vec<Placed>>,
    cursor: Arc<Mutex<Cursor>>,
}

impl std::fmt::Debug for ChdFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ChdFile({})", self.path.display())
    }
}

struct Cursor {
    stream: Option<HunkStream>,
    /// The hunk in `buf`, if any.
    hunk: Option<u64>,
    buf: Vec<u8>,
    /// Hunks decoded just before `buf`, newest last: two readers of the same frames (a
    /// track's main channel and its subchannel, [`ChdFile::strided_segment`]) a batch apart
    /// find them here instead of restarting the decoders.
    recent: std::collections::VecDeque<(u64, Vec<u8>)>,
}

/// Hunks kept in [`Cursor::recent`] (64 × 19 584 bytes = 1.2 MiB with chdman's hunks; a
/// pipeline batch spans fewer).
const RECENT: usize = 64;

/// Content seen through a stride: record k is `take` bytes at `start + k·stride`.
struct StridedContent {
    chd: ChdFile,
    start: u64,
    take: u64,
    stride: u64,
}

impl ReadAt for StridedContent {
    fn read_at(&self, offset: u64, out: &mut [u8]) -> io::Result<usize> {
        let (k, w) = (offset / self.take, offset % self.take);
        let n = ((self.take - w) as usize).min(out.len());
        self.chd
            .read_at(self.start + k * self.stride + w, &mut out[..n])
    }
}

fn place(tracks: &[ChdTrack]) -> Vec<Placed> {
    let mut frame = 0;
    let mut content = 0;
    tracks
        .iter()
        .map(|t| {
            let per_frame = u64::from(t.datasize) + if t.sub.is_some() { 96 } else { 0 };
            let p = Placed {
                frame,
                content,
                per_frame,
                frames: t.frames,
                datasize: t.datasize,
                audio: t.mode == TrackMode::Audio,
            };
            frame += t.frames + t.padding;
            content += per_frame * t.frames;
            p
        })
        .collect()
}

impl ChdFile {
    /// Opens a CHD: header checked, track list read.
    ///
    /// # Errors
    /// As [`read_header`] and [`read_tracks`].
    pub fn open(path: &Path) -> Result<ChdFile, ImageError> {
        let header = read_header(path)?;
        let tracks = read_tracks(path, &header)?;
        Ok(ChdFile {
            path: path.to_path_buf(),
            header,
            placed: Arc::new(place(&tracks)),
            cursor: Arc::new(Mutex::new(Cursor {
                stream: None,
                hunk: None,
                buf: Vec::new(),
                recent: std::collections::VecDeque::new(),
            })),
        })
    }

    /// Bytes of content (all tracks' stored bytes).
    pub fn content_len(&self) -> u64 {
        self.placed
            .last()
            .map_or(0, |p| p.content + p.per_frame * p.frames)
    }

    /// A `Read` source over `len` bytes of content from `offset`.
    pub fn segment(&self, offset: u64, len: u64) -> Source {
        Source::from_read_at(self.clone(), offset, len, &self.path.display().to_string())
    }

    /// A `Read` source over `count` records of content, record k being the `take` bytes at
    /// `start + k·stride` (a track's main channel or its subchannel; `take` ≤ `stride`).
    pub fn strided_segment(&self, start: u64, take: u32, stride: u32, count: u64) -> Source {
        let take = u64::from(take.clamp(1, stride.max(1)));
        let view = StridedContent {
            chd: self.clone(),
            start,
            take,
            stride: u64::from(stride.max(1)),
        };
        let name = self.path.display().to_string();
        Source::from_read_at(view, 0, count.saturating_mul(take), &name)
    }
}

impl ReadAt for ChdFile {
    /// Copies content bytes from `offset` into `out` (within one frame at most); returns the
    /// count.
    fn read_at(&self, offset: u64, out: &mut [u8]) -> io::Result<usize> {
        let i = self.placed.partition_point(|p| p.content <= offset);
        let Some(p) = i.checked_sub(1).map(|i| self.placed[i]) else {
            return Ok(0);
        };
        let rel = offset - p.content;
        let (f, in_frame) = (rel / p.per_frame, rel % p.per_frame);
        if f >= p.frames {
            return Ok(0);
        }
        let (src_off, avail) = if in_frame < u64::from(p.datasize) {
            (in_frame, u64::from(p.datasize) - in_frame)
        } else {
            let s = in_frame - u64::from(p.datasize);
            (2352 + s, 96 - s)
        };
        let n = (avail as usize).min(out.len());
        let frame = p.frame + f;
        let hb = u64::from(self.header.hunk_bytes);
        let byte = frame * u64::from(FRAME_BYTES) + src_off;
        let (hunk, at) = (byte / hb, (byte % hb) as usize);
        let mut c = self.cursor.lock().unwrap_or_else(|p| p.into_inner());
        if c.hunk != Some(hunk) {
            if let Some(i) = c.recent.iter().position(|(h, _)| *h == hunk) {
                let (_, buf) = c.recent.remove(i).unwrap_or_default();
                let old = std::mem::replace(&mut c.buf, buf);
                if let Some(h) = c.hunk.replace(hunk) {
                    c.recent.push_back((h, old));
                }
            }
        }
        if c.hunk != Some(hunk) {
            let restart = match &c.stream {
                Some(s) => s.next != hunk,
                None => true,
            };
            if restart {
                c.stream = Some(HunkStream::start(
                    &self.path,
                    hunk,
                    self.header.hunk_count,
                    workers(),
                ));
            }
            let Some(s) = c.stream.as_mut() else {
                return Ok(0);
            };
            match s.next_hunk() {
                Ok(buf) => {
                    let old = std::mem::replace(&mut c.buf, buf);
                    if let Some(h) = c.hunk.replace(hunk) {
                        c.recent.push_back((h, old));
                        if c.recent.len() > RECENT {
                            c.recent.pop_front();
                        }
                    }
                }
                Err(e) => {
                    c.stream = None;
                    c.hunk = None;
                    return Err(e.into_io());
                }
            }
        }
        if p.audio && in_frame < u64::from(p.datasize) {
            // Big-endian samples in the CHD (D19): each byte comes from its pair partner. A
            // frame (and so a hunk) starts at an even byte and the data size is even, so the
            // partner is in the same buffer whatever the read's start and length.
            for (j, o) in out[..n].iter_mut().enumerate() {
                *o = c.buf[(at + j) ^ 1];
            }
        } else {
            out[..n].copy_from_slice(&c.buf[at..at + n]);
        }
        Ok(n)
    }
}

fn workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4))
}

/// Hunks each worker decodes ahead of the stream: deep enough that a busy machine's scheduling
/// delays do not starve the stream (8 × 4 workers × 19 584 bytes = 612 KiB with chdman's hunks).
const AHEAD: usize = 8;

/// Hunks decoded in order by `k` worker threads (worker `i` decodes hunks `start + i`,
/// `start + i + k`, …), each at most [`AHEAD`] hunks ahead: memory is bounded by
/// `(AHEAD + 1) k` hunks.
struct HunkStream {
    rxs: Vec<Receiver<Result<Vec<u8>, ImageError>>>,
    /// The workers, joined on drop (no decoder thread outlives the stream that started it).
    workers: Vec<std::thread::JoinHandle<()>>,
    start: u64,
    /// The hunk `next_hunk` returns next.
    next: u64,
}

impl Drop for HunkStream {
    fn drop(&mut self) {
        // Closing the channels makes each worker's next send fail; it then returns, at most
        // one hunk's decoding later.
        self.rxs.clear();
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

impl HunkStream {
    fn start(path: &Path, start: u64, count: u64, k: usize) -> HunkStream {
        let mut rxs = Vec::with_capacity(k);
        let mut workers = Vec::with_capacity(k);
        for i in 0..k as u64 {
            let (tx, rx) = bounded(AHEAD);
            let path = path.to_path_buf();
            workers.push(std::thread::spawn(move || {
                let mut chd = match open_chd(&path) {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                };
                let mut cmp = Vec::new();
                let mut h = start + i;
                while h < count {
                    let r = decode_hunk(&path, &mut chd, h, &mut cmp);
                    let failed = r.is_err();
                    if tx.send(r).is_err() || failed {
                        return;
                    }
                    h += k as u64;
                }
            }));
            rxs.push(rx);
        }
        HunkStream {
            rxs,
            workers,
            start,
            next: start,
        }
    }

    fn next_hunk(&mut self) -> Result<Vec<u8>, ImageError> {
        let k = self.rxs.len() as u64;
        let rx = &self.rxs[((self.next - self.start) % k) as usize];
        let hunk = self.next;
        self.next += 1;
        rx.recv().unwrap_or_else(|_| {
            Err(ImageError::Hunk {
                path: PathBuf::new(),
                hunk,
                what: "past the last hunk".into(),
            })
        })
    }
}

fn decode_hunk(
    path: &Path,
    chd: &mut ChdReader,
    h: u64,
    cmp: &mut Vec<u8>,
) -> Result<Vec<u8>, ImageError> {
    let mut out = chd.get_hunksized_buffer();
    let herr = |what: String| ImageError::Hunk {
        path: path.to_path_buf(),
        hunk: h,
        what,
    };
    let n = u32::try_from(h).map_err(|_| herr("hunk number out of range".into()))?;
    check_cd_block(chd, n, cmp).map_err(herr)?;
    guarded(path, &format!("hunk {h}"), || {
        let mut hunk = chd.hunk(n).map_err(|e| herr(format!("{e}")))?;
        hunk.read_hunk_in(cmp, &mut out).map_err(|e| match e {
            chd::Error::DecompressionError => {
                herr("does not decompress to the data its CRC records (the CHD is damaged)".into())
            }
            e => herr(format!("cannot be read: {e}")),
        })
    })?;
    Ok(out)
}

/// For a hunk compressed by a CD codec (`cdlz`, `cdzl`, `cdfl`, `cdzs`): checks that the block
/// holds the header such a block starts with (a bit per frame saying "ECC regenerated", then
/// the big-endian length of the sector data, 2 or 3 bytes) and that this length lies inside
/// the block, before the `chd` crate indexes by it (it panics otherwise: fuzz find).
fn check_cd_block(chd: &mut ChdReader, n: u32, buf: &mut Vec<u8>) -> Result<(), String> {
    use chd::header::CodecType;
    use chd::map::{CompressionTypeV5, MapEntry};
    let hunk_bytes = chd.header().hunk_size() as usize;
    let codecs = chd.header().codecs();
    let (codec, size) = match chd.map().get_entry(n as usize) {
        Some(MapEntry::V5Compressed(e)) => {
            let slot = match e.hunk_type() {
                Ok(CompressionTypeV5::CompressionType0) => 0,
                Ok(CompressionTypeV5::CompressionType1) => 1,
                Ok(CompressionTypeV5::CompressionType2) => 2,
                Ok(CompressionTypeV5::CompressionType3) => 3,
                _ => return Ok(()),
            };
            (codecs[slot], e.block_size() as usize)
        }
        _ => return Ok(()),
    };
    if !matches!(
        codec,
        // cdfl blocks have no such header (FLAC frames, then the deflated subchannel).
        Some(CodecType::LzmaCdV5 | CodecType::ZLibCdV5 | CodecType::ZstdCdV5)
    ) {
        return Ok(());
    }
    let frames = hunk_bytes / FRAME_BYTES as usize;
    let ecc_bytes = frames.div_ceil(8);
    let len_bytes = if hunk_bytes < 65_536 { 2 } else { 3 };
    let header = ecc_bytes + len_bytes;
    if size < header {
        return Err(format!(
            "compressed block of {size} bytes is shorter than its {header}-byte CD header"
        ));
    }
    let mut hunk = chd.hunk(n).map_err(|e| e.to_string())?;
    let got = hunk.read_raw_in(buf).map_err(|e| e.to_string())?;
    if got < header {
        return Err(format!("compressed block ends after {got} of {size} bytes"));
    }
    let data_len = buf[ecc_bytes..header]
        .iter()
        .fold(0usize, |a, &b| (a << 8) | usize::from(b));
    if data_len > got - header {
        return Err(format!(
            "its CD header gives {data_len} bytes of sector data, the block holds {}",
            got - header
        ));
    }
    Ok(())
}

/// The disc a CHD describes: one track per metadata entry; a stored pre-gap (`PGTYPE` `V…`)
/// becomes INDEX 00 in the content, a generated one and the post-gap are generated; stored
/// subchannel is the track's (TOC `RW`/`RW_RAW`-like).
///
/// # Errors
/// As [`ChdFile::open`].
pub fn plan(path: &Path) -> Result<DiscPlan, ImageError> {
    let header = read_header(path)?;
    let tracks = read_tracks(path, &header)?;
    let placed = place(&tracks);
    let mut out = Vec::with_capacity(tracks.len());
    for (t, p) in tracks.iter().zip(&placed) {
        let (generated, stored) = if t.pregap_stored {
            (0, t.pregap)
        } else {
            (t.pregap, 0)
        };
        out.push(TrackPlan {
            pregap_generated: generated,
            segments: vec![Segment::File {
                path: path.to_path_buf(),
                byte_offset: p.content,
                byte_len: p.per_frame * p.frames,
                swap: false,
            }],
            index1: stored,
            postgap_generated: t.postgap,
            ..new_track(t.number, t.mode, t.sub)
        });
    }
    Ok(tracks_only(path, out))
}

/// Decompresses every hunk (each CRC checked) and compares the SHA-1 of the data with the
/// header's.
///
/// # Errors
/// The first damaged hunk, or a data SHA-1 that differs.
pub fn verify(path: &Path) -> Result<Vec<String>, ImageError> {
    let header = read_header(path)?;
    read_tracks(path, &header)?;
    let mut s = HunkStream::start(path, 0, header.hunk_count, workers());
    let mut sha = Sha1::new();
    let mut left = header.logical_bytes;
    for _ in 0..header.hunk_count {
        let buf = s.next_hunk()?;
        let n = (buf.len() as u64).min(left) as usize;
        sha.update(&buf[..n]);
        left -= n as u64;
    }
    let got: [u8; 20] = sha.finalize().into();
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    match header.raw_sha1 {
        Some(want) if want != got => Err(ImageError::Metadata {
            path: path.to_path_buf(),
            what: format!(
                "the data SHA-1 is {}, the header says {} (the CHD is damaged)",
                hex(&got),
                hex(&want)
            ),
        }),
        Some(_) => Ok(vec![format!(
            "CHD: {} hunks decompressed, every hunk CRC and the data SHA-1 {} match",
            header.hunk_count,
            hex(&got)
        )]),
        None => Ok(vec![format!(
            "CHD v{}: {} hunks decompressed, every hunk CRC matches (no data SHA-1 in this version)",
            header.version, header.hunk_count
        )]),
    }
}
