//! CloneCD control files (`.ccd`, cd-format.md §11.3): the parser (`rawcd verify`, and the
//! reader of CloneCD images). The writer of rawcd's `clonecd` output is `formats::write::ccd`.
//!
//! The image reader ([`load_ccd`], [`plan_from_ccd`]) reads CloneCD images in clone mode:
//! the `.ccd` control file, the `.img` main channel (2352 bytes per sector from LBA 0, data
//! sectors unscrambled unless `DataTracksScrambled=1`) and the `.sub` subchannel (96 bytes
//! per sector, linear P..W order, same sectors). The `.sub` is the subchannel as read from
//! the disc: the plan carries it as [`DiscPlan::subchannel_as_read`] so that every output
//! keeps it byte for byte (copy protection, bad CRCs and R–W included) unless the caller
//! regenerates it. The `[TRACK n]` sections give modes and indexes; the `[Entry n]` list must
//! agree with them (each track pointer's PLBA is its INDEX 01, A0/A1 its first and last
//! track, A2 the lead-out at the end of the `.img`); a disagreement is an error, not a guess.
//! The list is also the lead-in as read ([`DiscPlan::toc_as_read`]): CTRL, A0's disc type and
//! the ADR 5 items (B0, C0) reach the lead-in as the file has them.
//!
//! Conventions (as real CloneCD files and libmirage's reader have them): CRLF line endings;
//! `[Entry n]` in lead-in TOC order A0, A1, A2, then the tracks; `Point`, `ADR`, `Control` in
//! hex, everything else decimal and binary (not BCD), except A0's `PSec`, which is the disc
//! type byte (0, 16 = CD-i, 32 = XA); `AMin/ASec/AFrame` 0 and `ALBA=-150` (the lead-in
//! position a TOC entry was read at is not recorded); `PLBA` = (PMin·60 + PSec)·75 + PFrame
//! − 150 for every entry, A0/A1 included (**unverified** which values CloneCD itself writes for
//! A0/A1).
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

use super::{isrc_field, ImageError};
use crate::codec::cdtext::{Pack, PACK_SIZE};
use crate::codec::Mcn;
use crate::formats::error::{ParseError, ParseErrorKind};
use crate::formats::plan::{DiscPlan, Segment, TextFields, TrackMode, TrackPlan};

/// One `[Entry n]`: a raw lead-in TOC entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CcdEntry {
    /// `Session=`.
    pub session: u8,
    /// `Point=`: 1..=99 track (binary), 0xA0/0xA1/0xA2, or another pointer.
    pub point: u8,
    /// `ADR=`.
    pub adr: u8,
    /// `Control=`.
    pub control: u8,
    /// `TrackNo=`.
    pub track_no: u8,
    /// `AMin=`, `ASec=`, `AFrame=`.
    pub a: [u8; 3],
    /// `ALBA=`.
    pub alba: i32,
    /// `Zero=`.
    pub zero: u8,
    /// `PMin=`, `PSec=`, `PFrame=` (binary).
    pub p: [u8; 3],
    /// `PLBA=`.
    pub plba: i32,
}

impl CcdEntry {
    /// The LBA of the P fields: (PMin·60 + PSec)·75 + PFrame − 150.
    pub fn p_lba(&self) -> i32 {
        (i32::from(self.p[0]) * 60 + i32::from(self.p[1])) * 75 + i32::from(self.p[2]) - 150
    }
}

/// One `[TRACK n]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CcdTrack {
    /// The track number.
    pub number: u8,
    /// `MODE=`: 0 audio, 1, 2.
    pub mode: u8,
    /// `INDEX n=` LBAs, in index order.
    pub indexes: Vec<(u8, i32)>,
    /// `ISRC=`.
    pub isrc: Option<String>,
}

impl CcdTrack {
    /// The LBA of INDEX `n`.
    pub fn index(&self, n: u8) -> Option<i32> {
        self.indexes.iter().find(|(i, _)| *i == n).map(|&(_, l)| l)
    }
}

/// A parsed `.ccd` file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CcdSheet {
    /// The file (for messages).
    pub path: PathBuf,
    /// `[CloneCD] Version=`.
    pub version: u32,
    /// `[Disc] Sessions=`.
    pub sessions: u32,
    /// `[Disc] DataTracksScrambled=`.
    pub data_tracks_scrambled: bool,
    /// `[Disc] CDTextLength=`.
    pub cdtext_length: u32,
    /// `[Disc] CATALOG=`.
    pub catalog: Option<String>,
    /// `[Session n] PreGapMode=` per session (index 0 = session 1).
    pub pregap_modes: Vec<u8>,
    /// `[CDText] Entry n=` packs (CRC recomputed when only 16 bytes are given).
    pub cdtext: Vec<Pack>,
    /// `[Entry n]`, in file order (n = 0..TocEntries).
    pub entries: Vec<CcdEntry>,
    /// `[TRACK n]`, by ascending number.
    pub tracks: Vec<CcdTrack>,
}

impl CcdSheet {
    /// The lead-out start (A2's PLBA of session 1).
    pub fn leadout_lba(&self) -> Option<i32> {
        self.entries
            .iter()
            .find(|e| e.point == 0xA2 && e.session <= 1)
            .map(|e| e.plba)
    }

    /// The TOC entries of tracks (`Point` 1..=99), in file order.
    pub fn track_entries(&self) -> impl Iterator<Item = &CcdEntry> {
        self.entries.iter().filter(|e| (1..=99).contains(&e.point))
    }
}

/// Which section a line is in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    None,
    CloneCd,
    Disc,
    CdText,
    Session(usize),
    Entry(usize),
    Track(usize),
    Other,
}

fn parse_int(text: &str) -> Option<i64> {
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let v = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()?
    } else {
        t.parse::<i64>().ok()?
    };
    Some(if neg { -v } else { v })
}

/// Parses a `.ccd` file. Unknown sections and keys are ignored (later CloneCD versions add
/// some); section and key names are case-insensitive.
///
/// # Errors
/// A [`ParseError`] at the line and column of: a line that is neither `[section]` nor
/// `key=value`, a bad number, a value out of range, an `[Entry n]`/`[TRACK n]` with a bad
/// number, a `[CDText]` entry that is not 16 or 18 hex bytes; at line 0 a missing
/// `[CloneCD]`, `TocEntries` that disagrees with the `[Entry n]` sections, or no track.
pub fn parse_ccd(text: &str, path: &Path) -> Result<CcdSheet, ParseError> {
    let err = |line: usize, col: usize, kind| ParseError::new(path, line as u32, col as u32, kind);
    let mut sheet = CcdSheet {
        path: path.to_path_buf(),
        ..Default::default()
    };
    let mut section = Section::None;
    let mut seen_clonecd = false;
    let mut toc_entries: Option<(usize, usize)> = None; // (count, line)
    let mut entry_set: Vec<bool> = Vec::new();
    for (ln, raw) in text.lines().enumerate() {
        let ln = ln + 1;
        let lead = raw.len() - raw.trim_start().len();
        let l = raw.trim();
        if l.is_empty() || l.starts_with(';') {
            continue;
        }
        if let Some(name) = l.strip_prefix('[') {
            let Some(name) = name.strip_suffix(']') else {
                return Err(err(
                    ln,
                    lead + 1,
                    ParseErrorKind::Expected {
                        expected: "a section name ending in ]",
                        found: l.to_string(),
                    },
                ));
            };
            let upper = name.trim().to_ascii_uppercase();
            let numbered = |prefix: &str, max: i64| -> Result<Option<usize>, ParseError> {
                let Some(rest) = upper.strip_prefix(prefix) else {
                    return Ok(None);
                };
                match parse_int(rest) {
                    Some(n) if (0..=max).contains(&n) => Ok(Some(n as usize)),
                    _ => Err(err(
                        ln,
                        lead + 1 + prefix.len(),
                        ParseErrorKind::BadNumber {
                            text: rest.trim().to_string(),
                            reason: "not a valid section number",
                        },
                    )),
                }
            };
            section = match upper.as_str() {
                "CLONECD" => {
                    seen_clonecd = true;
                    Section::CloneCd
                }
                "DISC" => Section::Disc,
                "CDTEXT" => Section::CdText,
                _ => {
                    if let Some(n) = numbered("SESSION ", 99)? {
                        Section::Session(n)
                    } else if let Some(n) = numbered("ENTRY ", 9999)? {
                        if entry_set.len() <= n {
                            entry_set.resize(n + 1, false);
                            sheet.entries.resize(n + 1, CcdEntry::default());
                        }
                        if entry_set[n] {
                            return Err(err(
                                ln,
                                lead + 1,
                                ParseErrorKind::Duplicate {
                                    keyword: "[Entry n]",
                                },
                            ));
                        }
                        entry_set[n] = true;
                        Section::Entry(n)
                    } else if let Some(n) = numbered("TRACK ", 99)? {
                        if n == 0 {
                            return Err(err(
                                ln,
                                lead + 8,
                                ParseErrorKind::BadNumber {
                                    text: "0".into(),
                                    reason: "track numbers start at 1",
                                },
                            ));
                        }
                        if sheet.tracks.iter().any(|t| usize::from(t.number) == n) {
                            return Err(err(
                                ln,
                                lead + 1,
                                ParseErrorKind::Duplicate {
                                    keyword: "[TRACK n]",
                                },
                            ));
                        }
                        sheet.tracks.push(CcdTrack {
                            number: n as u8,
                            ..Default::default()
                        });
                        Section::Track(sheet.tracks.len() - 1)
                    } else {
                        Section::Other
                    }
                }
            };
            continue;
        }
        let Some(eq) = l.find('=') else {
            return Err(err(
                ln,
                lead + 1,
                ParseErrorKind::Expected {
                    expected: "key=value or [section]",
                    found: l.to_string(),
                },
            ));
        };
        let key = l[..eq].trim().to_ascii_uppercase();
        let value = l[eq + 1..].trim();
        let vcol = lead + eq + 2 + (l[eq + 1..].len() - l[eq + 1..].trim_start().len());
        let num = |lo: i64, hi: i64| -> Result<i64, ParseError> {
            match parse_int(value) {
                Some(v) if (lo..=hi).contains(&v) => Ok(v),
                Some(_) => Err(err(
                    ln,
                    vcol,
                    ParseErrorKind::BadNumber {
                        text: value.to_string(),
                        reason: "out of range",
                    },
                )),
                None => Err(err(
                    ln,
                    vcol,
                    ParseErrorKind::BadNumber {
                        text: value.to_string(),
                        reason: "not a number",
                    },
                )),
            }
        };
        let byte = || num(0, 255).map(|v| v as u8);
        let lba = || num(-450_150, 450_150).map(|v| v as i32);
        match section {
            Section::CloneCd if key == "VERSION" => sheet.version = num(0, 1000)? as u32,
            Section::Disc => match key.as_str() {
                "TOCENTRIES" => toc_entries = Some((num(0, 9999)? as usize, ln)),
                "SESSIONS" => sheet.sessions = num(0, 99)? as u32,
                "DATATRACKSSCRAMBLED" => sheet.data_tracks_scrambled = num(0, 1)? != 0,
                "CDTEXTLENGTH" => sheet.cdtext_length = num(0, 1 << 20)? as u32,
                "CATALOG" => sheet.catalog = (!value.is_empty()).then(|| value.to_string()),
                _ => {}
            },
            Section::CdText if key.starts_with("ENTRY ") => {
                let bytes: Option<Vec<u8>> = value
                    .split_whitespace()
                    .map(|h| u8::from_str_radix(h, 16).ok())
                    .collect();
                let mut p = [0u8; PACK_SIZE];
                match bytes {
                    Some(b) if b.len() == PACK_SIZE => p.copy_from_slice(&b),
                    Some(b) if b.len() == 16 => {
                        p[..16].copy_from_slice(&b);
                        let mut pk = Pack(p);
                        pk.seal();
                        p = pk.0;
                    }
                    _ => {
                        return Err(err(
                            ln,
                            vcol,
                            ParseErrorKind::Expected {
                                expected: "16 or 18 hex bytes",
                                found: value.to_string(),
                            },
                        ))
                    }
                }
                sheet.cdtext.push(Pack(p));
            }
            Section::Session(n) if key == "PREGAPMODE" => {
                let i = n.saturating_sub(1);
                if sheet.pregap_modes.len() <= i {
                    sheet.pregap_modes.resize(i + 1, 0);
                }
                sheet.pregap_modes[i] = num(0, 2)? as u8;
            }
            Section::Entry(n) => {
                let e = &mut sheet.entries[n];
                match key.as_str() {
                    "SESSION" => e.session = byte()?,
                    "POINT" => e.point = byte()?,
                    "ADR" => e.adr = byte()?,
                    "CONTROL" => e.control = byte()?,
                    "TRACKNO" => e.track_no = byte()?,
                    "AMIN" => e.a[0] = byte()?,
                    "ASEC" => e.a[1] = byte()?,
                    "AFRAME" => e.a[2] = byte()?,
                    "ALBA" => e.alba = lba()?,
                    "ZERO" => e.zero = byte()?,
                    "PMIN" => e.p[0] = byte()?,
                    "PSEC" => e.p[1] = byte()?,
                    "PFRAME" => e.p[2] = byte()?,
                    "PLBA" => e.plba = lba()?,
                    _ => {}
                }
            }
            Section::Track(i) => {
                let t = &mut sheet.tracks[i];
                if key == "MODE" {
                    t.mode = num(0, 2)? as u8;
                } else if key == "ISRC" {
                    t.isrc = (!value.is_empty()).then(|| value.to_string());
                } else if let Some(n) = key.strip_prefix("INDEX ") {
                    let Some(n) = parse_int(n).filter(|n| (0..=99).contains(n)) else {
                        return Err(err(
                            ln,
                            lead + 7,
                            ParseErrorKind::BadNumber {
                                text: n.trim().to_string(),
                                reason: "not an index number 0..99",
                            },
                        ));
                    };
                    let v = lba()?;
                    if t.index(n as u8).is_some() {
                        return Err(err(
                            ln,
                            lead + 1,
                            ParseErrorKind::Duplicate { keyword: "INDEX" },
                        ));
                    }
                    t.indexes.push((n as u8, v));
                    t.indexes.sort_unstable();
                }
            }
            _ => {}
        }
    }
    if !seen_clonecd {
        return Err(err(
            0,
            0,
            ParseErrorKind::Expected {
                expected: "a [CloneCD] section",
                found: "none".into(),
            },
        ));
    }
    if let Some(k) = entry_set.iter().position(|&s| !s) {
        return Err(err(
            0,
            0,
            ParseErrorKind::Expected {
                expected: "[Entry n] sections numbered from 0 without gaps",
                found: format!("no [Entry {k}]"),
            },
        ));
    }
    if let Some((n, ln)) = toc_entries {
        if n != sheet.entries.len() {
            return Err(err(
                ln,
                1,
                ParseErrorKind::Expected {
                    expected: "TocEntries equal to the number of [Entry n] sections",
                    found: format!("TocEntries={n} with {} entries", sheet.entries.len()),
                },
            ));
        }
    }
    if sheet.tracks.is_empty() {
        return Err(err(0, 0, ParseErrorKind::NoTracks));
    }
    sheet.tracks.sort_by_key(|t| t.number);
    Ok(sheet)
}

// --- the image reader (clone mode) ---

/// The largest `.ccd` read (a full TOC and CD-Text are a few hundred kilobytes at most).
const MAX_CCD_BYTES: u64 = 8 << 20;

/// Reads a CloneCD set from its `.ccd`: the `.img` and `.sub` beside it (same base name,
/// extension in either case).
///
/// # Errors
/// [`ImageError`]: a bad `.ccd` (line and column), a missing `.img`, sizes that disagree,
/// entries that disagree with the `[TRACK n]` sections. A multi-session image (D27: the
/// program areas back to back without the gaps) gives a multi-session plan; its `.sub` covers
/// the same sectors, and the gaps' subchannel is generated.
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
    let text = crate::formats::sheet::lex::decode_sheet(&bytes);
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

/// The lead-in TOC items of each session from the `[Entry]` list, in Q form: the `.ccd`
/// holds binary values (a Full TOC's), the Q frames BCD, except A0's PSec (the disc type byte)
/// and C0's AMin/ASec/AFrame (ATIP bits), which are raw in both (the conventions of
/// `formats::write::ccd`, cd-format.md §10.7, §11.3). Entries of another ADR than 1 and 5
/// are left out with a warning.
///
/// # Errors
/// A time field or track pointer that has no BCD form (above 99).
fn toc_as_read(
    sheet: &CcdSheet,
    warnings: &mut Vec<String>,
) -> Result<Vec<(u32, Vec<crate::layout::TocEntry>)>, ImageError> {
    use crate::units::to_bcd;
    let mut out: Vec<(u32, Vec<crate::layout::TocEntry>)> = Vec::new();
    for e in &sheet.entries {
        let session = u32::from(e.session.max(1));
        if e.adr != 1 && e.adr != 5 {
            // Before its fields are read: an item left out is not checked either.
            warnings.push(format!(
                "the entry Point=0x{:02x} of session {session} has ADR {}: a lead-in carries ADR 1 and 5 items only, so it is left out",
                e.point, e.adr
            ));
            continue;
        }
        let bcd = |v: u8, what: &str| {
            if v <= 99 {
                Ok(to_bcd(v))
            } else {
                Err(ImageError::invalid(
                    &sheet.path,
                    format!(
                        "the entry Point=0x{:02x} of session {session} has {what}={v}, which is not a time (0..99)",
                        e.point
                    ),
                ))
            }
        };
        let point = if e.point < 0xA0 {
            bcd(e.point, "Point")?
        } else {
            e.point
        };
        let p = [
            bcd(e.p[0], "PMin")?,
            if e.adr == 1 && e.point == 0xA0 {
                e.p[1]
            } else {
                bcd(e.p[1], "PSec")?
            },
            bcd(e.p[2], "PFrame")?,
        ];
        let item = if e.adr == 1 {
            crate::layout::TocEntry {
                adr: 1,
                ctrl: e.control & 0x0F,
                point,
                msf: [0; 3],
                zero: 0,
                p,
            }
        } else {
            crate::layout::TocEntry {
                adr: 5,
                ctrl: e.control & 0x0F,
                point,
                msf: if e.point == 0xC0 {
                    e.a
                } else {
                    [
                        bcd(e.a[0], "AMin")?,
                        bcd(e.a[1], "ASec")?,
                        bcd(e.a[2], "AFrame")?,
                    ]
                },
                zero: e.zero,
                p,
            }
        };
        match out.iter_mut().find(|(n, _)| *n == session) {
            Some((_, v)) => v.push(item),
            None => out.push((session, vec![item])),
        }
    }
    Ok(out)
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
    // Sessions (D27): the entries say each session's lead-out (A2) and which session each
    // track is in; the .img and .sub hold the program areas back to back, without the gap
    // between sessions (lead-out, lead-in and pre-gap: 11 400 sectors after session 1, 6900
    // after a later one, D24), while the [TRACK] indexes are disc LBAs.
    let session_of = |e: &CcdEntry| e.session.max(1);
    let count = sheet
        .entries
        .iter()
        .map(session_of)
        .max()
        .unwrap_or(1)
        .max(sheet.sessions.clamp(1, 99) as u8);
    let mut leadouts = Vec::with_capacity(usize::from(count));
    for n in 1..=count {
        let lo = sheet
            .entries
            .iter()
            .find(|e| e.point == 0xA2 && session_of(e) == n)
            .map(|e| e.plba)
            .ok_or_else(|| {
                bad(format!(
                    "no lead-out entry (Point=0xa2) of session {n} in the [Entry] list"
                ))
            })?;
        leadouts.push(lo);
    }
    let gap = |k: usize| if k == 0 { 11_400 } else { 6_900 };
    // Disc LBA of the first program sector of each session, and the .img sector it is stored at.
    let mut firsts = vec![(0i32, 0u64)];
    for k in 1..leadouts.len() {
        let (f, at) = firsts[k - 1];
        let len = leadouts[k - 1] - f;
        if len <= 0 {
            return Err(bad(format!(
                "the lead-out entries (Point=0xa2) of sessions {k} and before are not in order"
            )));
        }
        firsts.push((leadouts[k - 1] + gap(k - 1), at + len as u64));
    }
    let stored = {
        let (f, at) = firsts[firsts.len() - 1];
        at as i64 + i64::from(leadouts[leadouts.len() - 1]) - i64::from(f)
    };
    if stored != sectors as i64 {
        return Err(bad(if count == 1 {
            format!(
                "the lead-out entry (Point=0xa2) is at LBA {}, but the .img holds {sectors} sectors",
                leadouts[0]
            )
        } else {
            format!(
                "the {count} sessions' entries put {stored} sectors in the .img (the gaps between sessions not stored), but it holds {sectors}"
            )
        }));
    }
    // The session of disc LBA `lba`, and where it is stored in the .img.
    let place = |lba: i32| -> Option<(usize, u64)> {
        (0..firsts.len()).rev().find_map(|k| {
            let (f, at) = firsts[k];
            (lba >= f && lba <= leadouts[k]).then(|| (k, at + (lba - f) as u64))
        })
    };
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
    // A0/A1 of each session: its first and last track (the session told by INDEX 1's place).
    let in_session = |n: u8| {
        tracks
            .iter()
            .filter(move |t| {
                t.index(1)
                    .and_then(&place)
                    .is_some_and(|(k, _)| k + 1 == usize::from(n))
            })
            .map(|t| t.number)
    };
    for e in sheet
        .entries
        .iter()
        .filter(|e| e.point == 0xA0 || e.point == 0xA1)
    {
        let n = session_of(e);
        let (want, what) = if e.point == 0xA0 {
            (in_session(n).min(), "first")
        } else {
            (in_session(n).max(), "last")
        };
        if let Some(want) = want.filter(|&w| w != e.p[0]) {
            return Err(bad(format!(
                "the entry Point=0x{:02x} says the {what} track{} is {}, the [TRACK] sections say {want}",
                e.point,
                if count > 1 { format!(" of session {n}") } else { String::new() },
                e.p[0]
            )));
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
        let session_first = firsts.iter().any(|&(f, _)| f == i1) && k > 0;
        let s = if k == 0 {
            0
        } else if session_first {
            i1
        } else {
            t.index(0).unwrap_or(i1)
        };
        let prev = starts.last().copied().unwrap_or(-1);
        let inside = place(i1).is_some_and(|(n, _)| i1 < leadouts[n]);
        if s <= prev || i1 < s || !inside || place(s).map(|p| p.0) != place(i1).map(|p| p.0) {
            return Err(bad(format!(
                "[TRACK {}]: INDEX 0/1 at LBA {s}/{i1} are out of order or outside the program areas of the .img",
                t.number
            )));
        }
        starts.push(s);
    }
    let mut plans = Vec::with_capacity(tracks.len());
    let mut session_starts_seen: Vec<usize> = Vec::new();
    for (k, t) in tracks.iter().enumerate() {
        let start = starts[k];
        let (session, at) = place(start).unwrap_or((0, start as u64));
        let end = match starts.get(k + 1) {
            Some(&n) if place(n).map(|p| p.0) == Some(session) => n,
            _ => leadouts[session],
        };
        if session > 0 && session != session_starts_seen.len() {
            session_starts_seen.push(k);
        }
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
                byte_offset: at * 2352,
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
    if session_starts_seen.len() + 1 != usize::from(count) {
        return Err(bad(format!(
            "the entries name {count} sessions, but the [TRACK] sections fill {}",
            session_starts_seen.len() + 1
        )));
    }
    let toc_as_read = toc_as_read(sheet, &mut warnings)?;
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
        sessions: session_starts_seen,
        toc_as_read,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_have_line_and_column() {
        let e = parse_ccd(
            "[CloneCD]\nVersion=3\n[Entry 0]\nPoint=zz\n",
            Path::new("x.ccd"),
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "x.ccd:4:7: bad number \"zz\": not a number");
        let e = parse_ccd("[CloneCD]\nVersion\n", Path::new("x.ccd")).unwrap_err();
        assert_eq!((e.line, e.col), (2, 1));
        let e = parse_ccd("[Disc]\nTocEntries=0\n[TRACK 1]\n", Path::new("x.ccd")).unwrap_err();
        assert!(e.to_string().contains("[CloneCD]"), "{e}");
        let e = parse_ccd(
            "[CloneCD]\n[Disc]\nTocEntries=2\n[Entry 0]\n[TRACK 1]\n",
            Path::new("x.ccd"),
        )
        .unwrap_err();
        assert_eq!(e.line, 3);
        let e = parse_ccd("[CloneCD]\n[Entry 1]\n[TRACK 1]\n", Path::new("x.ccd")).unwrap_err();
        assert!(e.to_string().contains("no [Entry 0]"), "{e}");
        let e = parse_ccd(
            "[CloneCD]\n[TRACK 1]\nINDEX 1=99999999\n",
            Path::new("x.ccd"),
        )
        .unwrap_err();
        assert_eq!((e.line, e.col), (3, 9));
        let e = parse_ccd("[CloneCD]\n[Entry 0]\nPoint=1\n", Path::new("x.ccd")).unwrap_err();
        assert_eq!(e.kind, ParseErrorKind::NoTracks);
        // 16-byte CD-Text entries get their CRC computed.
        let ok = parse_ccd(
            "[CloneCD]\r\n[CDText]\r\nEntries=1\r\nEntry 0=80 00 00 00 41 42 00 00 00 00 00 00 00 00 00 00\r\n[TRACK 1]\r\nMODE=0\r\nINDEX 1=0\r\n",
            Path::new("x.ccd"),
        )
        .unwrap();
        assert!(ok.cdtext[0].crc_ok());
    }
}
