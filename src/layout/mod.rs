//! The disc model: [`ImageCreator`] (IMAPI2's `IRawCDImageCreator`), [`TrackInfo`], and the
//! immutable, random-access [`DiscMap`] it builds, which answers for any LBA of the disc (every
//! session, the gaps between them included: [`SessionInfo`]) what the sector's main channel
//! comes from and what P and Q carry. [`reference`](mod@reference) generates
//! the whole stream from the map, sequentially: the oracle of the streaming pipeline.
//!
//! Inside, the arrow runs one way: `creator` collects tracks and settings and runs `gaps` (the
//! gap rules), which turns them into a plan; `map` builds the [`DiscMap`] from that plan. All
//! three share only the plain data of `plan` (the setting types, the tracks as added, the
//! planned layout); `map` never sees the creator.
//!
//! It knows the codec and the sources; it knows nothing of threads or output files.
#![forbid(unsafe_code)]

mod creator;
mod gaps;
mod map;
mod plan;
pub mod reference;

pub use creator::{ImageCreator, TrackInfo, TrackPiece};
pub use map::{Area, DiscMap, MainSource, SectorInfo, SessionInfo, TrackEntry};
pub use plan::{
    CopySetting, LeadIn, PwOrder, RwForm, SubchannelFormat, TocEntry, TrackLayout, TrackSettings,
};

use thiserror::Error;

use crate::codec::CodecError;

/// Errors of the disc model. Each carries the numbers that explain it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LayoutError {
    /// The disc has no track.
    #[error("the disc has no track")]
    NoTracks,
    /// A session with no track (`new_session` before any track, twice in a row, or last).
    #[error("session {session} has no track; every session needs at least one")]
    EmptySession {
        /// The session's number (1-based).
        session: u32,
    },
    /// More than 99 tracks (counting from the starting track number).
    #[error("track {track} is past the maximum track number 99")]
    TooManyTracks {
        /// The number the track would get.
        track: u32,
    },
    /// A track shorter than 4 s (300 sectors) from INDEX 01.
    #[error("track {track} has {sectors} sectors from INDEX 01; the minimum is 300 (4 s)")]
    TrackTooShort {
        /// Track number.
        track: u8,
        /// Its length.
        sectors: u32,
    },
    /// An ISRC on a non-audio track.
    #[error("track {track} is a data track and cannot carry an ISRC")]
    IsrcOnDataTrack {
        /// Track number.
        track: u8,
    },
    /// A data source whose length is not a whole number of sectors.
    #[error("track {track}: source {name} has {bytes} bytes, not a multiple of {sector_size}")]
    PartialSector {
        /// Track number.
        track: u8,
        /// Source name.
        name: String,
        /// Its length.
        bytes: u64,
        /// Bytes per sector of the track type.
        sector_size: usize,
    },
    /// An index offset outside the track.
    #[error("track {track}: index at offset {offset} is outside 1..{sectors}")]
    IndexOutOfRange {
        /// Track number.
        track: u8,
        /// Offset from INDEX 01.
        offset: u32,
        /// Track length.
        sectors: u32,
    },
    /// Index offsets not strictly increasing.
    #[error("track {track}: index at offset {offset} is not after the previous one ({previous})")]
    IndexOrder {
        /// Track number.
        track: u8,
        /// Offset given.
        offset: u32,
        /// The previous index offset.
        previous: u32,
    },
    /// More than 98 indexes after INDEX 01.
    #[error("track {track}: more than 99 indexes")]
    TooManyIndexes {
        /// Track number.
        track: u8,
    },
    /// The lead-out would start after the limit.
    #[error("the lead-out would start at LBA {leadout}, past the limit {limit}")]
    LeadoutPastLimit {
        /// Where it would start.
        leadout: i32,
        /// The limit in force.
        limit: i32,
    },
    /// `start_of_leadout_limit` above the physical maximum.
    #[error("start_of_leadout_limit {limit} is above the maximum 398099")]
    LimitTooLarge {
        /// The value given.
        limit: i32,
    },
    /// An R–W stream byte with P or Q bits set.
    #[error(
        "R-W stream byte {offset} has P/Q bits set ({value:#04x}); the top two bits must be zero"
    )]
    RwPqBits {
        /// Offset in the stream.
        offset: u64,
        /// The byte.
        value: u8,
    },
    /// An R–W stream of the wrong length.
    #[error("R-W stream has {got} bytes; the image has {sectors} sectors, so it needs {expected}")]
    RwLength {
        /// Bytes needed.
        expected: u64,
        /// Bytes supplied.
        got: u64,
        /// Sectors in the image.
        sectors: u64,
    },
    /// Both a whole-image R–W stream and a track's own R–W stream.
    #[error("an image-wide R-W stream and track {track}'s own R-W stream cannot be combined")]
    RwBothForms {
        /// The track with its own stream.
        track: u8,
    },
    /// A track R–W stream that is not whole 96-byte sectors.
    #[error("track {track}: R-W stream of {bytes} bytes is not a multiple of 96")]
    RwPartial {
        /// Track number.
        track: u8,
        /// Its length.
        bytes: u64,
    },
    /// A subchannel-as-read stream (clone mode) of the wrong length.
    #[error("subchannel as read has {got} bytes; the program area has {sectors} sectors, so it needs {expected}")]
    PwAsReadLength {
        /// Bytes needed.
        expected: u64,
        /// Bytes supplied.
        got: u64,
        /// Sectors from LBA 0 to the lead-out.
        sectors: u64,
    },
    /// A session's lead-in TOC as read
    /// ([`ImageCreator::set_leadin_toc_as_read`](crate::layout::ImageCreator::set_leadin_toc_as_read))
    /// that the layout cannot carry.
    #[error("session {session}'s lead-in TOC as read: {what}")]
    TocAsRead {
        /// The session (1-based).
        session: u32,
        /// What is wrong.
        what: String,
    },
    /// A subchannel-as-read stream (clone mode) with the packed R–W output, whose R–W rawcd
    /// must make itself.
    #[error("the subchannel as read cannot be written as packed96 (its R-W is raw as read): use raw96 or pq16, or regenerate the subchannel")]
    PwAsReadPacked,
    /// An R–W stream with the PQ-only output, which cannot carry it.
    #[error("an R-W stream cannot be written with the 16-byte PQ subchannel format")]
    RwWithPqOnly,
    /// Special pre-gap shorter than 150 sectors.
    #[error("the special pre-gap has {sectors} sectors; it needs at least 150")]
    SpecialPregapTooShort {
        /// Its length.
        sectors: u32,
    },
    /// Special pre-gap past LBA 397799.
    #[error("the special pre-gap's last sector would be LBA {last}, past 397799")]
    SpecialPregapTooLong {
        /// Its last LBA.
        last: i32,
    },
    /// Special pre-gap added after tracks.
    #[error("the special pre-gap must be added before any track")]
    SpecialPregapAfterTracks,
    /// A second special pre-gap.
    #[error("a special pre-gap was already added")]
    SpecialPregapTwice,
    /// A non-audio track with a starting track number other than 1.
    #[error(
        "track {track} is not audio; a starting track number other than 1 needs all-audio tracks"
    )]
    StartingTrackNotAudio {
        /// Track number.
        track: u8,
    },
    /// Starting track number outside 1..=99.
    #[error("starting track number {number} is outside 1..=99")]
    StartingTrackNumber {
        /// The value.
        number: u32,
    },
    /// No such track.
    #[error("no track {track}")]
    NoSuchTrack {
        /// The number asked for.
        track: u32,
    },
    /// A cdrdao TOC file describes one session.
    #[error("a cdrdao TOC file cannot describe a disc of {sessions} sessions (cdrdao writes one session per run); write bin (a cue with REM SESSION, one .bin per track), clonecd or raw")]
    CdrdaoSessions {
        /// Sessions on the disc.
        sessions: u32,
    },
    /// No such session.
    #[error("no session {session}; the disc has {sessions}")]
    NoSuchSession {
        /// The number asked for.
        session: u32,
        /// Sessions on the disc.
        sessions: u32,
    },
    /// A setting changed after tracks were added.
    #[error("{setting} must be set before adding tracks")]
    SetBeforeTracks {
        /// Which setting.
        setting: &'static str,
    },
    /// A lead-in start that is not in the lead-in.
    #[error("lead-in start LBA {lba} is not in -45150..=-151")]
    LeadInStart {
        /// The LBA.
        lba: i32,
    },
    /// The disc is longer than the MSF range.
    #[error("the disc would end at LBA {end}, past 404849 (89:59:74)")]
    DiscTooLong {
        /// Last LBA.
        end: i64,
    },
    /// MCN/ISRC text.
    #[error(transparent)]
    Codec(#[from] CodecError),
}
