//! The neutral disc plan that both sheet parsers produce: tracks, their content as file pieces
//! and generated sectors, indexes, gaps, flags and text. No I/O here.
//!
//! Vocabulary (cd-format.md §10.2): a track is `pregap_generated` sectors rawcd makes up, then
//! its *content* (the segments in order), then `postgap_generated` sectors rawcd makes up. The
//! content before `index1` is the stored pre-gap (index 00); INDEX 01 starts at `index1`.
#![forbid(unsafe_code)]

use std::path::PathBuf;

use crate::codec::{Isrc, Mcn, SectorType};

/// The session type a TOC file declares (cue sheets only imply one for `CDI/…` tracks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscType {
    /// `CD_DA`: audio.
    CdDa,
    /// `CD_ROM`: Mode 1 data (and audio).
    CdRom,
    /// `CD_ROM_XA`: Mode 2 XA.
    CdRomXa,
    /// `CD_I` or cue `CDI/…` tracks: disc type byte `10` (D11).
    CdI,
}

/// How a track's sectors arrive in its files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackMode {
    /// 2352 bytes of 16-bit stereo PCM (cue `AUDIO`, TOC `AUDIO`) → [`SectorType::Audio`].
    Audio,
    /// Mode 0, 2336 zero bytes (TOC `MODE0`) → [`SectorType::Mode0`].
    Mode0,
    /// Mode 1, 2048 user bytes (cue `MODE1/2048`, TOC `MODE1`) → [`SectorType::Mode1`].
    Mode1,
    /// Mode 1, whole 2352-byte sectors, **unscrambled** (cue `MODE1/2352`, TOC `MODE1_RAW`) →
    /// [`SectorType::Mode1Raw`] after scrambling (D23).
    Mode1Raw,
    /// Mode 2 formless, 2336 bytes (TOC `MODE2`) → [`SectorType::Mode2Form0`].
    Mode2,
    /// Mode 2 Form 1, 2048 user bytes (TOC `MODE2_FORM1`) → [`SectorType::Mode2Form1`].
    Mode2Form1,
    /// Mode 2 Form 2, 2324 user bytes without subheader or EDC (TOC `MODE2_FORM2`) →
    /// [`SectorType::Mode2Form2`] once rawcd adds the subheader `00 00 20 00` (D10).
    Mode2Form2,
    /// Mode 2, bytes 16..2351 passed through unchanged, Form 1 and Form 2 mixed (cue
    /// `MODE2/2336`, `CDI/2336`, TOC `MODE2_FORM_MIX`; D20) → [`SectorType::Mode2Form0`] in
    /// byte count, `mode2mixed` in the JSON.
    Mode2FormMix,
    /// Mode 2, whole 2352-byte sectors, **unscrambled** (cue `MODE2/2352`, `CDI/2352`, TOC
    /// `MODE2_RAW`) → [`SectorType::Mode2Form0Raw`] after scrambling (D23).
    Mode2Raw,
    /// CD+G (cue `CDG`): 2352 audio bytes then 96 raw interleaved P–W bytes per sector
    /// (D20) → [`SectorType::Audio`] plus R–W.
    Cdg,
}

impl TrackMode {
    /// Bytes per sector in the track's files (without TOC `RW`/`RW_RAW` subchannel).
    pub const fn bytes_per_sector(self) -> u32 {
        match self {
            TrackMode::Audio | TrackMode::Mode1Raw | TrackMode::Mode2Raw => 2352,
            TrackMode::Mode0 | TrackMode::Mode2 | TrackMode::Mode2FormMix => 2336,
            TrackMode::Mode1 | TrackMode::Mode2Form1 => 2048,
            TrackMode::Mode2Form2 => 2324,
            TrackMode::Cdg => 2448,
        }
    }

    /// The IMAPI sector type the track becomes (see each variant for the conversion).
    pub const fn sector_type(self) -> SectorType {
        match self {
            TrackMode::Audio | TrackMode::Cdg => SectorType::Audio,
            TrackMode::Mode0 => SectorType::Mode0,
            TrackMode::Mode1 => SectorType::Mode1,
            TrackMode::Mode1Raw => SectorType::Mode1Raw,
            TrackMode::Mode2 | TrackMode::Mode2FormMix => SectorType::Mode2Form0,
            TrackMode::Mode2Form1 => SectorType::Mode2Form1,
            TrackMode::Mode2Form2 => SectorType::Mode2Form2,
            TrackMode::Mode2Raw => SectorType::Mode2Form0Raw,
        }
    }

    /// True for audio (and CD+G) tracks.
    pub const fn is_audio(self) -> bool {
        matches!(self, TrackMode::Audio | TrackMode::Cdg)
    }
}

/// Subchannel data stored with a track's main data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubchannelInput {
    /// TOC `RW`: 96 bytes of packed (cooked) R–W per sector; parity and interleave generated.
    Packed,
    /// TOC `RW_RAW` and cue `CDG`: 96 bytes of raw interleaved P–W per sector; R–W used as is.
    Raw,
    /// Nero (mode codes 0x0F, 0x10, 0x11) and Alcohol (subchannel mode 8): 96 bytes of raw
    /// interleaved P–W per sector as the drive read them (bit 7 P, bit 6 Q, bits 5..0 R–W; the
    /// form of rawcd's `raw96`, not CloneCD's linear `.sub`). Clone mode: outputs carry the
    /// whole P–W as stored, unless
    /// [`ConvertOptions::regenerate_subchannel`](super::ConvertOptions::regenerate_subchannel),
    /// which keeps the R–W as [`SubchannelInput::Raw`] does and generates P and Q.
    RawAsRead,
}

/// One piece of a track's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Bytes from a file (the path as resolved on disk, or as written when no file system was
    /// consulted).
    File {
        /// The file.
        path: PathBuf,
        /// First byte (absolute in the file, WAV header already skipped).
        byte_offset: u64,
        /// Number of bytes.
        byte_len: u64,
        /// True when the bytes are big-endian 16-bit audio that must be swapped.
        swap: bool,
    },
    /// Bytes of a compressed or non-CD audio file (FLAC, ALAC, AIFF, Vorbis, MP3, WAV of
    /// another layout), decoded while streaming: positions are in the file's decoded 16-bit
    /// stereo little-endian PCM (feature `audio`, see `formats::audio`).
    Decoded {
        /// The file.
        path: PathBuf,
        /// First byte of the decoded PCM.
        byte_offset: u64,
        /// Number of bytes.
        byte_len: u64,
        /// Convert a non-CD layout (mono, 24-bit) instead of refusing it.
        convert: bool,
    },
    /// Zero bytes rawcd generates: digital silence in audio tracks, zero user data in data
    /// tracks (encoded in the track's mode).
    Silence {
        /// Number of zero bytes (whole sectors except for audio sample counts).
        byte_len: u64,
    },
}

impl Segment {
    /// Bytes this segment contributes.
    pub fn byte_len(&self) -> u64 {
        match self {
            Segment::File { byte_len, .. }
            | Segment::Decoded { byte_len, .. }
            | Segment::Silence { byte_len } => *byte_len,
        }
    }
}

/// Which CD-Text item a TOC `CD_TEXT` field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKey {
    /// `TITLE` (pack 0x80).
    Title,
    /// `PERFORMER` (0x81).
    Performer,
    /// `SONGWRITER` (0x82).
    Songwriter,
    /// `COMPOSER` (0x83).
    Composer,
    /// `ARRANGER` (0x84).
    Arranger,
    /// `MESSAGE` (0x85).
    Message,
    /// `DISC_ID` (0x86).
    DiscId,
    /// `GENRE` (0x87).
    Genre,
    /// `TOC_INFO1` (0x88).
    TocInfo1,
    /// `TOC_INFO2` (0x89).
    TocInfo2,
    /// `UPC_EAN` at disc level, `ISRC` at track level (0x8E).
    UpcIsrc,
}

/// One `LANGUAGE n { … }` block of a TOC `CD_TEXT` section.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextBlock {
    /// The block number 0..=7.
    pub language: u8,
    /// The fields in sheet order (binary `{ … }` values are skipped with a warning).
    pub fields: Vec<(TextKey, String)>,
}

/// CD-Text and remarks of the disc or of one track.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextFields {
    /// Cue `TITLE`.
    pub title: Option<String>,
    /// Cue `PERFORMER`.
    pub performer: Option<String>,
    /// Cue `SONGWRITER`.
    pub songwriter: Option<String>,
    /// Cue `COMPOSER`.
    pub composer: Option<String>,
    /// Cue `ARRANGER`.
    pub arranger: Option<String>,
    /// Cue `MESSAGE`.
    pub message: Option<String>,
    /// Cue `CDTEXTFILE` (disc level only): as written in the sheet, joined to the sheet's
    /// directory once resolved.
    pub cdtext_file: Option<PathBuf>,
    /// TOC `CD_TEXT` language blocks.
    pub blocks: Vec<TextBlock>,
    /// TOC `LANGUAGE_MAP` (disc level): block number → language code as written (`EN`, `9`).
    pub language_map: Vec<(u8, String)>,
    /// Cue `REM KEY value` lines (`GENRE`, `DATE`, …), key upper-cased.
    pub remarks: Vec<(String, String)>,
}

/// The text of a track (same shape as the disc's; `cdtext_file` and `language_map` unused).
pub type TrackText = TextFields;

/// One track of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackPlan {
    /// Track number 1..=99.
    pub number: u8,
    /// How the sectors arrive.
    pub mode: TrackMode,
    /// Digital copy permitted (cue `FLAGS DCP`, TOC `COPY`; CTRL 0x2).
    pub copy: bool,
    /// Pre-emphasis (cue `PRE`, TOC `PRE_EMPHASIS`; CTRL 0x1).
    pub preemphasis: bool,
    /// Four-channel audio (cue `4CH`, TOC `FOUR_CHANNEL_AUDIO`; CTRL 0x8).
    pub four_channel: bool,
    /// Serial copy management (cue `SCMS`; D21).
    pub scms: bool,
    /// The track's ISRC.
    pub isrc: Option<Isrc>,
    /// Sectors rawcd generates before the content, as index 00 (cue `PREGAP`).
    pub pregap_generated: u32,
    /// The content in order. Its bytes are concatenated; an audio track's total is zero-padded
    /// to a whole sector, a data track's total must be whole sectors.
    pub segments: Vec<Segment>,
    /// Sectors from the start of the content to INDEX 01 (what precedes is the stored pre-gap,
    /// index 00: cue `INDEX 00`, TOC `START`/`PREGAP`).
    pub index1: u32,
    /// INDEX 02, 03, … as sector offsets from the start of the content; strictly increasing,
    /// each > `index1` and < the content length.
    pub indexes: Vec<u32>,
    /// Sectors rawcd generates after the content, in the last index (cue `POSTGAP`).
    pub postgap_generated: u32,
    /// CD-Text of the track.
    pub text: TrackText,
    /// Subchannel stored with the main data (TOC `RW`/`RW_RAW`, cue `CDG`).
    pub sub: Option<SubchannelInput>,
}

impl TrackPlan {
    /// Bytes per sector in the files, including stored subchannel.
    pub fn sector_bytes(&self) -> u32 {
        let extra = match (self.sub, self.mode) {
            (Some(_), m) if m != TrackMode::Cdg => 96,
            _ => 0,
        };
        self.mode.bytes_per_sector() + extra
    }

    /// Bytes of content (all segments).
    /// Saturates instead of overflowing, so absurd sheets reach the size checks as "too large".
    pub fn content_bytes(&self) -> u64 {
        self.segments
            .iter()
            .fold(0u64, |a, s| a.saturating_add(s.byte_len()))
    }

    /// Sectors of content (an audio track's partial last sector counts as one).
    pub fn content_sectors(&self) -> u64 {
        self.content_bytes().div_ceil(self.sector_bytes() as u64)
    }

    /// All sectors of the track: generated pre-gap, content, generated post-gap.
    pub fn total_sectors(&self) -> u64 {
        self.pregap_generated as u64 + self.content_sectors() + self.postgap_generated as u64
    }

    /// Sectors of index 00 (generated plus stored pre-gap).
    pub fn pregap_sectors(&self) -> u64 {
        self.pregap_generated as u64 + self.index1 as u64
    }

    /// Sectors from INDEX 01 to the end of the track (post-gap included).
    pub fn sectors_from_index1(&self) -> u64 {
        self.total_sectors() - self.pregap_sectors()
    }

    /// The Q CTRL nibble: 0x4 data, 0x8 four-channel, 0x2 copy, 0x1 pre-emphasis.
    pub fn control(&self) -> u8 {
        let mut c = 0;
        if !self.mode.is_audio() {
            c |= 0x4;
        }
        if self.four_channel {
            c |= 0x8;
        }
        if self.copy {
            c |= 0x2;
        }
        if self.preemphasis {
            c |= 0x1;
        }
        c
    }
}

/// A whole disc as a sheet describes it, files resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscPlan {
    /// The sheet the plan was read from (for messages).
    pub sheet: PathBuf,
    /// Media catalogue number.
    pub catalog: Option<Mcn>,
    /// Session type (TOC), or [`DiscType::CdI`] for cue `CDI/…` tracks.
    pub disc_type: Option<DiscType>,
    /// Number of the first track (cue sheets may start above 1).
    pub first_track: u8,
    /// The tracks, numbered consecutively from `first_track`.
    pub tracks: Vec<TrackPlan>,
    /// Disc-level text.
    pub text: TextFields,
    /// Things accepted but worth telling the user.
    pub warnings: Vec<String>,
    /// Indexes into `tracks` of the first tracks of sessions 2, 3, … (cue `REM SESSION`);
    /// empty for a single-session disc.
    pub sessions: Vec<usize>,
    /// CD-Text packs stored inside an image file (Nero `CDTX`, CloneCD `[CDText]`); they
    /// take precedence over `text`.
    pub cdtext_packs: Option<Vec<crate::codec::cdtext::Pack>>,
    /// The 2352-byte data tracks are stored scrambled (CloneCD `DataTracksScrambled=1`).
    pub data_scrambled: bool,
    /// Clone mode: a file holding the P–W subchannel of LBA 0 .. lead-out as read, linear, 96
    /// bytes per sector (CloneCD `.sub`); outputs carry it instead of generated P–W unless
    /// [`ConvertOptions::regenerate_subchannel`](super::ConvertOptions::regenerate_subchannel).
    pub subchannel_as_read: Option<PathBuf>,
    /// Clone mode: each session's lead-in TOC items as read (CloneCD `[Entry]` list, ADR 5
    /// items included), in Q form; given to
    /// [`ImageCreator::set_leadin_toc_as_read`](crate::layout::ImageCreator::set_leadin_toc_as_read)
    /// unless [`ConvertOptions::regenerate_subchannel`](super::ConvertOptions::regenerate_subchannel).
    /// Empty: the lead-in is generated.
    pub toc_as_read: Vec<(u32, Vec<crate::layout::TocEntry>)>,
}

impl DiscPlan {
    /// LBA of each track's INDEX 01 and the lead-out, laid out exactly as the sheet says (track
    /// 1's 150-sector pre-gap is implied before LBA 0 and not counted; a generated or stored
    /// pre-gap of track 1 moves its INDEX 01 later). The last element is the lead-out.
    pub fn index1_lbas(&self) -> Vec<i64> {
        let mut out = Vec::with_capacity(self.tracks.len() + 1);
        let mut pos: i64 = 0;
        for t in &self.tracks {
            out.push(pos + t.pregap_sectors() as i64);
            pos += t.total_sectors() as i64;
        }
        out.push(pos);
        out
    }
}

/// How a data file is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Raw bytes (cue `BINARY`/`MOTOROLA`, TOC raw audio and `DATAFILE`).
    Binary,
    /// A RIFF WAVE file whose data chunk is wanted.
    Wave,
}

/// What resolving needs to know about a data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    /// The path to use for reading (after case-insensitive lookup).
    pub path: PathBuf,
    /// Offset of the usable bytes (0, or the WAV data chunk's).
    pub data_offset: u64,
    /// Number of usable bytes.
    pub data_len: u64,
    /// Warnings (a clamped WAV data chunk).
    pub warnings: Vec<String>,
}
