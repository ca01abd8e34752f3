//! Nero images (`.nrg`): the sectors first, then a list of chunks, then a footer pointing at
//! the list.
//!
//! Facts of the format (reverse-engineered by others; nothing here is Nero's documentation):
//! * Footer: `NERO` + 32-bit big-endian offset of the chunk list in the last 8 bytes (v1), or
//!   `NER5` + 64-bit offset in the last 12 bytes (v2). Every number is big-endian.
//! * Chunk: 4-byte id, 32-bit payload length, payload. The list ends with `END!`.
//! * `CUES` (v1) / `CUEX` (v2), disc-at-once: 8-byte entries `adr/ctl, track (BCD; 00 lead-in,
//!   AA lead-out), index (BCD), 0, position`; the position is an MSF in bytes 5..8 (BCD, v1)
//!   or a signed 32-bit LBA (v2).
//! * `DAOI` (v1) / `DAOX` (v2): a 22-byte header (length, 14-byte catalogue number, 2 bytes,
//!   first and last track) and per track 30 (v1) or 42 (v2) bytes: 12-byte ISRC, 16-bit
//!   sector size, mode code, 3 bytes, then the file offsets of the pre-gap, of INDEX 01 and of
//!   the end (32-bit in v1, 64-bit in v2). The stored pre-gap is INDEX 00.
//! * `ETNF` (v1, 20 bytes per track) / `ETN2` (v2, 32 bytes), track-at-once: file offset,
//!   length in bytes, mode code (last byte of a 32-bit field), start sector without gaps.
//!   Every track after the first is preceded by the 150-sector pre-gap a TAO writer leaves.
//! * `SINF`: tracks per session; `CDTX`: CD-Text packs; `MTYP`: medium type.
//! * Mode codes: 0x00 Mode 1 (2048), 0x02 Mode 2 Form 1 (2048), 0x03 Mode 2 (2336, subheader
//!   and data as stored), 0x05 Mode 1 raw (2352), 0x06 Mode 2 raw (2352), 0x07 audio (2352);
//!   0x0F, 0x10, 0x11: Mode 1 raw, audio, Mode 2 raw each followed by 96 bytes of raw P–W.
//! * Those 96 bytes are the subchannel as the drive returned it in raw mode: P–W interleaved,
//!   byte i holding bit i of every channel (P in bit 7, Q in bit 6, R–W in bits 5..0; the
//!   form of rawcd's `raw96` output and of cdrdao's `RW_RAW`), not de-interleaved per channel
//!   as in a CloneCD `.sub` (libmirage reads them as interleaved P–W96 too). So a track
//!   stored this way is a copy of what a drive read: rawcd carries its P–W as given (clone
//!   mode, [`SubchannelInput::RawAsRead`]) unless told to regenerate the subchannel. Its
//!   main channel and subchannel are read from the file with a stride of 2448 bytes, as the
//!   stream goes (nothing of the track is held in memory).
#![forbid(unsafe_code)]

use std::path::Path;

use super::{isrc_field, mcn_field, At, ImageError};
use crate::formats::cdt::read_cdt;
use crate::formats::plan::{DiscPlan, Segment, SubchannelInput, TextFields, TrackMode, TrackPlan};

/// The pre-gap a track-at-once writer leaves before every track after the first.
const TAO_PREGAP: u32 = 150;

/// A track's mode and stored subchannel from a Nero mode code.
fn mode_of(code: u8) -> Option<(TrackMode, Option<SubchannelInput>)> {
    Some(match code {
        0x00 => (TrackMode::Mode1, None),
        0x02 => (TrackMode::Mode2Form1, None),
        0x03 => (TrackMode::Mode2FormMix, None),
        0x05 => (TrackMode::Mode1Raw, None),
        0x06 => (TrackMode::Mode2Raw, None),
        0x07 => (TrackMode::Audio, None),
        0x0F => (TrackMode::Mode1Raw, Some(SubchannelInput::RawAsRead)),
        0x10 => (TrackMode::Audio, Some(SubchannelInput::RawAsRead)),
        0x11 => (TrackMode::Mode2Raw, Some(SubchannelInput::RawAsRead)),
        _ => return None,
    })
}

fn sector_bytes(mode: TrackMode, sub: Option<SubchannelInput>) -> u64 {
    u64::from(mode.bytes_per_sector()) + if sub.is_some() { 96 } else { 0 }
}

/// One chunk: id, offset of its payload, payload length.
#[derive(Debug, Clone, Copy)]
struct Chunk {
    id: [u8; 4],
    at: u64,
    len: u64,
}

/// One `CUES`/`CUEX` entry.
#[derive(Debug, Clone, Copy)]
struct Cue {
    at: u64,
    ctl: u8,
    track: u8,
    index: u8,
    lba: i64,
}

fn bcd(b: u8) -> Option<u8> {
    (b >> 4 <= 9 && b & 0xF <= 9).then_some((b >> 4) * 10 + (b & 0xF))
}

/// Reads a whole Nero image (its bytes, memory-mapped) into a plan whose segments point into
/// `path`.
///
/// # Errors
/// [`ImageError`] naming the byte offset: no footer, a chunk past the end, a table whose size
/// or count disagrees, an unknown mode, positions that disagree between the chunks.
pub fn parse_nrg(path: &Path, file: &[u8]) -> Result<DiscPlan, ImageError> {
    let at = At { path, bytes: file };
    let len = file.len() as u64;
    let (v2, list, list_end) = if len >= 12 && &file[file.len() - 12..file.len() - 8] == b"NER5" {
        (true, at.u64_be(len - 8, "footer")?, len - 12)
    } else if len >= 8 && &file[file.len() - 8..file.len() - 4] == b"NERO" {
        (false, u64::from(at.u32_be(len - 4, "footer")?), len - 8)
    } else {
        return Err(ImageError::invalid(
            path,
            "no Nero footer (NERO or NER5 in the last 8 or 12 bytes)",
        ));
    };
    let footer = list_end;
    if list >= list_end {
        return Err(ImageError::malformed(
            path,
            footer,
            format!(
                "the footer puts the chunk list at byte {list}, past its end at byte {list_end}"
            ),
        ));
    }
    let chunks = walk_chunks(&at, list, list_end)?;
    let find = |ids: [&[u8; 4]; 2]| -> Vec<Chunk> {
        chunks
            .iter()
            .filter(|c| ids.contains(&&c.id))
            .copied()
            .collect()
    };
    let cues = find([b"CUES", b"CUEX"]);
    let daos = find([b"DAOI", b"DAOX"]);
    let etns = find([b"ETNF", b"ETN2"]);
    let sessions = cues.len().max(etns.len());
    if sessions > 1 || (!daos.is_empty() && !etns.is_empty()) {
        return Err(ImageError::Unsupported {
            path: path.to_path_buf(),
            what: format!("a multi-session Nero image ({} sessions)", sessions.max(2)),
        });
    }
    for c in &chunks {
        let v2_id = matches!(&c.id, b"CUEX" | b"DAOX" | b"ETN2");
        let v1_id = matches!(&c.id, b"CUES" | b"DAOI" | b"ETNF");
        if (v2_id && !v2) || (v1_id && v2) {
            return Err(ImageError::malformed(
                path,
                c.at - 8,
                format!(
                    "chunk {} does not belong in a Nero v{} image",
                    String::from_utf8_lossy(&c.id),
                    if v2 { 2 } else { 1 }
                ),
            ));
        }
    }
    let mut warnings = Vec::new();
    let (catalog, first_track, tracks) = match (cues.first(), daos.first(), etns.first()) {
        (Some(c), Some(d), None) => {
            let cue = read_cues(&at, *c, v2)?;
            read_dao(&at, *d, &cue, v2, list, &mut warnings)?
        }
        (None, None, Some(e)) => (None, 1, read_etn(&at, *e, v2, list)?),
        (Some(c), None, _) => {
            return Err(ImageError::malformed(
                path,
                c.at - 8,
                "a CUES/CUEX chunk without its DAOI/DAOX chunk",
            ))
        }
        (None, Some(d), _) => {
            return Err(ImageError::malformed(
                path,
                d.at - 8,
                "a DAOI/DAOX chunk without its CUES/CUEX chunk",
            ))
        }
        _ => {
            return Err(ImageError::invalid(
                path,
                "no track list (neither DAOI/DAOX nor ETNF/ETN2 chunk)",
            ))
        }
    };
    if let Some(s) = find([b"SINF", b"SINF"]).first() {
        if s.len >= 4 {
            let n = at.u32_be(s.at, "SINF")?;
            if n as usize != tracks.len() {
                return Err(ImageError::malformed(
                    path,
                    s.at,
                    format!(
                        "SINF says the session has {n} tracks, the track list has {}",
                        tracks.len()
                    ),
                ));
            }
        }
    }
    let cdtext_packs = match find([b"CDTX", b"CDTX"]).first() {
        Some(c) => {
            let payload = at.get(c.at, c.len, "CDTX chunk")?;
            Some(
                read_cdt(payload)
                    .map_err(|e| ImageError::malformed(path, c.at, format!("CDTX chunk: {e}")))?,
            )
        }
        None => None,
    };
    Ok(DiscPlan {
        sheet: path.to_path_buf(),
        catalog,
        disc_type: None,
        first_track,
        tracks,
        text: TextFields::default(),
        warnings,
        cdtext_packs,
        data_scrambled: false,
        subchannel_as_read: None,
        toc_as_read: Vec::new(),
        sessions: Vec::new(),
    })
}

/// Walks the chunk list from `list` to `end` (the footer); stops after `END!`.
fn walk_chunks(at: &At<'_>, list: u64, end: u64) -> Result<Vec<Chunk>, ImageError> {
    let mut out = Vec::new();
    let mut pos = list;
    while pos < end {
        let head = at.get(pos, 8, "chunk header")?;
        if pos + 8 > end {
            return Err(ImageError::malformed(
                at.path,
                pos,
                "chunk header runs into the footer",
            ));
        }
        let id = [head[0], head[1], head[2], head[3]];
        if !id.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'!') {
            return Err(ImageError::malformed(
                at.path,
                pos,
                format!(
                    "the bytes {:02X} {:02X} {:02X} {:02X} are not a chunk id",
                    id[0], id[1], id[2], id[3]
                ),
            ));
        }
        let len = u64::from(u32::from_be_bytes([head[4], head[5], head[6], head[7]]));
        if pos + 8 + len > end {
            return Err(ImageError::malformed(
                at.path,
                pos,
                format!(
                    "chunk {} of {len} bytes runs past the end of the chunk list (byte {end})",
                    String::from_utf8_lossy(&id)
                ),
            ));
        }
        out.push(Chunk {
            id,
            at: pos + 8,
            len,
        });
        pos += 8 + len;
        if &id == b"END!" {
            break;
        }
    }
    Ok(out)
}

fn read_cues(at: &At<'_>, c: Chunk, v2: bool) -> Result<Vec<Cue>, ImageError> {
    if c.len % 8 != 0 {
        return Err(ImageError::malformed(
            at.path,
            c.at - 8,
            format!("cue chunk of {} bytes is not whole 8-byte entries", c.len),
        ));
    }
    let mut out = Vec::new();
    for k in 0..c.len / 8 {
        let o = c.at + 8 * k;
        let e = at.get(o, 8, "cue entry")?;
        let bad = |what: &str| ImageError::malformed(at.path, o, format!("cue entry: {what}"));
        let track = if e[1] == 0xAA {
            0xAA
        } else {
            bcd(e[1]).ok_or_else(|| bad("track number is not BCD"))?
        };
        let index = bcd(e[2]).ok_or_else(|| bad("index is not BCD"))?;
        let lba = if v2 {
            i64::from(i32::from_be_bytes([e[4], e[5], e[6], e[7]]))
        } else {
            let (m, s, f) = match (bcd(e[5]), bcd(e[6]), bcd(e[7])) {
                (Some(m), Some(s), Some(f)) if s < 60 && f < 75 => (m, s, f),
                _ => return Err(bad("position is not a BCD MSF")),
            };
            (i64::from(m) * 60 + i64::from(s)) * 75 + i64::from(f) - 150
        };
        out.push(Cue {
            at: o,
            ctl: e[0] >> 4,
            track,
            index,
            lba,
        });
    }
    Ok(out)
}

type Tracks = (Option<crate::codec::Mcn>, u8, Vec<TrackPlan>);

use super::new_track;

fn read_dao(
    at: &At<'_>,
    d: Chunk,
    cues: &[Cue],
    v2: bool,
    data_end: u64,
    warnings: &mut Vec<String>,
) -> Result<Tracks, ImageError> {
    let path = at.path;
    let block = if v2 { 42 } else { 30 };
    if d.len < 22 || (d.len - 22) % block != 0 {
        return Err(ImageError::malformed(
            path,
            d.at - 8,
            format!(
                "DAO chunk of {} bytes is not a 22-byte header and {block}-byte track entries",
                d.len
            ),
        ));
    }
    let count = (d.len - 22) / block;
    let first = at.u8(d.at + 20, "DAO first track")?;
    let last = at.u8(d.at + 21, "DAO last track")?;
    if first == 0 || last < first || last > 99 || u64::from(last - first) + 1 != count {
        return Err(ImageError::malformed(
            path,
            d.at + 20,
            format!("DAO chunk says tracks {first}..{last} but holds {count} track entries"),
        ));
    }
    let catalog = mcn_field(at.get(d.at + 4, 13, "catalogue number")?, warnings);
    let cue_err = |c: &Cue, what: String| ImageError::malformed(path, c.at, what);
    let mut tracks = Vec::new();
    let mut pos: i64 = 0;
    for k in 0..count {
        let number = first + k as u8;
        let o = d.at + 22 + k * block;
        let size_field = u64::from(at.u16_be(o + 12, "sector size")?);
        let code = at.u8(o + 14, "mode")?;
        let (mode, sub) = mode_of(code).ok_or_else(|| {
            ImageError::malformed(
                path,
                o + 14,
                format!("track {number:02}: unknown mode code 0x{code:02X}"),
            )
        })?;
        let size = sector_bytes(mode, sub);
        if size_field != size {
            return Err(ImageError::malformed(
                path,
                o + 12,
                format!("track {number:02}: sector size {size_field} disagrees with mode code 0x{code:02X} ({size} bytes)"),
            ));
        }
        let (pregap, start, end) = if v2 {
            (
                at.u64_be(o + 18, "offset")?,
                at.u64_be(o + 26, "offset")?,
                at.u64_be(o + 34, "offset")?,
            )
        } else {
            (
                u64::from(at.u32_be(o + 18, "offset")?),
                u64::from(at.u32_be(o + 22, "offset")?),
                u64::from(at.u32_be(o + 26, "offset")?),
            )
        };
        if !(pregap <= start && start <= end && end <= data_end) {
            return Err(ImageError::malformed(
                path,
                o + 18,
                format!("track {number:02}: offsets {pregap}, {start}, {end} are not in order within the sector data (0..{data_end})"),
            ));
        }
        if (start - pregap) % size != 0 || (!mode.is_audio() && (end - start) % size != 0) {
            return Err(ImageError::malformed(
                path,
                o + 18,
                format!("track {number:02}: offsets {pregap}, {start}, {end} are not whole {size}-byte sectors apart"),
            ));
        }
        if end == start {
            return Err(ImageError::malformed(
                path,
                o + 18,
                format!("track {number:02} holds no sector after INDEX 01"),
            ));
        }
        let stored = ((start - pregap) / size) as i64;
        let mine: Vec<&Cue> = cues.iter().filter(|c| c.track == number).collect();
        let idx1 = mine.iter().find(|c| c.index == 1).ok_or_else(|| {
            ImageError::malformed(
                path,
                d.at - 8,
                format!("track {number:02} has no INDEX 01 in the cue chunk"),
            )
        })?;
        let content_lba = idx1.lba - stored;
        if let Some(i0) = mine.iter().find(|c| c.index == 0) {
            if i0.lba != content_lba && !(k == 0 && stored == 0) {
                return Err(cue_err(
                    i0,
                    format!("track {number:02}: INDEX 00 at LBA {} but the DAO chunk stores {stored} pre-gap sectors before INDEX 01 at LBA {}", i0.lba, idx1.lba),
                ));
            }
        }
        let mut t = new_track(number, mode, sub);
        let mut skip = 0i64;
        if k == 0 {
            if content_lba < 0 {
                skip = -content_lba;
                if skip > stored {
                    return Err(cue_err(
                        idx1,
                        format!(
                            "track {number:02}: INDEX 01 at LBA {} lies before LBA 0",
                            idx1.lba
                        ),
                    ));
                }
                let lost = at.get(pregap, skip as u64 * size, "track 1 pre-gap")?;
                if lost.iter().any(|&b| b != 0) && mode.is_audio() {
                    warnings.push(format!(
                        "track {number:02}: the {skip} stored sectors before LBA 0 are not silent; rawcd starts the disc at LBA 0 and leaves them out"
                    ));
                }
            } else {
                t.pregap_generated = content_lba as u32;
            }
        } else if content_lba != pos {
            return Err(cue_err(
                idx1,
                format!("track {number:02}: its pre-gap starts at LBA {content_lba} but the tracks before it end at LBA {pos}"),
            ));
        }
        let from = pregap + skip as u64 * size;
        t.segments.push(Segment::File {
            path: path.to_path_buf(),
            byte_offset: from,
            byte_len: end - from,
            swap: false,
        });
        t.index1 = (stored - skip) as u32;
        let first_lba = content_lba + skip;
        let sectors = (end - from).div_ceil(size) as i64;
        for c in &mine {
            if c.index >= 2 {
                let off = c.lba - first_lba;
                let prev = t
                    .indexes
                    .last()
                    .map_or(i64::from(t.index1), |&x| i64::from(x));
                if off <= prev || off >= sectors {
                    return Err(cue_err(
                        c,
                        format!("track {number:02}: INDEX {:02} at LBA {} is out of order or outside the track", c.index, c.lba),
                    ));
                }
                t.indexes.push(off as u32);
            }
        }
        let ctl = idx1.ctl;
        t.copy = ctl & 0x2 != 0;
        t.preemphasis = ctl & 0x1 != 0 && mode.is_audio();
        t.four_channel = ctl & 0x8 != 0 && mode.is_audio();
        if (ctl & 0x4 != 0) == mode.is_audio() {
            warnings.push(format!(
                "track {number:02}: the cue entry's data bit disagrees with its mode; the mode wins"
            ));
        }
        t.isrc = isrc_field(at.get(o, 12, "ISRC")?, number, warnings);
        pos = first_lba + sectors;
        tracks.push(t);
    }
    if let Some(lo) = cues.iter().find(|c| c.track == 0xAA) {
        if lo.lba != pos {
            return Err(cue_err(
                lo,
                format!(
                    "the lead-out is at LBA {} but the tracks end at LBA {pos}",
                    lo.lba
                ),
            ));
        }
    }
    if let Some(c) = cues
        .iter()
        .find(|c| c.track != 0 && c.track != 0xAA && (c.track < first || c.track > last))
    {
        return Err(cue_err(
            c,
            format!(
                "cue entry for track {} outside tracks {first}..{last}",
                c.track
            ),
        ));
    }
    Ok((catalog, first, tracks))
}

fn read_etn(at: &At<'_>, e: Chunk, v2: bool, data_end: u64) -> Result<Vec<TrackPlan>, ImageError> {
    let path = at.path;
    let block = if v2 { 32 } else { 20 };
    if e.len == 0 || e.len % block != 0 || e.len / block > 99 {
        return Err(ImageError::malformed(
            path,
            e.at - 8,
            format!(
                "ETN chunk of {} bytes is not 1..99 {block}-byte track entries",
                e.len
            ),
        ));
    }
    let mut tracks = Vec::new();
    let mut lba: u64 = 0;
    for k in 0..e.len / block {
        let number = k as u8 + 1;
        let o = e.at + k * block;
        let (offset, len, code, sector) = if v2 {
            (
                at.u64_be(o, "offset")?,
                at.u64_be(o + 8, "length")?,
                at.u8(o + 19, "mode")?,
                u64::from(at.u32_be(o + 20, "start sector")?),
            )
        } else {
            (
                u64::from(at.u32_be(o, "offset")?),
                u64::from(at.u32_be(o + 4, "length")?),
                at.u8(o + 11, "mode")?,
                u64::from(at.u32_be(o + 12, "start sector")?),
            )
        };
        let (mode, sub) = mode_of(code).ok_or_else(|| {
            ImageError::malformed(
                path,
                o,
                format!("track {number:02}: unknown mode code 0x{code:02X}"),
            )
        })?;
        let size = sector_bytes(mode, sub);
        match offset.checked_add(len) {
            Some(end) if end <= data_end && len > 0 => {}
            _ => {
                return Err(ImageError::malformed(
                    path,
                    o,
                    format!("track {number:02}: {len} bytes at byte {offset} are not inside the sector data (0..{data_end})"),
                ))
            }
        }
        if !mode.is_audio() && len % size != 0 {
            return Err(ImageError::malformed(
                path,
                o,
                format!("track {number:02}: {len} bytes are not whole {size}-byte sectors"),
            ));
        }
        if sector != lba {
            return Err(ImageError::malformed(
                path,
                o,
                format!("track {number:02}: start sector {sector} disagrees with the lengths of the tracks before it ({lba})"),
            ));
        }
        lba += len.div_ceil(size);
        let mut t = new_track(number, mode, sub);
        t.pregap_generated = if k == 0 { 0 } else { TAO_PREGAP };
        t.segments.push(Segment::File {
            path: path.to_path_buf(),
            byte_offset: offset,
            byte_len: len,
            swap: false,
        });
        tracks.push(t);
    }
    Ok(tracks)
}
