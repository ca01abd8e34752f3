//! CloneCD control files (`.ccd`, cd-format.md §11.3): a writer for rawcd's `clonecd` output
//! and a parser for `rawcd verify`.
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
use crate::layout::DiscMap;
use crate::units::from_bcd;

use super::error::{ParseError, ParseErrorKind};

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

fn ccd_mode(t: &crate::layout::TrackEntry) -> u8 {
    if t.ty.is_audio() {
        0
    } else if t.ty.is_mode2() {
        2
    } else {
        1
    }
}

/// Writes the `.ccd` of a CloneCD set whose `.img`/`.sub` hold LBA 0 .. lead-out − 1 of `map`.
/// `cdtext` are the lead-in CD-Text packs, if any (`[CDText]`, 18 bytes per entry).
pub fn write_ccd(map: &DiscMap, cdtext: Option<&[Pack]>) -> String {
    let entries = map.toc_entries();
    let mut ordered: Vec<_> = entries.iter().filter(|e| e.1 >= 0xA0).collect();
    ordered.extend(entries.iter().filter(|e| e.1 < 0xA0));
    let packs = cdtext.unwrap_or(&[]);
    let mut s = String::new();
    let mut line = |text: String| {
        s.push_str(&text);
        s.push_str("\r\n");
    };
    line("[CloneCD]".into());
    line("Version=3".into());
    line("[Disc]".into());
    line(format!("TocEntries={}", ordered.len()));
    line("Sessions=1".into());
    line("DataTracksScrambled=0".into());
    line(format!("CDTextLength={}", packs.len() * PACK_SIZE));
    if let Some(m) = map.mcn() {
        line(format!("CATALOG={m}"));
    }
    if !packs.is_empty() {
        line("[CDText]".into());
        line(format!("Entries={}", packs.len()));
        for (i, p) in packs.iter().enumerate() {
            let hex: Vec<String> = p.0.iter().map(|b| format!("{b:02x}")).collect();
            line(format!("Entry {i}={}", hex.join(" ")));
        }
    }
    let first = &map.tracks()[0];
    line("[Session 1]".into());
    line(format!("PreGapMode={}", ccd_mode(first)));
    line("PreGapSubC=0".into());
    for (i, &&(ctrl, point, p)) in ordered.iter().enumerate() {
        let bin = |b: u8| from_bcd(b).unwrap_or(b);
        let (point, pm) = if point >= 0xA0 {
            // A0: first track, disc type (raw), 0; A1: last track; A2: lead-out MSF.
            let psec = if point == 0xA0 { p[1] } else { bin(p[1]) };
            (point, [bin(p[0]), psec, bin(p[2])])
        } else {
            (bin(point), [bin(p[0]), bin(p[1]), bin(p[2])])
        };
        let e = CcdEntry {
            p: pm,
            ..Default::default()
        };
        line(format!("[Entry {i}]"));
        line("Session=1".into());
        line(format!("Point={point:#04x}"));
        line("ADR=0x01".into());
        line(format!("Control={ctrl:#04x}"));
        line("TrackNo=0".into());
        line("AMin=0".into());
        line("ASec=0".into());
        line("AFrame=0".into());
        line("ALBA=-150".into());
        line("Zero=0".into());
        line(format!("PMin={}", pm[0]));
        line(format!("PSec={}", pm[1]));
        line(format!("PFrame={}", pm[2]));
        line(format!("PLBA={}", e.p_lba()));
    }
    for t in map.tracks() {
        line(format!("[TRACK {}]", t.number));
        line(format!("MODE={}", ccd_mode(t)));
        if let Some(i) = &t.isrc {
            line(format!("ISRC={}", i.as_str()));
        }
        let pregap = t.first_lba.max(0);
        if pregap < t.index01 {
            line(format!("INDEX 0={pregap}"));
        }
        line(format!("INDEX 1={}", t.index01));
        for (k, lba) in t.indexes.iter().enumerate() {
            line(format!("INDEX {}={lba}", k + 2));
        }
    }
    s
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
    use crate::codec::cdtext::{Block, CdText, Charset};
    use crate::codec::SectorType;
    use crate::layout::{CopySetting, ImageCreator};
    use crate::source::Source;

    fn src(ty: SectorType, sectors: usize) -> Source {
        Source::from_bytes(vec![0u8; ty.input_size() * sectors])
    }

    fn disc() -> DiscMap {
        let mut c = ImageCreator::new();
        c.set_relaxed(true);
        c.set_media_catalog_number("1234567890128").unwrap();
        c.add_track(SectorType::Mode1, src(SectorType::Mode1, 331))
            .unwrap();
        c.add_track(SectorType::Audio, src(SectorType::Audio, 225))
            .unwrap();
        c.add_track(SectorType::Audio, src(SectorType::Audio, 338))
            .unwrap();
        c.set_isrc(2, "USABC2400001").unwrap();
        let s = c.track_info_mut(3).unwrap();
        s.copy = CopySetting::Permitted;
        s.preemphasis = true;
        s.indexes = vec![100];
        c.build().unwrap()
    }

    #[test]
    fn write_then_parse_round_trips() {
        let map = disc();
        let mut b = Block::new(9, Charset::Iso8859_1, 1, 3);
        b.disc.title = b"Album".to_vec();
        let packs = CdText { blocks: vec![b] }
            .encode(&Default::default())
            .unwrap();
        let text = write_ccd(&map, Some(&packs));
        assert!(text.starts_with(
            "[CloneCD]\r\nVersion=3\r\n[Disc]\r\nTocEntries=6\r\nSessions=1\r\nDataTracksScrambled=0\r\n"
        ));
        assert!(!text.replace("\r\n", "").contains('\n'), "CRLF only");
        assert!(text.contains("[Entry 0]\r\nSession=1\r\nPoint=0xa0\r\nADR=0x01\r\nControl=0x04\r\nTrackNo=0\r\nAMin=0\r\nASec=0\r\nAFrame=0\r\nALBA=-150\r\nZero=0\r\nPMin=1\r\nPSec=0\r\nPFrame=0\r\nPLBA=4350\r\n"), "{text}");
        let sheet = parse_ccd(&text, Path::new("OUT.ccd")).unwrap();
        assert_eq!(sheet.version, 3);
        assert_eq!(sheet.sessions, 1);
        assert!(!sheet.data_tracks_scrambled);
        assert_eq!(sheet.catalog.as_deref(), Some("1234567890128"));
        assert_eq!(sheet.cdtext, packs);
        assert_eq!(sheet.cdtext_length as usize, packs.len() * 18);
        assert_eq!(sheet.pregap_modes, vec![1]);
        let points: Vec<u8> = sheet.entries.iter().map(|e| e.point).collect();
        assert_eq!(points, vec![0xA0, 0xA1, 0xA2, 1, 2, 3]);
        assert_eq!(sheet.leadout_lba(), Some(map.start_of_leadout()));
        // The entries are the map's TOC, in binary.
        for e in &sheet.entries {
            let (ctrl, _, p) = map
                .toc_entries()
                .into_iter()
                .find(|x| from_bcd(x.1).unwrap_or(x.1) == e.point)
                .unwrap();
            assert_eq!(e.control, ctrl);
            assert_eq!(e.plba, e.p_lba());
            if e.point != 0xA0 {
                assert_eq!(e.p.map(crate::units::to_bcd), p, "point {:#x}", e.point);
            }
        }
        for (t, ct) in map.tracks().iter().zip(sheet.track_entries()) {
            assert_eq!(ct.plba, t.index01);
            assert_eq!(ct.control, t.ctrl);
        }
        assert_eq!(sheet.tracks.len(), 3);
        for (t, ct) in map.tracks().iter().zip(&sheet.tracks) {
            assert_eq!(ct.number, t.number);
            assert_eq!(ct.mode, if t.ty.is_audio() { 0 } else { 1 });
            assert_eq!(ct.index(1), Some(t.index01));
            let idx0 = (t.first_lba >= 0).then_some(t.first_lba);
            assert_eq!(ct.index(0), idx0);
            let more: Vec<i32> = ct
                .indexes
                .iter()
                .filter(|(n, _)| *n >= 2)
                .map(|&(_, l)| l)
                .collect();
            assert_eq!(more, t.indexes);
            assert_eq!(ct.isrc.as_deref(), t.isrc.as_ref().map(|i| i.as_str()));
        }
        // D14: 150 post-gap after the data track, 150 pre-gap before each audio track.
        let starts: Vec<i32> = sheet.tracks.iter().map(|t| t.index(1).unwrap()).collect();
        assert_eq!(starts, vec![0, 631, 1006]);
        assert_eq!(sheet.tracks[1].index(0), Some(481));
        assert_eq!(sheet.leadout_lba(), Some(1344));
    }

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
