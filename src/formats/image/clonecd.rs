//! CloneCD images in clone mode: the `.ccd` control file (parsed by
//! [`parse_ccd`](crate::formats::ccd::parse_ccd)), the `.img` main channel (2352 bytes per
//! sector from LBA 0, data sectors unscrambled unless `DataTracksScrambled=1`) and the `.sub`
//! subchannel (96 bytes per sector, linear P..W order, same sectors). The `.sub` is the
//! subchannel as read from the disc: the plan carries it as
//! [`DiscPlan::subchannel_as_read`] so that every output keeps it byte for byte (copy
//! protection, bad CRCs and R–W included) unless the caller regenerates it.
//!
//! The `[TRACK n]` sections give modes and indexes; the `[Entry n]` list must agree with them
//! (each track pointer's PLBA is its INDEX 01, A0/A1 its first and last track, A2 the
//! lead-out at the end of the `.img`); a disagreement is an error, not a guess.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

use super::{isrc_field, ImageError};
use crate::codec::Mcn;
use crate::formats::ccd::{parse_ccd, CcdSheet};
use crate::formats::plan::{DiscPlan, Segment, TextFields, TrackMode, TrackPlan};

/// The largest `.ccd` read (a full TOC and CD-Text are a few hundred kilobytes at most).
const MAX_CCD_BYTES: u64 = 8 << 20;

/// Reads a CloneCD set from its `.ccd`: the `.img` and `.sub` beside it (same base name,
/// extension in either case).
///
/// # Errors
/// [`ImageError`]: a bad `.ccd` (line and column), a missing `.img`, sizes that disagree,
/// entries that disagree with the `[TRACK n]` sections, several sessions.
pub fn load_ccd(path: &Path) -> Result<DiscPlan, ImageError> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| ImageError::Io { path: p, source }
    };
    let meta = std::fs::metadata(path).map_err(io(path))?;
    if meta.len() > MAX_CCD_BYTES {
        return Err(ImageError::invalid(
            path,
            format!("{} bytes is too large for a .ccd control file", meta.len()),
        ));
    }
    let bytes = std::fs::read(path).map_err(io(path))?;
    let text = crate::formats::lex::decode_sheet(&bytes);
    let sheet = parse_ccd(&text, path).map_err(ImageError::Sheet)?;
    let img = beside(path, "img").ok_or_else(|| ImageError::Io {
        path: path.with_extension("img"),
        source: std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no such file (the .img of this .ccd)",
        ),
    })?;
    let img_len = std::fs::metadata(&img).map_err(io(&img))?.len();
    let sub = beside(path, "sub");
    let sub_len = match &sub {
        Some(s) => Some(std::fs::metadata(s).map_err(io(s))?.len()),
        None => None,
    };
    plan_from_ccd(&sheet, &img, img_len, sub.as_deref().zip(sub_len))
}

/// `ccd` with extension `ext` or its upper case, when it exists.
fn beside(ccd: &Path, ext: &str) -> Option<PathBuf> {
    [ext.to_string(), ext.to_ascii_uppercase()]
        .iter()
        .map(|e| ccd.with_extension(e))
        .find(|p| p.is_file())
}

/// Turns a parsed `.ccd` into a plan over `img` (`img_len` bytes) and, when there is one, the
/// `.sub` (`path`, length). Pure: no file is opened.
///
/// # Errors
/// As [`load_ccd`].
pub fn plan_from_ccd(
    sheet: &CcdSheet,
    img: &Path,
    img_len: u64,
    sub: Option<(&Path, u64)>,
) -> Result<DiscPlan, ImageError> {
    let path = sheet.path.as_path();
    let bad = |m: String| ImageError::invalid(path, m);
    if sheet.sessions > 1 || sheet.entries.iter().any(|e| e.session > 1) {
        return Err(ImageError::Unsupported {
            path: path.to_path_buf(),
            what: format!(
                "a multi-session CloneCD image (Sessions={})",
                sheet.sessions.max(2)
            ),
        });
    }
    if img_len % 2352 != 0 || img_len == 0 {
        return Err(ImageError::invalid(
            img,
            format!("{img_len} bytes is not whole 2352-byte sectors"),
        ));
    }
    let sectors = img_len / 2352;
    if let Some((s, len)) = sub {
        if len != sectors * 96 {
            return Err(ImageError::invalid(
                s,
                format!(
                    "{len} bytes, but the .img holds {sectors} sectors, so the .sub needs {} (96 per sector)",
                    sectors * 96
                ),
            ));
        }
    }
    let leadout = sheet
        .leadout_lba()
        .ok_or_else(|| bad("no lead-out entry (Point=0xa2) in the [Entry] list".into()))?;
    if i64::from(leadout) != sectors as i64 {
        return Err(bad(format!(
            "the lead-out entry (Point=0xa2) is at LBA {leadout}, but the .img holds {sectors} sectors"
        )));
    }
    let tracks = &sheet.tracks;
    let Some(first) = tracks.first().map(|t| t.number) else {
        return Err(bad("no [TRACK n] section".into()));
    };
    for (k, t) in tracks.iter().enumerate() {
        if usize::from(t.number) != usize::from(first) + k {
            return Err(bad(format!(
                "[TRACK {}] follows [TRACK {}]: track numbers must be consecutive",
                t.number,
                tracks[k - 1].number
            )));
        }
    }
    let last = tracks[tracks.len() - 1].number;
    for (point, want, what) in [(0xA0u8, first, "first"), (0xA1, last, "last")] {
        if let Some(e) = sheet.entries.iter().find(|e| e.point == point) {
            if e.p[0] != want {
                return Err(bad(format!(
                    "the entry Point=0x{point:02x} says the {what} track is {}, the [TRACK] sections say {want}",
                    e.p[0]
                )));
            }
        }
    }
    let mut warnings = Vec::new();
    // First sector of each track's content: track 1 from LBA 0, later tracks from INDEX 0
    // (or INDEX 1).
    let mut starts = Vec::with_capacity(tracks.len());
    for (k, t) in tracks.iter().enumerate() {
        let i1 = t
            .index(1)
            .ok_or_else(|| bad(format!("[TRACK {}] has no INDEX 1", t.number)))?;
        let s = if k == 0 { 0 } else { t.index(0).unwrap_or(i1) };
        let prev = starts.last().copied().unwrap_or(-1);
        if s <= prev || i1 < s || i64::from(i1) >= sectors as i64 {
            return Err(bad(format!(
                "[TRACK {}]: INDEX 0/1 at LBA {s}/{i1} are out of order or outside the .img (0..{sectors})",
                t.number
            )));
        }
        starts.push(s);
    }
    let mut plans = Vec::with_capacity(tracks.len());
    for (k, t) in tracks.iter().enumerate() {
        let start = starts[k];
        let end = starts.get(k + 1).copied().unwrap_or(leadout);
        let i1 = t.index(1).unwrap_or(start);
        let mode = match t.mode {
            0 => TrackMode::Audio,
            1 => TrackMode::Mode1Raw,
            2 => TrackMode::Mode2Raw,
            m => {
                return Err(bad(format!(
                    "[TRACK {}]: unknown MODE={m} (0 audio, 1, 2)",
                    t.number
                )))
            }
        };
        let entry = sheet
            .track_entries()
            .find(|e| e.point == t.number)
            .ok_or_else(|| bad(format!("no [Entry] for track {}", t.number)))?;
        if entry.p_lba() != i1 {
            return Err(bad(format!(
                "the entry for track {} puts it at LBA {}, [TRACK {}] INDEX 1 at {i1}",
                t.number,
                entry.p_lba(),
                t.number
            )));
        }
        let ctl = entry.control;
        if (ctl & 0x4 != 0) == mode.is_audio() {
            return Err(bad(format!(
                "the entry for track {} says Control=0x{ctl:02x} ({}), [TRACK {}] MODE={} ({})",
                t.number,
                if ctl & 0x4 != 0 { "data" } else { "audio" },
                t.number,
                t.mode,
                if mode.is_audio() { "audio" } else { "data" }
            )));
        }
        let mut indexes = Vec::new();
        for &(n, lba) in &t.indexes {
            if n >= 2 {
                if lba <= indexes.last().map_or(i1, |&o: &u32| start + o as i32) || lba >= end {
                    return Err(bad(format!(
                        "[TRACK {}]: INDEX {n} at LBA {lba} is out of order or outside the track",
                        t.number
                    )));
                }
                indexes.push((lba - start) as u32);
            }
        }
        let isrc = t
            .isrc
            .as_deref()
            .and_then(|s| isrc_field(s.as_bytes(), t.number, &mut warnings));
        plans.push(TrackPlan {
            number: t.number,
            mode,
            copy: ctl & 0x2 != 0,
            preemphasis: ctl & 0x1 != 0 && mode.is_audio(),
            four_channel: ctl & 0x8 != 0 && mode.is_audio(),
            scms: false,
            isrc,
            pregap_generated: 0,
            segments: vec![Segment::File {
                path: img.to_path_buf(),
                byte_offset: start as u64 * 2352,
                byte_len: (end - start) as u64 * 2352,
                swap: false,
            }],
            index1: (i1 - start) as u32,
            indexes,
            postgap_generated: 0,
            text: Default::default(),
            sub: None,
        });
    }
    let catalog = match &sheet.catalog {
        Some(c) => match Mcn::parse(c) {
            Ok(m) => Some(m),
            Err(e) => {
                warnings.push(format!("CATALOG={c} ignored: {e}"));
                None
            }
        },
        None => None,
    };
    if sub.is_none() {
        warnings.push("no .sub beside the .ccd: the subchannel is generated".into());
    }
    Ok(DiscPlan {
        sheet: path.to_path_buf(),
        catalog,
        disc_type: None,
        first_track: first,
        tracks: plans,
        text: TextFields::default(),
        warnings,
        cdtext_packs: (!sheet.cdtext.is_empty()).then(|| sheet.cdtext.clone()),
        data_scrambled: sheet.data_tracks_scrambled,
        subchannel_as_read: sub.map(|(p, _)| p.to_path_buf()),
    })
}
