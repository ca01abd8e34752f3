//! CloneCD control files (`.ccd`, cd-format.md §11.3): the parser (`rawcd verify`, and the
//! reader of CloneCD images). The writer of rawcd's `clonecd` output is `formats::write::ccd`.
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

use crate::codec::cdtext::{Pack, PACK_SIZE};

use crate::formats::error::{ParseError, ParseErrorKind};

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
