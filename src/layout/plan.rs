//! The plain data that passes from the creator to the map builder, so that neither imports
//! the other: the setting types of a disc and of a track ([`SubchannelFormat`], [`LeadIn`],
//! [`CopySetting`], [`TrackLayout`], [`TrackSettings`]), each track as it was added
//! ([`TrackSpec`], its [`Piece`]s), the disc-wide settings the map reads ([`DiscSettings`]) and
//! the layout the gap rules produce ([`Plan`]: segments and [`PlannedTrack`]s).
#![forbid(unsafe_code)]

use crate::codec::cdtext::LeadinCdText;
use crate::codec::{Isrc, Mcn, QFrame, SectorType};
use crate::source::Source;
use crate::units::Msf;

use super::LayoutError;

/// IMAPI `IMAPI_FORMAT2_RAW_CD_DATA_SECTOR_TYPE` (`ResultingImageType`): the subchannel that
/// follows each 2352-byte main-channel sector in the result stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SubchannelFormat {
    /// Main channel only: 2352 bytes per sector.
    None,
    /// IMAPI `PQ_ONLY` (1): 16-byte PQ, 2368 bytes per sector.
    Pq16,
    /// IMAPI `IS_COOKED` (2): packed P–W (R–W de-interleaved), 2448 bytes per sector.
    Packed96,
    /// IMAPI `IS_RAW` (3): raw interleaved P–W, 2448 bytes per sector (the default).
    #[default]
    Raw96,
}

impl SubchannelFormat {
    /// Subchannel bytes per sector.
    pub const fn subchannel_bytes(self) -> usize {
        match self {
            SubchannelFormat::None => 0,
            SubchannelFormat::Pq16 => 16,
            SubchannelFormat::Packed96 | SubchannelFormat::Raw96 => 96,
        }
    }

    /// Bytes per sector in the stream (2352 + subchannel).
    pub const fn sector_bytes(self) -> usize {
        2352 + self.subchannel_bytes()
    }

    /// The CLI name (`none`, `pq16`, `packed96`, `raw96`).
    pub const fn name(self) -> &'static str {
        match self {
            SubchannelFormat::None => "none",
            SubchannelFormat::Pq16 => "pq16",
            SubchannelFormat::Packed96 => "packed96",
            SubchannelFormat::Raw96 => "raw96",
        }
    }

    /// Parses a CLI name.
    pub fn from_name(s: &str) -> Option<SubchannelFormat> {
        match s {
            "none" => Some(SubchannelFormat::None),
            "pq16" => Some(SubchannelFormat::Pq16),
            "packed96" => Some(SubchannelFormat::Packed96),
            "raw96" => Some(SubchannelFormat::Raw96),
            _ => None,
        }
    }
}

/// Where the result stream starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LeadIn {
    /// IMAPI's `WriteMedia` start: MSF 95:00:00 = LBA −22650.
    #[default]
    Imapi,
    /// No lead-in: the stream starts at LBA −150 (track 1's pre-gap).
    None,
    /// An explicit lead-in start MSF (minute ≥ 90, e.g. the ATIP start 97:26:65).
    At(Msf),
}

/// IMAPI `DigitalAudioCopySetting`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CopySetting {
    /// 0: copying permitted (CTRL bit 0x2 set).
    Permitted,
    /// 1: copying prohibited (bit clear). The default.
    #[default]
    Prohibited,
    /// 2: SCMS, the copy bit toggles in Q (D21).
    Scms,
}

/// The layout of one track given explicitly (as cue and TOC sheets give it): rawcd applies it
/// exactly and adds no gap of its own, except that track 1's pre-gap is always at least 150
/// sectors (the filler is generated before the stored part).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TrackLayout {
    /// Pre-gap sectors rawcd generates (cue `PREGAP`), before the content.
    pub pregap_generated: u32,
    /// Leading content sectors that are the pre-gap (INDEX 00 stored in the file).
    pub pregap_stored: u32,
    /// Post-gap sectors rawcd generates after the content (cue `POSTGAP`), still index ≥ 1.
    pub postgap_generated: u32,
}

/// The settings of a track that can change after it was added (`track_info_mut`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrackSettings {
    /// ISRC; only audio tracks may have one (checked when set and when built).
    pub isrc: Option<Isrc>,
    /// Copy permission.
    pub copy: CopySetting,
    /// Pre-emphasis (audio).
    pub preemphasis: bool,
    /// Four-channel audio.
    pub four_channel: bool,
    /// Offsets of INDEX 02.. from INDEX 01, strictly increasing.
    pub indexes: Vec<u32>,
    /// A label that overrides the `sector_type` name in `toc --json` (e.g. `mode2mixed`).
    pub label: Option<&'static str>,
}

impl TrackSettings {
    /// IMAPI `DigitalAudioCopySetting` (the field [`TrackSettings::copy`]).
    pub fn digital_audio_copy_setting(&self) -> CopySetting {
        self.copy
    }

    /// Sets IMAPI `DigitalAudioCopySetting`.
    pub fn set_digital_audio_copy_setting(&mut self, v: CopySetting) {
        self.copy = v;
    }

    /// IMAPI `AudioHasPreemphasis` (the field [`TrackSettings::preemphasis`]).
    pub fn audio_has_preemphasis(&self) -> bool {
        self.preemphasis
    }

    /// Sets IMAPI `AudioHasPreemphasis` (audio tracks; a data track ignores it).
    pub fn set_audio_has_preemphasis(&mut self, v: bool) {
        self.preemphasis = v;
    }

    /// IMAPI `TrackIndexes` (the field [`TrackSettings::indexes`]).
    pub fn track_indexes(&self) -> &[u32] {
        &self.indexes
    }

    /// IMAPI `AddTrackIndex`: adds an index point at `offset` sectors after INDEX 01. Indexes
    /// are numbered 02, 03, … in offset order. The range is checked when the disc is built
    /// (the track may still shrink, e.g. for gapless audio).
    ///
    /// # Errors
    /// `offset` 0, a duplicate, or a 99th index.
    pub fn add_track_index(&mut self, track: u8, offset: u32) -> Result<(), LayoutError> {
        if offset == 0 {
            return Err(LayoutError::IndexOutOfRange {
                track,
                offset,
                sectors: 0,
            });
        }
        if self.indexes.len() >= 98 {
            return Err(LayoutError::TooManyIndexes { track });
        }
        match self.indexes.binary_search(&offset) {
            Ok(_) => Err(LayoutError::IndexOrder {
                track,
                offset,
                previous: offset,
            }),
            Err(pos) => {
                self.indexes.insert(pos, offset);
                Ok(())
            }
        }
    }

    /// IMAPI `ClearTrackIndex`: removes the index at `offset`; false if there was none.
    pub fn clear_track_index(&mut self, offset: u32) -> bool {
        match self.indexes.binary_search(&offset) {
            Ok(pos) => {
                self.indexes.remove(pos);
                true
            }
            Err(_) => false,
        }
    }
}

/// One track as it was added to the creator: what the gap rules and the map builder read.
#[derive(Debug, Clone)]
pub(super) struct TrackSpec {
    pub(super) ty: SectorType,
    pub(super) pieces: Vec<Piece>,
    /// The sheet's own layout; `None` for the automatic gap rules (D13, D14).
    pub(super) explicit: Option<TrackLayout>,
    pub(super) settings: TrackSettings,
    /// 2352-byte data input that is not scrambled (cue/toc raw tracks, D23).
    pub(super) unscrambled_raw: bool,
    /// This track's own R–W (CD+G), from its first content sector, in the form given.
    pub(super) rw: Option<(Source, RwForm)>,
    /// Clone mode: this track's P–W as read (raw order, 96 bytes per content sector), from its
    /// first content sector.
    pub(super) pw_as_read: Option<Source>,
}

/// How a track's own R–W input ([`ImageCreator::set_track_rw_as`](super::ImageCreator::set_track_rw_as))
/// is stored, 96 bytes per sector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RwForm {
    /// Cooked packs with bits 7 and 6 zero (a `.cdg` file): used as they are.
    #[default]
    Cooked,
    /// The subchannel stored after each sector with packed R–W (cdrdao `RW`): bits 7 and 6
    /// (P, Q) are ignored, the R–W symbols are the cooked packs.
    StoredPacked,
    /// The subchannel stored after each sector as a drive reads it raw (cue `CDG`, cdrdao
    /// `RW_RAW`, Nero, Alcohol): P–W interleaved, bit 7 P, bit 6 Q, bits 5..0 the raw R–W
    /// symbols. P and Q are ignored; the R–W are de-interleaved as a decoder does (cooked
    /// sector k from raw sectors k, k + 1 and k + 2 of the track, zero past its end; single
    /// symbol errors corrected), so that rawcd's interleaver gives back the same raw symbols.
    StoredRaw,
}

/// The order of the 96 bytes of a sector's P–W as read (clone mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PwOrder {
    /// 12 bytes of P, then Q, R … W (a CloneCD `.sub`).
    Linear,
    /// Interleaved as a drive returns raw P–W: byte i holds bit i of every channel, P in
    /// bit 7 (Nero and Alcohol images, rawcd's `raw96` output).
    Raw,
}

impl TrackSpec {
    /// Content sectors of the track (all pieces). Saturating: an absurd size must reach the
    /// lead-out limit check, not overflow.
    pub(super) fn content_sectors(&self) -> u32 {
        self.pieces
            .iter()
            .fold(0u32, |a, p| a.saturating_add(p.sectors()))
    }
}

/// A piece of a track's content.
#[derive(Debug, Clone)]
pub(super) enum Piece {
    /// `sectors` sectors of input from `source`.
    Source { source: Source, sectors: u32 },
    /// `sectors` generated sectors (silence, or zero data in the track's mode).
    Zero { sectors: u32 },
}

impl Piece {
    /// Its length in sectors.
    pub(super) fn sectors(&self) -> u32 {
        match self {
            Piece::Source { sectors, .. } | Piece::Zero { sectors } => *sectors,
        }
    }
}

/// The disc-wide settings the map builder reads, borrowed from the creator.
#[derive(Debug, Clone, Copy)]
pub(super) struct DiscSettings<'a> {
    /// `ResultingImageType`.
    pub(super) format: SubchannelFormat,
    pub(super) mcn: Option<&'a Mcn>,
    pub(super) leadin: LeadIn,
    pub(super) start_of_leadout_limit: i32,
    /// `NumberOfExistingTracks` > 0: a later session (shorter lead-in and lead-out).
    pub(super) later_session: bool,
    /// CD-i disc type in A0.
    pub(super) cdi: bool,
    /// Short (non-empty) tracks are warnings, not errors.
    pub(super) relaxed: bool,
    /// Hidden track one audio and its length in sectors.
    pub(super) special_pregap: Option<(&'a Source, u32)>,
    /// The image-wide R–W stream.
    pub(super) rw: Option<&'a Source>,
    /// Clone mode: the program area's P–W as read (linear, 96 bytes per sector from LBA 0).
    pub(super) pw_as_read: Option<&'a Source>,
    /// Clone mode: sessions' lead-in TOC items as read (session number, items).
    pub(super) toc_as_read: &'a [(u32, Vec<TocEntry>)],
    pub(super) cdtext: Option<&'a LeadinCdText>,
    /// Warnings the creator collected while tracks and settings were added.
    pub(super) warnings: &'a [String],
}

/// Where every track lies: the output of the gap rules, the input of the map builder.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    /// The session from LBA −150 (after any hidden track one audio) to the lead-out, in order.
    pub(super) segments: Vec<Segment>,
    /// One per track, in disc order.
    pub(super) tracks: Vec<PlannedTrack>,
    /// One per session, in disc order (one for a single-session disc).
    pub(super) sessions: Vec<PlannedSession>,
    /// Gap rules a sheet breaks.
    pub(super) warnings: Vec<String>,
}

/// A track after layout.
#[derive(Debug, Clone)]
pub(super) struct PlannedTrack {
    pub(super) number: u8,
    /// First LBA (its pre-gap start).
    pub(super) first_lba: i32,
    pub(super) index01: i32,
    /// First LBA after the track.
    pub(super) end: i32,
    /// IMAPI `SectorCount`.
    pub(super) sector_count: u32,
}

/// A session after layout (cd-format §10.7, D24).
#[derive(Debug, Clone, Copy)]
pub(super) struct PlannedSession {
    /// Index (in `Plan::tracks`) of its first track.
    pub(super) first: usize,
    /// Index of its last track.
    pub(super) last: usize,
    /// First LBA of its lead-in; `None` for session 1 (the disc settings say where it starts).
    pub(super) leadin_start: Option<i32>,
    /// Its first track's first sector (the pre-gap start).
    pub(super) first_lba: i32,
    /// Its lead-out start.
    pub(super) leadout: i32,
    /// Its lead-out length in sectors.
    pub(super) leadout_len: u32,
}

/// Lead-out sectors of the first session (90 s).
pub(super) const FIRST_LEADOUT: u32 = 6750;
/// Lead-out sectors of a later session (30 s).
pub(super) const LATER_LEADOUT: u32 = 2250;
/// Lead-in sectors of a later session (60 s).
pub(super) const LATER_LEADIN: u32 = 4500;

/// What a segment of the layout holds.
#[derive(Debug, Clone, Copy)]
pub(super) enum SegKind {
    /// Generated sectors of a type (silence / zero data).
    Generated(SectorType),
    /// Content sectors of track `track` starting at content sector `offset`.
    Content { track: usize, offset: u32 },
    /// Between two sessions: the ending session's lead-out (`leadout` sectors), then the next
    /// session's lead-in; `Segment::track` is the next session's first track.
    SessionGap { leadout: u32 },
}

/// A run of sectors of one track with one kind of content.
#[derive(Debug, Clone, Copy)]
pub(super) struct Segment {
    /// Index of the track (in `Plan::tracks`) it belongs to.
    pub(super) track: usize,
    /// Index 00 (pre-gap) rather than index ≥ 1.
    pub(super) index0: bool,
    pub(super) len: u32,
    pub(super) kind: SegKind,
}

/// A lead-in TOC entry (§6.7, §10.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TocEntry {
    /// ADR: 1, or 5 for B0/C0.
    pub adr: u8,
    /// CTRL nibble (0 for ADR 5).
    pub ctrl: u8,
    /// POINT byte as on disc (BCD track number, A0..A2, B0, C0).
    pub point: u8,
    /// ADR 5: MIN SEC FRAME as on disc (BCD for B0, raw for C0). ADR 1 entries carry the
    /// running time there, which depends on the sector, so this is zero.
    pub msf: [u8; 3],
    /// ADR 5: the ZERO byte (the number of ADR 5 pointers for B0); 0 for ADR 1.
    pub zero: u8,
    /// PMIN PSEC PFRAME as on disc.
    pub p: [u8; 3],
}

impl TocEntry {
    pub(super) fn adr1(ctrl: u8, point: u8, p: [u8; 3]) -> TocEntry {
        TocEntry {
            adr: 1,
            ctrl,
            point,
            msf: [0; 3],
            zero: 0,
            p,
        }
    }

    /// The Q frame of this entry in a lead-in sector whose running time is `running`.
    pub fn q(&self, running: Msf) -> QFrame {
        if self.adr == 5 {
            QFrame::toc_adr5(self.point, self.msf, self.zero, self.p)
        } else {
            QFrame::toc(self.ctrl, self.point, running, self.p)
        }
    }
}
