//! From a sheet's [`DiscPlan`] to an [`ImageCreator`]: files opened as sources, track modes
//! mapped to IMAPI sector types, the sheet's layout applied exactly (cd-format.md §10.2),
//! flags, ISRC, MCN and CD-Text set. Lead-in, lead-out and the result type are left to the
//! caller.
//!
//! Zero-copy where the bytes can be used as they are: every data file is memory-mapped once
//! (however many tracks share it) and each segment is a slice of that map. Bytes that need
//! changing are copied into memory, in these cases only:
//! * big-endian audio (`MOTOROLA`, TOC raw audio without `SWAP`): byte-swapped copy;
//! * TOC `MODE2_FORM2` (2324 bytes per sector): each sector becomes IMAPI's 2336-byte Form 2
//!   input (subheader `00 00 20 00` twice, the data, EDC);
//! * `MODE2/2336` / `MODE2_FORM_MIX` with [`ConvertOptions::regenerate_edc`]: EDC/ECC
//!   recomputed from each subheader's Form bit;
//! * a segment that ends inside a sector (audio sample counts that are not whole sectors,
//!   e.g. a WAV of 1000 samples followed by another file): that segment and the following
//!   ones are joined in memory until the byte count is whole sectors again, so the samples
//!   stay contiguous as the sheet means (padding each piece to a sector would insert
//!   silence). Only the track's last piece may end inside a sector; ImageCreator pads it.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::codec::cdtext::{Block, CdText, CdTextError, Charset, Genre, Pack, TextKind, Texts};
use crate::codec::engine::Table;
use crate::codec::{finish_form1, finish_form2, sector, SECTOR_SIZE};
use crate::layout::{CopySetting, ImageCreator, LayoutError, RwForm, TrackLayout, TrackPiece};
use crate::source::Source;

use super::error::ParseError;
use super::plan::{
    DiscPlan, DiscType, Segment, SubchannelInput, TextFields, TextKey, TrackMode, TrackPlan,
};
use super::sheet::cdt::{read_cdt, CdtError};

/// How to convert.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConvertOptions {
    /// Tracks shorter than 4 s become warnings instead of errors: real discs have them (for
    /// showing sheets, and the CLI's `--allow-short-tracks` / `--relaxed`).
    pub relaxed: bool,
    /// Recompute EDC/ECC of `MODE2/2336` (`MODE2_FORM_MIX`) sectors from each subheader's
    /// Form bit instead of passing bytes 16..2351 through (cd-format.md D20).
    pub regenerate_edc: bool,
    /// Clone mode off: a plan's subchannel as read ([`DiscPlan::subchannel_as_read`], a
    /// CloneCD `.sub`) is ignored and P–W generated as for any other input.
    pub regenerate_subchannel: bool,
    /// The sheet describes an existing image to examine (verify, repair), not data to encode:
    /// a damaged sector is reported later by its LBA, so the up-front sync check of raw
    /// 2352-byte tracks is skipped.
    pub examine: bool,
    /// Decoded audio (feature `audio`): bytes of decoded PCM held ahead of the stream by all
    /// files decoding at once (0: 4 MiB; the CLI passes a quarter of `--buffer-mb`).
    pub decode_ahead_bytes: usize,
    /// Decoded audio: files decoding at once, the one streaming and those after it (at least
    /// 2; 0: the machine's cores; the CLI passes `--threads`).
    pub decoders: usize,
}

/// An error of [`plan_to_creator`]; one line naming the file.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConvertError {
    /// A sheet error (already names the sheet, line and column).
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A data or CD-Text file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The layout the sheet describes breaks a rule of the disc model.
    #[error("{}: {source}", sheet.display())]
    Layout {
        /// The sheet.
        sheet: PathBuf,
        /// The underlying error.
        #[source]
        source: LayoutError,
    },
    /// The sheet's CD-Text does not fit the CD-Text limits.
    #[error("{}: CD-Text: {source}", sheet.display())]
    CdText {
        /// The sheet.
        sheet: PathBuf,
        /// The underlying error.
        #[source]
        source: CdTextError,
    },
    /// A `CDTEXTFILE` that is not a valid pack file.
    #[error("{}: {source}", path.display())]
    Cdt {
        /// The `.cdt` file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: CdtError,
    },
    /// A 2352-byte data track (cue `MODE1/2352`, `MODE2/2352`; TOC `MODE1_RAW`, `MODE2_RAW`)
    /// whose file does not start a sector with the sync pattern where the sheet says one is.
    #[error("{}: track {track:02} ({mode}): {}: no sync pattern at byte {byte}, so this is not a raw 2352-byte sector (is the track mode right?)", sheet.display(), file.display())]
    NoSync {
        /// The sheet.
        sheet: PathBuf,
        /// Track number.
        track: u8,
        /// The track mode as a cue sheet writes it.
        mode: &'static str,
        /// The data file.
        file: PathBuf,
        /// Byte offset of the sector in the file.
        byte: u64,
    },
    /// Something the sheet asks for that rawcd cannot do yet.
    #[error("{}: track {track:02}: {what} is not supported", sheet.display())]
    Unsupported {
        /// The sheet.
        sheet: PathBuf,
        /// Track number.
        track: u8,
        /// What.
        what: &'static str,
    },
}

impl ConvertError {
    /// True when the input is at fault (CLI exit code 2); false only for I/O failures other
    /// than a missing or unreadable input file.
    pub fn is_bad_input(&self) -> bool {
        match self {
            ConvertError::Io { source, .. } => matches!(
                source.kind(),
                io::ErrorKind::NotFound
                    | io::ErrorKind::InvalidData
                    | io::ErrorKind::UnexpectedEof
                    | io::ErrorKind::PermissionDenied
            ),
            _ => true,
        }
    }
}

/// The 8-byte subheader rawcd gives TOC `MODE2_FORM2` sectors (Form 2 bit set, D10).
pub const FORM2_SUBHEADER: [u8; 8] = [0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x20, 0x00];

/// Builds an [`ImageCreator`] holding the plan's tracks, laid out exactly as the sheet says
/// (explicit layouts: generated pre-gap, stored pre-gap = INDEX 00 part, generated post-gap),
/// with flags, ISRCs, indexes 02.., the MCN, the CD-i disc type, the starting track number and
/// CD-Text (`CDTEXTFILE` packs, TOC `CD_TEXT` blocks, or cue TITLE/PERFORMER/… fields as one
/// English ISO-8859-1 block).
///
/// Tracks with stored subchannel (cue `CDG`, TOC `RW`/`RW_RAW`) keep their R–W as the track's
/// own cooked R–W stream ([`ImageCreator::set_track_rw`]), de-interleaved first when raw.
///
/// # Errors
/// [`ConvertError`]: a file that cannot be opened or is shorter than the plan says, a layout
/// rule (e.g. a track under 4 s unless `relaxed`), CD-Text limits, a bad `.cdt` file, CD+G.
pub fn plan_to_creator(
    plan: &DiscPlan,
    opts: &ConvertOptions,
) -> Result<ImageCreator, ConvertError> {
    let layout_err = |source| ConvertError::Layout {
        sheet: plan.sheet.clone(),
        source,
    };
    let mut c = ImageCreator::new();
    c.set_relaxed(opts.relaxed);
    if plan.first_track != 1 {
        c.set_starting_track_number(u32::from(plan.first_track))
            .map_err(layout_err)?;
    }
    if let Some(m) = &plan.catalog {
        c.set_media_catalog_number(&m.to_string())
            .map_err(layout_err)?;
    }
    if plan.disc_type == Some(DiscType::CdI) {
        c.set_cdi(true);
    }
    let mut files = FileCache(HashMap::new(), decoders_for(opts), HashMap::new());
    for (i, t) in plan.tracks.iter().enumerate() {
        if plan.sessions.contains(&i) {
            c.new_session().map_err(layout_err)?;
        }
        let layout = TrackLayout {
            pregap_generated: t.pregap_generated,
            pregap_stored: t.index1,
            postgap_generated: t.postgap_generated,
        };
        let unscrambled =
            matches!(t.mode, TrackMode::Mode1Raw | TrackMode::Mode2Raw) && !plan.data_scrambled;
        if t.sub.is_some() || t.mode == TrackMode::Cdg {
            let (main, sub) = split_subchannel(t, &mut files)?;
            let n = c
                .add_track_explicit(
                    t.mode.sector_type(),
                    vec![TrackPiece::Source(main)],
                    layout,
                    unscrambled,
                )
                .map_err(layout_err)?;
            if t.sub == Some(SubchannelInput::RawAsRead) && !opts.regenerate_subchannel {
                c.set_track_subchannel_as_read(u32::from(n), sub)
                    .map_err(layout_err)?;
            } else {
                let form = if t.sub == Some(SubchannelInput::Packed) {
                    RwForm::StoredPacked
                } else {
                    RwForm::StoredRaw
                };
                c.set_track_rw_as(u32::from(n), sub, form)
                    .map_err(layout_err)?;
            }
            set_flags(&mut c, t, n).map_err(layout_err)?;
            continue;
        }
        if !opts.examine {
            check_sync(plan, t, &mut files)?;
        }
        let pieces = track_pieces(t, opts, &mut files)?;
        let n = c
            .add_track_explicit(t.mode.sector_type(), pieces, layout, unscrambled)
            .map_err(layout_err)?;
        set_flags(&mut c, t, n).map_err(layout_err)?;
    }
    if let Some(packs) = plan_cdtext_packs(plan)? {
        c.set_cdtext_packs(&packs);
    }
    if !opts.regenerate_subchannel {
        if let Some(sub) = &plan.subchannel_as_read {
            c.set_subchannel_as_read(files.get(sub)?);
        }
        for (n, toc) in &plan.toc_as_read {
            c.set_leadin_toc_as_read(*n, toc.clone());
        }
    }
    Ok(c)
}

fn set_flags(c: &mut ImageCreator, t: &TrackPlan, n: u8) -> Result<(), LayoutError> {
    let s = c.track_info_mut(u32::from(n))?;
    s.isrc = t.isrc.clone();
    s.copy = if t.scms {
        CopySetting::Scms
    } else if t.copy {
        CopySetting::Permitted
    } else {
        CopySetting::Prohibited
    };
    s.preemphasis = t.preemphasis;
    s.four_channel = t.four_channel;
    s.indexes = t.indexes.iter().map(|&i| i - t.index1).collect();
    s.label = (t.mode == TrackMode::Mode2FormMix).then_some("mode2mixed");
    Ok(())
}

/// A track stored with its subchannel after each sector (cue `CDG`: 2352 audio + 96 raw
/// interleaved P–W, D20; TOC `RW_RAW`: the same after any mode; TOC `RW`: 96 packed bytes;
/// Nero and Alcohol: raw P–W as read): its main channel and its 96 subchannel bytes per
/// sector as stored, as two sources. When the track is one run of a mapped (or in-memory)
/// file, both are [`Source::strided`] views of it, read as the stream goes (nothing of the
/// track is copied); otherwise (silence pieces, several files, a piece that ends inside a
/// sector, a decoded ECM stream) the track is read into memory and split; a CHD track is two
/// strided views of its decoded content, read front to back. The caller
/// says how the subchannel is used ([`RwForm`], clone mode).
fn split_subchannel(
    t: &TrackPlan,
    files: &mut FileCache,
) -> Result<(Source, Source), ConvertError> {
    let total = t.sector_bytes();
    let main_size = total - 96;
    if let Some((path, offset, len)) = one_file_run(t) {
        let whole = files.slice(path, offset, len)?;
        let count = len.div_ceil(u64::from(total));
        // A CHD track's frames: two views of its content, which share the decoders and
        // their recent hunks.
        if let Some(img) = files.2.get(path) {
            let views = (
                img.strided(offset, main_size, total, count),
                img.strided(offset + u64::from(main_size), 96, total, count),
            );
            if let (Some(main), Some(sub)) = views {
                return Ok((main, sub));
            }
        }
        if !whole.is_reader() {
            let view = |start, take| {
                whole
                    .strided(start, take, total, count)
                    .map_err(|source| ConvertError::Io {
                        path: path.to_path_buf(),
                        source,
                    })
            };
            return Ok((view(0, main_size)?, view(u64::from(main_size), 96)?));
        }
    }
    let total = total as usize;
    let mut all = Vec::new();
    for seg in &t.segments {
        read_segment(seg, files, &mut all)?;
    }
    let sectors = all.len().div_ceil(total);
    all.resize(sectors * total, 0);
    let mut main = Vec::with_capacity(sectors * (total - 96));
    let mut sub = Vec::with_capacity(sectors * 96);
    for s in all.chunks_exact(total) {
        main.extend_from_slice(&s[..total - 96]);
        sub.extend_from_slice(&s[total - 96..]);
    }
    Ok((Source::from_bytes(main), Source::from_bytes(sub)))
}

/// The track's content as one run of one file, `(path, offset, length)`, when its pieces are
/// adjacent ranges of the same file stored as they are (no silence, no byte swap, no decoded
/// audio), each but the last whole sectors.
fn one_file_run(t: &TrackPlan) -> Option<(&Path, u64, u64)> {
    let size = u64::from(t.sector_bytes());
    let mut run: Option<(&Path, u64, u64)> = None;
    let pieces: Vec<&Segment> = t.segments.iter().filter(|s| s.byte_len() > 0).collect();
    for (i, seg) in pieces.iter().enumerate() {
        let Segment::File {
            path,
            byte_offset,
            byte_len,
            swap: false,
        } = seg
        else {
            return None;
        };
        if i + 1 < pieces.len() && byte_len % size != 0 {
            return None;
        }
        run = match run {
            None => Some((path.as_path(), *byte_offset, *byte_len)),
            Some((p, o, l)) if p == path.as_path() && o + l == *byte_offset => {
                Some((p, o, l + byte_len))
            }
            Some(_) => return None,
        };
    }
    run
}

/// Opened data files, by path: one memory map per file however many tracks use it; one
/// decoder per decoded audio file; and the content of each ECM or CHD image (a file whose
/// content is one of them is read through its decoder: offsets are in the decoded content).
struct FileCache(
    HashMap<PathBuf, Source>,
    Decoders,
    HashMap<PathBuf, super::image::ImageContent>,
);

#[cfg(feature = "audio")]
type Decoders = crate::formats::audio::stream::DecodeSet;
/// Without the `audio` feature there is nothing to decode.
#[cfg(not(feature = "audio"))]
struct Decoders;

#[cfg(feature = "audio")]
fn decoders_for(opts: &ConvertOptions) -> Decoders {
    use crate::formats::audio::stream::{DecodeBudget, DecodeSet};
    DecodeSet::new(DecodeBudget::new(opts.decode_ahead_bytes, opts.decoders))
}
#[cfg(not(feature = "audio"))]
fn decoders_for(_: &ConvertOptions) -> Decoders {
    Decoders
}

impl FileCache {
    fn get(&mut self, path: &Path) -> Result<Source, ConvertError> {
        if let Some(s) = self.0.get(path) {
            return Ok(s.clone());
        }
        let s = Source::open(path).map_err(|source| ConvertError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        self.0.insert(path.to_path_buf(), s.clone());
        Ok(s)
    }

    /// A `Read` source over a byte range of a decoded audio file's CD PCM.
    fn decoded(
        &mut self,
        path: &Path,
        offset: u64,
        len: u64,
        convert: bool,
    ) -> Result<Source, ConvertError> {
        #[cfg(feature = "audio")]
        {
            use crate::formats::audio::{probe, AudioOptions};
            if let Some(f) = self.1.get(path) {
                return Ok(f.segment(offset, len));
            }
            let opts = AudioOptions {
                convert,
                ..Default::default()
            };
            let info = probe(path, &opts).map_err(|e| ConvertError::Io {
                path: path.to_path_buf(),
                source: e.into_io(),
            })?;
            Ok(self.1.add(&info, convert).segment(offset, len))
        }
        #[cfg(not(feature = "audio"))]
        {
            let _ = (offset, len, convert, &self.1);
            Err(ConvertError::Io {
                path: path.to_path_buf(),
                source: io::Error::new(
                    io::ErrorKind::InvalidData,
                    "decoded audio needs rawcd's feature `audio`",
                ),
            })
        }
    }

    fn slice(&mut self, path: &Path, offset: u64, len: u64) -> Result<Source, ConvertError> {
        if !self.0.contains_key(path) && !self.2.contains_key(path) {
            if let Some(img) = super::image::open_content(path).map_err(|e| ConvertError::Io {
                path: path.to_path_buf(),
                source: e.into_io(),
            })? {
                self.2.insert(path.to_path_buf(), img);
            }
        }
        if let Some(img) = self.2.get(path) {
            if offset.checked_add(len).is_none_or(|e| e > img.len()) {
                return Err(ConvertError::Io {
                    path: path.to_path_buf(),
                    source: io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!(
                            "range {offset}+{len} past the end of the decoded content ({} bytes)",
                            img.len()
                        ),
                    ),
                });
            }
            return Ok(img.segment(offset, len));
        }
        self.get(path)?
            .slice(offset, len)
            .map_err(|source| ConvertError::Io {
                path: path.to_path_buf(),
                source,
            })
    }
}

/// A piece of a track's content in the file's sector format (before any per-sector change).
enum Chunk {
    Zero(u32),
    Slice(Source),
    Owned(Vec<u8>),
}

fn read_segment(
    seg: &Segment,
    files: &mut FileCache,
    out: &mut Vec<u8>,
) -> Result<(), ConvertError> {
    let (s, path, len, swap) = match seg {
        Segment::Silence { byte_len } => {
            out.resize(out.len() + *byte_len as usize, 0);
            return Ok(());
        }
        Segment::File {
            path,
            byte_offset,
            byte_len,
            swap,
        } => (
            files.slice(path, *byte_offset, *byte_len)?,
            path,
            *byte_len,
            *swap,
        ),
        Segment::Decoded {
            path,
            byte_offset,
            byte_len,
            convert,
        } => (
            files.decoded(path, *byte_offset, *byte_len, *convert)?,
            path,
            *byte_len,
            false,
        ),
    };
    let start = out.len();
    out.resize(start + len as usize, 0);
    s.read_at(0, &mut out[start..])
        .map_err(|source| ConvertError::Io {
            path: path.clone(),
            source,
        })?;
    if swap {
        swap16(&mut out[start..]);
    }
    Ok(())
}

/// Swaps the bytes of every 16-bit sample (a trailing odd byte stays).
fn swap16(b: &mut [u8]) {
    for pair in b.chunks_exact_mut(2) {
        pair.swap(0, 1);
    }
}

/// Splits a track's segments into chunks of whole sectors (file format), joining in memory
/// only where a segment ends inside a sector (module docs).
fn chunks(t: &TrackPlan, files: &mut FileCache) -> Result<Vec<Chunk>, ConvertError> {
    let size = u64::from(t.mode.bytes_per_sector());
    let last = t.segments.iter().rposition(|s| s.byte_len() > 0);
    let mut out = Vec::new();
    let mut pending: Option<Vec<u8>> = None;
    for (i, seg) in t.segments.iter().enumerate() {
        let len = seg.byte_len();
        if len == 0 {
            continue;
        }
        if let Some(buf) = pending.as_mut() {
            read_segment(seg, files, buf)?;
            if buf.len() as u64 % size == 0 {
                out.push(Chunk::Owned(pending.take().unwrap_or_default()));
            }
            continue;
        }
        if len % size != 0 && Some(i) != last {
            let mut buf = Vec::new();
            read_segment(seg, files, &mut buf)?;
            pending = Some(buf);
            continue;
        }
        match seg {
            Segment::Silence { byte_len } => {
                out.push(Chunk::Zero(byte_len.div_ceil(size) as u32));
            }
            Segment::File {
                path,
                byte_offset,
                byte_len,
                swap: false,
            } => out.push(Chunk::Slice(files.slice(path, *byte_offset, *byte_len)?)),
            Segment::Decoded {
                path,
                byte_offset,
                byte_len,
                convert,
            } => out.push(Chunk::Slice(files.decoded(
                path,
                *byte_offset,
                *byte_len,
                *convert,
            )?)),
            Segment::File { swap: true, .. } => {
                let mut buf = Vec::new();
                read_segment(seg, files, &mut buf)?;
                out.push(Chunk::Owned(buf));
            }
        }
    }
    if let Some(buf) = pending {
        out.push(Chunk::Owned(buf));
    }
    Ok(out)
}

/// Per-sector rewriting a track's bytes need before ImageCreator takes them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rewrite {
    None,
    /// TOC `MODE2_FORM2`: 2324 → 2336 bytes.
    Form2,
    /// `MODE2_FORM_MIX` with regenerated EDC/ECC.
    RegenerateXa,
}

/// How many leading all-zero sectors [`check_sync`] looks past (a long silent pre-gap).
const ZERO_PREGAP_LIMIT: u64 = 1000;

/// For tracks of whole unscrambled 2352-byte sectors: the first sector of every file piece
/// that is not all zero must start with the sync pattern (a mode given wrongly is caught
/// here, naming the file; a later sector without sync is caught by the encoder, naming its
/// LBA).
fn check_sync(plan: &DiscPlan, t: &TrackPlan, files: &mut FileCache) -> Result<(), ConvertError> {
    let mode = match t.mode {
        TrackMode::Mode1Raw => "MODE1/2352",
        TrackMode::Mode2Raw => "MODE2/2352",
        _ => return Ok(()),
    };
    for seg in &t.segments {
        if let Segment::File {
            path,
            byte_offset,
            byte_len,
            ..
        } = seg
        {
            // The first sector that is not all zero must start with sync: a data track after
            // audio may begin with a silent (all-zero) pre-gap, which rawcd itself writes.
            let mut at = 0u64;
            while at + 12 <= *byte_len && at < ZERO_PREGAP_LIMIT * 2352 {
                let mut head = [0u8; 12];
                files
                    .slice(path, *byte_offset + at, 12)?
                    .read_at(0, &mut head)
                    .map_err(|source| ConvertError::Io {
                        path: path.clone(),
                        source,
                    })?;
                if head == [0u8; 12] {
                    at += 2352;
                    continue;
                }
                if head != sector::SYNC {
                    return Err(ConvertError::NoSync {
                        sheet: plan.sheet.clone(),
                        track: t.number,
                        mode,
                        file: path.clone(),
                        byte: *byte_offset + at,
                    });
                }
                break;
            }
        }
    }
    Ok(())
}

fn track_pieces(
    t: &TrackPlan,
    opts: &ConvertOptions,
    files: &mut FileCache,
) -> Result<Vec<TrackPiece>, ConvertError> {
    let rewrite = match t.mode {
        TrackMode::Mode2Form2 => Rewrite::Form2,
        TrackMode::Mode2FormMix if opts.regenerate_edc => Rewrite::RegenerateXa,
        _ => Rewrite::None,
    };
    let mut pieces = Vec::new();
    for ch in chunks(t, files)? {
        let piece = match (ch, rewrite) {
            (Chunk::Zero(n), _) => TrackPiece::Zero(n),
            (Chunk::Slice(s), Rewrite::None) => TrackPiece::Source(s),
            (Chunk::Owned(b), Rewrite::None) => TrackPiece::Source(Source::from_bytes(b)),
            (ch, rw) => {
                let bytes = match ch {
                    Chunk::Slice(s) => {
                        let mut b = vec![0u8; s.len() as usize];
                        s.read_at(0, &mut b).map_err(|source| ConvertError::Io {
                            path: PathBuf::from(s.name()),
                            source,
                        })?;
                        b
                    }
                    Chunk::Owned(b) => b,
                    Chunk::Zero(_) => Vec::new(),
                };
                let out = if rw == Rewrite::Form2 {
                    form2_from_2324(&bytes)
                } else {
                    regenerate_xa(bytes)
                };
                TrackPiece::Source(Source::from_bytes(out))
            }
        };
        pieces.push(piece);
    }
    Ok(pieces)
}

/// Turns 2324-byte Form 2 user data sectors into IMAPI's 2336-byte Mode 2 Form 2 input:
/// [`FORM2_SUBHEADER`], the data, and the EDC over subheader and data (little-endian). A
/// trailing partial sector (not produced by resolved plans) is zero-padded.
pub fn form2_from_2324(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len().div_ceil(2324) * 2336);
    for chunk in data.chunks(2324) {
        let start = out.len();
        out.extend_from_slice(&FORM2_SUBHEADER);
        out.extend_from_slice(chunk);
        out.resize(start + 8 + 2324, 0);
        let edc = crate::codec::edc::edc_table(&out[start..start + 8 + 2324]);
        out.extend_from_slice(&edc.to_le_bytes());
    }
    out
}

/// Recomputes EDC (and ECC for Form 1) of 2336-byte Mode 2 sectors from each subheader's
/// Form bit. Mode 2 EDC and ECC do not cover the header, so the result does not depend on
/// where the sector lands.
pub fn regenerate_xa(mut data: Vec<u8>) -> Vec<u8> {
    let mut sec = [0u8; SECTOR_SIZE];
    for chunk in data.chunks_exact_mut(2336) {
        sec[..16].fill(0);
        sec[16..].copy_from_slice(chunk);
        if chunk[2] & sector::SUBMODE_FORM2 != 0 {
            finish_form2(&Table, &mut sec);
        } else {
            finish_form1(&Table, &mut sec);
        }
        chunk.copy_from_slice(&sec[16..]);
    }
    data
}

/// ISO-8859-1 bytes of a string (characters outside Latin-1 become `?`).
fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

fn cue_texts(f: &TextFields) -> Texts {
    let get = |v: &Option<String>| v.as_deref().map(latin1).unwrap_or_default();
    Texts {
        title: get(&f.title),
        performer: get(&f.performer),
        songwriter: get(&f.songwriter),
        composer: get(&f.composer),
        arranger: get(&f.arranger),
        message: get(&f.message),
    }
}

/// The EBU language code of a TOC `LANGUAGE_MAP` value: a number (decimal or `0x..`) or one of
/// a few two-letter names.
pub fn language_code(text: &str) -> Option<u8> {
    let t = text.trim();
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return u8::from_str_radix(h, 16).ok();
    }
    if let Ok(n) = t.parse::<u8>() {
        return Some(n);
    }
    Some(match t.to_ascii_uppercase().as_str() {
        "EN" => 0x09,
        "DE" => 0x08,
        "FR" => 0x0F,
        "ES" => 0x0A,
        "IT" => 0x15,
        "NL" => 0x1D,
        "SV" => 0x28,
        "JA" => 0x69,
        "ZH" => 0x75,
        "KO" => 0x65,
        "RU" => 0x56,
        _ => return None,
    })
}

fn kind_of(k: TextKey) -> Option<TextKind> {
    Some(match k {
        TextKey::Title => TextKind::Title,
        TextKey::Performer => TextKind::Performer,
        TextKey::Songwriter => TextKind::Songwriter,
        TextKey::Composer => TextKind::Composer,
        TextKey::Arranger => TextKind::Arranger,
        TextKey::Message => TextKind::Message,
        _ => return None,
    })
}

/// The CD-Text a plan describes, if any: TOC `CD_TEXT` language blocks (one [`Block`] per block
/// number in ascending order, language from `LANGUAGE_MAP`, English when unmapped), else the
/// cue fields as one English ISO-8859-1 block. TOC `TOC_INFO1`/`TOC_INFO2` are not encoded; a
/// text `GENRE` gets genre code 0.
pub fn plan_cdtext(plan: &DiscPlan) -> Option<CdText> {
    let n = plan.tracks.len();
    let mut numbers: Vec<u8> = plan
        .text
        .blocks
        .iter()
        .map(|b| b.language)
        .chain(
            plan.tracks
                .iter()
                .flat_map(|t| t.text.blocks.iter().map(|b| b.language)),
        )
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    if !numbers.is_empty() {
        let mut blocks = Vec::new();
        for num in numbers {
            let lang = plan
                .text
                .language_map
                .iter()
                .find(|(b, _)| *b == num)
                .and_then(|(_, code)| language_code(code))
                .unwrap_or(0x09);
            let mut b = Block::new(lang, Charset::Iso8859_1, plan.first_track, n);
            for tb in plan.text.blocks.iter().filter(|x| x.language == num) {
                for (k, v) in &tb.fields {
                    let bytes = latin1(v);
                    match (k, kind_of(*k)) {
                        (_, Some(kind)) => *b.disc.get_mut(kind) = bytes,
                        (TextKey::DiscId, _) => b.disc_id = bytes,
                        (TextKey::Genre, _) => {
                            b.genre = Some(Genre {
                                code: 0,
                                text: bytes,
                            })
                        }
                        (TextKey::UpcIsrc, _) => b.upc_ean = bytes,
                        _ => {}
                    }
                }
            }
            for (ti, t) in plan.tracks.iter().enumerate() {
                for tb in t.text.blocks.iter().filter(|x| x.language == num) {
                    for (k, v) in &tb.fields {
                        let bytes = latin1(v);
                        match (k, kind_of(*k)) {
                            (_, Some(kind)) => *b.tracks[ti].texts.get_mut(kind) = bytes,
                            (TextKey::UpcIsrc, _) => b.tracks[ti].isrc = bytes,
                            _ => {}
                        }
                    }
                }
            }
            blocks.push(b);
        }
        return Some(CdText { blocks });
    }
    let mut b = Block::new(0x09, Charset::Iso8859_1, plan.first_track, n);
    b.disc = cue_texts(&plan.text);
    for (ti, t) in plan.tracks.iter().enumerate() {
        b.tracks[ti].texts = cue_texts(&t.text);
    }
    let any = TextKind::ALL
        .iter()
        .any(|&k| !b.disc.get(k).is_empty() || b.tracks.iter().any(|t| !t.texts.get(k).is_empty()));
    any.then_some(CdText { blocks: vec![b] })
}

/// The packs [`plan_to_creator`] puts in the lead-in for `plan`: the `CDTEXTFILE`'s packs, or
/// the encoded [`plan_cdtext`]; `None` without CD-Text.
///
/// # Errors
/// The `.cdt` file cannot be read or is invalid; the text does not fit the limits.
pub fn plan_cdtext_packs(plan: &DiscPlan) -> Result<Option<Vec<Pack>>, ConvertError> {
    if let Some(p) = &plan.cdtext_packs {
        return Ok(Some(p.clone()));
    }
    if let Some(f) = &plan.text.cdtext_file {
        let bytes = std::fs::read(f).map_err(|source| ConvertError::Io {
            path: f.clone(),
            source,
        })?;
        return read_cdt(&bytes)
            .map(Some)
            .map_err(|source| ConvertError::Cdt {
                path: f.clone(),
                source,
            });
    }
    match plan_cdtext(plan) {
        None => Ok(None),
        Some(t) => t
            .encode(&Default::default())
            .map(Some)
            .map_err(|source| ConvertError::CdText {
                sheet: plan.sheet.clone(),
                source,
            }),
    }
}
