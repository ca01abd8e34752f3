//! `ImageCreator`: the IMAPI2 `IRawCDImageCreator` model of one session, in Rust naming. It
//! collects tracks and settings, lays them out with the gap rules ([`gaps`]) and hands the
//! result to the map builder as plain data ([`plan`](super::plan)).
#![forbid(unsafe_code)]

use crate::codec::cdtext::{CdText, CdTextError, EncodeOptions, LeadinCdText, Pack};
use crate::codec::{Isrc, Mcn, SectorType};
use crate::source::Source;

use super::gaps;
use super::map::DiscMap;
use super::plan::{
    CopySetting, DiscSettings, LeadIn, Piece, Plan, RwForm, SubchannelFormat, TocEntry,
    TrackLayout, TrackSettings, TrackSpec,
};
use super::LayoutError;

/// One track as IMAPI's `IRawCDImageTrackInfo` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackInfo {
    /// `StartingLba`: LBA of INDEX 01.
    pub starting_lba: i32,
    /// `SectorCount`: user sectors from INDEX 01 (post-gap excluded).
    pub sector_count: u32,
    /// `TrackNumber`.
    pub track_number: u8,
    /// `SectorType`.
    pub sector_type: SectorType,
    /// `ISRC` (audio only).
    pub isrc: Option<Isrc>,
    /// `DigitalAudioCopySetting`.
    pub copy: CopySetting,
    /// `AudioHasPreemphasis`.
    pub preemphasis: bool,
    /// Four-channel audio (CTRL bit 0x8; cue `FLAGS 4CH`).
    pub four_channel: bool,
    /// `TrackIndexes`: offsets of INDEX 02, 03, … from `starting_lba`.
    pub indexes: Vec<u32>,
}

impl TrackInfo {
    /// IMAPI `DigitalAudioCopySetting` (the field [`TrackInfo::copy`]).
    pub fn digital_audio_copy_setting(&self) -> CopySetting {
        self.copy
    }

    /// IMAPI `AudioHasPreemphasis` (the field [`TrackInfo::preemphasis`]).
    pub fn audio_has_preemphasis(&self) -> bool {
        self.preemphasis
    }

    /// IMAPI `TrackIndexes` (the field [`TrackInfo::indexes`]): offsets of INDEX 02, 03, …
    /// from `starting_lba`.
    pub fn track_indexes(&self) -> &[u32] {
        &self.indexes
    }
}

/// Builder for a disc, after IMAPI2's `IRawCDImageCreator` (one session, or several with
/// [`ImageCreator::new_session`]).
///
/// ```
/// use rawcd::layout::ImageCreator;
/// use rawcd::codec::SectorType;
/// use rawcd::source::Source;
///
/// let mut disc = ImageCreator::new();
/// disc.add_track(SectorType::Mode1, Source::from_bytes(vec![0u8; 2048 * 300])).unwrap();
/// disc.add_track(SectorType::Audio, Source::from_bytes(vec![0u8; 2352 * 300])).unwrap();
/// let map = disc.build().unwrap();
/// // D14: data → audio: 150-sector post-gap on track 1, 150-sector pre-gap on track 2.
/// assert_eq!(disc.track_info(2).unwrap().starting_lba, 600);
/// assert_eq!(map.start_of_leadout(), 900);
/// assert_eq!(disc.last_used_user_sector().unwrap(), 899);
/// ```
#[derive(Debug, Clone)]
pub struct ImageCreator {
    tracks: Vec<TrackSpec>,
    special_pregap: Option<(Source, u32)>,
    rw: Option<Source>,
    pw_as_read: Option<Source>,
    toc_as_read: Vec<(u32, Vec<TocEntry>)>,
    result_type: SubchannelFormat,
    disable_gapless_audio: bool,
    mcn: Option<Mcn>,
    starting_track_number: u8,
    number_of_existing_tracks: u32,
    start_of_leadout_limit: i32,
    leadin: LeadIn,
    cdi: bool,
    relaxed: bool,
    warnings: Vec<String>,
    cdtext: Option<LeadinCdText>,
    /// Indexes (into `tracks`) of the first tracks of sessions 2, 3, …
    session_starts: Vec<usize>,
}

impl Default for ImageCreator {
    fn default() -> Self {
        Self::new()
    }
}

/// Maximum lead-out start (88:29:74).
pub const MAX_LEADOUT_LIMIT: i32 = 398_099;

impl ImageCreator {
    /// An empty disc with IMAPI's defaults: raw P–W output, lead-in from 95:00:00, gaps
    /// between audio tracks (`disable_gapless_audio` false, D13), track numbers from 1.
    pub fn new() -> ImageCreator {
        ImageCreator {
            tracks: Vec::new(),
            special_pregap: None,
            rw: None,
            pw_as_read: None,
            toc_as_read: Vec::new(),
            result_type: SubchannelFormat::Raw96,
            disable_gapless_audio: false,
            mcn: None,
            starting_track_number: 1,
            number_of_existing_tracks: 0,
            start_of_leadout_limit: MAX_LEADOUT_LIMIT,
            leadin: LeadIn::Imapi,
            cdi: false,
            relaxed: false,
            warnings: Vec::new(),
            cdtext: None,
            session_starts: Vec::new(),
        }
    }

    /// Ends the current session: tracks added after this belong to the next one (track
    /// numbers continue). The disc then has a lead-out after the current session's last track,
    /// a 4500-sector lead-in and a 150-sector pre-gap before the next session's first track
    /// (cd-format §10.7, D24); every lead-in but the last carries B0, session 1's also C0 (D25).
    ///
    /// # Errors
    /// [`LayoutError::EmptySession`] when the current session has no track yet.
    pub fn new_session(&mut self) -> Result<(), LayoutError> {
        let from = self.session_starts.last().copied().unwrap_or(0);
        if self.tracks.len() <= from {
            return Err(LayoutError::EmptySession {
                session: self.session_starts.len() as u32 + 1,
            });
        }
        self.session_starts.push(self.tracks.len());
        Ok(())
    }

    /// Number of sessions so far (1 before the first `new_session`).
    pub fn session_count(&self) -> usize {
        self.session_starts.len() + 1
    }

    fn sectors_of(
        &mut self,
        ty: SectorType,
        source: &Source,
        track: u8,
    ) -> Result<u32, LayoutError> {
        let size = ty.input_size() as u64;
        let len = source.len();
        if ty.is_audio() && len % size != 0 {
            let pad = size - len % size;
            self.warnings.push(format!(
                "track {track}: {}: the audio ends inside a sector; padded with {} samples ({pad} bytes) of silence",
                source.name(),
                pad / 4
            ));
        }
        if ty.is_data() && len % size != 0 {
            return Err(LayoutError::PartialSector {
                track,
                name: source.name(),
                bytes: len,
                sector_size: size as usize,
            });
        }
        Ok(len.div_ceil(size) as u32)
    }

    fn next_number(&self) -> Result<u8, LayoutError> {
        let n = self.starting_track_number as u32 + self.tracks.len() as u32;
        if n > 99 {
            return Err(LayoutError::TooManyTracks { track: n });
        }
        Ok(n as u8)
    }

    /// IMAPI `AddTrack`: appends a track of `ty` whose bytes come from `source` (IMAPI's
    /// per-type sector sizes; an audio source's last partial sector is padded with silence, a
    /// data source must be whole sectors). Gaps follow the automatic rules (D13, D14).
    ///
    /// # Errors
    /// A 100th track, a partial data sector, a data track when the starting track number is not 1.
    pub fn add_track(&mut self, ty: SectorType, source: Source) -> Result<u8, LayoutError> {
        self.push_track(ty, vec![source], None, false)
    }

    /// Appends a track with an explicit layout (cue/TOC sheets): its content is the
    /// concatenation of `pieces` (sources, or generated zero sectors), laid out exactly per
    /// `layout`. `unscrambled_raw` marks 2352-byte data input that arrives unscrambled (D23).
    ///
    /// # Errors
    /// As [`ImageCreator::add_track`].
    pub fn add_track_explicit(
        &mut self,
        ty: SectorType,
        pieces: Vec<TrackPiece>,
        layout: TrackLayout,
        unscrambled_raw: bool,
    ) -> Result<u8, LayoutError> {
        let number = self.next_number()?;
        let mut out = Vec::new();
        for p in pieces {
            match p {
                TrackPiece::Source(s) => {
                    let n = self.sectors_of(ty, &s, number)?;
                    out.push(Piece::Source {
                        source: s,
                        sectors: n,
                    });
                }
                TrackPiece::Zero(n) => out.push(Piece::Zero { sectors: n }),
            }
        }
        self.push_pieces(ty, out, Some(layout), unscrambled_raw)
    }

    fn push_track(
        &mut self,
        ty: SectorType,
        sources: Vec<Source>,
        explicit: Option<TrackLayout>,
        unscrambled_raw: bool,
    ) -> Result<u8, LayoutError> {
        let number = self.next_number()?;
        let mut pieces = Vec::new();
        for s in sources {
            let n = self.sectors_of(ty, &s, number)?;
            pieces.push(Piece::Source {
                source: s,
                sectors: n,
            });
        }
        self.push_pieces(ty, pieces, explicit, unscrambled_raw)
    }

    fn push_pieces(
        &mut self,
        ty: SectorType,
        pieces: Vec<Piece>,
        explicit: Option<TrackLayout>,
        unscrambled_raw: bool,
    ) -> Result<u8, LayoutError> {
        let number = self.next_number()?;
        if self.starting_track_number != 1 && !ty.is_audio() {
            return Err(LayoutError::StartingTrackNotAudio { track: number });
        }
        self.tracks.push(TrackSpec {
            ty,
            pieces,
            explicit,
            settings: TrackSettings::default(),
            unscrambled_raw,
            rw: None,
            pw_as_read: None,
        });
        Ok(number)
    }

    /// IMAPI `AddSpecialPregap`: hidden track one audio (at least 150 sectors of audio, added
    /// before any track) that replaces track 1's silent pre-gap; track 1's INDEX 01 moves to
    /// LBA N − 150.
    ///
    /// # Errors
    /// Added after tracks or twice, shorter than 150 sectors, or ending past LBA 397799.
    pub fn add_special_pregap(&mut self, source: Source) -> Result<(), LayoutError> {
        if !self.tracks.is_empty() {
            return Err(LayoutError::SpecialPregapAfterTracks);
        }
        if self.special_pregap.is_some() {
            return Err(LayoutError::SpecialPregapTwice);
        }
        let n = source.len().div_ceil(2352) as u32;
        if n < 150 {
            return Err(LayoutError::SpecialPregapTooShort { sectors: n });
        }
        let last = n as i64 - 151;
        if last > 397_799 {
            return Err(LayoutError::SpecialPregapTooLong { last: last as i32 });
        }
        self.special_pregap = Some((source, n));
        Ok(())
    }

    /// IMAPI `AddSubcodeRWGenerator`: the R–W stream, 96 bytes per sector of the result image
    /// (lead-in start to the end of the lead-out), packed layout with bits 7 and 6 zero. Its
    /// length and bits are checked when the disc is built (bits of a reader source as it streams).
    pub fn add_subcode_rw(&mut self, source: Source) {
        self.rw = Some(source);
    }

    /// Gives track `n` its own R–W stream (CD+G): cooked packs, 96 bytes per sector with bits
    /// 7 and 6 zero, aligned with the track's first content sector (a `.cdg` file beside the
    /// audio). Sectors past the stream's end carry no R–W. Cannot be combined with
    /// [`ImageCreator::add_subcode_rw`].
    ///
    /// # Errors
    /// No such track.
    pub fn set_track_rw(&mut self, n: u32, source: Source) -> Result<(), LayoutError> {
        self.set_track_rw_as(n, source, RwForm::Cooked)
    }

    /// Gives track `n` its own R–W stream in `form`: 96 bytes per sector from the track's
    /// first content sector, cooked packs ([`ImageCreator::set_track_rw`]) or the subchannel
    /// stored after each sector (P and Q ignored, raw R–W de-interleaved; [`RwForm`]). A
    /// stored subchannel is typically a [`Source::strided`] view of the image file, read as
    /// the stream goes.
    ///
    /// # Errors
    /// No such track.
    pub fn set_track_rw_as(
        &mut self,
        n: u32,
        source: Source,
        form: RwForm,
    ) -> Result<(), LayoutError> {
        let i = self.index_of(n)?;
        self.tracks[i].rw = Some((source, form));
        Ok(())
    }

    /// Clone mode for one track: its P–W as read, raw order ([`PwOrder::Raw`](super::PwOrder::Raw): interleaved
    /// as a drive returns it, P in bit 7, Q in bit 6), 96 bytes per sector from the track's
    /// first content sector (a Nero or Alcohol track stored with 2352 + 96 bytes per sector).
    /// Every output with a subchannel carries these bytes for those sectors (a Q frame with a
    /// bad CRC stays bad, R–W stay as read); the other sectors (generated pre-gaps, other
    /// tracks, lead-in, lead-out) keep the subchannel rawcd generates. Sectors past the
    /// stream's end are generated. As with [`ImageCreator::set_subchannel_as_read`], the
    /// `packed96` result type cannot carry it.
    ///
    /// # Errors
    /// No such track.
    pub fn set_track_subchannel_as_read(
        &mut self,
        n: u32,
        source: Source,
    ) -> Result<(), LayoutError> {
        let i = self.index_of(n)?;
        self.tracks[i].pw_as_read = Some(source);
        Ok(())
    }

    /// Clone mode: the whole P–W subchannel of the program area as read from a disc (a
    /// CloneCD `.sub`): 96 bytes per sector in linear order (12 bytes of P, then Q, R … W),
    /// from LBA 0 to the lead-out; on a multi-session disc the program areas back to back
    /// (session 1 from LBA 0, each later one from its first track's INDEX 01, each to its
    /// lead-out), the gaps between them left out as CloneCD leaves them out (D27). Every
    /// output with a subchannel carries these bytes for those sectors instead of the ones
    /// rawcd would generate (a Q frame with a bad CRC stays bad, R–W stay as read); the
    /// lead-ins, track 1's pre-gap, the lead-outs and the pre-gaps of later sessions' first
    /// tracks are still generated. The `packed96` result type cannot carry it (its R–W are
    /// rawcd's own).
    ///
    /// The length is checked by [`ImageCreator::build`].
    pub fn set_subchannel_as_read(&mut self, source: Source) {
        self.pw_as_read = Some(source);
    }

    /// Clone mode for the lead-in: session `session`'s lead-in TOC items as read from a disc
    /// (a CloneCD `[Entry]` list), as the Q frames carry them (BCD where the disc has BCD;
    /// C0's MIN SEC FRAME raw). Replaces an earlier call for the same session.
    ///
    /// [`ImageCreator::build`] checks the ADR 1 items against the layout (a track pointer at
    /// its INDEX 01, A0 and A1 naming the session's first and last track, A2 at its lead-out)
    /// and takes from them what the layout cannot know: CTRL, A0's disc type byte and the
    /// other P bytes. The session's ADR 5 items (B0, C0, …) are exactly the given ones, in the
    /// given order, after A2 in the cycle: none given, none sent. Tracks, A0, A1 or A2 the
    /// list lacks are generated. The running time of every item's sector stays rawcd's.
    pub fn set_leadin_toc_as_read(&mut self, session: u32, entries: Vec<TocEntry>) {
        self.toc_as_read.retain(|(n, _)| *n != session);
        self.toc_as_read.push((session, entries));
    }

    /// IMAPI `ResultingImageType`.
    pub fn result_type(&self) -> SubchannelFormat {
        self.result_type
    }

    /// Sets `ResultingImageType`.
    pub fn set_result_type(&mut self, f: SubchannelFormat) {
        self.result_type = f;
    }

    /// IMAPI `DisableGaplessAudio` (D13: false, the default, inserts 150 silent sectors before
    /// every audio track that follows an audio track; true makes audio gapless).
    pub fn disable_gapless_audio(&self) -> bool {
        self.disable_gapless_audio
    }

    /// Sets `DisableGaplessAudio`; only before tracks are added.
    ///
    /// # Errors
    /// [`LayoutError::SetBeforeTracks`].
    pub fn set_disable_gapless_audio(&mut self, v: bool) -> Result<(), LayoutError> {
        if !self.tracks.is_empty() {
            return Err(LayoutError::SetBeforeTracks {
                setting: "disable_gapless_audio",
            });
        }
        self.disable_gapless_audio = v;
        Ok(())
    }

    /// IMAPI `MediaCatalogNumber`.
    pub fn media_catalog_number(&self) -> Option<&Mcn> {
        self.mcn.as_ref()
    }

    /// Sets the MCN from text: 1..13 digits, left-padded (D15). A wrong UPC/EAN check digit is
    /// accepted with a warning ([`ImageCreator::warnings`]).
    ///
    /// # Errors
    /// [`crate::codec::CodecError::BadMcn`].
    pub fn set_media_catalog_number(&mut self, text: &str) -> Result<(), LayoutError> {
        let mcn = Mcn::parse(text)?;
        if !mcn.check_digit_ok() {
            self.warnings.push(format!(
                "MCN {mcn}: its last digit is not the UPC/EAN check digit of the first 12 (accepted: real discs carry such numbers)"
            ));
        }
        self.mcn = Some(mcn);
        Ok(())
    }

    /// Removes the MCN.
    pub fn clear_media_catalog_number(&mut self) {
        self.mcn = None;
    }

    /// IMAPI `StartingTrackNumber`.
    pub fn starting_track_number(&self) -> u8 {
        self.starting_track_number
    }

    /// Sets `StartingTrackNumber` (1..=99), before tracks are added; other than 1 needs all-audio.
    ///
    /// # Errors
    /// Out of range, or tracks already added.
    pub fn set_starting_track_number(&mut self, n: u32) -> Result<(), LayoutError> {
        if !self.tracks.is_empty() {
            return Err(LayoutError::SetBeforeTracks {
                setting: "starting_track_number",
            });
        }
        if !(1..=99).contains(&n) {
            return Err(LayoutError::StartingTrackNumber { number: n });
        }
        self.starting_track_number = n as u8;
        Ok(())
    }

    /// IMAPI `NumberOfExistingTracks`: tracks already on the disc (earlier sessions). When > 0
    /// this session gets a 4500-sector lead-in and a 2250-sector lead-out (cd-format §10.7).
    pub fn number_of_existing_tracks(&self) -> u32 {
        self.number_of_existing_tracks
    }

    /// Sets `NumberOfExistingTracks`.
    pub fn set_number_of_existing_tracks(&mut self, n: u32) {
        self.number_of_existing_tracks = n;
    }

    /// IMAPI `StartOfLeadoutLimit` (default and maximum 398099).
    pub fn start_of_leadout_limit(&self) -> i32 {
        self.start_of_leadout_limit
    }

    /// Sets `StartOfLeadoutLimit`.
    ///
    /// # Errors
    /// Above 398099.
    pub fn set_start_of_leadout_limit(&mut self, limit: i32) -> Result<(), LayoutError> {
        if limit > MAX_LEADOUT_LIMIT {
            return Err(LayoutError::LimitTooLarge { limit });
        }
        self.start_of_leadout_limit = limit;
        Ok(())
    }

    /// Where the result stream starts.
    pub fn set_leadin(&mut self, l: LeadIn) {
        self.leadin = l;
    }

    /// CD-Text for the lead-in (packs built with the TAB shortcut on, D18).
    ///
    /// # Errors
    /// The text does not fit the CD-Text limits.
    pub fn set_cdtext(&mut self, text: &CdText) -> Result<(), CdTextError> {
        let packs = text.encode(&EncodeOptions::default())?;
        self.cdtext = Some(LeadinCdText::new(&packs));
        Ok(())
    }

    /// CD-Text for the lead-in from ready-made packs (e.g. a `.cdt` file).
    pub fn set_cdtext_packs(&mut self, packs: &[Pack]) {
        self.cdtext = Some(LeadinCdText::new(packs));
    }

    /// Marks the disc CD-i (A0 disc type `10`, cue `CDI/...` tracks).
    pub fn set_cdi(&mut self, v: bool) {
        self.cdi = v;
    }

    /// Relaxed mode for displaying sheets as written: tracks under 4 s (but not empty ones)
    /// become warnings instead of errors.
    pub fn set_relaxed(&mut self, v: bool) {
        self.relaxed = v;
    }

    /// Warnings collected so far (bad MCN check digit, sheet gap rules, short tracks when relaxed).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Number of tracks added.
    pub fn track_count(&self) -> usize {
        self.tracks.len()
    }

    fn index_of(&self, n: u32) -> Result<usize, LayoutError> {
        let i = n
            .checked_sub(self.starting_track_number as u32)
            .map(|i| i as usize)
            .filter(|&i| i < self.tracks.len());
        i.ok_or(LayoutError::NoSuchTrack { track: n })
    }

    /// IMAPI `get_TrackInfo(n)`: the computed facts of track `n` (its number, not an index).
    ///
    /// # Errors
    /// No such track, or the layout cannot be built.
    pub fn track_info(&self, n: u32) -> Result<TrackInfo, LayoutError> {
        let i = self.index_of(n)?;
        let plan = self.plan()?;
        let t = &plan.tracks[i];
        let s = &self.tracks[i].settings;
        Ok(TrackInfo {
            starting_lba: t.index01,
            sector_count: t.sector_count,
            track_number: t.number,
            sector_type: self.tracks[i].ty,
            isrc: s.isrc.clone(),
            copy: s.copy,
            preemphasis: s.preemphasis,
            four_channel: s.four_channel,
            indexes: s.indexes.clone(),
        })
    }

    /// The changeable settings of track `n` (ISRC, flags, indexes).
    ///
    /// # Errors
    /// No such track.
    pub fn track_info_mut(&mut self, n: u32) -> Result<&mut TrackSettings, LayoutError> {
        let i = self.index_of(n)?;
        Ok(&mut self.tracks[i].settings)
    }

    /// Sets track `n`'s ISRC from text.
    ///
    /// # Errors
    /// Not an audio track, or a malformed ISRC.
    pub fn set_isrc(&mut self, n: u32, text: &str) -> Result<(), LayoutError> {
        let i = self.index_of(n)?;
        if !self.tracks[i].ty.is_audio() {
            return Err(LayoutError::IsrcOnDataTrack { track: n as u8 });
        }
        self.tracks[i].settings.isrc = Some(Isrc::parse(text)?);
        Ok(())
    }

    /// IMAPI `StartOfLeadout`.
    ///
    /// # Errors
    /// The layout cannot be built.
    pub fn start_of_leadout(&self) -> Result<i32, LayoutError> {
        Ok(self.build()?.start_of_leadout())
    }

    /// IMAPI `LastUsedUserSectorInImage`: the last LBA with data that belongs to a track
    /// (= `start_of_leadout − 1`; excludes lead-in, lead-out and LBA −150..−1).
    ///
    /// # Errors
    /// The layout cannot be built.
    pub fn last_used_user_sector(&self) -> Result<i32, LayoutError> {
        Ok(self.build()?.last_used_user_sector())
    }

    /// IMAPI `ExpectedTableOfContents`: SCSI READ TOC format 0 bytes, LBA form (D22).
    ///
    /// # Errors
    /// The layout cannot be built.
    pub fn expected_toc(&self) -> Result<Vec<u8>, LayoutError> {
        Ok(self.build()?.expected_toc())
    }

    /// Builds the immutable disc map (every rule checked).
    ///
    /// # Errors
    /// Any [`LayoutError`].
    pub fn build(&self) -> Result<DiscMap, LayoutError> {
        let plan = self.plan()?;
        let disc = DiscSettings {
            format: self.result_type,
            mcn: self.mcn.as_ref(),
            leadin: self.leadin,
            start_of_leadout_limit: self.start_of_leadout_limit,
            later_session: self.number_of_existing_tracks > 0,
            cdi: self.cdi,
            relaxed: self.relaxed,
            special_pregap: self.special_pregap.as_ref().map(|(s, n)| (s, *n)),
            rw: self.rw.as_ref(),
            pw_as_read: self.pw_as_read.as_ref(),
            toc_as_read: &self.toc_as_read,
            cdtext: self.cdtext.as_ref(),
            warnings: &self.warnings,
        };
        DiscMap::build(&disc, &self.tracks, plan)
    }

    /// Computes where every track lies (the gap rules).
    fn plan(&self) -> Result<Plan, LayoutError> {
        gaps::plan(
            &self.tracks,
            self.starting_track_number,
            self.disable_gapless_audio,
            self.special_pregap.as_ref().map(|(_, n)| *n),
            &self.session_starts,
            if self.number_of_existing_tracks > 0 {
                super::plan::LATER_LEADOUT
            } else {
                super::plan::FIRST_LEADOUT
            },
        )
    }
}

/// One piece of an explicitly laid-out track's content.
#[derive(Debug, Clone)]
pub enum TrackPiece {
    /// Bytes from a source (whole sectors of the track type; audio is padded).
    Source(Source),
    /// Generated sectors (silence, or zero data in the track's mode).
    Zero(u32),
}
