//! Alcohol 120% images: a binary `.mds` descriptor and the sectors in an `.mdf` file.
//!
//! Facts of the `.mds` v1 layout (reverse-engineered by others; every number little-endian):
//! * Header, 88 bytes: `MEDIA DESCRIPTOR` (16), version (2: major 1), medium type (u16 at 18:
//!   0 CD-ROM, 1 CD-R, 2 CD-RW; 0x10 and up are DVDs), sessions (u16 at 20), offset of the
//!   session blocks (u32 at 80).
//! * Session block, 24 bytes: start and end sector (i32 at 0 and 4; the end is the lead-out),
//!   session number (u16 at 8), all blocks (u8 at 10), lead-in blocks (u8 at 11), first and
//!   last track (u16 at 12 and 14), offset of its track blocks (u32 at 20).
//! * Track block, 80 bytes: mode (0; low nibble: 1/9 audio, 2/A Mode 1, 0/3/7/8/B/F Mode 2,
//!   4/C Mode 2 Form 1, 5/D Mode 2 Form 2), subchannel (1; 0 none, 8 = 96 bytes of raw P–W
//!   after each sector), ADR/CTL (2; CTL in the low nibble), TNO (3), POINT (4; 1..99 a
//!   track, A0..A2 lead-in items), MSF, zero, PMSF (5..12), offset of the extra block (u32
//!   at 12), bytes per sector in the file (u16 at 16, subchannel included), INDEX 01 sector
//!   (u32 at 36), offset in the data file (u64 at 40), number of data files (u32 at 48),
//!   offset of the file-name blocks (u32 at 52).
//! * Extra block, 8 bytes: pre-gap sectors (u32), track sectors (u32). The pre-gap is not in
//!   the data file; track 1's is the standard 150 sectors before LBA 0.
//! * File-name block, 16 bytes: offset of the name (u32), 1 when the name is UTF-16 (u32).
//!   The name `*.mdf` means the descriptor's own base name with extension `mdf`.
//! * Subchannel mode 8: the 96 bytes after each sector are the P–W as the drive returned it
//!   in raw mode, interleaved (byte i holds bit i of every channel: P in bit 7, Q in bit 6,
//!   R–W in bits 5..0), as in a Nero image and rawcd's `raw96`, not a CloneCD `.sub`'s
//!   channel-by-channel order (libmirage reads them as interleaved P–W96 too). rawcd carries
//!   them as given (clone mode, [`SubchannelInput::RawAsRead`]) unless told to regenerate the
//!   subchannel; main channel and subchannel are read from the `.mdf` with a stride, as the
//!   stream goes.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

use super::{At, ImageError};
use crate::formats::plan::{DiscPlan, Segment, SubchannelInput, TextFields, TrackMode, TrackPlan};

/// The track-1 pre-gap that precedes LBA 0 on every disc.
const STANDARD_PREGAP: u32 = 150;

/// Reads an `.mds` file and checks its data file's size.
///
/// # Errors
/// [`ImageError`]: as [`parse_mds`], or a data file that is missing or too short.
pub fn load_mds(path: &Path) -> Result<DiscPlan, ImageError> {
    let bytes = std::fs::read(path).map_err(|source| ImageError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let plan = parse_mds(path, &bytes)?;
    for t in &plan.tracks {
        for s in &t.segments {
            if let Segment::File {
                path: data,
                byte_offset,
                byte_len,
                ..
            } = s
            {
                let have = std::fs::metadata(data)
                    .map_err(|source| ImageError::Io {
                        path: data.clone(),
                        source,
                    })?
                    .len();
                if byte_offset + byte_len > have {
                    return Err(ImageError::invalid(
                        path,
                        format!(
                            "track {:02} needs bytes {byte_offset}..{} of {}, which has {have} bytes",
                            t.number,
                            byte_offset + byte_len,
                            data.display()
                        ),
                    ));
                }
            }
        }
    }
    Ok(plan)
}

/// The track mode for an `.mds` mode byte and the bytes per sector stored (subchannel
/// excluded).
fn mode_of(code: u8, main: u64) -> Option<TrackMode> {
    Some(match (code & 0x07, main) {
        (1, 2352) => TrackMode::Audio,
        (2, 2048) => TrackMode::Mode1,
        (2, 2352) => TrackMode::Mode1Raw,
        (4, 2048) => TrackMode::Mode2Form1,
        (5, 2324) => TrackMode::Mode2Form2,
        (0 | 3 | 4 | 5 | 7, 2336) => TrackMode::Mode2FormMix,
        (0 | 3 | 4 | 5 | 7, 2352) => TrackMode::Mode2Raw,
        _ => return None,
    })
}

/// Reads an `.mds` descriptor (its bytes) into a plan whose segments point into the data file
/// it names, resolved next to `path`.
///
/// # Errors
/// [`ImageError`] naming the byte offset: a truncated descriptor, a block past its end, a
/// count or sector size that disagrees, an unknown mode or subchannel mode, track positions
/// that disagree with the lengths, several sessions or data files.
pub fn parse_mds(path: &Path, bytes: &[u8]) -> Result<DiscPlan, ImageError> {
    let at = At { path, bytes };
    if !bytes.starts_with(b"MEDIA DESCRIPTOR") {
        return Err(ImageError::malformed(
            path,
            0,
            "no MEDIA DESCRIPTOR signature",
        ));
    }
    let major = at.u8(16, "version")?;
    if major != 1 {
        return Err(ImageError::Unsupported {
            path: path.to_path_buf(),
            what: format!(".mds version {major}"),
        });
    }
    let medium = at.u16_le(18, "medium type")?;
    if medium >= 0x10 {
        return Err(ImageError::Unsupported {
            path: path.to_path_buf(),
            what: format!("a DVD image (medium type 0x{medium:02X})"),
        });
    }
    let sessions = at.u16_le(20, "session count")?;
    if sessions == 0 {
        return Err(ImageError::malformed(path, 20, "the image has no session"));
    }
    if sessions > 1 {
        return Err(ImageError::Unsupported {
            path: path.to_path_buf(),
            what: format!("a multi-session Alcohol image ({sessions} sessions)"),
        });
    }
    let s = u64::from(at.u32_le(80, "session block offset")?);
    at.get(s, 24, "session block")?;
    let session_end = i64::from(at.u32_le(s + 4, "session end")? as i32);
    let blocks = u64::from(at.u8(s + 10, "block count")?);
    let first = at.u16_le(s + 12, "first track")?;
    let last = at.u16_le(s + 14, "last track")?;
    if first == 0 || last < first || last > 99 {
        return Err(ImageError::malformed(
            path,
            s + 12,
            format!("session block says tracks {first}..{last}"),
        ));
    }
    let tb = u64::from(at.u32_le(s + 20, "track block offset")?);
    at.get(tb, blocks * 80, "track blocks")?;
    let mut warnings = Vec::new();
    let mut tracks: Vec<TrackPlan> = Vec::new();
    let mut pos: i64 = 0;
    let mut data: Option<PathBuf> = None;
    for k in 0..blocks {
        let o = tb + 80 * k;
        let point = at.u8(o + 4, "point")?;
        if point == 0 || point > 99 {
            continue;
        }
        let number = point;
        let want = first as usize + tracks.len();
        if usize::from(number) != want {
            return Err(ImageError::malformed(
                path,
                o + 4,
                format!("track block for track {number} where track {want} was due"),
            ));
        }
        let code = at.u8(o, "mode")?;
        let subcode = at.u8(o + 1, "subchannel mode")?;
        let ctl = at.u8(o + 2, "ADR/CTL")? & 0x0F;
        let extra = u64::from(at.u32_le(o + 12, "extra block offset")?);
        let size = u64::from(at.u16_le(o + 16, "sector size")?);
        let start = i64::from(at.u32_le(o + 36, "start sector")?);
        let offset = at.u64_le(o + 40, "data offset")?;
        let files = at.u32_le(o + 48, "file count")?;
        let names = u64::from(at.u32_le(o + 52, "file-name block offset")?);
        let (main, sub) = match subcode {
            0 => (size, None),
            8 if size > 96 => (size - 96, Some(SubchannelInput::RawAsRead)),
            _ => {
                return Err(ImageError::malformed(
                    path,
                    o + 1,
                    format!("track {number:02}: unknown subchannel mode 0x{subcode:02X} (sector size {size})"),
                ))
            }
        };
        let mode = mode_of(code, main).ok_or_else(|| {
            ImageError::malformed(
                path,
                o,
                format!("track {number:02}: mode 0x{code:02X} with {main}-byte sectors is not a track mode rawcd knows"),
            )
        })?;
        if extra == 0 {
            return Err(ImageError::malformed(
                path,
                o + 12,
                format!("track {number:02} has no extra block (pre-gap and length)"),
            ));
        }
        let pregap = at.u32_le(extra, "pre-gap")?;
        let length = at.u32_le(extra + 4, "track length")?;
        if length == 0 {
            return Err(ImageError::malformed(
                path,
                extra + 4,
                format!("track {number:02} has no sectors"),
            ));
        }
        if files != 1 {
            return Err(ImageError::Unsupported {
                path: path.to_path_buf(),
                what: format!("track {number:02} in {files} data files (a split .mdf)"),
            });
        }
        let name = file_name(&at, names, number)?;
        let file = resolve(path, &name);
        match &data {
            Some(d) if *d != file => {
                return Err(ImageError::Unsupported {
                    path: path.to_path_buf(),
                    what: format!(
                        "tracks in different data files ({} and {})",
                        d.display(),
                        file.display()
                    ),
                })
            }
            _ => data = Some(file.clone()),
        }
        let mut t = TrackPlan {
            number,
            mode,
            copy: ctl & 0x2 != 0,
            preemphasis: ctl & 0x1 != 0 && mode.is_audio(),
            four_channel: ctl & 0x8 != 0 && mode.is_audio(),
            scms: false,
            isrc: None,
            pregap_generated: if tracks.is_empty() {
                pregap.saturating_sub(STANDARD_PREGAP)
            } else {
                pregap
            },
            segments: vec![Segment::File {
                path: file,
                byte_offset: offset,
                byte_len: u64::from(length) * size,
                swap: false,
            }],
            index1: 0,
            indexes: Vec::new(),
            postgap_generated: 0,
            text: Default::default(),
            sub,
        };
        if (ctl & 0x4 != 0) == mode.is_audio() {
            warnings.push(format!(
                "track {number:02}: the CTL data bit disagrees with its mode; the mode wins"
            ));
        }
        if offset.checked_add(u64::from(length) * size).is_none() {
            return Err(ImageError::malformed(path, o + 40, "data offset overflows"));
        }
        // Generated pre-gap sectors come before INDEX 01: make them index 00.
        let index1_lba = pos + i64::from(t.pregap_generated);
        if start != index1_lba {
            return Err(ImageError::malformed(
                path,
                o + 36,
                format!("track {number:02}: INDEX 01 at sector {start}, but the pre-gaps and lengths before it put it at {index1_lba}"),
            ));
        }
        pos = index1_lba + i64::from(length);
        t.index1 = 0;
        tracks.push(t);
    }
    if tracks.len() != usize::from(last - first + 1) {
        return Err(ImageError::malformed(
            path,
            s + 12,
            format!(
                "session block says tracks {first}..{last}, the track blocks hold {}",
                tracks.len()
            ),
        ));
    }
    if session_end != pos {
        return Err(ImageError::malformed(
            path,
            s + 4,
            format!("session ends at sector {session_end}, the tracks end at {pos}"),
        ));
    }
    Ok(DiscPlan {
        sheet: path.to_path_buf(),
        catalog: None,
        disc_type: None,
        first_track: first as u8,
        tracks,
        text: TextFields::default(),
        warnings,
        cdtext_packs: None,
        data_scrambled: false,
        subchannel_as_read: None,
        toc_as_read: Vec::new(),
        sessions: Vec::new(),
    })
}

/// The data file's name from a file-name block (NUL-terminated, 8-bit or UTF-16LE).
fn file_name(at: &At<'_>, block: u64, track: u8) -> Result<String, ImageError> {
    let off = u64::from(at.u32_le(block, "file-name offset")?);
    let wide = at.u32_le(block + 4, "file-name width")? != 0;
    let rest = at.get(
        off,
        (at.bytes.len() as u64).saturating_sub(off),
        "file name",
    )?;
    let name = if wide {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|&u| u != 0)
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        let n = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        String::from_utf8_lossy(&rest[..n]).into_owned()
    };
    if name.is_empty() {
        return Err(ImageError::malformed(
            at.path,
            off,
            format!("track {track:02}: empty data file name"),
        ));
    }
    Ok(name)
}

/// The data file a name means, next to the descriptor (`*.ext`: the descriptor's base name).
fn resolve(mds: &Path, name: &str) -> PathBuf {
    let dir = mds.parent().unwrap_or(Path::new(""));
    if let Some(ext) = name.strip_prefix("*.") {
        // Only a plain extension (a separator in it would name another folder; fuzz find).
        if !ext.is_empty() && ext.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return mds.with_extension(ext);
        }
    }
    // Only the last component: a descriptor never reaches outside its folder.
    let leaf = name.rsplit(['/', '\\']).next().unwrap_or(name);
    dir.join(leaf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_file_names_stay_in_the_descriptors_folder() {
        let mds = Path::new("d/x.mds");
        assert_eq!(resolve(mds, "*.mdf"), Path::new("d/x.mdf"));
        assert_eq!(resolve(mds, "disc.mdf"), Path::new("d/disc.mdf"));
        assert_eq!(
            resolve(mds, "..\\..\\etc\\disc.mdf"),
            Path::new("d/disc.mdf")
        );
        // Fuzz find: `*.` followed by a path separator made Path::with_extension panic.
        assert_eq!(resolve(mds, "*./df"), Path::new("d/df"));
        assert_eq!(resolve(mds, "*.a\\b"), Path::new("d/b"));
        assert_eq!(resolve(mds, "*."), Path::new("d/*."));
    }
}
